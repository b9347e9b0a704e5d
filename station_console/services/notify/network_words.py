"""Why the SMS gateway or the mail server could not be reached, in the clerk's words.

urllib and smtplib raise the system's error, whose words are English: '[Errno 111] Connection refused'
was kept as the reason and shown so on a Chinese console. The usual reasons are said as the printers
say them (`printing/failed_sends.py`, the same sentences); one this console has no words for goes by its
errno's name (`ECONNABORTED`), and a library's or a server's own words stay as they are, as data.
"""

from __future__ import annotations

import errno
import logging
import socket
import ssl
import urllib.error

from hardware.messages import Message
from station_console.i18n import N_

_REASONS = {
    errno.ECONNREFUSED: N_("the connection was refused"),
    errno.ECONNRESET: N_("the connection was cut"),
    errno.EPIPE: N_("the connection was cut"),
    errno.ETIMEDOUT: N_("no answer in time"),
    errno.EHOSTUNREACH: N_("the network cannot reach it"),
    errno.ENETUNREACH: N_("the network cannot reach it"),
    errno.EHOSTDOWN: N_("the network cannot reach it"),
    errno.ENETDOWN: N_("the network cannot reach it"),
}
NO_SUCH_SERVER = N_("no server of that name on the network")


def unreachable_reason(error: BaseException) -> Message | str:
    """Why `error` (a URLError, an OSError, an SMTP error) kept the message from its server."""
    cause = error.reason if isinstance(error, urllib.error.URLError) else error
    if not isinstance(cause, OSError) or isinstance(cause, ssl.SSLError):
        return str(cause)  # a library's own words (a refused certificate, a server's answer): as data
    logging.getLogger(__name__).warning("notify: server not reached: %s", cause)
    if isinstance(cause, socket.gaierror):  # its errno is the resolver's (EAI_NONAME), not the system's
        return Message(NO_SUCH_SERVER)
    if isinstance(cause, TimeoutError):
        return Message(_REASONS[errno.ETIMEDOUT])
    msgid = _REASONS.get(cause.errno or 0)
    if msgid is not None:
        return Message(msgid)
    if cause.errno is not None and cause.errno in errno.errorcode:
        return errno.errorcode[cause.errno]
    return str(cause)
