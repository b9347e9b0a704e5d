"""Check-in's Needs attention: carrier questions, a scanned phone, database refusals, a duplicate's
reprint, dismissals; one key answers each, once. Driven as in test_checkin_screen.py."""

from __future__ import annotations

from typing import Any

from sqlmodel import Session, col, select
from station_helpers import configure, keep_layers
from textual.widgets import DataTable, OptionList

from db.models import EventKind, Layer, ParcelEvent
from station_console.i18n import label_of
from station_console.services.checkin.dismissals import KIND_LABELS
from station_console.services.core.station import Station
from station_console.tui.app import StationApp
from station_console.tui.screens import checkin_writer
from tui import quiet
from tui.checkin_driver import (
    attention,
    db_counts,
    jobs_of,
    parcels,
    scan,
    scan_split,
    settle,
    start,
    status,
    type_slowly,
)


async def receiving(app: StationApp, pilot: Any, carrier: str) -> None:
    """F7's batch picker (it opens once a worker has read the carrier table): `carrier` chosen."""
    await quiet.press(pilot, "f7")
    options = app.screen.query_one(OptionList)
    ids = [options.get_option_at_index(i).id for i in range(options.option_count)]
    for _ in range(ids.index(carrier) - (options.highlighted or 0)):
        await quiet.press(pilot, "down")
    await quiet.press(pilot, "enter")


async def test_carrier_conflicts_queue_and_one_key_answers_each(
    app: StationApp, station: Station, bells: list[int]
) -> None:
    async with app.run_test(size=(140, 44)) as pilot:
        screen, clock = await start(app, pilot)
        await receiving(app, pilot, "ZTO")
        assert screen.batch_carrier == "ZTO"
        await scan(pilot, clock, "SF1234567890123")
        await scan(pilot, clock, "SF1234567890124")  # the next scan does not drop the first question
        await scan(pilot, clock, "73123456789012")  # a ZTO number: no question
        await settle(app, pilot)
        assert [i.kind for i in attention(screen)] == ["conflict", "conflict"] and len(bells) == 2
        assert "Ctrl+Y: use SF · Ctrl+B: keep ZTO" in attention(screen)[0].hint
        await type_slowly(pilot, clock, "enter", "enter")  # stray Enters answer nothing
        await settle(app, pilot)
        assert len(attention(screen)) == 2 and list(parcels(station)) == ["73123456789012"]
        assert "Refused this session: 2" in status(screen, "#ci-refused")  # not checked in, so far
        await quiet.press(pilot, "ctrl+y")  # the highlighted (newest): use SF
        await quiet.press(pilot, "ctrl+b")  # the other: keep the batch carrier
        assert attention(screen) == []
        carriers = {r.waybill: r.carrier for r in screen.results}
        assert carriers == {"73123456789012": "ZTO", "SF1234567890124": "SF", "SF1234567890123": "ZTO"}
        # Questions answered, not refusals: both parcels checked in.
        assert "Refused this session: 0" in status(screen, "#ci-refused")


async def test_a_question_dismissed_stays_counted_as_refused(
    app: StationApp, station: Station, bells: list[int]
) -> None:
    """Of two questions, the one answered with Ctrl+Y checked its parcel in and is no refusal; the one
    dismissed left its parcel out, and is."""
    async with app.run_test(size=(140, 44)) as pilot:
        screen, clock = await start(app, pilot)
        await receiving(app, pilot, "ZTO")
        await scan(pilot, clock, "SF1234567890123")
        await scan(pilot, clock, "SF1234567890124")
        await settle(app, pilot)
        assert [i.kind for i in attention(screen)] == ["conflict", "conflict"]
        await quiet.press(pilot, "ctrl+y")  # the newest: use SF
        await settle(app, pilot)
        await quiet.press(pilot, "ctrl+x")  # the other: dismissed
        await settle(app, pilot)
        assert attention(screen) == [] and list(parcels(station)) == ["SF1234567890124"]
        assert "Refused this session: 1" in status(screen, "#ci-refused")


async def test_a_scanned_mobile_number_is_refused_as_any_mobile_not_a_carrier_conflict(
    app: StationApp, station: Station, bells: list[int]
) -> None:
    """13987654321 passes DHL's check digit: it was a "carrier conflict" whose Ctrl+B (keep the batch)
    checked the customer's number in as a ZTO parcel. It is "not checked in" with the words every
    mobile gets; Ctrl+B does nothing, Ctrl+Y checks in a real DHL waybill of that shape."""
    async with app.run_test(size=(140, 44)) as pilot:
        screen, clock = await start(app, pilot)
        await receiving(app, pilot, "ZTO")
        assert screen.batch_carrier == "ZTO"
        await scan(pilot, clock, "13512345678")  # fails DHL's check digit
        await scan(pilot, clock, "13987654321")  # passes it
        await settle(app, pilot)
        item, plain = attention(screen)
        assert (item.kind, plain.kind) == ("refused", "refused") and item.waybill == "139****4321"
        # Both read as mobiles; the one DHL would take says so and how to take it, worded as send-out's
        # (its Ctrl+Y in the sentence); where a phone goes is in the plain one's hint, beside the reason
        # in the one whose hint offers DHL.
        assert plain.text.startswith("135****5678 looks like a mobile number, not a waybill") and bells == [
            1,
            1,
        ]
        assert item.text == (
            "139****4321 looks like a mobile number; if it is a DHL waybill, "
            "Ctrl+Y takes it. Type a phone in the phone field."
        )
        assert plain.hint.startswith("Type a phone")
        assert "13987654321" not in item.text
        assert item.hint == "Ctrl+Y: it is a DHL waybill · Ctrl+X dismiss"
        await quiet.press(pilot, "ctrl+b")  # not a question about the batch: it stays a refusal
        await settle(app, pilot)
        assert len(attention(screen)) == 2 and list(parcels(station)) == []
        await quiet.press(pilot, "ctrl+y")  # the clerk says it is a DHL waybill
        await settle(app, pilot)
        assert attention(screen) == [plain] and list(parcels(station)) == ["13987654321"]
        assert screen.results[0].carrier == "DHL"


async def test_a_database_that_needs_fixing_says_to_scan_again_once_it_is(app: StationApp) -> None:
    """A full disk or a read-only file: the waybill was fine, the clerk scans it again once fixed."""
    async with app.run_test(size=(140, 44)) as pilot:
        screen, _clock = await start(app, pilot)
        for seq, code in enumerate(("disk_full", "database_read_only"), start=1):
            refusal = checkin_writer.Refusal(code, "Nothing was saved.")
            request = checkin_writer.ScanRequest(raw=f"JT000000000000{seq}", seq=seq)
            screen.post_message(checkin_writer.CheckinWriter.ScanRefused(request, refusal))
        await settle(app, pilot)
        hints = {item.code: item.hint for item in attention(screen)}
        assert hints == dict.fromkeys(
            ("disk_full", "database_read_only"), "Scan it again once that is fixed · Ctrl+X dismiss"
        )
        await quiet.press(pilot, "ctrl+y")  # a moment's wait fixes neither: Ctrl+Y sends nothing
        assert "Nothing to do for this one" in str(screen.query_one("#ci-message").render())
        assert len(attention(screen)) == 2


async def test_duplicate_offers_a_reprint(app: StationApp, station: Station, bells: list[int]) -> None:
    async with app.run_test(size=(140, 44)) as pilot:
        screen, clock = await start(app, pilot)
        await scan(pilot, clock, "JT0000000000001")
        await scan(pilot, clock, "JT0000000000002")
        await scan(pilot, clock, "JT0000000000001")  # on the shelf, not the parcel in hand
        await settle(app, pilot)
        (item,) = attention(screen)
        assert item.kind == "duplicate" and "already on the shelf" in item.text and bells == [1]
        assert db_counts(station) == (2, 2, 0)
        await quiet.press(pilot, "ctrl+y")
        assert jobs_of(station, screen.results[0].parcel_id) == ["cancelled", "queued"]  # one sticker
        assert "queued again" in status(screen, "#ci-message") and attention(screen) == []


async def test_a_dismissed_refusal_is_recorded_without_the_fragment(
    app: StationApp, station: Station
) -> None:
    async with app.run_test(size=(140, 44)) as pilot:
        screen, clock = await start(app, pilot)
        await scan_split(pilot, clock, "SF1234567890123", at=2, hiccup=0.1)
        await scan(pilot, clock, "NOT-A-WAYBILL-!", gap=1.0)
        await settle(app, pilot)
        assert [i.kind for i in attention(screen)] == ["refused", "partial"]
        await quiet.press(pilot, "ctrl+x", "ctrl+x")
        assert attention(screen) == []
        with station.read() as s:
            events = s.exec(
                select(ParcelEvent)
                .where(ParcelEvent.kind == EventKind.REFUSAL_DISMISSED)
                .order_by(col(ParcelEvent.id))
            ).all()
        assert [e.details["kind"] for e in events] == ["refused", "partial"]
        assert events[1].details["length"] == 13 and events[1].details["waybill"] == ""
        assert "1234567890123" not in str(events[1].details)  # a fragment is stored nowhere


async def test_ctrl_y_twice_on_a_duplicate_reprints_once(app: StationApp, station: Station) -> None:
    async with app.run_test(size=(140, 44)) as pilot:
        screen, clock = await start(app, pilot)
        await scan(pilot, clock, "JT0000000000001")
        await scan(pilot, clock, "JT0000000000002")
        await scan(pilot, clock, "JT0000000000001")  # on the shelf, not the parcel in hand
        await settle(app, pilot)
        (item,) = attention(screen)
        assert item.kind == "duplicate"
        await quiet.burst(pilot, "ctrl+y", "ctrl+y")  # a hurried double press: the reprint is on its way
        await settle(app, pilot)
        assert jobs_of(station, screen.results[0].parcel_id) == ["cancelled", "queued"]  # one more sticker
        assert attention(screen) == []


async def test_no_layer_for_the_size_is_listed_as_such_and_ctrl_y_tries_again_once_one_is_added(
    app: StationApp, station: Station
) -> None:
    """No layer takes the size at all: the list says so and sends the clerk to a manager, as the
    refusal does, not "shelves full" and "free a layer" (there is none to free)."""
    keep_layers(station, {})
    async with app.run_test(size=(140, 44)) as pilot:
        screen, clock = await start(app, pilot)
        await scan(pilot, clock, "JT0000000000001")
        await settle(app, pilot)
        (item,) = attention(screen)
        assert item.kind == "no_layer" and "No shelf layer takes a size M parcel" in item.text
        assert label_of(KIND_LABELS, item.kind) == "no layer for size"
        assert item.hint.startswith("A manager adds a layer in Shelves (F4, then F12), then Ctrl+Y")
        table = screen.query_one("#att-table", DataTable)
        kind, body = (str(cell) for cell in table.get_row_at(0))  # too long for one line at 140
        assert kind == "no layer for size" and " ".join(body.split("\n")) == f"{item.text} {item.hint}"
        station.run(bring_back_a_layer)  # a manager added one meanwhile
        await quiet.press(pilot, "ctrl+y")
        await settle(app, pilot)
        assert attention(screen) == [] and list(parcels(station)) == ["JT0000000000001"]


async def test_no_pickup_code_free_is_listed_as_such_and_ctrl_y_tries_again_once_the_range_is_wider(
    app: StationApp, station: Station
) -> None:
    """The layer has room but every code of its range is used: the list says so and sends the clerk to
    a manager's setting, not "shelves full" and "free a layer" (freeing one would not help); its
    dismissal is recorded as what it was, and the waybill scanned again once it checks in settles it."""
    keep_layers(station, {"1-1": 40})
    configure(station, code_seq_min=1001, code_seq_max=1002)
    async with app.run_test(size=(140, 44)) as pilot:
        screen, clock = await start(app, pilot)
        for n in range(1, 6):
            await scan(pilot, clock, f"JT000000000000{n}")
        await settle(app, pilot)
        assert list(parcels(station)) == ["JT0000000000001", "JT0000000000002"]
        fifth, fourth, third = attention(screen)  # newest first
        assert fifth.kind == fourth.kind == third.kind == "no_code"
        assert "No pickup code is free on layer 1-1" in third.text
        assert label_of(KIND_LABELS, third.kind) == "no pickup code free"
        assert third.hint.startswith(
            "A manager raises the Last SEQ number in Settings (Ctrl+S), Pickup codes, then Ctrl+Y"
        )
        table = screen.query_one("#att-table", DataTable)
        kind, body = (str(cell) for cell in table.get_row_at(2))  # too long for one line at 140
        assert kind == "no pickup code free" and " ".join(body.split("\n")) == f"{third.text} {third.hint}"
        await quiet.press(pilot, "ctrl+x")  # the newest, let go
        await settle(app, pilot)
        with station.read() as session:
            dismissed = session.exec(
                select(ParcelEvent).where(ParcelEvent.kind == EventKind.REFUSAL_DISMISSED)
            ).one()
        assert dismissed.details["kind"] == "no_code"
        configure(station, code_seq_max=1004)  # a manager widened the range meanwhile
        await quiet.press(pilot, "ctrl+y")  # the fourth, highlighted now
        await settle(app, pilot)
        assert attention(screen) == [third]
        await scan(pilot, clock, "JT0000000000003")  # the third scanned again
        await settle(app, pilot)
        assert attention(screen) == []
        assert list(parcels(station)) == [f"JT000000000000{n}" for n in (1, 2, 4, 3)]


def bring_back_a_layer(session: Session) -> None:
    layer = session.exec(select(Layer).order_by(col(Layer.id))).first()
    assert layer is not None
    layer.retired_at = None
    session.add(layer)


async def test_a_scan_too_long_to_show_whole_is_shown_cut_with_a_sign(app: StationApp) -> None:
    """The row names a long scan by its start: cut, it ends in "…", or it reads as if it were the
    whole scan (40 characters of a 200-character one, no sign of the rest)."""
    async with app.run_test(size=(140, 44)) as pilot:
        screen, clock = await start(app, pilot)
        await scan(pilot, clock, "A" * 200)
        await scan(pilot, clock, "B" * 60 + "[/]")
        await settle(app, pilot)
        odd, long = attention(screen)  # the newest first
        assert long.text == "A" * 39 + "…: That is too long to be one waybill."
        assert odd.text == "B" * 39 + "… has characters no carrier uses: /[]."
