"""A file a parser refused, said in the clerk's language with where to look: Python's parsers word
their errors in English ("Expected '=' after a key in a key/value pair (at line 1, column 5)"), which a
Chinese screen must not quote. Each gives the reason as a message to put in a refusal's `{reason}`."""

from __future__ import annotations

import json
import re
import tomllib

from station_console.i18n import N_
from station_console.validation_reasons import InvalidValue

# tomllib (3.11) keeps where in its message only: "... (at line 1, column 5)" or "(at end of document)".
_TOML_AT = re.compile(r"at line (\d+), column (\d+)")


def toml_at(exc: tomllib.TOMLDecodeError) -> tuple[int, int] | None:
    """The line and column tomllib refused the text at, when it says."""
    at = _TOML_AT.search(str(exc))
    return (int(at[1]), int(at[2])) if at else None


def toml_error(exc: tomllib.TOMLDecodeError) -> InvalidValue:
    at = toml_at(exc)
    if at is not None:
        return InvalidValue(
            N_("not valid TOML at line {line}, column {column}: check that line"), line=at[0], column=at[1]
        )
    if "end of document" in str(exc):
        return InvalidValue(N_("not valid TOML: the file ends too soon; check its last lines"))
    return InvalidValue(N_("not valid TOML"))


def json_error(exc: ValueError) -> InvalidValue:
    """`json.loads`'s refusal (a `JSONDecodeError`, or a text that is not UTF-8)."""
    if isinstance(exc, json.JSONDecodeError):
        return InvalidValue(
            N_("not valid JSON at line {line}, column {column}: check that line"),
            line=exc.lineno,
            column=exc.colno,
        )
    if isinstance(exc, UnicodeDecodeError):
        return InvalidValue(N_("not UTF-8 text"))
    return InvalidValue(N_("not valid JSON"))


def csv_error(line: int) -> InvalidValue:
    """The csv reader's refusal (a NUL byte, an unclosed quote, a field past its limit) at `line`."""
    return InvalidValue(N_("not CSV this console can read at line {line}: check that line"), line=line)
