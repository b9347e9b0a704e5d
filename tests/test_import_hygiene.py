"""The core (services, db, hardware) never imports the UI: checked by the import contracts and at run time."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CORE = [ROOT / "station_console" / "services", ROOT / "db", ROOT / "hardware"]


def test_the_import_contracts_hold() -> None:
    """Layers (tui -> services -> db / hardware), services by flow, no Textual in services, db and
    hardware free of station_console, no cycles: the contracts in pyproject.toml, checked by import-linter
    on every import, function-level ones too."""
    lint = Path(sys.executable).with_name("lint-imports")
    out = subprocess.run([str(lint)], capture_output=True, text=True, cwd=ROOT)
    assert out.returncode == 0, out.stdout + out.stderr
    assert "0 broken" in out.stdout


def test_importing_every_core_module_loads_no_textual() -> None:
    modules = [
        ".".join(p.relative_to(ROOT).with_suffix("").parts)
        for folder in CORE
        for p in folder.rglob("*.py")
        if "migrations" not in p.parts and p.name != "__main__.py"
    ]
    code = (
        "import importlib, sys\n"
        f"for m in {modules!r}:\n"
        "    importlib.import_module(m.removesuffix('.__init__'))\n"
        "print('textual' in sys.modules)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True)
    assert out.stdout.strip() == "False"
