"""Pilot tests of Settings > Recipients' directory import form (F10): a preview first, a file changed or
broken after it, the form's own words and where it puts the cursor."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlmodel import select
from textual.widgets import Input, Static

from db.models import Recipient
from station_console.i18n import set_language
from station_console.services.core.station import Station
from station_console.tui.app import StationApp
from station_console.tui.screens.form_dialog import ConfirmDialog, FormDialog
from tui import quiet
from tui.recipients_driver import HEADERS, open_recipients, text_of, until


@pytest.mark.first_mode("settings")
async def test_a_manager_imports_with_a_preview_first(
    app: StationApp, station: Station, tmp_path: Path
) -> None:
    path = tmp_path / "名单.csv"
    path.write_bytes(
        (HEADERS + "00123,张三,13812345678,A3,2,502\r\n00124,李四,13987654321,A3,1,1203\r\n").encode("gbk")
    )
    async with app.run_test(size=(160, 50)) as pilot:
        await open_recipients(app, pilot)
        await quiet.press(pilot, "f10")
        await quiet.settle(pilot)
        app.screen.query_one("#form-path", Input).value = str(path)
        app.screen.query_one("#form-path", Input).focus()
        await quiet.press(pilot, "enter", "enter")  # on to the empty column map, then sent
        await until(pilot, lambda: isinstance(app.screen, ConfirmDialog))
        assert "Would write: 2 new" in str(app.screen.query_one(".confirm-body Static", Static).render())
        with station.read() as session:
            assert session.exec(select(Recipient)).all() == []  # the preview wrote nothing
        await quiet.press(pilot, "y")
        await until(pilot, lambda: "Imported" in text_of(app, "#rc-status"))
    with station.read() as session:
        assert sorted(r.external_id or "" for r in session.exec(select(Recipient)).all()) == [
            "00123",
            "00124",
        ]


@pytest.mark.first_mode("settings")
@pytest.mark.parametrize(
    "language, said",
    [
        ("en", "名单.csv changed after its preview: nothing was imported. Preview it again."),
        ("zh", "名单.csv 在预览后被改动过：未导入任何内容。请重新预览。"),
    ],
)
async def test_a_file_changed_after_its_preview_writes_nothing_and_says_so(
    app: StationApp, station: Station, tmp_path: Path, language: str, said: str
) -> None:
    path = tmp_path / "名单.csv"
    path.write_bytes((HEADERS + "00123,张三,13812345678,A3,2,502\r\n").encode("gbk"))
    async with app.run_test(size=(160, 50)) as pilot:
        await open_recipients(app, pilot)
        set_language(language)
        await quiet.press(pilot, "f10")
        await quiet.settle(pilot)
        app.screen.query_one("#form-path", Input).value = str(path)
        app.screen.query_one("#form-path", Input).focus()
        await quiet.press(pilot, "enter", "enter")
        await until(pilot, lambda: isinstance(app.screen, ConfirmDialog))
        # The office saves a newer directory over it while the clerk reads the preview.
        path.write_bytes((HEADERS + "00999,王五,13600002222,B1,1,101\r\n").encode("gbk"))
        await quiet.press(pilot, "y")
        await until(
            pilot, lambda: "预览" in text_of(app, "#rc-status") or "preview" in text_of(app, "#rc-status")
        )
        assert text_of(app, "#rc-status") == said
    with station.read() as session:
        assert session.exec(select(Recipient)).all() == []


@pytest.mark.first_mode("settings")
@pytest.mark.parametrize(
    "language, rename, switch",
    [
        ("en", "rename its id column's heading in the file", "tick 'The whole directory of this source'"),
        ("zh", "请在文件中改好编号列的表头", "勾选“本来源的完整名录”"),
    ],
)
async def test_the_import_form_says_its_own_way_out_never_the_command_lines_options(
    app: StationApp, station: Station, tmp_path: Path, language: str, rename: str, switch: str
) -> None:
    """The counter has no --column nor --full: a file without an id column is renamed in the file, and a
    preview says the form's switch deactivates those missing from it."""
    import openpyxl

    wrong, right = tmp_path / "wrong.xlsx", tmp_path / "名单.csv"
    book = openpyxl.Workbook()
    book.active.append(["foo", "姓名", "手机"])  # type: ignore[union-attr]
    book.active.append(["1", "张三", "13812345678"])  # type: ignore[union-attr]
    book.save(wrong)
    right.write_bytes((HEADERS + "00123,张三,13812345678,A3,2,502\r\n").encode("gbk"))
    async with app.run_test(size=(160, 50)) as pilot:
        await open_recipients(app, pilot)
        set_language(language)
        await quiet.press(pilot, "f10")
        await quiet.settle(pilot)
        app.screen.query_one("#form-path", Input).value = str(wrong)
        app.screen.query_one("#form-path", Input).focus()
        await quiet.press(pilot, "enter", "enter")
        await until(pilot, lambda: "foo" in text_of(app, "#form-refused"))
        refused = text_of(app, "#form-refused")
        assert rename in refused and "--column" not in refused
        app.screen.query_one("#form-path", Input).value = str(right)
        await quiet.press(pilot, "ctrl+s")
        await until(pilot, lambda: isinstance(app.screen, ConfirmDialog))
        body = str(app.screen.query_one(".confirm-body Static", Static).render())
        assert switch in body and "--full" not in body
        await quiet.press(pilot, "n")
    with station.read() as session:
        assert session.exec(select(Recipient)).all() == []


@pytest.mark.first_mode("settings")
async def test_a_file_that_lost_its_id_column_after_the_preview_is_refused_in_the_counters_words(
    app: StationApp, station: Station, tmp_path: Path
) -> None:
    """The file changed between the preview and Write (its id column's heading renamed): the write's
    refusal says to rename the heading in the file, as the preview's does, never the command line's
    --column."""
    path = tmp_path / "名单.csv"
    path.write_bytes((HEADERS + "00123,张三,13812345678,A3,2,502\r\n").encode("gbk"))
    async with app.run_test(size=(160, 50)) as pilot:
        await open_recipients(app, pilot)
        await quiet.press(pilot, "f10")
        await quiet.settle(pilot)
        app.screen.query_one("#form-path", Input).value = str(path)
        await quiet.press(pilot, "ctrl+s")
        await until(pilot, lambda: isinstance(app.screen, ConfirmDialog))
        path.write_bytes(("编号x,姓名,手机\r\n00123,张三,13812345678\r\n").encode("gbk"))
        await quiet.press(pilot, "y")
        await until(pilot, lambda: "no id column" in text_of(app, "#rc-status"))
        said = text_of(app, "#rc-status")
        assert "rename its id column's heading in the file" in said and "--column" not in said
    with station.read() as session:
        assert session.exec(select(Recipient)).all() == []


@pytest.mark.first_mode("settings")
async def test_a_folder_typed_as_the_import_file_puts_the_cursor_back_in_the_files_path(
    app: StationApp, station: Station, tmp_path: Path
) -> None:
    """The shared typed-path reader refuses a folder as `is_folder`: the form said so but left the cursor
    in the source's field, where the clerk's corrected path went."""
    async with app.run_test(size=(160, 50)) as pilot:
        await open_recipients(app, pilot)
        await quiet.press(pilot, "f10")
        await quiet.settle(pilot)
        form = app.screen
        assert isinstance(form, FormDialog)
        form.query_one("#form-path", Input).value = str(tmp_path)
        form.query_one("#form-mapping", Input).value = "campus"
        form.query_one("#form-mapping", Input).focus()
        await quiet.press(pilot, "ctrl+s")
        await until(pilot, lambda: "is a folder" in text_of(app, "#form-refused"))
        await quiet.settle(pilot)
        assert form.query_one("#form-path", Input).has_focus
    with station.read() as session:
        assert session.exec(select(Recipient)).all() == []


@pytest.mark.first_mode("settings")
async def test_a_path_under_the_folder_of_no_user_here_is_no_such_file(
    app: StationApp, station: Station
) -> None:
    """ "~name/..." of a user this machine does not have: the form's own expansion raised, an unexpected
    error; the file is now looked for as typed, and refused as no such file, the cursor in its path."""
    async with app.run_test(size=(160, 50)) as pilot:
        await open_recipients(app, pilot)
        await quiet.press(pilot, "f10")
        await quiet.settle(pilot)
        form = app.screen
        assert isinstance(form, FormDialog)
        form.query_one("#form-path", Input).value = "~no-such-user-here/名单.csv"
        await quiet.press(pilot, "ctrl+s")
        await until(pilot, lambda: "名单.csv" in text_of(app, "#form-refused"))
        assert text_of(app, "#form-refused") == "No such file: ~no-such-user-here/名单.csv."
        assert form.query_one("#form-path", Input).has_focus
    with station.read() as session:
        assert session.exec(select(Recipient)).all() == []
