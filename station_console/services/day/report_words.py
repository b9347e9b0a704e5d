"""The words every part of the day report shares: a difference's issue, a sum in a column or a
sentence, a carrier as a person reads it (the sentences, `summary.py` and `fee_lines.py`, and the
tables, `export.py`)."""

from __future__ import annotations

from typing import Any

from station_console.i18n import CURRENT, N_, Translator
from station_console.services.core.money import amount, decimal_text

# Why a parcel or a send does not balance, by the code the figures keep (reconcile.py, sendout/figures.py):
# a person reads the words, in the report's language; a program reads the code in the JSON and CSV.
ISSUE_LABELS = {
    "records_vs_events": N_("its record and its events disagree"),
    "record_inconsistent": N_("its record does not add up"),
    "no_checkin_event": N_("no check-in event"),
    "undo_mismatch": N_("its undone check-in does not match its events"),
    "equation": N_("the sends do not add up"),
}


def issue_text(issue: str, tr: Translator = CURRENT) -> str:
    """A difference's issue in words (a code this catalogue does not know yet: as stored)."""
    label = ISSUE_LABELS.get(issue)
    return tr(label) if label else issue


def money(cents: int) -> str:
    """A figure in a column of sums (the table's fees): its currency is the report's."""
    return decimal_text(cents)


def sum_text(report: dict[str, Any], cents: int, tr: Translator = CURRENT) -> str:
    """A sum in a sentence of the report, in its language with its currency (`12.00 元`)."""
    return amount(cents, report.get("currency") or "CNY", tr.lang)


def carrier_shown(report: dict[str, Any], code: str) -> str:
    """A carrier as a person reads it on the screen and on paper: its short name, as every list names
    it; its code when it has none (the figures themselves stay keyed by code)."""
    return report.get("carrier_names", {}).get(code) or code
