"""The carrier table: list, add, edit, and the compiled `Detector` every scan uses.

The detector is built once per `Station` from the table and cached on it, with each active carrier's
id and short name (`carrier_ref`, what a check-in writes), so a scan never queries the database; an
edit through this module rebuilds both. Another counter's edit is picked up by `reload_detector()`
(the console's live view calls it, see admin/catch_up.py) or `forget_detector()`.
"""

from __future__ import annotations

import json
import re
from typing import Any

from sqlmodel import Session, select

from db.models import Carrier, EventKind
from hardware.messages import Message
from station_console.errors import NotFound, Refused
from station_console.i18n import N_, LaterText
from station_console.safe_text import clean, cut
from station_console.services.core import audit
from station_console.services.core.roles import require
from station_console.services.core.station import Station
from station_console.services.scan.checksums import RULES
from station_console.services.scan.detect import Detector, compile_pattern
from station_console.services.scan.pattern_safety import PatternProblem, vet

_CODE = re.compile(r"[A-Z0-9_]{2,16}")
_TEXT_FIELDS = {"name_en": 64, "name_zh": 64, "short_name": 16}
# Each number's least and greatest: past the greatest a number is no setting anyone means, and past
# 64 bits the database's driver overflowed (an unexpected error, not a refusal).
_INT_FIELDS = {
    "fee_cents": (0, 100_000),
    "amber_hours": (1, 24 * 365),
    "red_hours": (1, 24 * 365),
    "return_after_days": (1, 365),
    "sort_order": (-(10**6), 10**6),
}
EDITABLE = frozenset({*_TEXT_FIELDS, *_INT_FIELDS, "patterns", "active"})
TEXT_LIMITS = {"code": 16, **_TEXT_FIELDS}  # the most characters each text field takes (`_CODE` too)

# A carrier's fields as people read them: the carrier editor's form and the audit trail's "changed".
TEXT_FIELDS = (
    ("code", N_("Carrier code")),
    ("name_en", N_("English name")),
    ("name_zh", N_("Chinese name")),
    ("short_name", N_("Label name")),
)
NUMBER_FIELDS = (
    ("fee_cents", N_("Fee (cents)")),
    ("sort_order", N_("Order")),
    ("amber_hours", N_("Amber after (h)")),
    ("red_hours", N_("Red after (h)")),
    ("return_after_days", N_("Return after (days)")),
)
FIELD_LABELS = dict(TEXT_FIELDS + NUMBER_FIELDS) | {"patterns": N_("Patterns"), "active": N_("Active")}


def _named(key: str) -> dict[str, Any]:
    """A refusal's field as the form labels it, in the language it is shown in (`return_after_days`
    read as a key the clerk never sees), and its `key` for the form to mark the field."""
    return {"field": LaterText(Message(FIELD_LABELS[key])), "key": key}


def get_detector(station: Station) -> Detector:
    """The station's compiled carrier table (built on first use, then cached on the Station)."""
    detector: Detector | None = getattr(station, "_detector", None)
    return detector if detector is not None else reload_detector(station)


def active_detector(station: Station) -> Detector:
    """`get_detector`, refused when every carrier is deactivated: nothing can be checked in then, and
    check-in and the courier's batch say so, and where a manager turns one on."""
    detector = get_detector(station)
    if not detector.carriers:
        raise Refused(
            N_("No carrier is active, so no parcel can be checked in."),
            code="no_carriers",
            advice=N_("A manager turns one on in Settings (Ctrl+S, then F7), then scan again."),
        )
    return detector


def reload_detector(station: Station) -> Detector:
    """Build the detector from the table as it is now and swap it in: a scan meanwhile uses the old one
    (never none, so it never waits for the rebuild). One rebuild at a time, its read inside: the one
    that reads last swaps in last, so an edit's rebuild and the live view's, together, end with the
    newer table, whichever began first."""
    with station._detector_swap:
        with station.read() as session:
            rows = list(session.exec(select(Carrier)).all())
        detector = Detector.from_carriers(rows)
        station._carrier_refs = {  # type: ignore[attr-defined]
            row.code: (row.id, row.short_name) for row in rows if row.active and row.id is not None
        }
        station._detector = detector  # type: ignore[attr-defined]
    return detector


def carrier_ref(station: Station, code: str) -> tuple[int, str] | None:
    """The active carrier `code`'s id and short name, from the detector's cache; None when the cache
    does not have it (the caller then reads the table)."""
    get_detector(station)
    refs: dict[str, tuple[int, str]] = getattr(station, "_carrier_refs", {})
    return refs.get(code)


def forget_detector(station: Station) -> None:
    """Drop the cached detector; the next scan rebuilds it from the table. A rebuild on its way (its
    table read before the change) is waited for, so it cannot put its older table back after this."""
    with station._detector_swap:
        station._detector = None  # type: ignore[attr-defined]


def list_carriers(station: Station, *, active_only: bool = False) -> list[Carrier]:
    """Every carrier in display order (sort_order, then code)."""
    with station.read() as session:
        query = select(Carrier).order_by(Carrier.sort_order, Carrier.code)  # type: ignore[arg-type]
        if active_only:
            query = query.where(Carrier.active == True)  # noqa: E712
        return list(session.exec(query).all())


def short_names(session: Session) -> dict[str, str]:
    """Every carrier's short name by its code, retired ones too: what an event names by its code
    (`carrier: YUNDA`) reads as the lists show it (`YD`)."""
    return dict(session.exec(select(Carrier.code, Carrier.short_name)).all())


def get_carrier(station: Station, code: str) -> Carrier:
    with station.read() as session:
        return _find(session, code)


def _find(session: Session, code: str, *, for_update: bool = False) -> Carrier:
    query = select(Carrier).where(Carrier.code == code.strip().upper())
    row = session.exec(query.with_for_update() if for_update else query).first()
    if row is None:
        raise NotFound(N_("No carrier with code {carrier}."), code="carrier_not_found", carrier=code)
    return row


def validate_patterns(patterns: Any) -> list[dict[str, Any]]:
    """Patterns as stored: a list of {"regex", "checksum", ...}; a bare string is a regex."""
    if isinstance(patterns, str | dict):
        patterns = [patterns]
    if not isinstance(patterns, list):
        raise Refused(N_("Patterns must be a list."), code="bad_pattern")
    clean: list[dict[str, Any]] = []
    for spec in patterns:
        spec = {"regex": spec, "checksum": None} if isinstance(spec, str) else spec
        if not isinstance(spec, dict):
            raise Refused(N_("Patterns must be a list."), code="bad_pattern")
        spec = {"checksum": None, **spec}
        if spec["checksum"] is not None and spec["checksum"] not in RULES:
            raise Refused(
                N_("Unknown check-digit rule {rule}; known rules: {rules}."),
                code="bad_checksum",
                rule=spec["checksum"],
                rules=", ".join(sorted(RULES)),
            )
        try:
            compile_pattern("?", spec)
            vet(str(spec["regex"]))  # a pattern that stalls a backtracking engine is not saved
        except PatternProblem as exc:  # said in the clerk's language, with what to change
            raise Refused(
                N_("Pattern {regex} cannot be used: {reason}"),
                code="bad_pattern",
                regex=cut(str(spec.get("regex")), 60),
                reason=exc,
            ) from exc
        clean.append(spec)
    return clean


def _clean(data: dict[str, Any]) -> dict[str, Any]:
    """Checked, typed values for the fields in `data`; refuses the first bad one."""
    unknown = sorted(set(data) - EDITABLE - {"code"})
    if unknown:
        raise Refused(N_("Unknown carrier field: {field}."), code="bad_field", field=", ".join(unknown))
    out: dict[str, Any] = {}
    for key, value in data.items():
        if key == "code":
            code = str(value or "").strip().upper()
            if not _CODE.fullmatch(code):
                raise Refused(
                    N_("A carrier code is 2 to 16 letters, digits or _ (got {carrier})."),
                    code="bad_code",
                    carrier=code,
                )
            out[key] = code
        elif key in _TEXT_FIELDS:
            text = clean(str(value or ""))
            if not text or len(text) > _TEXT_FIELDS[key]:
                raise Refused(
                    N_("{field} must be 1 to {max} characters."),
                    code="bad_field",
                    max=_TEXT_FIELDS[key],
                    **_named(key),
                )
            out[key] = text
        elif key in _INT_FIELDS:
            if isinstance(value, bool) or not isinstance(value, int | str):
                raise Refused(N_("{field} must be a whole number."), code="bad_field", **_named(key))
            try:
                number = int(value)
            except ValueError:
                raise Refused(
                    N_("{field} must be a whole number."), code="bad_field", **_named(key)
                ) from None
            least, most = _INT_FIELDS[key]
            if number < least:
                raise Refused(
                    N_("{field} must be at least {min}."), code="bad_field", min=least, **_named(key)
                )
            if number > most:
                raise Refused(N_("{field} must be at most {max}."), code="bad_field", max=most, **_named(key))
            out[key] = number
        elif key == "active":
            out[key] = bool(value)
        elif key == "patterns":
            out[key] = validate_patterns(value)
    return out


def add_carrier(station: Station, data: dict[str, Any]) -> Carrier:
    """Add a carrier (code, name_en, name_zh required); one audit event; the detector is rebuilt."""
    require(station, "carriers")
    values = _clean(data)
    for required in ("code", "name_en", "name_zh"):
        if required not in values:
            raise Refused(N_("A new carrier needs {field}."), code="missing_field", **_named(required))
    values.setdefault("short_name", values["code"][:16])

    def work(session: Session) -> Carrier:
        if session.exec(select(Carrier.id).where(Carrier.code == values["code"])).first() is not None:
            raise Refused(
                N_("Carrier {carrier} already exists."), code="carrier_exists", carrier=values["code"]
            )
        if "sort_order" not in values:
            orders = session.exec(select(Carrier.sort_order)).all()
            values["sort_order"] = max(orders, default=0) + 1
        row = Carrier.model_validate(values)
        session.add(row)
        session.flush()
        audit.record(
            session,
            station,
            EventKind.CARRIER_CHANGED,
            details={"action": "added", "carrier": row.code, "values": _jsonable(values)},
        )
        return row

    row = station.run(work)
    forget_detector(station)
    return row


def changes_nothing(carrier: Carrier, changes: dict[str, Any]) -> bool:
    """True when `changes`, cleaned as `update_carrier` would store them (a space trimmed), are what
    `carrier` holds: a form's save would write nothing. A value refused is a change (the save says why)."""
    try:
        values = _clean({k: v for k, v in changes.items() if k != "code"})
    except Refused:
        return False
    return all(getattr(carrier, k) == v for k, v in values.items())


def update_carrier(
    station: Station, code: str, changes: dict[str, Any], *, based_on: Carrier | None = None
) -> Carrier:
    """Change some fields of carrier `code` (not the code itself); records old and new values.

    `based_on`: the row the changes were made from (a form that saves every field); refused when it is
    no longer stored as it was there, so another manager's change to the carrier is not lost."""
    require(station, "carriers")
    if "code" in changes and str(changes["code"]).strip().upper() != code.strip().upper():
        raise Refused(N_("A carrier's code cannot be changed."), code="bad_field", field="code")
    values = _clean({k: v for k, v in changes.items() if k != "code"})

    def work(session: Session) -> Carrier:
        # Locked until the commit (PostgreSQL; SQLite's write transaction holds the file): a save of
        # this carrier at another counter waits, then compares with what this one stored.
        row = _find(session, code, for_update=True)
        if based_on is not None:
            _refuse_if_saved_meanwhile(row, based_on)
        changed = {k: [getattr(row, k), v] for k, v in values.items() if getattr(row, k) != v}
        if not changed:
            return row
        for key, (_old, new) in changed.items():
            setattr(row, key, new)
        session.add(row)
        audit.record(
            session,
            station,
            EventKind.CARRIER_CHANGED,
            details={"action": "updated", "carrier": row.code, "changed": _jsonable(changed)},
        )
        return row

    row = station.run(work)
    forget_detector(station)
    return row


def _refuse_if_saved_meanwhile(stored: Carrier, read: Carrier) -> None:
    """Compare and set: the row is still stored as it was read (no version column; the stored row is
    the one the write transaction holds locked)."""
    if any(getattr(stored, name) != getattr(read, name) for name in EDITABLE):
        raise Refused(
            N_(
                "Carrier {carrier}: another counter or command saved a change while this one was being "
                "made, so nothing was saved. Close this form and open the carrier again: it shows what "
                "is saved now."
            ),
            code="carrier_saved_meanwhile",
            carrier=stored.code,
        )


def _jsonable(value: Any) -> Any:
    return json.loads(json.dumps(value, default=str))
