"""Tick boxes: the console's one (widgets/tick.py) shows an empty box unticked and a tick ticked, in any
colours; Textual's drew ▐X▌ both ways, told apart by the X's colour only, and a tester closed a
stocktake with a fix they thought unticked."""

from __future__ import annotations

import ast
from pathlib import Path

from textual.app import App, ComposeResult
from textual.widgets import Checkbox

import station_console.tui
from station_console.tui.widgets.tick import RoutedTick, SpaceTick, Tick

TOGGLES = {"Checkbox", "RadioButton", "RadioSet", "ToggleButton"}


class Boxes(App[None]):
    def compose(self) -> ComposeResult:
        yield Tick("problems only", id="off")
        yield RoutedTick("insure", value=True, id="on")
        yield SpaceTick("Put back 1 parcel", id="space")


def box(tick: Checkbox) -> str:
    return tick.render().plain[:3]


async def test_an_unticked_box_is_empty_and_a_ticked_one_holds_a_tick() -> None:
    # Also pins the hook in Textual (8.2.8): its box is drawn from BUTTON_INNER at each render.
    app = Boxes()
    async with app.run_test(size=(60, 10)) as pilot:
        off, on, space = (app.query_one(f"#{i}", Checkbox) for i in ("off", "on", "space"))
        assert (box(off), box(on), box(space)) == ("▐ ▌", "▐✓▌", "▐ ▌")
        off.focus()
        await pilot.press("space")
        on.focus()
        await pilot.press("enter")
        space.focus()
        await pilot.press("enter")  # the dialog's key, not the box's
        await pilot.pause()
        assert (off.value, on.value, space.value) == (True, False, False)
        assert (box(off), box(on), box(space)) == ("▐✓▌", "▐ ▌", "▐ ▌")
        await pilot.press("space")
        await pilot.pause()
        assert box(space) == "▐✓▌"
        # Drawn in the console's look too: the label after the box, not lost to it.
        assert off.render().plain == "▐✓▌ problems only "


def test_every_tick_box_in_the_console_is_the_house_one() -> None:
    """Parcels' 'problems only', the move's 'whole layer' and Send-out's ticks were Textual's Checkbox:
    unticked, they read as ticked. No screen makes or subclasses one of Textual's toggles itself."""
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
                if isinstance(name, ast.Name) and name.id in TOGGLES:
                    found.append(f"{path.relative_to(root)}:{name.lineno}: {name.id}")
    assert not found, "Textual's toggles, which read ticked unticked:\n" + "\n".join(found)
