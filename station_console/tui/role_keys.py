"""A console key whose action the signed-in clerk may not do is refused as it is pressed.

The role table (`services/core/roles.py`, `ACTIONS`) names each console key by its binding id; the
action method a key runs is marked with that id (`@role_key("shelves.edit")`), and before anything
opens (a form, a question, a sub-screen) the mark asks the table, through `require`, whether whoever
is signed in may do it. A refusal is the service's own sentence ("Only a manager can edit shelves. Ask
a manager to sign in."), shown where the screen shows the service's refusals (`failed`), and nothing
opens. Nobody signed in is refused the same way. The service still checks on its own: this only says
it sooner. `require` reads the clerk's role from the station, no database, so it runs on the UI thread.
The footer shows such a key dimmed (`refused`), and pressing it still says why.

A key that does one of two manager actions by the screen's state (Pickup's Ctrl+O: the recall
override on a list with a recalled parcel, else the missing-scan one) names the one it would do
(`role_key(key, said_as=...)`), so the refusal says what the clerk wanted; the key's own action in the
table still decides whether it is refused.
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable
from typing import Any, TypeVar

Method = TypeVar("Method", bound=Callable[..., Any])


def refused(app: Any, key: str | None, said_as: str | None = None) -> str | None:
    """Why the clerk signed in to `app` may not press the key with binding id `key`; None if they may
    (or the key names no action of the table, or the station is not open yet). `said_as` names the
    action the key would do now, when it is refused for that too, to word the refusal."""
    if not key or not getattr(app, "station_open", False):
        return None
    action = _action_of().get(key)
    if action is None:
        return None
    from station_console.services.core.roles import refusal  # loaded by _action_of already

    refused = refusal(app.station, action)  # the role alone: no database on the UI thread
    if refused is None:
        return None
    if said_as is not None:
        refused = refusal(app.station, said_as) or refused
    return refused.message()


@functools.cache
def _action_of() -> dict[str, str]:
    """Each console key's action in the role table (binding id -> action name)."""
    # Here, not at the top: the footer loads with the sign-in dialog, before SQLAlchemy (start-up time).
    from station_console.services.core.roles import ACTIONS

    return {key: name for name, spec in ACTIONS.items() for key in spec.keys}


def role_key(key: str, said_as: Callable[[Any], str] | None = None) -> Callable[[Method], Method]:
    """Mark the action method a key (binding id `key`) runs: refused at once when the role table says
    the signed-in clerk may not do its action. The screen's `failed(key, text)` shows the refusal, as it
    shows a service's; a screen without one rings the bell and says it in a notification. `said_as`,
    given the screen, names the table's action the key would do in its state (UI thread, no database),
    for the refusal's wording."""

    def mark(method: Method) -> Method:
        if inspect.iscoroutinefunction(method):

            @functools.wraps(method)
            async def checked_async(self: Any, *args: Any, **kwargs: Any) -> Any:
                if not _said_refused(self, key, said_as):
                    return await method(self, *args, **kwargs)
                return None

            wrapper: Any = checked_async
        else:

            @functools.wraps(method)
            def checked(self: Any, *args: Any, **kwargs: Any) -> Any:
                if not _said_refused(self, key, said_as):
                    return method(self, *args, **kwargs)
                return None

            wrapper = checked
        wrapper.role_key = key  # tests/security/test_p2_key_roles.py checks each key's method carries it
        return wrapper  # type: ignore[no-any-return]

    return mark


def _said_refused(node: Any, key: str, said_as: Callable[[Any], str] | None) -> bool:
    text = refused(node.app, key, said_as(node) if said_as is not None else None)
    if text is None:
        return False
    failed = getattr(node, "failed", None)
    if callable(failed):
        failed(key, text)
    else:
        node.app.bell()
        node.notify(text, severity="error", markup=False)
    return True
