"""Tick boxes: the console's one (widgets/tick.py) shows an empty box unticked and a tick ticked, in any
colours; Textual's drew ▐X▌ both ways, told apart by the X's colour only, and a tester closed a
stocktake with a fix they thought unticked."""

from __future__ import annotations

import ast
from pathlib import Path

from textual.app import App, ComposeResult
from textual.widgets import Checkbox

import station_console.tui
from station_console.tui.widgets.tick import RoutedTick, SpaceTick, Tick, TickList

# Switch: on and off differ by the knob's colour and side only (a plain-text capture shows nothing).
TOGGLES = {"Checkbox", "RadioButton", "RadioSet", "ToggleButton", "SelectionList", "Switch"}


class Boxes(App[None]):
    def compose(self) -> ComposeResult:
        yield Tick("problems only", id="off")
        yield RoutedTick("insure", value=True, id="on")
        yield SpaceTick("Put back 1 parcel", id="space")


def box(tick: Checkbox) -> str:
    return tick.render().plain[:3]


class Items(App[None]):
    def compose(self) -> ComposeResult:
        yield TickList[str](("lithium batteries", "battery"), ("liquids", "liquid", True), ("cash", "cash"))


def lines(items: TickList[str]) -> list[str]:
    return [items.render_line(y).text.rstrip() for y in range(3)]


async def test_an_unticked_box_is_empty_and_a_ticked_one_holds_a_tick() -> None:
    # Also pins the hook in Textual (8.2.8): its box is drawn from BUTTON_INNER at each render.
    app = Boxes()
    async with app.run_test(size=(60, 10)) as pilot:
        off, on, space = (app.query_one(f"#{i}", Checkbox) for i in ("off", "on", "space"))
        assert (box(off), box(on), box(space)) == ("▐ ▌", "▐✓▌", "▐ ▌")
        off.focus()
        await pilot.press("space")
        on.focus()
        await pilot.press("enter")  # goes on to the next field, the box as it was
        assert app.focused is space
        await pilot.press("enter")  # the dialog's key, not the box's
        await pilot.pause()
        assert (off.value, on.value, space.value) == (True, True, False)
        assert (box(off), box(on), box(space)) == ("▐✓▌", "▐✓▌", "▐ ▌")
        await pilot.press("space")
        await pilot.pause()
        assert box(space) == "▐✓▌"
        # Drawn in the console's look too: the label after the box, not lost to it.
        assert off.render().plain == "▐✓▌ problems only "


async def test_a_list_to_tick_shows_the_same_boxes() -> None:
    """Send-out's inspection checklist (a SelectionList) drew ▐X▌ for an item not yet made sure of.
    Pins the one place the box is drawn over Textual's (TickList.render_line, Textual 8.2.8)."""
    app = Items()
    async with app.run_test(size=(60, 10)) as pilot:
        items = app.query_one(TickList)
        items.focus()
        await pilot.pause()
        assert lines(items) == ["▐ ▌ lithium batteries", "▐✓▌ liquids", "▐ ▌ cash"]
        await pilot.press("space", "down", "enter", "down", "space")
        await pilot.pause()
        assert items.selected == ["battery", "cash"]
        assert lines(items) == ["▐✓▌ lithium batteries", "▐ ▌ liquids", "▐✓▌ cash"]


def test_every_tick_box_in_the_console_is_the_house_one() -> None:
    """Parcels' 'problems only', the move's 'whole layer' and Send-out's ticks were Textual's Checkbox,
    and Send-out's inspection checklist its SelectionList: unticked, they read as ticked; Settings' on/off
    settings, the carrier's Active and the form dialogs' ticks were a Switch, on told from off by its
    knob's colour and side. No screen
    makes or subclasses one of Textual's toggles or tick lists itself (`SelectionList[str]` too)."""
    root = Path(station_console.tui.__file__).parent
    own = root / "widgets" / "tick.py"
    found = []
    for path in sorted(root.rglob("*.py")):
        if path == own:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            named = (
                [node.func]
                if isinstance(node, ast.Call)
                else node.bases
                if isinstance(node, ast.ClassDef)
                else []
            )
            for name in named:
                if isinstance(name, ast.Subscript):  # SelectionList[str]
                    name = name.value
                if isinstance(name, ast.Name) and name.id in TOGGLES:
                    found.append(f"{path.relative_to(root)}:{name.lineno}: {name.id}")
    assert not found, "Textual's toggles, which read ticked unticked:\n" + "\n".join(found)
