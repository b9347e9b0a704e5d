"""FixedInput, every text field of the console: a placeholder too wide for its field shows that it goes
on; text past the field's limit is refused and the limit said (see test_sendout_screen for a field's)."""

from __future__ import annotations

from textual.app import App, ComposeResult

from station_console.tui.widgets.fixed_input import FixedInput


class OneField(App[None]):
    CSS = "FixedInput { width: 20; } #wide { width: 60; }"

    def compose(self) -> ComposeResult:
        yield FixedInput(placeholder="kg, or F8 to weigh it on the scale", id="narrow")
        yield FixedInput(placeholder="kg, or F8 to weigh it on the scale", id="wide")


def first_line(field: FixedInput) -> str:
    return field.render_line(0).text.strip()


async def test_a_placeholder_wider_than_its_field_ends_in_an_ellipsis() -> None:
    app = OneField()
    async with app.run_test(size=(80, 10)) as pilot:
        await pilot.pause()
        narrow, wide = app.query_one("#narrow", FixedInput), app.query_one("#wide", FixedInput)
        shown = first_line(narrow)
        assert shown.endswith("…") and "kg, or F8 to weigh it on the scale".startswith(shown[:-1])
        assert first_line(wide) == "kg, or F8 to weigh it on the scale"  # whole where it fits
        assert narrow.placeholder == "kg, or F8 to weigh it on the scale"  # the field keeps it whole
        narrow.value = "1.2"
        assert first_line(narrow) == "1.2"


class PhoneAndCount(App[None]):
    def compose(self) -> ComposeResult:
        yield FixedInput(id="phone", restrict=r"[0-9]*", takes="digits")
        yield FixedInput(id="count", type="integer")
        yield FixedInput(id="code", restrict=r"[A-Z]*")


async def test_a_character_a_field_does_not_take_is_refused_with_a_word() -> None:
    # Only the bell rang: Chinese typed into a phone field vanished without a word.
    app = PhoneAndCount()
    async with app.run_test(size=(80, 10)) as pilot:
        phone = app.query_one("#phone", FixedInput)
        phone.focus()
        await pilot.press(*"张三")  # an input method's word: said once, not per character
        await pilot.pause()
        said = [n.message for n in app._notifications]
        assert said == ["This field takes digits only."] and phone.value == ""
        await pilot.press("1", "x")  # taken, then refused again: said again
        await pilot.pause()
        assert [n.message for n in app._notifications][1:] == ["This field takes digits only."]
        assert phone.value == "1"
        app.query_one("#count", FixedInput).focus()
        await pilot.press("a")
        app.query_one("#code", FixedInput).focus()
        await pilot.press("a")
        await pilot.pause()
        assert [n.message for n in app._notifications][2:] == [
            "This field takes digits only.",
            "This field does not take that character.",
        ]
