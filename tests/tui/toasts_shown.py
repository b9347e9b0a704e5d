"""Every toast a console shows, kept for a test to read however long it looked away.

A toast lasts 5 s (`App.NOTIFICATION_TIMEOUT`) and `app._notifications` drops it once expired: read
live after a sign-in, a settle or a worker on a loaded machine, a toast that was shown may already be
gone, and a test asserting it was there fails by the machine's luck. `shown(app)` keeps each toast as
the console puts it up (Textual's `Notify` or a screen's own toast, `held_toasts.py`): a toast held
under a lock counts once it is shown to the clerk who signs in, as the clerk reads it.
"""

from __future__ import annotations

from typing import Any


def shown(app: Any) -> list[str]:
    """From now on, the text of every toast `app` puts up, in order (the list fills as they come)."""
    texts: list[str] = []
    toasts = app._notifications
    add = toasts.add

    def kept(notification: Any) -> Any:
        texts.append(str(notification.message))
        return add(notification)

    toasts.add = kept
    return texts
