"""Which printers this counter has, and which parcel the clerk means: helpers of the print queue."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from re import _constants as sre_constants  # type: ignore[attr-defined]
from re import _parser as sre_parse  # type: ignore[attr-defined]
from typing import Any

from hardware.messages import ConfigError, reason_of
from station_console.errors import NotFound, Refused, StationError
from station_console.i18n import N_, LaterText, get_language, in_section, sentences, translate
from station_console.services.core.station import Station
from station_console.services.printing.printer_faults import (
    PrinterSetUpWrong,
    could_take,
    faults_of,
    printer_of,
    set_up_wrong,
)
from station_console.services.printing.printer_names import check_printer_name, name_fault, shown_name
from station_console.services.scan.carriers import list_carriers

# -- configured printers ---------------------------------------------------------------------------


def printer_for(counter_settings: Any, name: str | None = None) -> Any:
    """The counter's printer called `name`, or its default printer (a hardware.printers.Printer)."""
    from hardware.printers.factory import make_printer  # see counter_printers

    printers: dict[str, dict[str, Any]] = counter_settings.printers
    if name:
        if name not in printers:
            raise NotFound(N_("No printer named {name} on this counter."), code="no_printer", name=name)
        return _make(make_printer, printers[name], name)
    if counter_settings.printer:
        return _the_printer(make_printer, counter_settings)
    if len(printers) == 1:
        only = next(iter(printers))
        return _make(make_printer, printers[only], only)
    raise Refused(N_("No printer is configured on this counter."), code="no_printer")


def any_printer(counter_settings: Any) -> bool:
    """This counter has a printer set up (what it prints is the printer's own)."""
    return bool(counter_settings.printer or counter_settings.printers)


@dataclass(frozen=True)
class CounterPrinters:
    """This counter's printers: those built (`printers`, the default first) and, one per printer
    whose settings are wrong, its refusal (`faults`): one wrong setting stops that printer only."""

    printers: list[Any] = field(default_factory=list)
    faults: list[StationError] = field(default_factory=list)
    # The settings of each printer set up wrong, by its whole name (`printer_of`): which jobs it would
    # have taken.
    fault_settings: dict[str, dict[str, Any]] = field(default_factory=dict)


def counter_printers(counter_settings: Any) -> CounterPrinters:
    """Every printer of this counter that its settings build, the default first, and the fault of
    each one they do not (`bad_printer`, naming it, what is wrong and where to fix it)."""
    if not any_printer(counter_settings):
        return CounterPrinters()  # nothing configured: do not load the renderers at all
    # The factory loads every printer language (escpos, fpdf, PIL: ~0.2 s): only when a printer is
    # built, in the print worker's thread, never on the console's start-up path.
    from hardware.printers.factory import make_printer

    out = CounterPrinters()
    named: set[str] = set()
    if counter_settings.printer:
        named.add(str(counter_settings.printer.get("name", "default")))
        _add(out, lambda: _the_printer(make_printer, counter_settings), counter_settings.printer)
    for name, cfg in counter_settings.printers.items():
        if name not in named:
            _add(out, lambda cfg=cfg, name=name: _make(make_printer, cfg, name), cfg)
    return out


def check_saved_printers(before: Any, after: Any) -> None:
    """Refuse counter settings `after` whose printers this save changed (from `before`) build no
    printer: the first one's fault. A printer set up wrong that the save leaves as it was does not
    stop the manager saving another one, nor making another the default. A name no printer can have
    is refused first, by the rule (`printer_names`)."""
    default = after.printer.get("name", "default") if after.printer else None
    for name in [*([str(default)] if default is not None else []), *after.printers]:
        if _settings_of(before, name) != _settings_of(after, name):
            check_printer_name(name)
    for fault in counter_printers(after).faults:
        name = printer_of(fault)
        if _settings_of(before, name) != _settings_of(after, name):
            raise fault


def _settings_of(counter_settings: Any, name: str) -> Any:
    """The settings the printer `name` is built from: its `[printer]` section if it is the default."""
    default = counter_settings.printer
    if default and str(default.get("name", "default")) == name:
        return default
    return counter_settings.printers.get(name)


def _add(out: CounterPrinters, build: Any, settings: dict[str, Any]) -> None:
    try:
        out.printers.append(build())
    except StationError as fault:
        if fault.code != "bad_printer":
            raise
        out.faults.append(fault)  # it says where to fix it already (`_make`)
        out.fault_settings[printer_of(fault)] = settings


def unassigned_kinds(printers: list[Any]) -> dict[str, frozenset[str]]:
    """Which kinds of the jobs queued for no printer in particular each printer takes: every kind goes
    to the first printer that can print it (`counter_printers` puts the default first), never to
    whichever polls first, so a counter with two label printers finds every parcel label on one, in
    the order the parcels came (clerks stick them on in that order)."""
    taken: dict[str, set[str]] = {p.name: set() for p in printers}
    kinds = {kind for p in printers for kind in p.jobs}
    for kind in kinds:
        first = next((p for p in printers if p.can_print(kind)), None)
        if first is not None:
            taken[first.name].add(kind)
    return {name: frozenset(found) for name, found in taken.items()}


_BARE_KEY = re.compile(r"[A-Za-z0-9_-]+")


def _section(name: str) -> str:
    """The counter.toml section of the printer called `name`: `printers.counter`, or
    `printers."前台"` for a name TOML takes only in quotes, a quote or backslash in it escaped as TOML
    writes it (`printers."Front \\"A\\""`): a name is any printable characters (`printer_names`)."""
    if _BARE_KEY.fullmatch(name):
        return f"printers.{name}"
    quoted = name.replace("\\", "\\\\").replace('"', '\\"')
    return f'printers."{quoted}"'


def _the_printer(factory: Any, counter_settings: Any) -> Any:
    """The printer of the counter's `[printer]` section, named "default" where it gives no name."""
    config = counter_settings.printer
    return _make(factory, config, str(config.get("name", "default")), "printer")


def _make(factory: Any, config: dict[str, Any], name: str, section: str | None = None) -> Any:
    """The printer `name` built from `config`, its section in counter.toml `section` (by default
    `[printers.<name>]`); refused, if its settings are wrong, with what is wrong and where to fix it
    (every path says it, once: a named printer's print as well as the whole counter's pass). A name
    no printer can have is its fault, said cut and escaped, before any of its settings."""
    wrong_name = name_fault(name)
    if wrong_name is not None:
        raise PrinterSetUpWrong(name, name=shown_name(name), reason=wrong_name)
    try:
        return factory(config, name=name)
    except ValueError as exc:  # the setting's own reason, translated where the refusal is shown
        raise PrinterSetUpWrong(
            name,
            name=name,
            # Its keys named in `section`: which of two printers' `dpi` is wrong.
            reason=LaterText(in_section(reason_of(exc), section or _section(name))),
        ) from exc


# -- can this counter print it? --------------------------------------------------------------------

# A job's kind (hardware.printers.factory.JOB_KINDS) as a person reads it: translated where shown.
KIND_LABELS = {
    "label": N_("parcel label"),
    "receipt": N_("receipt"),
    "manifest": N_("list to sign"),
    "test": N_("test print"),
    "waybill": N_("waybill label"),
}


def kinds_text(kinds: Any, lang: str) -> str:
    """Job kinds by their labels, as a list in `lang`."""
    return ("、" if lang == "zh" else ", ").join(translate(KIND_LABELS.get(k, k), lang) for k in kinds)


# Why a job no printer here takes is refused, by the document it prints (a return manifest, a run
# sheet and a courier's receipt are all "manifest" jobs: each is named as itself).
NOBODY_CAN = {
    "return_manifest": N_(
        "No printer on this counter can print a return manifest ({reasons}). "
        "Add a PDF or receipt (ESC/POS) printer in Settings > Printers."
    ),
    "run_sheet": N_(
        "No printer on this counter can print a delivery run sheet ({reasons}). "
        "Add a PDF or receipt (ESC/POS) printer in Settings > Printers."
    ),
    "courier_receipt": N_(
        "No printer on this counter can print a courier handover receipt ({reasons}). "
        "Add a PDF or receipt (ESC/POS) printer in Settings > Printers."
    ),
    "receipt": N_(
        "No printer on this counter can print a pickup receipt ({reasons}). "
        "Add a PDF or receipt (ESC/POS) printer in Settings > Printers."
    ),
    "test": N_("No printer on this counter takes test prints ({reasons})."),
    "label": N_("No printer on this counter takes labels ({reasons})."),
}
NOBODY_CAN_ANY = N_("No printer on this counter can print this ({reasons}).")  # a kind not listed above


def _reason(printer: Any, kind: str) -> str | None:
    """Why `printer` would never take a job of `kind`, in the console's language; None if it would."""
    lang = get_language()
    if kind not in printer.jobs:
        return translate(
            N_("{name} takes only {jobs}"), lang, name=printer.name, jobs=kinds_text(printer.jobs, lang)
        )
    if not printer.takes_kind(kind):
        return translate(
            N_("{name} is a {language} label printer"),
            lang,
            name=printer.name,
            language=printer.language.name,
        )
    return None


def check_printable(
    counter_settings: Any, kind: str, *, printer: str | None = None, document: str | None = None
) -> None:
    """Refuse, before it is queued, a job that no printer of this counter would ever take.

    Such a job would wait in the queue for ever without a word. `printer` names the one it must go to;
    `document` (a key of NOBODY_CAN) what it prints, when the job's kind does not say (`manifest`).
    """
    if printer:
        reason = _reason(printer_for(counter_settings, printer), kind)
        if reason is not None:
            raise Refused(
                N_("Printer {name} cannot print this: {reason}"),
                code="cannot_print",
                name=printer,
                reason=reason,
            )
        return
    counter = counter_printers(counter_settings)
    if not counter.printers and not counter.faults:
        raise Refused(N_("No printer is configured on this counter."), code="no_printer")
    reasons = [_reason(p, kind) for p in counter.printers]
    wrong = [f for f in counter.faults if could_take(counter.fault_settings[printer_of(f)], kind)]
    if all(reasons) and wrong:
        # None of those that work takes it: a printer set up wrong may be the one meant to, and the
        # job waits for its fix (a second, good printer of other kinds is no reason to refuse it).
        # Each of them is named, with what is wrong: fixing the first alone may not be enough.
        raise set_up_wrong(wrong)
    if all(reasons):
        raise Refused(
            NOBODY_CAN.get(document or kind, NOBODY_CAN_ANY),
            code="cannot_print",
            reasons="; ".join(r for r in reasons if r),
        )


# What a clerk is told of a receipt queued where no printer takes receipts (a send's, a fee's).
RECEIPT_WAITS = N_("No printer here takes receipts: it waits until one is added in Settings > Printers (F8).")


def takes(counter_settings: Any, kind: str) -> bool:
    """Some printer of this counter would take a job of `kind` (`check_printable` without its why)."""
    try:
        check_printable(counter_settings, kind)
    except StationError:
        return False
    return True


# What a clerk is told of a receipt queued where a printer's setting is wrong: the fault, then this.
RECEIPT_WAITS_FOR_FIX = N_(
    "The receipt waits in the print queue until that is fixed in Settings > Printers (F8)."
)


def receipt_waits(counter_settings: Any) -> StationError | None:
    """Why a receipt queued for no printer in particular waits here, to be said beside what queued
    it (a payment, a send: it stands either way): no printer takes receipts (`RECEIPT_WAITS`), or a
    printer's setting is wrong (that fault, then `RECEIPT_WAITS_FOR_FIX`); None when one prints it."""
    try:
        check_printable(counter_settings, "receipt")
    except StationError as fault:
        if fault.code in ("no_printer", "cannot_print"):
            return Refused(RECEIPT_WAITS, code="receipt_waits")
        return set_up_wrong(faults_of(fault), advice=RECEIPT_WAITS_FOR_FIX)
    return None


def receipt_printer(counter_settings: Any) -> str | None:
    """The name of the printer a receipt queued for no printer in particular goes to (the first of
    this counter that prints receipts, `unassigned_kinds`); None where none does (a printer set up
    wrong takes nothing)."""
    printers = counter_printers(counter_settings).printers
    return next((name for name, kinds in unassigned_kinds(printers).items() if "receipt" in kinds), None)


# -- which codes the station's scanner must read ---------------------------------------------------

_LONGEST_RUN = 40  # an unbounded repeat in a pattern: as long as any waybill gets


def longest_example(regex: str) -> str | None:
    """The hardest waybill a carrier pattern allows to print: every repeat at its longest, a letter
    wherever one may stand (letters break Code 128's compact digit pairs). None if unreadable."""

    def walk(items: Any) -> str:
        out = ""
        for op, arg in items:
            if op is sre_constants.LITERAL:
                out += chr(arg)
            elif op is sre_constants.IN:
                out += pick(arg)
            elif op in (sre_constants.ANY, sre_constants.NOT_LITERAL):
                out += "A"
            elif op in (sre_constants.MAX_REPEAT, sre_constants.MIN_REPEAT):
                low, high, sub = arg
                out += walk(sub) * min(max(low, high), _LONGEST_RUN)
            elif op is sre_constants.SUBPATTERN:
                out += walk(arg[-1])
            elif op is sre_constants.BRANCH:
                out += max((walk(branch) for branch in arg[1]), key=len)
            elif op is not sre_constants.AT:
                raise ValueError(f"pattern element {op}")
        return out

    def pick(members: Any) -> str:
        chars = set()
        for kind, value in members:
            if kind is sre_constants.LITERAL:
                chars.add(chr(value))
            elif kind is sre_constants.RANGE:
                chars.update(chr(c) for c in range(value[0], min(value[1], 0x7E) + 1))
            elif kind is sre_constants.CATEGORY:
                chars.add("0")
        letters = sorted(c for c in chars if c.isalpha())
        return (letters or sorted(chars) or ["0"])[0]

    try:
        return walk(sre_parse.parse(regex)) or None
    except (ValueError, TypeError, re.error):
        return None


def qr_carriers(station: Station, printer: Any) -> list[str]:
    """Carriers some of whose waybills this printer's labels carry as a QR code, not Code 128."""
    found = []
    for carrier in list_carriers(station, active_only=True):
        for spec in carrier.patterns or []:
            example = longest_example(str(spec.get("regex", "")))
            if example and _is_qr(printer, example):
                found.append(carrier.code)
                break
    return found


def _is_qr(printer: Any, waybill: str) -> bool:
    """`waybill`'s label carries a QR code. One too long for any code on this sticker (a pattern of
    unbounded runs) counts too: its shorter waybills, those that print, are QR codes before it."""
    try:
        return bool(printer.symbol(waybill).is_qr)
    except ConfigError:  # hardware.printers.label.LabelSizeError
        return True


def scanner_needs(station: Station, counter_settings: Any) -> str:
    """One sentence for Settings: which symbologies this counter's labels use, so which the scanner
    must read."""
    lang = get_language()
    details = []
    counter = counter_printers(counter_settings)
    # A printer set up wrong is said first, by name, with where to fix it; the others still print.
    faults = [fault.message(lang) for fault in counter.faults]
    if not counter.printers:
        return sentences(*faults, lang=lang) or translate(
            N_("No printer is configured on this counter."), lang
        )
    for printer in counter.printers:
        carriers = qr_carriers(station, printer)
        if carriers:
            details.append(
                translate(
                    N_("{printer}: QR codes for some {carriers} waybills"),
                    lang,
                    printer=printer.name,
                    carriers=", ".join(carriers),
                )
            )
    if not details:
        codes = translate(N_("Labels here carry Code 128 barcodes: the scanner must read Code 128."), lang)
    else:
        codes = translate(
            N_("Labels here carry Code 128 barcodes and QR codes ({details}): the scanner must read both."),
            lang,
            details="; ".join(details),
        )
    return sentences(*faults, codes, lang=lang)
