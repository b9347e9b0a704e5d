"""What a job waiting for a printer set up wrong says: each printer that could have taken it, by name,
with what is wrong (the first few, then how many more), then where the manager fixes it.

With two wrong label printers only the first was named: the manager fixed it and the labels still
waited, for the second. A printer whose own settings say it would never take the job (its `jobs`, a
label-only language for a receipt) is not one the job waits for."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from station_console.errors import Refused, StationError
from station_console.i18n import N_, get_language, sentences, translate_n

SET_UP_WRONG = N_("Printer {name} is misconfigured: {reason}.")
FIX_IN_SETTINGS = N_("Fix it in Settings > Printers (F8).")
FIX_THEM_IN_SETTINGS = N_("Fix them in Settings > Printers (F8).")
NAMED_AT_MOST = 3  # printers named with their fault; the rest counted


class PrinterSetUpWrong(Refused):
    """One printer whose settings build no printer (`SET_UP_WRONG`). Its `name` parameter is the name as
    said, cut and escaped where no printer may have it (`printer_names.shown_name`); `printer` is the
    whole name, the key its fault is kept under (`printer_of`): two names alike in their first 40
    characters are two printers, each with its own settings and its own line."""

    code = "bad_printer"

    def __init__(self, printer: str, **params: Any) -> None:
        super().__init__(SET_UP_WRONG, advice=FIX_IN_SETTINGS, **params)
        self.printer = printer


def printer_of(fault: StationError) -> str:
    """The whole name of the printer a fault of `CounterPrinters.faults` is about."""
    return fault.printer if isinstance(fault, PrinterSetUpWrong) else str(fault.params["name"])


def could_take(settings: dict[str, Any], kind: str) -> bool:
    """A printer set up wrong (its `settings`) would have taken a job of `kind` once fixed, as far as
    its settings say: a `jobs` list that leaves the kind out, or a label-only language for a document,
    says it would not; a setting that is itself the fault says nothing."""
    from hardware.printers.factory import JOB_KINDS, LANGUAGES  # loaded already: the printers were built

    listed = settings.get("jobs") or JOB_KINDS
    jobs = {str(j) for j in listed} if isinstance(listed, (list, tuple)) else {str(listed)}
    if jobs <= set(JOB_KINDS) and kind not in jobs:
        return False
    language = LANGUAGES.get(str(settings.get("language", "tspl")).lower())
    return language is None or language.document is not None or kind in ("label", "test", "waybill")


class PrinterFaults(Refused):
    """Several printers set up wrong, each said as its own sentence (the first `NAMED_AT_MOST`, then how
    many more); its code and parameters are the first one's."""

    code = "bad_printer"

    def __init__(self, faults: Sequence[StationError], *, advice: str) -> None:
        super().__init__(faults[0].msgid, advice=advice, **faults[0].params)
        self.faults = tuple(faults)

    def reason(self, lang: str | None = None) -> str:
        lang = lang or get_language()
        said = [fault.reason(lang) for fault in self.faults[:NAMED_AT_MOST]]
        more = len(self.faults) - NAMED_AT_MOST
        if more > 0:
            said.append(
                translate_n(
                    "And {n} more printer is misconfigured.",
                    "And {n} more printers are misconfigured.",
                    more,
                    lang,
                    n=more,
                )
            )
        return sentences(*said, lang=lang)


def set_up_wrong(faults: Sequence[StationError], *, advice: str | None = None) -> StationError:
    """The refusal naming each of `faults` (printers set up wrong), then `advice` (by default where to
    fix it, or them)."""
    if len(faults) == 1:
        return Refused(SET_UP_WRONG, code="bad_printer", advice=advice or FIX_IN_SETTINGS, **faults[0].params)
    return PrinterFaults(faults, advice=advice or FIX_THEM_IN_SETTINGS)


def faults_of(error: StationError) -> list[StationError]:
    """The printers set up wrong a refusal names (itself, for one)."""
    return list(error.faults) if isinstance(error, PrinterFaults) else [error]
