"""Why a device or a server could not be reached, in the clerk's words: the system's error is English
('[Errno 111] Connection refused'). One way for the printers (`printing/failed_sends.py`) and the message
channels (`notify/network_words.py`), each adding the words of its own kind of device."""

from __future__ import annotations

import errno
import socket
from collections.abc import Mapping

from hardware.messages import Message
from station_console.i18n import N_

NETWORK_REASONS = {
    errno.ECONNREFUSED: N_("the connection was refused"),
    errno.ECONNRESET: N_("the connection was cut"),
    errno.EPIPE: N_("the connection was cut"),
    errno.ETIMEDOUT: N_("no answer in time"),
    errno.EHOSTUNREACH: N_("the network cannot reach it"),
    errno.ENETUNREACH: N_("the network cannot reach it"),
    errno.EHOSTDOWN: N_("the network cannot reach it"),
    errno.ENETDOWN: N_("the network cannot reach it"),
}


def os_reason(cause: OSError, reasons: Mapping[int, str], no_such_host: str) -> Message | str | None:
    """`cause` in the words of `reasons` (by errno), `no_such_host` for a name the network does not know;
    an errno with no words goes by its name (`ECONNABORTED`); None when it has no errno at all."""
    if isinstance(cause, socket.gaierror):  # its errno is the resolver's (EAI_NONAME), not the system's
        return Message(no_such_host)
    if isinstance(cause, TimeoutError):
        return Message(reasons[errno.ETIMEDOUT])
    msgid = reasons.get(cause.errno or 0)
    if msgid is not None:
        return Message(msgid)
    if cause.errno is not None and cause.errno in errno.errorcode:
        return errno.errorcode[cause.errno]
    return None
