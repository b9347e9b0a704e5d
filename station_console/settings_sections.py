"""The Settings screen's sections: which settings fields go together, by what they are about.

A mapping here rather than in the screen, so the grouping is data next to the models it names. A
field added to `StationSettings` or `CounterSettings` and not named here still shows, in "Other", with
no screen change; a name here that no model has is skipped. Fields a section names under `elsewhere`
are shown with where they are edited instead of an editor.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from station_console.i18n import N_
from station_console.settings import CounterSettings, StationSettings


@dataclass(frozen=True)
class Section:
    """One section: its title (a message id), station fields, then this counter's fields."""

    key: str
    title: str
    station: tuple[str, ...] = ()
    counter: tuple[str, ...] = ()
    elsewhere: dict[str, str] = field(default_factory=dict)  # counter field -> where it is edited


_PRINTERS = N_("Set on the Printers screen (F8).")

GROUPS: tuple[Section, ...] = (
    Section("station", N_("Station"), station=("station_name", "timezone", "opening_hours", "currency")),
    Section(
        "codes",
        N_("Pickup codes"),
        station=("code_template", "code_seq_min", "code_seq_max", "code_cooldown_days"),
    ),
    Section(
        "shelves",
        N_("Shelves and check-in"),
        station=(
            "default_size",
            "size_units",
            "shelf_policy",
            "group_recipient",
            "xl_zone",
            "overflow_zone",
            "label_hold_s",
            "move_policy",
        ),
    ),
    Section(
        "pickup",
        N_("Pickup and checks"),
        station=(
            "verification_policy",
            "lookup_fail_limit",
            "lookup_station_fail_limit",
            "lookup_fail_window_s",
            "lookup_lock_s",
            "pickup_undo_minutes",
            "pickup_deadline_days",
        ),
    ),
    Section(
        "privacy",
        N_("Sign-in and privacy"),
        station=(
            "auto_lock_minutes",
            "pin_fail_limit",
            "pin_lock_s",
            "phone_purge_days",
            "send_record_keep_days",
            "finished_job_keep_days",
        ),
    ),
    Section(
        "notify",
        N_("Notifications"),
        station=(
            "notify_channel",
            "notify_language",
            "notify_group_window_s",
            "notify_max_attempts",
            "notify_backoff_s",
            "smtp_host",
            "smtp_port",
            "smtp_security",
            "smtp_user",
            "smtp_from",
            "webhook_url",
            "webhook_secret_header",
            "reminder_policy",
            "reminder_daily_cap",
        ),
    ),
    Section(
        "recipients",
        N_("Recipients and delivery"),
        station=("recipients_contact", "door_delivery_fee_cents", "proxy_id_check"),
    ),
    Section("sendout", N_("Send-out"), station=("send_origin", "send_real_name")),
    Section(
        "carrierdata",
        N_("Fees and carrier data"),
        station=(
            "storage_fee_rules",
            "prealert_sources",
            "carrier_event_targets",
            "carrier_event_max_attempts",
            "carrier_event_backoff_s",
        ),
    ),
    Section(
        "counter",
        N_("This counter"),
        counter=(
            "counter",
            "language",
            "label_font",
            "busy_wait_s",
            "printer",
            "printers",
            "waybill_printer",
            "scale",
            "ewaybill",
        ),
        elsewhere={"printer": _PRINTERS, "printers": _PRINTERS},
    ),
    Section(
        "scanner",
        N_("Scanner (wedge)"),
        counter=(
            "scanner",
            "wedge_prefix",
            "wedge_suffix",
            "wedge_terminator",
            "wedge_max_key_gap_ms",
            "wedge_min_length",
            "wedge_idle_timeout_ms",
            "wedge_rejoin_ms",
        ),
        elsewhere={"scanner": N_("Kept in counter.toml; the console reads it when it starts.")},
    ),
)


def sections() -> list[Section]:
    """The sections to show, in order: each keeps the fields its models have, and "Other" (only when
    needed) takes every field no section names."""
    named_station = {name for group in GROUPS for name in group.station}
    named_counter = {name for group in GROUPS for name in group.counter}
    shown = [
        Section(
            group.key,
            group.title,
            tuple(n for n in group.station if n in StationSettings.model_fields),
            tuple(n for n in group.counter if n in CounterSettings.model_fields),
            group.elsewhere,
        )
        for group in GROUPS
    ]
    other = Section(
        "other",
        N_("Other"),
        tuple(n for n in StationSettings.model_fields if n not in named_station),
        tuple(n for n in CounterSettings.model_fields if n not in named_counter),
    )
    return [s for s in [*shown, other] if s.station or s.counter]
