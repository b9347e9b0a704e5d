"""Random keys at the console until it stops: a fuzz driver for crashes the Pilot tests did not think of.

The console runs headless (Textual's `run_test`, as the Pilot tests run it) on a copy of a small demo
station (`station init --demo` at STATION_DEMO_SCALE=0.05, made once into the work folder; each run's
copy charges storage fees after a day, and has three people in its directory) with a demo clerk signed
in; or, with --empty, on a new station (`station init` with no demo) opened as `station` opens one: the
sign-in dialog over its start screen, asking for the first manager. It presses keys (fuzz_keys.py picks them) from a weighted alphabet: mode and
screen keys (F1-F12, Ctrl+S/T/Z/Y/X/N/O/R/L, Ctrl+P Change PIN, Ins the key list; Ctrl+D on Shelves and
in the unsaved-changes question, F8 more often on Shelves and on a stocktake (its close; Enter on the
scope the map filled in), Ctrl+W/B on Check-in, Ctrl+G Pre-alerts in Settings, F11 and F7 more often
on Send-out; on Pickup a customer's parcels scanned and handed over, the fee paid, then Ctrl+Z and
F9; Settings' F12 and the directory's F12 and F11; Printers' F10, its queue; on Reports F7 back to
the demo's closed days, then Ctrl+O to reopen one), Esc, Enter, Tab, arrows, space, y/n, digits, letters,
pastes into the proxy form (a Paste event, some past a field's limit), letters on the "who is this?" table,
what a sender gives into Send-out's empty fields (so its dialogs have a filled form), and whole scans
(a waybill or a pickup code from the database, or a fresh valid waybill that checks a parcel in,
typed back to back, then Enter; on Check-in now and then Ctrl+N after it, the recipient finder), a device
scanner's scan (over any screen: one taking none rings and says so), late answers (Esc and the next sender's
phone behind a sender's lookup or F8's scale read; Esc and the next customer's code behind a parcel's check or
F10's handover; another door run chosen behind a scan-out, on two runs the copy plans; F8 on Recipients behind
the arrow that highlights someone), reasons and notes pasted at their 200-character limit and past it, with
a random short pause (0-150 ms) or a wait until the console is quiet between some keys, so workers
answer at random moments. Locked (Ctrl+L), it mostly signs the clerk in again at once by keys, typed at a
person's pace; a small share of locks (fuzz_keys.py's `HOSTILE_LOCK`) gets random keys for a while first
(digits and Enters in the PIN field: wrong tries, a lock-out), then the sign-in, unlocked first as a manager
at another counter would; each run says how many of its keys went to the sign-in dialog. A lock also comes
right behind a key that asks or over an open question, the other demo clerk often signs in (a wrong PIN
first now and then), and a write under their name before their first key is a crash ("lost": the last
clerk's work finished in the next one's name, fuzz_clerks.py); a focus's flows are cut so too.
Each run tallies Pickup's lookups by how they ended (a customer listed, nothing found, refused while locked)
and its lock-outs (fuzz_pickup.py's `LookupWatch`). A send-out handover scan or close the screen acknowledged
that the database does not hold, or one it holds the screen never showed, is a crash ("lost", fuzz_handover).
On a new station it makes the first manager so, named for --role. `--old-parcels N` (with `--focus
parcels`) adds N parcels picked up long ago to the run's station, past the search's first-page bound.

It stops at the first crash: the app exiting with an exception, an error logged on `station.tui`
(`report_unexpected`'s "unexpected error"), a worker ending in an exception its code let out (run
with exit_on_error=False, Textual keeps it silent: the screen waits for an answer that never comes),
or a console that is not quiet again after 30 s (keys held, a worker stuck); prints the seed, the sequence and the traceback, then shrinks the sequence (fuzz_shrink.py: the
shortest crashing prefix, then chunks dropped) and prints the short one. Along the way it notes what
is not a crash but looks wrong when the console is quiet: two dialogs on one stack (the sign-in over
one is a lock, the unsaved-changes question over a form is asked as the clerk leaves: not counted), a
mode with no screen, a sign-in dialog over a signed-in console, a screen over the sign-in dialog,
nobody signed in and no sign-in dialog, the focus on a screen that is not on top, a Select open under
a screen of its mode; and, whenever it happens, a toast on a locked console raised by anything but the
sign-in dialog (the lock cleared the toasts: they quote customers). On what the terminal shows when
quiet it also notes Rich markup shown raw, a widget reaching past the terminal's edge (right or bottom)
with no scroll bar, the focused widget not shown at all (but
after its own page key scrolled a form away from it: by design; the note tells the last key taken as
a page key and the last key handed on, each with the focus it found), and in a zh console an English phrase of the catalogue (not the demo's own data) untranslated. A
check-in the screen showed done whose parcel row is not in the database at the end is a crash
("lost"), and so is a parcel the run added that the screen never showed checked in, and a whole mobile
typed into Check-in's Phone field saved on another parcel than the one its label named as it was typed
(fuzz_checkin.py; `--focus checkin` types them, with the scans and keys of that screen); a directory
change the Recipients screen said was saved and is not in the database once, a directory write linking a
parcel by a phone two people share or to an inactive person (fuzz_recipients.py; `--focus recipients`
adds, edits, records consent, imports and picks "who is this?"). `--markup` also types Rich markup into whatever has the focus. Each run has a counter.toml
of its own (Settings saves it), so a replay starts as its run did. `--rules` also presses Ctrl+F
(Settings > Send-out rules; more often in Settings) and types the paths of rule and pre-alert files
(fuzz_files.py writes them into the work folder: good and bad tariffs, checklists, stock and pre-alert
files, a folder, a missing file) into the import forms, now and then anywhere. `--double-read` reads scans
twice: a third of them again right behind themselves (a scanner's double read), and now and then the previous
scan again a few keys later (the parcel in hand scanned again while its phone is typed). `--pastes` pastes
now and then at any screen (a waybill or code of the station's, a phone, markup, several lines, an escape
code), alone or right behind an Enter, a scan, an F key or Esc (fuzz_keys.py's `any_paste`); a field on a
screen under the top one taking a paste, or the field that took one not holding the focus when the console is
quiet right behind it (it went where the keys before it were leaving), is a crash ("paste misplaced"); a note
when an answer moved the focus on by design after it landed (keys let go by a slow call's fail-safe,
Check-in's scan refused: `PasteWatch`). Each run's notes are printed as it ends, and all of them again at the
end. `--printers` and `--focus printers`: printers set up wrong and taken away mid-run, a print job lost a
crash (fuzz_printers.py).

    .venv/bin/python scripts/fuzz_console.py --seed 1 --keys 2000 --role manager [--runs 5] [--size 80x24]
        [--lang zh] [--rules] [--empty] [--focus checkin] [--double-read] [--pastes] [--printers]
        [--focus parcels --old-parcels 60000]   (a terminal of 160x45 and English unless told)
        [--stop-on "not shown"]   (a note holding that text stops the run as a crash, and is shrunk)
    .venv/bin/python scripts/fuzz_console.py --replay "f4 f8 enter escape ~40 f2"   (a printed sequence)

Not part of the test suite (its time is a goal of its own): each bug it finds gets a Pilot test. A few
short runs are (tests/test_fuzz_smoke.py): a console change that breaks a watch fails there, not silently
in every run of a round.
"""

from __future__ import annotations

import asyncio
import logging
import os
import random
import shutil
import sys
import tempfile
import time
import traceback
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

from fuzz_checkin import (  # noqa: E402  (beside this script, on its path)
    TYPED_TAGS,
    decoded,
    misdirected_phones,
    newest_parcel,
    parcel_phones,
    unshown_checkins,
    watch_typed_phones,
)
from fuzz_checks import (  # noqa: E402  (beside this script, on its path)
    PagedAway,
    PasteWatch,
    english_msgids,
    lost_checkins,
    quiet_notes,
    screen_notes,
    watch_checkins,
    watch_failed_workers,
    watch_locked_toasts,
)
from fuzz_clerks import ClerkWatch, cut_by_lock  # noqa: E402  (beside this script, on its path)
from fuzz_files import rule_paths  # noqa: E402  (beside this script, on its path)
from fuzz_focus import focus_keys, focus_settings, focus_setup  # noqa: E402  (beside this script, on its path)
from fuzz_handover import HandoverWatch  # noqa: E402  (beside this script, on its path)
from fuzz_harness import Bursts, ErrorLog, device_scan, isolate, paste, signature  # noqa: E402
from fuzz_keys import DEVICE, PASTE, PIN, generate, scans  # noqa: E402  (beside this script, on its path)
from fuzz_options import CLERKS, SIZE, parse_options, setup_line  # noqa: E402  (beside this script, on its path)
from fuzz_outcome import Crash, Outcome  # noqa: E402  (beside this script, on its path)
from fuzz_pickup import LookupWatch  # noqa: E402  (beside this script, on its path)
from fuzz_printers import PRINTER, PrinterStage, PrintWatch, printer_moves  # noqa: E402
from fuzz_recipients import DirectoryWatch  # noqa: E402  (beside this script, on its path)
from fuzz_shrink import Replay, shrink  # noqa: E402  (beside this script, on its path)
from fuzz_station import Opening, add_directory, add_old_parcels, charge_storage_fees  # noqa: E402
from fuzz_station import template as station_template  # noqa: E402
from fuzz_summary import flows_reached, print_run  # noqa: E402  (beside this script, on its path)
from fuzz_weighty import WeightyWatch  # noqa: E402  (beside this script, on its path)

WORK = Path(tempfile.gettempdir()) / "station-fuzz"


async def drive(
    template: Path,
    role: str,
    tokens: list[str] | None,
    *,
    seed: int = 0,
    keys: int = 0,
    size: tuple[int, int] = SIZE,
    markup: bool = False,
    stop_on: str | None = None,
    rules: bool = False,
    empty: bool = False,
    focus: str | None = None,
    double_read: bool = False,
    pastes: bool = False,
    old_parcels: int = 0,
    printers: bool = False,
) -> Outcome:
    """One console on a fresh copy of `template`: `tokens` replayed, or `keys` random keys from `seed`.
    `empty`: the template is a new station, opened as `station` opens one (its start screen under the
    sign-in dialog, which asks for the first manager), nobody signed in. `focus`: fuzz_focus.py's moves."""
    from tui import quiet  # tests/tui/quiet.py: the Pilot tests' keys and waits

    from db.engine import create_station_engine
    from station_console.i18n import get_language
    from station_console.services.core.station import Station
    from station_console.services.people import clerks
    from station_console.settings import CounterSettings, load_counter_settings
    from station_console.tui.app import StationApp

    run = Path(tempfile.mkdtemp(prefix="run-", dir=WORK))
    shutil.copy(template, run / "station.sqlite3")
    if not empty:
        charge_storage_fees(run / "station.sqlite3")
    if old_parcels:
        add_old_parcels(run / "station.sqlite3", old_parcels)
    # Its own counter.toml: what one run's Settings saved (a wedge timing, a printer) is not the next run's.
    os.environ["STATION_CONFIG"] = str(run / "counter.toml")
    engine = create_station_engine(f"sqlite:///{run / 'station.sqlite3'}")
    station = Station(engine, counter="fuzz")
    counter = CounterSettings(counter="fuzz", **focus_settings(focus))  # a focus's scale, say
    stage = PrinterStage(run) if printers or focus == "printers" else None
    if stage is not None:  # its counter.toml, read as `station` reads it when it starts
        counter = load_counter_settings(stage.set_up()).model_copy(update=focus_settings(focus))
    if empty:
        app = StationApp(require_sign_in=True, opening=Opening(station, counter))
    else:
        add_directory(station, CLERKS["manager"], PIN)
        focus_setup(focus, station)  # by the manager add_directory signed in (Send-out's sends)
        clerks.sign_in(station, CLERKS[role], PIN)
        app = StationApp(station, counter, database_label="fuzz")
    errors = ErrorLog()  # its errors stop the run; they and its warnings go on to fuzz.log too
    logger = logging.getLogger("station.tui")
    logger.addHandler(errors)
    rng = random.Random(seed)
    codes = scans(template, seed)
    outcome = Outcome(sent=[], crash=None)
    watch_locked_toasts(app, outcome.notes)
    acknowledged: dict[int, str] = {}
    unwatch = watch_checkins(acknowledged)
    typed_phones: dict[str, set[str]] = {}  # a whole mobile typed on Check-in: the labels beside it then
    unwatch_phones = watch_typed_phones(typed_phones)
    before = newest_parcel(run / "station.sqlite3")
    phones_before = parcel_phones(run / "station.sqlite3")
    directory = DirectoryWatch(run / "station.sqlite3")  # after add_directory: the run's own writes
    unwatch_directory = directory.watch()
    failed: list[Any] = []
    unwatch_workers = watch_failed_workers(app, failed)
    pastes_taken = PasteWatch()  # pastes taken in by a field since the last look
    unwatch_pastes = pastes_taken.watch(app)
    weighty = WeightyWatch(run / "station.sqlite3")  # after the run's own set-up: the console's writes
    unwatch_weighty = weighty.watch(app)
    handover = HandoverWatch(run / "station.sqlite3")
    unwatch_handover = handover.watch()
    lookups = LookupWatch()
    unwatch_lookups = lookups.watch()
    printing = PrintWatch(run / "station.sqlite3", stage) if stage is not None else None
    clerk_watch = ClerkWatch(run / "station.sqlite3")  # whose name the writes carry across locks
    english = english_msgids(template) if get_language() == "zh" else []
    files = rule_paths(WORK / "files")  # written for a replay too: its sequence may type their paths
    paths = files if rules else None
    scanned: list[list[str]] | None = [] if double_read else None  # the previous scan (--double-read)
    paged, bursts = PagedAway(), Bursts()
    pass_on = app.type_ahead.pass_on

    async def judged(event: Any, *args: Any, **kwargs: Any) -> None:
        """A page key is judged as the app hands it on, with the focus it finds then: one sent right
        behind the Esc closing a dialog waits for the close and pages the form under it."""
        # A paste is typing into the focused field (it brings the field into view): no key binds it.
        paged.before(app, getattr(event, "key", "paste"))
        await pass_on(event, *args, **kwargs)

    app.type_ahead.pass_on = judged

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
        if failed:
            worker, exc = failed[0], failed[0].error
            text = f"worker {worker.name!r} failed silently\n" + "".join(traceback.format_exception(exc))
            return Crash("worker", text, signature(exc), len(outcome.sent))
        if directory.wrong:
            return Crash("lost", directory.wrong[0], "directory link wrong", len(outcome.sent))
        if clerk_watch.wrong:
            return Crash("lost", clerk_watch.wrong[0], "written under the next clerk", len(outcome.sent))
        if not app.is_running:
            return Crash("exception", "the console stopped", "stopped", len(outcome.sent))
        # A toast on a locked console is noted as it is raised, not when quiet: --stop-on holds it too.
        held = next((note for note in outcome.notes if stop_on is not None and stop_on in note), None)
        if held is not None:
            return Crash("note", held, f"note: {stop_on}", len(outcome.sent))
        return None

    async def send(token: str) -> Crash | None:
        at = bursts.joined(token)  # a key right behind a scan's keys goes at their time (`Bursts`)
        clerk_watch.look(app, key=token != "|" and not token.startswith(("~", PRINTER)), token=token)
        if token == "|":
            try:
                await quiet.settle(pilot)
            except TimeoutError as exc:
                return Crash("hang", str(exc), "not quiet", len(outcome.sent))
            clerk_watch.look(app, key=False)  # the writes in flight at the sign-in landed now
            # The paste went where the clerk pasted it: judged when the console is quiet right behind it.
            waited = len(outcome.sent) > 1 and outcome.sent[-2].startswith(PASTE)
            last = decoded(outcome.sent[-2][len(PASTE) :]) if waited else None
            wrong, excused = pastes_taken.misplaced(app, last) if app.is_running else ([], [])
            pastes_taken.clear()
            for note in excused:
                outcome.notes[note] = outcome.notes.get(note, 0) + 1
            if wrong:
                return Crash("paste", "; ".join(wrong), "paste misplaced", len(outcome.sent))
            unsaid = printing.unsaid(app) if printing is not None and app.is_running else []
            if unsaid:
                return Crash("unsaid", "; ".join(unsaid), "printer failure unsaid", len(outcome.sent))
            if app.is_running:
                outcome.screens.add(type(app.screen).__name__)
                if app.signing_in and len(app.screen_stack) > 1:  # what the sign-in stands over: a lock's
                    outcome.screens.add(type(app.screen_stack[-2]).__name__)  # screen, a new station's start
                tags = TYPED_TAGS if focus == "checkin" else frozenset()
                for note in quiet_notes(app) + screen_notes(app, english, paged, tags):
                    outcome.notes[note] = outcome.notes.get(note, 0) + 1
                    if stop_on is not None and stop_on in note:
                        return Crash("note", note, f"note: {stop_on}", len(outcome.sent))
        elif token.startswith("~"):
            await asyncio.sleep(int(token[1:]) / 1000)
        elif token.startswith(PRINTER):
            if stage is not None:  # a replay of a run with --printers needs it too
                stage.move(token, run / "station.sqlite3")
        elif token.startswith(DEVICE):
            outcome.locked.keys += app.signing_in
            device_scan(app, decoded(token[len(DEVICE) :]))
            outcome.keys += 1
            await asyncio.sleep(0)
        elif token.startswith(PASTE) and len(token) > len(PASTE):
            outcome.locked.keys += app.signing_in
            paste(app, decoded(token[len(PASTE) :]))
            outcome.keys += 1
            await asyncio.sleep(0)
        else:
            if at is None:  # the console runs between keys, not inside a scanner's burst
                await asyncio.sleep(0)
            outcome.locked.keys += app.signing_in
            quiet.send_key(app, token, at=bursts.sent(token, at))
            outcome.keys += 1
        return crashed()

    try:
        async with app.run_test(size=size) as pilot:
            await quiet.settle(pilot)
            source = iter(tokens) if tokens is not None else None
            while outcome.crash is None:
                if source is not None:
                    batch = [t] if (t := next(source, None)) is not None else []
                elif outcome.keys < keys:
                    outcome.locked.draw(rng, app.signing_in)
                    moves = focus_keys(
                        rng, app, focus, run / "station.sqlite3", scanned, first=not outcome.sent
                    )
                    batch = (
                        (cut_by_lock(rng, moves, outcome.locked) if outcome.sent else moves)
                        or (printer_moves(rng, app) if stage is not None and not app.signing_in else [])
                        or generate(
                            rng,
                            app,
                            codes,
                            CLERKS[role],
                            outcome.locked,
                            markup,
                            run / "station.sqlite3",
                            paths,
                            scanned,
                            pastes,
                        )
                    )
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
        undo = (unwatch, unwatch_phones, unwatch_workers, unwatch_pastes, unwatch_directory, unwatch_weighty)
        for stop in (*undo, unwatch_lookups, unwatch_handover):
            stop()
        if stage is not None:
            stage.stop()
        outcome.lookups, outcome.clerks = lookups.tally(), clerk_watch.tally(outcome.locked)
        logger.removeHandler(errors)
        engine.dispose()
        lost = lost_checkins(run / "station.sqlite3", acknowledged)
        if lost and outcome.crash is None:
            text = "checked in on screen, not in the database: " + ", ".join(lost)
            outcome.crash = Crash("lost", text, "acknowledged check-in lost", len(outcome.sent))
        unshown = unshown_checkins(run / "station.sqlite3", before, acknowledged)
        if unshown and outcome.crash is None:
            text = "in the database, never shown checked in: " + ", ".join(unshown)
            outcome.crash = Crash("lost", text, "check-in not shown", len(outcome.sent))
        misdirected = misdirected_phones(run / "station.sqlite3", typed_phones, phones_before)
        if misdirected and outcome.crash is None:
            text = "a phone saved on another parcel than the one shown as it was typed: "
            text += "; ".join(misdirected)
            outcome.crash = Crash("lost", text, "phone misdirected", len(outcome.sent))
        wrong, notes = directory.findings()
        for note in notes:
            outcome.notes[note] = outcome.notes.get(note, 0) + 1
        if wrong and outcome.crash is None:
            outcome.crash = Crash("lost", "; ".join(wrong), "directory write wrong", len(outcome.sent))
        outcome.weighty, unanswered = weighty.tally(), weighty.findings()
        outcome.written = weighty.written()
        outcome.reached = flows_reached(run / "station.sqlite3", weighty.first_event)
        if unanswered and outcome.crash is None:
            outcome.crash = Crash("lost", "; ".join(unanswered), "weighty unanswered", len(outcome.sent))
        outcome.handover, handed = handover.tally(), handover.findings()
        if handed and outcome.crash is None:
            outcome.crash = Crash("lost", "; ".join(handed), "handover write wrong", len(outcome.sent))
        if printing is not None:
            printing.end(outcome)
        shutil.rmtree(run, ignore_errors=True)
    return outcome


def replayer(
    template: Path,
    role: str,
    size: tuple[int, int],
    stop_on: str | None = None,
    empty: bool = False,
    focus: str | None = None,
    old_parcels: int = 0,
    printers: bool = False,
) -> Replay:
    """A sequence replayed as this run ran (fuzz_shrink.py): the signature of its crash, or None."""

    def run(tokens: list[str]) -> str | None:
        crash = asyncio.run(
            drive(
                template,
                role,
                tokens,
                size=size,
                stop_on=stop_on,
                empty=empty,
                focus=focus,
                old_parcels=old_parcels,
                printers=printers,
            )
        ).crash
        return crash.signature if crash is not None else None

    return run


def main() -> None:
    args = parse_options(__doc__.split("\n\n")[0])
    WORK.mkdir(exist_ok=True)
    warned = isolate(WORK)  # the runs' warnings into WORK/fuzz.log, counted per run
    os.chdir(WORK)  # what the console exports (a report's CSV and PDF) lands where it stands
    from station_console.i18n import set_language

    set_language(args.lang)
    template = station_template(WORK, empty=args.empty)
    total_keys = locked_keys = 0  # locked: sent while the sign-in dialog stood (keys a lock-out refused)
    notes: dict[str, int] = {}
    screens: set[str] = set()
    for seed in range(args.seed, args.seed + args.runs):
        tokens = args.replay.split() if args.replay else None
        started = time.monotonic()
        outcome = asyncio.run(
            drive(
                template,
                args.role,
                tokens,
                seed=seed,
                keys=args.keys,
                size=args.size,
                markup=args.markup,
                stop_on=args.stop_on,
                rules=args.rules,
                empty=args.empty,
                focus=args.focus,
                double_read=args.double_read,
                pastes=args.pastes,
                old_parcels=args.old_parcels,
                printers=args.printers,
            )
        )
        total_keys += outcome.keys
        screens |= outcome.screens
        for note, count in outcome.notes.items():
            notes[note] = notes.get(note, 0) + count
        took, outcome.warnings = time.monotonic() - started, warned.take()
        print_run(seed, setup_line(args), outcome, took)
        locked_keys += outcome.locked.keys
        if outcome.crash is None:
            continue
        crash = outcome.crash
        print(f"CRASH ({crash.kind}) seed {seed}: {crash.signature}")
        print("sequence:", " ".join(outcome.sent))
        print(crash.text, flush=True)
        if not args.no_shrink:
            run = replayer(
                template,
                args.role,
                args.size,
                stop_on=args.stop_on,
                empty=args.empty,
                focus=args.focus,
                old_parcels=args.old_parcels,
                printers=args.printers,
            )
            short = shrink(run, outcome.sent, crash.signature, args.shrink_budget)
            print(f"shrunk to {len(short)} tokens:", " ".join(short), flush=True)
        break
    print(f"keys sent in all: {total_keys}, at the sign-in {locked_keys}")
    print(f"screens seen ({len(screens)}):", " ".join(sorted(screens)))
    for note, count in sorted(notes.items()):
        print(f"note (seen {count} times when quiet): {note}")


if __name__ == "__main__":
    main()
