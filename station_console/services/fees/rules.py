"""The storage-fee table and its arithmetic, on the station's local days.

Day 1 is the station-local day of check-in. With `free_days` = 3 a parcel checked in on Monday (at any
hour) is free through Wednesday; the fee starts on Thursday (`fee_starts`) and grows by `per_day_cents`
each local day, up to `cap_cents`. From `return_after_days` after check-in the parcel is due back to the
sender: the fee stops growing on the day before. Money is integer cents throughout.

Calendar days, never business days: an early close moves the day work is filed under, not how long a
parcel waited, and a customer collecting after it would otherwise pay for tomorrow already.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import date, datetime, timedelta, tzinfo
from typing import Any
from zoneinfo import ZoneInfo

from station_console.errors import NotFound
from station_console.i18n import N_
from station_console.services.core.money import amount
from station_console.settings import FeeRule, StationSettings


@dataclass(frozen=True)
class FeeQuote:
    """What one parcel's storage has cost by `at`: accrued in total, and owed beyond what was billed."""

    rule: str
    days_stored: int
    chargeable_days: int
    per_day_cents: int
    cap_cents: int | None
    accrued_cents: int
    billed_cents: int  # charged earlier (paid or waived then)
    fee_starts: date  # the first local day that costs money
    return_from: date | None
    free_days: int = 0  # the rule's: its receipt says them beside the rate

    @property
    def owed_cents(self) -> int:
        return max(0, self.accrued_cents - self.billed_cents)

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["owed_cents"] = self.owed_cents
        return data


def rule_for(
    rules: list[FeeRule], *, size: str | None, carrier: str | None, recipient_type: str | None
) -> FeeRule | None:
    """The most specific matching rule (ties: the first in the table); None when no rule matches."""
    best: tuple[int, FeeRule] | None = None
    for rule in rules:
        criteria = ((rule.size, size), (rule.carrier, carrier), (rule.recipient_type, recipient_type))
        if any(want is not None and want != have for want, have in criteria):
            continue
        weight = sum(want is not None for want, _have in criteria)
        if best is None or weight > best[0]:
            best = (weight, rule)
    return best[1] if best else None


def local_day(at: datetime, zone: tzinfo) -> date:
    return at.astimezone(zone).date()


def days_stored(checked_in_at: datetime, at: datetime, zone: tzinfo) -> int:
    """Which local day of its storage `at` is: 1 on the day of check-in, 2 from the next midnight. The
    day count the fee is charged by, and the one the counter's lists show the customer."""
    first = local_day(checked_in_at, zone)
    return (max(first, local_day(at, zone)) - first).days + 1


def quote(
    rule: FeeRule, checked_in_at: datetime, at: datetime, zone: ZoneInfo, *, billed_cents: int = 0
) -> FeeQuote:
    """The fee of a parcel checked in at `checked_in_at`, priced by `rule`, as of `at`."""
    first = local_day(checked_in_at, zone)
    today = max(first, local_day(at, zone))
    fee_starts = first + timedelta(days=rule.free_days)
    return_from = first + timedelta(days=rule.return_after_days) if rule.return_after_days else None
    last_charged = today if return_from is None else min(today, return_from - timedelta(days=1))
    chargeable = max(0, (last_charged - fee_starts).days + 1)
    accrued = chargeable * rule.per_day_cents
    if rule.cap_cents is not None:
        accrued = min(accrued, rule.cap_cents)
    return FeeQuote(
        rule=rule.name,
        days_stored=days_stored(checked_in_at, at, zone),
        chargeable_days=chargeable,
        per_day_cents=rule.per_day_cents,
        cap_cents=rule.cap_cents,
        accrued_cents=accrued,
        billed_cents=billed_cents,
        fee_starts=fee_starts,
        return_from=return_from,
        free_days=rule.free_days,
    )


def money(cents: int, settings: StationSettings, lang: str | None = None) -> str:
    """Integer cents in the station's currency, as `lang` says it (`12.50 CNY`, `12.50 元`)."""
    return amount(cents, settings.currency, lang)


# -- editing the table (the caller saves the settings: a manager's action, audited) ------------------


def with_rule(settings: StationSettings, rule: FeeRule) -> StationSettings:
    """The settings with `rule` added, or replacing the rule of the same name in its place."""
    rules = list(settings.storage_fee_rules)
    names = [r.name for r in rules]
    if rule.name in names:
        rules[names.index(rule.name)] = rule
    else:
        rules.append(rule)
    return settings.model_copy(update={"storage_fee_rules": rules})


def without_rule(settings: StationSettings, name: str) -> StationSettings:
    rules = [r for r in settings.storage_fee_rules if r.name != name]
    if len(rules) == len(settings.storage_fee_rules):
        raise NotFound(N_("There is no fee rule named {name}."), code="no_fee_rule", name=name)
    return settings.model_copy(update={"storage_fee_rules": rules})
