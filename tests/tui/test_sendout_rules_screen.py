"""Settings > Send-out rules (Ctrl+F): a carrier's rates as a table, a tariff and a checklist imported
from a typed path after a preview, waybill stock imported whole or not at all; refusals said in the
form with nothing stored; a clerk reads and imports nothing."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

import pytest
from textual.widgets import DataTable, Input, Select

from db.models import Role
from station_console.i18n import set_language
from station_console.services.core.station import Station
from station_console.services.people import clerks
from station_console.services.sendout import inspection, rule_files, tariff, waybills
from station_console.text_columns import display_width
from station_console.tui.app import StationApp
from station_console.tui.screens.confirm_dialog import ConfirmDialog
from station_console.tui.screens.form_dialog import FormDialog
from station_console.tui.screens.sendout_rules import SendoutRulesScreen
from station_console.tui.screens.signin import SignInScreen
from station_console.tui.widgets.plain import Static
from station_console.tui.widgets.wrapped_table import WrappedTable
from tui import quiet
from tui.lock_driver import console as lock_console
from tui.lock_driver import sign_in, wang_and_li
from tui.test_live_bridge import another_counter

BUILT_IN_SF = [
    ["same province", "1 kg: 12.00", "1 kg:  2.00"],
    ["neighbouring province", "1 kg: 15.00", "1 kg:  4.00"],
    ["far province", "1 kg: 20.00", "1 kg:  8.00"],
    ["remote region", "1 kg: 26.00", "1 kg: 18.00"],
]
RATES_CSV = (
    "zone,first_g,first_cents,step_g,step_cents\n"
    "same,1000,1100,1000,200\nnear,1000,1400,1000,400\nfar,1000,1900,1000,800\nremote,1000,2800,500,1500\n"
)
CHECKLIST_TOML = """
[[items]]
id = "explosives"
zh = "枪支弹药、爆炸物"
en = "Guns, explosives"

[[items]]
id = "batteries"
zh = "锂电池、充电宝"
en = "Lithium batteries, power banks"
"""


def rows(screen: Any, selector: str) -> list[list[str]]:
    if isinstance(wrapped := screen.query_one(selector), WrappedTable):
        return wrapped.rows()
    table = screen.query_one(selector, DataTable)
    return [[str(cell) for cell in table.get_row_at(i)] for i in range(table.row_count)]


def text(screen: Any, selector: str) -> str:
    return str(screen.query_one(selector, Static).render())


async def open_rules(app: StationApp, pilot: Any) -> SendoutRulesScreen:
    await quiet.settle(pilot)
    await quiet.press(pilot, "ctrl+f")
    await quiet.until(
        pilot,
        lambda: isinstance(app.screen, SendoutRulesScreen) and app.screen.view is not None,
        what="the rules read",
    )
    assert isinstance(app.screen, SendoutRulesScreen)
    return app.screen


@pytest.mark.first_mode("settings")
async def test_ctrl_r_in_settings_is_no_way_to_the_rules_and_ctrl_f_is(app: StationApp) -> None:
    """Ctrl+R is Refresh on five screens: in Settings it opened Send-out rules instead. Their key is
    Ctrl+F, which means nothing else, and the footer says so."""
    async with app.run_test(size=(120, 40)) as pilot:
        await quiet.settle(pilot)
        settings = app.screen
        await quiet.press(pilot, "ctrl+r")
        assert app.screen is settings
        bound = app.screen.active_bindings.items()
        keys = {key for key, b in bound if b.binding.action == "open('sendout_rules')"}
        assert keys == {"ctrl+f"}
        await open_rules(app, pilot)


async def send_form(app: StationApp, pilot: Any, key: str, path: Path | str) -> FormDialog[Any]:
    """`key` opens an import form; the path typed, then Enter sends it."""
    await quiet.press(pilot, key)
    form = app.screen
    assert isinstance(form, FormDialog)
    field = form.query_one("#form-path", Input)
    field.value = str(path)
    field.focus()
    await quiet.press(pilot, "enter")
    return form


def refused_in(form: FormDialog[Any]) -> str:
    return str(form.query_one("#form-refused", Static).render())


async def preview(app: StationApp, pilot: Any) -> str:
    """The preview's rows (a checklist's, in a table), then its text."""
    await quiet.until(pilot, lambda: isinstance(app.screen, ConfirmDialog), what="the preview")
    rows = ["  ".join(row) for table in app.screen.query(WrappedTable) for row in table.rows()]
    return "\n".join([*rows, str(app.screen.query_one(".confirm-body > Static", Static).render())])


def sf_versions(station: Station) -> list[int]:
    with station.read() as session:
        return [v.version for v in tariff.rules.history(session, tariff.rules.TARIFF, "SF")]


@pytest.mark.first_mode("settings")
async def test_a_new_tariff_from_csv_is_shown_first_then_stored_and_listed(
    app: StationApp, station: Station, tmp_path: Path
) -> None:
    (tmp_path / "sf.csv").write_text(RATES_CSV, encoding="utf-8")
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_rules(app, pilot)
        assert rows(screen, "#sr-rates") == BUILT_IN_SF
        assert text(screen, "#sr-destinations") == "Destinations of remote region: 新疆, 西藏"
        assert "SF tariff: version 0, the built-in one" in text(screen, "#sr-tariff-head")

        await send_form(app, pilot, "f10", tmp_path / "sf.csv")
        shown = await preview(app, pilot)
        assert "remote region" in shown and "1 kg: 28.00" in shown and "0.5 kg: 15.00" in shown
        assert "Destinations of remote region: 新疆, 西藏" in shown
        assert "It replaces version 0." in shown
        assert sf_versions(station) == []  # a preview stores nothing
        await quiet.press(pilot, "y")
        await quiet.until(pilot, lambda: "version 1 stored" in text(screen, "#sr-status"), what="stored")

        assert sf_versions(station) == [1]
        stored = tariff.load(station, "SF")
        assert stored.rates["remote"].first_cents == 2800 and stored.rates["remote"].step_g == 500
        assert stored.remote == frozenset({"新疆", "西藏"})  # CSV rates over the table: the rest kept
        assert rows(screen, "#sr-rates")[3] == ["remote region", "1 kg: 28.00", "0.5 kg: 15.00"]
        assert text(screen, "#sr-destinations") == "Destinations of remote region: 新疆, 西藏"
        assert rows(screen, "#sr-versions")[0][::2] == ["1", "Manager"]
        assert rows(screen, "#sr-versions")[1][:3] == ["0", "built in", "-"]  # what it replaced
        assert "SF tariff: version 1, stored" in text(screen, "#sr-tariff-head")


@pytest.mark.first_mode("settings")
async def test_a_tariff_stored_elsewhere_after_the_preview_is_not_replaced(
    app: StationApp, station: Station, tmp_path: Path
) -> None:
    (tmp_path / "sf.csv").write_text(RATES_CSV, encoding="utf-8")
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_rules(app, pilot)
        await send_form(app, pilot, "f10", tmp_path / "sf.csv")
        assert "It replaces version 0." in await preview(app, pilot)
        with station.read() as session:
            base = tariff.current_version(session, "SF")
        assert base is not None
        theirs = tariff.body_from_text(RATES_CSV.replace("1100", "1300"), "csv", "SF", base.body)
        tariff.set_tariff(station, "SF", theirs)  # another counter, while this preview is shown
        await quiet.press(pilot, "y")
        await quiet.until(
            pilot, lambda: "nothing was saved" in text(screen, "#sr-status"), what="the refusal"
        )
        assert sf_versions(station) == [1]
        assert tariff.load(station, "SF").rates["same"].first_cents == 1300  # theirs kept


@pytest.mark.first_mode("settings")
async def test_an_import_form_opens_on_its_file_field_the_carrier_already_chosen(app: StationApp) -> None:
    """A manager types the path straight away: it went to the carrier drop-down's type-to-search, and
    Enter then opened the carrier list."""
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_rules(app, pilot)
        for key in ("f10", "f12"):
            await quiet.press(pilot, key)
            form = app.screen
            assert isinstance(form, FormDialog)
            await quiet.until(pilot, lambda: app.focused is not None, what="the form's focus")  # noqa: B023
            assert form.query_one("#form-path", Input).has_focus, (key, app.focused)
            assert form.query_one(Select).value == "SF"  # the carrier shown, already chosen
            await quiet.press(pilot, "escape")
            await quiet.until(pilot, lambda: app.screen is screen, what="the form closed")


@pytest.mark.first_mode("settings")
async def test_no_at_the_preview_and_bad_files_store_nothing(
    app: StationApp, station: Station, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "sf.csv").write_text(RATES_CSV, encoding="utf-8")
    (tmp_path / "bad.csv").write_text("zone,first_g,first_cents,step_g,step_cents\nsame,1kg,1100,1,2\n")
    (tmp_path / "big.toml").write_text("x" * 2000)
    (tmp_path / "sf.txt").write_text(RATES_CSV)
    monkeypatch.setattr(rule_files, "MAX_BYTES", 1000)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_rules(app, pilot)
        await send_form(app, pilot, "f10", tmp_path / "sf.csv")
        await preview(app, pilot)
        await quiet.press(pilot, "n")
        assert app.screen is screen and text(screen, "#sr-status") == "Nothing was stored."

        for path, said in (
            (tmp_path, "is a folder: type the path of a file"),
            (tmp_path / "gone.csv", "No such file"),
            ("~no-such-user-here/sf.csv", "No such file: ~no-such-user-here/sf.csv"),  # no home to expand
            (tmp_path / "big.toml", "is larger than 0 MB"),
            (tmp_path / "bad.csv", "Tariff: CSV line 2 needs whole numbers."),
            (tmp_path / "sf.txt", "sf.txt was not read: the kinds of file taken here are .toml, .csv."),
            ("  ", "Type the path of the file."),
        ):
            form = await send_form(app, pilot, "f10", path)
            await quiet.until(pilot, lambda: said in refused_in(form), what=said)  # noqa: B023
            assert app.screen is form  # still open, the path as typed, to be put right
            assert form.query_one("#form-path", Input).has_focus
            await quiet.press(pilot, "escape")
            await quiet.until(pilot, lambda: app.screen is screen, what="the form closed")
        assert sf_versions(station) == []
        assert rows(screen, "#sr-rates") == BUILT_IN_SF

        # "~" is the user's folder, and a folder's name may have spaces.
        (tmp_path / "my rates").mkdir()
        (tmp_path / "my rates" / "sf.csv").write_text(RATES_CSV, encoding="utf-8")
        monkeypatch.setenv("HOME", str(tmp_path))
        await send_form(app, pilot, "f10", "~/my rates/sf.csv")
        assert "It replaces version 0." in await preview(app, pilot)
        await quiet.press(pilot, "n")


@pytest.mark.first_mode("settings")
async def test_a_checklist_is_previewed_then_stored_and_a_bad_one_is_not(
    app: StationApp, station: Station, tmp_path: Path
) -> None:
    (tmp_path / "checklist.toml").write_text(CHECKLIST_TOML, encoding="utf-8")
    (tmp_path / "twice.toml").write_text(CHECKLIST_TOML.replace('"batteries"', '"explosives"'))
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_rules(app, pilot)
        assert len(rows(screen, "#sr-items")) == 8  # the built-in list
        await send_form(app, pilot, "f11", tmp_path / "checklist.toml")
        shown = await preview(app, pilot)
        assert "锂电池、充电宝" in shown and "It replaces version 0." in shown
        assert str(app.screen.query_one(".dialog-title", Static).render()).endswith("of 2 items?")
        await quiet.press(pilot, "y")
        await quiet.until(
            pilot, lambda: "Checklist version 1 stored" in text(screen, "#sr-status"), what="stored"
        )
        assert inspection.current(station).version == 1
        assert rows(screen, "#sr-items") == [
            ["explosives", "枪支弹药、爆炸物", "Guns, explosives"],
            ["batteries", "锂电池、充电宝", "Lithium batteries, power banks"],
        ]

        form = await send_form(app, pilot, "f11", tmp_path / "twice.toml")
        await quiet.until(pilot, lambda: "must be unique" in refused_in(form), what="refused")
        await quiet.press(pilot, "escape")
        assert inspection.current(station).version == 1


@pytest.mark.first_mode("settings")
async def test_a_checklist_stored_elsewhere_after_the_preview_is_not_replaced(
    app: StationApp, station: Station, tmp_path: Path
) -> None:
    (tmp_path / "checklist.toml").write_text(CHECKLIST_TOML, encoding="utf-8")
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_rules(app, pilot)
        await send_form(app, pilot, "f11", tmp_path / "checklist.toml")
        assert "It replaces version 0." in await preview(app, pilot)
        theirs = {"items": [{"id": "cash", "zh": "现金", "en": "Cash"}]}
        inspection.set_checklist(station, theirs)  # another counter, while this preview is shown
        await quiet.press(pilot, "y")
        await quiet.until(
            pilot, lambda: "nothing was saved" in text(screen, "#sr-status"), what="the refusal"
        )
        assert "Look at the version saved now" in text(screen, "#sr-status")
        assert (inspection.current(station).version, inspection.current(station).ids) == (1, ["cash"])
        await quiet.until(
            pilot, lambda: rows(screen, "#sr-items") == [["cash", "现金", "Cash"]], what="theirs"
        )


@pytest.mark.first_mode("settings")
async def test_stock_is_imported_whole_and_says_what_it_did(
    app: StationApp, station: Station, tmp_path: Path
) -> None:
    (tmp_path / "two.csv").write_text("waybill\nSF1234567890130\nSF1234567890131\n")
    (tmp_path / "three.csv").write_text("SF1234567890130\nSF1234567890131\nSF1234567890147\n")
    (tmp_path / "bad.csv").write_text("SF1234567890150\nnot a number\n")
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_rules(app, pilot)
        await send_form(app, pilot, "f12", tmp_path / "two.csv")
        await quiet.until(pilot, lambda: app.screen is screen, what="imported")
        await quiet.until(pilot, lambda: "SF: 2 numbers imported" in text(screen, "#sr-status"), what="said")
        assert text(screen, "#sr-status") == "SF: 2 numbers imported, 0 already in stock"
        assert ["SF SF Express", "2"] in rows(screen, "#sr-stock")

        await send_form(app, pilot, "f12", tmp_path / "three.csv")
        await quiet.until(
            pilot, lambda: "1 number imported, 2 already" in text(screen, "#sr-status"), what="said"
        )

        form = await send_form(app, pilot, "f12", tmp_path / "bad.csv")
        await quiet.until(pilot, lambda: "lines 2: nothing was imported" in refused_in(form), what="refused")
        await quiet.press(pilot, "escape")
    assert waybills.stock_left(station) == {"SF": 3}


@pytest.mark.first_mode("settings")
async def test_stock_is_imported_for_the_carrier_whose_row_the_cursor_is_on(
    app: StationApp, station: Station, tmp_path: Path
) -> None:
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_rules(app, pilot)
        await quiet.press(pilot, "f9", "down", "down")
        assert (
            rows(screen, "#sr-stock")[screen.query_one("#sr-stock", DataTable).cursor_row][0]
            == "YTO YTO Express"
        )
        await quiet.press(pilot, "f12")
        form = app.screen
        assert isinstance(form, FormDialog)
        assert form.query_one("#form-carrier", Select).value == "YTO"
        await quiet.press(pilot, "escape")


@pytest.mark.first_mode("settings")
async def test_a_clerk_reads_every_table_and_imports_nothing(
    app: StationApp, station: Station, tmp_path: Path
) -> None:
    station.clerk_role = Role.CLERK
    (tmp_path / "sf.csv").write_text(RATES_CSV, encoding="utf-8")
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_rules(app, pilot)
        assert rows(screen, "#sr-rates") == BUILT_IN_SF
        assert len(rows(screen, "#sr-items")) == 8 and rows(screen, "#sr-stock")[0] == ["SF SF Express", "0"]
        for key, action in (
            ("f10", "edit tariffs"),
            ("f11", "edit the inspection"),
            ("f12", "import waybill"),
        ):
            await quiet.press(pilot, key)
            assert app.screen is screen  # refused as pressed: no form to fill in
            assert f"Only a manager can {action}" in text(screen, "#sr-status")
    assert sf_versions(station) == []


@pytest.mark.parametrize("size", [(80, 24), (120, 40)])
@pytest.mark.first_mode("settings")
async def test_in_chinese_the_rates_and_their_preview_line_up(
    app: StationApp, tmp_path: Path, size: tuple[int, int]
) -> None:
    set_language("zh")
    (tmp_path / "sf.csv").write_text(RATES_CSV, encoding="utf-8")
    async with app.run_test(size=size) as pilot:
        screen = await open_rules(app, pilot)
        assert [row[0] for row in rows(screen, "#sr-rates")] == ["省内", "邻省", "远省", "偏远地区"]
        await send_form(app, pilot, "f10", tmp_path / "sf.csv")
        shown = (await preview(app, pilot)).splitlines()
        assert shown[0].startswith("区域")
        # Each price column ends at one terminal column, whatever the width of the zone's name.
        for price in ("11.00", "14.00", "19.00", "28.00"):
            line = next(line for line in shown if price in line)
            assert display_width(line[: line.index(price) + len(price)]) == display_width(
                shown[1][: shown[1].index("11.00") + 5]
            ), line


@pytest.mark.first_mode("settings")
async def test_what_another_counter_stores_is_shown_while_the_screen_is_open(
    app: StationApp, station: Station, db_url: str
) -> None:
    """A tariff, a checklist and stock from another counter show up where the manager is looking, the
    stock's row staying where the manager put it; it waited for the screen to come back to the front."""
    async with another_counter(station, db_url) as other, app.run_test(size=(120, 40)) as pilot:
        screen = await open_rules(app, pilot)
        await quiet.until(pilot, lambda: app.live_bridge._feed is not None, what="the live view")
        stock = screen.query_one("#sr-stock", DataTable)
        stock.move_cursor(row=2)
        with other.read() as session:
            base = tariff.current_version(session, "SF")
        assert base is not None
        tariff.set_tariff(other, "SF", tariff.body_from_text(RATES_CSV, "csv", "SF", base.body))
        await quiet.until(
            pilot,
            lambda: "SF tariff: version 1, stored" in text(screen, "#sr-tariff-head"),
            what="their tariff",
        )
        assert rows(screen, "#sr-rates")[3][1] == "1 kg: 28.00"
        inspection.set_checklist(other, {"items": [{"id": "cash", "zh": "现金", "en": "Cash"}]})
        await quiet.until(
            pilot,
            lambda: rows(screen, "#sr-items") == [["cash", "现金", "Cash"]],
            what="theirs",
        )
        waybills.import_stock(other, "SF", "SF1234567890130\n", source="theirs.csv")
        await quiet.until(pilot, lambda: ["SF SF Express", "1"] in rows(screen, "#sr-stock"), what="stock")
        assert stock.cursor_row == 2
        assert app.screen is screen


@pytest.mark.parametrize(("who", "pin", "asked"), [("Zhou", "3719", False), ("Wang", "9071", True)])
@pytest.mark.parametrize(
    ("key", "name", "body"),
    [("f10", "sf.csv", RATES_CSV), ("f11", "list.toml", CHECKLIST_TOML)],
    ids=["tariff", "checklist"],
)
async def test_a_preview_read_as_the_console_locks_asks_only_the_manager_who_asked_for_it(
    new_station: Station,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    key: str,
    name: str,
    body: str,
    who: str,
    pin: str,
    asked: bool,
) -> None:
    """The preview answered under the sign-in: another manager signing in was asked "Store this ...?"
    about the last one's file; now only the manager who asked for it, back, finds the question."""
    station = wang_and_li(new_station)
    clerks.add_clerk(station, "Zhou", "3719", role=Role.MANAGER)
    (tmp_path / name).write_text(body, encoding="utf-8")
    held, real = threading.Event(), rule_files.read_text

    def slow(path: Path, kinds: tuple[str, ...]) -> str:
        assert held.wait(quiet.TIMEOUT)  # a slow share: the console locks meanwhile
        return real(path, kinds)

    monkeypatch.setattr(rule_files, "read_text", slow)
    app = lock_console(station)
    async with app.run_test(size=(120, 40)) as pilot:
        await quiet.settle(pilot)
        await app.switch_mode("settings")
        await open_rules(app, pilot)
        await quiet.press(pilot, key)
        app.screen.query_one("#form-path", Input).value = str(tmp_path / name)
        await quiet.press(pilot, "ctrl+s", leave_running=["run"])
        app.idle_now[0] += 60 * 60  # type: ignore[attr-defined]  # the manager stepped away
        app.check_auto_lock()
        await quiet.until(pilot, lambda: isinstance(app.screen, SignInScreen), what="locked")
        held.set()  # the preview answers under the sign-in
        await quiet.settle(pilot)
        await sign_in(pilot, who, pin)
        await quiet.until(pilot, lambda: app.clerk_name == who, what="signed in")
        await quiet.settle(pilot)
        assert isinstance(app.screen, ConfirmDialog) is asked
        # Zhou's Y answers nothing of Wang's; Wang, back, answers his own question No.
        await quiet.press(pilot, "n" if asked else "y")
    assert sf_versions(station) == [] and inspection.current(station).version == 0


@pytest.mark.first_mode("settings")
async def test_a_carrier_named_in_markup_is_offered_as_its_name(app: StationApp, station: Station) -> None:
    """The import forms offer the carriers by their stored names in a drop-down, which read a `str` as
    markup: a name with `[/]` in it stopped the console as F10 opened the form (MarkupError), and
    `[bold red]` styled it. The name is offered as the text it is."""
    from station_console.services.scan.carriers import update_carrier

    update_carrier(station, "SF", {"name_en": "[/][bold red]Shun[/] [link=https://x.example]Feng"})
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_rules(app, pilot)
        for key in ("f10", "f12"):
            await quiet.press(pilot, key)
            form = app.screen
            assert isinstance(form, FormDialog) and app.is_running
            shown = str(form.query_one(Select).query_one("SelectCurrent #label").render())
            assert shown == "SF [/][bold red]Shun[/] [link=https://x.example]Feng", shown
            await quiet.press(pilot, "escape")
            await quiet.until(pilot, lambda: app.screen is screen, what="the form closed")
