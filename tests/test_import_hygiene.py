"""The core (services, db, hardware) never imports the UI: checked by the import contracts and at run time.
The console's first screen loads only what it shows."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from station_console.services.admin.setup import open_station

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


# What the console's first screen (check-in, under the sign-in dialog) must load without: the other
# modes' screens (imported when first opened) and the heavy libraries of printing, PDFs, USB, serial
# devices, spreadsheets, pinyin, PostgreSQL and migrations (a current database needs no Alembic).
OTHER_SCREENS = ("pickup", "sendout", "shelves", "parcels", "reports", "settings")
NOT_AT_START = (
    *("alembic", "fpdf", "PIL", "usb", "serial", "openpyxl", "pypinyin", "psycopg", "escpos", "qrcode"),
    *("barcode", "fontTools", "zxingcpp", "jinja2", "mako"),
)
DEFAULT_GC_THRESHOLD = 700  # CPython's first-generation threshold

FIRST_IDLE = """
import asyncio, gc, json, sys
from station_console.services.admin.setup import open_station
from station_console.settings import CounterSettings
from station_console.tui.app import StationApp

at_import = {"modules": sorted(sys.modules), "gc_threshold": gc.get_threshold()[0]}

async def main() -> None:
    station = open_station(sys.argv[1], counter="hygiene")
    app = StationApp(station, CounterSettings(counter="hygiene"), require_sign_in=True)
    async with app.run_test(size=(140, 40)) as pilot:
        await pilot.pause()
        idle = {"modules": sorted(sys.modules), "gc_threshold": gc.get_threshold()[0], "frozen": gc.get_freeze_count()}
        print(json.dumps({"import": at_import, "idle": idle, "screen": type(app.screen).__name__}))
    station.engine.dispose()

asyncio.run(main())
"""


def test_the_first_screen_loads_only_what_it_shows(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'station.sqlite3'}"
    open_station(url).engine.dispose()  # a current database: migrated and seeded here
    out = subprocess.run(
        [sys.executable, "-c", FIRST_IDLE, url],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
    )
    assert out.returncode == 0, out.stderr[-3000:]
    seen = json.loads(out.stdout.splitlines()[-1])
    assert seen["screen"] == "SignInScreen"  # over the check-in screen: the console is up
    idle = set(seen["idle"]["modules"])
    assert "station_console.tui.screens.checkin" in idle
    assert not {f"station_console.tui.screens.{name}" for name in OTHER_SCREENS} & idle
    assert not {m for m in idle if m.split(".")[0] in NOT_AT_START}
    # Fewer collections while the modules load; the default once the first screen is drawn, with
    # what was loaded kept out of later full collections.
    assert seen["import"]["gc_threshold"] > DEFAULT_GC_THRESHOLD
    assert seen["idle"]["gc_threshold"] == DEFAULT_GC_THRESHOLD
    assert seen["idle"]["frozen"] > 100_000
