"""An audit event's details as a clerk reads them: labels in the console's language, not stored keys.

Events keep their details as the services wrote them (stable English keys and codes, what JSON exports
and the hash chain carry). Every screen and printout for people shows them through `event_details` (or
`details_text`, one line): each key gets a translated label, a code its catalogue's label, a list reads
as a list, a flag as its label alone; internal ids that mean nothing at the counter are left out, and
a shelf and layer read as the location the clerk knows (`1-3`). A key no table knows still shows, as
`key: value`. Values are data: shown through `visible()` (no control characters) and cut, never parsed
as markup by the screens that show them.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, tzinfo
from typing import Any

from db.models import EventKind
from db.models.sendout import SendEvent
from station_console.i18n import N_, _
from station_console.safe_text import visible
from station_console.services.core.money import amount
from station_console.services.exceptions.problems import KIND_LABELS as PROBLEM_LABELS
from station_console.services.exceptions.stocktake import CLASS_LABELS
from station_console.services.notify.templates import FAIL_REASONS, PREFERENCE_LABELS
from station_console.services.notify.templates import KIND_LABELS as MESSAGE_LABELS
from station_console.services.people.audit_trail import KIND_LABELS as EVENT_LABELS
from station_console.services.recipients.fields import CHANNEL_LABELS, CONSENT_LABELS
from station_console.services.sendout.identity import ID_TYPE_LABELS
from station_console.services.sendout.payments import METHOD_LABELS as PAYMENT_LABELS
from station_console.services.sendout.payments import STATUS_LABELS as SEND_STATUS_LABELS

VALUE_CUT = 80  # one value's characters at most: a 5,000-character note must not push the rest away
LINE_CUT = 200  # `details_text`'s characters at most

# The label of each key a service writes into an event's details (and the timeline adds).
LABELS: dict[str, str] = {
    # parcels: check-in, pickup, moves, leaving the shelves
    "waybill": N_("waybill"),
    "raw": N_("as scanned"),
    "carrier": N_("carrier"),
    "code": N_("pickup code"),
    "pickup_code": N_("pickup code"),
    "old_code": N_("old pickup code"),
    "location": N_("location"),
    "from": N_("moved from"),
    "to": N_("moved to"),
    "size": N_("size"),
    "masked_phone": N_("phone"),
    "redelivery": N_("re-delivery"),
    "overflow": N_("overflow area"),
    "forced_carrier": N_("carrier chosen by the clerk"),
    "prealert_status": N_("pre-alert"),
    "courier_batch": N_("courier batch"),
    "method": N_("how"),
    "scanned": N_("scanned"),
    "override_reason": N_("why without a scan"),
    "left_return_batch": N_("taken out of return batch"),
    "proxy_by_code": N_("proxy gave the pickup code"),
    "proxy_name": N_("collected by"),
    "proxy_phone": N_("collector's phone"),
    "proxy_id_last4": N_("collector's ID ends"),
    "received_by": N_("received by"),
    "signature": N_("signature"),
    "signed": N_("signed"),
    "photo": N_("photo"),
    "picked_up_at": N_("picked up at"),
    "batch": N_("batch"),
    "signed_by": N_("signed for by"),
    "reason": N_("reason"),
    "problem": N_("problem"),
    "previous": N_("earlier problem"),
    "note": N_("note"),
    "kind": N_("kind"),
    "length": N_("characters"),
    "queued": N_("queued"),
    "resend": N_("sent again"),
    "channel": N_("channel"),
    "cancelled": N_("cancelled"),
    "cancelled_jobs": N_("labels cancelled"),
    "stocktake": N_("stocktake"),
    "scope": N_("scope"),
    "counts": N_("counted"),
    "fixes": N_("fixes"),
    # door delivery
    "run": N_("delivery run"),
    "source": N_("source"),
    "fee_cents": N_("door fee"),
    "storage_fee_cents": N_("storage fee"),
    "delivered": N_("delivered"),
    "failed": N_("failed"),
    # fees
    "amount_cents": N_("amount"),
    "rule": N_("fee rule"),
    "days": N_("days"),
    # clerks, sign-in, lookups
    "clerk": N_("clerk"),
    "name": N_("name typed"),
    "role": N_("role"),
    "change": N_("change"),
    "demo": N_("demo data"),
    "failures": N_("wrong PINs"),
    "locked_s": N_("locked for"),
    "locked_until": N_("locked until"),
    "lock_s": N_("locked for"),
    "limit": N_("failures allowed at a counter"),
    "station_limit": N_("failures allowed at the station"),
    "window_s": N_("within"),
    "shape": N_("looked up by"),
    # day close, settings, shelves, carriers
    "day": N_("business day"),
    "balanced": N_("balanced"),
    "work_after_close": N_("work after the close"),
    "changed": N_("changed"),
    "first_start": N_("first start"),
    "first_run": N_("first start"),
    "action": N_("action"),
    "shelf": N_("shelf"),
    "layer": N_("layer"),
    "layers": N_("layers"),
    "capacity_units": N_("capacity"),
    "accepts_sizes": N_("sizes taken"),
    "zone": N_("zone"),
    "walk_order": N_("walk order"),
    # privacy
    "count": N_("count"),
    "cutoff": N_("older than"),
    "what": N_("what"),
    "parcels": N_("parcels"),
    "prealerts": N_("pre-alerts"),
    "proxies": N_("proxy records"),
    "receipts": N_("delivery receipts"),
    "recipients": N_("directory entries"),
    "notifications_cancelled": N_("messages cancelled"),
    # recipients directory and consent
    "recipient": N_("recipient"),
    "fields": N_("fields"),
    "consent": N_("consent"),
    "delivery_preference": N_("delivery"),
    "reminders_opt_out": N_("no reminders"),
    "proxy_allowed": N_("proxy allowed"),
    "full": N_("whole directory"),
    "rows_read": N_("rows read"),
    "added": N_("added"),
    "updated": N_("updated"),
    "reactivated": N_("reactivated"),
    "deactivated": N_("deactivated"),
    "choices": N_("choices"),
    "duplicates": N_("duplicates"),
    "issues": N_("issues"),
    # pre-alerts and courier batches
    "file": N_("file"),
    "loaded": N_("loaded"),
    "bad": N_("bad rows"),
    "on_shelf": N_("already on the shelf"),
    "courier": N_("courier"),
    "expected": N_("expected"),
    "received": N_("received"),
    "missing": N_("missing"),
    "extra": N_("extra"),
    "damaged": N_("damaged"),
    # carrier events
    "was": N_("was"),
    # send-out
    "status": N_("status"),
    "waybill_source": N_("waybill from"),
    "destination": N_("destination"),
    "id_type": N_("ID"),
    "id_last4": N_("ID ends"),
    "id_seen": N_("ID seen"),
    "weight_g": N_("weight"),
    "weight_manual": N_("weight typed"),
    "chargeable_g": N_("chargeable weight"),
    "price_cents": N_("price"),
    "refund_cents": N_("refund"),
    "payment": N_("payment"),
    "tariff_version": N_("tariff version"),
    "checklist_version": N_("checklist version"),
    "refused_reason": N_("refused because"),
    "accepted_day": N_("accepted on"),
    "batch_id": N_("handover batch"),
    "handed_over": N_("handed over"),
    "items": N_("items"),
    "imported": N_("imported"),
    "already": N_("already known"),
    "version": N_("version"),
    "previous_version": N_("previous version"),
    # a database restore
    "events": N_("events"),
    "revision": N_("schema"),
    "kept_as": N_("old database kept as"),
    "old_trail": N_("old trail"),
}

# Internal ids and machine data: nothing a clerk can act on (the JSON export keeps them).
HIDDEN = frozenset(
    {
        "clerk_id",
        "notification",
        "prealert",
        "proxy",
        "job_id",
        "send_id",
        "sender_id",
        "event",
        "import",
        "parcel_ids",
        "picked_up_by",
        "sha256",
        "previous_sha256",
        "currency",  # shown with the amounts
        "values",  # a new carrier's whole row: its code is shown
    }
)

# Numbers of things a clerk can look up on a screen (a return batch, a delivery run): shown as `#3`.
NUMBERED = frozenset(
    {
        "batch",
        "batch_id",
        "courier_batch",
        "run",
        "stocktake",
        "left_return_batch",
        "version",
        "previous_version",
        "tariff_version",
        "checklist_version",
    }
)

# True/False flags whose "no" says something too; any other flag shows its label alone when set.
YES_NO = frozenset({"balanced", "id_seen"})
# Flags that are news only when false: a handover without a scan (every other one is scanned).
NO_ONLY = frozenset({"scanned"})

# Counts of side effects whose zero says nothing (an import that updated nothing), and versions whose
# zero means there was none before.
ZERO_QUIET = frozenset(
    {
        "updated",
        "reactivated",
        "deactivated",
        "choices",
        "duplicates",
        "issues",
        "bad",
        "on_shelf",
        "already",
        "extra",
        "damaged",
        "parcels",
        "prealerts",
        "proxies",
        "receipts",
        "recipients",
        "notifications_cancelled",
        "cancelled_jobs",
        "work_after_close",
        "previous_version",
    }
)

MONEY = frozenset({"fee_cents", "storage_fee_cents", "amount_cents", "price_cents", "refund_cents"})
GRAMS = frozenset({"weight_g", "chargeable_g"})
SECONDS = frozenset({"lock_s", "locked_s", "window_s"})
MOMENTS = frozenset({"picked_up_at", "locked_until", "cutoff"})

# Shown first, in this order (what a clerk looks for); then the rest as written; the waybill last
# (screens show it in a column of its own, and a cut line loses its end).
_FIRST = ("code", "pickup_code", "location", "from", "to", "masked_phone", "carrier", "size", "method")
_LAST = ("waybill",)

# What `kind` in the details is, by the event that holds it.
KIND_KEY_LABELS: dict[str, str] = {
    EventKind.PROBLEM_MARKED: N_("problem"),
    EventKind.PROBLEM_RESOLVED: N_("problem"),
    EventKind.NOTIFIED: N_("message"),
    EventKind.REFUSAL_DISMISSED: N_("refused scan"),
    EventKind.CARRIER_EVENT_RETRIED: N_("carrier message"),
    EventKind.CARRIER_EVENT_DROPPED: N_("carrier message"),
}
PICKUP_METHOD_LABELS = {
    "code": N_("by pickup code"),
    "phone": N_("by phone"),
    "waybill": N_("by waybill"),
    "override": N_("without a scan"),
    "door": N_("door delivery"),
}
CHANGE_LABELS = {
    "created": N_("added"),
    "added": N_("added"),
    "edited": N_("edited"),
    "updated": N_("edited"),
    "pin": N_("PIN changed"),
    "activated": N_("can sign in again"),
    "deactivated": N_("deactivated"),
    "planned": N_("planned"),
    "closed": N_("closed"),
    "add_shelf": N_("shelf added"),
    "edit_shelf": N_("shelf edited"),
    "add_layer": N_("layer added"),
    "edit_layer": N_("layer edited"),
    "retire": N_("retired"),
    "restore": N_("back in use"),
}
ROLE_LABELS = {"clerk": N_("clerk"), "manager": N_("manager")}
SIGN_OUT_LABELS = {
    "sign_out": N_("signed out"),
    "lock": N_("screen locked"),
    "idle": N_("locked when idle"),
    "switch": N_("clerk switched"),
}
REFUSAL_LABELS = {
    "partial": N_("part of a scan"),
    "refused": N_("refused scan"),
    "conflict": N_("carrier conflict"),
    "duplicate": N_("already checked in"),
    "no_room": N_("no room on the shelves"),
    "phone": N_("phone missing"),
    "typed": N_("typed by hand"),
    "error": N_("error"),
}
LOOKUP_LABELS = {
    "code": N_("pickup code"),
    "phone": N_("phone"),
    "tail": N_("phone tail"),
    "waybill": N_("waybill"),
}
WAYBILL_SOURCE_LABELS = {
    "entered": N_("typed or scanned"),
    "pool": N_("waybill stock"),
    "provider": N_("e-waybill"),
}
FIX_LABELS = {
    "relocated": N_("relocated"),
    "marked_missing": N_("marked missing"),
    "rechecked": N_("checked in again"),
    "found_again": N_("found again"),
    "failed": N_("failed"),
}
WHAT_LABELS = {"person": N_("one person's data")}
PREALERT_LABELS = {"expected": N_("expected"), "received": N_("received"), "not_received": N_("not received")}
MOVE_REASON_LABELS = {"move": N_("moved by hand"), "layer_move": N_("whole layer moved")}
REQUEST_SOURCE_LABELS = {"counter": N_("at the counter"), "phone": N_("by phone")}
REASON_CODES: dict[str, Mapping[str, str]] = {
    EventKind.SIGNED_OUT: SIGN_OUT_LABELS,
    EventKind.DELIVERY_FAILED: FAIL_REASONS,
    EventKind.MOVED: MOVE_REASON_LABELS,
}
NOTIFY_CHANNEL_LABELS = {"smtp": N_("e-mail"), "webhook": N_("webhook"), "file": N_("file")}


def _setting_name(name: str) -> str:
    """A setting's name as the clerk reads it. The name as stored for now: the settings module is
    getting its own labels, and this is the one place that will use them."""
    return name


def _kind_catalogue(event_kind: str) -> Mapping[Any, str]:
    """What `kind` in the details means depends on the event."""
    if event_kind in (EventKind.PROBLEM_MARKED, EventKind.PROBLEM_RESOLVED):
        return PROBLEM_LABELS
    if event_kind == EventKind.NOTIFIED:
        return MESSAGE_LABELS
    if event_kind == EventKind.REFUSAL_DISMISSED:
        return REFUSAL_LABELS
    return EVENT_LABELS  # a carrier event's kind is mostly an event kind (`picked_up`, `returned`)


def _catalogue(event_kind: str, key: str) -> Mapping[Any, str] | None:
    """The labels of the codes `key` holds in an event of `event_kind`, if it holds codes."""
    if key == "kind":
        return _kind_catalogue(event_kind)
    if key == "method":
        return (
            PAYMENT_LABELS
            if event_kind in (EventKind.FEE_PAID, SendEvent.SEND_REFUNDED)
            else PICKUP_METHOD_LABELS
        )
    if key == "reason":  # a code for these; typed text for the rest
        return REASON_CODES.get(event_kind)
    if key == "source" and event_kind == EventKind.DOOR_REQUESTED:
        return REQUEST_SOURCE_LABELS
    if key == "channel":
        return NOTIFY_CHANNEL_LABELS if event_kind == EventKind.NOTIFIED else CHANNEL_LABELS
    if key == "status" and event_kind in set(SendEvent):
        return SEND_STATUS_LABELS
    by_key: dict[str, Mapping[Any, str]] = {
        "problem": PROBLEM_LABELS,
        "previous": PROBLEM_LABELS,
        "change": CHANGE_LABELS,
        "action": CHANGE_LABELS,
        "role": ROLE_LABELS,
        "payment": PAYMENT_LABELS,
        "id_type": ID_TYPE_LABELS,
        "consent": CONSENT_LABELS,
        "delivery_preference": PREFERENCE_LABELS,
        "shape": LOOKUP_LABELS,
        "waybill_source": WAYBILL_SOURCE_LABELS,
        "what": WHAT_LABELS,
        "prealert_status": PREALERT_LABELS,
    }
    return by_key.get(key)


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


def cut(text: str, limit: int = VALUE_CUT) -> str:
    """One line, at most `limit` characters, with nothing in it that can drive a terminal."""
    one_line = " ".join(visible(text).split())
    return one_line if len(one_line) <= limit else one_line[: limit - 1] + "…"


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
        return list_separator().join(_setting_name(str(v)) for v in value)
    if key == "changed" and isinstance(value, list):  # a sender's changed fields, or that it is new
        return list_separator().join(_(CHANGE_LABELS[v]) if v in CHANGE_LABELS else str(v) for v in value)
    if key == "changed" and isinstance(value, Mapping):
        return list_separator().join(str(k) for k in value)  # the fields; their old values are in the JSON
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
    first = [k for k in _FIRST if k in details]
    last = [k for k in _LAST if k in details]
    middle = [k for k in details if k not in first and k not in last]
    return first + middle + last


def event_details(
    kind: str,
    details: Mapping[str, Any],
    *,
    zone: tzinfo | None = None,
    waybill: str | None = None,
    clerk: str | None = None,
) -> list[Detail]:
    """The details of an event of `kind` as a clerk reads them, most telling first.

    `zone`: the station's, for the moments among the details. `waybill`, `clerk`: what the screen
    already shows for this event (left out of the details; the scan as typed shows only where it
    differs from the waybill).
    """
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
        if key in HIDDEN or _left_out(key, value):
            continue
        if key == "recipient" and isinstance(value, int):
            continue  # a directory row's id; the masked phone of a send stays
        if (key == "waybill" and waybill and str(value) == waybill) or (key == "clerk" and clerk == value):
            continue
        if key == "raw" and str(value).strip() == str(items.get("waybill") or waybill or "").strip():
            continue
        text = _value(kind, key, value, items, zone)
        if text == "" and not isinstance(value, bool):
            continue
        shown.append(Detail(key, _key_label(kind, key), cut(text)))
    return shown


def _key_label(event_kind: str, key: str) -> str:
    """`label(key)`, but what `kind` is depends on the event."""
    if key == "kind" and event_kind in KIND_KEY_LABELS:
        return _(KIND_KEY_LABELS[event_kind])
    return label(key)


def details_text(
    kind: str,
    details: Mapping[str, Any],
    *,
    zone: tzinfo | None = None,
    waybill: str | None = None,
    clerk: str | None = None,
    limit: int = LINE_CUT,
) -> str:
    """`event_details` on one line (two spaces between), cut at `limit` characters."""
    shown = event_details(kind, details, zone=zone, waybill=waybill, clerk=clerk)
    line = "  ".join(d.text() for d in shown)
    return line if len(line) <= limit else line[: limit - 1] + "…"
