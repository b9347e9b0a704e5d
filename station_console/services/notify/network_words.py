"""Why the SMS gateway or the mail server could not be reached, in the clerk's words.

urllib and smtplib raise the system's error, whose words are English: '[Errno 111] Connection refused'
was kept as the reason and shown so on a Chinese console. The usual reasons are said as the printers
say them (`core/network_reasons.py`, the same sentences); one this console has no words for goes by its
errno's name (`ECONNABORTED`), and a library's or a server's own words stay as they are, as data.
"""

from __future__ import annotations

import logging
import ssl
import urllib.error

from hardware.messages import Message
from station_console.i18n import N_
from station_console.services.core.network_reasons import NETWORK_REASONS, os_reason

NO_SUCH_SERVER = N_("no server of that name on the network")


def unreachable_reason(error: BaseException) -> Message | str:
    """Why `error` (a URLError, an OSError, an SMTP error) kept the message from its server."""
    cause = error.reason if isinstance(error, urllib.error.URLError) else error
    if not isinstance(cause, OSError) or isinstance(cause, ssl.SSLError):
        return str(cause)  # a library's own words (a refused certificate, a server's answer): as data
    logging.getLogger(__name__).warning("notify: server not reached: %s", cause)
    said = os_reason(cause, NETWORK_REASONS, NO_SUCH_SERVER)
    return said if said is not None else str(cause)
