"""A file printer that could not write its file says why in the clerk's words, as every file the console
writes does (`private_files.write_reason`: no permission, a read-only disk, no such folder, a folder in
its place, else the error's name). The hardware layer has no translations: it says the system's
English, which goes to the log from here. The one place a send's failure reaches the services."""

from __future__ import annotations

import logging

from hardware.messages import Message
from hardware.printers.transports import CANNOT_WRITE, PrinterError
from station_console.private_files import write_reason
from station_console.validation_reasons import InvalidValue


def in_clerks_words(error: PrinterError) -> PrinterError:
    """`error` as the queue stores and shows it: a file printer's write with the clerk's reason in
    place of the system's English (kept by its id, read in the reader's language); others as they are."""
    cause = error.__cause__
    if error.message.msgid != CANNOT_WRITE or not isinstance(cause, OSError):
        return error
    logging.getLogger(__name__).warning("printer cannot write %s: %s", error.message.params["file"], cause)
    reason = write_reason(cause)
    words = Message(reason.msgid) if isinstance(reason, InvalidValue) else reason
    said = PrinterError(error.code, CANNOT_WRITE, **{**error.message.params, "reason": words})
    said.__cause__ = cause
    return said
