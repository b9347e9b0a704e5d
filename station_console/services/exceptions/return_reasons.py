"""A parcel's reason to go back to its courier: past its carrier's return threshold (`not_due` says
when it is not, `check_due` refuses it), or recalled by its carrier or sender, which flags it (unless a
stocktake's put-back, a manager's to resolve) with a note saying the problem it replaces or the days it
waited past its threshold, so the manifest and the Problems list still show them."""

from __future__ import annotations

from sqlmodel import Session

from db.models import Carrier, Parcel
from station_console.errors import Refused
from station_console.i18n import N_, _, _n, get_language, label_of, sentences
from station_console.safe_text import cut
from station_console.services.core.ageing import Policy, age_reached, band_for
from station_console.services.core.free_text import NoteRule
from station_console.services.core.recalls import is_recalled
from station_console.services.core.station import Station
from station_console.services.exceptions.problem_kinds import KIND_LABELS, STOCKTAKE_KINDS

# Who asked for it back, if the clerk says: the kind itself is the reason, so it may be left empty.
RECALL_NOTE = NoteRule(N_("Note"), 500, required=False)


def recall_flags(parcel: Parcel) -> bool:
    """A recall would flag it: not recalled yet, and no stocktake put-back (only a manager resolves it)."""
    return not is_recalled(parcel.problem_kind) and parcel.problem_kind not in STOCKTAKE_KINDS


SENTENCE_ENDS = (".", "!", "?", "。", "！", "？", "…")


def with_replaced(parcel: Parcel, note: str) -> str:
    """The recall's note with the problem it replaces said after it (written in the language of the
    clerk who recalls it, as the note itself is), cut to the note's length."""
    kind = label_of(KIND_LABELS, parcel.problem_kind or "")
    was = (
        _("Was flagged {kind}: {note}", kind=kind, note=parcel.problem_note)
        if parcel.problem_note
        else _("Was flagged {kind}.", kind=kind)
    )
    return _note_then(note, was)


def with_age(station: Station, parcel: Parcel, note: str) -> str:
    """The recall's note with the days the parcel waited past its return threshold said after it."""
    days = age_reached((station.now() - parcel.checked_in_at).total_seconds() / 3600)[0]
    age = _n(
        "Due for return: on the shelf {days} day.",
        "Due for return: on the shelf {days} days.",
        days,
        days=days,
    )
    return _note_then(note, age)


def _note_then(note: str, said: str) -> str:
    """The clerk's note as a sentence of its own, then what the recall adds: run together, "sender, by
    phone Due for return..." read on the manifest as one garbled line. The note is shortened, not what
    follows it, so a long note still leaves the age or the replaced problem whole."""
    if not note:
        return cut(said, RECALL_NOTE.limit)
    zh = get_language() == "zh"
    kept = cut(note, max(RECALL_NOTE.limit - len(said) - (1 if zh else 2), 1))  # its stop, a space
    stop = "" if kept.endswith(SENTENCE_ENDS) else ("。" if zh else ".")
    return cut(sentences(kept + stop, said), RECALL_NOTE.limit)


def not_due(session: Session, station: Station, parcel: Parcel) -> Policy | None:
    """Its carrier's policy when the parcel has no reason to go back (no problem, not past the return
    threshold); None when it has one."""
    if parcel.problem_kind is not None:
        return None
    policy = Policy.of(session.get(Carrier, parcel.carrier_id))
    return None if band_for(parcel.checked_in_at, station.now(), policy) == "return" else policy


def check_due(session: Session, station: Station, parcel: Parcel) -> None:
    """A parcel still waiting for its customer with nothing wrong recorded is most likely one picked
    from the wrong pile: refused, so it is not sent back unseen."""
    policy = not_due(session, station, parcel)
    if policy is None:
        return
    raise Refused(
        N_(
            "{waybill} is not due for return (its carrier's parcels go back after {count} days on the "
            "shelf) and has no problem recorded."
        ),
        one=(
            "{waybill} is not due for return (its carrier's parcels go back after {count} day on the "
            "shelf) and has no problem recorded."
        ),
        code="not_due_for_return",
        advice=N_(
            "If its carrier or sender asked for it back, return it as recalled; if something is wrong "
            "with it, record its problem first; otherwise leave it on its shelf."
        ),
        waybill=parcel.waybill,
        count=policy.return_after_days,
    )
