"""Settings' form in sections: a value typed in a section survives while another is shown, a refused
field is named and shown in its section, and each field is labelled and helped in the console's
language."""

from __future__ import annotations

import json
from typing import Any

import pytest
from textual.visual import Visual
from textual.widgets import Input, OptionList, Select, Static

from station_console.i18n import set_language
from station_console.services.core.station import Station
from station_console.settings import load_counter_settings
from station_console.tui.app import StationApp
from station_console.tui.screens.settings import SettingsScreen
from station_console.tui.screens.unsaved import LeaveUnsaved
from tui import quiet
from tui.settings_driver import saved_with
from tui.settings_driver import section_of as _section_of

# Every test here starts in Settings (the console opens there: no check-in screen built for nothing).
pytestmark = pytest.mark.first_mode("settings")


def _sections(app: StationApp) -> OptionList:
    return app.screen.query_one("#settings-sections", OptionList)


def _shown(app: StationApp, selector: str) -> bool:
    """The field is on the form: built, and its section is the one shown (the others are hidden)."""
    found = app.screen.query(selector)
    return bool(found) and all(node.display for node in found.first().ancestors_with_self)


async def test_sections_open_on_the_first_and_a_value_typed_survives_switching(
    app: StationApp, station: Station
) -> None:
    async with app.run_test(size=(160, 50)) as pilot:
        await quiet.settle(pilot)
        assert app.focused is _sections(app) and _sections(app).highlighted == 0
        # Opening Settings builds its first section only.
        assert _shown(app, "#st-station_name") and not app.screen.query("#st-code_seq_min")
        await quiet.press(pilot, "tab", "end", *" North")  # Tab goes into the form, to its first field
        name = app.screen.query_one("#st-station_name", Input)
        assert app.focused is name
        await quiet.press(pilot, "shift+tab", "down")  # back to the list, the next section
        assert _shown(app, "#st-code_seq_min") and not _shown(app, "#st-station_name")
        await quiet.press(pilot, "enter")  # Enter goes into the form as well
        assert app.focused is app.screen.query_one("#st-code_template", Input)
        await quiet.press(pilot, "shift+tab", "up")
        assert app.screen.query_one("#st-station_name", Input) is name  # kept, not built again
        assert _shown(app, "#st-station_name") and not _shown(app, "#st-code_seq_min")
        assert name.value == "Parcel Station North"
        # Leaving with the edit not saved asks; Enter (twice), a scan and Esc answer nothing: it stays.
        for leaving in ("ctrl+q", "f1"):
            await quiet.press(pilot, leaving)
            assert isinstance(app.screen, LeaveUnsaved)
            await quiet.press(pilot, "enter", "enter")
            assert isinstance(app.screen, SettingsScreen) and app.return_code is None
        await quiet.press(pilot, "ctrl+q")
        await quiet.burst(pilot, *"SF1234567890", "enter")
        await quiet.press(pilot, "escape", "ctrl+q")  # Ctrl+Q again under the question: still asking
        assert isinstance(app.screen, LeaveUnsaved) and app.return_code is None
        assert name.value == "Parcel Station North"
        await quiet.press(pilot, "ctrl+s")  # save, then quit
        assert app.return_code == 0
    station.forget_settings()
    assert station.settings().station_name == "Parcel Station North"


async def test_discarding_puts_the_saved_values_back_and_leaving_then_asks_nothing(
    app: StationApp, station: Station
) -> None:
    async with app.run_test(size=(160, 50)) as pilot:
        await quiet.press(pilot, "down")  # the second section, built after the first
        field = app.screen.query_one("#st-code_template", Input)
        saved = field.value
        field.value = saved + "X"
        await quiet.press(pilot, "f2")
        assert isinstance(app.screen, LeaveUnsaved)
        await quiet.press(pilot, "ctrl+d")
        assert app.current_mode == "pickup" and field.value == saved
        await quiet.press(pilot, "ctrl+s")
        assert isinstance(app.screen, SettingsScreen)
        await quiet.press(pilot, "ctrl+q")  # nothing left to ask about
        assert app.return_code == 0


async def test_a_bad_value_in_a_hidden_section_is_named_and_shown_and_nothing_is_saved(
    app: StationApp, station: Station
) -> None:
    async with app.run_test(size=(160, 50)) as pilot:
        await quiet.press(pilot, "down", "enter")  # Pickup codes
        await quiet.press(pilot, "tab", "ctrl+u", *"many")  # the smallest SEQ number
        await quiet.press(pilot, "shift+tab", "shift+tab", "up", "tab", *"X")  # Station: a name too
        assert not _shown(app, "#st-code_seq_min")
        await quiet.press(pilot, "ctrl+s")
        status = str(app.screen.query_one("#settings-status", Static).render())
        assert "First SEQ number" in status and "Pickup codes" in status, status
        assert _sections(app).highlighted == 1
        assert app.focused is app.screen.query_one("#st-code_seq_min", Input)
        assert app.focused.value == "many"  # what was typed is still there to mend
    station.forget_settings()
    assert station.settings().code_seq_min == 1001
    assert station.settings().station_name == "Parcel Station"  # nothing of the other sections either


async def test_bad_json_and_a_counter_field_are_named_in_their_sections(app: StationApp) -> None:
    async with app.run_test(size=(160, 50)) as pilot:
        await quiet.settle(pilot)
        last = _section_of(app, "wedge_min_length")  # the scanner's timings, on this counter
        status = await saved_with(app, pilot, last, "ct-wedge_min_length", "-")
        assert status.startswith("Invalid value for Shortest code in Scanner (wedge): "), status
        assert "Must be a whole number" in status, status  # the reason, not Pydantic's English
        assert _sections(app).highlighted == last
        app.screen.query_one("#ct-wedge_min_length", Input).value = "8"
        fees = _section_of(app, "storage_fee_rules")
        status = await saved_with(app, pilot, fees, "st-storage_fee_rules", "[{")
        assert "Storage fee rules in Fees and carrier data" in status, status
        assert "Not valid JSON (line 1, column 2)" in status, status
        assert app.focused is app.screen.query_one("#st-storage_fee_rules", Input)
    assert load_counter_settings().wedge_min_length == 6  # refused, so not saved


async def test_a_chinese_console_says_why_in_chinese_and_typed_text_stays_text(
    app: StationApp, station: Station
) -> None:
    """Out of range, markup, an escape sequence, 5,000 characters: each a refusal with its reason in
    Chinese, as text, and nothing saved."""
    set_language("zh")
    before = station.settings()
    async with app.run_test(size=(160, 50)) as pilot:
        await quiet.settle(pilot)
        scanner = _section_of(app, "wedge_min_length")
        status = await saved_with(app, pilot, scanner, "ct-wedge_min_length", "0")
        assert status == "扫码枪（键盘模式）中的“最短条码长度”值无效：不能小于 1", status
        app.screen.query_one("#ct-wedge_min_length", Input).value = "6"

        hostile = "[/][b]\x1b[31m"
        status = await saved_with(app, pilot, 0, "st-timezone", hostile + "z" * 5000)
        assert status == "驿站中的“时区”值无效：最多 500 个字符", status
        status = await saved_with(app, pilot, 0, "st-timezone", hostile + "z" * 300)
        assert status.startswith("驿站中的“时区”值无效：未知时区 [/][b]zzz"), status
        assert status.endswith("：请使用 Asia/Shanghai 这样的名称。") and len(status) < 120, status
        app.screen.query_one("#st-timezone", Input).value = before.timezone

        codes = _section_of(app, "code_seq_min")
        status = await saved_with(app, pilot, codes, "st-code_seq_min", hostile + "9" * 20)
        assert status == "取件码中的“取件码起始序号”值无效：必须是整数", status
        status = await saved_with(app, pilot, codes, "st-code_seq_min", "9" * 5000)
        assert status == "取件码中的“取件码起始序号”值无效：最多 500 个字符", status  # refused, not cut
        app.screen.query_one("#st-code_seq_min", Input).value = str(before.code_seq_min)

        fees = _section_of(app, "storage_fee_rules")
        status = await saved_with(
            app, pilot, fees, "st-storage_fee_rules", json.dumps([{"name": hostile, "free_days": -1}])
        )
        assert status.endswith("中的“第 1 条超期保管费规则 · 免费天数”值无效：不能小于 0"), status
        assert isinstance(app.screen, SettingsScreen)  # still here: no markup error closed it
    station.forget_settings()
    assert station.settings() == before


async def test_a_chinese_help_line_never_starts_with_closing_punctuation(app: StationApp) -> None:
    """Chinese is typeset with no line starting with "、", "。", "）"...: each help of the first
    section, drawn as the console draws it, at every third column width from 16 to 40 (narrower, a word
    such as "Asia/Shanghai。" is wider than the column and folds where it must); widths next to each
    other move most breaks by one character, so every third one still meets each kind of break."""
    set_language("zh")
    async with app.run_test(size=(120, 36)) as pilot:
        await quiet.settle(pilot)
        lines: list[str] = []
        for help in app.screen.query(".help"):
            shown = help._render()  # what Textual draws
            for width in range(16, 41, 3):
                strips = Visual.to_strips(help, shown, width, None, help.visual_style)
                lines += [strip.text for strip in strips]
    assert any("页眉" in line for line in lines), lines
    assert [line for line in lines if line.strip()[:1] in set("，。、；：！？）」』》〉】")] == []


async def test_a_field_edited_on_another_screen_says_where(app: StationApp) -> None:
    async with app.run_test(size=(160, 50)) as pilot:
        await quiet.settle(pilot)
        screen: Any = app.screen
        await screen.show_section([s.key for s in screen.sections].index("counter"))
        shown = " ".join(str(label.render()) for label in app.screen.query(".elsewhere"))
        assert "Printers screen (F8)" in shown
        assert not app.screen.query("#ct-printer") and app.screen.query("#ct-label_font")


def _label_of(app: StationApp, widget_id: str) -> list[str]:
    """The lines of the label beside a field's editor."""
    row = app.screen.query_one(f"#{widget_id}").parent
    assert row is not None
    return str(row.query_one(".name").render()).splitlines()


@pytest.mark.parametrize(
    ("lang", "titles"),
    [
        ("zh", ["驿站名称", "时区", "取件码起始序号", "前缀"]),
        ("en", ["Station name", "Time zone", "First SEQ number", "Prefix"]),
    ],
)
async def test_a_field_is_labelled_by_its_title_in_the_consoles_language_with_its_key_beneath(
    app: StationApp, lang: str, titles: list[str]
) -> None:
    """A clerk reads 驿站名称, 时区, 取件码起始序号; the key beneath is what counter.toml and the CLI
    call the field."""
    set_language(lang)
    keys = ["st-station_name", "st-timezone", "st-code_seq_min", "ct-wedge_prefix"]
    async with app.run_test(size=(160, 50)) as pilot:
        await quiet.settle(pilot)
        screen: Any = app.screen
        labels = []
        for widget_id in keys:
            await screen.show_section(_section_of(app, widget_id[3:]))
            labels.append(_label_of(app, widget_id))
    assert labels == [[title, widget_id[3:]] for title, widget_id in zip(titles, keys, strict=True)]


@pytest.mark.parametrize(
    ("lang", "shown"),
    [("zh", ["均匀分散", "按行走顺序放满"]), ("en", ["Spread evenly", "Fill in walking order"])],
)
async def test_a_choice_setting_lists_its_choices_by_label_and_saves_the_key(
    app: StationApp, station: Station, lang: str, shown: list[str]
) -> None:
    """The Select lists what each choice means; what is saved is still the key counter.toml and the CLI
    use."""
    set_language(lang)
    async with app.run_test(size=(160, 50)) as pilot:
        await quiet.settle(pilot)
        screen: Any = app.screen
        await screen.show_section(_section_of(app, "shelf_policy"))
        select = app.screen.query_one("#st-shelf_policy", Select)
        assert [str(prompt) for prompt, _value in select._options if _value is not Select.NULL] == shown
        select.value = "fill_in_order"
        await screen.action_save()
        await quiet.settle(pilot)
    station.forget_settings()
    assert station.settings().shelf_policy == "fill_in_order"


async def test_an_emptied_table_setting_saves_no_rows(app: StationApp, station: Station) -> None:
    """ "Empty: no fees", its description says: a cleared JSON field is an empty table, not bad JSON."""
    from station_helpers import configure

    from station_console.settings import FeeRule

    configure(station, storage_fee_rules=[FeeRule(name="std")])
    async with app.run_test(size=(160, 50)) as pilot:
        await quiet.settle(pilot)
        status = await saved_with(
            app, pilot, _section_of(app, "storage_fee_rules"), "st-storage_fee_rules", ""
        )
        assert "Not valid JSON" not in status, status
    station.forget_settings()
    assert station.settings().storage_fee_rules == []
