"""The settings that are tables, one model per row: storage-fee rules, carrier event targets, pre-alert
file layouts. Apart from `settings.py`, which re-exports them, to keep that one to the settings themselves.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from station_console import settings_checks
from station_console.i18n import N_
from station_console.safe_text import clean
from station_console.validation_reasons import InvalidValue, not_too_long


def _one_line(value: Any) -> Any:
    """Typed text, one line: no control, escape or direction characters (as a station setting's)."""
    return not_too_long(clean(value)) if isinstance(value, str) else value


def clean_keys(value: Any, *, values: bool = False) -> Any:
    """A table setting's mapping with its typed keys (and, with `values`, its text values) cleaned as
    one line of text; a key that cleans to nothing, or to another key, is refused."""
    if not isinstance(value, dict):
        return value
    out: dict[Any, Any] = {}
    for key, item in value.items():
        name = _one_line(key)
        if isinstance(key, str) and not name:
            raise InvalidValue(N_("An entry has no name"))
        if name in out:
            raise InvalidValue(N_("{name} is there twice"), name=name)
        out[name] = _one_line(item) if values else item
    return out


PER_DAY_MOST_CENTS = 1_000_000  # a fee rule's most per day (10,000.00): `station fees set` checks it too
CAP_MOST_CENTS = 10_000_000_000  # its most cap (100,000,000.00), the most any typed amount may be


class FeeRule(BaseModel):
    """One row of the storage-fee table (超期保管费). The most specific rule that matches a parcel (by
    size, carrier and recipient type; an empty criterion matches anything) prices it; ties go to the
    first in the table. Days are the station's local days, the check-in day being day 1."""

    model_config = ConfigDict(extra="forbid")
    _numbers = field_validator("*", mode="before")(settings_checks.number_typed)

    name: str = Field(
        min_length=1,
        max_length=64,
        title=N_("Rule name"),
        description=N_("A short name, shown with the fee."),
    )
    size: Literal["S", "M", "L", "XL"] | None = Field(
        None, title=N_("Size"), description=N_("Only parcels of this size.")
    )
    carrier: str | None = Field(
        None, max_length=16, title=N_("Carrier"), description=N_("Only this carrier's parcels (code).")
    )
    recipient_type: str | None = Field(
        None,
        max_length=16,
        title=N_("Recipient type"),
        description=N_("Only recipients of this type (from the pre-alert)."),
    )
    free_days: int = Field(
        3, ge=0, le=365, title=N_("Free days"), description=N_("Days on the shelf free of charge.")
    )
    per_day_cents: int = Field(
        100,
        ge=0,
        le=PER_DAY_MOST_CENTS,
        title=N_("Fee per day (cents)"),
        description=N_("Fee per day after the free days."),
    )
    cap_cents: int | None = Field(
        None,
        ge=0,
        le=CAP_MOST_CENTS,
        title=N_("Fee cap (cents)"),
        description=N_("Most one parcel is charged; empty: no cap."),
    )
    return_after_days: int | None = Field(
        None,
        ge=1,
        le=365,
        title=N_("Return from day"),
        description=N_("From this day the parcel goes back to the sender and the fee stops growing."),
    )

    @field_validator("name", "carrier", "recipient_type", mode="before")
    @classmethod
    def _one_line(cls, value: Any) -> Any:
        """Typed text, one line: no control, escape or direction characters (as a station setting's)."""
        return clean(value) if isinstance(value, str) else value


class EventTarget(BaseModel):
    """Where one carrier's (or every carrier's, under "*") parcel events go."""

    model_config = ConfigDict(extra="forbid")
    _numbers = field_validator("*", mode="before")(settings_checks.number_typed)

    channel: Literal["webhook", "file", "none"] = Field(
        "file",
        title=N_("Channel"),
        description=N_("webhook (JSON POST, signed), file (for manual upload) or none."),
    )
    url: str = Field("", title=N_("Webhook URL"), description=N_("Webhook URL."))
    folder: str = Field(
        "",
        title=N_("Folder"),
        description=N_("File channel: folder for the event files (default: data folder)."),
    )
    timeout_s: float = Field(
        10.0, gt=0, le=120, title=N_("Timeout (s)"), description=N_("Webhook: seconds to wait for an answer.")
    )

    @field_validator("url", "folder", mode="before")
    @classmethod
    def _one_line(cls, value: Any) -> Any:
        return _one_line(value)


class PreAlertSource(BaseModel):
    """How one sender's pre-alert files read: which column holds which field, and a default carrier."""

    model_config = ConfigDict(extra="forbid")
    _numbers = field_validator("*", mode="before")(settings_checks.number_typed)

    columns: dict[str, str] = Field(
        default_factory=dict,
        title=N_("Columns"),
        description=N_(
            "Field -> column heading, for headings not recognised on their own; fields: waybill, carrier, "
            "phone, name, size, weight, recipient_type."
        ),
    )
    carrier: str | None = Field(
        None, title=N_("Default carrier"), description=N_("Carrier code of rows that name none.")
    )

    @field_validator("columns", mode="before")
    @classmethod
    def _clean_columns(cls, value: Any) -> Any:
        return clean_keys(value, values=True)

    @field_validator("carrier", mode="before")
    @classmethod
    def _one_line(cls, value: Any) -> Any:
        return _one_line(value)
