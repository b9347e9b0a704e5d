"""Pickup's message box at 120x40 and 80x24, in English and Chinese: a wrong parcel's refusal at its
longest (a 40-character waybill, a shelf and layer of the longest labels) with another counter's change
noted below it reads whole; the box cut it after its third line."""

from __future__ import annotations

import pytest
from sqlmodel import Session
from textual.widgets import Static

from db.models import Layer, Parcel, Role, Shelf
from station_console.i18n import set_language
from station_console.services.checkin.transaction import check_in
from station_console.services.core.station import Station
from station_console.services.pickup.handover import confirm_pickup
from station_console.tui.app import StationApp
from station_console.tui.live_bridge import LiveBridge
from tui.drawn_text import reads_whole
from tui.pickup_driver import ANN, OTHER, Clerk_, receive, sign_in
from tui.quiet import resize

LONG_WAYBILL = "SF" + "7" * 38  # the longest a waybill may be (40)


def longest_labels(station: Station, parcel_id: int) -> None:
    """The parcel's shelf and layer renamed to the longest labels they may have."""

    def work(session: Session) -> None:
        parcel = session.get(Parcel, parcel_id)
        assert parcel is not None and parcel.shelf_id is not None and parcel.layer_id is not None
        shelf, layer = session.get(Shelf, parcel.shelf_id), session.get(Layer, parcel.layer_id)
        assert shelf is not None and layer is not None
        shelf.label, layer.label = "COLDROOM-NORTH16", "TOPLAYER"

    station.run(work)


@pytest.mark.first_mode("pickup")
@pytest.mark.parametrize("lang", ["en", "zh"])
async def test_a_long_wrong_parcel_refusal_with_a_change_noted_below_reads_whole(
    station: Station, console: StationApp, lang: str
) -> None:
    sign_in(station, Role.CLERK)
    ann = [receive(station, n, ANN) for n in (1, 2)]
    stranger = check_in(station, LONG_WAYBILL, phone=OTHER, carrier="JT")
    longest_labels(station, stranger.parcel_id)
    set_language(lang)
    async with console.run_test(size=(120, 40)) as pilot:
        clerk = Clerk_(console, pilot)
        screen = await clerk.open()
        await clerk.type(ann[0].pickup_code)
        await clerk.scan(stranger.waybill)
        confirm_pickup(station, [ann[1].parcel_id], method="code", scanned=[ann[1].waybill])
        screen.post_message(
            LiveBridge.Changed(frozenset({"parcel"}), frozenset({"counter-2"}), frozenset({ann[1].parcel_id}))
        )
        await clerk.settle()
        box = screen.query_one("#pk-message", Static)
        for width, height in ((120, 40), (80, 24)):
            await resize(pilot, width, height)
            said = reads_whole(console, box)
            assert LONG_WAYBILL in said and "COLDROOM-NORTH16-TOPLAYER" in said, (width, said)
            assert stranger.pickup_code in said and "\n" in said, (width, said)  # the note below it
            assert screen.query_one("#pk-table").region.height >= 3  # the customer's parcels still show
