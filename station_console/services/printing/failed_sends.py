"""A printer that did not take a job says why in the clerk's words, not the system's English.

The hardware layer has no translations: a transport's refusal carries the system's English as its
`reason` and the error as its `__cause__`. Here that reason is put in the clerk's words, one way for
every transport: a file printer's write as every file the console writes says it
(`private_files.write_reason`: no permission, a read-only disk, no such folder, a folder in its
place); a device's or a network printer's by what stopped it (not plugged in, no permission, the
connection refused, no answer in time, no such host). An error this console has no words for goes by
its errno's name (`EIO`); the English goes to the log. The one place a send's failure reaches the
services.
"""

from __future__ import annotations

import errno
import logging

from hardware.messages import Message
from hardware.printers.transports import CANNOT_WRITE, PrinterError
from station_console.i18n import N_
from station_console.private_files import write_reason_message
from station_console.services.core.network_reasons import NETWORK_REASONS, os_reason

# A device's own reasons, then the network's (`network_reasons.NETWORK_REASONS`, taken whole, not copied).
_DEVICE_REASONS = {
    errno.ENOENT: N_("not plugged in or switched off"),
    errno.ENODEV: N_("not plugged in or switched off"),
    errno.ENXIO: N_("not plugged in or switched off"),
    errno.EACCES: N_("this system user is not allowed to use it"),
    errno.EPERM: N_("this system user is not allowed to use it"),
    errno.EBUSY: N_("another program is using it"),
    errno.EISDIR: N_("it is a folder, not a printer"),
    errno.EIO: N_("the device failed while it was sent the job"),
    **NETWORK_REASONS,
}
_NO_SUCH_HOST = N_("no device of that name on the network")


def in_clerks_words(error: PrinterError) -> PrinterError:
    """`error` as the queue stores and shows it: the system's English `reason` replaced by the clerk's
    (kept by its id, read in the reader's language); one with no system error behind it as it is."""
    cause = error.__cause__
    if "reason" not in error.message.params or not isinstance(cause, OSError):
        return error
    logging.getLogger(__name__).warning("printer: %s (%s)", error.message, cause)
    said = PrinterError(
        error.code, error.message.msgid, **{**error.message.params, "reason": _reason(error, cause)}
    )
    said.__cause__ = cause
    return said


def _reason(error: PrinterError, cause: OSError) -> Message | str:
    if error.message.msgid == CANNOT_WRITE:
        return write_reason_message(cause)
    said = os_reason(cause, _DEVICE_REASONS, _NO_SUCH_HOST)
    # No errno (a library's own error): its words, as data.
    return said if said is not None else str(error.message.params["reason"])
