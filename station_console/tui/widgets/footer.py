"""The key footer, without Textual's footer's start-up cost.

Textual's `Footer` rebuilds all its keys each time a screen announces that its bindings may have changed
(mount, focus moves, a binding refresh): several times while the console starts, and at every focus change
after. Each new key is then restyled twice more as its `compact` flag starts at True and is bound to the
footer's False. With the check-in screen's twenty keys that was most of the console's time to first idle.
This footer gives each key its `compact` state before it mounts and rebuilds only when what the keys show
changed; it shows exactly what Textual's footer shows, in the console's language: a screen's own keys
arrive translated, but a Textual widget's (the open Select's "Dismiss menu") come with English ids.
A key the signed-in clerk may not use (a manager's, `role_keys`) is shown dimmed; pressed or clicked,
it still says why.

Keys that do not fit the footer's width are not shown, from the first that would be cut on: a key
shown reads whole ("^f Send-o" said nothing). A screen's own keys come first, the modes' and the
clerk's after them, so those go first on a narrow terminal; every key still works. The one key never
left out is the key list's (Ins, `screens/keys_list.py`): it comes first, and lists every key.
"""

from __future__ import annotations

from typing import Any

from textual import events
from textual.app import ComposeResult
from textual.widgets import Footer
from textual.widgets._footer import FooterKey

from station_console.i18n import _
from station_console.tui.role_keys import refused

KEYS_LIST = "keys_list"  # the app's action that lists every key (`screens/keys_list.py`)


class StationFooter(Footer):
    """`Footer`, rebuilt only when the keys it would show differ from the ones it shows."""

    _shown: object = None  # what the keys on screen were built from

    def compose(self) -> ComposeResult:
        self._shown = self._what_to_show()
        not_theirs = self._shown[-1] if isinstance(self._shown, tuple) else frozenset()
        for widget in super().compose():
            if isinstance(widget, FooterKey):
                widget.description = _(widget.description) if widget.description else ""
                if (widget.key, widget.action) in not_theirs:
                    # Dimmed as Textual dims a disabled key, but not disabled: a click still sends the
                    # key, and the screen says who may use it (a disabled key only rings the bell).
                    widget.add_class("-disabled", update=False)
                # The value the footer binds it to, set before mount: no restyle on the way there.
                widget.set_reactive(FooterKey.compact, self.compact)
                widget.set_class(self.compact, "-compact", update=False)
            yield widget

    async def recompose(self) -> None:
        if self._what_to_show() != self._shown:
            await super().recompose()
            self._fit_keys()

    def on_mount(self) -> None:  # Footer's own on_mount runs too (Textual calls each class's)
        self._fit_keys()

    def on_resize(self, _event: events.Resize) -> None:
        self._fit_keys()

    def _fit_keys(self) -> None:
        """Show the parts (keys, key groups) that fit the footer's width, up to the first that does not:
        measured as they draw, not where the last layout put them (a rebuilt footer has no layout yet)."""
        first = next((k for k in self.query_children(FooterKey) if k.action == KEYS_LIST), None)
        if first is not None and self.children[0] is not first:
            self.move_child(first, before=0)
        width = self.content_region.width
        if not width:
            return  # not laid out yet: fitted when it is (a resize)
        used, fits = 0, True
        for part in self.children:
            styles = part.styles
            used += (
                part.get_content_width(self.size, self.app.size) + styles.gutter.width + styles.margin.width
            )
            fits = fits and used <= width
            if part.display != fits:
                part.display = fits

    def _what_to_show(self) -> object:
        """Everything a footer key is built from; None before the screen's bindings are ready. Last,
        the keys (key, action) the signed-in clerk may not use: another clerk signs in, the same keys
        are dimmed or not."""
        if not self._bindings_ready or not self.is_attached:
            return None
        app: Any = self.app
        shown = [active for active in self.screen.active_bindings.values() if active.binding.show]
        return (
            self.compact,
            self.show_command_palette and app.ENABLE_COMMAND_PALETTE,
            tuple(
                (
                    binding.key,
                    app.get_key_display(binding),
                    binding.description,
                    binding.action,
                    binding.group,
                    enabled,
                    tooltip,
                    binding.tooltip,
                )
                for (_node, binding, enabled, tooltip) in shown
            ),
            frozenset((b.key, b.action) for (_node, b, _e, _t) in shown if refused(app, b.id)),
        )
