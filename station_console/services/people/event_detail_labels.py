"""The labels of an audit event's details: each key a service writes, the codes its values hold, and
which keys are shown how (left out, numbered, money, grams...). `event_details` reads them.

A key written into an event without a label here still shows, as `key: value`; a test scans the services
for keys without one.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from db.models import EventKind
from db.models.sendout import SendEvent
from station_console.i18n import N_, LabelSubset
from station_console.services.core.paper_numbers import (
    courier_batch_number,
    handover_batch_number,
    return_batch_number,
    run_number,
)
from station_console.services.delivery.requests import SOURCES as REQUEST_SOURCES
from station_console.services.notify.templates import FAIL_REASONS
from station_console.services.recipients.fields import CHANNEL_LABELS

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
    "recall_overridden": N_("why handed over though recalled"),
    "recalled": N_("brought back: recalled"),
    "recalled_at": N_("recalled at"),
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
    "previous_note": N_("earlier problem's note"),
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
    "waiting_next_run": N_("waiting for the next run"),
    "off_run": N_("no longer on the run"),
    # fees
    "amount_cents": N_("amount"),
    "rule": N_("fee rule"),
    "days": N_("days"),
    "unwaived_cents": N_("waiver withdrawn"),
    # clerks, sign-in, lookups
    "clerk": N_("clerk"),
    "name": N_("name typed"),
    "role": N_("role"),
    "old_role": N_("role before"),
    "unlocked": N_("lock-out ended"),
    "change": N_("change"),
    "demo": N_("demo data"),
    "failures": N_("wrong PINs"),
    "attempts": N_("failed tries so far"),  # a retried carrier event's, in all
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
    "secrets_changed": N_("secrets changed (not recorded)"),
    "replaced_unreadable": N_("replaced a file that could not be read"),
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
    "sends": N_("send records"),
    "senders": N_("senders"),
    "sends_kept": N_("send records kept (real-name period)"),
    "send_cutoff": N_("sends older than"),
    "notifications_cancelled": N_("messages cancelled"),
    "print_jobs_deleted": N_("old print jobs deleted"),
    "messages_deleted": N_("old messages deleted"),
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
    "courier_at_open": N_("courier named at the open"),
    "expected": N_("expected"),
    "received": N_("received"),
    "missing": N_("missing"),
    "extra": N_("extra"),
    "damaged": N_("damaged"),
    # carrier events, print jobs a clerk retried or cancelled
    "was": N_("was"),
    "job": N_("print job"),
    "printer": N_("printer"),
    "receipt": N_("fee receipt"),  # its number: a copy of it was printed
    "no_printer": N_("queued, no printer set"),  # a copy no printer here takes yet
    "counter": N_("counter"),
    "set_aside": N_("set aside"),
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
    "refused_reason": N_("refused because"),  # in events written before the reason was kept out
    "found": N_("checklist items found"),
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
        "console",  # which process closed or reopened a day (day/turned.py)
        "currency",  # shown with the amounts
        "values",  # a new carrier's whole row: its code is shown
    }
)
# Hidden for one kind of event only, where a key means something other than its label says: a
# dismissed refusal's `code` is the refusal's internal code (its kind already says it in words), not
# a pickup code.
HIDDEN_IN: dict[str, frozenset[str]] = {EventKind.REFUSAL_DISMISSED: frozenset({"code"})}
# Left out elsewhere, shown in one kind of event under a label of its own, where it says what the event
# did: an undone pickup's `job_id` is the label it queued again (the parcel came back without one).
SHOWN_IN: dict[str, dict[str, str]] = {
    EventKind.PICKUP_UNDONE: {"job_id": N_("label queued again")},
    EventKind.FEE_RECEIPT_REPRINTED: {"job_id": N_("print job")},
}

# A delivery run or a batch, named as its printout names it (DR000002), never by its bare id: the number
# a clerk reads in the trail is the one on the paper the runner or the courier holds.
PAPER_NUMBERS: dict[str, Callable[[int], str]] = {
    "run": run_number,
    "courier_batch": courier_batch_number,
    "left_return_batch": return_batch_number,
    "batch_id": handover_batch_number,  # written by send-out's handover only
}
# `batch` is whichever batch its event is about.
BATCH_NUMBERS: dict[str, Callable[[int], str]] = {
    EventKind.RETURN_BATCH_OPENED: return_batch_number,
    EventKind.RETURN_BATCH_ADDED: return_batch_number,
    EventKind.RETURN_BATCH_REMOVED: return_batch_number,
    EventKind.RETURNED: return_batch_number,
    EventKind.COURIER_BATCH_OPENED: courier_batch_number,
    EventKind.COURIER_BATCH_CLOSED: courier_batch_number,
    SendEvent.HANDOVER_OPENED: handover_batch_number,
}

# Numbers of other things a clerk can look up on a screen (a stocktake, a print job): shown as `#3`.
NUMBERED = frozenset(
    {
        "batch",  # of an event `BATCH_NUMBERS` does not know
        "stocktake",
        "job",  # listed by its number in the print queue
        "job_id",  # where it is shown (`SHOWN_IN`): the same number
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
        "sends",
        "senders",
        "sends_kept",
        "notifications_cancelled",
        "print_jobs_deleted",
        "messages_deleted",
        "cancelled_jobs",
        "work_after_close",
        "previous_version",
    }
)

MONEY = frozenset(
    {"fee_cents", "storage_fee_cents", "amount_cents", "price_cents", "refund_cents", "unwaived_cents"}
)
GRAMS = frozenset({"weight_g", "chargeable_g"})
SECONDS = frozenset({"lock_s", "locked_s", "window_s"})
MOMENTS = frozenset({"picked_up_at", "recalled_at", "locked_until", "cutoff", "send_cutoff"})

# Shown first, in this order (what a clerk looks for); then the rest as written; the waybill last
# (screens show it in a column of its own, and a cut line loses its end).
FIRST = ("code", "pickup_code", "location", "from", "to", "masked_phone", "carrier", "size", "method")
LAST = ("waybill",)

# What `kind` in the details is, by the event that holds it: keyed by event kinds, as
# audit_trail.KIND_LABELS is, but each label names a detail of that event, not the event.
KIND_KEY_LABELS: dict[str, str] = {
    EventKind.PROBLEM_MARKED: N_("problem"),
    EventKind.PROBLEM_RESOLVED: N_("problem"),
    EventKind.NOTIFIED: N_("message"),
    EventKind.REFUSAL_DISMISSED: N_("refused scan"),
    EventKind.CARRIER_EVENT_RETRIED: N_("carrier message"),
    EventKind.CARRIER_EVENT_DROPPED: N_("carrier message"),
    EventKind.PRINT_JOB_RETRIED: N_("printout"),
    EventKind.PRINT_JOB_CANCELLED: N_("printout"),
}
PICKUP_METHOD_LABELS = {
    "code": N_("by pickup code"),
    "phone": N_("by phone number"),  # not "by phone": a recipient's consent given on a call
    "waybill": N_("by waybill"),
    "override": N_("without a scan"),
    "door": N_("door delivery"),
    "proxy": N_("by proxy, on the recipient's leave"),
}
CHANGE_LABELS = {
    "created": N_("added"),
    "added": N_("added"),
    "edited": N_("edited"),
    "updated": N_("edited"),
    "pin": N_("PIN changed"),
    "role": N_("role changed"),
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
    "quit": N_("console quit"),
    "deactivated": N_("deactivated by a manager meanwhile"),
    "made_clerk": N_("made a clerk by a manager meanwhile"),
}
# A failed sign-in's reason code, not the detail key of the same name that `event_detail_labels.LABELS`
# and `event_detail_labels.CHANGE_LABELS` label (a clerk's "deactivated" field).
SIGN_IN_FAILED_LABELS = {"deactivated": N_("clerk deactivated"), "locked_out": N_("clerk locked out")}
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
    "rechecked": N_("checked in (not on record here)"),  # a stray: the station never had it
    "put_back": N_("put back, no message"),
    "flagged_left": N_("flagged for a manager, not put back"),
    "found_again": N_("found again"),
    "failed": N_("failed"),
}
WHAT_LABELS = {"person": N_("one person's data")}
MOVE_REASON_LABELS = {"move": N_("moved by hand"), "layer_move": N_("whole layer moved")}
# Where a door delivery was asked for: some of the ways a recipient tells the station things.
REQUEST_SOURCE_LABELS = LabelSubset(CHANNEL_LABELS, REQUEST_SOURCES)
REASON_CODES: dict[str, Mapping[str, str]] = {
    EventKind.SIGNED_OUT: SIGN_OUT_LABELS,
    EventKind.SIGN_IN_FAILED: SIGN_IN_FAILED_LABELS,
    EventKind.DELIVERY_FAILED: FAIL_REASONS,
    EventKind.MOVED: MOVE_REASON_LABELS,
}
NOTIFY_CHANNEL_LABELS = {"smtp": N_("e-mail"), "webhook": N_("webhook"), "file": N_("file")}
