"""The console shell: starts, shows every mode on its key, quits."""

from __future__ import annotations

import pytest
from rich.style import Style as RichStyle
from textual.content import Content
from textual.screen import Screen
from textual.style import Style
from textual.widgets import Static

from station_console.i18n import _, set_language
from station_console.services.admin.settings import save_station_settings
from station_console.services.core.station import Station
from station_console.services.printing.sending import PRINTER_STATES
from station_console.tui.app import StationApp
from station_console.tui.print_worker import NOT_TRIED
from station_console.tui.widgets.header import StationHeader, label
from tui import quiet
from tui.shelf_data import place, wb

MODE_KEYS = {
    "f1": "checkin",
    "f2": "pickup",
    "f3": "sendout",
    "f4": "shelves",
    "f5": "parcels",
    "f6": "reports",
    "ctrl+s": "settings",
}


async def test_every_mode_is_reachable_by_its_key_and_asks_for_each_read_once(
    app: StationApp, station: Station, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each mode opens on its key and says what it is. Textual resumes a mode it opens twice, and a table
    filled with rows highlights the row its screen already asked about: neither is a reason to read
    again, so each mode, first shown and shown again after another, starts each of its workers (a
    service call, a read) at most once."""
    place(station, wb(1), "1-1")  # a layer with a parcel (Shelves), a parcel with a timeline (Parcels)
    started = quiet.workers_started(monkeypatch, of=Screen)
    async with app.run_test(size=(120, 36)) as pilot:
        assert app.current_mode == "checkin"  # the console opens ready to receive parcels
        await quiet.settle(pilot)
        shown = {}
        for key, mode in [*MODE_KEYS.items(), ("f4", "shelves"), ("ctrl+s", "settings")]:
            started.clear()
            await quiet.press(pilot, key)
            await quiet.settle(pilot)
            assert app.current_mode == mode
            header = app.screen.query_one(StationHeader)
            assert header.mode_title  # each mode says what it is
            shown[mode] = dict(started)
            assert [group for group, n in started.items() if n > 1] == [], (mode, dict(started))
        # What the counts must not lose: Shelves reads its map again when it comes back (other modes may
        # have moved parcels), Settings what the scanner must read (Printers may have changed it).
        assert shown["shelves"] == {"call-map": 1}
        assert shown["settings"] == {"call-scanner_needs": 1}
        await quiet.press(pilot, "ctrl+q")
    assert app.return_code == 0


async def test_header_names_station_counter_and_database(app: StationApp) -> None:
    async with app.run_test(size=(160, 36)) as pilot:
        await quiet.settle(pilot)
        text = " ".join(str(w.render()) for w in app.screen.query("StationHeader Static"))
        assert "Parcel Station" in text
        assert "test-counter" in text
        assert "SQLite test" in text


@pytest.mark.parametrize("lang", ["en", "zh"])
async def test_a_long_station_name_is_cut_in_the_header_and_gives_way_at_80_columns(
    app: StationApp, station: Station, lang: str
) -> None:
    """A station named at length in Settings: the header's title (the name, then the mode) ran past the
    80th column; the name is cut short with an ellipsis and the mode stays in view. At 80 columns the
    name gives way whole to the clerk and the counter (test_header_fit.py)."""
    long_name = "North Gate Parcel Station of the Eastern Campus Residence Halls Block C"
    changed = station.settings().model_copy(update={"station_name": long_name})
    station.run(lambda session: save_station_settings(session, station, changed))
    set_language(lang)
    async with app.run_test(size=(120, 36)) as pilot:
        await quiet.settle(pilot)
        title = app.screen.query_one("#hdr-title", Static)
        text = str(title.render())
        assert _("Check-in") in text and "…" in text and long_name[:20] in text
        await pilot.resize_terminal(80, 24)
        await quiet.settle(pilot)
        title = app.screen.query_one("#hdr-title", Static)
        assert title.region.right <= 80 and str(title.render()) == _("Check-in")


@pytest.mark.parametrize(("lang", "said"), [("en", "Printer: wrong target"), ("zh", "打印机：目标路径有误")])
async def test_a_printer_with_a_wrong_target_is_said_so_as_a_fault(
    app: StationApp, lang: str, said: str
) -> None:
    """A file printer's target under a file reads as a fault in the header (styled as offline), in
    its own words."""
    set_language(lang)

    def state_style(state: str) -> list[object]:
        app.set_device_state("printer", state)
        status = app.screen.query_one("#hdr-status", Static).render()
        start = len(str(status).split("  ")[0]) + 2 + len(label(_("Printer")))
        return [span.style for span in getattr(status, "spans", []) if span.start == start]

    async with app.run_test(size=(160, 36)) as pilot:
        await quiet.settle(pilot)
        wrong = state_style("wrong target")
        await quiet.settle(pilot)
        assert said in str(app.screen.query_one("#hdr-status", Static).render())
        assert wrong and wrong == state_style("offline") and wrong != state_style("ready")


# Each printer state the print worker reports, and how the header should colour it.
PRINTER_STATE_KINDS = {
    "ready": "fine",
    "untried": "unknown",
    "offline": "fault",
    "timeout": "fault",
    "permission": "fault",
    "misconfigured": "fault",
    "unsupported": "fault",
    "error": "fault",
    "none": "fault",
}


@pytest.mark.parametrize("lang", ["en", "zh"])
async def test_the_header_colours_each_printer_state_by_what_it_means(app: StationApp, lang: str) -> None:
    """A printer that is fine reads green; one nothing was sent to yet reads neutral; one that does not
    answer (a network printer timing out), is offline, misconfigured or failing reads as a fault, as
    an offline one does. A printer not responding read green, like a printer that works."""
    set_language(lang)

    def state_style(header: StationHeader, state: str) -> RichStyle:
        app.set_device_state("printer", state)
        status = header.query_one("#hdr-status", Static).render()
        assert isinstance(status, Content)
        start = str(status).index(label(_("Printer"))) + len(label(_("Printer")))
        (style,) = {span.style for span in status.spans if span.start == start}
        assert isinstance(style, Style)
        return style.rich_style

    async with app.run_test(size=(160, 36)) as pilot:
        await quiet.settle(pilot)
        header = app.screen.query_one(StationHeader)
        said = {**PRINTER_STATES, "untried": NOT_TRIED}  # the header's word for a printer sent nothing yet
        styles = {code: state_style(header, said[code]) for code in PRINTER_STATE_KINDS}
        assert styles["timeout"] == styles["offline"] != styles["ready"]
        assert len({styles["ready"], styles["untried"], styles["offline"]}) == 3
        for code, kind in PRINTER_STATE_KINDS.items():
            assert styles[code] == header.get_component_rich_style(f"station-header--{kind}"), code


async def test_the_shell_speaks_chinese(app: StationApp) -> None:
    set_language("zh")
    async with app.run_test(size=(160, 36)) as pilot:
        await quiet.settle(pilot)
        text = " ".join(str(w.render()) for w in app.screen.query("StationHeader Static"))
        assert "入库" in text and "柜台" in text


async def test_the_chinese_header_labels_its_fields_with_the_chinese_colon(app: StationApp) -> None:
    """At 80 columns the header read '扫码枪: 键盘模式  打印机: 无', an ASCII colon and a space
    where Chinese text everywhere else has '：'."""
    set_language("zh")
    async with app.run_test(size=(80, 24)) as pilot:
        await quiet.settle(pilot)
        status = str(app.screen.query_one("#hdr-status", Static).render())
        assert status.startswith("扫码枪：键盘模式  打印机：无  店员：") and ":" not in status


async def test_a_chinese_console_leaves_the_next_english_one_english(station) -> None:  # type: ignore[no-untyped-def]
    """Key labels are translated per app, not on the shared class bindings."""
    from station_console.settings import CounterSettings

    set_language("zh")
    chinese = StationApp(station, CounterSettings(counter="a"))
    async with chinese.run_test(size=(160, 36)) as pilot:
        await quiet.settle(pilot)
        assert chinese._bindings.key_to_bindings["f1"][0].description == "入库"
    set_language("en")
    english = StationApp(station, CounterSettings(counter="b"))
    async with english.run_test(size=(160, 36)) as pilot:
        await quiet.settle(pilot)
        assert english._bindings.key_to_bindings["f1"][0].description == "Check-in"
        assert english.screen._bindings.key_to_bindings  # the mode screen's keys too
        labels = [b.description for bs in english.screen._bindings.key_to_bindings.values() for b in bs]
        assert not any("\u4e00" <= ch <= "\u9fff" for label in labels for ch in label)


@pytest.mark.first_mode("pickup")
async def test_a_console_given_its_first_mode_opens_there_and_builds_no_check_in(app: StationApp) -> None:
    """The seam the tests of other modes open their console through: that mode alone, its key still
    working (it changes nothing), check-in built only when asked for."""
    async with app.run_test(size=(120, 36)) as pilot:
        await quiet.settle(pilot)
        assert app.current_mode == "pickup" and type(app.screen).__name__ == "PickupScreen"
        await quiet.press(pilot, "f2")
        assert app.current_mode == "pickup"
        screens = [s for stack in app._screen_stacks.values() for s in stack]
        assert [type(s).__name__ for s in screens] == ["PickupScreen"]
        await quiet.press(pilot, "f1")
        assert type(app.screen).__name__ == "CheckinScreen"


def test_a_first_mode_the_console_does_not_have_is_refused(station: Station) -> None:
    with pytest.raises(ValueError, match="first mode"):
        StationApp(station, first_mode="nowhere")
