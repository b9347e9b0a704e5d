"""Settings: the form in sections saves for a manager and refuses a clerk, keeps what was typed in a
section while another is shown, and names a refused field in its section; printers are managed on
screen (clerks: test_clerk_admin_screen.py)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from sqlmodel import select
from textual.visual import Visual
from textual.widgets import Input, OptionList, Select, Static

from db.models import PrintJob, Role
from station_console.i18n import set_language
from station_console.services.core.station import Station
from station_console.settings import load_counter_settings
from station_console.tui.app import StationApp
from station_console.tui.screens.settings import SettingsScreen
from station_console.tui.screens.unsaved import LeaveUnsaved
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
        screen.query_one("#p-name", Input).value = "[/]x[b]"  # markup is refused as a name, not parsed
        screen.save_printer()  # type: ignore[attr-defined]
        assert "letters, digits" in await _shows(pilot, status, "letters")
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


async def saved_with(app: StationApp, pilot, section: int, field: str, bad: str) -> str:  # type: ignore[no-untyped-def]
    """The status line after `bad` is typed into `field` of `section` and Settings is saved from the
    first section."""
    screen: Any = app.screen
    await screen.show_section(section)
    app.screen.query_one(f"#{field}", Input).value = bad
    await screen.show_section(0)
    await screen.action_save()
    await quiet.settle(pilot)
    return str(app.screen.query_one("#settings-status", Static).render())


def _section_of(app: StationApp, field: str) -> int:
    screen: Any = app.screen
    return next(i for i, s in enumerate(screen.sections) if field in s.station + s.counter)


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
        assert status.endswith("中的“超期保管费规则 1 · 免费天数”值无效：不能小于 0"), status
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


def _status(app: StationApp) -> str:
    return str(app.screen.query_one("#settings-status", Static).render())


async def test_a_station_setting_saved_says_nothing_of_a_restart(app: StationApp) -> None:
    """The station's settings take effect at once (this console at the commit, the others through the
    live view): the line says it saved, and no more."""
    async with app.run_test(size=(160, 50)) as pilot:
        await quiet.settle(pilot)
        app.screen.query_one("#st-station_name", Input).value = "Campus North"
        await quiet.press(pilot, "ctrl+s")
        assert _status(app) == "Settings were saved."


async def test_ctrl_s_with_nothing_changed_says_so_and_records_nothing(
    app: StationApp, station: Station
) -> None:
    """ "Saved" would tell the clerk something was recorded: nothing is sent, and the line says why."""
    before = station.settings()
    async with app.run_test(size=(160, 50)) as pilot:
        await quiet.settle(pilot)
        await quiet.press(pilot, "ctrl+s")
        assert _status(app) == "Nothing changed: nothing to save."
        app.screen.query_one("#st-station_name", Input).value = "Campus North"  # a change is still saved
        await quiet.press(pilot, "ctrl+s")
        assert _status(app) == "Settings were saved."
        await quiet.press(pilot, "ctrl+s")  # and once saved, there is nothing more to save
        assert _status(app) == "Nothing changed: nothing to save."
    station.forget_settings()
    assert station.settings().model_copy(update={"station_name": before.station_name}) == before


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


async def test_a_counter_change_that_waits_for_a_restart_is_named_and_the_rest_take_effect_now(
    app: StationApp, station: Station, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The counter's name and language are named as waiting for a restart, and still are at a later
    save until the console restarts; put back as they were, nothing waits. The busy-database wait and
    the label font are not named: they are taken at once."""
    from hardware.printers import fonts

    fonts_used: list[str] = []
    monkeypatch.setattr(fonts, "use_cjk_font", fonts_used.append)
    async with app.run_test(size=(120, 40)) as pilot:
        await quiet.settle(pilot)
        screen: Any = app.screen
        await screen.show_section(_section_of(app, "counter"))
        screen.query_one("#ct-counter", Input).value = "counter-9"
        screen.query_one("#ct-language", Select).value = "zh"
        screen.query_one("#ct-busy_wait_s", Input).value = "9"
        screen.query_one("#ct-label_font", Input).value = "bundled"
        await quiet.press(pilot, "ctrl+s")
        said = "Saved. Counter name, Language take effect after a restart (Ctrl+Q, then start the console again)."
        assert _status(app) == said
        assert station.busy_wait_s == 9 and fonts_used == ["bundled"]
        assert load_counter_settings().counter == "counter-9"
        screen.query_one("#ct-busy_wait_s", Input).value = "7"
        await quiet.press(pilot, "ctrl+s")
        assert _status(app) == said  # not restarted yet
        screen.query_one("#ct-counter", Input).value = "test-counter"
        await quiet.press(pilot, "ctrl+s")
        assert _status(app).startswith("Saved. Language takes effect after a restart"), _status(app)
        screen.query_one("#ct-language", Select).value = Select.NULL
        await quiet.press(pilot, "ctrl+s")
        assert _status(app) == "Settings were saved."
    assert station.busy_wait_s == 7


async def test_a_refusal_takes_the_shared_bold_style_and_stays_light_on_red(app: StationApp) -> None:
    """Settings' status line named its refusal `error`, not StatusLine's `-error`: it missed the shared
    bold refusal style, and its light text held against Shelves' global `.error` (red text, once Shelves
    had been opened: red on red in tmux's 256 colours) only because an id rule outranks a class."""
    from rich.color import ColorSystem

    from station_console.tui.widgets.status_line import StatusLine

    async with app.run_test(size=(80, 24)) as pilot:
        await quiet.press(pilot, "f4", "ctrl+s")  # Shelves' stylesheet loaded, back in Settings
        line = app.screen.query_one("#settings-status", StatusLine)
        line.say("Only a manager can change settings. Ask a manager to sign in.", error=True)
        await quiet.settle(pilot)
        box = line.content_region
        strip = app.screen._compositor.render_strips()[box.y].crop(box.x, box.right)
        said = [seg.style for seg in strip if seg.text.strip() and seg.style is not None]
        assert said and all(style.bold for style in said)
        pairs = {
            tuple(c.downgrade(ColorSystem.EIGHT_BIT) if c else c for c in (s.color, s.bgcolor)) for s in said
        }
        assert all(fg != bg for fg, bg in pairs), pairs
