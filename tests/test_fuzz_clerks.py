"""The console fuzzer's two clerks (scripts/fuzz_clerks.py): the watch that a lock never lets the last
clerk's work be written under the next clerk's name, who signs in at a lock; and the run's warnings kept
in its log file, not printed on the terminal (scripts/fuzz_harness.py)."""

from __future__ import annotations

import logging
import random
import sqlite3
import sys
from pathlib import Path
from types import SimpleNamespace

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "scripts"))

from fuzz_clerks import ClerkWatch, cut_by_lock, signer  # noqa: E402  (a script beside the fuzzer, not a package)
from fuzz_harness import WarningFile  # noqa: E402

from hardware.printers.transports import PrinterError
from station_console.services.printing.failed_sends import in_clerks_words


def new_database(tmp_path: Path) -> Path:
    """The parcel_event and clerk columns the watch reads; clerk 1 signed in."""
    database = tmp_path / "station.sqlite3"
    with sqlite3.connect(database) as db:
        db.execute(
            "CREATE TABLE parcel_event (id INTEGER PRIMARY KEY, parcel_id INTEGER, kind TEXT, clerk_id INTEGER)"
        )
        db.execute("CREATE TABLE clerk (id INTEGER PRIMARY KEY, name TEXT, active BOOLEAN)")
        db.execute("INSERT INTO clerk (name, active) VALUES ('demo-manager', 1), ('demo-clerk', 1)")
        db.execute("INSERT INTO parcel_event (kind, clerk_id) VALUES ('signed_in', 1)")
    return database


def event(database: Path, kind: str, clerk: int, parcel: int | None = None) -> None:
    with sqlite3.connect(database) as db:
        db.execute(
            "INSERT INTO parcel_event (kind, clerk_id, parcel_id) VALUES (?, ?, ?)", (kind, clerk, parcel)
        )


def console(clerk: int | None) -> SimpleNamespace:
    station = SimpleNamespace(clerk_id=clerk)
    return SimpleNamespace(is_running=True, station_open=True, station=station, screen_stack=[], focused=None)


def sign_in_dialog(app: SimpleNamespace, *, on_its_way: bool) -> None:
    """The lock's dialog on top, the focus in its PIN, its sign-in on its way or not."""
    app.screen_stack = [SimpleNamespace(calling=lambda tag: on_its_way and tag == "sign_in")]
    app.focused = SimpleNamespace(id="signin-pin")


def test_the_stand_in_tables_are_the_real_ones_columns(tmp_path: Path) -> None:
    from sqlmodel import SQLModel

    import db.models  # noqa: F401  (their tables, on the metadata)

    database = new_database(tmp_path)
    with sqlite3.connect(database) as conn:
        for table in ("parcel_event", "clerk"):
            stand_in = {row[1] for row in conn.execute(f"PRAGMA table_info({table})")}
            assert stand_in <= set(SQLModel.metadata.tables[table].columns.keys()), stand_in


def test_a_write_under_the_next_clerk_before_their_first_key_is_wrong(tmp_path: Path) -> None:
    database = new_database(tmp_path)
    watch = ClerkWatch(database)
    app = console(1)
    watch.look(app, key=True)
    event(database, "signed_out", 1)
    app.station.clerk_id = None  # locked
    watch.look(app, key=True)
    event(database, "checked_in", 1, parcel=7)  # the last clerk's write in flight: theirs
    event(database, "signed_in", 2)
    app.station.clerk_id = 2
    watch.look(app, key=False)  # quiet, the next clerk signed in
    assert watch.wrong == []
    event(database, "picked_up", 2, parcel=8)  # the last clerk's handover, finished as the next one's
    watch.look(app, key=True)
    assert watch.wrong == ["event 5 (picked_up, parcel 8) written under clerk 2 before their first key"]
    assert watch.switches == 1


def test_a_write_after_the_next_clerks_first_key_is_theirs(tmp_path: Path) -> None:
    database = new_database(tmp_path)
    watch = ClerkWatch(database)
    app = console(1)
    watch.look(app, key=True)
    app.station.clerk_id = None
    watch.look(app, key=True)
    event(database, "signed_in", 2)
    app.station.clerk_id = 2
    watch.look(app, key=True)  # their first key
    event(database, "picked_up", 2, parcel=8)
    watch.look(app, key=False)
    assert watch.wrong == []


def test_the_next_clerks_own_earlier_work_and_a_sign_in_event_still_on_its_way_are_not_wrong(
    tmp_path: Path,
) -> None:
    """The service acts as the clerk before their sign-in event is written; what they wrote at an
    earlier sign-in (the demo's events) is not the last clerk's work."""
    database = new_database(tmp_path)
    event(database, "checked_in", 2, parcel=3)  # the next clerk's, days ago
    watch = ClerkWatch(database)
    app = console(1)
    watch.look(app, key=True)
    app.station.clerk_id = None
    watch.look(app, key=True)
    app.station.clerk_id = 2  # signed in, the event not written yet
    watch.look(app, key=False)
    assert watch.wrong == []
    event(database, "signed_in", 2)
    event(database, "shelf_moved", 2, parcel=4)
    watch.look(app, key=False)
    assert watch.wrong == ["event 4 (shelf_moved, parcel 4) written under clerk 2 before their first key"]


def test_the_same_clerk_back_finishes_their_own_work(tmp_path: Path) -> None:
    database = new_database(tmp_path)
    watch = ClerkWatch(database)
    app = console(1)
    watch.look(app, key=True)
    app.station.clerk_id = None
    watch.look(app, key=True)
    event(database, "signed_in", 1)
    app.station.clerk_id = 1
    event(database, "picked_up", 1, parcel=8)
    watch.look(app, key=True)
    assert (watch.wrong, watch.switches) == ([], 0)


def test_the_other_clerk_signs_in_only_where_the_station_has_them(tmp_path: Path) -> None:
    database = new_database(tmp_path)
    chosen = {signer(random.Random(seed), "demo-clerk", database) for seed in range(40)}
    assert chosen == {"demo-clerk", "demo-manager"}
    with sqlite3.connect(database) as db:
        db.execute("DELETE FROM clerk WHERE name = 'demo-manager'")  # a new station: its first manager only
    assert {signer(random.Random(seed), "demo-clerk", database) for seed in range(40)} == {"demo-clerk"}


def test_a_focus_move_is_cut_now_and_then_by_a_lock_behind_one_of_its_keys_that_ask() -> None:
    """A focus's moves are drawn instead of the alphabet, whose mid-flow locks a focus run met less
    often and never inside the focus's own flows: now and then a move ends at one of its keys that ask
    (or after a pause behind it) with Ctrl+L, and the run counts it."""
    moves = ["f2", "|", "1", "2", "3", "enter", "|", "y", "|"]
    locked = SimpleNamespace(midflow=0)
    drawn = [cut_by_lock(random.Random(seed), list(moves), locked) for seed in range(400)]
    cut = [tokens for tokens in drawn if tokens != moves]
    assert 0 < len(cut) < 40  # now and then: a move is a whole flow
    assert locked.midflow == len(cut)
    for tokens in cut:
        kept = [token for token in tokens[:-1] if not token.startswith("~")]
        assert tokens[-1] == "ctrl+l"
        assert kept == moves[: len(kept)]
        assert kept[-1] in {"f2", "enter", "y"}
    assert {tuple(tokens) for tokens in cut} != {tuple(cut[0])}  # not always behind the same key
    assert cut_by_lock(random.Random(1), [], locked) == []  # no move drawn: the alphabet's turn


def test_a_printers_warning_goes_to_the_runs_log_not_the_terminal(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The queue's warning of a refused job (its system error) reached the terminal: the fuzzer had no
    log handler, and Python's last resort printed it over the run's report."""
    warnings = WarningFile(tmp_path / "fuzz.log")
    root = logging.getLogger()
    root.addHandler(warnings)
    try:
        error = PrinterError("offline", "Folder {folder} not writable: {reason}", folder="x", reason="r")
        error.__cause__ = PermissionError(13, "Permission denied")
        in_clerks_words(error)
    finally:
        root.removeHandler(warnings)
        warnings.close()
    assert "printer: " in (tmp_path / "fuzz.log").read_text(encoding="utf-8")
    assert warnings.take() == f"1 (in {tmp_path / 'fuzz.log'})"
    assert warnings.take().startswith("0 ")
    assert "printer" not in capsys.readouterr().err


def test_keys_typed_behind_the_sign_ins_enter_are_the_next_clerks_own(tmp_path: Path) -> None:
    """A scan typed right behind the PIN's Enter, as the sign-in goes on its way, waits for the screen
    signed in to and checks its parcel in as the next clerk's: asked for, not the last clerk's work."""
    database = new_database(tmp_path)
    watch = ClerkWatch(database)
    app = console(1)
    watch.look(app, key=True, token="s")
    app.station.clerk_id = None  # locked
    for token in ("2", "4", "6", "8", "enter"):
        sign_in_dialog(app, on_its_way=False)
        watch.look(app, key=True, token=token)
    for token in ("S", "F", "9", "enter"):  # the scan's Enter too, the PIN's on its way
        sign_in_dialog(app, on_its_way=True)
        watch.look(app, key=True, token=token)
    event(database, "signed_in", 2)
    app.station.clerk_id = 2
    event(database, "checked_in", 2, parcel=9)
    watch.look(app, key=False)  # quiet: signed in, the scan held behind it checked in
    assert (watch.wrong, watch.switches) == ([], 1)


@pytest.mark.parametrize("behind", [[], ["device:SF944434800001"]])
def test_a_sign_in_with_nothing_typed_behind_its_enter_is_still_watched(
    tmp_path: Path, behind: list[str]
) -> None:
    """Keys typed at the lock before the sign-in's Enter went into its fields, and a device scan over it
    only rang: what is written before the next key is still not theirs."""
    database = new_database(tmp_path)
    watch = ClerkWatch(database)
    app = console(1)
    watch.look(app, key=True, token="s")
    app.station.clerk_id = None
    for token in ("x", "y", "enter", "2", "4", "6", "8", "enter"):
        sign_in_dialog(app, on_its_way=False)  # a first Enter refused: x as the name
        watch.look(app, key=True, token=token)
    for token in behind:
        sign_in_dialog(app, on_its_way=True)
        watch.look(app, key=True, token=token)
    event(database, "signed_in", 2)
    app.station.clerk_id = 2
    event(database, "picked_up", 2, parcel=8)
    watch.look(app, key=False)
    assert watch.wrong == ["event 3 (picked_up, parcel 8) written under clerk 2 before their first key"]
