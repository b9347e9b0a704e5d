"""The one type of a run or a batch named on the command line: its number as the paper shows it
(RB000003, rb3) or its bare id (3), whichever the clerk has in hand. A print job likewise, as the
audit trail shows it (#1525) or bare.

A number of another kind (HB000003, a courier batch's, where a return batch is wanted) would name
another table's row by the same id, so it is refused, as is what is no number at all: in the clerk's
language, exit 1, JSON under --json, as `WRITTEN_FILE` refuses a folder (after every option is read:
`--json` may be typed after the number). click's own "not a valid integer" was English and exit 2.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import click

from station_console.cli_help import after_parsing
from station_console.commands._file_paths import answers_in_json
from station_console.commands._support import fail
from station_console.errors import Refused
from station_console.i18n import N_, Later, get_language, translate
from station_console.safe_text import cut
from station_console.services.core.paper_numbers import (
    COURIER_BATCH,
    HANDOVER_BATCH,
    RETURN_BATCH,
    RUN,
    paper_number,
)

PRINT_JOB = "#"  # the audit trail's "print job: #1525"; its other lists show the bare id

# The kinds of paper, each by the number it reads ("a return batch's number").
KINDS = {
    RUN: N_("a door delivery run's number"),
    COURIER_BATCH: N_("a courier batch's number"),
    HANDOVER_BATCH: N_("a send-out handover batch's number"),
    RETURN_BATCH: N_("a return batch's number"),
    PRINT_JOB: N_("a print job's number"),
}

OTHER_KIND = N_("{given} is {kind}, not {wanted} ({example}).")
NOT_A_NUMBER = N_("{given} is not {wanted}: type it as its paper shows it ({example}) or as {id}.")

# Two letters, a `#` or none, then the digits (18 at most: SQLite's integers end at 19).
_PAPER = re.compile(r"([A-Za-z]{2}|#)?(\d{1,18})")


@dataclass(frozen=True)
class _Kind(Later):
    """A kind of paper as a refusal's parameter, in the language the refusal is shown in."""

    msgid: str

    def message(self, lang: str | None = None) -> str:
        return translate(self.msgid, lang or get_language())


def paper_id(prefix: str, given: str) -> int:
    """The row id `given` names, as a number of `prefix`'s kind or bare; a `Refused` otherwise."""
    found = _PAPER.fullmatch(given.strip())
    letters = found.group(1).upper() if found and found.group(1) else prefix
    if found and letters == prefix:
        return int(found.group(2))
    wanted, example = _Kind(KINDS[prefix]), _example(prefix)
    shown = cut(given.strip(), 40)
    if found and letters in KINDS:
        kind = _Kind(KINDS[letters])
        raise Refused(OTHER_KIND, code="other_kind", given=shown, kind=kind, wanted=wanted, example=example)
    raise Refused(NOT_A_NUMBER, code="not_a_number", given=shown, wanted=wanted, example=example, id=3)


def _example(prefix: str) -> str:
    return f"{PRINT_JOB}3" if prefix == PRINT_JOB else paper_number(prefix, 3)


class PaperId(click.ParamType):
    """A run's or a batch's id, typed bare or as its paper's number of `prefix`'s kind."""

    name = "id"

    def __init__(self, prefix: str) -> None:
        self.prefix = prefix

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        if isinstance(value, int):  # a default, already an id
            return value
        try:
            return paper_id(self.prefix, str(value))
        except Refused as refusal:
            refused = refusal  # `refusal` is unbound once the except ends; the check below runs later
        if ctx is None:
            fail(refused)
        else:  # once every option is read: `--json` may be typed after the number
            after_parsing(ctx, lambda ctx: fail(refused, as_json=answers_in_json(ctx)))
        return 0  # a placeholder: the command never runs (a required argument must not be missing)


RUN_ID = PaperId(RUN)
COURIER_BATCH_ID = PaperId(COURIER_BATCH)
HANDOVER_BATCH_ID = PaperId(HANDOVER_BATCH)
RETURN_BATCH_ID = PaperId(RETURN_BATCH)
PRINT_JOB_ID = PaperId(PRINT_JOB)
