from datetime import datetime

from sqlalchemy import Index
from sqlmodel import Field, SQLModel

from db.types import UTCDateTime


class RecipientBase(SQLModel):
    """A person the station delivers to, from the directory a campus, compound or office imports."""

    # The directory's own stable key (学号, 工号 ...): text, so leading zeros survive. Imports upsert on it.
    external_id: str | None = Field(default=None, max_length=64, unique=True)
    name: str = Field(default="", max_length=64)
    preferred_name: str | None = Field(default=None, max_length=64)
    email: str | None = Field(default=None, max_length=120)
    building: str | None = Field(default=None, max_length=32)
    unit: str | None = Field(default=None, max_length=16)
    floor: int | None = None  # from the room number unless the directory says
    room: str | None = Field(default=None, max_length=16)
    department: str | None = Field(default=None, max_length=64)
    language: str | None = Field(default=None, max_length=2)  # zh | en; None: the station's choice
    # db.models.DeliveryPreference; None: never stated
    delivery_preference: str | None = Field(default=None, max_length=16)
    proxy_allowed: bool = False  # someone else may collect with a phone tail or name, not only a code
    reminders_opt_out: bool = False


class Recipient(RecipientBase, table=True):
    __table_args__ = (Index("ix_recipient_active_building", "active", "building"),)

    id: int | None = Field(default=None, primary_key=True)
    source: str = Field(default="", max_length=32)  # the import mapping it came from; "" when typed in
    # Consent to holding parcels at the station instead of delivering them (db.models.Consent),
    # with when, how and which clerk recorded it; the history is in recipient_consent.
    consent: str | None = Field(default=None, max_length=16)
    consent_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    consent_channel: str | None = Field(default=None, max_length=16)
    consent_by: int | None = Field(default=None, foreign_key="clerk.id")
    # Matching keys, lower case, written with the name: the name, its pinyin and pinyin initials,
    # space-separated variants for characters with several readings (单: dan chan shan).
    search_name: str = Field(default="", max_length=600)
    active: bool = True
    created_at: datetime = Field(sa_type=UTCDateTime)
    updated_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    deactivated_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    purged_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    # One up on every write to the entry or its phones (services/recipients/directory.py `touch`): a
    # form's save compares the one it read, as the phones and e-mail it showed were masked.
    version: int = 1


class RecipientPhone(SQLModel, table=True):
    """A recipient's phone numbers, first one first: the full number only for messages, like a parcel's."""

    __tablename__ = "recipient_phone"
    __table_args__ = (
        Index("ix_recipient_phone_full", "phone_full"),
        Index("ix_recipient_phone_tail", "phone_tail"),
    )

    id: int | None = Field(default=None, primary_key=True)
    recipient_id: int = Field(foreign_key="recipient.id", index=True)
    position: int = 0
    phone_tail: str = Field(max_length=4)
    masked_phone: str = Field(max_length=32)
    phone_full: str | None = Field(default=None, max_length=32)  # purged like a parcel's


class RecipientConsent(SQLModel, table=True):
    """Every consent and delivery choice a recipient gave: what, when, through which channel, to whom."""

    __tablename__ = "recipient_consent"

    id: int | None = Field(default=None, primary_key=True)
    recipient_id: int = Field(foreign_key="recipient.id", index=True)
    # db.models.Consent, or "withdrawn" (an earlier answer taken back); None: this answer left it alone
    consent: str | None = Field(default=None, max_length=16)
    delivery_preference: str | None = Field(default=None, max_length=16)
    reminders_opt_out: bool | None = None
    proxy_allowed: bool | None = None
    channel: str = Field(max_length=16)  # counter | phone | sms | app | paper | import
    at: datetime = Field(sa_type=UTCDateTime)
    clerk_id: int | None = Field(default=None, foreign_key="clerk.id")
    note: str | None = Field(default=None, max_length=200)


class ProxyPickup(SQLModel, table=True):
    """Someone collected a parcel for its recipient (代取): who, as the clerk recorded them.

    Kept out of the audit event (which is never edited) so the retention purge can blank the name.
    """

    __tablename__ = "proxy_pickup"

    id: int | None = Field(default=None, primary_key=True)
    parcel_id: int = Field(foreign_key="parcel.id", index=True)
    name: str = Field(default="", max_length=64)
    phone_tail: str = Field(max_length=4)
    id_last4: str | None = Field(default=None, max_length=4)
    by_code: bool = False  # the pickup code was presented (else the recipient's settings allowed it)
    at: datetime = Field(sa_type=UTCDateTime)
    clerk_id: int | None = Field(default=None, foreign_key="clerk.id")
    counter: str = Field(default="", max_length=32)
    purged_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
