"""The short strings stored in status and kind columns."""

from enum import StrEnum


class ParcelStatus(StrEnum):
    ON_SHELF = "on_shelf"  # checked in and waiting; problem parcels stay on_shelf with a flag
    PICKED_UP = "picked_up"
    RETURNED = "returned"  # handed back to the courier in a closed return batch
    WRITTEN_OFF = "written_off"  # lost or destroyed, by a manager with a reason
    CANCELLED = "cancelled"  # check-in undone by the clerk; never counted


class Size(StrEnum):
    S = "S"
    M = "M"
    L = "L"
    XL = "XL"


class Zone(StrEnum):
    MAIN = "main"  # ordinary shelves
    FLOOR = "floor"  # XL parcels on the floor
    OVERFLOW = "overflow"  # used only when nothing else has room


class PickupMethod(StrEnum):
    CODE = "code"
    PHONE = "phone"
    WAYBILL = "waybill"
    OVERRIDE = "override"
    DOOR = "door"  # delivered to the recipient's door by a runner: an exit like a pickup
    PROXY = "proxy"  # a proxy collected it without its code, on the recipient's leave for proxies


class ProblemKind(StrEnum):
    DAMAGED = "damaged"
    REFUSED = "refused"
    WRONG_ADDRESS = "wrong_address"
    UNREADABLE = "unreadable"
    MISSING = "missing"  # on record, not found at a stocktake
    PUT_BACK = "put_back"  # found on the shelf at a stocktake after it was recorded as having left
    RECALLED = "recalled"  # its carrier or sender asked for it back before it was due (拦截件)


class Role(StrEnum):
    CLERK = "clerk"
    MANAGER = "manager"


class JobStatus(StrEnum):
    HELD = "held"  # a check-in's label waiting for its phone; printed when it comes, or after a while
    QUEUED = "queued"
    SENDING = "sending"
    PRINTED = "printed"
    FAILED = "failed"  # last attempt failed; retried by the worker, reprintable
    INTERRUPTED = "interrupted"  # cut off mid-send: maybe printed; not retried, the clerk reprints
    CANCELLED = "cancelled"  # withdrawn with its cause: check-in undone, parcel gone, replaced by a reprint
    DISCARDED = "discarded"  # cancelled by a clerk in the print queue (audited); never printed


class NotificationStatus(StrEnum):
    QUEUED = "queued"
    SENDING = "sending"  # marked before the send, so a crash never sends twice
    SENT = "sent"
    FAILED = "failed"
    CANCELLED = "cancelled"


class EventKind(StrEnum):
    CHECKED_IN = "checked_in"
    CHECKIN_UNDONE = "checkin_undone"
    PICKED_UP = "picked_up"
    PICKUP_UNDONE = "pickup_undone"
    RETURNED = "returned"
    RETURN_BATCH_OPENED = "return_batch_opened"
    RETURN_BATCH_ADDED = "return_batch_added"  # marked to go back: pickup and door delivery see the mark
    RETURN_BATCH_REMOVED = "return_batch_removed"  # the mark taken off; the parcel stays on the shelf
    WRITTEN_OFF = "written_off"
    MOVED = "moved"
    PROBLEM_MARKED = "problem_marked"
    PROBLEM_RESOLVED = "problem_resolved"
    PHONE_SET = "phone_set"
    PHONE_PURGED = "phone_purged"
    LABEL_REPRINTED = "label_reprinted"
    NOTIFIED = "notified"
    LOOKUP_LOCKED = "lookup_locked"
    REFUSAL_DISMISSED = "refusal_dismissed"  # a refused scan the clerk let go at the check-in screen
    STOCKTAKE_STARTED = "stocktake_started"
    STOCKTAKE_PAUSED = "stocktake_paused"
    STOCKTAKE_RESUMED = "stocktake_resumed"  # a paused one open again (resuming an open one changes nothing)
    STOCKTAKE_CLOSED = "stocktake_closed"
    DAY_CLOSED = "day_closed"
    DAY_REOPENED = "day_reopened"  # by a manager, with a reason
    SETTINGS_CHANGED = "settings_changed"
    COUNTER_SETTINGS_CHANGED = "counter_settings_changed"  # one counter's counter.toml, not the station's
    SHELF_CHANGED = "shelf_changed"
    CARRIER_CHANGED = "carrier_changed"
    CLERK_CHANGED = "clerk_changed"
    SIGNED_IN = "signed_in"
    SIGNED_OUT = "signed_out"  # sign-out, auto-lock or switching clerk
    DATA_EXPORTED = "data_exported"
    PERSON_DELETED = "person_deleted"
    RECIPIENTS_IMPORTED = "recipients_imported"
    RECIPIENT_CHANGED = "recipient_changed"
    CONSENT_RECORDED = "consent_recorded"
    RECIPIENT_LINKED = "recipient_linked"  # a parcel was matched to a directory entry
    RECIPIENT_NAMED = "recipient_named"  # a name typed for a parcel, matching no one (who is this?)
    DOOR_REQUESTED = "door_requested"
    OUT_FOR_DELIVERY = "out_for_delivery"  # scanned out to a runner; still on the station's books
    DELIVERY_FAILED = "delivery_failed"  # back from the run undelivered, back in its slot
    DELIVERY_RUN_CHANGED = "delivery_run_changed"
    PREALERTS_IMPORTED = "prealerts_imported"
    COURIER_BATCH_OPENED = "courier_batch_opened"
    COURIER_BATCH_CLOSED = "courier_batch_closed"
    FEE_PAID = "fee_paid"
    FEE_WAIVED = "fee_waived"
    FEE_REVERSED = "fee_reversed"  # an undone pickup's fee: charge reversed, payment given back
    FEE_RULES_CHANGED = "fee_rules_changed"
    FEE_RECEIPT_REPRINTED = "fee_receipt_reprinted"  # a copy of a fee receipt queued: which, on which printer
    CARRIER_EVENT_RETRIED = "carrier_event_retried"
    CARRIER_EVENT_DROPPED = "carrier_event_dropped"
    PRINT_JOB_RETRIED = "print_job_retried"  # a clerk sent a failed or interrupted job again
    PRINT_JOB_CANCELLED = "print_job_cancelled"  # a clerk took a job off the print queue (discarded)
    SIGN_IN_FAILED = "sign_in_failed"  # a wrong name or PIN; the lock-out it may start is in details
    CLERK_UNLOCKED = "clerk_unlocked"  # a manager ended a clerk's PIN lock-out
    DB_RESTORED = "db_restored"  # written in the replaced database's trail and in the restored one's
    DB_BACKED_UP = "db_backed_up"  # a copy of every record left the station: the file's name and SHA-256


class DeliveryPreference(StrEnum):
    """How a recipient wants their parcels (a directory field, recorded with their consent)."""

    STATION = "station"  # pickup at the station (its consent is what the 2024 rules ask for)
    DOOR = "door"  # door delivery (送货上门)
    LOCKER = "locker"
    PROXY = "proxy"  # a neighbour or someone else collects


class Consent(StrEnum):
    """The recipient's answer on holding parcels at the station instead of delivering them."""

    GRANTED = "granted"
    REFUSED = "refused"


class DeliveryStatus(StrEnum):
    REQUESTED = "requested"  # waiting for a run
    PLANNED = "planned"  # on a run's sheet, still on the shelf
    OUT = "out"  # with the runner
    DELIVERED = "delivered"
    FAILED = "failed"  # back undelivered; the parcel is in its slot again
    CANCELLED = "cancelled"
    UNDONE = "undone"  # recorded delivered, then undone at the counter: in its slot again, never delivered


class RunStatus(StrEnum):
    OPEN = "open"  # planned; parcels being scanned out
    CLOSED = "closed"  # every parcel back as delivered or failed


class PreAlertStatus(StrEnum):
    EXPECTED = "expected"
    RECEIVED = "received"  # checked in; set when its batch closes (until then derived from the parcel)
    NOT_RECEIVED = "not_received"  # missing when its courier's batch closed: a problem parcel


class CarrierEventStatus(StrEnum):
    QUEUED = "queued"
    SENDING = "sending"  # claimed with a lease, committed before the send
    SENT = "sent"
    FAILED = "failed"  # will be retried with backoff
    DEAD = "dead"  # gave up: on the dead-letter list until a clerk retries or a manager drops it
    DROPPED = "dropped"
    CANCELLED = "cancelled"  # withdrawn before it went out (its check-in or pickup was undone)


class FeeKind(StrEnum):
    CHARGE = "charge"
    PAYMENT = "payment"
    WAIVER = "waiver"
    # An undone pickup's fee, reversed entry by entry (the entries stay: the ledger is never edited).
    CHARGE_REVERSAL = "charge_reversal"
    REFUND = "refund"  # its payment given back, by the payment's method
    WAIVER_REVERSAL = "waiver_reversal"


class FeeMethod(StrEnum):
    CASH = "cash"
    QR = "qr"
    ACCOUNT = "account"
