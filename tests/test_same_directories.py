"""A folder's conftest fixtures reach every test in it, whatever the order of the files named on the
command line (tests/same_directories.py): checked on a small tree of its own, in a pytest of its own."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

TESTS = Path(__file__).resolve().parent

# `pkg/` has a conftest whose autouse fixture every test in it needs; `test_top.py` sits beside it.
TREE = {
    "pkg/__init__.py": "",
    "pkg/conftest.py": (
        "import os, pytest\n"
        "@pytest.fixture(autouse=True)\n"
        "def _signed_in(monkeypatch):\n"
        "    monkeypatch.setenv('SIGNED_IN', 'Tester')\n"
    ),
    "pkg/test_a.py": "import os\ndef test_a():\n    assert os.environ.get('SIGNED_IN') == 'Tester'\n",
    "pkg/test_b.py": "import os\ndef test_b():\n    assert os.environ.get('SIGNED_IN') == 'Tester'\n",
    "test_top.py": "def test_top():\n    pass\n",
    "pytest.ini": "[pytest]\n",
}


def _pytest(folder: Path, *plugins: str) -> subprocess.CompletedProcess[str]:
    """The files in the order that lost pkg/conftest.py for test_b.py under pytest 9.1."""
    env = {**os.environ, "PYTHONPATH": str(TESTS), "PYTEST_DISABLE_PLUGIN_AUTOLOAD": "1"}
    args = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", *plugins]
    return subprocess.run(
        [*args, "pkg/test_a.py", "test_top.py", "pkg/test_b.py"],
        cwd=folder,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_a_folders_conftest_reaches_its_tests_after_a_file_beside_it(tmp_path: Path) -> None:
    for name, text in TREE.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text, encoding="utf-8")
    fixed = _pytest(tmp_path, "-p", "same_directories")
    assert fixed.returncode == 0, fixed.stdout
    assert "3 passed" in fixed.stdout
    plain = _pytest(tmp_path)
    assert plain.returncode != 0, (
        "this pytest keeps one collector per folder itself: drop tests/same_directories.py and this test"
    )
