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


class ProblemKind(StrEnum):
    DAMAGED = "damaged"
    REFUSED = "refused"
    WRONG_ADDRESS = "wrong_address"
    UNREADABLE = "unreadable"
    MISSING = "missing"  # on record, not found at a stocktake


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
    CANCELLED = "cancelled"


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
    STOCKTAKE_CLOSED = "stocktake_closed"
    DAY_CLOSED = "day_closed"
    DAY_REOPENED = "day_reopened"  # by a manager, with a reason
    SETTINGS_CHANGED = "settings_changed"
    SHELF_CHANGED = "shelf_changed"
    CARRIER_CHANGED = "carrier_changed"
    CLERK_CHANGED = "clerk_changed"
    SIGNED_IN = "signed_in"
    SIGNED_OUT = "signed_out"  # sign-out, auto-lock or switching clerk
    DATA_EXPORTED = "data_exported"
    PERSON_DELETED = "person_deleted"
