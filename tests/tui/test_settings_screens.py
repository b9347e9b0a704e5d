"""Settings: the form saves for a manager and refuses a clerk; printers are managed on screen; the other
screens open (the form's sections: test_settings_sections.py; its status line after a save:
test_settings_status_line.py; clerks: test_clerk_admin_screen.py)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from sqlmodel import select
from textual.widgets import Input, Select, Static

from db.models import PrintJob, Role
from station_console.services.core.station import Station
from station_console.settings import load_counter_settings
from station_console.tui.app import StationApp
from station_console.tui.screens.unsaved import LeaveUnsaved
from station_console.tui.widgets.plain import Table
from tui import quiet

# Every test here starts in Settings (the console opens there: no check-in screen built for nothing).
pytestmark = pytest.mark.first_mode("settings")


async def _open(app: StationApp, pilot, key: str) -> None:  # type: ignore[no-untyped-def]
    await quiet.press(pilot, key)  # in Settings already (`first_mode`)


async def test_manager_saves_station_settings(app: StationApp, station: Station) -> None:
    async with app.run_test(size=(160, 50)) as pilot:
        await quiet.settle(pilot)
        app.screen.query_one("#st-station_name", Input).value = "Campus North"
        await quiet.press(pilot, "ctrl+s")  # and until the save's worker is done
    station.forget_settings()
    assert station.settings().station_name == "Campus North"


async def test_a_clerk_cannot_change_settings(app: StationApp, station: Station) -> None:
    station.clerk_role = Role.CLERK
    async with app.run_test(size=(160, 50)) as pilot:
        await quiet.settle(pilot)
        app.screen.query_one("#st-station_name", Input).value = "Hijacked"
        await quiet.press(pilot, "ctrl+s")
        status = str(app.screen.query_one("#settings-status", Static).render())
    assert "manager" in status
    station.forget_settings()
    assert station.settings().station_name == "Parcel Station"


async def test_a_counter_file_not_written_is_said_with_its_reason(
    app: StationApp, station: Station, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A full disk under counter.toml: Ctrl+S says what failed and why, not "an unexpected error
    happened", and saves nothing."""

    def full(fd: int) -> None:
        raise OSError(28, "No space left on device")

    async with app.run_test(size=(160, 50)) as pilot:
        await quiet.settle(pilot)
        app.screen.query_one("#st-station_name", Input).value = "Campus North"
        monkeypatch.setattr(os, "fsync", full)
        await quiet.press(pilot, "ctrl+s")
        status = " ".join(str(app.screen.query_one("#settings-status", Static).render()).split())
    assert "counter's settings could not be written to" in status
    assert "No space left on device. Nothing was saved" in status and "unexpected" not in status
    station.forget_settings()
    assert station.settings().station_name == "Parcel Station"


async def test_a_printer_is_added_and_prints_a_test_label(app: StationApp, tmp_path: Path) -> None:
    target = tmp_path / "labels.tspl"
    async with app.run_test(size=(160, 50)) as pilot:
        await _open(app, pilot, "f8")
        screen = app.screen
        screen.query_one("#p-name", Input).value = "counter-lp"
        screen.query_one("#p-transport", Select).value = "file"
        screen.query_one("#p-target", Input).value = str(target)
        screen.save_printer()  # type: ignore[attr-defined]
        await quiet.settle(pilot)
        saved = load_counter_settings()
        assert saved.printers["counter-lp"]["transport"] == "file"
        assert saved.printer["name"] == "counter-lp"  # the first printer becomes the default
        await quiet.press(pilot, "f7")  # test print
        await quiet.until(pilot, lambda: target.exists() and target.stat().st_size, what="the label printed")
    assert target.read_bytes().startswith(b"SIZE 40 mm")  # TSPL, the default language
    with app.station.read() as session:
        job = session.exec(select(PrintJob).where(PrintJob.kind == "test")).one()
    assert job.status == "printed"


async def _shows(pilot, widget: Static, text: str) -> str:  # type: ignore[no-untyped-def]
    """What `widget` says once it says `text` (a thread fills it)."""
    await quiet.until(pilot, lambda: text in str(widget.render()), what=f"{text!r} shown")
    return str(widget.render())


async def test_saving_a_printer_says_once_which_codes_the_scanner_must_read(app: StationApp) -> None:
    async with app.run_test(size=(160, 50)) as pilot:
        await _open(app, pilot, "f8")
        screen = app.screen
        status = screen.query_one("#printer-status", Static)
        screen.query_one("#p-name", Input).value = "small"
        screen.query_one("#p-transport", Select).value = "dummy"
        screen.save_printer()  # type: ignore[attr-defined]
        said = await _shows(pilot, status, "QR")
        # 40x30 at 203 dpi: SF's 15 characters need more than 40 mm of bars with their quiet zones.
        assert "QR codes for some" in said and "SF" in said and "ZTO" not in said
        screen.query_one("#p-name", Input).value = "big"
        screen.query_one("#p-size", Input).value = "100x150"
        screen.query_one("#p-dpi", Select).value = 300
        screen.save_printer()  # type: ignore[attr-defined]
        said = await _shows(pilot, status, "only")
        assert "Printer big saved. Its labels carry Code 128 barcodes only." in said
        screen.query_one("#p-name", Input).value = "   "  # spaces only: no name, refused by the rule
        screen.save_printer()  # type: ignore[attr-defined]
        assert "1 to 40 printable characters" in await _shows(pilot, status, "Give the printer a name")
        screen.query_one("#p-name", Input).value = "tiny"
        screen.query_one("#p-size", Input).value = "30x20"
        screen.save_printer()  # type: ignore[attr-defined]
        assert "too small" in await _shows(pilot, status, "too small")
        assert "tiny" not in load_counter_settings().printers
        await quiet.press(pilot, "escape")  # the refused printer is still in the form: asked, dropped
        assert isinstance(app.screen, LeaveUnsaved)
        await quiet.press(pilot, "ctrl+d")
        await quiet.settle(pilot)
        needs = await _shows(pilot, app.screen.query_one("#scanner-needs", Static), "must read")
        assert "small: QR codes for some" in needs and "must read both" in needs


async def test_a_printer_named_as_the_service_allows_is_saved_from_the_screen(app: StationApp) -> None:
    """The screen takes a name by the service's rule (`printer_names`): `Front (A)`, set by hand in
    counter.toml, is saved again here, and markup in a name is saved and listed as typed, never parsed;
    a control character is refused by that rule before the save."""
    async with app.run_test(size=(160, 50)) as pilot:
        await _open(app, pilot, "f8")
        screen = app.screen
        status = screen.query_one("#printer-status", Static)
        screen.query_one("#p-transport", Select).value = "dummy"
        for name in ("Front (A)", "[/]x[b]"):
            screen.query_one("#p-name", Input).value = name
            screen.save_printer()  # type: ignore[attr-defined]
            await _shows(pilot, status, f"Printer {name} saved")
        assert list(load_counter_settings().printers) == ["Front (A)", "[/]x[b]"]
        listed = screen.query_one("#printer-list", Table)
        assert [str(listed.get_row_at(row)[0]) for row in range(listed.row_count)] == ["Front (A)", "[/]x[b]"]
        screen.query_one("#p-name", Input).value = "desk\x1b[31m"
        screen.save_printer()  # type: ignore[attr-defined]
        said = await _shows(pilot, status, "Give the printer a name")
        assert said.startswith(
            "Give the printer a name of 1 to 40 printable characters, no control characters or line breaks."
        )
        assert list(load_counter_settings().printers) == ["Front (A)", "[/]x[b]"]


async def test_a_file_printer_with_a_relative_target_is_refused_on_save(
    app: StationApp, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`labels/` would be read against the folder the console was started in: the save is refused with
    the rule (the service's, as counter.toml edited by hand and the CLI are), nothing written. Said
    without the advice to fix it in Settings > Printers (F8): the manager is there."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "labels").mkdir()
    async with app.run_test(size=(160, 50)) as pilot:
        await _open(app, pilot, "f8")
        screen = app.screen
        screen.query_one("#p-name", Input).value = "desk"
        screen.query_one("#p-transport", Select).value = "file"
        screen.query_one("#p-target", Input).value = "labels/"
        screen.save_printer()  # type: ignore[attr-defined]
        said = await _shows(pilot, screen.query_one("#printer-status", Static), "whole path")
    # The first printer saved is the default: its `[printer]` section is the one named.
    assert said.startswith(
        "Printer desk is misconfigured: Target (printer.target) = labels/: a file printer's"
    )
    assert "Settings > Printers" not in said and "F8" not in said, said
    assert "desk" not in load_counter_settings().printers


async def test_a_file_printer_s_folder_in_the_home_folder_is_saved_as_its_whole_path(
    app: StationApp, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`~/labels/` names the home folder of the user running the console: saved, written out, so the
    list shows the folder the labels go to (refused as relative before)."""
    monkeypatch.setenv("HOME", str(tmp_path))
    (tmp_path / "labels").mkdir()
    async with app.run_test(size=(160, 50)) as pilot:
        await _open(app, pilot, "f8")
        screen = app.screen
        screen.query_one("#p-name", Input).value = "desk"
        screen.query_one("#p-transport", Select).value = "file"
        screen.query_one("#p-target", Input).value = "~/labels/"
        screen.save_printer()  # type: ignore[attr-defined]
        await _shows(pilot, screen.query_one("#printer-status", Static), "Printer desk saved")
    assert load_counter_settings().printers["desk"]["target"] == f"{tmp_path}/labels/"


async def test_other_settings_screens_open(app: StationApp, tmp_path: Path) -> None:
    """The carrier editor, clerks, printers, the directory and the scan test, in turn from Settings in
    one console; Esc from an editor with something typed asks first (save, discard or stay)."""
    async with app.run_test(size=(160, 50)) as pilot:
        await _open(app, pilot, "f7")
        assert type(app.screen).__name__ == "CarrierEditorScreen"
        await quiet.press(pilot, "a")
        form = app.screen
        form.query_one("#cf-code", Input).value = "kdn"
        await quiet.press(pilot, "escape")
        assert isinstance(app.screen, LeaveUnsaved)
        await quiet.press(pilot, "enter")  # Stay
        assert app.screen is form and form.query_one("#cf-code", Input).value == "kdn"
        await quiet.press(pilot, "escape", "ctrl+d")  # discard: the form closes
        assert type(app.screen).__name__ == "CarrierEditorScreen"
        await quiet.press(pilot, "escape")
        assert type(app.screen).__name__ == "SettingsScreen"

        await quiet.press(pilot, "f10")
        app.screen.query_one("#c-name", Input).value = "Zhao"
        await quiet.press(pilot, "escape")
        assert isinstance(app.screen, LeaveUnsaved)
        await quiet.press(pilot, "ctrl+d")
        assert type(app.screen).__name__ == "SettingsScreen"

        await quiet.press(pilot, "f8")
        app.screen.query_one("#p-name", Input).value = "counter-lp"
        app.screen.query_one("#p-transport", Select).value = "file"
        app.screen.query_one("#p-target", Input).value = str(tmp_path / "labels.tspl")
        await quiet.press(pilot, "escape", "ctrl+s")  # save, then back
        assert type(app.screen).__name__ == "SettingsScreen"
        assert load_counter_settings().printers["counter-lp"]["transport"] == "file"

        await quiet.press(pilot, "f12", "f9")  # the directory, add a person
        app.screen.query_one("#form-name", Input).value = "Zhao Min"
        await quiet.press(pilot, "escape")
        assert isinstance(app.screen, LeaveUnsaved)
        await quiet.press(pilot, "escape")  # Stay
        assert app.screen.query_one("#form-name", Input).value == "Zhao Min"
        await quiet.press(pilot, "escape", "ctrl+d", "escape")
        assert type(app.screen).__name__ == "SettingsScreen"
        await quiet.press(pilot, "f9")
        assert type(app.screen).__name__ == "ScanTestScreen"


async def test_a_printer_saved_again_unchanged_says_nothing_changed(app: StationApp) -> None:
    async with app.run_test(size=(160, 50)) as pilot:
        await _open(app, pilot, "f8")
        screen = app.screen
        status = screen.query_one("#printer-status", Static)
        screen.query_one("#p-name", Input).value = "small"
        screen.query_one("#p-transport", Select).value = "dummy"
        screen.save_printer()  # type: ignore[attr-defined]
        await _shows(pilot, status, "saved")
        saved = load_counter_settings()
        screen.save_printer()  # type: ignore[attr-defined]
        assert await _shows(pilot, status, "Nothing") == "Nothing changed: nothing to save."
        assert load_counter_settings() == saved


async def test_a_printer_set_up_wrong_is_said_and_another_is_saved_beside_it(app: StationApp) -> None:
    """counter.toml edited by hand (a roll at 600 dpi): Settings > Printers says it by name, with what is
    wrong; a second printer is saved all the same (saving it was refused for the roll's fault)."""
    wrong = {"language": "escpos", "transport": "dummy", "target": "roll", "dpi": 600}
    app.counter_settings = app.counter_settings.model_copy(update={"printers": {"roll": wrong}})
    async with app.run_test(size=(160, 50)) as pilot:
        await _open(app, pilot, "f8")
        screen = app.screen
        status = screen.query_one("#printer-status", Static)
        said = await _shows(pilot, status, "misconfigured")
        assert "Printer roll is misconfigured: Resolution (printers.roll.dpi) = 600: use 203 or 300." in said
        screen.query_one("#p-name", Input).value = "desk"
        screen.query_one("#p-transport", Select).value = "dummy"
        screen.save_printer()  # type: ignore[attr-defined]
        await _shows(pilot, status, "Printer desk saved.")
        # Once every read after the save has answered, the save is still said, the roll's fault beside
        # it: the fault's read came last and took the line's place ("desk saved" said for a moment).
        await app.workers.wait_for_complete()
        await pilot.pause()
        said = str(status.render())
        assert "Printer desk saved." in said and "Printer roll is misconfigured" in said, said
    assert set(load_counter_settings().printers) == {"roll", "desk"}


async def test_a_printer_named_with_an_edge_space_by_hand_is_the_one_saved_again_not_a_new_one(
    app: StationApp,
) -> None:
    """` A` set by hand in counter.toml, its name typed `A` in the form (the space unseen): the save
    changes ` A`, not a new `A` beside it; a name of its own is still saved without edge spaces."""
    app.counter_settings = app.counter_settings.model_copy(
        update={"printers": {" A": {"language": "tspl", "transport": "dummy", "target": "old"}}}
    )
    async with app.run_test(size=(160, 50)) as pilot:
        await _open(app, pilot, "f8")
        screen = app.screen
        status = screen.query_one("#printer-status", Static)
        screen.query_one("#p-transport", Select).value = "dummy"
        screen.query_one("#p-target", Input).value = "new"
        screen.query_one("#p-name", Input).value = "A"
        screen.save_printer()  # type: ignore[attr-defined]
        await _shows(pilot, status, "Printer  A saved")
        screen.query_one("#p-name", Input).value = " B "
        screen.save_printer()  # type: ignore[attr-defined]
        await _shows(pilot, status, "Printer B saved")
    printers = load_counter_settings().printers
    assert list(printers) == [" A", "B"]
    assert printers[" A"]["target"] == "new"
