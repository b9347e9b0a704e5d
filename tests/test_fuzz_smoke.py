"""The console fuzzer (scripts/fuzz_console.py) run for real, briefly: its `drive` on a small demo station
with every watch a real run installs. Its other tests hold each watch against a stand-in; only a real
console shows that the watches still fit the screens they wrap: a keyword added to a screen method a
watch wraps made every run crash at its first check-in, and nothing else said so."""

from __future__ import annotations

import asyncio
import importlib
import logging
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "scripts"))

import fuzz_checks  # noqa: E402  (a script beside the fuzzer, not a package)
import fuzz_console  # noqa: E402
from fuzz_focus import FOCUSES  # noqa: E402
from fuzz_keys import DEVICE  # noqa: E402
from fuzz_station import template  # noqa: E402
from fuzz_summary import print_run  # noqa: E402

from station_console.bench.checkin import waybills

KEYS = 40  # a random run's budget: each focus's way home is drawn at 20% wherever the run stands
SEED = 4


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """The fuzzer's demo station, made once as its runs make it (`station init --demo` at a small scale)."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("STATION_DEMO_SCALE", "0.05")  # `template` sets it: not left for the next module
        yield template(tmp_path_factory.mktemp("fuzz-template"))


@pytest.fixture
def work(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The runs' work folder."""
    monkeypatch.setattr(fuzz_console, "WORK", tmp_path)
    return tmp_path


def test_a_replayed_check_in_is_watched_and_the_run_counts_its_keys(
    demo: Path, work: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Two fresh waybills scanned on Check-in, then Pickup, as a replay sends them on a loaded machine
    (the fuzzer stopped after each key for longer than a scanner's gap): each scan still reaches the
    console as one burst, no crash, the check-in watch saw both acknowledged, and the summary counts
    every key sent. Sent key by key, the second scan was refused as split whenever the load stopped
    the fuzzer inside it: the run then checked the machine's speed, not the console."""
    quiet = importlib.import_module("tui.quiet")  # as `drive` imports it (tests/ on the fuzzer's path)
    send_key = quiet.send_key

    def stalled(app: Any, key: str, **kwargs: Any) -> None:
        send_key(app, key, **kwargs)
        time.sleep(0.04)  # the whole process stopped: a scanner's keys come within 30 ms

    monkeypatch.setattr(quiet, "send_key", stalled)
    watched: list[dict[int, str]] = []

    def watch_checkins(acknowledged: dict[int, str]) -> Any:
        watched.append(acknowledged)  # the run's own dict, filled by the real watch
        return fuzz_checks.watch_checkins(acknowledged)

    monkeypatch.setattr(fuzz_console, "watch_checkins", watch_checkins)
    scanned = waybills(2, seed=7)  # valid and new to the demo: each checks a parcel in
    tokens = ["f1", "|"]
    for waybill in scanned:
        tokens += [*waybill, "enter", "|"]
    tokens += ["f2", "|"]
    keys = sum(token not in ("|",) and not token.startswith("~") for token in tokens)

    outcome = asyncio.run(fuzz_console.drive(demo, "manager", tokens))

    assert outcome.crash is None, outcome.crash.text
    assert len(watched) == 1
    assert sorted(watched[0].values()) == sorted(scanned)
    assert {"CheckinScreen", "PickupScreen"} <= outcome.screens
    assert outcome.keys == keys
    print_run(0, "replay", outcome, 1.0)
    assert f"seed 0 replay: {keys} keys in 1 s" in capsys.readouterr().out


def test_the_consoles_own_warnings_reach_the_runs_log_counted(
    demo: Path, work: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A warning the console logs on `station.tui` during a run goes to fuzz.log and the run's count, as
    every other logger's does: `drive` caught the logger's errors by stopping its propagation, and its
    warnings went nowhere (the run's summary said 0)."""
    from fuzz_harness import WarningFile

    scan = fuzz_console.device_scan

    def warned(app: Any, code: str) -> None:
        logging.getLogger("station.tui").warning("a console warning for the log: %s", code)
        scan(app, code)

    monkeypatch.setattr(fuzz_console, "device_scan", warned)
    warnings = WarningFile(work / "fuzz.log")
    root = logging.getLogger()
    root.addHandler(warnings)
    try:
        outcome = asyncio.run(fuzz_console.drive(demo, "manager", ["f2", "|", f"{DEVICE}NOSUCH1", "|"]))
    finally:
        root.removeHandler(warnings)
        warnings.close()

    assert outcome.crash is None, outcome.crash.text
    assert "a console warning for the log: NOSUCH1" in (work / "fuzz.log").read_text(encoding="utf-8")
    assert warnings.take() == f"1 (in {work / 'fuzz.log'})"


@pytest.mark.parametrize("focus", sorted(FOCUSES))
def test_a_short_random_run_of_each_focus_reaches_its_screen(
    demo: Path, work: Path, monkeypatch: pytest.MonkeyPatch, focus: str
) -> None:
    """What the focus's moves stood on at each draw (its screen anywhere on the stack, as
    `focus_keys` looks): the screen it is named for, which its first draw goes to whatever the load
    (Recipients' runs began on Check-in, one of its own, and left it or not by when the keys landed),
    and no crash on the way: a watch that no longer fits what it wraps crashes the run."""
    stood_on: set[str] = set()
    focus_keys = fuzz_console.focus_keys

    def looked(rng: Any, app: Any, *args: Any, **kwargs: Any) -> list[str]:
        stood_on.update(type(screen).__name__ for screen in app.screen_stack)
        return list(focus_keys(rng, app, *args, **kwargs))

    monkeypatch.setattr(fuzz_console, "focus_keys", looked)

    outcome = asyncio.run(fuzz_console.drive(demo, "manager", None, seed=SEED, keys=KEYS, focus=focus))

    assert outcome.crash is None, outcome.crash.text
    assert outcome.keys >= KEYS
    assert FOCUSES[focus].screen in stood_on, sorted(stood_on)


def test_a_focus_runs_own_flows_are_cut_by_locks(
    demo: Path, work: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The alphabet's mid-flow locks turned off, a focus run still locks mid-flow: inside its own moves,
    which took most of its draws (a focus run met the alphabet's locks a fraction as often), and
    the sign-in after each is met as any lock's is, with no crash."""
    import fuzz_clerks
    import fuzz_keys

    monkeypatch.setattr(fuzz_keys, "MIDFLOW_LOCK_CHANCE", 0.0)
    monkeypatch.setattr(fuzz_clerks, "FLOW_LOCK_CHANCE", 1.0)  # each move cut

    outcome = asyncio.run(fuzz_console.drive(demo, "manager", None, seed=SEED, keys=KEYS, focus="pickup"))

    assert outcome.crash is None, outcome.crash.text
    assert outcome.locked.midflow > 0
    assert outcome.locked.locks >= 1
    assert "SignInScreen" in outcome.screens


def test_a_short_random_run_with_printers_tallies_their_jobs(demo: Path, work: Path) -> None:
    """--printers: the run's printers set up, moved at random, and their print queue held against what
    they were given at the end (`PrintWatch.end`), with no crash."""
    outcome = asyncio.run(fuzz_console.drive(demo, "manager", None, seed=SEED, keys=KEYS, printers=True))

    assert outcome.crash is None, outcome.crash.text
    assert outcome.keys >= KEYS
    assert outcome.printing.startswith("moves: "), outcome.printing
    assert "printed in the run" in outcome.printing


def test_each_watch_passes_on_what_the_console_adds_to_the_call_it_wraps(
    demo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A keyword the console adds to a method a watch wraps (Check-in's `earlier`) reaches the method:
    each watch is put over a stand-in that takes one more, and called with it."""
    from fuzz_handover import HandoverWatch
    from fuzz_recipients import DirectoryWatch
    from fuzz_weighty import WeightyWatch

    from station_console.services.recipients import phone_links
    from station_console.tui.screens.base import Dialog
    from station_console.tui.screens.calls_held_keys import HeldKeysBehindCalls
    from station_console.tui.screens.checkin import CheckinScreen
    from station_console.tui.screens.recipients import RecipientsScreen
    from station_console.tui.screens.sendout_handover import HandoverScreen

    database = tmp_path / "run" / "station.sqlite3"
    database.parent.mkdir()
    database.write_bytes(demo.read_bytes())
    reached: list[tuple[str, dict[str, Any]]] = []

    def stand_in(name: str) -> Any:
        def method(*args: Any, **kwargs: Any) -> None:
            reached.append((name, kwargs))

        return method

    wrapped = [
        (CheckinScreen, "_show_big"),
        (HandoverScreen, "done_scanned"),
        (HandoverScreen, "done_closed"),
        (RecipientsScreen, "done_changed"),
        (RecipientsScreen, "done_imported"),
        (phone_links, "link_in"),
        (Dialog, "dismiss"),
        (HeldKeysBehindCalls, "_keys_go"),
    ]
    stand_ins = {name: stand_in(name) for _, name in wrapped}
    for owner, name in wrapped:
        monkeypatch.setattr(owner, name, stand_ins[name])

    async def pass_on(*args: Any, **kwargs: Any) -> None:
        reached.append(("pass_on", kwargs))

    app = SimpleNamespace(type_ahead=SimpleNamespace(pass_on=pass_on), screen_stack=[])
    undo = [
        fuzz_checks.watch_checkins({}),
        HandoverWatch(database).watch(),
        DirectoryWatch(database).watch(),
        WeightyWatch(database).watch(app),
        fuzz_checks.PasteWatch().watch(app),
    ]
    watched: dict[str, Any] = {name: getattr(owner, name) for owner, name in wrapped}
    assert [name for name, method in watched.items() if method is stand_ins[name]] == []  # each one wrapped
    assert app.type_ahead.pass_on is not pass_on
    try:
        screen = SimpleNamespace()
        watched["_show_big"](screen, SimpleNamespace(parcel_id=1, waybill="SF1"), earlier=True)
        watched["done_scanned"](screen, SimpleNamespace(row=SimpleNamespace(send_id=1), batch_id=2), extra=1)
        watched["done_closed"](screen, (SimpleNamespace(batch_id=2, courier_name="Li"), None, None), extra=1)
        watched["done_changed"](screen, SimpleNamespace(id=1, version=1), extra=1)
        watched["done_imported"](screen, SimpleNamespace(), extra=1)
        session = SimpleNamespace(execute=lambda *_: SimpleNamespace(scalars=lambda: [1]))
        parcel = SimpleNamespace(phone_full="13812345678", pickup_code="1-1-1001")
        watched["link_in"](session, None, parcel, SimpleNamespace(id=1, active=True), extra=1)
        watched["dismiss"](SimpleNamespace(what="a note", is_active=False), None, extra=1)
        watched["_keys_go"](SimpleNamespace(_holding_keys=None), "lookup", None, extra=1)
        asyncio.run(app.type_ahead.pass_on(SimpleNamespace(), extra=1))
    finally:
        for stop in reversed(undo):
            stop()

    assert reached == [
        ("_show_big", {"earlier": True}),
        ("done_scanned", {"extra": 1}),
        ("done_closed", {"extra": 1}),
        ("done_changed", {"extra": 1}),
        ("done_imported", {"extra": 1}),
        ("link_in", {"extra": 1}),
        ("dismiss", {"extra": 1}),
        ("_keys_go", {"extra": 1}),
        ("pass_on", {"extra": 1}),
    ]
