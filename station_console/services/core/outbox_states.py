"""Where an outgoing item is on its way out (an event to a carrier, a message to a customer), as every
screen and listing names it; translated where shown.

The carrier events' states are the whole set (`db.models.CarrierEventStatus`); a message to a customer
has some of them (`NotificationStatus`: no dead letters, so its `failed` may be for good) and reads
their labels from here (`notify/listing.py`). "Going out" is said of these only: a print job that is
"sending" is printing (`printing/sending.py`).
"""

from __future__ import annotations

from db.models import CarrierEventStatus
from station_console.i18n import N_

OUTBOX_STATE_LABELS = {
    CarrierEventStatus.QUEUED.value: N_("waiting"),
    CarrierEventStatus.SENDING.value: N_("going out"),
    CarrierEventStatus.SENT.value: N_("sent"),
    CarrierEventStatus.FAILED.value: N_("failed"),
    CarrierEventStatus.DEAD.value: N_("dead letter"),
    CarrierEventStatus.DROPPED.value: N_("dropped"),
    CarrierEventStatus.CANCELLED.value: N_("withdrawn"),
}
