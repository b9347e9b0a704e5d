"""Pilot tests of Settings > Recipients' directory import form (F10): a preview first, a file changed or
broken after it, the form's own words and where it puts the cursor."""

from __future__ import annotations

import re
import threading
import time
from pathlib import Path
from typing import Any

import pytest
from sqlmodel import select
from textual.widgets import Input, Static

from db.models import EventKind, ParcelEvent, Recipient, Role
from station_console.i18n import set_language
from station_console.services.core.station import Station
from station_console.services.people import clerks
from station_console.services.recipients import parsing
from station_console.tui.app import StationApp
from station_console.tui.screens.confirm_dialog import ConfirmDialog
from station_console.tui.screens.form_dialog import FormDialog
from station_console.tui.screens.signin import SignInScreen
from tui import quiet
from tui.lock_driver import console as lock_console
from tui.lock_driver import sign_in, wang_and_li
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


def confirm_body(dialog: ConfirmDialog) -> str:
    return "\n".join(str(s.render()) for s in dialog.query(".confirm-body Static"))


async def preview_at_counter(
    app: StationApp, pilot: Any, path: Path, language: str = "en", *, held: bool = False
) -> None:
    """Settings > F12, then F10's form, its path typed and sent: the preview asked for (`held`: its
    worker left running)."""
    await open_recipients(app, pilot)
    set_language(language)
    await quiet.press(pilot, "f10")
    await quiet.settle(pilot)
    app.screen.query_one("#form-path", Input).value = str(path)
    await quiet.press(pilot, "ctrl+s", leave_running=["run"] if held else [])


def import_events(station: Station) -> list[ParcelEvent]:
    with station.read() as session:
        return list(
            session.exec(select(ParcelEvent).where(ParcelEvent.kind == EventKind.RECIPIENTS_IMPORTED))
        )


@pytest.mark.first_mode("settings")
@pytest.mark.parametrize(("language", "more"), [("en", "... and 5 more problems"), ("zh", "……还有 5 个问题")])
async def test_problems_past_those_listed_are_counted_in_the_counters_words(
    app: StationApp, station: Station, tmp_path: Path, language: str, more: str
) -> None:
    """Past the 20 problems listed the preview said "--json lists them all": the counter has no --json."""
    path = tmp_path / "名单.csv"
    nameless = "".join(f"{n:05},,,A3,2,502\r\n" for n in range(1, 26))
    path.write_bytes((HEADERS + "00123,张三,13812345678,A3,2,502\r\n" + nameless).encode("gbk"))
    async with app.run_test(size=(160, 50)) as pilot:
        await preview_at_counter(app, pilot, path, language)
        await until(pilot, lambda: isinstance(app.screen, ConfirmDialog))
        assert isinstance(app.screen, ConfirmDialog)
        said = confirm_body(app.screen)
        await quiet.press(pilot, "n")
    assert said.splitlines()[-1] == more and "--json" not in said


@pytest.mark.first_mode("settings")
@pytest.mark.parametrize(
    ("language", "said"),
    [
        (
            "en",
            "Nothing to write: nobody in 名单.csv is new, changed or to deactivate.\n"
            "Line 2: A recipient needs a name. The line is skipped.\n"
            "Line 3: A recipient needs a name. The line is skipped.\n"
            "Line 4: A recipient needs a name. The line is skipped.\n... and 1 more problem",
        ),
        (
            "zh",
            "没有可写入的内容：名单.csv 中没有新增、更改或需停用的人。\n"
            "第 2 行：收件人必须有姓名。此行已跳过。\n第 3 行：收件人必须有姓名。此行已跳过。\n"
            "第 4 行：收件人必须有姓名。此行已跳过。\n"
            "……还有 1 个问题",
        ),
    ],
)
async def test_a_file_whose_every_row_is_refused_asks_nothing_and_records_nothing(
    app: StationApp, station: Station, tmp_path: Path, language: str, said: str
) -> None:
    """Every row refused, the preview still asked "Write these changes?" and Yes recorded an import of
    nobody: now the status line says there is nothing to write, and why."""
    path = tmp_path / "名单.csv"
    path.write_bytes((HEADERS + "".join(f"{n:05},,,A3,2,502\r\n" for n in range(1, 5))).encode("gbk"))
    async with app.run_test(size=(160, 50)) as pilot:
        await preview_at_counter(app, pilot, path, language)
        await until(
            pilot,
            lambda: "UTF-8" not in text_of(app, "#rc-status") and "名单.csv" in text_of(app, "#rc-status"),
        )
        shown = text_of(app, "#rc-status")
        await quiet.press(pilot, "y")  # nothing asked, nothing to say yes to
        await quiet.settle(pilot)
    assert shown == said
    assert import_events(station) == []


@pytest.mark.parametrize(("who", "pin", "asked"), [("Zhou", "3719", False), ("Wang", "9071", True)])
async def test_a_preview_read_as_the_console_locks_asks_only_the_clerk_who_asked_for_it(
    new_station: Station, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, who: str, pin: str, asked: bool
) -> None:
    """The preview answered under the sign-in: another manager signing in was asked "Write these
    changes?" about the last one's file; now only the manager who asked for it, back, finds it."""
    station = wang_and_li(new_station)
    clerks.add_clerk(station, "Zhou", "3719", role=Role.MANAGER)
    path = tmp_path / "名单.csv"
    path.write_bytes((HEADERS + "00123,张三,13812345678,A3,2,502\r\n").encode("gbk"))
    held, real = threading.Event(), parsing.read_table

    def slow(*args: Any, **kwargs: Any) -> Any:
        assert held.wait(quiet.TIMEOUT)  # a large file: the console locks meanwhile
        return real(*args, **kwargs)

    monkeypatch.setattr(parsing, "read_table", slow)
    app = lock_console(station)
    async with app.run_test(size=(160, 50)) as pilot:
        await quiet.settle(pilot)
        await app.switch_mode("settings")
        await preview_at_counter(app, pilot, path, held=True)
        app.idle_now[0] += 60 * 60  # type: ignore[attr-defined]  # the manager stepped away
        app.check_auto_lock()
        await quiet.until(pilot, lambda: isinstance(app.screen, SignInScreen))
        held.set()  # the preview answers under the sign-in
        await quiet.settle(pilot)
        await sign_in(pilot, who, pin)
        await quiet.until(pilot, lambda: app.clerk_name == who)
        await quiet.settle(pilot)
        assert isinstance(app.screen, ConfirmDialog) is asked
        if not asked:
            await quiet.press(pilot, "y")  # nothing of the last manager's to say yes to
            await quiet.settle(pilot)
    with station.read() as session:
        assert session.exec(select(Recipient)).all() == []
    assert import_events(station) == []


@pytest.mark.first_mode("settings")
async def test_the_line_after_an_import_says_what_its_preview_said(
    app: StationApp, station: Station, tmp_path: Path
) -> None:
    from station_console.services.recipients import directory, importing

    path = tmp_path / "名单.csv"
    path.write_bytes((HEADERS + "00123,张三,13812345678,A3,2,502\r\n").encode("gbk"))
    importing.import_file(station, path)
    directory.set_active(station, "00123", False)
    async with app.run_test(size=(160, 50)) as pilot:
        await quiet.settle(pilot)
        await quiet.press(pilot, "f12")
        await until(pilot, lambda: "1 person" in text_of(app, "#rc-status"))
        await quiet.press(pilot, "f10")
        await quiet.settle(pilot)
        app.screen.query_one("#form-path", Input).value = str(path)
        app.screen.query_one("#form-path", Input).focus()
        await quiet.press(pilot, "enter", "enter")
        await until(pilot, lambda: isinstance(app.screen, ConfirmDialog))
        preview = str(app.screen.query_one(".confirm-body Static", Static).render())
        assert "0 new, 1 changed (1 back)" in preview
        await quiet.press(pilot, "y")
        await until(pilot, lambda: "Imported" in text_of(app, "#rc-status"))
        assert "0 new, 1 changed (1 back)" in text_of(app, "#rc-status")


@pytest.mark.first_mode("settings")
@pytest.mark.parametrize("before", ["nobody", "the person, in another room"])
async def test_a_y_typed_right_behind_the_forms_enter_imports_nothing(
    app: StationApp, station: Station, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, before: str
) -> None:
    """The import's question is weighty, whether the file changes people or only adds them: a Y typed
    on right behind the Enter that sends the form answered its preview unread, and wrote the directory.
    It is dropped and said; a Y typed at the question imports."""
    from station_console.services.recipients import importing

    path = tmp_path / "名单.csv"
    if before != "nobody":
        path.write_bytes((HEADERS + "00123,张三,13812345678,A3,2,502\r\n").encode("gbk"))
        importing.import_file(station, path)
    path.write_bytes((HEADERS + "00123,张三,13812345678,A3,2,609\r\n").encode("gbk"))
    preview = importing.import_file

    def slow_preview(*args: Any, **kwargs: Any) -> Any:
        if kwargs.get("dry_run"):
            time.sleep(0.3)  # a big file: the Y is in before the question
        return preview(*args, **kwargs)

    def rooms() -> list[str | None]:
        with station.read() as session:
            return [r.room for r in session.exec(select(Recipient)).all()]

    kept = rooms()
    monkeypatch.setattr(importing, "import_file", slow_preview)
    async with app.run_test(size=(160, 50)) as pilot:
        await quiet.settle(pilot)
        await quiet.press(pilot, "f12")
        await until(pilot, lambda: re.search(r"\d+ (people|person)", text_of(app, "#rc-status")) is not None)
        await quiet.press(pilot, "f10")
        await quiet.settle(pilot)
        app.screen.query_one("#form-path", Input).value = str(path)
        app.screen.query_one("#form-path", Input).focus()
        await quiet.press(pilot, "enter")  # on to the empty column map
        await quiet.burst(pilot, "enter", "y")  # sent, and the Y right behind it
        await until(pilot, lambda: isinstance(app.screen, ConfirmDialog) or rooms() != kept)
        await quiet.settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, ConfirmDialog) and rooms() == kept, "the early Y imported"
        assert "typed before this question appeared were ignored" in text_of(app, "#question-said")
        await quiet.press(pilot, "y")
        await until(pilot, lambda: "Imported" in text_of(app, "#rc-status"))
    assert rooms() == ["609"]
