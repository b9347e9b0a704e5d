"""Settings > Send-out rules laid out at the console's usual size and the smallest, in English and
Chinese: one line per carrier in the list (a long name ends in "…"), every checklist item read
whole, wrapped in its row rather than cut at the screen's edge, and so are a tariff's rates, its
destinations and an imported checklist's preview."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from rich.cells import cell_len
from textual.widget import Widget
from textual.widgets import Input, OptionList

from station_console.i18n import _, label_of, set_language
from station_console.services.core.station import Station
from station_console.services.sendout import inspection, tariff
from station_console.services.sendout.quote import money
from station_console.services.sendout.regions import ZONE_LABELS
from station_console.tui.app import StationApp
from station_console.tui.screens.confirm_dialog import ConfirmDialog
from station_console.tui.screens.sendout_rule_rows import ITEM_COLUMNS, terms_line
from tui import quiet
from tui.terminal_fit import SIZES_TO_80, at_each_size, shown_whole

LANGS = pytest.mark.parametrize("lang", ["en", "zh"])


def shown_lines(app: StationApp, widget: Widget, left: int = 0, right: int | None = None) -> list[str]:
    """The lines of `widget`'s content as the terminal shows them now (cells `left` to `right` of it)."""
    box = widget.content_region
    strips = app.screen._compositor.render_strips()[box.y : box.bottom]
    end = box.right if right is None else box.x + right
    return [strip.crop(box.x + left, end).text.rstrip() for strip in strips]


def column_bands(app: StationApp, table: Widget, headings: list[str]) -> list[str]:
    """What each column of `table` shows, read down the column from its heading to the next one's
    (spaces dropped: a wrapped cell reads as one text)."""
    lines = shown_lines(app, table)
    top = next(n for n, line in enumerate(lines) if all(h in line for h in headings))
    starts = [cell_len(lines[top][: lines[top].index(h)]) for h in headings]
    ends = [*starts[1:], table.content_region.width]
    return [
        "".join("".join(line.split()) for line in shown_lines(app, table, a, b)[top + 1 :])
        for a, b in zip(starts, ends, strict=True)
    ]


async def open_rules(app: StationApp, pilot: Any, lang: str) -> Any:
    set_language(lang)
    await quiet.settle(pilot)
    await quiet.press(pilot, "ctrl+f")
    await quiet.until(pilot, lambda: getattr(app.screen, "view", None) is not None, what="the rules read")
    return app.screen


@LANGS
@pytest.mark.first_mode("settings")
async def test_each_carrier_is_one_line_of_the_list(app: StationApp, lang: str) -> None:
    """'YUNDA   Yunda' / 'Express', 'S10' / 'International post' / '(UPU S10)': a long name took two
    and three lines, and the codes below it no longer lined up with the rows a clerk counts."""
    async with app.run_test(size=SIZES_TO_80[0]) as pilot:
        screen = await open_rules(app, pilot, lang)
        carriers = screen.query_one("#sr-carriers", OptionList)
        codes = [c.code for c in screen.view.carriers]
        assert "S10" in codes and "YUNDA" in codes

        async def one_line_each() -> None:
            carriers.scroll_home(animate=False)
            await quiet.settle(pilot)
            # Up to its scroll bar (at 80x24 under a two-row footer the list scrolls).
            inside = shown_lines(app, carriers, right=carriers.scrollable_content_region.width)
            lines = [line for line in inside if line.strip()]
            shown = min(len(codes), carriers.content_region.height)
            assert [line.split()[0] for line in lines[:shown]] == codes[:shown], lines
            for line, c in zip(lines, screen.view.carriers, strict=False):
                assert line.rstrip().endswith("…") or line.endswith(
                    c.name_en if lang == "en" else c.name_zh
                ), line

        await at_each_size(app, pilot, one_line_each, SIZES_TO_80)
    set_language("en")


@LANGS
@pytest.mark.first_mode("settings")
async def test_every_checklist_item_is_read_whole(app: StationApp, station: Station, lang: str) -> None:
    """'Flammable liquids or gases (alcohol, paint, lighters,' and the rest of it past the screen's
    edge: each item's Chinese and English are shown whole, wrapped in their row, inside the screen."""
    items = inspection.current(station).items
    async with app.run_test(size=SIZES_TO_80[0]) as pilot:
        screen = await open_rules(app, pilot, lang)
        await quiet.press(pilot, "f8")
        table = screen.query_one("#sr-items")

        async def whole() -> None:
            shown_whole(app, table)
            bands = column_bands(app, table, [_(c) for c in ITEM_COLUMNS])
            for item in items:
                for said, band in zip((item.id, item.zh, item.en), bands, strict=True):
                    assert "".join(said.split()) in band, f"{said!r} is not whole in its column: {band}"

        await at_each_size(app, pilot, whole, SIZES_TO_80)
    set_language("en")


@LANGS
@pytest.mark.first_mode("settings")
async def test_each_zones_rates_and_destinations_are_read_whole(
    app: StationApp, station: Station, lang: str
) -> None:
    """At 80 columns 'Each f' was cut at the screen's edge, the further prices and the destinations
    past it: each zone's line shows both its prices, and its destinations are read under the table."""
    sf = tariff.load(station, "SF")
    assert sf.remote
    async with app.run_test(size=SIZES_TO_80[0]) as pilot:
        screen = await open_rules(app, pilot, lang)

        async def whole() -> None:
            lines = shown_lines(app, screen.query_one("#sr-tariff"))
            for zone, rate in sf.rates.items():
                line = next(line for line in lines if label_of(ZONE_LABELS, zone) in line)
                prices = [money(rate.first_cents), money(rate.step_cents)]
                assert re.findall(r"\d+\.\d\d\b", line) == prices, line
            shown = "\n".join(lines)
            assert all(place in shown for place in sf.remote), shown

        await at_each_size(app, pilot, whole, SIZES_TO_80)
    set_language("en")


@LANGS
@pytest.mark.first_mode("settings")
async def test_each_term_of_a_tariff_is_read_on_one_line(
    app: StationApp, station: Station, lang: str
) -> None:
    """'抛重系数' (the volumetric divisor) was broken across two lines at 120 and 80 columns: each
    term, its name and its figure, is read on one line."""
    sf = tariff.load(station, "SF")
    async with app.run_test(size=SIZES_TO_80[0]) as pilot:
        screen = await open_rules(app, pilot, lang)
        terms = re.split(r"[;；,，]", terms_line(sf))
        assert len(terms) > 4, terms

        async def whole() -> None:
            lines = ["".join(line.split()) for line in shown_lines(app, screen.query_one("#sr-tariff"))]
            for term in terms:
                said = "".join(term.split())
                assert any(said in line for line in lines), f"{term!r} is not on one line: {lines}"

        await at_each_size(app, pilot, whole, SIZES_TO_80)
    set_language("en")


@LANGS
@pytest.mark.first_mode("settings")
async def test_a_checklists_preview_reads_each_item_whole(
    app: StationApp, station: Station, lang: str, tmp_path: Path
) -> None:
    """The preview before a checklist is stored: its items were lines of aligned columns, and a line
    longer than the dialog wrapped into the next one, 'Flammable liquids' under the ids (at 120x40
    too)."""
    built_in = {i.id: i for i in inspection.current(station).items}
    items = [
        built_in["flammables"],
        inspection.Item("batteries", "锂电池、充电宝（超过一百瓦时）", "Power banks"),
    ]
    (tmp_path / "checklist.toml").write_text(
        "".join(f'[[items]]\nid = "{i.id}"\nzh = "{i.zh}"\nen = "{i.en}"\n\n' for i in items),
        encoding="utf-8",
    )
    async with app.run_test(size=SIZES_TO_80[0]) as pilot:
        await open_rules(app, pilot, lang)
        await quiet.press(pilot, "f11")
        field = app.screen.query_one("#form-path", Input)
        field.value = str(tmp_path / "checklist.toml")
        field.focus()
        await quiet.press(pilot, "enter")
        await quiet.until(pilot, lambda: isinstance(app.screen, ConfirmDialog), what="the preview")
        body = app.screen.query_one(".confirm-body")

        async def whole() -> None:
            shown_whole(app, body)
            bands = column_bands(app, body, [_(c) for c in ITEM_COLUMNS])
            for item in items:
                for said, band in zip((item.id, item.zh, item.en), bands, strict=True):
                    assert "".join(said.split()) in band, f"{said!r} is not whole in its column: {band}"

        await at_each_size(app, pilot, whole, SIZES_TO_80)
    set_language("en")
