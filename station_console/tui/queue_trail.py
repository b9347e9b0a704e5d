"""The queues an event given to a widget passes on its way to being answered, and a callback sent along
them: what waits for an answer (keys held behind an Enter, a paste behind keys given back) goes on only
once a callback has come out behind it at each queue in turn."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from textual.dom import DOMNode
from textual.message_pump import MessagePump


def trail(widget: DOMNode, app: Any, rounds: int = 2) -> list[MessagePump]:
    """The widget's queue and its containers' up to the screen, then the app's, `rounds` times (an
    Enter's Submitted comes back up through them; a binding acts on the app's queue)."""
    path = [pump for pump in widget.ancestors_with_self if pump is not app]
    return [*path, app] * rounds


def follow_then(app: Any, pumps: list[MessagePump], then: Callable[[], None]) -> None:
    """`then` on the app's queue once a callback has passed through each of `pumps` in turn, behind
    what each holds; a pump closed meanwhile (a dialog a key closed) is passed by."""
    while pumps:
        pump = pumps.pop(0)
        if pump.call_later(follow_then, app, pumps, then):
            return
    app.call_later(then)
