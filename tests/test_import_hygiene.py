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


# What the console's first screen (the sign-in dialog, drawn while the station opens) must load
# without: the station itself (SQLAlchemy, the models, the services: opened in a worker meanwhile) and
# the screens. Once open, still not the other modes' screens nor check-in (shown after sign-in), nor
# the heavy libraries of printing, PDFs, USB, serial devices, spreadsheets, pinyin, PostgreSQL and
# migrations (a current database needs no Alembic).
NOT_BEFORE_OPEN = ("sqlalchemy", "sqlmodel", "db", "station_console.services")
SCREENS = ("checkin", "pickup", "sendout", "shelves", "parcels", "reports", "settings")
NOT_AT_START = (
    *("alembic", "fpdf", "PIL", "usb", "serial", "openpyxl", "pypinyin", "psycopg", "escpos", "qrcode"),
    *("barcode", "fontTools", "zxingcpp", "jinja2", "mako"),
)
DEFAULT_GC_THRESHOLD = 700  # CPython's first-generation threshold

# The console as `station` starts it (the bench's start-up child does the same).
FIRST_IDLE = """
import asyncio, gc, json, sys
from textual import events
from station_console.commands._support import CliApp
from station_console.tui.app import console_app

at_import = {"modules": sorted(sys.modules), "gc_threshold": gc.get_threshold()[0]}
app = None
opening = {}

def seen(app):
    return {"modules": sorted(sys.modules), "gc_threshold": gc.get_threshold()[0],
            "frozen": gc.get_freeze_count(), "screen": type(app.screen).__name__,
            "drawn": bool(app.screen.query("#signin-name"))}

class Watched(CliApp):
    @property
    def station(self):
        opening.update(seen(app))  # what was loaded when the station starts opening
        return super().station

async def main() -> None:
    global app
    app = console_app(Watched(db_url=sys.argv[1], counter="hygiene"))
    async with app.run_test(size=(140, 40)) as pilot:
        while not app.station_open and app.open_failure is None:  # the worker starts after a refresh
            await asyncio.sleep(0.01)
        await app.workers.wait_for_complete()
        key = events.Key("x", "x")  # a person's key, as the terminal delivers it
        key.set_sender(app)
        app._driver.send_message(key)
        for _ in range(500):  # until the dialog's field shows it (at most about 5 s)
            if app.screen.query_one("#signin-name").value:
                break
            await asyncio.sleep(0.01)
        typed = app.screen.query_one("#signin-name").value
        print(json.dumps({"import": at_import, "opening": opening, "open": seen(app), "typed": typed}))

asyncio.run(main())
"""


def _modules(names: list[str], roots: tuple[str, ...]) -> set[str]:
    return {m for m in names if any(m == r or m.startswith(r + ".") for r in roots)}


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
    screens = tuple(f"station_console.tui.screens.{name}" for name in SCREENS)
    # The dialog is up before the station starts loading (in a worker).
    assert not _modules(seen["import"]["modules"], NOT_BEFORE_OPEN + screens)
    assert seen["opening"]["screen"] == "SignInScreen" and seen["opening"]["drawn"]
    assert not _modules(seen["opening"]["modules"], NOT_BEFORE_OPEN + screens)
    assert seen["typed"] == "x"
    # Open: the station is loaded, the screens and heavy libraries are not.
    opened = seen["open"]["modules"]
    assert seen["open"]["screen"] == "SignInScreen"
    assert "db.models" in opened and "station_console.services.people.clerks" in opened
    assert not _modules(opened, screens)
    assert not {m for m in opened if m.split(".")[0] in NOT_AT_START}
    # Fewer collections while the modules load; the default once the station is open and the dialog
    # drawn, with what was loaded kept out of later full collections.
    assert seen["import"]["gc_threshold"] > DEFAULT_GC_THRESHOLD
    assert seen["open"]["gc_threshold"] == DEFAULT_GC_THRESHOLD
    assert seen["open"]["frozen"] > 100_000


# Every help page of `station` (the top one, each command's and each group's commands'), shown in one
# process as a shell would show them one after another: help is words only, so none loads the station
# (SQLAlchemy, the models, pydantic, the services that reach them) or the console.
NOT_FOR_HELP = ("sqlalchemy", "sqlmodel", "db", "pydantic", "textual", "station_console.tui", *NOT_AT_START)
HELP_PAGES = """
import contextlib, io, json, sys
import click
from station_console.cli import cli

def pages(command, path):
    yield path
    if isinstance(command, click.Group):
        ctx = click.Context(command)
        for name in command.list_commands(ctx):
            yield from pages(command.get_command(ctx, name), [*path, name])

shown = 0
for path in pages(cli, []):
    with contextlib.redirect_stdout(io.StringIO()) as out:
        cli.main([*path, "--help"], prog_name="station", standalone_mode=False)
    shown += "--help" in out.getvalue()
print(json.dumps({"pages": shown, "modules": sorted(sys.modules)}))
"""


def test_station_help_loads_no_station() -> None:
    out = subprocess.run(
        [sys.executable, "-c", HELP_PAGES], capture_output=True, text=True, cwd=ROOT, timeout=120, check=True
    )
    seen = json.loads(out.stdout.splitlines()[-1])
    assert seen["pages"] > 50  # every page was shown, the commands' too
    assert not _modules(seen["modules"], NOT_FOR_HELP)
