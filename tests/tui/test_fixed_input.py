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
