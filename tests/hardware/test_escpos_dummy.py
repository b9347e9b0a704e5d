"""python-escpos's printer database: one cache per user, written whole, not once per process."""

from __future__ import annotations

import os
import pickle
import platform
import subprocess
import sys
from pathlib import Path

from hardware.printers.escpos_dummy import PICKLE_DIR

ROOT = Path(__file__).resolve().parents[2]
PRINT_ONE = (
    "from hardware.printers.escpos_dummy import new_dummy; p = new_dummy(); p.text('x'); assert p.output"
)


def _print_in_a_new_process(tmp: Path, cache: Path) -> None:
    env = {**os.environ, "TMPDIR": str(tmp), "XDG_CACHE_HOME": str(cache), "PYTHONPATH": str(ROOT)}
    env.pop(PICKLE_DIR, None)
    subprocess.run([sys.executable, "-c", PRINT_ONE], env=env, cwd=ROOT, check=True, timeout=60)


def test_the_printer_database_is_cached_once_and_nothing_is_written_per_process(tmp_path: Path) -> None:
    tmp, cache = tmp_path / "tmp", tmp_path / "cache"
    tmp.mkdir()
    _print_in_a_new_process(tmp, cache)
    cached = cache / "station-console" / "escpos" / f"{platform.python_version()}.capabilities.pickle"
    with cached.open("rb") as f:
        assert "profiles" in pickle.load(f)
    written = cached.stat().st_mtime_ns
    _print_in_a_new_process(tmp, cache)
    assert cached.stat().st_mtime_ns == written  # read by the second process, not written again
    # python-escpos makes a temporary folder at import whatever the setting says (mkdtemp() is the
    # default argument of its environ.get); its own way also wrote the database into it, every process.
    assert [f for folder in tmp.iterdir() for f in folder.iterdir()] == []
    assert list(cached.parent.iterdir()) == [cached]  # nothing half-written beside it


def test_a_cache_older_than_python_escpos_database_is_written_again(tmp_path: Path) -> None:
    tmp, cache = tmp_path / "tmp", tmp_path / "cache"
    tmp.mkdir()
    cached = cache / "station-console" / "escpos" / f"{platform.python_version()}.capabilities.pickle"
    cached.parent.mkdir(parents=True)
    cached.write_bytes(b"left by an older python-escpos")
    os.utime(cached, (0, 0))  # older than any installed capabilities.json
    _print_in_a_new_process(tmp, cache)
    with cached.open("rb") as f:
        assert "profiles" in pickle.load(f)


def test_loading_the_printer_leaves_the_log_to_the_station(tmp_path: Path) -> None:
    """python-escpos's basicConfig() at import would send every later log record of a `station`
    command to the terminal (unmasked, tracebacks included): no handler is left behind."""
    check = (
        "import logging; from hardware.printers.escpos_dummy import new_dummy; new_dummy();"
        " print(len(logging.getLogger().handlers))"
    )
    env = {**os.environ, "XDG_CACHE_HOME": str(tmp_path), "PYTHONPATH": str(ROOT)}
    out = subprocess.run(
        [sys.executable, "-c", check],
        env=env,
        cwd=ROOT,
        check=True,
        timeout=60,
        capture_output=True,
        text=True,
    )
    assert out.stdout.strip() == "0"
