"""An audit event's details as a clerk reads them: labels in the console's language, not stored keys.

Events keep their details as the services wrote them (stable English keys and codes, what JSON exports
and the hash chain carry). Every screen and printout for people shows them through `event_details` (or
`details_text`, one line): each key gets a translated label, a code its catalogue's label, a list reads
as a list, a flag as its label alone; internal ids that mean nothing at the counter are left out, and
a shelf and layer read as the location the clerk knows (`1-3`). A key no table knows still shows, as
`key: value`. Values are data: shown through `visible()` (no control characters) and cut (whole, with
`whole=True`, for the one event `station audit show` prints), never parsed as markup by the screens that
show them.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from contextlib import suppress
from dataclasses import dataclass
from datetime import datetime, tzinfo
from typing import Any

from db.models import EventKind
from db.models.sendout import SendEvent
from station_console.i18n import _, label_of
from station_console.safe_text import visible
from station_console.services.checkin.dismissals import KIND_LABELS as REFUSAL_LABELS
from station_console.services.core.money import amount
from station_console.services.core.outbox_states import OUTBOX_STATE_LABELS
from station_console.services.exceptions.problems import KIND_LABELS as PROBLEM_LABELS
from station_console.services.exceptions.stocktake_view import CLASS_LABELS
from station_console.services.notify.templates import KIND_LABELS as MESSAGE_LABELS
from station_console.services.notify.templates import PREFERENCE_LABELS
from station_console.services.people.audit_trail import KIND_LABELS as EVENT_LABELS
from station_console.services.people.counter_change_text import change_lines, old_to_new, setting_name
from station_console.services.people.event_detail_labels import (
    BATCH_NUMBERS,
    CHANGE_LABELS,
    FIRST,
    FIX_LABELS,
    GRAMS,
    HIDDEN,
    HIDDEN_IN,
    KIND_KEY_LABELS,
    LABELS,
    LAST,
    LOOKUP_LABELS,
    MOMENTS,
    MONEY,
    NO_ONLY,
    NOTIFY_CHANNEL_LABELS,
    NUMBERED,
    PAPER_NUMBERS,
    PICKUP_METHOD_LABELS,
    REASON_CODES,
    REQUEST_SOURCE_LABELS,
    ROLE_LABELS,
    SECONDS,
    SHOWN_IN,
    WAYBILL_SOURCE_LABELS,
    WHAT_LABELS,
    YES_NO,
    ZERO_QUIET,
)
from station_console.services.prealerts.listing import STATE_LABELS as PREALERT_LABELS
from station_console.services.printing.printers import KIND_LABELS as PRINTOUT_LABELS
from station_console.services.printing.queue_view import LABEL_LABELS as JOB_STATUS_LABELS
from station_console.services.recipients.fields import CHANNEL_LABELS, CONSENT_LABELS
from station_console.services.scan.carriers import FIELD_LABELS as CARRIER_FIELDS
from station_console.services.sendout.identity import ID_TYPE_LABELS
from station_console.services.sendout.payments import METHOD_LABELS as PAYMENT_LABELS
from station_console.services.sendout.payments import STATUS_LABELS as SEND_STATUS_LABELS
from station_console.settings import setting_label

VALUE_CUT = 80  # one value's characters at most: a 5,000-character note must not push the rest away
LINE_CUT = 200  # `details_text`'s characters at most


# Keys that hold codes of one catalogue whatever the event (the others depend on it: `_catalogue`).
CODES_BY_KEY: dict[str, Mapping[Any, str]] = {
    "problem": PROBLEM_LABELS,
    "previous": PROBLEM_LABELS,
    "change": CHANGE_LABELS,
    "action": CHANGE_LABELS,
    "role": ROLE_LABELS,
    "old_role": ROLE_LABELS,
    "payment": PAYMENT_LABELS,
    "id_type": ID_TYPE_LABELS,
    "consent": CONSENT_LABELS,
    "delivery_preference": PREFERENCE_LABELS,
    "shape": LOOKUP_LABELS,
    "waybill_source": WAYBILL_SOURCE_LABELS,
    "what": WHAT_LABELS,
    "prealert_status": PREALERT_LABELS,
}
SEND_EVENTS = frozenset(SendEvent)
PRINT_JOB_EVENTS = frozenset({EventKind.PRINT_JOB_RETRIED, EventKind.PRINT_JOB_CANCELLED})
CARRIER_EVENT_EVENTS = frozenset({EventKind.CARRIER_EVENT_RETRIED, EventKind.CARRIER_EVENT_DROPPED})


def _kind_catalogue(event_kind: str) -> Mapping[Any, str]:
    """What `kind` in the details means depends on the event."""
    if event_kind in (EventKind.PROBLEM_MARKED, EventKind.PROBLEM_RESOLVED):
        return PROBLEM_LABELS
    if event_kind == EventKind.NOTIFIED:
        return MESSAGE_LABELS
    if event_kind == EventKind.REFUSAL_DISMISSED:
        return REFUSAL_LABELS
    if event_kind in PRINT_JOB_EVENTS:
        return PRINTOUT_LABELS
    return EVENT_LABELS  # a carrier event's kind is mostly an event kind (`picked_up`, `returned`)


def _catalogue(event_kind: str, key: str) -> Mapping[Any, str] | None:
    """The labels of the codes `key` holds in an event of `event_kind`, if it holds codes."""
    if key == "kind":
        return _kind_catalogue(event_kind)
    if key == "method":
        return (
            PAYMENT_LABELS
            if event_kind in (EventKind.FEE_PAID, EventKind.FEE_REVERSED, SendEvent.SEND_REFUNDED)
            else PICKUP_METHOD_LABELS
        )
    if key == "reason":  # a code for these; typed text for the rest
        return REASON_CODES.get(event_kind)
    if key == "source" and event_kind == EventKind.DOOR_REQUESTED:
        return REQUEST_SOURCE_LABELS
    if key == "channel":
        return NOTIFY_CHANNEL_LABELS if event_kind == EventKind.NOTIFIED else CHANNEL_LABELS
    if key == "status" and event_kind in SEND_EVENTS:
        return SEND_STATUS_LABELS
    if key == "was" and event_kind in PRINT_JOB_EVENTS:
        return JOB_STATUS_LABELS
    if key == "was" and event_kind in CARRIER_EVENT_EVENTS:
        return OUTBOX_STATE_LABELS
    return CODES_BY_KEY.get(key)


@dataclass(frozen=True)
class Detail:
    """One line of an event's details: its label and its value, both ready to show (value "" for a
    flag, which its label says alone)."""

    key: str
    label: str
    value: str

    def text(self) -> str:
        return _("{label}: {value}", label=self.label, value=self.value) if self.value else self.label


def label(key: str) -> str:
    """A details key as a clerk reads it; a key no table knows reads as itself."""
    return _(LABELS[key]) if key in LABELS else visible(key)


def cut(text: str, limit: int | None = VALUE_CUT) -> str:
    """One line, at most `limit` characters (None: whole), with nothing in it that can drive a terminal."""
    one_line = " ".join(visible(text).split())
    return one_line if limit is None or len(one_line) <= limit else one_line[: limit - 1] + "…"


def list_separator() -> str:
    """Between the items of a list: `, ` in English, `、` in Chinese."""
    return _(", ")


def _plain(value: Any) -> str:
    """A value no catalogue knows: lists as lists, mappings as `name count` pairs, flags as yes/no."""
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, list | tuple | set | frozenset):
        return list_separator().join(_plain(v) for v in value if v not in (None, ""))
    if isinstance(value, Mapping):
        return list_separator().join(f"{label(str(k))} {_plain(v)}" for k, v in value.items())
    return str(value)


def _moment(value: Any, zone: tzinfo | None) -> str:
    try:
        when = datetime.fromisoformat(str(value))
    except ValueError:
        return str(value)
    if zone is not None and when.tzinfo is not None:
        # A zone that would push it past year 1 or 9999 (an edited database): shown as stored.
        with suppress(OverflowError):
            when = when.astimezone(zone)
    return f"{when:%Y-%m-%d %H:%M}"


def _count_pairs(value: Any, names: Mapping[str, str]) -> str:
    """`{"match": 5, "missing": 1}` -> `match 5, missing 1` in the console's language; a list counts
    its items."""
    if not isinstance(value, Mapping):
        return _plain(value)
    parts = []
    for k, v in value.items():
        n = len(v) if isinstance(v, list | tuple) else v
        if n not in (0, None, "", [], {}):
            parts.append(f"{_(names[k]) if k in names else label(str(k))} {_plain(n)}")
    return list_separator().join(parts)


def _value(event_kind: str, key: str, value: Any, details: Mapping[str, Any], zone: tzinfo | None) -> str:
    """`value` of `key` as text to show (before `cut`)."""
    if isinstance(value, bool):
        return (_("yes") if value else _("no")) if key in YES_NO or key in NO_ONLY else ""
    catalogue = _catalogue(event_kind, key)
    if catalogue is not None and not isinstance(value, list | dict) and value in catalogue:
        return _(catalogue[value])
    paper = BATCH_NUMBERS.get(event_kind) if key == "batch" else PAPER_NUMBERS.get(key)
    if paper is not None and isinstance(value, int):
        return paper(value)
    if key in NUMBERED and isinstance(value, int):
        return f"#{value}"
    if key in MONEY and isinstance(value, int):
        return amount(value, str(details.get("currency") or "CNY"))
    if key in GRAMS and isinstance(value, int | float):
        return _("{n} g", n=value)
    if key in SECONDS and isinstance(value, int | float):
        return _("{n} s", n=value)
    if key in MOMENTS:
        return _moment(value, zone)
    if key == "changed" and event_kind == EventKind.SETTINGS_CHANGED and isinstance(value, list):
        return list_separator().join(setting_label(str(v)) for v in value)
    if key == "secrets_changed" and isinstance(value, list):
        return list_separator().join(setting_name(str(v)) for v in value)
    if key == "changed" and isinstance(value, list):  # a sender's changed fields, or that it is new
        return list_separator().join(label_of(CHANGE_LABELS, str(v)) for v in value)
    if key == "changed" and isinstance(value, Mapping):  # the fields; their old values are in the JSON
        names = CARRIER_FIELDS if event_kind == EventKind.CARRIER_CHANGED else {}
        return list_separator().join(label_of(names, str(k)) for k in value)
    if key == "counts":
        return _count_pairs(value, CLASS_LABELS)
    if key == "fixes":
        return _count_pairs(value, FIX_LABELS)
    if key == "missing" and isinstance(value, list):
        return str(len(value))  # the sends a courier left behind: how many (the manifest names them)
    return _plain(value)


def _empty(value: Any) -> bool:
    return value is None or value is False or value == "" or value == [] or value == {}


def _left_out(key: str, value: Any) -> bool:
    """Nothing to say: no value, a flag not set (unless its "no" says something), a flag that says
    something only when it is not set, or a zero that says nothing."""
    if isinstance(value, bool) and (key in YES_NO or key in NO_ONLY):
        return value and key in NO_ONLY
    if key in ZERO_QUIET and value == 0 and not isinstance(value, bool):
        return True
    return _empty(value)


def _keys(details: Mapping[str, Any]) -> Iterable[str]:
    first = [k for k in FIRST if k in details]
    last = [k for k in LAST if k in details]
    middle = [k for k in details if k not in first and k not in last]
    return first + middle + last


def event_details(
    kind: str,
    details: Mapping[str, Any],
    *,
    zone: tzinfo | None = None,
    waybill: str | None = None,
    clerk: str | None = None,
    carrier_name: str | None = None,
    whole: bool = False,
) -> list[Detail]:
    """The details of an event of `kind` as a clerk reads them, most telling first.

    `zone`: the station's, for the moments among the details. `waybill`, `clerk`: what the screen
    already shows for this event (left out of the details; the scan as typed shows only where it
    differs from the waybill). `carrier_name`: the short name of the carrier the details name by its
    code, as every list shows it (the code shows when the carrier is not known). `whole`: no value is
    cut (one event read on its own); still one line each, still masked as stored.
    """
    limit = None if whole else VALUE_CUT
    items = dict(details)
    shelf, layer = items.get("shelf"), items.get("layer")
    if (
        kind != EventKind.SHELF_CHANGED
        and "location" not in items
        and not _empty(shelf)
        and not _empty(layer)
    ):
        # A check-in names the shelf and layer it chose: the clerk knows them as one location.
        del items["shelf"], items["layer"]
        items["location"] = f"{shelf}-{layer}"
    shown: list[Detail] = []
    for key in _keys(items):
        value = items[key]
        hidden = key in HIDDEN and key not in SHOWN_IN.get(kind, {})
        if hidden or key in HIDDEN_IN.get(kind, ()) or _left_out(key, value):
            continue
        if key == "recipient" and isinstance(value, int):
            continue  # a directory row's id; the masked phone of a send stays
        if (key == "waybill" and waybill and str(value) == waybill) or (key == "clerk" and clerk == value):
            continue
        if key == "raw" and str(value).strip() == str(items.get("waybill") or waybill or "").strip():
            continue
        if kind == EventKind.COUNTER_SETTINGS_CHANGED and key == "changed" and isinstance(value, Mapping):
            # One line a setting, old and new: what a switched printer was switched from.
            shown.extend(
                Detail(key, cut(name, limit), text) for name, text in change_lines(value, whole=whole)
            )
            continue
        if kind == EventKind.SHELF_CHANGED and key == "changed" and isinstance(value, Mapping):
            # One line a field, old and new, as a counter's settings read: what a capacity was lowered from.
            shown.extend(
                Detail(key, label(str(name)), cut(old_to_new(str(name), change, whole=whole), limit))
                for name, change in value.items()
            )
            continue
        text = carrier_name if key == "carrier" and carrier_name else _value(kind, key, value, items, zone)
        if text == "" and not isinstance(value, bool):
            continue
        shown.append(Detail(key, _key_label(kind, key), cut(text, limit)))
    return shown


def _key_label(event_kind: str, key: str) -> str:
    """`label(key)`, but what `kind` is depends on the event, and a key shown in one event only
    (`SHOWN_IN`) has its label there."""
    if key == "kind" and event_kind in KIND_KEY_LABELS:
        return _(KIND_KEY_LABELS[event_kind])
    if key in SHOWN_IN.get(event_kind, {}):
        return _(SHOWN_IN[event_kind][key])
    return label(key)


def details_text(
    kind: str,
    details: Mapping[str, Any],
    *,
    zone: tzinfo | None = None,
    waybill: str | None = None,
    clerk: str | None = None,
    carrier_name: str | None = None,
    limit: int = LINE_CUT,
) -> str:
    """`event_details` on one line (two spaces between), cut at `limit` characters."""
    shown = event_details(kind, details, zone=zone, waybill=waybill, clerk=clerk, carrier_name=carrier_name)
    line = "  ".join(d.text() for d in shown)
    return line if len(line) <= limit else line[: limit - 1] + "…"
