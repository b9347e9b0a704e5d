"""A key's action on a screen not laid out yet runs once it is.

Textual looks a key up in the bindings of the screen on top only when the key has bubbled up to the app
from the widget that had it. When a worker's answer put a screen on top in that moment (a form after
F7, a reason, a fee, Settings' Clerks), the key ran that screen's action before the screen had made its
widgets: a Ctrl+S read fields not made yet, an F7 a table, and the console stopped. Held on the screen's
own queue, the action runs after its on_mount, as the same key pressed a breath later would. One place
for every screen and dialog, their own actions unchanged (a dialog's early Esc is `Dialog.dismiss`'s)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from textual.actions import ActionParseResult
from textual.app import App
from textual.dom import DOMNode
from textual.screen import Screen

from station_console.tui.screens.base import on_a_stack

Held = tuple["str | ActionParseResult", "Mapping[str, DOMNode] | None"]


class ActionsOnceLaidOutApp(App[None]):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # The actions held for each screen, in the order their keys came.
        self._held_actions: dict[Screen[Any], list[Held]] = {}

    async def run_action(
        self,
        action: str | ActionParseResult,
        default_namespace: DOMNode | None = None,
        namespaces: Mapping[str, DOMNode] | None = None,
    ) -> bool:
        screen = default_namespace
        if isinstance(screen, Screen) and not screen.is_mounted and on_a_stack(screen):
            held = self._held_actions.setdefault(screen, [])
            held.append((action, namespaces))
            if len(held) == 1:
                screen.call_later(self._run_held, screen)
            return True  # taken: the key goes no further down (the app's Ctrl+S would open Settings)
        return await super().run_action(action, default_namespace, namespaces)

    async def _run_held(self, screen: Screen[Any]) -> None:
        """One held action, then the next after what it queued (an Esc's close before a Ctrl+S), as
        keys pressed one after the other; none on a screen closed by then (the Ctrl+S would send a form
        the clerk cancelled)."""
        held = self._held_actions[screen]
        action, namespaces = held.pop(0)
        if on_a_stack(screen):
            await super().run_action(action, screen, namespaces)
        if held:
            screen.call_later(self._run_held, screen)
        else:
            del self._held_actions[screen]
