"""A key typed (or a paste) into a field scrolled out of view brings the field back into view first.

A long form (send-out, Settings, a carrier's or a recipient's dialog) scrolls on PageDown, the wheel or
its scroll bar, and the field with the focus stays focused off-screen: what the clerk typed next went
into a field they could not see. The focus is not moved to a field that is in view instead: typing goes
on where the cursor was, and is shown there; Tab is what moves on. Keys that do not reach the field (a
screen's F-keys, the form's own PageDown) leave the form where it was scrolled to.

A page key scrolls its form only once it has passed up from the field to the app (its binding's
action), and the scroll waits for the form's next turn: a key typed right behind it (a hurried clerk, a
drop-down's letter) still found the field in view, and the scroll then took it away. So a key typed into
a field of a form that scrolls sends `LookAgain` up the same way behind it: at the app, the page key's
scroll has been asked for, and the field is looked at again once it is made. Only a form that has
scrolled since the key is looked at: every key of a scan comes this way, and a form that stayed put
still shows its field whole.

A character typed into a field asks for no scroll of its form, so only the first key typed after
anything else (a page key, Tab, the wheel, a click, a paste) sends the look (`TypedRun`): the keys typed
behind it into the same field, with the form where it was, come after that look and need none of their
own. A scan's keys, and a clerk's word, send one look, not one a key.

The focus moved right behind a page key (Tab pressed as PageDown still scrolls, a key typed ahead of a
busy moment) is looked at the same way: Textual shows the widget it focuses at once, the page's scroll
came after and took it away, and the focus sat on a table the clerk could not see.

A field brought into view at once (the screen's drawing showed it out of view) is looked at again
the same way: a page key's scroll asked for just before was still to come, and took it away.

Either look is made for the field that still has its screen's focus, with a dialog come over it: F11
right behind (a refusal's reason) took the app's focus before the page's scroll was made, and the clerk
came back from it to the field out of sight.
"""

from __future__ import annotations

from typing import Any

from textual import events
from textual.errors import NoWidget
from textual.geometry import Offset
from textual.message import Message
from textual.widget import Widget
from textual.widgets import Input


class LookAgain(Message):
    """Behind a key for `focused`, a field of the scrolling `form`, shown whole as the key came (the
    form scrolled to `offset`)."""

    def __init__(self, focused: Widget, form: Widget, event: events.Key | events.Paste) -> None:
        super().__init__()
        self.focused, self.form, self.event = focused, form, event
        self.offset = form.scroll_offset


class TypedRun:
    """The field the last key was typed into (a character into a text field shown whole), and its
    form's scroll offset then; none after any other key or input, which may have asked for a scroll
    not made yet."""

    def __init__(self) -> None:
        self._field: Widget | None = None
        self._offset: Offset | None = None

    def needs_look(self, focused: Widget, form: Widget, event: events.Key | events.Paste) -> bool:
        """`event` goes to `focused`, shown whole in the scrolling `form`: it needs a look behind it
        unless the key before it was typed into the same field, with the form where it is now."""
        offset = form.scroll_offset
        follows = self._field is focused and self._offset == offset
        typed = isinstance(event, events.Key) and event.is_printable and isinstance(focused, Input)
        self._field, self._offset = (focused, offset) if typed else (None, None)
        return not follows

    def broken(self) -> None:
        """Anything but a key typed into a field shown whole: the next key looks again."""
        self._field = self._offset = None


def bring_focus_into_view(app: Any, event: events.Key | events.Paste) -> None:
    """Before `event` is handed to the focused widget: scroll that widget wholly into view if the key
    goes to it (a paste always does) and it is not shown whole, or look again behind the keys before
    it, if it is in a form that scrolls."""
    focused = app.focused
    run: TypedRun = app.typed_run
    if focused is None:
        run.broken()
        return
    screen = focused.screen
    try:
        geometry = screen.find_widget(focused)
    except NoWidget:  # not laid out yet
        run.broken()
        return
    if geometry.clip.contains_region(geometry.region):
        form = next((node for node in focused.ancestors if _scrolls(node)), None)
        if form is None:
            run.broken()
        elif run.needs_look(focused, form, event):
            focused.post_message(LookAgain(focused, form, event))  # up the page key's way, behind it
        return  # shown whole: the usual case, so the bindings are looked at only past here
    run.broken()
    if isinstance(event, events.Key) and not _goes_to(focused, event):
        return
    screen.scroll_to_widget(focused, animate=False, immediate=True)
    form = next((node for node in focused.ancestors if _scrolls(node)), None)
    if form is not None:
        # A page key right before this one may have asked for its scroll, not made yet: it would take
        # the field away again.
        focused.post_message(LookAgain(focused, form, event))


def look_again(app: Any, message: LookAgain) -> None:
    """At the app, behind the keys before it: once the form has made the scrolls they asked for (each
    waits for the form's turn, in order), the field is shown whole again if the key went to it and it
    still has its screen's focus. A scroll asked for after the key (the clerk paged on) comes after this
    look."""
    focused, form, event = message.focused, message.form, message.event

    def scrolled() -> None:
        if not _still_focused(focused):
            return
        gliding = [a for a in ("scroll_x", "scroll_y") if app.animator.is_being_animated(form, a)]
        if not gliding and form.scroll_offset == message.offset and _in_view(focused, form):
            # The form stayed put: its field is shown as the key found it. (A page key right behind
            # another ended that one's glide, which moves the form before the screen is redrawn: the
            # key found its field on the old drawing, and the form where it was paged to.)
            return
        for attribute in gliding:
            app.animator.force_stop_animation(form, attribute)  # where a page key's glide ends
        if isinstance(event, events.Key) and not _goes_to(focused, event):
            return
        # By the form's scroll offsets, not the screen's map, which is redrawn only after this.
        focused.screen.scroll_to_widget(focused, animate=False, immediate=True)

    form.call_after_refresh(scrolled)


def look_after_focus(app: Any, widget: Widget) -> None:
    """`widget` was just focused: once the form it is in has made the scrolls already asked for, it is
    brought back into view if they left none of it shown. One still partly shown (a click on it, a
    page that ends on it) stays where the clerk put it."""
    form = next((node for node in widget.ancestors if isinstance(node, Widget) and _scrolls(node)), None)
    if form is None:
        return

    def scrolled() -> None:
        if not _still_focused(widget):
            return
        for attribute in ("scroll_x", "scroll_y"):
            app.animator.force_stop_animation(form, attribute)  # where a page key's glide ends
        if not _in_view(widget, form):
            widget.screen.scroll_to_widget(widget, animate=False, immediate=True)

    form.call_after_refresh(scrolled)


def _still_focused(widget: Widget) -> bool:
    """`widget` has its screen's focus still, that screen on top or not: a dialog a key right behind
    opened (F11's reason) takes the app's focus before the page's scroll is made, and gives the field
    its focus back as it closes."""
    return widget.is_attached and widget.screen.focused is widget


def _in_view(widget: Widget, form: Widget) -> bool:
    """Some of `widget` is inside `form`'s view, by the form's scroll offsets (the screen's map of what
    is shown is redrawn only after this)."""
    region, node = widget.virtual_region, widget.parent
    while isinstance(node, Widget) and node is not form:  # the boxes between do not scroll
        region = region.translate(node.virtual_region.offset)
        node = node.parent
    view = form.scrollable_content_region.reset_offset.translate(form.scroll_offset)
    return region.overlaps(view)


def _scrolls(node: Any) -> bool:
    return isinstance(node, Widget) and (node.allow_vertical_scroll or node.allow_horizontal_scroll)


def _goes_to(focused: Any, event: events.Key) -> bool:
    """The key is typed into `focused` (bound by nothing), or is one of its own keys; a key that a
    container, the screen or the app binds is theirs."""
    binding = focused.screen.active_bindings.get(event.key)
    return binding is None or binding.node is focused
