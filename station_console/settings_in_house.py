"""The station settings about its own work, the first part of `StationSettings` (`settings.py`): the
station's name and hours, pickup codes, shelving and check-in, pickup checks, sign-in, and how long
records are kept. A base class rather than a section of its own, so the fields keep their one order
(the Settings screen's "Other", `station settings show`, a save's audit event list them in it): these
first, `StationSettings` adding the rest.
"""

from __future__ import annotations

import re
from datetime import time
from typing import Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator

from station_console import settings_checks
from station_console.field_labels import FieldLabel, choices
from station_console.i18n import LANGUAGES, N_, get_language, translate
from station_console.safe_text import clean
from station_console.validation_reasons import InvalidValue, not_too_long

_HOURS = re.compile(r"^\s*(\d{1,2}):(\d{2})\s*[-–~至到]\s*(\d{1,2}):(\d{2})\s*$")


def parse_hours(text: str) -> tuple[time, time] | None:
    """Opening and closing time from an `opening_hours` text ("09:00-21:00"); None if it is not one."""
    m = _HOURS.match(text or "")
    if not m:
        return None
    h1, m1, h2, m2 = (int(g) for g in m.groups())
    if h1 > 23 or m1 > 59 or h2 > 24 or m2 > 59 or (h2 == 24 and m2):
        return None
    return time(h1, m1), (time(23, 59, 59, 999999) if h2 == 24 else time(h2, m2))


# The name of a station nobody has named: stored as it is (a set-up in any language stored its
# translation before), read in the reader's language wherever the name is shown.
DEFAULT_STATION_NAME = N_("Parcel Station")


def shown_station_name(name: str, lang: str | None = None) -> str:
    """The station's name as the reader reads it: the default, in any language's words, is nobody's
    name and reads in `lang` (the console's language when None); a name a manager typed, as typed."""
    if name in {translate(DEFAULT_STATION_NAME, each) for each in LANGUAGES}:
        return translate(DEFAULT_STATION_NAME, lang or get_language())
    return name


class InHouseSettings(BaseModel):
    """The station's own work: `StationSettings` is the model to read and save; this is its first part.
    The checks below that take every field (`"*"`) take `StationSettings`' own fields too."""

    model_config = ConfigDict(extra="ignore", validate_assignment=True)

    @field_validator("*", mode="before")
    @classmethod
    def _one_line(cls, value: Any) -> Any:
        """Text settings are one line of text: no control, escape or direction characters."""
        return not_too_long(clean(value)) if isinstance(value, str) else value

    _numbers = field_validator("*", mode="before")(settings_checks.number_typed)

    station_name: str = Field(
        DEFAULT_STATION_NAME,
        title=N_("Station name"),
        description=N_("Shown in the header, on labels and reports."),
    )
    _named = field_validator("station_name")(settings_checks.station_name)

    def name_shown(self, lang: str | None = None) -> str:
        """`station_name` as a header, a label or a report shows it (`shown_station_name`); the stored
        value (the day's hashed figures) stays as stored."""
        return shown_station_name(self.station_name, lang)

    timezone: str = Field(
        "UTC",
        title=N_("Time zone"),
        description=N_("IANA zone that defines the business day, e.g. Asia/Shanghai."),
    )
    opening_hours: str = Field(
        "09:00-21:00",
        title=N_("Opening hours"),
        description=N_(
            "Opening and closing time, HH:MM-HH:MM: shown in notifications; closing a day before "
            "its closing time asks twice."
        ),
    )

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        if not value.strip():  # "Unknown time zone : ..." would name no zone at all
            raise InvalidValue(N_("Type the station's time zone, a name like Asia/Shanghai."))
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise InvalidValue(
                N_("Unknown time zone {zone}: use a name like Asia/Shanghai."), zone=clean(value, 40)
            ) from None
        return value

    @field_validator("opening_hours")
    @classmethod
    def _hours(cls, value: str) -> str:
        if parse_hours(value) is None:
            raise InvalidValue(N_("Opening hours look like 09:00-21:00."))
        return value.strip()

    code_template: str = Field(
        "{shelf}-{layer}-{seq}",
        title=N_("Pickup code layout"),
        description=N_(
            "Pickup code layout; {shelf}, {layer} and {seq} are filled in. SEQ only narrows the search."
        ),
    )

    _layout = field_validator("code_template")(settings_checks.code_layout)
    code_seq_min: int = Field(
        1001, ge=0, le=999_999, title=N_("First SEQ number"), description=N_("Smallest SEQ number issued.")
    )
    code_seq_max: int = Field(
        9999,
        ge=1,
        le=999_999,
        title=N_("Last SEQ number"),
        description=N_("Largest SEQ number; the cursor wraps around to the smallest."),
    )

    @field_validator("code_seq_max")
    @classmethod
    def _seq_range(cls, value: int, info: ValidationInfo) -> int:
        low = info.data.get("code_seq_min")  # absent when it was refused itself
        if low is not None and value <= low:
            raise InvalidValue(
                N_("Must be greater than {field} ({low})"), field=FieldLabel(cls, "code_seq_min"), low=low
            )
        return value

    code_cooldown_days: int = Field(
        7,
        ge=0,
        le=365,
        title=N_("Code cooldown (days)"),
        description=N_("Days a freed pickup code is held back before reuse."),
    )

    default_size: Literal["S", "M", "L", "XL"] = Field(
        "M", title=N_("Default size"), description=N_("Size class when the clerk gives none.")
    )
    size_units: dict[str, int] = Field(
        default_factory=lambda: {"S": 1, "M": 2, "L": 4, "XL": 8},
        title=N_("Room per size"),
        description=N_("Capacity a parcel takes on a layer, by size class."),
    )
    _units_typed = field_validator("size_units", mode="before")(settings_checks.size_units_typed)
    _units = field_validator("size_units")(settings_checks.size_units)
    shelf_policy: Literal["least_filled", "fill_in_order"] = Field(
        "least_filled",
        title=N_("Shelf placement"),
        description=N_(
            "Spread parcels over the layers that fit, or fill the layers one by one in walking order."
        ),
        json_schema_extra=choices(
            least_filled=N_("Spread evenly"), fill_in_order=N_("Fill in walking order")
        ),
    )
    group_recipient: bool = Field(
        True,
        title=N_("Group by recipient"),
        description=N_("A recipient with parcels on the shelves gets the same layer while it has room."),
    )
    xl_zone: str = Field("floor", title=N_("XL zone"), description=N_("Zone that takes XL parcels."))
    overflow_zone: str = Field(
        "overflow", title=N_("Overflow zone"), description=N_("Zone used only when no other layer has room.")
    )
    _zones = field_validator("xl_zone", "overflow_zone")(settings_checks.zone)
    label_hold_s: int = Field(
        20,
        ge=0,
        le=600,
        title=N_("Label hold (s)"),
        description=N_(
            "Seconds a check-in's label waits for the phone typed after the scan, so it carries the "
            "masked phone; the next scan or the phone prints it at once."
        ),
    )
    move_policy: Literal["keep_code", "new_code"] = Field(
        "new_code",
        title=N_("Pickup code on a move"),
        description=N_("On a move: issue a new pickup code and reprint, or keep the old code."),
        json_schema_extra=choices(new_code=N_("New code and label"), keep_code=N_("Keep the code")),
    )

    verification_policy: Literal["code", "code_and_tail", "tail_and_name", "code_or_tail_checked"] = Field(
        "code_or_tail_checked",
        title=N_("Pickup check"),
        description=N_(
            "What a customer must give at pickup. Default: a code, or a phone tail with a second check."
        ),
        json_schema_extra=choices(
            code=N_("Pickup code only"),
            code_and_tail=N_("Code, then the phone tail"),
            tail_and_name=N_("Phone tail, then the name"),
            code_or_tail_checked=N_("Code, or phone tail with a check"),
        ),
    )
    lookup_fail_limit: int = Field(
        5,
        ge=1,
        le=1000,
        title=N_("Failed lookups, clerk"),
        description=N_("Failed pickup lookups one clerk may make in the window before theirs lock."),
    )
    lookup_station_fail_limit: int = Field(
        20,
        ge=1,
        le=10_000,
        title=N_("Failed lookups, station"),
        description=N_(
            "Failed pickup lookups the whole station may make in the window before every lookup locks."
        ),
    )
    lookup_fail_window_s: int = Field(
        60,
        ge=1,
        le=86_400,
        title=N_("Lookup fail window (s)"),
        description=N_("Window for counting failed lookups, in seconds."),
    )
    lookup_lock_s: int = Field(
        60,
        ge=0,
        le=86_400,
        title=N_("Lookup lock (s)"),
        description=N_("How long lookups stay locked after too many failures."),
    )
    pickup_undo_minutes: int = Field(
        5,
        ge=0,
        le=1440,
        title=N_("Pickup undo (minutes)"),
        description=N_("A manager can undo a pickup within this many minutes."),
    )

    phone_purge_days: int = Field(
        30,
        ge=0,
        le=3650,
        title=N_("Phone purge (days)"),
        description=N_("Days after pickup or return when the full phone is purged."),
    )
    send_record_keep_days: int = Field(
        365,
        ge=30,
        le=3650,
        title=N_("Send record keep (days)"),
        description=N_(
            "Days a send's names, address and ID trace are kept after the courier took it (or it was "
            "refunded or refused); a sender unseen that long leaves the sender list (real-name sending)."
        ),
    )
    finished_job_keep_days: int = Field(
        90,
        ge=7,
        le=3650,
        title=N_("Print/message keep (days)"),
        description=N_(
            "Days a print job that printed (or was withdrawn or cancelled) and a customer message that went "
            "(or was withdrawn or given up) are kept after their parcel left; the day close deletes older "
            "ones. Jobs and messages still waiting are never deleted."
        ),
    )
    auto_lock_minutes: int = Field(
        10,
        ge=0,
        le=1440,
        title=N_("Auto lock (minutes)"),
        description=N_("Idle minutes before the console locks (0: never)."),
    )
    pin_fail_limit: int = Field(
        5,
        ge=1,
        le=100,
        title=N_("Wrong PINs allowed"),
        description=N_("Wrong PINs in a row before a clerk is locked out (a manager can unlock)."),
    )
    pin_lock_s: int = Field(
        60,
        ge=1,
        le=86_400,
        title=N_("PIN lock-out (s)"),
        description=N_("First lock-out after wrong PINs, in seconds; each next one lasts twice as long."),
    )
    pickup_deadline_days: int = Field(
        7,
        ge=1,
        le=365,
        title=N_("Pickup deadline (days)"),
        description=N_("Days a parcel waits before it is returned to the courier."),
    )
