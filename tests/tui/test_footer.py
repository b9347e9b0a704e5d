"""The key footer: what Textual's footer shows, rebuilt only when the keys to show change."""

from __future__ import annotations

from typing import ClassVar

from textual.app import App, ComposeResult
from textual.binding import Binding, BindingType
from textual.screen import Screen
from textual.widgets import Footer, Input
from textual.widgets._footer import FooterKey

from station_console.i18n import set_language
from station_console.tui.widgets.footer import StationFooter
from tui import quiet


class FooterApp(App[None]):
    """A screen with a field and a handful of keys, one of them switched off on demand."""

    ENABLE_COMMAND_PALETTE = False

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("f1", "noop(1)", "Check-in"),
        Binding("f2", "noop(2)", "Pickup"),
        Binding("ctrl+z", "undo", "Undo last", tooltip="Undo your last check-in"),
        Binding("ctrl+q", "quit", "Quit"),
    ]

    def __init__(self, footer: type[Footer], *, compact: bool = False) -> None:
        super().__init__()
        self.footer_class = footer
        self.compact = compact
        self.can_undo = True

    def compose(self) -> ComposeResult:
        yield Input(id="field")
        yield self.footer_class(compact=self.compact)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "undo":
            return self.can_undo or None  # None: shown, dimmed
        return True

    def action_noop(self, _n: int) -> None:
        pass

    def action_undo(self) -> None:
        pass


def keys(app: App[None]) -> list[FooterKey]:
    return list(app.screen.query(FooterKey))


async def test_it_shows_what_textuals_footer_shows() -> None:
    shots = []
    for footer in (Footer, StationFooter):
        for compact in (False, True):
            app = FooterApp(footer, compact=compact)
            async with app.run_test(size=(100, 6)) as pilot:
                await quiet.settle(pilot)
                shown = [(k.key, k.description, k.has_class("-compact"), k.tooltip) for k in keys(app)]
                shots.append((shown, app.export_screenshot(simplify=True)))
    textual_plain, textual_compact, ours_plain, ours_compact = shots
    assert sorted(k[:2] for k in ours_plain[0]) == [
        ("ctrl+q", "Quit"),
        ("ctrl+z", "Undo last"),
        ("f1", "Check-in"),
        ("f2", "Pickup"),
    ]
    assert ours_plain == textual_plain
    assert ours_compact == textual_compact
    assert all(compact for (_k, _d, compact, _t) in ours_compact[0])
    assert not any(compact for (_k, _d, compact, _t) in ours_plain[0])


async def test_unchanged_keys_are_not_rebuilt() -> None:
    app = FooterApp(StationFooter)
    async with app.run_test(size=(100, 6)) as pilot:
        await quiet.settle(pilot)
        before = keys(app)
        app.screen.refresh_bindings()  # what a focus change or a binding refresh announces
        app.set_focus(None)
        await quiet.settle(pilot)
        app.query_one("#field", Input).focus()
        await quiet.settle(pilot)
        assert keys(app) == before
        assert all(a is b for a, b in zip(keys(app), before, strict=True))


async def test_a_changed_key_is_shown() -> None:
    app = FooterApp(StationFooter)
    async with app.run_test(size=(100, 6)) as pilot:
        await quiet.settle(pilot)
        undo = next(k for k in keys(app) if k.action == "undo")
        assert not undo.has_class("-disabled")
        app.can_undo = False
        app.screen.refresh_bindings()
        await quiet.settle(pilot)
        undo = next(k for k in keys(app) if k.action == "undo")
        assert undo.has_class("-disabled")
        assert len(keys(app)) == 4


class WidgetKeysApp(FooterApp):
    """A key the way a Textual widget brings it: its description an English id, not translated."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "noop(0)", "Dismiss menu")]


async def test_a_widgets_own_key_is_shown_in_the_consoles_language() -> None:
    set_language("zh")
    app = WidgetKeysApp(StationFooter)
    async with app.run_test(size=(100, 6)) as pilot:
        await quiet.settle(pilot)
        shown = [k.description for k in keys(app)]
        assert "关闭菜单" in shown and "Dismiss menu" not in shown


class ManyKeysScreen(Screen[None]):
    """A screen whose own keys (each drawn 12 cells wide, 11 compact) take 36 cells: more than one row
    of 30 columns, and two rows only when drawn compact."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(f"f{n}", f"noop({n})", f"Action {n}") for n in range(7, 10)
    ]

    def compose(self) -> ComposeResult:
        yield StationFooter()

    def action_noop(self, _n: int) -> None:
        pass


class ManyKeysApp(FooterApp):
    def on_mount(self) -> None:
        self.push_screen(ManyKeysScreen())


async def test_the_screens_own_keys_take_a_second_row_the_apps_do_not() -> None:
    app = ManyKeysApp(StationFooter)
    async with app.run_test(size=(30, 6)) as pilot:
        await quiet.settle(pilot)
        footer = app.screen.query_one(StationFooter)
        rows = {k.key: k.region.y for k in keys(app) if k.display}
        assert footer.region.height == 2 and footer.compact
        assert rows == {"f7": 4, "f8": 4, "f9": 5, "ctrl+q": 5}, rows  # the app's after, as far as they fit
        await pilot.resize_terminal(40, 6)
        await quiet.settle(pilot)
        await pilot.pause()
        rows = {k.key: k.region.y for k in keys(app) if k.display}
        assert footer.region.height == 1 and not footer.compact
        assert rows == {"f7": 5, "f8": 5, "f9": 5}  # one row, as Textual draws it: no room for the app's
