"""Random keys at the console until it stops: a fuzz driver for crashes the Pilot tests did not think of.

The console runs headless (Textual's `run_test`, as the Pilot tests run it) on a copy of a small demo
station (`station init --demo` at STATION_DEMO_SCALE=0.05, made once into the work folder) with a
demo clerk signed in. It presses keys from a weighted alphabet: mode and screen keys (F1-F12, Ctrl+S/T/
Z/Y/X/N/O/L), Esc, Enter, Tab, arrows, space, y/n, digits, letters, and whole scans (a waybill or a
pickup code from the database typed back to back, then Enter), with a random short pause (0-150 ms)
or a wait until the console is quiet between some keys, so workers answer at random moments. Locked
(Ctrl+L), it signs the clerk in again by keys now and then.

It stops at the first crash: the app exiting with an exception, an error logged on `station.tui`
(`report_unexpected`'s "unexpected error"), or a console that is not quiet again after 30 s (keys held,
a worker stuck); prints the seed, the sequence and the traceback, then shrinks the sequence (the
shortest crashing prefix, then chunks dropped) and prints the short one. Along the way it notes what
is not a crash but looks wrong when the console is quiet: two dialogs on one stack (the sign-in over
one is a lock, not counted), a mode with no screen, a sign-in dialog over a signed-in console, a
screen over the sign-in dialog, nobody signed in and no sign-in dialog, the focus on a screen that is
not on top, a Select open under a screen of its mode; and, whenever it happens, a toast on a locked console
raised by anything but the sign-in dialog (the lock cleared the toasts: they quote customers). Each
run has a counter.toml of its own (Settings saves it), so a replay starts as its run did.

    .venv/bin/python scripts/fuzz_console.py --seed 1 --keys 2000 --role manager [--runs 5]
    .venv/bin/python scripts/fuzz_console.py --replay "f4 f8 enter escape ~40 f2"   (a printed sequence)

Not part of the test suite (its time is a goal of its own): each bug it finds gets a Pilot test.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import random
import shutil
import sqlite3
import sys
import tempfile
import time
import traceback
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

WORK = Path(tempfile.gettempdir()) / "station-fuzz"
SIZE = (160, 45)
PIN = "2468"  # the demo clerks'
CLERKS = {"manager": "demo-manager", "clerk": "demo-clerk"}

# (weight, keys): one key is drawn from each group by weight.
ALPHABET: list[tuple[int, list[str]]] = [
    (14, [f"f{n}" for n in range(1, 13)]),
    (5, ["ctrl+s", "ctrl+t", "ctrl+z", "ctrl+y", "ctrl+x", "ctrl+n", "ctrl+o"]),
    (1, ["ctrl+l"]),
    (12, ["escape"]),
    (14, ["enter"]),
    (6, ["tab", "shift+tab"]),
    (10, ["up", "down", "left", "right", "pageup", "pagedown", "home", "end"]),
    (3, ["space"]),
    (5, ["y", "n"]),
    (10, list("0123456789")),
    (6, list("abcdefghijklmnopqrstuvwxyz")),
    (2, ["backspace", "delete"]),
]
SCAN_WEIGHT = 6  # a whole scan, against the alphabet's total


@dataclass
class Crash:
    kind: str  # "exception", "logged", "hang"
    text: str  # the traceback, or what was busy
    signature: str  # what tells one crash from another: the error and where it was raised
    at: int  # how many tokens were sent when it was seen


@dataclass
class Outcome:
    sent: list[str]
    crash: Crash | None
    notes: dict[str, int] = field(default_factory=dict)
    screens: set[str] = field(default_factory=set)  # the screens seen on top when quiet
    keys: int = 0


class ErrorLog(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


def isolate(folder: Path) -> None:
    """The developer's own config, database, log and language kept out (as tests/conftest.py does)."""
    for name, sub in (("XDG_DATA_HOME", "data"), ("XDG_CONFIG_HOME", "config"), ("XDG_STATE_HOME", "state")):
        os.environ[name] = str(folder / sub)
    os.environ["STATION_CONFIG"] = str(folder / "counter.toml")
    for var in ("STATION_DB", "STATION_LANG", "STATION_COUNTER", "STATION_CLERK", "STATION_PIN"):
        os.environ.pop(var, None)


def demo_template() -> Path:
    """The demo station, made once (a week at a twentieth of the volume: a dozen parcels on shelves)."""
    path = WORK / "demo.sqlite3"
    if path.exists():
        return path
    from click.testing import CliRunner

    from station_console.cli import cli

    os.environ["STATION_DEMO_SCALE"] = "0.05"
    made = WORK / "making.sqlite3"
    made.unlink(missing_ok=True)
    args = ["--db", f"sqlite:///{made}", "init", "--demo", "--timezone", "Asia/Shanghai"]
    result = CliRunner().invoke(cli, [*args, "--opening-hours", "09:00-21:00"], catch_exceptions=False)
    if result.exit_code != 0:
        raise SystemExit(f"station init --demo failed:\n{result.output}")
    with sqlite3.connect(made) as db:
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    made.rename(path)
    return path


def scans(path: Path) -> list[str]:
    """What a scanner reads at this station: waybills (on the shelves and gone) and pickup codes."""
    with sqlite3.connect(path) as db:
        rows = db.execute("SELECT waybill, pickup_code, status FROM parcel").fetchall()
    codes = [code for _, code, status in rows if status == "on_shelf" and code]
    return [waybill for waybill, _, _ in rows] + codes * 3


def signature(exc: BaseException) -> str:
    frames = traceback.extract_tb(exc.__traceback__)
    ours = [f for f in frames if "station_console" in f.filename] or frames
    where = f"{Path(ours[-1].filename).name}:{ours[-1].lineno}" if ours else "?"
    return f"{type(exc).__name__} at {where}"


def quiet_notes(app: Any) -> list[str]:
    """What looks wrong on a quiet console without stopping it."""
    from textual.screen import ModalScreen
    from textual.widgets import Select

    from station_console.tui.screens.signin import SignInScreen

    notes = []
    for mode, stack in app._screen_stacks.items():
        if not stack:
            notes.append(f"mode {mode} has no screen")
        # The sign-in goes over whatever is open (a lock hides every screen): not a dialog too many.
        dialogs = [
            type(s).__name__ for s in stack if isinstance(s, ModalScreen) and not isinstance(s, SignInScreen)
        ]
        if len(dialogs) > 1:
            notes.append(f"mode {mode}: {len(dialogs)} dialogs stacked: {' > '.join(dialogs)}")
    # Another mode's screens wait as they were left, a Select open too; so do those a lock hides.
    under = [] if isinstance(app.screen, SignInScreen) else app.screen_stack[:-1]
    for screen in under:
        notes += [
            f"a Select open on {type(screen).__name__}, under {type(app.screen).__name__}"
            for select in screen.query(Select)
            if select.expanded
        ]
    if app.signing_in and app.station.clerk_id is not None:
        notes.append("sign-in dialog over a signed-in console")
    if app.signing_in and not isinstance(app.screen, SignInScreen):
        notes.append(f"{type(app.screen).__name__} over the sign-in dialog")
    if app.station_open and app.station.clerk_id is None and not app.signing_in:
        notes.append(f"nobody signed in and no sign-in dialog: {type(app.screen).__name__} shown")
    focused = app.focused
    if focused is not None and focused.screen is not app.screen:
        owner, top = type(focused.screen).__name__, type(app.screen).__name__
        notes.append(f"focus on {type(focused).__name__} of {owner}, under {top}")
    return notes


def watch_locked_toasts(app: Any, notes: dict[str, int]) -> None:
    """A toast raised while nobody is signed in by anything but the sign-in dialog is noted: a lock
    clears the toasts (they quote names and waybills), one from a screen behind it shows them again."""
    from textual.widget import Widget

    from station_console.tui.screens.signin import SignInScreen

    notify = app.notify

    def noted(message: str, **kwargs: Any) -> None:
        frame = sys._getframe(1)
        while frame is not None and not (isinstance(frame.f_locals.get("self"), Widget)):
            frame = frame.f_back  # type: ignore[assignment]
        raiser = frame.f_locals["self"] if frame is not None else app
        try:
            by = type(raiser.screen).__name__ if raiser is not app else "the app"
        except Exception:  # noqa: BLE001  a widget no longer on a screen
            by = type(raiser).__name__
        if app.station_open and app.station.clerk_id is None and by != SignInScreen.__name__:
            note = f"a toast on the locked console from {by}: {message[:60]!r}"
            notes[note] = notes.get(note, 0) + 1
        notify(message, **kwargs)

    app.notify = noted


def sign_in_keys(app: Any, name: str) -> list[str]:
    """The clerk signs in again by keys: the name field cleared and typed, Enter, the PIN, Enter."""
    focused = app.focused
    keys = ["shift+tab"] if focused is not None and focused.id == "signin-pin" else []
    return [*keys, "ctrl+u", "ctrl+k", *name, "enter", "ctrl+u", "ctrl+k", *PIN, "enter"]


def generate(rng: random.Random, app: Any, codes: list[str], name: str, locked_for: int) -> list[str]:
    """The next tokens: one key or a scan (back to back), each maybe followed by a pause or a wait."""
    if app.signing_in and locked_for > 8 and rng.random() < 0.3:
        tokens = sign_in_keys(app, name)
    else:
        total = sum(w for w, _ in ALPHABET) + SCAN_WEIGHT
        pick = rng.uniform(0, total)
        tokens = []
        for weight, keys in ALPHABET:
            if pick < weight:
                tokens = [rng.choice(keys)]
                break
            pick -= weight
        if not tokens:
            tokens = [*rng.choice(codes), "enter"]
    roll = rng.random()
    if roll < 0.35:
        tokens.append(f"~{rng.randint(0, 150)}")
    elif roll < 0.5:
        tokens.append("|")  # until quiet
    return tokens


async def drive(
    template: Path, role: str, tokens: list[str] | None, *, seed: int = 0, keys: int = 0
) -> Outcome:
    """One console on a fresh copy of `template`: `tokens` replayed, or `keys` random keys from `seed`."""
    from tui import quiet  # tests/tui/quiet.py: the Pilot tests' keys and waits

    from db.engine import create_station_engine
    from station_console.services.core.station import Station
    from station_console.services.people import clerks
    from station_console.settings import CounterSettings
    from station_console.tui.app import StationApp

    run = Path(tempfile.mkdtemp(prefix="run-", dir=WORK))
    shutil.copy(template, run / "station.sqlite3")
    # Its own counter.toml: what one run's Settings saved (a wedge timing, a printer) is not the next run's.
    os.environ["STATION_CONFIG"] = str(run / "counter.toml")
    engine = create_station_engine(f"sqlite:///{run / 'station.sqlite3'}")
    station = Station(engine, counter="fuzz")
    clerks.sign_in(station, CLERKS[role], PIN)
    app = StationApp(station, CounterSettings(counter="fuzz"), database_label="fuzz")
    errors = ErrorLog()
    logger = logging.getLogger("station.tui")
    logger.addHandler(errors)
    logger.propagate = False
    rng = random.Random(seed)
    codes = scans(template)
    outcome = Outcome(sent=[], crash=None)
    watch_locked_toasts(app, outcome.notes)
    locked_for = 0

    def crashed() -> Crash | None:
        if app._exception is not None:
            exc = app._exception
            text = "".join(traceback.format_exception(exc))
            return Crash("exception", text, signature(exc), len(outcome.sent))
        if errors.records:
            record = errors.records[0]
            exc_info = record.exc_info
            if exc_info and exc_info[1] is not None:
                text = f"{record.getMessage()}\n" + "".join(traceback.format_exception(exc_info[1]))
                return Crash("logged", text, signature(exc_info[1]), len(outcome.sent))
            return Crash("logged", record.getMessage(), record.getMessage(), len(outcome.sent))
        if not app.is_running:
            return Crash("exception", "the console stopped", "stopped", len(outcome.sent))
        return None

    async def send(token: str) -> Crash | None:
        if token == "|":
            try:
                await quiet.settle(pilot)
            except TimeoutError as exc:
                return Crash("hang", str(exc), "not quiet", len(outcome.sent))
            if app.is_running:
                outcome.screens.add(type(app.screen).__name__)
                for note in quiet_notes(app):
                    outcome.notes[note] = outcome.notes.get(note, 0) + 1
        elif token.startswith("~"):
            await asyncio.sleep(int(token[1:]) / 1000)
        else:
            quiet.send_key(app, token)
            outcome.keys += 1
            await asyncio.sleep(0)
        return crashed()

    try:
        async with app.run_test(size=SIZE) as pilot:
            await quiet.settle(pilot)
            source = iter(tokens) if tokens is not None else None
            while outcome.crash is None:
                if source is not None:
                    batch = [t] if (t := next(source, None)) is not None else []
                elif outcome.keys < keys:
                    locked_for = locked_for + 1 if app.signing_in else 0
                    batch = generate(rng, app, codes, CLERKS[role], locked_for)
                else:
                    batch = []
                if not batch:
                    outcome.sent.append("|")
                    outcome.crash = await send("|")
                    break
                for token in batch:
                    outcome.sent.append(token)
                    outcome.crash = await send(token)
                    if outcome.crash:
                        break
    except Exception as exc:  # noqa: BLE001  the app's own exception, raised again as the test ends
        if outcome.crash is None:
            outcome.crash = Crash(
                "exception", "".join(traceback.format_exception(exc)), signature(exc), len(outcome.sent)
            )
    finally:
        logger.removeHandler(errors)
        engine.dispose()
        shutil.rmtree(run, ignore_errors=True)
    return outcome


def replays(template: Path, role: str, tokens: list[str], want: str, tries: int = 2) -> bool:
    """The sequence still crashes the same way (a worker's timing varies: `tries` attempts)."""
    for _ in range(tries):
        crash = asyncio.run(drive(template, role, tokens)).crash
        if crash is not None and crash.signature == want:
            return True
    return False


def shrink(template: Path, role: str, tokens: list[str], want: str, budget_s: float) -> list[str]:
    """The shortest prefix that still crashes, then chunks dropped (halves, quarters, ... single keys)."""
    deadline = time.monotonic() + budget_s
    low, high = 1, len(tokens)  # the shortest prefix: a binary search (a longer prefix crashes too)
    while low < high and time.monotonic() < deadline:
        middle = (low + high) // 2
        if replays(template, role, tokens[:middle], want):
            high = middle
        else:
            low = middle + 1
    tokens = tokens[:high]
    chunk = max(1, len(tokens) // 2)
    while chunk >= 1 and time.monotonic() < deadline:
        start = 0
        while start < len(tokens) and time.monotonic() < deadline:
            candidate = tokens[:start] + tokens[start + chunk :]
            if candidate and replays(template, role, candidate, want):
                tokens = candidate
            else:
                start += chunk
        chunk //= 2
    return tokens


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--keys", type=int, default=1000, help="keys per run")
    parser.add_argument("--runs", type=int, default=1, help="runs, seeds --seed, --seed + 1, ...")
    parser.add_argument("--role", choices=sorted(CLERKS), default="manager")
    parser.add_argument("--replay", help="a printed sequence (tokens separated by spaces) instead")
    parser.add_argument("--no-shrink", action="store_true")
    parser.add_argument("--shrink-budget", type=float, default=600.0, help="seconds")
    args = parser.parse_args()
    WORK.mkdir(exist_ok=True)
    isolate(WORK)
    os.chdir(WORK)  # what the console exports (a report's CSV and PDF) lands where it stands
    from station_console.i18n import set_language

    set_language("en")
    template = demo_template()
    total_keys = 0
    notes: dict[str, int] = {}
    screens: set[str] = set()
    for seed in range(args.seed, args.seed + args.runs):
        tokens = args.replay.split() if args.replay else None
        started = time.monotonic()
        outcome = asyncio.run(drive(template, args.role, tokens, seed=seed, keys=args.keys))
        total_keys += outcome.keys
        screens |= outcome.screens
        for note, count in outcome.notes.items():
            notes[note] = notes.get(note, 0) + count
        took = time.monotonic() - started
        print(f"seed {seed} role {args.role}: {outcome.keys} keys in {took:.0f} s", flush=True)
        if outcome.crash is None:
            continue
        crash = outcome.crash
        print(f"CRASH ({crash.kind}) seed {seed}: {crash.signature}")
        print("sequence:", " ".join(outcome.sent))
        print(crash.text, flush=True)
        if not args.no_shrink:
            short = shrink(template, args.role, outcome.sent, crash.signature, args.shrink_budget)
            print(f"shrunk to {len(short)} tokens:", " ".join(short), flush=True)
        break
    print(f"keys sent in all: {total_keys}")
    print(f"screens seen ({len(screens)}):", " ".join(sorted(screens)))
    for note, count in sorted(notes.items()):
        print(f"note (seen {count} times when quiet): {note}")


if __name__ == "__main__":
    main()
