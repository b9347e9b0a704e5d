"""A courier's batch on the Check-in screen: opened for the courier (F10), its counts moving with each scan,
damage flagged (F12), closed with the courier's name (F11), a batch left open taken back at start, and the
name dialog with no carrier chosen."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from sqlmodel import select
from textual.widgets import Input, Label, Static

from db.models import Parcel
from station_console.services.core.station import Station
from station_console.tui.app import StationApp
from station_console.tui.screens.pickup_dialogs import ReasonDialog
from tui import quiet


async def test_the_courier_batch_counts_live_on_the_check_in_screen(
    app: StationApp, station: Station, tmp_path: Any
) -> None:
    """What the clerk sees: the batch opened for the courier, its counts moving with each scan, another
    counter's courier below, a damaged parcel flagged, the close with its receipt (a PDF here: no printer)."""
    from station_console.services.prealerts import batches
    from station_console.services.prealerts.importer import import_file
    from station_console.tui.screens.checkin import CheckinScreen
    from station_console.tui.screens.checkin_batch import CourierDialog

    from .checkin_driver import scan, settle, start, type_slowly

    csv = tmp_path / "zto.csv"
    csv.write_text(
        "运单号,快递公司,手机\n" + "".join(f"73{n:012d},中通,1381234{n:04d}\n" for n in (1, 2, 3, 4))
    )
    import_file(station, csv)
    other = batches.open_batch(replace(station, counter="counter-2"), "SF", "李师傅")
    async with app.run_test(size=(160, 50)) as pilot:
        screen, keys = await start(app, pilot)

        def panel() -> str:
            return str(screen.query_one("#ci-courier", Static).render())

        await settle(app, pilot)
        assert "F10 opens one" in panel() and "Also open: SF 李师傅 0/0 (counter-2)" in panel()
        await type_slowly(pilot, keys, "f10")
        await settle(app, pilot)  # the dialog opens once a worker has read the carrier table
        assert isinstance(app.screen, CourierDialog)
        await quiet.press(pilot, "down", "enter")  # ZTO is the second carrier in the table
        await quiet.press(pilot, *"[b]张[/b]", "enter")  # a name is data, never markup
        assert isinstance(app.screen, CheckinScreen) and screen.courier_batch is not None
        assert "ZTO [b]张[/b]: expected 4 · received 0 · missing 4 · extra 0 · damaged 0" in panel()
        for n in (1, 2, 9):
            await scan(pilot, keys, f"73{n:012d}")
            await settle(app, pilot)
        assert "expected 4 · received 2 · missing 2 · extra 1 · damaged 0" in panel()
        assert "138****0001" in str(screen.query_one("#ci-table").get_row_at(2))  # the pre-alert's phone

        await type_slowly(pilot, keys, "f12")
        damage = app.screen
        assert isinstance(damage, ReasonDialog)
        # The field is named as its refusal names it: a note past its 500 characters is "Note is
        # longer...", under a field called Note (it was called Reason).
        assert str(damage.query_one(Label).render()) == "Note"
        await quiet.press(pilot, *"box crushed", "enter")
        assert "damaged 1" in panel()
        await type_slowly(pilot, keys, "f11")
        dialog = app.screen
        assert (
            isinstance(dialog, ReasonDialog) and dialog.query_one(Input).value == "[b]张[/b]"
        )  # offered again
        assert "Courier's name" in str(dialog.query_one(Label).render())
        await quiet.press(pilot, "ctrl+u", *"张师傅", "enter")
        message = str(screen.query_one("#ci-message", Static).render())
        assert "received 2, missing 2, extra 1, damaged 1" in message and "saved as" in message
        assert screen.courier_batch is None and "F10 opens one" in panel()
    closed = batches.list_batches(station, status="closed")[0]
    assert closed.courier_name == "张师傅" and closed.missing == ["73000000000003", "73000000000004"]
    assert batches.get(station, other.id).status == "open"


async def test_damage_is_flagged_on_the_last_parcel_still_checked_in_not_an_undone_one(
    app: StationApp, station: Station
) -> None:
    """Ctrl+Z undid the last scan: F12 asks about the parcel before it (the undone one is no longer
    here: its note was typed for nothing, then refused as no parcel), and flags that one."""
    from .checkin_driver import scan, settle, start_with_courier_batch, type_slowly

    async with app.run_test(size=(160, 50)) as pilot:
        screen, keys = await start_with_courier_batch(app, pilot, "Wu")
        for n in (1, 2):
            await scan(pilot, keys, f"73{n:012d}")
            await settle(app, pilot)
        await type_slowly(pilot, keys, "ctrl+z")
        await settle(app, pilot)
        assert len(screen.undone) == 1
        await type_slowly(pilot, keys, "f12")
        damage = app.screen
        assert isinstance(damage, ReasonDialog)
        assert "73000000000001" in str(damage.query_one(".dialog-title", Static).render())
        await quiet.press(pilot, *"box crushed", "enter")
        await settle(app, pilot)
        assert "73000000000001 flagged as damaged." in str(screen.query_one("#ci-message", Static).render())
    with station.read() as session:
        kinds = {p.waybill: p.problem_kind for p in session.exec(select(Parcel)).all()}
    assert kinds == {"73000000000001": "damaged", "73000000000002": None}


async def test_a_courier_name_too_long_for_the_close_is_said_in_its_dialog_and_kept(
    app: StationApp, station: Station
) -> None:
    """The close's dialog took 200 characters and the service 64: a longer name closed the dialog,
    was refused on the screen's line and was lost. Now the dialog says it, with the name as typed."""
    from station_console.services.prealerts import batches
    from station_console.tui.screens.checkin import CheckinScreen

    from .checkin_driver import scan, settle, start_with_courier_batch, type_slowly

    async with app.run_test(size=(160, 50)) as pilot:
        screen, keys = await start_with_courier_batch(app, pilot, "Wu")
        await scan(pilot, keys, "73000000000001")
        await settle(app, pilot)
        await type_slowly(pilot, keys, "f11")
        dialog = app.screen
        assert isinstance(dialog, ReasonDialog)
        name = "Wu " + "x" * 70
        dialog.query_one(Input).value = name
        await quiet.press(pilot, "enter")
        await settle(app, pilot)
        assert app.screen is dialog and dialog.query_one(Input).value == name
        assert "Courier is longer than 64 characters." in str(dialog.query_one("#pk-reason-refused").render())
        dialog.query_one(Input).value = "Wu"
        await quiet.press(pilot, "enter")
        await settle(app, pilot)
        assert isinstance(app.screen, CheckinScreen) and screen.courier_batch is None
    (closed,) = batches.list_batches(station, status="closed")
    assert closed.courier_name == "Wu"


async def test_the_courier_name_erased_at_the_close_is_said_in_its_dialog_and_nothing_closes(
    app: StationApp, station: Station
) -> None:
    """The name erased in the close's dialog, then Enter: the dialog closed, the batch stayed open and
    nothing was said, the clerk left believing the bag was signed for. Now the dialog says the name is
    empty and stays, the batch open; with a name typed it closes, under that name."""
    from station_console.services.prealerts import batches
    from station_console.tui.screens.checkin import CheckinScreen

    from .checkin_driver import scan, settle, start_with_courier_batch, type_slowly

    async with app.run_test(size=(160, 50)) as pilot:
        screen, keys = await start_with_courier_batch(app, pilot, "Wu")
        await scan(pilot, keys, "73000000000001")
        await settle(app, pilot)
        await type_slowly(pilot, keys, "f11")
        dialog = app.screen
        assert isinstance(dialog, ReasonDialog) and dialog.query_one(Input).value == "Wu"
        dialog.query_one(Input).value = ""
        await quiet.press(pilot, "enter")
        await settle(app, pilot)
        assert app.screen is dialog
        assert "Courier is empty." in str(dialog.query_one("#pk-reason-refused").render())
        assert [b.status for b in batches.list_batches(station)] == ["open"]
        dialog.query_one(Input).value = "Zhao"
        await quiet.press(pilot, "enter")
        await settle(app, pilot)
        assert isinstance(app.screen, CheckinScreen) and screen.courier_batch is None
        # Another courier's name than the open's: said, not swapped on the receipt without a word.
        said = str(screen.query_one("#ci-message", Static).render())
        assert "The receipt names Zhao, not Wu, the courier named when the batch was opened." in said
    (closed,) = batches.list_batches(station, status="closed")
    assert closed.courier_name == "Zhao"


async def test_a_batch_left_open_at_this_counter_is_taken_back_when_the_console_starts(
    app: StationApp, station: Station, tmp_path: Any
) -> None:
    """The console closed while a courier's bag was received: started again, its batch is current again
    (scans count to it, F11 closes it); it was listed under 'Also open' and F11 said none was open here."""
    from station_console.services.prealerts import batches
    from station_console.services.prealerts.importer import import_file
    from station_console.tui.screens.checkin import CheckinScreen

    from .checkin_driver import scan, settle, start, type_slowly

    csv = tmp_path / "zto.csv"
    csv.write_text("运单号,快递公司,手机\n" + "".join(f"73{n:012d},中通,1381234{n:04d}\n" for n in (1, 2)))
    import_file(station, csv)
    other = batches.open_batch(replace(station, counter="counter-2"), "ZTO", "李师傅")
    left = batches.open_batch(station, "ZTO", "张师傅")  # newer than the other counter's
    async with app.run_test(size=(160, 50)) as pilot:
        screen, keys = await start(app, pilot)
        await settle(app, pilot)
        panel = str(screen.query_one("#ci-courier", Static).render())
        assert isinstance(screen, CheckinScreen) and screen.courier_batch == left.id
        assert f"{left.label} ZTO 张师傅: expected 2 · received 0" in panel
        assert "Also open: ZTO 李师傅 0/2 (counter-2)" in panel
        await scan(pilot, keys, "73000000000001")
        await settle(app, pilot)
        assert batches.get(station, left.id).received == ["73000000000001"]

        def status() -> str:
            return str(screen.query_one("#ci-batch", Static).render())

        assert status().startswith("Batch: ZTO")
        await type_slowly(pilot, keys, "f11")
        assert isinstance(app.screen, ReasonDialog)
        await quiet.press(pilot, "enter")
        await settle(app, pilot)
        assert screen.courier_batch is None
        assert status().startswith("Batch: any")  # the courier's carrier is no longer being received
    assert batches.get(station, left.id).status == "closed"
    assert batches.get(station, other.id).status == "open"


async def test_the_courier_name_entered_with_no_carrier_chosen_says_to_choose_it(app: StationApp) -> None:
    """Tab from the carrier list to the name and Enter: the cursor went back to the list, nothing said."""
    from station_console.tui.screens.checkin_batch import CourierDialog

    from .checkin_driver import settle, start, type_slowly

    async with app.run_test(size=(160, 50)) as pilot:
        screen, keys = await start(app, pilot)
        await type_slowly(pilot, keys, "f10")
        await settle(app, pilot)
        dialog = app.screen
        assert isinstance(dialog, CourierDialog)
        why = dialog.query_one("#courier-why", Static)
        assert not why.display
        await quiet.press(pilot, "tab", *"Zhao", "enter")
        assert app.screen is dialog and screen.courier_batch is None
        assert why.display and "Choose the carrier first." in str(why.render())


async def test_f10_with_every_carrier_deactivated_says_none_is_active_and_opens_nothing(
    app: StationApp, station: Station
) -> None:
    """The dialog opened with an empty carrier list, and its name's Enter said only "Choose the carrier
    first": there was none to choose. The screen says why, and where a manager turns one on."""
    from db.models import Carrier, CourierBatch
    from station_console.services.scan.carriers import forget_detector
    from station_console.tui.screens.checkin import CheckinScreen

    from .checkin_driver import settle, start, type_slowly

    def all_off(session: Any) -> None:
        for carrier in session.exec(select(Carrier)).all():
            carrier.active = False
            session.add(carrier)

    station.run(all_off)
    forget_detector(station)
    async with app.run_test(size=(80, 24)) as pilot:
        screen, keys = await start(app, pilot)
        await type_slowly(pilot, keys, "f10")
        await settle(app, pilot)
        assert isinstance(app.screen, CheckinScreen) and screen.courier_batch is None
        message = str(screen.query_one("#ci-message", Static).render())
        assert "No carrier is active" in message and "Settings (Ctrl+S, then F7)" in message
    with station.read() as session:
        assert session.exec(select(CourierBatch)).all() == []


async def test_a_batch_closed_whose_receipt_pdf_cannot_be_written_says_it_is_closed(
    app: StationApp, station: Station
) -> None:
    """No printer here takes receipts and a file stands where the receipts folder should be: the close
    committed, then the PDF failed. The line said only "Cannot write ..." (and F11 then said no batch was
    open); now it says the batch is closed, why the PDF was not saved and the command that saves it."""
    from station_console.services.prealerts import batches
    from station_console.services.printing.saved_pdfs import pdf_path

    from .checkin_driver import settle, start_with_courier_batch, type_slowly

    folder = pdf_path("receipts", "x").parent
    folder.parent.mkdir(parents=True, exist_ok=True)
    folder.write_text("not a folder")
    async with app.run_test(size=(160, 50)) as pilot:
        screen, keys = await start_with_courier_batch(app, pilot, "Wu")
        batch = screen.courier_batch
        assert batch is not None
        await type_slowly(pilot, keys, "f11")
        await quiet.press(pilot, "enter")
        await settle(app, pilot)
        said = str(screen.query_one("#ci-message", Static).render())
        assert screen.courier_batch is None
    label = batches.get(station, batch).label
    assert f"{label} closed: received 0" in said
    assert "Its receipt PDF was not saved" in said and "a file is where its folder should be" in said
    assert f"station handover receipt {label} --pdf" in said
    assert batches.get(station, batch).status == "closed"
