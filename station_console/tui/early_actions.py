"""A key's action on a screen not laid out yet runs once it is.

Textual looks a key up in the bindings of the screen on top only when the key has bubbled up to the app
from the widget that had it. When a worker's answer put a screen on top in that moment (a form after
F7, a reason, a fee, Settings' Clerks), the key ran that screen's action before the screen had made its
widgets: a Ctrl+S read fields not made yet, an F7 a table, and the console stopped. Held on the screen's
own queue, the action runs after its on_mount, as the same key pressed a breath later would. One place
for every screen and dialog, their own actions unchanged (a dialog's early Esc is `Dialog.dismiss`'s)."""

from __future__ import annotations

from collections.abc import Mapping

from textual.actions import ActionParseResult
from textual.app import App
from textual.dom import DOMNode
from textual.screen import Screen

from station_console.tui.screens.base import on_a_stack


class ActionsOnceLaidOutApp(App[None]):
    async def run_action(
        self,
        action: str | ActionParseResult,
        default_namespace: DOMNode | None = None,
        namespaces: Mapping[str, DOMNode] | None = None,
    ) -> bool:
        screen = default_namespace
        if isinstance(screen, Screen) and not screen.is_mounted and on_a_stack(screen):
            screen.call_later(self.run_action, action, screen, namespaces)
            return True  # taken: the key goes no further down (the app's Ctrl+S would open Settings)
        return await super().run_action(action, default_namespace, namespaces)
