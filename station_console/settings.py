"""Typed settings, documented field by field: each has a title (what a clerk reads, `Field(title=N_(
"Station name"))`, translated where it is shown) and a description.

Two kinds: `StationSettings` are shared by every counter and live in the database (`setting` table,
key "station"); `CounterSettings` belong to one console PC (its name, language, devices) and live in
a TOML file in the user config folder, overridable by `STATION_*` environment variables and flags
(`counter_settings.py`). The rows of table settings are `settings_rows.py`; both are re-exported here.
The station's own work (name, hours, codes, shelving, pickup checks, sign-in, keeping) is the first
part of `StationSettings`, `settings_in_house.py`.
Later issues add fields; a field with a default never needs a migration.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import Field, field_validator

from station_console import settings_checks
from station_console.counter_settings import CounterSettings as CounterSettings
from station_console.counter_settings import load_counter_settings as load_counter_settings
from station_console.field_labels import choices, field_label
from station_console.i18n import N_
from station_console.settings_in_house import InHouseSettings
from station_console.settings_rows import EventTarget as EventTarget
from station_console.settings_rows import FeeRule as FeeRule
from station_console.settings_rows import PreAlertSource as PreAlertSource
from station_console.settings_rows import clean_keys


# The first fields (name, hours, codes, shelving, pickup checks, sign-in, keeping) are `InHouseSettings`';
# these are the station's dealings with the outside: customer messages, recipients and door delivery,
# money and sending, storage fees, pre-alerts, events back to carriers.
class StationSettings(InHouseSettings):
    """Station-wide rules. Changed by a manager in Settings; every change is an audit event."""

    # Notifications. Secrets are not here: the SMTP password and the webhook secret come from
    # $STATION_SMTP_PASSWORD / $STATION_WEBHOOK_SECRET or the counter-local `secrets.toml` (services.notify).
    notify_channel: Literal["file", "smtp", "webhook", "none"] = Field(
        "file",
        title=N_("Notification channel"),
        description=N_("How customers are told: e-mail, an SMS gateway, a file of messages, or not at all."),
        json_schema_extra=choices(
            file=N_("File of messages"),
            smtp=N_("E-mail (SMTP)"),
            webhook=N_("SMS gateway"),
            none=N_("Not told"),
        ),
    )
    notify_language: Literal["zh", "en", "both"] = Field(
        "both",
        title=N_("Message language"),
        description=N_("Language of customer messages; both: Chinese first."),
        json_schema_extra=choices(zh=N_("Chinese"), en=N_("English"), both=N_("Chinese and English")),
    )
    notify_group_window_s: int = Field(
        120,
        ge=0,
        le=3600,
        title=N_("Message grouping (s)"),
        description=N_("Seconds a check-in message waits so one recipient's parcels go out together."),
    )
    notify_max_attempts: int = Field(
        5,
        ge=1,
        le=100,
        title=N_("Message attempts"),
        description=N_("Sending attempts before a message is failed for good."),
    )
    notify_backoff_s: int = Field(
        30,
        ge=1,
        le=86_400,
        title=N_("Message retry wait (s)"),
        description=N_("Wait before the first retry, in seconds; doubled after each failure."),
    )
    smtp_host: str = Field("", title=N_("SMTP server"), description=N_("SMTP server for e-mail messages."))
    smtp_port: int = Field(
        587,
        ge=1,
        le=65_535,
        title=N_("SMTP port"),
        description=N_("SMTP port: 587 for STARTTLS, 465 for SSL, 25 for none."),
    )
    smtp_security: Literal["starttls", "ssl", "none"] = Field(
        "starttls",
        title=N_("SMTP encryption"),
        description=N_("SMTP encryption."),
        json_schema_extra=choices(starttls=N_("STARTTLS"), ssl=N_("SSL/TLS"), none=N_("None")),
    )
    smtp_user: str = Field("", title=N_("SMTP login"), description=N_("SMTP login name; empty: no login."))
    smtp_from: str = Field(
        "", title=N_("Sender address"), description=N_("Sender address of e-mail messages.")
    )
    webhook_url: str = Field(
        "", title=N_("SMS gateway URL"), description=N_("SMS gateway URL that takes a JSON POST per message.")
    )
    _servers = field_validator("smtp_host")(settings_checks.mail_host)
    _sender = field_validator("smtp_from")(settings_checks.mail_address)
    _webhook = field_validator("webhook_url")(settings_checks.web_url)
    webhook_secret_header: str = Field(
        "X-Station-Secret",
        title=N_("Webhook secret header"),
        description=N_("Header that carries the webhook secret."),
    )
    reminder_policy: Literal["off", "amber", "red"] = Field(
        "amber",
        title=N_("Overdue reminders"),
        description=N_("Remind once a day when a parcel passes its carrier's amber or red age, or never."),
        json_schema_extra=choices(
            off=N_("No reminders"), amber=N_("From the amber age"), red=N_("From the red age")
        ),
    )
    reminder_daily_cap: int = Field(
        200,
        ge=0,
        le=100_000,
        title=N_("Reminders per day"),
        description=N_("Most reminders queued in one business day."),
    )

    # Recipients (the directory), door delivery and proxy pickup.
    recipients_contact: str = Field(
        "",
        title=N_("Contact for recipients"),
        description=N_(
            "How recipients change their delivery choice or stop reminders (a phone, a desk); "
            "shown in their messages."
        ),
    )
    door_delivery_fee_cents: int = Field(
        0,
        ge=0,
        le=1_000_000,
        title=N_("Delivery fee (cents)"),
        description=N_("Fee per door delivery, in cents (0: free); counted in the day report."),
    )
    proxy_id_check: Literal["never", "always"] = Field(
        "never",
        title=N_("Proxy ID check"),
        description=N_("Proxy pickup: also record the last 4 characters of the proxy's ID card."),
        json_schema_extra=choices(never=N_("Not recorded"), always=N_("Always recorded")),
    )

    currency: str = Field(
        "CNY",
        min_length=3,
        max_length=3,
        title=N_("Currency"),
        description=N_("Currency of prices and payments (ISO 4217)."),
    )

    _currency = field_validator("currency")(settings_checks.currency)
    send_origin: str = Field(
        "广东",
        title=N_("Sending province"),
        description=N_("Province the station sends from; send-out zones are counted from it."),
    )
    send_real_name: bool = Field(
        True,
        title=N_("Real-name sending"),
        description=N_("Sending needs the sender's ID checked and its last 4 characters kept."),
    )

    # Storage fees. Money is in integer cents.
    storage_fee_rules: list[FeeRule] = Field(
        default_factory=list,
        title=N_("Storage fee rules"),
        # One rule as a refusal names it (field_labels.where_label), counted from 1 as the manager does.
        json_schema_extra={"item": N_("Storage fee rule {n}")},
        description=N_(
            "Storage fee table: free days, fee per day, cap, return-to-sender day, by size, carrier or "
            "recipient type (station fees set/remove). Empty: no fees."
        ),
    )
    prealert_sources: dict[str, PreAlertSource] = Field(
        default_factory=dict,
        title=N_("Pre-alert sources"),
        description=N_(
            'Pre-alert file layouts by source name, e.g. {"pdd": {"columns": {"waybill": "物流单号"}, '
            '"carrier": "ZTO"}} (station prealert import FILE --source pdd).'
        ),
    )

    # Events back to carriers and platforms. Secrets are not here: `[carrier_event_secrets]` in this
    # counter's secrets.toml, or $STATION_EVENT_SECRET_<CARRIER> (services.carrier_events.channels).
    carrier_event_targets: dict[str, EventTarget] = Field(
        default_factory=dict,
        title=N_("Carrier event targets"),
        description=N_(
            'Where parcel events go, per carrier code ("*": every other carrier), e.g. '
            '{"SF": {"channel": "webhook", "url": "https://..."}}. Empty: no events are queued.'
        ),
    )

    @field_validator("prealert_sources", "carrier_event_targets", mode="before")
    @classmethod
    def _clean_names(cls, value: Any) -> Any:
        """A source's name and a carrier code are typed text too."""
        return clean_keys(value)

    carrier_event_max_attempts: int = Field(
        8,
        ge=1,
        le=100,
        title=N_("Event attempts"),
        description=N_("Sending attempts before an event goes to the dead-letter list."),
    )
    carrier_event_backoff_s: int = Field(
        30,
        ge=1,
        le=86_400,
        title=N_("Event retry wait (s)"),
        description=N_("Wait before an event's first retry, in seconds; doubled after each failure."),
    )


def setting_label(name: str, lang: str | None = None) -> str:
    """A station or counter setting by its title, in `lang` (default: the console's language): for
    whatever lists settings by name, such as the audit trail's "settings changed"; the name itself for
    one neither has."""
    model = StationSettings if name in StationSettings.model_fields else CounterSettings
    return field_label(model, name, lang)
