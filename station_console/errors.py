"""Errors a clerk can act on.

A service refuses bad input by raising a `StationError`: a stable machine `code` (for JSON and tests)
and an English message id with parameters, translated only when shown, so one error reads right in
either language. Anything that is not a `StationError` is a bug and is logged, never shown raw.
"""

from __future__ import annotations

from typing import Any

from station_console.i18n import get_language, translate


class StationError(Exception):
    """A refusal with a reason the clerk can act on. Nothing was written."""

    code = "error"

    def __init__(self, msgid: str, /, *, code: str | None = None, **params: Any) -> None:
        super().__init__(msgid)
        self.msgid = msgid
        self.params = params
        if code is not None:
            self.code = code

    def message(self, lang: str | None = None) -> str:
        return translate(self.msgid, lang or get_language(), **self.params)

    def __str__(self) -> str:
        return self.message()


class NotFound(StationError):
    code = "not_found"


class Refused(StationError):
    code = "refused"


class PermissionDenied(StationError):
    code = "permission_denied"


class DatabaseUnavailable(StationError):
    """The database is locked, read-only, full or unreachable: retry later, nothing was written."""

    code = "database_unavailable"
