"""Edit shelves (F12 in Shelves): a layer saved twice in a hurry, a shelf typed full-width, a layer another
counter changed after the editor showed it."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from textual import events
from textual.widgets import Input, Static

from station_console.errors import DatabaseUnavailable
from station_console.services.core.station import Station
from station_console.services.shelves import edits, layout
from station_console.tui.app import StationApp
from station_console.tui.screens.calls import STILL_WRITING
from station_console.tui.screens.shelf_dialogs import ShelfEditScreen
from tui import quiet
from tui.quiet import TIMEOUT


@pytest.mark.parametrize("first", ["saved", "refused"])
async def test_a_layer_saved_again_while_its_save_is_on_its_way_waits_and_the_first_is_said(
    app: StationApp, station: Station, monkeypatch: pytest.MonkeyPatch, first: str
) -> None:
    """F7 twice on a layer's edit (a hurried or bounced key): one save is sent, the screen says to
    wait, and the first's answer, saved or refused, is said (a save a newer one replaced was written
    unsaid)."""
    busy = "The database is busy: another program holds it. Nothing was saved; try again in a moment."
    release, calls = threading.Event(), []
    edit_layer = edits.edit_layer

    def held(*args: Any, **kwargs: Any) -> Any:
        calls.append(args)
        assert release.wait(TIMEOUT)
        if first == "refused":
            raise DatabaseUnavailable(busy)
        return edit_layer(*args, **kwargs)

    monkeypatch.setattr(edits, "edit_layer", held)
    bells: list[str] = []
    async with app.run_test(size=(160, 45)) as pilot:
        await app.push_screen(ShelfEditScreen("1-1"))
        await quiet.settle(pilot)
        screen = app.screen
        screen.query_one("#edit-capacity", Input).value = "30"

        def result() -> str:
            return str(screen.query_one("#edit-result").render())

        await pilot.press("f7")
        await quiet.until(pilot, lambda: len(calls) == 1, what="the first save sent")
        app.bell = lambda: bells.append("bell")  # type: ignore[method-assign]
        await pilot.press("f7")
        assert result() == STILL_WRITING and bells == ["bell"]
        release.set()
        said = "1-1 updated" if first == "saved" else busy
        await quiet.until(pilot, lambda: result() == said, what="the first save's answer said")
        await quiet.settle(pilot)
        assert result() == said and len(calls) == 1
    capacity = next(c.capacity_units for r in layout.shelf_map(station) for c in r.layers if r.label == "1")
    assert capacity == (30 if first == "saved" else 40)


async def test_the_shelf_editor_names_a_shelf_typed_full_width_as_it_was_saved(
    app: StationApp, station: Station
) -> None:
    """A Chinese keyboard types `Ｃ` and `Ｃ－１`: the shelf is saved as C and the layer added to it, and
    the editor says so by that name (it said `Ｃ`, and 'shelf Ｃ－１')."""
    async with app.run_test(size=(160, 45)) as pilot:
        await app.push_screen(ShelfEditScreen())
        await quiet.settle(pilot)
        screen = app.screen
        location = screen.query_one("#edit-location", Input)

        def result() -> str:
            return str(screen.query_one("#edit-result").render())

        location.value = "Ｃ"
        await pilot.press("f8")
        await quiet.until(pilot, lambda: result() != "", what="the shelf's answer")
        assert result() == "Shelf C added"
        location.value = "Ｃ－１"
        await pilot.press("f9")
        await quiet.until(pilot, lambda: result() != "Shelf C added", what="the layer's answer")
        assert result() == "Layer added to shelf C"
    layers = next(len(r.layers) for r in layout.shelf_map(station) if r.label == "C")
    assert layers == 6


async def test_a_layer_changed_at_another_counter_after_the_editor_showed_it_is_not_saved_over(
    app: StationApp, station: Station, db_url: str
) -> None:
    """The editor sends a layer's capacity and sizes together: counter-2's new sizes, saved after the
    form showed the layer, would go back to those it shows. Refused, and the form shows the layer as
    saved now; a save from there goes through."""
    from tui.test_live_bridge import another_counter

    async with app.run_test(size=(160, 45)) as pilot, another_counter(station, db_url) as other:
        await app.push_screen(ShelfEditScreen("1-1"))
        await quiet.settle(pilot)
        screen = app.screen
        sizes = screen.query_one("#edit-sizes", Input)
        assert sizes.value == "SML"  # filled from the layer
        edits.edit_layer(other, "1-1", accepts_sizes="SM")
        screen.query_one("#edit-capacity", Input).value = "30"
        await quiet.press(pilot, "f7")
        await quiet.settle(pilot)
        assert "another counter or command saved a change" in str(screen.query_one("#edit-result").render())
        assert sizes.value == "SM"
        assert screen.query_one("#edit-capacity", Input).value == "40"  # as saved: the change made again
        screen.query_one("#edit-capacity", Input).value = "30"
        await quiet.press(pilot, "f7")
        await quiet.settle(pilot)
        assert str(screen.query_one("#edit-result").render()) == "1-1 updated"
    cell = next(c for r in layout.shelf_map(station) for c in r.layers if r.label == "1" and c.label == "1")
    assert (cell.capacity_units, cell.accepts_sizes) == (30, "SM")


async def test_a_layer_saved_as_it_is_stored_says_nothing_changed_and_records_nothing(
    app: StationApp, station: Station
) -> None:
    """Its sizes typed again in lower case and back to front, its capacity as it was: the layer is as
    stored, so nothing is written and no event recorded; '1-1 updated' said it was."""
    from station_helpers import events

    from db.models import EventKind

    before = len(events(station, EventKind.SHELF_CHANGED))
    async with app.run_test(size=(160, 45)) as pilot:
        await app.push_screen(ShelfEditScreen("1-1"))
        await quiet.settle(pilot)
        screen = app.screen
        assert screen.query_one("#edit-capacity", Input).value == "40"  # filled from the layer
        screen.query_one("#edit-sizes", Input).value = "lms"
        await quiet.press(pilot, "f7")
        await quiet.until(
            pilot, lambda: str(screen.query_one("#edit-result").render()) != "", what="the answer"
        )
        assert str(screen.query_one("#edit-result").render()) == "Nothing changed: nothing to save."
    assert len(events(station, EventKind.SHELF_CHANGED)) == before


async def test_a_layout_file_that_cannot_be_read_is_said_with_what_to_do_not_the_systems_words(
    app: StationApp, station: Station, tmp_path: Any
) -> None:
    """A path typed wrong, a folder: the editor says which and what to do; it said the system's
    English ('No such file or directory') on a Chinese screen too. Nothing is imported."""
    shelves = len(layout.shelf_map(station))
    async with app.run_test(size=(160, 45)) as pilot:
        await app.push_screen(ShelfEditScreen())
        await quiet.settle(pilot)
        screen = app.screen

        def result() -> str:
            return str(screen.query_one("#edit-result").render())

        for typed, said in (
            (tmp_path / "none.csv", f"No such file: {tmp_path / 'none.csv'}."),
            (tmp_path, f"{tmp_path} is a folder: type the path of a file."),
        ):
            screen.query_one("#edit-csv", Input).value = str(typed)
            await quiet.press(pilot, "f12")
            await quiet.until(pilot, lambda: result() != "", what="the answer")  # read on a worker
            assert result() == said
            screen.query_one("#edit-result", Static).update("")
    assert len(layout.shelf_map(station)) == shelves


def test_a_disk_that_does_not_answer_is_said_in_chinese(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Any
) -> None:
    from pathlib import Path

    from station_console.errors import Refused
    from station_console.i18n import set_language
    from station_console.services.core import typed_files
    from station_console.services.core.typed_files import read_typed_file

    layout_file = tmp_path / "layout.csv"
    layout_file.write_text("shelf\n", encoding="utf-8")

    opened = typed_files.open_file

    def no_answer(file: Path, flags: int) -> int:
        if file == layout_file:
            raise OSError(5, "Input/output error")
        return opened(file, flags)

    monkeypatch.setattr(typed_files, "open_file", no_answer)
    set_language("zh")
    try:
        with pytest.raises(Refused) as refused:
            read_typed_file(layout_file, kinds=(".csv",))
        said = refused.value.message()
    finally:
        set_language("en")
    assert said == f"无法读取 {layout_file}：所在磁盘或网络共享没有响应。请检查是否已连接，然后重新输入路径。"


async def test_a_capacity_typed_as_letters_or_too_large_is_refused_in_words_and_saves_nothing(
    app: StationApp, station: Station
) -> None:
    """Letters typed in the capacity are not taken; 5,000 digits pasted (more than Python reads as a
    number) are refused by the field; a number past what a layer holds is refused in a sentence on
    Save (F7): never a traceback, the layer as it was."""
    async with app.run_test(size=(160, 45)) as pilot:
        await app.push_screen(ShelfEditScreen("1-1"))
        await quiet.settle(pilot)
        screen = app.screen
        capacity = screen.query_one("#edit-capacity", Input)
        await quiet.until(pilot, lambda: capacity.value == "40", what="the layer's capacity shown")
        capacity.focus()
        capacity.value = ""
        await pilot.press("a", "b", "c")
        capacity.post_message(events.Paste("9" * 5000))
        await quiet.settle(pilot)
        assert capacity.value == ""
        assert any("at most 9 characters" in str(n.message) for n in app._notifications)
        await pilot.press(*"300000000", "f7")

        def result() -> str:
            return str(screen.query_one("#edit-result", Static).render())

        await quiet.until(pilot, lambda: bool(result()), what="the save answered")
        assert result() == "Capacity can be at most 9999 units a layer."
        assert app.screen is screen
    capacity_now = next(
        c.capacity_units for r in layout.shelf_map(station) for c in r.layers if r.label == "1"
    )
    assert capacity_now == 40
