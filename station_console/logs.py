"""Logging to a file in the user log folder, with phone numbers masked on the way out.

Nothing a clerk does prints a traceback on screen; unexpected errors land here instead.
"""

from __future__ import annotations

import logging
import logging.handlers
import os
import re
from pathlib import Path

from platformdirs import user_log_dir

from station_console.private_files import private_dir

APP_NAME = "station-console"
# 11-digit Chinese mobiles and any run of 7+ digits that could be a phone; waybills are logged rarely and
# a masked waybill in a log costs nothing.
_PHONE = re.compile(r"(?<!\d)(1\d{2})\d{4}(\d{4})(?!\d)")
# The same typed with +86 and spaces or dashes (`+86 139-8765-4321`), and any `+` international number.
_PHONE_SPACED = re.compile(r"(?<![\d+])(?:\+?86[\s\-]?)?(1\d{2})[\s\-]\d{4}[\s\-]?(\d{4})(?!\d)")
_INTERNATIONAL = re.compile(r"\+\d[\d\s\-]{5,}(\d{4})(?!\d)")
_LONG_DIGITS = re.compile(r"(?<!\d)\d{3,11}(\d{4})(?!\d)")  # 7-15 digits: a foreign number without its +


def mask_text(text: str) -> str:
    text = _INTERNATIONAL.sub(r"****\1", text)
    text = _PHONE_SPACED.sub(r"\1****\2", text)
    text = _PHONE.sub(r"\1****\2", text)
    return _LONG_DIGITS.sub(r"****\1", text)


class MaskingFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        return mask_text(super().format(record))


def log_path() -> Path:
    return Path(user_log_dir(APP_NAME, appauthor=False)) / "station.log"


class PrivateRotatingFileHandler(logging.handlers.RotatingFileHandler):
    """The log (and each rotation of it) is created 0600: even masked, it says who did what."""

    def _open(self):  # type: ignore[no-untyped-def]
        fd = os.open(self.baseFilename, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
        return os.fdopen(fd, self.mode, encoding=self.encoding, errors=self.errors)


def setup_logging(level: int = logging.INFO) -> Path:
    path = log_path()
    private_dir(path.parent, tighten=True)
    handler = PrivateRotatingFileHandler(path, maxBytes=2_000_000, backupCount=5, encoding="utf-8")
    handler.setFormatter(MaskingFormatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger()
    for old in [h for h in root.handlers if isinstance(h, PrivateRotatingFileHandler)]:
        root.removeHandler(old)
        old.close()  # its file, else left open for each command and the console that set up again
    root.addHandler(handler)
    root.setLevel(level)
    return path
