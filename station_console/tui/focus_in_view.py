"""A key typed (or a paste) into a field scrolled out of view brings the field back into view first.

A long form (send-out, Settings, a carrier's or a recipient's dialog) scrolls on PageDown, the wheel or
its scroll bar, and the field with the focus stays focused off-screen: what the clerk typed next went
into a field they could not see. The focus is not moved to a field that is in view instead: typing goes
on where the cursor was, and is shown there; Tab is what moves on. Keys that do not reach the field (a
screen's F-keys, the form's own PageDown) leave the form where it was scrolled to.
"""

from __future__ import annotations

from typing import Any

from textual import events
from textual.errors import NoWidget


def bring_focus_into_view(app: Any, event: events.Key | events.Paste) -> None:
    """Before `event` is handed to the focused widget: scroll that widget wholly into view if the key
    goes to it (a paste always does) and it is not shown whole."""
    focused = app.focused
    if focused is None:
        return
    screen = focused.screen
    try:
        geometry = screen.find_widget(focused)
    except NoWidget:  # not laid out yet
        return
    if geometry.clip.contains_region(geometry.region):
        return  # shown whole: the usual case, so the bindings are looked at only past here
    if isinstance(event, events.Key) and not _goes_to(focused, event):
        return
    screen.scroll_to_widget(focused, animate=False, immediate=True)


def _goes_to(focused: Any, event: events.Key) -> bool:
    """The key is typed into `focused` (bound by nothing), or is one of its own keys; a key that a
    container, the screen or the app binds is theirs."""
    binding = focused.screen.active_bindings.get(event.key)
    return binding is None or binding.node is focused
