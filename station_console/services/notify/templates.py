"""Customer messages in English and Simplified Chinese, one message per recipient and group of parcels.

The texts are English message ids translated with the station's catalog (`locale/zh/notify.toml`), in the
language chosen for customers (`notify_language`), not the console's, unless the recipient's directory
entry names their own. A message lists every parcel of its group with its pickup code and where it lies
(shelf-layer); the deadline shown is the earliest of them. A recipient in the directory also reads their
delivery choice on record and how to change it or stop reminders (the 2024 express rules' consent).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from station_console.i18n import N_, translate
from station_console.services.fees.rules import money
from station_console.settings import StationSettings


@dataclass(frozen=True)
class FeeNote:
    """What storing a parcel costs, for a reminder: owed so far, per day, and the first day charged."""

    owed_cents: int
    per_day_cents: int
    starts: date


@dataclass(frozen=True)
class Item:
    """One parcel in a message (from the outbox payload; nothing personal)."""

    pickup_code: str
    shelf: str
    layer: str
    carrier: str
    checked_in_at: datetime
    old_code: str | None = None  # a code-changed message: the code the customer was given before
    note: str = ""  # a failed door delivery's reason (a FAIL_REASONS key)
    fee: FeeNote | None = None


@dataclass(frozen=True)
class Choice:
    """What the message says about the recipient's own choices (from their directory entry)."""

    delivery_preference: str | None
    language: str | None = None


@dataclass(frozen=True)
class Message:
    """What a channel sends. `to` is the full address: it leaves the station only inside this message."""

    to: str
    subject: str
    body: str
    idempotency_key: str
    kind: str = "checkin"
    codes: tuple[str, ...] = field(default_factory=tuple)


SUBJECT = {
    "checkin": N_("{station}: your parcel is ready for pickup"),
    "checkin_many": N_("{station}: {count} parcels are ready for pickup"),
    "reminder": N_("{station}: reminder, your parcel is waiting"),
    "reminder_many": N_("{station}: reminder, {count} parcels are waiting"),
    "code_changed": N_("{station}: your pickup code has changed"),
    "code_changed_many": N_("{station}: your pickup codes have changed"),
    "delivery_failed": N_("{station}: we could not deliver your parcel"),
    "delivery_failed_many": N_("{station}: we could not deliver {count} parcels"),
}
INTRO = {
    "checkin": N_("Your parcel has arrived at {station}."),
    "checkin_many": N_("{count} parcels for you have arrived at {station}."),
    "reminder": N_("Reminder: your parcel has been waiting at {station} since {since}."),
    "reminder_many": N_("Reminder: {count} parcels have been waiting at {station} since {since}."),
    "code_changed": N_("Your parcel at {station} was moved and has a new pickup code."),
    "code_changed_many": N_("{count} of your parcels at {station} were moved and have new pickup codes."),
    "delivery_failed": N_(
        "We could not bring your parcel to your door ({reason}). It waits for you at {station}."
    ),
    "delivery_failed_many": N_(
        "We could not bring {count} parcels to your door ({reason}). They wait for you at {station}."
    ),
}
# What each kind of message is, as the outbox lists it: one per SUBJECT key without "_many".
KIND_LABELS = {
    "checkin": N_("arrival"),
    "reminder": N_("reminder"),
    "code_changed": N_("new pickup code"),
    "delivery_failed": N_("delivery failed"),
}
# A recipient's delivery choice, as a message (and the console) names it.
PREFERENCE_LABELS = {
    "station": N_("pickup at the station"),
    "door": N_("door delivery"),
    "locker": N_("locker"),
    "proxy": N_("a neighbour or proxy collects"),
}
# Why a runner brought a parcel back.
FAIL_REASONS = {
    "not_home": N_("nobody at home"),
    "refused": N_("refused at the door"),
    "wrong_address": N_("address not found"),
    "no_access": N_("no access to the building"),
    "other": N_("another reason"),
}
CHOICE = N_("Your delivery choice on record: {choice}.")
NO_CHOICE = N_("No delivery choice on record: we hold your parcels at the station for pickup.")
CHANGE = N_("To change it, or to stop reminders: {contact}.")
CONTACT = N_("ask at the {station} counter")
LINE = N_("Pickup code {code} ({carrier}, shelf {location})")
LINE_CHANGED = N_("Pickup code {old} is now {code} ({carrier}, shelf {location})")
HOURS = N_("Opening hours: {hours}.")
DEADLINE = N_("Please collect by {deadline}; after that it goes back to the sender.")
FEE_FROM = N_("{code}: storage is free until {last_free}; from {start} it costs {per_day} a day.")
FEE_DUE = N_("{code}: a storage fee of {owed} is due so far ({per_day} a day since {start}).")


def deadline(items: list[Item], settings: StationSettings) -> date:
    zone = ZoneInfo(settings.timezone)
    first = min(item.checked_in_at for item in items)
    return (first + timedelta(days=settings.pickup_deadline_days)).astimezone(zone).date()


def render_text(
    items: list[Item],
    settings: StationSettings,
    lang: str,
    kind: str = "checkin",
    choice: Choice | None = None,
) -> tuple[str, str]:
    """(subject, body) in one language."""
    zone = ZoneInfo(settings.timezone)
    key = kind if len(items) == 1 else f"{kind}_many"
    since = min(item.checked_in_at for item in items).astimezone(zone).date().isoformat()
    reason = next((item.note for item in items if item.note), "other")
    params = {
        "station": settings.name_shown(lang),
        "count": len(items),
        "since": since,
        "reason": translate(FAIL_REASONS.get(reason, FAIL_REASONS["other"]), lang),
    }
    subject = translate(SUBJECT.get(key, SUBJECT["checkin"]), lang, **params)
    lines = [translate(INTRO.get(key, INTRO["checkin"]), lang, **params)]
    for item in sorted(items, key=lambda i: i.pickup_code):
        location = f"{item.shelf}-{item.layer}"
        fields = {"code": item.pickup_code, "carrier": item.carrier, "location": location}
        if item.old_code:
            lines.append(translate(LINE_CHANGED, lang, old=item.old_code, **fields))
        else:
            lines.append(translate(LINE, lang, **fields))
    lines += [
        fee_line(item, settings, lang) for item in sorted(items, key=lambda i: i.pickup_code) if item.fee
    ]
    lines.append(translate(HOURS, lang, hours=settings.opening_hours))
    lines.append(translate(DEADLINE, lang, deadline=deadline(items, settings).isoformat()))
    if choice is not None:
        label = PREFERENCE_LABELS.get(choice.delivery_preference or "")
        lines.append(
            translate(CHOICE, lang, choice=translate(label, lang)) if label else translate(NO_CHOICE, lang)
        )
        contact = settings.recipients_contact or translate(CONTACT, lang, station=settings.name_shown(lang))
        lines.append(translate(CHANGE, lang, contact=contact))
    return subject, "\n".join(lines)


def fee_line(item: Item, settings: StationSettings, lang: str) -> str:
    """The storage fee of one parcel: when it starts, or what is due (money in the station's currency, as `lang` says it)."""
    assert item.fee is not None
    fee = item.fee

    params = {
        "code": item.pickup_code,
        "per_day": money(fee.per_day_cents, settings, lang),
        "start": fee.starts.isoformat(),
    }
    if fee.owed_cents:
        return translate(FEE_DUE, lang, owed=money(fee.owed_cents, settings, lang), **params)
    return translate(FEE_FROM, lang, last_free=(fee.starts - timedelta(days=1)).isoformat(), **params)


def render(
    to: str,
    items: list[Item],
    settings: StationSettings,
    *,
    idempotency_key: str,
    kind: str = "checkin",
    choice: Choice | None = None,
) -> Message:
    """The message to one recipient in their language, else the station's customer language(s) (`both`
    puts Chinese first); `choice` (a recipient in the directory) adds their delivery choice."""
    if choice is not None and choice.language in ("zh", "en"):
        langs = [choice.language]
    else:
        langs = ["zh", "en"] if settings.notify_language == "both" else [settings.notify_language]
    parts = [render_text(items, settings, lang, kind, choice) for lang in langs]
    subject = " / ".join(p[0] for p in parts)
    body = "\n\n".join(p[1] for p in parts)
    codes = tuple(sorted(item.pickup_code for item in items))
    return Message(to=to, subject=subject, body=body, idempotency_key=idempotency_key, kind=kind, codes=codes)
