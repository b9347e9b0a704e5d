"""Settings > Pre-alerts (Ctrl+G): a file imported by its typed path after its preview, the files
imported listed; a broken file refused at the path; a file changed after its preview refused whole."""

from __future__ import annotations

import threading
import time
from pathlib import Path
from typing import Any

import pytest
from sqlmodel import col, select
from textual.widgets import DataTable, Input, Static

from db.models import PreAlert, PreAlertStatus, Role
from station_console.i18n import set_language
from station_console.services.core.station import Station
from station_console.services.prealerts import importer
from station_console.tui.app import StationApp
from station_console.tui.screens.confirm_dialog import ConfirmDialog
from station_console.tui.screens.form_dialog import FormDialog
from station_console.tui.screens.prealerts import PrealertsScreen
from station_console.tui.screens.signin import SignInScreen
from tui import quiet
from tui.conftest import console_on, sign_in_manager
from tui.lock_driver import console as lock_console
from tui.lock_driver import sign_in, wang_and_li

GOOD = "运单号,快递公司,手机,姓名\n73000000000001,中通,13812345678,王芳\n73000000000002,中通,,\nnot-a-waybill,中通,,\n"


def waybills(station: Station) -> list[str]:
    with station.read() as session:
        return list(session.exec(select(PreAlert.waybill).order_by(col(PreAlert.id))))


async def open_form(app: StationApp, pilot: Any, path: str) -> FormDialog[Any]:
    """Settings > Ctrl+G, F7, the path put in its field (as pasted), Ctrl+S: the preview asked for."""
    await quiet.press(pilot, "ctrl+g")
    assert isinstance(app.screen, PrealertsScreen)
    await quiet.press(pilot, "f7")
    form = app.screen
    assert isinstance(form, FormDialog)
    form.query_one("#form-path", Input).value = path
    await quiet.press(pilot, "ctrl+s")
    return form


def status(app: StationApp) -> str:
    return str(app.screen.query_one("#pa-status", Static).render())


def body(dialog: ConfirmDialog) -> str:
    return "\n".join(str(s.render()) for s in dialog.query(".confirm-body Static"))


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("HOME", str(tmp_path))
    return tmp_path


@pytest.mark.first_mode("settings")
async def test_a_file_is_previewed_then_imported_and_listed(
    request: pytest.FixtureRequest, station: Station, home: Path
) -> None:
    sign_in_manager(station, name="Li")
    (home / "预到货.csv").write_text(GOOD, encoding="utf-8")
    app = console_on(request, station)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_form(app, pilot, "~/预到货.csv")  # `~` is the user's folder
        dialog = app.screen
        assert isinstance(dialog, ConfirmDialog)
        assert dialog.question == "Import 2 pre-alerts from 预到货.csv?"
        said = body(dialog).splitlines()
        assert said[:2] == [
            "预到货.csv: 2 of 3 rows to import, 1 bad, 0 duplicates, 0 on the shelf",
            "Carriers: ZTO 2",
        ]
        assert said[2].startswith("Line 4: ") and "not-a-waybill" in said[2]
        assert waybills(station) == []  # the preview wrote nothing
        await quiet.press(pilot, "y")
        assert isinstance(app.screen, PrealertsScreen)
        assert status(app).startswith(
            "预到货.csv: 2 of 3 rows loaded, 1 bad, 0 duplicates, 0 on the shelf (import 1)"
        )
        table = app.screen.query_one(DataTable)
        row = [str(cell) for cell in table.get_row_at(0)]
        assert (row[0], row[1], row[3:]) == ("1", "预到货.csv", ["Li", "3", "2", "0"])
    assert waybills(station) == ["73000000000001", "73000000000002"]


@pytest.mark.parametrize(
    ("lang", "carriers", "unclear"),
    [
        (
            "en",
            "Carriers: 短ZTO 1",
            "no carrier given and the number fits 短STO, 短YUNDA: name its carrier in the import form (F7).",
        ),
        ("zh", "快递公司：短ZTO 1", "单号可能属于 短STO、短YUNDA：请在导入表单（F7）中填写快递公司。"),
    ],
)
@pytest.mark.first_mode("settings")
async def test_the_preview_names_carriers_as_the_lists_do_and_a_row_without_one_points_to_the_form(
    request: pytest.FixtureRequest, station: Station, tmp_path: Path, lang: str, carriers: str, unclear: str
) -> None:
    """The counter has no `--carrier` to add: a number that fits two carriers is given its carrier in
    the import form; the carriers are named by their short names, as the counter's lists name them."""
    from station_helpers import short_names

    sign_in_manager(station)
    short_names(station)
    set_language(lang)
    path = tmp_path / "p.csv"
    path.write_text("运单号\n73000000000001\n431234567890123\n", encoding="utf-8")  # 43...: STO or YUNDA
    app = console_on(request, station)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_form(app, pilot, str(path))
        dialog = app.screen
        assert isinstance(dialog, ConfirmDialog)
        said = body(dialog).splitlines()
        assert said[1] == carriers
        assert said[2].startswith(("Line 3: 431234567890123 ", "第 3 行：431234567890123 "))
        assert said[2].endswith(unclear)
        assert "--carrier" not in body(dialog)


@pytest.mark.first_mode("settings")
async def test_a_folder_a_missing_file_and_a_binary_are_refused_at_the_path(
    request: pytest.FixtureRequest, station: Station, tmp_path: Path
) -> None:
    sign_in_manager(station)
    (tmp_path / "photo.csv").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" * 50)
    app = console_on(request, station)
    said = []
    async with app.run_test(size=(80, 24)) as pilot:
        for name in ("", "gone.csv", "photo.csv"):
            form = await open_form(app, pilot, str(tmp_path / name))
            assert app.screen is form  # refused: the form stays, what was typed kept
            said.append(str(form.query_one("#form-refused", Static).render()))
            assert form.query_one("#form-path", Input).has_focus
            await quiet.press(pilot, "escape")
            await quiet.press(pilot, "escape")  # back to Settings for the next
    assert said == [
        f"{tmp_path} is a folder: type the path of a file.",
        f"No such file: {tmp_path / 'gone.csv'}.",
        "photo.csv is not a CSV or JSON file.",
    ]
    assert waybills(station) == []


@pytest.mark.first_mode("settings")
async def test_a_clerks_f7_of_the_secrets_a_link_to_them_or_another_kind_is_refused_quoting_nothing(
    request: pytest.FixtureRequest, station: Station, tmp_path: Path
) -> None:
    """F7 read any path a clerk typed: secrets.toml's first line came back as the headings it lacked
    (`audit_key = "012345…`). The station's own files (a link named foo.csv to one too) and a file of no
    pre-alert's kind are refused at the path, unread."""
    from station_helpers import act_as_new_clerk

    from station_console.secrets_file import secrets_path

    act_as_new_clerk(station, "Wu", Role.CLERK)
    secret = secrets_path()
    secret.write_text('audit_key = "0123456789abcdef0123456789abcdef"\n', encoding="utf-8")
    (tmp_path / "foo.csv").symlink_to(secret)
    (tmp_path / "hosts").write_text("127.0.0.1 localhost counter-pc\n")
    app = console_on(request, station)
    said = []
    async with app.run_test(size=(120, 40)) as pilot:
        for name in ("secrets.toml", "foo.csv", "counter.toml", "station.sqlite3", "hosts"):
            if name == "counter.toml":
                (tmp_path / name).write_text('counter = "front"\n')
            form = await open_form(app, pilot, str(tmp_path / name))
            assert app.screen is form  # refused: the form stays, what was typed kept
            said.append(str(form.query_one("#form-refused", Static).render()))
            await quiet.press(pilot, "escape")
            await quiet.press(pilot, "escape")
    own = (
        "is one of this station's own files (its settings, secrets, database, log or data): it was not read."
    )
    assert [line.startswith(str(tmp_path)) and own in line for line in said] == [True] * 4 + [False]
    assert (
        said[4]
        == f"{tmp_path / 'hosts'} was not read: the kinds of file taken here are .csv, .tsv, .txt, .json."
    )
    assert not any("audit_key" in line or "0123" in line or "localhost" in line for line in said)
    assert waybills(station) == []


@pytest.mark.first_mode("settings")
async def test_a_file_changed_after_its_preview_is_refused_whole(
    request: pytest.FixtureRequest, station: Station, tmp_path: Path
) -> None:
    sign_in_manager(station)
    path = tmp_path / "p.csv"
    path.write_text(GOOD, encoding="utf-8")
    app = console_on(request, station)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_form(app, pilot, str(path))
        assert isinstance(app.screen, ConfirmDialog)
        # The carrier's newer file replaces it while the clerk reads the preview.
        path.write_text("运单号,快递公司\n73000000000009,中通\n", encoding="utf-8")
        await quiet.press(pilot, "y")
        assert isinstance(app.screen, PrealertsScreen)
        assert status(app) == "p.csv changed after its preview: nothing was imported. Preview it again."
    assert waybills(station) == []


@pytest.mark.first_mode("settings")
async def test_a_clerk_imports_as_the_cli_lets_them(
    request: pytest.FixtureRequest, station: Station, tmp_path: Path
) -> None:
    """The role table's: importing pre-alerts is anyone signed in's (`station prealert import` too);
    the key is not dimmed for a clerk."""
    from station_helpers import act_as_new_clerk

    act_as_new_clerk(station, "Wu", Role.CLERK)
    path = tmp_path / "p.csv"
    path.write_text(GOOD, encoding="utf-8")
    app = console_on(request, station)
    async with app.run_test(size=(120, 40)) as pilot:
        await quiet.press(pilot, "ctrl+g")
        assert app.screen.active_bindings["f7"].enabled
        await open_form(app, pilot, str(path))
        await quiet.press(pilot, "y")
        row = [str(cell) for cell in app.screen.query_one(DataTable).get_row_at(0)]
    assert row[3] == "Wu" and waybills(station) == ["73000000000001", "73000000000002"]


@pytest.mark.first_mode("settings")
async def test_a_hostile_file_of_5000_lines_is_previewed_as_text_off_the_screens_thread(
    request: pytest.FixtureRequest, station: Station, tmp_path: Path
) -> None:
    sign_in_manager(station)
    lines = ["运单号,快递公司,姓名"]
    lines += [f"73{n:012d},中通,[/]王[b]芳" for n in range(1, 4999)]
    lines += ["[/]\x1b[31mred\x1b[0m,中通,x"]
    path = tmp_path / "[red]hostile[b].csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    app = console_on(request, station)
    async with app.run_test(size=(80, 24)) as pilot:
        started = time.perf_counter()
        await open_form(app, pilot, str(path))
        dialog = app.screen
        assert isinstance(dialog, ConfirmDialog)
        assert dialog.question == "Import 4998 pre-alerts from [red]hostile[b].csv?"
        said = body(dialog)
        assert time.perf_counter() - started < 20
        assert "[red]hostile[b].csv: 4998 of 4999 rows to import" in said
        assert "Line 5000: [/]\\x1b[31mred\\x1b[0m" in said  # the escape written out, not sent
        await quiet.press(pilot, "y")
        assert "[red]hostile[b].csv: 4998 of 4999 rows loaded" in status(app)
    assert len(waybills(station)) == 4998


@pytest.mark.first_mode("settings")
async def test_the_screen_and_its_preview_read_in_chinese(
    request: pytest.FixtureRequest, station: Station, tmp_path: Path
) -> None:
    set_language("zh")
    sign_in_manager(station)
    path = tmp_path / "p.csv"
    path.write_text(GOOD, encoding="utf-8")
    app = console_on(request, station)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_form(app, pilot, str(path))
        dialog = app.screen
        assert isinstance(dialog, ConfirmDialog)
        assert dialog.question == "从 p.csv 导入 2 条预到货？"
        said = body(dialog).splitlines()
        assert said[:2] == ["p.csv：3 行中可导入 2 行，错误 1，重复 0，已在货架 0", "快递公司：ZTO 2"]
        assert said[2].startswith("第 4 行：")
        await quiet.press(pilot, "n")
        await quiet.settle(pilot)
        assert status(app) == "未导入任何内容。  ·  已导入文件 0 个"  # the list read again as it closed
        headings = [str(c.label) for c in app.screen.query_one(DataTable).columns.values()]
    assert headings == ["导入", "文件", "时间", "操作人", "行数", "已导入", "已到货"]
    assert waybills(station) == []


@pytest.mark.parametrize(("who", "pin", "asked"), [("Li", "1357", False), ("Wang", "9071", True)])
async def test_a_preview_read_as_the_console_locks_asks_only_the_clerk_who_asked_for_it(
    new_station: Station, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, who: str, pin: str, asked: bool
) -> None:
    """The preview answered under the sign-in: another clerk signing in is not asked to import the
    last one's file (nothing imported); the same clerk, back, finds the question."""
    station = wang_and_li(new_station)
    path = tmp_path / "p.csv"
    path.write_text(GOOD, encoding="utf-8")
    held, real = threading.Event(), importer.read_table

    def slow(*args: Any, **kwargs: Any) -> Any:
        assert held.wait(quiet.TIMEOUT)  # a large file: the console locks meanwhile
        return real(*args, **kwargs)

    monkeypatch.setattr(importer, "read_table", slow)
    app = lock_console(station)
    async with app.run_test(size=(120, 40)) as pilot:
        await quiet.settle(pilot)
        await app.switch_mode("settings")
        await quiet.settle(pilot)
        await quiet.press(pilot, "ctrl+g")
        await quiet.press(pilot, "f7")
        app.screen.query_one("#form-path", Input).value = str(path)
        await quiet.press(pilot, "ctrl+s", leave_running=["run"])
        app.idle_now[0] += 60 * 60  # type: ignore[attr-defined]  # the clerk stepped away
        app.check_auto_lock()
        await quiet.until(pilot, lambda: isinstance(app.screen, SignInScreen))
        held.set()  # the preview answers under the sign-in
        await quiet.settle(pilot)
        await sign_in(pilot, who, pin)
        await quiet.until(pilot, lambda: app.clerk_name == who)
        await quiet.settle(pilot)
        assert isinstance(app.screen, ConfirmDialog) is asked
        if not asked:
            assert isinstance(app.screen, PrealertsScreen)
            await quiet.press(pilot, "y")  # nothing of the last clerk's to say yes to
    assert waybills(station) == []


@pytest.mark.first_mode("settings")
async def test_a_name_longer_than_the_system_takes_is_refused_as_no_such_file(
    request: pytest.FixtureRequest, station: Station, tmp_path: Path
) -> None:
    """A file's name past the system's 255 bytes (86 Chinese characters) cannot be there: said at the
    path as a missing file is, not as a failure of the console."""
    sign_in_manager(station)
    typed = str(tmp_path / ("预到货" * 30 + ".csv"))
    app = console_on(request, station)
    async with app.run_test(size=(120, 40)) as pilot:
        form = await open_form(app, pilot, typed)
        assert app.screen is form
        said = str(form.query_one("#form-refused", Static).render())
    assert said == f"No such file: {typed[:200]}."
    assert waybills(station) == []


@pytest.mark.first_mode("settings")
async def test_the_arrived_figures_are_read_again_when_the_clerk_comes_back(
    request: pytest.FixtureRequest, station: Station, home: Path
) -> None:
    """A pre-alerted parcel checked in at F1: back on the list (Ctrl+S), Arrived says 1, not the 0 it
    said before, without Ctrl+R."""
    sign_in_manager(station, name="Li")
    (home / "预到货.csv").write_text(GOOD, encoding="utf-8")
    app = console_on(request, station)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_form(app, pilot, "~/预到货.csv")
        await quiet.press(pilot, "y")
        screen = app.screen
        assert isinstance(screen, PrealertsScreen)
        table = screen.query_one(DataTable)
        assert str(table.get_row_at(0)[6]) == "0"
        await quiet.press(pilot, "f1")
        assert app.screen is not screen
        with station.write() as session:
            alert = session.exec(select(PreAlert).where(PreAlert.waybill == "73000000000001")).one()
            alert.status = PreAlertStatus.RECEIVED
            session.add(alert)
        await quiet.press(pilot, "ctrl+s")
        assert app.screen is screen
        await quiet.settle(pilot)
        assert str(table.get_row_at(0)[6]) == "1"


@pytest.mark.parametrize(
    ("lang", "before", "first_row"),
    [
        ("en", "p.csv: already loaded on {at} by Li (import 1).", "p.csv: 0 of 3 rows to import"),
        ("zh", "p.csv：已于 {at} 由 Li 导入（导入 1）。", "p.csv：3 行中可导入 0 行"),
    ],
)
@pytest.mark.first_mode("settings")
async def test_a_file_loaded_before_is_said_so_once_above_its_rows(
    request: pytest.FixtureRequest, station: Station, tmp_path: Path, lang: str, before: str, first_row: str
) -> None:
    """The folder watch says of a file loaded before when and by whom; the clerk's own import of it
    said only a duplicate per row. Now the preview says it too, once at the top, its rows as before."""
    sign_in_manager(station, name="Li")
    path = tmp_path / "p.csv"
    path.write_text(GOOD, encoding="utf-8")
    first = importer.import_file(station, path)
    at = f"{station.now().astimezone(station.zone()):%Y-%m-%d %H:%M}"
    assert first.loaded == 2 and first.loaded_before is None
    set_language(lang)
    app = console_on(request, station)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_form(app, pilot, str(path))
        assert isinstance(app.screen, PrealertsScreen)  # nothing to import: said on the status line
        said = status(app).splitlines()
        assert said[0] == before.format(at=at), said
        assert said[1].startswith(first_row), said
        assert sum(before.format(at=at) == line for line in said) == 1
    assert waybills(station) == ["73000000000001", "73000000000002"]
