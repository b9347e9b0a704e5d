"""A change committed, then a later step of it failed: a closed batch's PDF, a closed day's audit
anchor, an imported file's move, an audited export's write. The change stands, so the step's failure
is not a refusal: the result carries it (`StepFailed`) beside what was done, and each front says both,
why the step failed and how to do it again (the CLI with exit 3, the console on the screen's line)."""

from __future__ import annotations

import shlex
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

from station_console.errors import StationError
from station_console.i18n import N_, _

T = TypeVar("T")

SAVE_AGAIN = N_("To save it again: {command}")


@dataclass(frozen=True)
class StepFailed:
    """`what` was not done, a msgid with the `{reason}` that `error` gives ("Its receipt PDF was not
    saved: {reason}"); `again` is the command that does the step again, offered by `again_text`."""

    what: str
    error: StationError
    again: str
    again_text: str = SAVE_AGAIN

    def lines(self) -> list[str]:
        """What was not done and why, then how to do it again, in the current language: the one
        wording of both fronts (the console's line, the CLI's stderr after what was done)."""
        return [
            _(self.what, reason=self.error.message()),
            _(self.again_text, command=self.again),
        ]

    def to_json(self) -> dict[str, str]:
        return {"error": self.error.code, "message": self.error.message(), "again": self.again}


def after_commit(step: Callable[[], T], what: str, again: str) -> tuple[T | None, StepFailed | None]:
    """Run `step` (after the commit): its result, or None and what failed."""
    try:
        return step(), None
    except StationError as exc:
        return None, StepFailed(what, exc, again)


def command(*words: str | Path) -> str:
    """A command line to paste back, its words quoted for the shell."""
    return " ".join(shlex.quote(str(w)) for w in words)
