"""A batch the counters share (Returns' carrier batch, Send-out's courier handover), read again when it may
have changed: as the screen comes back on top, and as the live view hears another counter change it.

A screen says how to read the batch it shows (`batch_read`), which of the other counters' changes may
change it (`BATCH_KINDS`, `batch_heard`), whether a batch read is the one still shown (`still_shown`),
and how to show it read again (`show_reread`), which never moves the focus nor clears what was typed.
No read goes while a call of the screen is on its way (its answer is the batch as it is after it), and
any call sent after a read drops that read's answer, read before the call's change.
Nobody asked for such a read: one the database could not answer (busy, locked, unreachable) says
nothing, no bell nor line over what the clerk's last action said, and the batch shown stays until the
next change heard or the next time the screen is on top reads it again. Any other refusal (the batch
gone, the console locked meanwhile) and a bug go the way every call's do.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, ClassVar

from station_console.errors import DatabaseUnavailable
from station_console.services.admin.live import RESYNC
from station_console.tui.live_bridge import LiveBridge
from station_console.tui.screens.base import ModeScreen
from station_console.tui.screens.calls import ServiceCalls

REREAD = "reread"


class SharedBatchScreen(ServiceCalls, ModeScreen):
    # Other counters' changes that may change the batch shown, whichever parcel or send they name.
    BATCH_KINDS: ClassVar[frozenset[str]] = frozenset()

    def batch_read(self) -> Callable[[], Any] | None:
        """How to read the batch shown again (run on a worker); None while none is shown."""
        raise NotImplementedError

    def still_shown(self, batch: Any) -> bool:
        """Whether `batch`, read again, is the one the screen still shows, and changed."""
        raise NotImplementedError

    def show_reread(self, batch: Any) -> None:
        """The batch read again, shown over the old one: the focus and the typed fields left alone."""
        raise NotImplementedError

    def batch_heard(self, message: LiveBridge.Changed) -> bool:
        """Whether another counter's changes may have changed the batch shown."""
        return bool(message.kinds & self.BATCH_KINDS) or RESYNC in message.kinds

    def came_to_front(self) -> None:
        super().came_to_front()
        self.reread()  # back from another mode or a dialog: other counters may have changed the batch

    def on_live_bridge_changed(self, message: LiveBridge.Changed) -> None:
        if self.batch_heard(message):
            self.reread()

    def reread(self) -> None:
        """The batch shown, read again; not while a call of the screen is on its way, and dropped by
        any call sent after it (see `call`)."""
        read = self.batch_read()
        if read is not None and not self.writing():
            self.call(REREAD, read, exclusive=True)

    def call(self, tag: str, fn: Any, **kwargs: Any) -> None:
        if tag != REREAD:  # its answer, read before this call's change, must not land over the newer
            self.drop(REREAD)
        super().call(tag, fn, **kwargs)

    def _say_failed(self, message: ServiceCalls.Failed) -> None:
        # Said, a busy database's refusal of a read the clerk never asked for rang and went red as if
        # their own scan had been refused, over the line their last action said.
        if message.tag == REREAD and isinstance(message.error, DatabaseUnavailable):
            return
        super()._say_failed(message)

    def done_reread(self, batch: Any) -> None:
        # Unchanged, nothing is redrawn: the line keeps what the clerk's last action said.
        if self.still_shown(batch) and not self.writing():
            self.show_reread(batch)
