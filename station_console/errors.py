"""Errors a clerk can act on.

A service refuses bad input by raising a `StationError`: a stable machine `code` (for JSON and tests)
and an English message id with parameters, translated only when shown, so one error reads right in
either language (a parameter that is itself a message, an `i18n.Later`, too). Anything that is not a
`StationError` is a bug and is logged, never shown raw.
"""

from __future__ import annotations

from typing import Any

from station_console.i18n import get_language, sentences, shown_params, translate, translate_n


def advised(reason: str, advice: str, lang: str) -> str:
    """A reason, then the advice (a message id) in `lang`, as `sentences` puts them one after another."""
    return sentences(reason, translate(advice, lang), lang=lang)


class StationError(Exception):
    """A refusal with a reason the clerk can act on. Nothing was written."""

    code = "error"

    def __init__(
        self,
        msgid: str,
        /,
        *,
        code: str | None = None,
        one: str | None = None,
        advice: str | None = None,
        **params: Any,
    ) -> None:
        """`one`: the English singular of a message about `count` things, `msgid` being its plural
        (as `_n`: Chinese is catalogued under the plural). `advice`: a sentence of its own saying what
        to do, said after the message; a screen whose own hint says it shows `reason()` alone."""
        super().__init__(msgid)
        self.msgid = msgid
        self.one = one
        self.advice = advice
        self.params = params
        # What a script is given beside the message (`--json`), e.g. the batch as it is now: set by
        # the service that refuses, as JSON values.
        self.data: dict[str, Any] = {}
        if code is not None:
            self.code = code

    def reason(self, lang: str | None = None) -> str:
        """What was refused and why, without the advice."""
        lang = lang or get_language()
        params = shown_params(self.params, lang)
        if self.one is not None:
            return translate_n(self.one, self.msgid, int(params["count"]), lang, **params)
        return translate(self.msgid, lang, **params)

    def message(self, lang: str | None = None) -> str:
        """The reason, then the advice (if any)."""
        lang = lang or get_language()
        if self.advice is None:
            return self.reason(lang)
        return advised(self.reason(lang), self.advice, lang)

    def __str__(self) -> str:
        return self.message()


class NotFound(StationError):
    code = "not_found"


class Refused(StationError):
    code = "refused"


class PermissionDenied(StationError):
    code = "permission_denied"


# The refusal of a signed-in clerk a manager deactivated since, or made a clerk from a manager
# (services/core/standing.py); the console locks on it, as at a sign-out. Here, not there: the sign-in
# screen must not load the services.
DEACTIVATED = "signed_in_deactivated"


class DatabaseUnavailable(StationError):
    """The database is locked, read-only, full or unreachable: retry later, nothing was written."""

    code = "database_unavailable"
