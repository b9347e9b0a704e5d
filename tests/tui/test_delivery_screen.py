"""Pilot tests of Shelves > Door delivery: a run on screen, its keys, the scan field, a storage fee due."""

from __future__ import annotations

import re
import threading
from typing import Any

import pytest
from sqlmodel import select
from station_helpers import configure
from textual.widgets import Input, Static

from db.models import DeliveryItem, FeeEntry, Parcel
from hardware.scanners.base import ScanEvent
from station_console.i18n import _, set_language
from station_console.services.checkin.transaction import check_in
from station_console.services.core.station import Station
from station_console.services.delivery import requests, runs, scan_back
from station_console.services.recipients import consent
from station_console.services.recipients.consent import Choice
from station_console.settings import FeeRule
from station_console.tui.app import StationApp
from station_console.tui.screens.delivery_stops import COLUMNS, cells, title
from station_console.tui.screens.form_dialog import FormDialog
from station_console.tui.screens.pickup_fees import FeeDialog
from tui import quiet
from tui.door_run import SECOND, a_run_of_three, choose_run, open_delivery, two_runs
from tui.drawn_text import drawn
from tui.terminal_fit import SIZES_TO_80, at_each_size, console_in
from tui.test_recipients_screens import people, text_of, until


async def _delivery(app: StationApp, pilot: Any) -> None:
    await quiet.press(pilot, "f4")
    await quiet.settle(pilot)
    await quiet.press(pilot, "ctrl+d")
    await until(pilot, lambda: "Waiting for a run" in text_of(app, "#dl-summary"))


async def _type(pilot: Any, app: StationApp, text: str) -> None:
    field = app.screen.query_one("#dl-scan", Input)
    field.value = text
    field.focus()
    await quiet.press(pilot, "enter")


async def _delivered_to(pilot: Any, app: StationApp, name: str) -> None:
    """F9 on the parcel that came back: delivered, received by `name`."""
    await quiet.press(pilot, "f9")
    await quiet.settle(pilot)
    app.screen.query_one("#form-received_by", Input).value = name
    await quiet.press(pilot, "enter", "enter", "enter")  # past no signature and no photo, then sent
    await until(pilot, lambda: "delivered." in text_of(app, "#dl-status"))


@pytest.mark.first_mode("shelves")
async def test_a_door_run_on_screen(app: StationApp, station: Station) -> None:
    ids = people(station)
    consent.record(station, ids["张三"], Choice(delivery_preference="door"), channel="app")
    consent.record(station, ids["李四"], Choice(delivery_preference="door"), channel="app")
    check_in(station, "JT0000000000001", recipient_id=ids["张三"])
    check_in(station, "JT0000000000002", recipient_id=ids["李四"])
    check_in(station, "JT0000000000003", phone="13000000000")  # nobody asked for this one
    async with app.run_test(size=(160, 50)) as pilot:
        await _delivery(app, pilot)
        assert "Waiting for a run: 2" in text_of(app, "#dl-summary")
        await quiet.press(pilot, "f7")
        await quiet.settle(pilot)
        app.screen.query_one("#form-runner", Input).value = "小刘"
        await quiet.press(pilot, "enter", "enter")  # on to the empty building (all of them), then sent
        await until(pilot, lambda: "Run DR000001" in text_of(app, "#dl-status"))
        await quiet.press(pilot, "f8")  # no printer here: a PDF in the data folder
        await until(pilot, lambda: "run-DR000001.pdf" in text_of(app, "#dl-status"))
        for waybill in ("JT0000000000001", "JT0000000000002"):
            await _type(pilot, app, waybill)
            await until(pilot, lambda: "out with the runner" in text_of(app, "#dl-status"))
        await _type(pilot, app, "JT0000000000003")
        await until(pilot, lambda: "not on delivery run" in text_of(app, "#dl-status"))
        assert app.screen.query_one("#dl-status", Static).has_class("-error")
        await _type(pilot, app, "JT0000000000001")  # back from the run
        await until(pilot, lambda: "is back" in text_of(app, "#dl-status"))
        await _delivered_to(pilot, app, "门卫")
        await _type(pilot, app, "JT0000000000002")
        await until(pilot, lambda: "is back" in text_of(app, "#dl-status"))
        await quiet.press(pilot, "f10")
        await quiet.settle(pilot)
        app.screen.query_one("#form-note", Input).focus()  # the reason stays the first: nobody at home
        await quiet.press(pilot, "enter")
        await until(pilot, lambda: "the recipient is told" in text_of(app, "#dl-status"))
        await quiet.press(pilot, "f11")
        await until(pilot, lambda: "closed: 1 delivered, 1 not delivered" in text_of(app, "#dl-status"))
    with station.read() as session:
        items = {i.parcel_id: i for i in session.exec(select(DeliveryItem)).all()}
        statuses = {p.waybill: p.status for p in session.exec(select(Parcel)).all()}
    assert statuses == {
        "JT0000000000001": "picked_up",
        "JT0000000000002": "on_shelf",
        "JT0000000000003": "on_shelf",
    }
    assert sorted((i.status, i.received_by, i.fail_reason) for i in items.values()) == [
        ("delivered", "门卫", None),
        ("failed", None, "not_home"),
    ]


@pytest.mark.first_mode("shelves")
async def test_the_run_keys_with_no_run_say_to_plan_one(app: StationApp) -> None:
    """The run sheet and close-the-run keys with no run on screen did nothing at all."""
    async with app.run_test(size=(160, 50)) as pilot:
        await _delivery(app, pilot)
        for key in ("f8", "f11"):
            app.screen.query_one("#dl-status", Static).update("")
            await quiet.press(pilot, key)
            await quiet.settle(pilot)
            assert "Plan a run first (F7)." in text_of(app, "#dl-status"), key
            assert app.screen.query_one("#dl-status", Static).has_class("-error")


@pytest.mark.first_mode("shelves")
async def test_the_door_scan_field_takes_the_pickup_code_off_the_label(
    app: StationApp, station: Station
) -> None:
    ids = people(station)
    code = check_in(station, "JT0000000000001", recipient_id=ids["张三"]).pickup_code
    assert code is not None
    requests.request(station, code)
    runs.plan(station, "小刘")
    async with app.run_test(size=(160, 50)) as pilot:
        await _delivery(app, pilot)
        await _type(pilot, app, "hello world!")
        await until(pilot, lambda: "neither a waybill nor a pickup code" in text_of(app, "#dl-status"))
        assert app.screen.query_one("#dl-status", Static).has_class("-error")
        await _type(pilot, app, code)
        await until(pilot, lambda: "out with the runner" in text_of(app, "#dl-status"))
        await _type(pilot, app, code)  # back from the run, by the same code
        await until(pilot, lambda: "JT0000000000001 is back" in text_of(app, "#dl-status"))
        await _delivered_to(pilot, app, "张三")
    with station.read() as session:
        assert session.exec(select(Parcel)).one().status == "picked_up"


@pytest.mark.first_mode("shelves")
async def test_a_storage_fee_due_is_asked_for_before_the_runner_takes_the_parcel(
    app: StationApp, station: Station
) -> None:
    configure(station, storage_fee_rules=[FeeRule(name="standard", free_days=0, per_day_cents=150)])
    ids = people(station)
    check_in(station, "JT0000000000001", recipient_id=ids["张三"])
    requests.request(station, "JT0000000000001")
    runs.plan(station, "小刘")
    async with app.run_test(size=(160, 50)) as pilot:
        await _delivery(app, pilot)
        await _type(pilot, app, "JT0000000000001")
        await until(pilot, lambda: isinstance(app.screen, FeeDialog))
        title = str(app.screen.query_one(".dialog-title", Static).render())
        with station.read() as session:  # the question names its parcel: its code and waybill's end
            code = session.exec(select(Parcel)).one().pickup_code
        assert title.startswith(f"Storage fee due for {code} · ") and "…0001: 1.50 CNY" in title, title
        # The run's stop names the address's person; whose account 3 puts it on is read with the fee.
        account = str(app.screen.query_one("#fee-account", Static).render())
        assert account == "3 puts it on the account of: 张三 138****5678"
        await quiet.press(pilot, "escape")  # not paid: it stays on the shelf
        said = "Not scanned out: the storage fee of JT0000000000001 is not settled."  # names the parcel
        await until(pilot, lambda: text_of(app, "#dl-status") == said)
        await _type(pilot, app, "JT0000000000001")
        await until(pilot, lambda: isinstance(app.screen, FeeDialog))
        await quiet.press(pilot, "1")  # cash
        await until(pilot, lambda: "out with the runner" in text_of(app, "#dl-status"))
    with station.read() as session:
        entries = [(e.kind, e.amount_cents, e.method) for e in session.exec(select(FeeEntry)).all()]
        out = session.exec(select(Parcel)).one().delivery_run_id
    assert entries == [("charge", 150, None), ("payment", 150, "cash")] and out is not None


@pytest.mark.first_mode("shelves")
async def test_a_parcel_refused_while_the_last_scan_runs_stays_refused_over_that_scans_answer(
    app: StationApp, station: Station, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A parcel not on the run scanned while the last one's scan-out was still being written (a busy
    database): the last one's 'out with the runner' replaced the loud refusal before the clerk had read
    it, and the parcel went with the runner. The refusal stays first, the answer below it."""
    ids = people(station)
    check_in(station, "JT0000000000001", recipient_id=ids["张三"])
    check_in(station, "JT0000000000003", phone="13000000000")  # nobody asked for this one
    requests.request(station, "JT0000000000001")
    runs.plan(station, "小刘")
    asked, release = threading.Event(), threading.Event()
    real = runs.scan_out

    def held(station: Station, run_id: int, raw: str, **kwargs: Any) -> Any:
        if raw == "JT0000000000001":
            asked.set()
            assert release.wait(quiet.TIMEOUT)
        return real(station, run_id, raw, **kwargs)

    monkeypatch.setattr(runs, "scan_out", held)
    async with app.run_test(size=(160, 50)) as pilot:
        await _delivery(app, pilot)
        field = app.screen.query_one("#dl-scan", Input)
        for waybill in ("JT0000000000001", "JT0000000000003"):
            field.value = waybill
            await quiet.press(pilot, "enter", leave_running=("run",))
        await until(pilot, asked.is_set)
        await until(pilot, lambda: "not on delivery run" in text_of(app, "#dl-status"))
        refusal = text_of(app, "#dl-status")
        release.set()
        await quiet.settle(pilot)
        said = text_of(app, "#dl-status")
        assert said.startswith(refusal) and "out with the runner" in said, said
        assert app.screen.query_one("#dl-status", Static).has_class("-error")


@pytest.mark.first_mode("shelves")
async def test_a_device_scan_after_a_refusal_says_its_answer_in_its_place(
    app: StationApp, station: Station
) -> None:
    """A scan from a device scanner is the clerk's next act, though no key: the refusal before it goes."""
    ids = people(station)
    check_in(station, "JT0000000000001", recipient_id=ids["张三"])
    requests.request(station, "JT0000000000001")
    runs.plan(station, "小刘")
    async with app.run_test(size=(160, 50)) as pilot:
        await _delivery(app, pilot)
        await quiet.press(pilot, "f9")  # nothing came back yet
        assert "Scan the parcel that came back first." in text_of(app, "#dl-status")
        app.scanner_bridge.deliver(ScanEvent("JT0000000000001", "hid:test", "hid"))
        await until(pilot, lambda: "out with the runner" in text_of(app, "#dl-status"))
        assert "Scan the parcel" not in text_of(app, "#dl-status")
        assert not app.screen.query_one("#dl-status", Static).has_class("-error")


@pytest.mark.first_mode("shelves")
async def test_a_partial_scan_on_door_delivery_is_said_on_its_line_and_scans_nothing_out(
    app: StationApp, station: Station
) -> None:
    """Scanner output that is not a whole code is said loudly where the run's scans are said, as on
    Stocktake and Returns; nothing of it is scanned out."""
    ids = people(station)
    check_in(station, "JT0000000000001", recipient_id=ids["张三"])
    requests.request(station, "JT0000000000001")
    runs.plan(station, "小刘")
    async with app.run_test(size=(160, 50)) as pilot:
        await _delivery(app, pilot)
        await quiet.burst(pilot, *"7762", "enter")  # too short to be a code
        await quiet.settle(pilot)
        assert "too short" in text_of(app, "#dl-status")
        assert app.screen.query_one("#dl-status", Static).has_class("-error")
        assert app.screen.query_one("#dl-scan", Input).value == ""
        assert not app._notifications  # said on the line, not in a toast as well
    with station.read() as session:
        assert session.exec(select(Parcel)).one().delivery_run_id is None


@pytest.mark.parametrize(("lang", "width", "height"), [("en", 120, 40), ("zh", 80, 24)])
@pytest.mark.first_mode("shelves")
async def test_a_stops_state_and_its_runs_show_on_the_screen_at_120_and_80_columns(
    app: StationApp, station: Station, lang: str, width: int, height: int
) -> None:
    """The stops' Status came last, past the right edge of a table that takes no focus to scroll (cut to
    'S' at 120 columns, gone at 80); the run's state came after its runner's name, cut to 'clos'."""
    ids = people(station)
    check_in(station, "JT0000000000001", recipient_id=ids["张三"])
    requests.request(station, "JT0000000000001")
    run = runs.plan(station, "Wang [bold]Wu the long-named runner")
    runs.scan_out(station, run.id, "JT0000000000001")
    set_language(lang)
    summary = {"en": "Waiting for a run", "zh": "待派送"}[lang]
    async with app.run_test(size=(width, height)) as pilot:
        await quiet.press(pilot, "f4")
        await quiet.settle(pilot)
        await quiet.press(pilot, "ctrl+d")
        await until(pilot, lambda: summary in text_of(app, "#dl-summary"))
        stops, runs_shown = app.screen.query_one("#dl-stops"), app.screen.query_one("#dl-runs")
        # The status's short word: the whole row does not fit beside the runs at 120 columns.
        out = {"en": "out", "zh": "派送中"}[lang]
        # The code and its state side by side; the run with how many of its parcels are out.
        await until(pilot, lambda: f"1-1-1001  {out}" in drawn(app, stops))
        await until(pilot, lambda: "DR000001  1/1" in drawn(app, runs_shown))


def _pieces(app: StationApp, widget: Any) -> list[list[str]]:
    """Each row the terminal shows of a table, split where its columns part (two spaces or more)."""
    region = widget.content_region
    rows = app.screen._compositor.render_strips()[region.y : region.bottom]
    drawn_rows = (row.crop(region.x, region.right).text.strip() for row in rows)
    return [re.split(r" {2,}", row) for row in drawn_rows if row]


@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.first_mode("shelves")
async def test_door_delivery_fits_80_and_100_columns(app: StationApp, station: Station, lang: str) -> None:
    """At 80 columns the runs were 20 wide beside the stops, the runner's heading cut to its first
    character, and the stops cut a phone to '138****56'; at 100 to its heading's 'P'. Now the runs go above
    the stops; every cell drawn is whole, and each stop shows its code, status, recipient and whole masked
    phone."""
    run = a_run_of_three(station)
    stops = runs.list_runs(station, limit=1)[0].stops
    async with console_in(app, lang, "f4", "ctrl+d") as pilot:
        await until(pilot, lambda: "DR000001" in drawn(app, app.screen.query_one("#dl-runs")))

        async def whole() -> None:
            runs_shown, stops_shown = app.screen.query_one("#dl-runs"), app.screen.query_one("#dl-stops")
            await until(pilot, lambda: stops[-1].pickup_code in drawn(app, stops_shown))
            assert runs_shown.region.bottom <= stops_shown.region.y, "the runs are not above the stops"
            runner, out = {"en": ("Runner", "out"), "zh": ("派送员", "派送中")}[lang]
            assert _pieces(app, runs_shown)[:2] == [
                [_("Run"), _("Out"), runner],
                [run.number, "1/3", "派送员小王"],
            ]
            every = {title(key) for key, _title in COLUMNS}
            every |= {
                str(c) for s in stops for narrow in (True, False) for c in cells(s, narrow=narrow).values()
            }
            drawn_rows = _pieces(app, stops_shown)
            cut = [piece for row in drawn_rows for piece in row if piece not in every]
            assert not cut, f"cut: {cut} in {drawn_rows}"
            shown = {tuple(row) for row in drawn_rows}
            for stop, status in zip(stops, (out, _("planned"), _("not delivered")), strict=True):
                assert any(
                    {stop.pickup_code, status, stop.name, stop.masked_phone} <= set(row) for row in shown
                ), f"{stop.pickup_code} {status} {stop.name} {stop.masked_phone} not in {drawn_rows}"

        await at_each_size(app, pilot, whole)


@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.first_mode("shelves")
async def test_every_stops_column_shown_is_whole_at_120_and_80_columns(
    app: StationApp, station: Station, lang: str
) -> None:
    """Beside the runs at 120 columns the stops table added every column and its last, the waybill, was
    cut at the table's edge to 'W'. Now each column shown is drawn whole, heading and cells, and those a
    clerk reads first (code, status, recipient) are there at 120x40 and 80x24."""
    a_run_of_three(station)
    stops = runs.list_runs(station, limit=1)[0].stops
    async with console_in(app, lang, "f4", "ctrl+d", size=SIZES_TO_80[0]) as pilot:

        async def whole() -> None:
            stops_shown = app.screen.query_one("#dl-stops")
            await until(pilot, lambda: stops[-1].pickup_code in drawn(app, stops_shown))
            every = {title(key) for key, _title in COLUMNS}
            every |= {
                str(c) for s in stops for narrow in (True, False) for c in cells(s, narrow=narrow).values()
            }
            drawn_rows = _pieces(app, stops_shown)
            cut = [piece for row in drawn_rows for piece in row if piece not in every]
            assert not cut, f"cut: {cut} in {drawn_rows}"
            headings = set(drawn_rows[0])
            assert {_("Code"), _("Status"), _("Recipient")} <= headings, drawn_rows[0]
            for stop in stops:
                assert any({stop.pickup_code, stop.name} <= set(row) for row in drawn_rows), drawn_rows

        await at_each_size(app, pilot, whole, SIZES_TO_80)


@pytest.mark.first_mode("shelves")
@pytest.mark.parametrize(
    "language, said",
    [
        ("en", "A scan is not typed into Note: JT0000000000009 was not taken."),
        ("zh", "扫描的内容不能填入备注：JT0000000000009 没有收下。"),
    ],
)
async def test_a_parcel_scanned_into_a_door_outcomes_note_is_said_and_sends_nothing(
    app: StationApp, station: Station, language: str, said: str
) -> None:
    """The next parcel scanned while 'not delivered' is open: its waybill was written as the note and its
    Enter sent the outcome. Now it is taken back out of the note and said; the clerk's Enter sends."""
    ids = people(station)
    check_in(station, "JT0000000000001", recipient_id=ids["张三"])
    requests.request(station, "JT0000000000001")
    run = runs.plan(station, "小刘")
    runs.scan_out(station, run.id, "JT0000000000001")
    async with app.run_test(size=(160, 50)) as pilot:
        await _delivery(app, pilot)
        set_language(language)
        await _type(pilot, app, "JT0000000000001")
        await until(pilot, lambda: "JT0000000000001" in text_of(app, "#dl-status"))  # back
        await quiet.press(pilot, "f10")
        await quiet.settle(pilot)
        note = app.screen.query_one("#form-note", Input)
        note.focus()
        await quiet.burst(pilot, *"JT0000000000009", "enter")
        await until(pilot, lambda: said in text_of(app, "#form-refused"))
        assert note.value == ""
        with station.read() as session:
            assert session.exec(select(DeliveryItem)).one().status != "failed"
        await quiet.press(pilot, "enter")
        await until(pilot, lambda: not isinstance(app.screen, FormDialog))
    with station.read() as session:
        item = session.exec(select(DeliveryItem)).one()
    assert (item.status, item.fail_reason, item.fail_note) == ("failed", "not_home", None)


@pytest.mark.first_mode("shelves")
async def test_an_older_run_chosen_stays_shown_once_its_stops_are_read(
    app: StationApp, station: Station
) -> None:
    """The runs' table, filled again with the chosen run's read, put its cursor back on the newest run,
    whose highlight chose it: an older run could not be shown long enough to scan a parcel on it."""
    first, _second = two_runs(station, first_out=False)
    async with app.run_test(size=(160, 50)) as pilot:
        await open_delivery(app, pilot)
        await choose_run(app, pilot, first)
        await quiet.settle(pilot)
        screen: Any = app.screen
        assert screen.run_id == first.id
        assert {stop.waybill for stop in screen.stops} == {stop.waybill for stop in first.stops}
        await _type(pilot, app, SECOND)
        await until(pilot, lambda: "out with the runner" in text_of(app, "#dl-status"))


@pytest.mark.parametrize(
    ("lang", "said"),
    [
        (
            "en",
            "Run DR000001 closed: 1 delivered, 1 not delivered. "
            "1 parcel never taken out stays on its shelf, for the next run.",
        ),
        ("zh", "批次 DR000001 已结束：送达 1 件，未送达 1 件。1 件未带出，仍在货架上，留待下一批派送。"),
    ],
    ids=["en", "zh"],
)
@pytest.mark.first_mode("shelves")
async def test_the_close_of_a_run_says_the_parcels_never_taken_out_wait_for_the_next(
    app: StationApp, station: Station, lang: str, said: str
) -> None:
    """The close said "1 delivered, 1 not delivered" alone: the parcel on the sheet the runner never
    took (listed "cancelled" in the run) was not said, though its request waits for the next run."""
    run = a_run_of_three(station)  # one out, one on the sheet, one back not delivered
    scan_back.deliver(station, run.id, "JT0000000000001", received_by="门卫")
    async with app.run_test(size=(160, 50)) as pilot:
        await open_delivery(app, pilot)
        set_language(lang)  # the close's line is written as it comes
        await quiet.press(pilot, "f11")
        await until(pilot, lambda: "DR000001" in text_of(app, "#dl-status"))
        assert text_of(app, "#dl-status") == said
    # As said: listed "cancelled" in the closed run, its request waiting for the next.
    assert [s.status for s in runs.view(station, run.id).stops if s.waybill == "JT0000000000002"] == [
        "cancelled"
    ]
    assert [s.waybill for s in requests.waiting(station)] == ["JT0000000000002"]
