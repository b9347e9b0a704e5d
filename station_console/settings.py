"""Typed settings, documented field by field.

Two kinds: `StationSettings` are shared by every counter and live in the database (`setting` table,
key "station"); `CounterSettings` belong to one console PC (its name, language, devices) and live in
a TOML file in the user config folder, overridable by `STATION_*` environment variables and flags.
Later issues add fields; a field with a default never needs a migration.
"""

from __future__ import annotations

import re
import tomllib
from datetime import time
from pathlib import Path
from typing import Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import tomli_w
from pydantic import BaseModel, ConfigDict, Field, ValidationError, ValidationInfo, field_validator

from station_console.counter_config import config_path
from station_console.errors import Refused
from station_console.i18n import N_, Later
from station_console.safe_text import clean
from station_console.validation_reasons import InvalidValue, Reasons

TEXT_MAX = 500  # characters of one text setting
_TOML_AT = re.compile(r"at line (\d+), column (\d+)")
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


def not_too_long(value: Any) -> Any:
    """A text setting as given; refused past TEXT_MAX characters rather than cut (a cut number is
    another number, a cut path another file)."""
    if isinstance(value, str) and len(value) > TEXT_MAX:
        raise InvalidValue(N_("Must have at most {limit} characters"), limit=TEXT_MAX)
    return value


class FeeRule(BaseModel):
    """One row of the storage-fee table (超期保管费). The most specific rule that matches a parcel (by
    size, carrier and recipient type; an empty criterion matches anything) prices it; ties go to the
    first in the table. Days are the station's local days, the check-in day being day 1."""

    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1, max_length=64, description=N_("A short name, shown with the fee."))
    size: Literal["S", "M", "L", "XL"] | None = Field(None, description=N_("Only parcels of this size."))
    carrier: str | None = Field(None, max_length=16, description=N_("Only this carrier's parcels (code)."))
    recipient_type: str | None = Field(
        None, max_length=16, description=N_("Only recipients of this type (from the pre-alert).")
    )
    free_days: int = Field(3, ge=0, le=365, description=N_("Days on the shelf free of charge."))
    per_day_cents: int = Field(100, ge=0, le=1_000_000, description=N_("Fee per day after the free days."))
    cap_cents: int | None = Field(None, ge=0, description=N_("Most one parcel is charged; empty: no cap."))
    return_after_days: int | None = Field(
        None,
        ge=1,
        le=365,
        description=N_("From this day the parcel goes back to the sender and the fee stops growing."),
    )


class EventTarget(BaseModel):
    """Where one carrier's (or every carrier's, under "*") parcel events go."""

    model_config = ConfigDict(extra="forbid")

    channel: Literal["webhook", "file", "none"] = Field(
        "file", description=N_("webhook (JSON POST, signed), file (for manual upload) or none.")
    )
    url: str = Field("", description=N_("Webhook URL."))
    folder: str = Field(
        "", description=N_("File channel: folder for the event files (default: data folder).")
    )
    timeout_s: float = Field(10.0, gt=0, le=120, description=N_("Webhook: seconds to wait for an answer."))


class PreAlertSource(BaseModel):
    """How one sender's pre-alert files read: which column holds which field, and a default carrier."""

    model_config = ConfigDict(extra="forbid")

    columns: dict[str, str] = Field(
        default_factory=dict,
        description=N_(
            "Field -> column heading, for headings not recognised on their own; fields: waybill, carrier, "
            "phone, name, size, weight, recipient_type."
        ),
    )
    carrier: str | None = Field(None, description=N_("Carrier code of rows that name none."))


class StationSettings(BaseModel):
    """Station-wide rules. Changed by a manager in Settings; every change is an audit event."""

    model_config = ConfigDict(extra="ignore", validate_assignment=True)

    @field_validator("*", mode="before")
    @classmethod
    def _one_line(cls, value: Any) -> Any:
        """Text settings are one line of text: no control, escape or direction characters."""
        return not_too_long(clean(value)) if isinstance(value, str) else value

    station_name: str = Field("Parcel Station", description=N_("Shown in the header, on labels and reports."))
    timezone: str = Field(
        "UTC", description=N_("IANA zone that defines the business day, e.g. Asia/Shanghai.")
    )
    opening_hours: str = Field(
        "09:00-21:00",
        description=N_(
            "Opening and closing time, HH:MM-HH:MM: shown in notifications; closing a day before "
            "its closing time asks twice."
        ),
    )

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise InvalidValue(
                N_("Unknown time zone {zone}: use a name like Asia/Shanghai"), zone=clean(value, 40)
            ) from None
        return value

    @field_validator("opening_hours")
    @classmethod
    def _hours(cls, value: str) -> str:
        if parse_hours(value) is None:
            raise InvalidValue(N_("Opening hours look like 09:00-21:00"))
        return value.strip()

    code_template: str = Field(
        "{shelf}-{layer}-{seq}",
        description=N_(
            "Pickup code layout; {shelf}, {layer} and {seq} are filled in. SEQ only narrows the search."
        ),
    )
    code_seq_min: int = Field(1001, ge=0, le=999_999, description=N_("Smallest SEQ number issued."))
    code_seq_max: int = Field(
        9999, ge=1, le=999_999, description=N_("Largest SEQ number; the cursor wraps around to the smallest.")
    )

    @field_validator("code_seq_max")
    @classmethod
    def _seq_range(cls, value: int, info: ValidationInfo) -> int:
        low = info.data.get("code_seq_min")  # absent when it was refused itself
        if low is not None and value <= low:
            raise InvalidValue(N_("Must be greater than code_seq_min ({low})"), low=low)
        return value

    code_cooldown_days: int = Field(
        7, ge=0, le=365, description=N_("Days a freed pickup code is held back before reuse.")
    )

    default_size: Literal["S", "M", "L", "XL"] = Field(
        "M", description=N_("Size class when the clerk gives none.")
    )
    size_units: dict[str, int] = Field(
        default_factory=lambda: {"S": 1, "M": 2, "L": 4, "XL": 8},
        description=N_("Capacity a parcel takes on a layer, by size class."),
    )
    shelf_policy: Literal["least_filled", "fill_in_order"] = Field(
        "least_filled",
        description=N_("least_filled spreads parcels; fill_in_order fills layers in walking order."),
    )
    group_recipient: bool = Field(
        True, description=N_("A recipient with parcels on the shelves gets the same layer while it has room.")
    )
    xl_zone: str = Field("floor", description=N_("Zone that takes XL parcels."))
    overflow_zone: str = Field("overflow", description=N_("Zone used only when no other layer has room."))
    label_hold_s: int = Field(
        20,
        ge=0,
        le=600,
        description=N_(
            "Seconds a check-in's label waits for the phone typed after the scan, so it carries the "
            "masked phone; the next scan or the phone prints it at once."
        ),
    )
    move_policy: Literal["keep_code", "new_code"] = Field(
        "new_code", description=N_("On a move: issue a new pickup code and reprint, or keep the old code.")
    )

    verification_policy: Literal["code", "code_and_tail", "tail_and_name", "code_or_tail_checked"] = Field(
        "code_or_tail_checked",
        description=N_(
            "What a customer must give at pickup. Default: a code, or a phone tail with a second check."
        ),
    )
    lookup_fail_limit: int = Field(
        5,
        ge=1,
        le=1000,
        description=N_("Failed pickup lookups one clerk may make in the window before theirs lock."),
    )
    lookup_station_fail_limit: int = Field(
        20,
        ge=1,
        le=10_000,
        description=N_(
            "Failed pickup lookups the whole station may make in the window before every lookup locks."
        ),
    )
    lookup_fail_window_s: int = Field(
        60, ge=1, le=86_400, description=N_("Window for counting failed lookups, in seconds.")
    )
    lookup_lock_s: int = Field(
        60, ge=0, le=86_400, description=N_("How long lookups stay locked after too many failures.")
    )
    pickup_undo_minutes: int = Field(
        5, ge=0, le=1440, description=N_("A manager can undo a pickup within this many minutes.")
    )

    phone_purge_days: int = Field(
        30, ge=0, le=3650, description=N_("Days after pickup or return when the full phone is purged.")
    )
    auto_lock_minutes: int = Field(
        10, ge=0, le=1440, description=N_("Idle minutes before the console locks (0: never).")
    )
    pin_fail_limit: int = Field(
        5,
        ge=1,
        le=100,
        description=N_("Wrong PINs in a row before a clerk is locked out (a manager can unlock)."),
    )
    pin_lock_s: int = Field(
        60,
        ge=1,
        le=86_400,
        description=N_("First lock-out after wrong PINs, in seconds; each next one lasts twice as long."),
    )
    pickup_deadline_days: int = Field(
        7, ge=1, le=365, description=N_("Days a parcel waits before it is returned to the courier.")
    )

    # Notifications. Secrets are not here: the SMTP password and the webhook secret come from
    # $STATION_SMTP_PASSWORD / $STATION_WEBHOOK_SECRET or the counter-local `secrets.toml` (services.notify).
    notify_channel: Literal["file", "smtp", "webhook", "none"] = Field(
        "file",
        description=N_("How customers are told: file (writes messages to a file), smtp, webhook or none."),
    )
    notify_language: Literal["zh", "en", "both"] = Field(
        "both", description=N_("Language of customer messages: zh, en, or both (Chinese first).")
    )
    notify_group_window_s: int = Field(
        120,
        ge=0,
        le=3600,
        description=N_("Seconds a check-in message waits so one recipient's parcels go out together."),
    )
    notify_max_attempts: int = Field(
        5, ge=1, le=100, description=N_("Sending attempts before a message is failed for good.")
    )
    notify_backoff_s: int = Field(
        30,
        ge=1,
        le=86_400,
        description=N_("Wait before the first retry, in seconds; doubled after each failure."),
    )
    smtp_host: str = Field("", description=N_("SMTP server for e-mail messages."))
    smtp_port: int = Field(
        587, ge=1, le=65_535, description=N_("SMTP port: 587 for STARTTLS, 465 for SSL, 25 for none.")
    )
    smtp_security: Literal["starttls", "ssl", "none"] = Field("starttls", description=N_("SMTP encryption."))
    smtp_user: str = Field("", description=N_("SMTP login name; empty: no login."))
    smtp_from: str = Field("", description=N_("Sender address of e-mail messages."))
    webhook_url: str = Field("", description=N_("SMS gateway URL that takes a JSON POST per message."))
    webhook_secret_header: str = Field(
        "X-Station-Secret", description=N_("Header that carries the webhook secret.")
    )
    reminder_policy: Literal["off", "amber", "red"] = Field(
        "amber",
        description=N_("Remind once a day when a parcel passes its carrier's amber or red age; off: never."),
    )
    reminder_daily_cap: int = Field(
        200, ge=0, le=100_000, description=N_("Most reminders queued in one business day.")
    )

    # Recipients (the directory), door delivery and proxy pickup.
    recipients_contact: str = Field(
        "",
        description=N_(
            "How recipients change their delivery choice or stop reminders (a phone, a desk); "
            "shown in their messages."
        ),
    )
    door_delivery_fee_cents: int = Field(
        0,
        ge=0,
        le=1_000_000,
        description=N_("Fee per door delivery, in cents (0: free); counted in the day report."),
    )
    proxy_id_check: Literal["never", "always"] = Field(
        "never",
        description=N_("Proxy pickup: also record the last 4 characters of the proxy's ID card."),
    )

    currency: str = Field(
        "CNY", min_length=3, max_length=3, description=N_("Currency of prices and payments (ISO 4217).")
    )
    send_origin: str = Field(
        "广东", description=N_("Province the station sends from; send-out zones are counted from it.")
    )
    send_real_name: bool = Field(
        True,
        description=N_("Sending needs the sender's ID checked and its last 4 characters kept (实名收寄)."),
    )

    # Storage fees. Money is in integer cents.
    storage_fee_rules: list[FeeRule] = Field(
        default_factory=list,
        description=N_(
            "Storage fee table: free days, fee per day, cap, return-to-sender day, by size, carrier or "
            "recipient type (station fees set/remove). Empty: no fees."
        ),
    )
    prealert_sources: dict[str, PreAlertSource] = Field(
        default_factory=dict,
        description=N_(
            'Pre-alert file layouts by source name, e.g. {"pdd": {"columns": {"waybill": "物流单号"}, '
            '"carrier": "ZTO"}} (station prealert import FILE --source pdd).'
        ),
    )

    # Events back to carriers and platforms. Secrets are not here: `[carrier_event_secrets]` in this
    # counter's secrets.toml, or $STATION_EVENT_SECRET_<CARRIER> (services.carrier_events.channels).
    carrier_event_targets: dict[str, EventTarget] = Field(
        default_factory=dict,
        description=N_(
            'Where parcel events go, per carrier code ("*": every other carrier), e.g. '
            '{"SF": {"channel": "webhook", "url": "https://..."}}. Empty: no events are queued.'
        ),
    )
    carrier_event_max_attempts: int = Field(
        8, ge=1, le=100, description=N_("Sending attempts before an event goes to the dead-letter list.")
    )
    carrier_event_backoff_s: int = Field(
        30,
        ge=1,
        le=86_400,
        description=N_("Wait before an event's first retry, in seconds; doubled after each failure."),
    )


class CounterSettings(BaseModel):
    """This console PC. Stored in `counter.toml` in the user config folder."""

    model_config = ConfigDict(extra="ignore", validate_assignment=True)

    @field_validator("*", mode="before")
    @classmethod
    def _not_too_long(cls, value: Any) -> Any:
        """Not cleaned like the station's text: a scanner's prefix may be a space."""
        return not_too_long(value)

    counter: str = Field("counter-1", description=N_("This counter's name, recorded on every event."))
    language: Literal["en", "zh"] | None = Field(
        None, description=N_("Console language; None follows the locale.")
    )
    printer: dict[str, Any] = Field(
        default_factory=dict, description=N_("Default label printer: language, transport, target, size, dpi.")
    )
    printers: dict[str, dict[str, Any]] = Field(
        default_factory=dict, description=N_("Named printers configured on this counter.")
    )
    label_font: str = Field(
        "auto",
        description=N_(
            "Chinese font for labels and PDFs: auto (this PC's own, else the bundled one), bundled, "
            "or the path of a font file."
        ),
    )
    scanner: dict[str, Any] = Field(
        default_factory=dict, description=N_("Scanner: kind (wedge, hid, serial, dummy) and its options.")
    )
    busy_wait_s: float = Field(
        5.0,
        ge=0,
        le=60,
        description=N_("Seconds a change waits for a database another program holds before it is refused."),
    )
    scale: dict[str, Any] = Field(
        default_factory=dict,
        description=N_("Scale: kind (hidpos, serial, dummy) and its options; empty: weights are typed."),
    )
    ewaybill: dict[str, Any] = Field(
        default_factory=dict, description=N_("E-waybill provider: kind (file, fake) and its options.")
    )
    waybill_printer: str = Field(
        "", description=N_("Named printer for 76x130 or 100x150 waybill labels; empty: pre-printed waybills.")
    )
    # Bounds: a negative or zero time, or a minute-long gap, makes every key a person's or a scanner's.
    wedge_max_key_gap_ms: int = Field(
        30, ge=1, le=1000, description=N_("Keys closer than this are a scanner, not a person typing.")
    )
    wedge_min_length: int = Field(
        6,
        ge=1,
        le=100,
        description=N_("Shortest code (prefix and suffix removed) a wedge burst must carry to be a scan."),
    )
    wedge_prefix: str = Field(
        "",
        max_length=16,
        description=N_(
            "Characters the wedge scanner sends before each code; required and stripped. With one, scan "
            "intake is exact: program the scanner with its manual's 'add prefix' code (e.g. ~), check "
            "with Scan test (F9) or `station scan-test`, then enter the same characters here."
        ),
    )
    wedge_suffix: str = Field(
        "",
        max_length=16,
        description=N_("Characters the wedge scanner sends after each code (before the terminator)."),
    )
    wedge_terminator: Literal["enter", "tab", "none"] = Field(
        "enter", description=N_("Key that ends a wedge scan; none: the scan ends after the idle timeout.")
    )
    wedge_idle_timeout_ms: int = Field(
        80,
        ge=1,
        le=10_000,
        description=N_(
            "Silence that ends a scan with no terminator; a pause shorter than this mid-scan "
            "does not split it."
        ),
    )
    wedge_rejoin_ms: int = Field(
        400,
        ge=0,
        le=10_000,
        description=N_(
            "A scan that stops mid-code (a busy PC or USB hub: 10-300 ms) waits this long for its "
            "rest; if none comes it is refused as a partial scan, never typed into a field."
        ),
    )


def load_counter_settings(path: Path | None = None) -> CounterSettings:
    """This counter's settings (the defaults when it has no file). A file that is not TOML or holds a
    value the counter cannot use is refused with where and what, so whoever edited it can mend it."""
    path = path or config_path()
    data: dict[str, Any] = {}
    problem: Later
    try:
        if path.exists():
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        return CounterSettings.model_validate(data)
    except tomllib.TOMLDecodeError as exc:
        at = _TOML_AT.search(str(exc))
        problem = (
            InvalidValue(N_("not valid TOML (line {line}, column {column})"), line=at[1], column=at[2])
            if at
            else InvalidValue(N_("not valid TOML"))
        )
    except UnicodeDecodeError:
        problem = InvalidValue(N_("not UTF-8 text"))
    except ValidationError as exc:
        problem = Reasons.of(exc.errors()[:5])  # the first few: enough to start mending
    raise Refused(
        N_("{file} cannot be used ({problem}). Correct it, or move it away to start from the defaults."),
        code="bad_counter_settings",
        file=str(path),
        problem=problem,
    )


def save_counter_settings(settings: CounterSettings, path: Path | None = None) -> None:
    path = path or config_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(tomli_w.dumps(settings.model_dump(exclude_none=True)), encoding="utf-8")
    tmp.replace(path)
