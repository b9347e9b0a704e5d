"""Logging to a file in the user log folder, with phone numbers masked on the way out.

Nothing a clerk does prints a traceback on screen; unexpected errors land here instead.
"""

from __future__ import annotations

import functools
import json
import logging
import logging.handlers
import re
from importlib import resources
from pathlib import Path

from platformdirs import user_log_dir

from station_console.phone_masking import mask, mask_phones
from station_console.phone_reading import landline_written, phone_digits
from station_console.private_files import open_private_append_text, private_dir

APP_NAME = "station-console"
# A log line is masked by the rule notes are stored by (`phone_masking.py`): a waybill stays readable,
# so a parcel can be traced through the log. A log line is not typed by a clerk, though: a server's
# answer or a key may glue letters to a number (`to=%2B8613812345678`, `phone13812345678`), and a PIN or
# a number without its country code (`4915123456789`) is a bare run of digits. So the log also masks what
# the rule leaves: a mainland mobile whatever touches it, grouped by any space or dash; any `+` number;
# and any other run of 7 to 15 digits no letter touches, but for a shipped carrier's all-digit waybill.
# What stays: those waybills, runs of 16 or more digits, and shorter ones a carrier's letters touch
# (`SF1234567890123`, `JDVA00123456789`, `RB123456785GB`) but for an 11-digit `1[3-9]` run.
# A scanner's AIM prefix (`]C1`) glued to it is no part of the number, as for `mask_phones`.
_PHONE = re.compile(r"(?:(?<!\d)|(?<=\][A-Za-z][0-9]))(?:(?:\+|00)?86)?(1[3-9]\d)\d{4}(\d{4})(?!\d)")
_PHONE_SPACED = re.compile(r"(?<![\d+])(?:\+?86[\s\-]?)?(1[3-9]\d)[\s\-]\d{4}[\s\-]?(\d{4})(?!\d)")
_INTERNATIONAL = re.compile(r"\+\d[\d\s\-]{5,}(\d{4})(?!\d)")
_BARE_DIGITS = re.compile(r"(?<![\dA-Za-z])\d{7,15}(?![\dA-Za-z])")
# Digits in groups, as `phone_digits` reads a phone (spaces, dashes, dots, brackets, a `+`), that no
# letter or digit touches: read as a phone by `_written_phones`.
_GROUPED = re.compile(r"(?<![\dA-Za-z+(])[+(]?\d[\d\s\-\u2010-\u2015\u2212().]*(?<=\d)\)?(?![\dA-Za-z])")
_TOKEN = re.compile(r"\S+")


@functools.cache
def _waybill_shapes() -> list[re.Pattern[str]]:
    """The shipped carrier table's all-digit waybill shapes that fix their first digits (ZTO `7[34568]…`,
    YUNDA, STO, EMS, Cainiao): a shape a run of zeros fits takes any run (FedEx's 15 digits), which could
    be a foreign number without its `+`, so it is left out."""
    rows = json.loads((resources.files("station_console") / "data" / "carriers.json").read_text("utf-8"))
    patterns = [re.compile(spec["regex"]) for row in rows for spec in row["patterns"]]
    digits_only = [p for p in patterns if not re.search(r"[A-Za-z]", p.pattern.replace("\\d", ""))]
    return [p for p in digits_only if not any(p.fullmatch("0" * n) for n in range(1, 41))]


def _bare_digits(match: re.Match[str]) -> str:
    run = match.group()
    if len(run) >= 13 and any(shape.fullmatch(run) for shape in _waybill_shapes()):
        return run
    return f"****{run[-4:]}"


def _written_phone(text: str) -> str | None:
    """`text` masked when `phone_digits` reads it as a mobile, or as a landline people write (its area
    code set apart: digits run together are left to `_BARE_DIGITS`, which spares the carriers' waybills)."""
    digits = phone_digits(text)
    if digits.mobile is not None:
        return mask(digits.mobile)
    return f"****{digits.number[-4:]}" if landline_written(text) else None


def _written_phones(match: re.Match[str]) -> str:
    """A run of digit groups masked when it is a phone as written, else each part of it no space
    breaks that is one (`to 3 021.6666.7777 12`): the log sees every way of writing a phone that the
    station reads (`+86 (0)10 1234 5678`). A waybill printed in groups (`9361 2898 7870 0317 6337 95`)
    is left whole: no part of it is taken as a phone unless written as one alone."""
    run = match.group()
    whole = _written_phone(run)
    if whole is not None:
        return whole
    return _TOKEN.sub(lambda token: _written_phone(token.group()) or token.group(), run)


def mask_text(text: str) -> str:
    text = mask_phones(_GROUPED.sub(_written_phones, text))
    text = _INTERNATIONAL.sub(r"****\1", text)
    text = _PHONE_SPACED.sub(r"\1****\2", text)
    text = _PHONE.sub(r"\1****\2", text)
    return _BARE_DIGITS.sub(_bare_digits, text)


class MaskingFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        return mask_text(super().format(record))


def log_path() -> Path:
    return Path(user_log_dir(APP_NAME, appauthor=False)) / "station.log"


class PrivateRotatingFileHandler(logging.handlers.RotatingFileHandler):
    """The log (and each rotation of it) is created 0600: even masked, it says who did what."""

    def _open(self):  # type: ignore[no-untyped-def]
        return open_private_append_text(Path(self.baseFilename), encoding=self.encoding, errors=self.errors)


# The station's own loggers: its packages, and the names it gives ("station.scanner"). Each other library
# logs its warnings and errors only, so its chatter stays out: fontTools said a line for each table it
# pruned (some 50) each time a PDF was written.
OWN_LOGGERS = ("station", "station_console", "hardware", "db")


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
    root.setLevel(max(level, logging.WARNING))
    for name in OWN_LOGGERS:
        logging.getLogger(name).setLevel(level)
    return path
