"""Every toast a console shows, kept for a test to read however long it looked away.

A toast lasts 5 s (`App.NOTIFICATION_TIMEOUT`) and `app._notifications` drops it once expired: read
live after a sign-in, a settle or a worker on a loaded machine, a toast that was shown may already be
gone, and a test asserting it was there fails by the machine's luck. `shown(app)` keeps each toast as
the console puts it up (Textual's `Notify` or a screen's own toast, `held_toasts.py`): a toast held
under a lock counts once it is shown to the clerk who signs in, as the clerk reads it. `Shown.taken_down`
keeps those the console took down before their time (a screen's own toast as another screen comes on
top, an error toast once read): what a live read after the screen changed also saw gone.
"""

from __future__ import annotations

from typing import Any


class Shown(list[str]):
    """The texts of the toasts put up, in order; `taken_down`: those taken down before their time."""

    taken_down: list[str]


def shown(app: Any) -> Shown:
    """From now on, the text of every toast `app` puts up, in order (the list fills as they come)."""
    texts = Shown()
    texts.taken_down = []
    toasts = app._notifications
    add, unnotify = toasts.add, app._unnotify

    def kept(notification: Any) -> Any:
        texts.append(str(notification.message))
        return add(notification)

    def taken_down(notification: Any, *args: Any, **kwargs: Any) -> Any:
        if not notification.has_expired:  # else its own timer took it down, at its time
            texts.taken_down.append(str(notification.message))
        return unnotify(notification, *args, **kwargs)

    toasts.add = kept
    app._unnotify = taken_down
    return texts
