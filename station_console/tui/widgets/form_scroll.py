"""A scrolling form whose focus restyles the form itself, not every field in it."""

from __future__ import annotations

from textual.containers import VerticalScroll


class FormScroll(VerticalScroll):
    """`VerticalScroll` for a long form (Settings, the send-out form).

    Textual restyles a widget and everything inside it when it gains or loses focus, in case a rule
    styles the children by their container's focus (as `Select:focus > SelectCurrent` does). No rule
    styles a form's fields by the form's focus, and a long form holds hundreds of widgets (Settings
    once held over 300): each Tab into or out of it restyled all of them (0.1 to 0.2 s of CPU).
    """

    def watch_has_focus(self, _has_focus: bool) -> None:
        self.app.stylesheet.update_nodes([self], animate=True)
