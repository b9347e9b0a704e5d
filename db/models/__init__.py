"""SQLModel tables of the whole station domain.

Naming: `XBase` holds the fields a caller may set, the `table=True` class adds keys and bookkeeping.
Statuses and kinds are short strings (constants in `db.models.enums`), not database enums, so adding
one is a code change, not a migration, on SQLite and PostgreSQL alike.
"""

from db.models.carrierdata import CarrierEvent, CourierBatch, FeeEntry, PreAlert, PreAlertImport
from db.models.carriers import Carrier
from db.models.clerks import Clerk
from db.models.closes import DayClose, ReturnBatch, Stocktake, StocktakeScan
from db.models.delivery import DeliveryItem, DeliveryRun
from db.models.enums import (
    CarrierEventStatus,
    Consent,
    DeliveryPreference,
    DeliveryStatus,
    EventKind,
    FeeKind,
    FeeMethod,
    JobStatus,
    NotificationStatus,
    ParcelStatus,
    PickupMethod,
    PreAlertStatus,
    ProblemKind,
    Role,
    RunStatus,
    Size,
    Zone,
)
from db.models.events import AuditHead, ParcelEvent
from db.models.jobs import Notification, PrintJob
from db.models.parcels import CodeHold, LookupFailure, Parcel
from db.models.recipients import ProxyPickup, Recipient, RecipientConsent, RecipientPhone
from db.models.sendout import HandoverBatch, Send, Sender, SendEvent, SendRule, SendStatus, WaybillStock
from db.models.settings import Setting
from db.models.shelves import Layer, Shelf

__all__ = [
    "AuditHead",
    "Carrier",
    "CarrierEvent",
    "CarrierEventStatus",
    "Clerk",
    "CodeHold",
    "Consent",
    "CourierBatch",
    "DayClose",
    "DeliveryItem",
    "DeliveryPreference",
    "DeliveryRun",
    "DeliveryStatus",
    "EventKind",
    "FeeEntry",
    "FeeKind",
    "FeeMethod",
    "HandoverBatch",
    "JobStatus",
    "Layer",
    "LookupFailure",
    "Notification",
    "NotificationStatus",
    "Parcel",
    "ParcelEvent",
    "ParcelStatus",
    "PickupMethod",
    "PreAlert",
    "PreAlertImport",
    "PreAlertStatus",
    "PrintJob",
    "ProblemKind",
    "ProxyPickup",
    "Recipient",
    "RecipientConsent",
    "RecipientPhone",
    "ReturnBatch",
    "Role",
    "RunStatus",
    "Send",
    "SendEvent",
    "SendRule",
    "SendStatus",
    "Sender",
    "Setting",
    "Shelf",
    "Size",
    "Stocktake",
    "StocktakeScan",
    "WaybillStock",
    "Zone",
]
