"""The courier handover's manifest at the counter: kept as a PDF to sign where no printer takes it (its path
said whole, after what was not collected), said handed over when the PDF cannot be written, printed on a
receipt printer."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlmodel import select

from db.models import PrintJob
from station_console.services.core.station import Station
from station_console.tui.app import StationApp
from station_console.tui.widgets.wedge import KeyRouter
from tui import quiet
from tui.sendout_driver import at_sf_handover, counter_app, sends, sf_courier_here, text_of, until


def manifest_jobs(station: Station) -> list[PrintJob]:
    with station.read() as session:
        return list(session.exec(select(PrintJob).where(PrintJob.kind == "manifest")).all())


@pytest.mark.first_mode("sendout")
async def test_a_counter_without_a_printer_keeps_the_manifest_as_a_pdf_to_sign(
    app: StationApp, station: Station
) -> None:
    """The courier is at the counter to sign: with no printer here the manifest is not said to be
    printing (nor queued for a printer that never comes), it is written as a PDF and its path said."""
    async with at_sf_handover(station) as (app, pilot, courier):
        courier.post_message(KeyRouter.Scanned("SF1234567890123"))
        await until(pilot, lambda: "1 parcel scanned" in text_of(courier, "#ho-message"))
        await quiet.yes_to(pilot, "f10")
        await until(pilot, lambda: "Handed over 1 parcel," in text_of(courier, "#ho-message"))
        said = text_of(courier, "#ho-message")
    assert "printing" not in said and "No printer here takes manifests; saved as" in said
    path = Path(said.split("saved as", 1)[1].split()[0])
    assert path.name == "SB000001.pdf" and path.read_bytes().startswith(b"%PDF")
    assert manifest_jobs(station) == [] and [s.status for s in sends(station)] == ["handed_over"]


@pytest.mark.first_mode("sendout")
async def test_a_manifest_saved_with_sends_not_collected_ends_the_line_with_its_path(
    app: StationApp, station: Station
) -> None:
    """No printer here and a send the courier did not take: the line read "saved as .../SB000001.pdf
    NOT collected: ..." (in Chinese the path ran straight into 未取走). What was not collected comes
    first; the saved file's path ends the line, whole."""
    from security.helpers import accept_send as accepted

    accepted(station, "SF1234567890124")
    async with at_sf_handover(station) as (app, pilot, courier):
        courier.post_message(KeyRouter.Scanned("SF1234567890123"))
        await until(pilot, lambda: "OK (1 of 2)" in text_of(courier, "#ho-message"))
        await quiet.yes_to(pilot, "f10")
        await until(pilot, lambda: "Handed over 1 parcel," in text_of(courier, "#ho-message"))
        said = text_of(courier, "#ho-message")
    assert said.index("NOT collected: SF1234567890124") < said.index("No printer here takes manifests")
    # Its own sentence, ended: "NOT collected: SF1234567890124 No printer here ..." read as one.
    assert "NOT collected: SF1234567890124. No printer here takes manifests" in said, said
    assert Path(said.rsplit("saved as ", 1)[1]).name == "SB000001.pdf", said


@pytest.mark.first_mode("sendout")
async def test_a_handover_closed_whose_manifest_pdf_cannot_be_written_says_it_is_closed(
    app: StationApp, station: Station
) -> None:
    """A file stands where the manifests folder should be: the sends were handed over (committed), then
    the PDF failed. The line said only "Cannot write ..."; now it says they were handed over, why the
    PDF was not saved and the command that saves it again."""
    from station_console.services.printing.saved_pdfs import pdf_path

    folder = pdf_path("manifests", "x").parent
    folder.parent.mkdir(parents=True, exist_ok=True)
    folder.write_text("not a folder")
    async with at_sf_handover(station) as (app, pilot, courier):
        courier.post_message(KeyRouter.Scanned("SF1234567890123"))
        await until(pilot, lambda: "1 parcel scanned" in text_of(courier, "#ho-message"))
        await quiet.yes_to(pilot, "f10")
        await until(pilot, lambda: "1 parcel scanned" not in text_of(courier, "#ho-message"))
        await quiet.settle(pilot)
        said = text_of(courier, "#ho-message")
    assert "Handed over 1 parcel," in said and "Its manifest PDF was not saved" in said
    assert (
        "a file is where its folder should be" in said and "station sendout manifest SB000001 --pdf" in said
    )
    assert [s.status for s in sends(station)] == ["handed_over"]


@pytest.mark.first_mode("sendout")
async def test_a_counter_with_a_receipt_printer_prints_the_manifest(station: Station) -> None:
    from security.helpers import accept_send as accepted

    accepted(station, "SF1234567890123")
    app = counter_app(station, printer={"language": "escpos", "transport": "dummy", "target": "desk"})
    async with app.run_test(size=(160, 50)) as pilot:
        await quiet.settle(pilot)
        courier = await sf_courier_here(app, pilot)
        courier.post_message(KeyRouter.Scanned("SF1234567890123"))
        await until(pilot, lambda: "1 parcel scanned" in text_of(courier, "#ho-message"))
        await quiet.yes_to(pilot, "f10")
        await until(pilot, lambda: "Handed over 1 parcel," in text_of(courier, "#ho-message"))
        assert "The manifest is printing." in text_of(courier, "#ho-message")
    assert len(manifest_jobs(station)) == 1
