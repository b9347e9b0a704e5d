"""Chinese text on the console breaks as Chinese is typeset: no line starts with a closing mark
(，。：；！？）」』、) nor ends with an opening one (（「『), and no number is parted from its measure
word (2-2 / 层), wherever Textual wraps it."""

from __future__ import annotations

import random
import re

import pytest
from rich._wrap import divide_line as rich_divide_line
from rich.cells import cell_len, split_graphemes
from textual.widget import Widget

from station_console.i18n import catalog, set_language
from station_console.services.core.station import Station
from station_console.tui.app import StationApp
from station_console.tui.line_breaks import divide_line
from station_console.tui.screens.scan_test import ScanTestScreen
from tui import quiet
from tui.checkin_driver import scan, settle
from tui.terminal_fit import console_in

CLOSING = set("，。：；！？）」』、")
OPENING = set("（「『")


def broken(text: str, width: int) -> list[str]:
    offsets = divide_line(text, width)
    return [text[a:b] for a, b in zip([0, *offsets], [*offsets, len(text)], strict=True)]


def badly_broken(lines: list[str]) -> list[str]:
    """The lines (with the one before) that start with a closing mark, end with an opening one, or
    end with a number the next line's Chinese belongs to."""
    return [
        f"{lines[n - 1] if n else ''!r} / {line!r}"
        for n, line in enumerate(lines)
        if (n and line.lstrip()[:1] in CLOSING)
        or (n < len(lines) - 1 and line.rstrip()[-1:] in OPENING)
        or (n and cell_len(line[:1]) == 2 and _number_parted(lines[n - 1]))
    ]


def _number_parted(line: str) -> bool:
    """`line` ends with a number that could have gone down with the Chinese after it: something is
    on the line before it (a number as wide as the line has to be folded where it is)."""
    number = re.search(r"[0-9][0-9.:/*+-]*\s*$", line)
    return number is not None and bool(line[: number.start()].strip())


def shown_lines(app: StationApp, widget: Widget) -> list[str]:
    """The lines of `widget`'s text as the terminal shows them now."""
    box = widget.content_region
    strips = app.screen._compositor.render_strips()[box.y : box.bottom]
    return [line for strip in strips if (line := strip.crop(box.x, box.right).text.strip())]


def test_every_chinese_message_breaks_as_chinese_is_typeset_at_any_width() -> None:
    chinese = {msgid: text for msgid, text in catalog("zh").items() if cell_len(text) > len(text)}
    lines = {
        (msgid, width): broken(text, width) for msgid, text in chinese.items() for width in range(12, 80, 5)
    }
    assert all("".join(parts) == chinese[msgid] for (msgid, _w), parts in lines.items())
    assert {key: bad for key, parts in lines.items() if (bad := badly_broken(parts))} == {}


def test_a_long_run_folds_with_its_closing_marks_kept_off_the_next_line() -> None:
    # Rich: "：在"; "机" is not left alone before its mark either, as on a printout
    assert broken("已入库。本柜台无打印机：在", 22) == ["已入库。本柜台无打", "印机：在"]
    assert broken("前缀（例如", 6) == ["前缀", "（例如"]
    assert broken("ABCDEFGHIJ）。中", 10) == ["ABCDEFGHI", "J）。中"]  # nowhere to break: folded


def test_a_waybill_too_long_for_its_line_with_its_full_stop_is_never_cut_inside() -> None:
    """Send-out's status box at 80 columns: "SF123456789012" / "3。" read as another parcel; the waybill
    goes down whole, and one that fills the line leaves its marks to the next one."""
    assert broken("已扫描运单 SF1234567890123。", 16) == ["已扫描运单 ", "SF1234567890123", "。"]
    assert broken("已扫描运单 SF1234567890123。", 17) == ["已扫描运单 ", "SF1234567890123。"]
    assert broken("ABCDEFGH12）。中", 10) == ["ABCDEFGH12", "）。中"]
    assert broken("一二三四（JD0012345678）。", 16) == ["一二三四", "（JD0012345678）", "。"]
    assert broken("一（JD0012345678）。", 18) == ["一", "（JD0012345678）。"]  # down whole, its marks too


def test_an_emoji_sequence_or_an_accented_letter_is_never_broken_nor_counted_by_its_parts() -> None:
    family, heart = "\U0001f468\u200d\U0001f469\u200d\U0001f467", "\u2764\ufe0f"  # 2 cells each
    assert broken("中文" + family * 4 + "中文", 6) == ["中文" + family, family * 3, "中文"]
    assert broken("中文" + heart * 6, 6) == ["中文" + heart, heart * 3, heart * 2]
    assert broken("中文中\u0301）", 6) == ["中文", "中\u0301）"]  # the accent kept on its character


def test_any_mix_of_text_is_cut_into_lines_that_fit_between_graphemes_losing_nothing() -> None:
    pieces = [*"中文，。（）「」ab .:(", " ", "  ", "\U0001f468\u200d\U0001f469", "\u2764\ufe0f", "e\u0301"]
    rng = random.Random(24)
    for _ in range(400):
        text = "中" + "".join(rng.choices(pieces, k=rng.randrange(1, 60)))
        width = rng.randrange(2, 20)
        offsets = divide_line(text, width)
        assert offsets == sorted(set(offsets)) and all(0 < at < len(text) for at in offsets), text
        assert set(offsets) <= {at for at, _end, _cells in split_graphemes(text)[0]}, (text, offsets)
        too_wide = [line for line in broken(text, width) if cell_len(line.rstrip()) > width]
        assert too_wide == [], (text, width)


def test_a_number_keeps_its_measure_word_on_its_line() -> None:
    assert broken("JT0001234567895：2-2层没有", 21) == ["JT0001234567895：", "2-2层没有"]  # was "2-2" / "层"
    assert broken("共有 12件包裹", 8) == ["共有 ", "12件包裹"]
    assert broken("JT0001234567895：2-2 层没有", 22) == ["JT0001234567895：", "2-2 层没有"]  # a space too
    assert broken("第 3 件", 4) == ["第 ", "3 件"]
    # A two-character unit stays whole: the send-out weight in its 16-cell box was "… 千" / "克。"
    assert broken("秤重 1.250 千克。", 14) == ["秤重 ", "1.250 千克。"]
    assert broken("长 30厘米，宽 20厘米", 12) == ["长 30厘米，", "宽 20厘米"]


@pytest.mark.parametrize("width", [9, 20, 33, 60])
def test_english_is_broken_by_rich_as_before(width: int) -> None:
    text = "No printer here: labels wait until one is added in Settings > Printers (F8). " * 2
    assert divide_line(text, width) == rich_divide_line(text, width)


async def test_the_no_printer_note_and_the_scan_tests_help_break_as_chinese_at_80_columns(
    app: StationApp,
) -> None:
    async with console_in(app, "zh") as pilot:  # 80x24, at check-in, no printer on this counter
        screen = app.screen
        await scan(pilot, screen.router.clock, "SF1234567890123")  # type: ignore[attr-defined]
        await settle(app, pilot)
        note = shown_lines(app, screen.query_one("#ci-message"))
        assert len(note) > 2 and "打印机" in "".join(note), note  # wrapped, and said
        assert badly_broken(note) == []

        await app.push_screen(ScanTestScreen())
        await quiet.settle(pilot)
        help_box = app.screen.query(".help").first()
        help_lines = shown_lines(app, help_box)
        assert len(help_lines) > 2 and "前缀" in "".join(help_lines), help_lines
        assert badly_broken(help_lines) == []
        # Chinese breaks between any two characters: a line is full but for a character or two moved
        # down with a mark (Rich broke at spaces only: "……间隔；Ctrl+G" ended 18 columns short).
        width = help_box.content_region.width
        assert [line for line in help_lines[:-1] if cell_len(line) < width - 4] == [], (width, help_lines)
    set_language("en")


@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize("width", [30, 47, 58])
def test_a_path_too_long_for_its_line_breaks_only_after_a_separator(lang: str, width: int) -> None:
    path = "/home/clerk/.local/share/station-console/receipts/HB000002.pdf"
    said = (
        "No printer here takes receipts; saved as "
        if lang == "en"
        else "本柜台没有可打印交接单的打印机；已保存为 "
    )
    lines = broken(said + path, width)
    assert "".join(lines) == said + path and all(cell_len(line.rstrip()) <= width for line in lines)
    first = next(n for n, line in enumerate(lines) if "/" in line)
    assert lines[-1].endswith("HB000002.pdf"), lines  # the file's name whole
    for line in lines[first:-1]:  # each line of the path ends at one of its separators
        assert line.endswith("/"), lines


@pytest.mark.parametrize("width", range(8, 30))
def test_the_dot_between_a_lines_parts_never_starts_a_line(width: int) -> None:
    """The check-in batch's counts: "·" alone at the start of a line reads as a stray mark (the rule is
    the printouts' too, `hardware/line_breaks.py`)."""
    lines = broken("应到 3 · 已到 3 · 缺少 0 · 多出 2 · 破损 0", width)
    assert not any(line.startswith("·") for line in lines), lines


def parted_words(text: str, lines: list[str]) -> list[str]:
    """The line breaks inside a run of Chinese of `text` that leave one character of it alone on its
    line ("新" / "疆")."""

    def hanzi(ch: str) -> bool:
        return cell_len(ch) == 2 and ch not in CLOSING and ch not in OPENING

    def run(chars: str) -> int:
        return next((n for n, ch in enumerate(chars) if not hanzi(ch)), len(chars))

    return [
        f"{before!r} / {after!r}"
        for before, after in zip(lines, lines[1:], strict=False)
        if before
        and after
        and before[-1] + after[0] in text
        and hanzi(before[-1])
        and hanzi(after[0])
        and 1 in (run(before[::-1]), run(after))
    ]


def test_no_chinese_character_is_left_alone_on_a_line() -> None:
    """The printouts' rule, on the console: a run of Chinese is not parted leaving one character."""
    assert broken("寄往新疆", 6) == ["寄往", "新疆"]
    assert broken("区域：广东 至 新疆，二区", 14) == ["区域：广东 至 ", "新疆，二区"]
    assert broken("新疆维吾尔自治区", 4) == ["新疆", "维吾", "尔自", "治区"]  # no better place: as before


@pytest.mark.first_mode("sendout")
async def test_the_send_out_quote_at_80_columns_leaves_no_character_alone(station: Station) -> None:
    """The quote box under the form is narrow at 80 columns: '区域：广东 至 新' / '疆，…' read as
    two places."""
    from textual.widgets import Select

    from station_console.tui.screens.sendout import SendoutScreen
    from tui.sendout_driver import counter_app, fill, text_of

    set_language("zh")
    app = counter_app(station)
    async with app.run_test(size=(80, 24)) as pilot:
        await quiet.settle(pilot)
        screen = app.screen
        assert isinstance(screen, SendoutScreen)
        await fill(pilot, screen, **{"so-weight": "1", "so-waybill": "SF1234567890123"})
        screen.query_one("#so-carrier", Select).value = "SF"
        await quiet.until(pilot, lambda: "合计" in text_of(screen, "#so-quote"), what="no quote")
        await quiet.settle(pilot)
        lines = shown_lines(app, screen.query_one("#so-quote"))
        # The zone in a few words there (the destination is in the form above), whole on its line.
        assert "偏远地区" in lines, lines
        assert parted_words(text_of(screen, "#so-quote"), lines) == [], lines
