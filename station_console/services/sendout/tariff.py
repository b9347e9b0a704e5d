"""Tariff tables per carrier, as data: parsed and checked here, versioned in `rules`, priced in `quote`.

A table (see data/tariffs.toml for the shape and every key) gives, per destination zone, a first
weight and its price and a price per further weight step; how the steps are rounded; a minimum; the
volumetric divisor; insurance and packaging. A manager replaces a carrier's table from TOML, or from
CSV rows of rates on top of the current table; each edit is a new version in the audit trail.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from sqlmodel import Session

from db.models import SendEvent
from station_console.errors import NotFound, Refused
from station_console.i18n import N_
from station_console.parse_errors import toml_error
from station_console.safe_text import cut, has_hidden, visible
from station_console.services.core import csv_rows
from station_console.services.core.roles import require_manager
from station_console.services.core.station import Station
from station_console.services.sendout import rules
from station_console.services.sendout.regions import FAR, NEAR, REMOTE, SAME, find_province, folded

ZONINGS = ("province", "table")
ROUNDINGS = ("up", "nearest", "down")
PROVINCE_ZONES = (SAME, NEAR, FAR, REMOTE)
MAX_CENTS = 10_000_000  # 100,000.00: a price past this is a typing mistake
MAX_GRAMS = 1_000_000
MAX_NAME = 40  # a zone or destination is a word or two: the rates table and a quote show it whole


@dataclass(frozen=True)
class Rate:
    first_g: int
    first_cents: int
    step_g: int
    step_cents: int


@dataclass(frozen=True)
class Tariff:
    carrier: str
    version: int  # 0: built in
    sha256: str
    currency: str
    zoning: str
    rates: dict[str, Rate]
    remote: frozenset[str] = frozenset()
    zones: dict[str, str] = field(default_factory=dict)  # destination (upper case) -> zone, "table"
    volumetric_divisor: int = 0
    rounding: str = "up"
    grace_g: int = 0
    minimum_cents: int = 0
    insurance_permille: Decimal = Decimal(0)
    insurance_min_cents: int = 0
    packaging: dict[str, int] = field(default_factory=dict)


def _bad(msgid: str, **params: Any) -> Refused:
    return Refused(msgid, code="bad_tariff", **params)


def _name(text: Any) -> str:
    """A zone's or destination's name as given; a `Refused` when it could not be read whole on the rules
    screen or a quote: past `MAX_NAME` characters, or holding an escape or control character."""
    name = str(text)
    if len(name) > MAX_NAME or has_hidden(name) or not name.isprintable():
        shown = visible(name if len(name) <= 24 else f"{name[:20]}…")
        raise _bad(
            N_("Tariff: a zone or destination is a name of at most {max} characters, printable ({name})."),
            max=MAX_NAME,
            name=shown,
        )
    return name


def _int(body: dict[str, Any], key: str, *, low: int = 0, high: int = MAX_CENTS, default: Any = None) -> int:
    value = body.get(key, default)
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise _bad(
            N_("Tariff: {key} must be a whole number from {low} to {high}."), key=key, low=low, high=high
        )
    return value


def parse(carrier: str, body: dict[str, Any], *, version: int = 0, sha256: str = "") -> Tariff:
    """A checked `Tariff` from a table's data; a `Refused` naming the first bad key otherwise."""
    if not isinstance(body, dict):
        raise _bad(N_("Tariff: expected a table of keys."))
    zoning = body.get("zoning", "province")
    if zoning not in ZONINGS:
        raise _bad(N_("Tariff: zoning must be province or table."))
    rounding = body.get("rounding", "up")
    if rounding not in ROUNDINGS:
        raise _bad(N_("Tariff: rounding must be up, nearest or down."))
    currency = body.get("currency")
    if not isinstance(currency, str) or len(currency) != 3:
        raise _bad(N_("Tariff: currency must be a 3-letter code such as CNY."))
    raw_rates = body.get("rates")
    if not isinstance(raw_rates, dict) or not raw_rates:
        raise _bad(N_("Tariff: rates must give at least one zone."))
    rates = {}
    for zone, rate in raw_rates.items():
        if not isinstance(rate, dict):
            raise _bad(N_("Tariff: rates.{zone} must be a table."), zone=zone)
        rates[_name(zone)] = Rate(
            first_g=_int(rate, "first_g", low=1, high=MAX_GRAMS),
            first_cents=_int(rate, "first_cents"),
            step_g=_int(rate, "step_g", low=1, high=MAX_GRAMS),
            step_cents=_int(rate, "step_cents"),
        )
    remote: frozenset[str] = frozenset()
    zones: dict[str, str] = {}
    if zoning == "province":
        missing = [z for z in PROVINCE_ZONES if z not in rates]
        if missing:
            raise _bad(N_("Tariff: a province tariff needs rates for {zones}."), zones=", ".join(missing))
        names = body.get("remote", [])
        if not isinstance(names, list):
            raise _bad(N_("Tariff: remote must be a list of provinces."))
        found = []
        for name in names:
            province = find_province(str(name))
            if province is None:
                raise _bad(N_("Tariff: unknown province {name} in remote."), name=cut(str(name), 20))
            found.append(province.name)
        remote = frozenset(found)
    else:
        table = body.get("zones")
        if not isinstance(table, dict) or not table:
            raise _bad(N_("Tariff: a table tariff needs a zones table (destination = zone)."))
        for dest, zone in table.items():
            if zone not in rates:
                raise _bad(N_("Tariff: zone {zone} of {dest} has no rates."), zone=str(zone), dest=str(dest))
            zones[folded(_name(dest)).upper()] = str(zone)
    packaging = body.get("packaging", {})
    if not isinstance(packaging, dict) or not all(
        isinstance(v, int) and not isinstance(v, bool) and 0 <= v <= MAX_CENTS for v in packaging.values()
    ):
        raise _bad(N_("Tariff: packaging prices must be whole cents."))
    try:
        permille = Decimal(str(body.get("insurance_permille", 0)))
    except InvalidOperation:
        permille = Decimal(-1)
    if not Decimal(0) <= permille <= Decimal(1000):
        raise _bad(N_("Tariff: insurance_permille must be from 0 to 1000."))
    return Tariff(
        carrier=carrier,
        version=version,
        sha256=sha256 or rules.body_hash(body),
        currency=currency.upper(),
        zoning=zoning,
        rates=rates,
        remote=remote,
        zones=zones,
        volumetric_divisor=_int(body, "volumetric_divisor", high=100_000, default=0),
        rounding=rounding,
        grace_g=_int(body, "grace_g", high=MAX_GRAMS, default=0),
        minimum_cents=_int(body, "minimum_cents", default=0),
        insurance_permille=permille,
        insurance_min_cents=_int(body, "insurance_min_cents", default=0),
        packaging={str(k): int(v) for k, v in packaging.items()},
    )


def builtin_version(carrier: str) -> rules.RuleVersion | None:
    """`carrier`'s built-in table (version 0), if the package has one."""
    body = rules.builtin("tariffs.toml").get(carrier)
    return rules.builtin_version(rules.TARIFF, carrier, body) if isinstance(body, dict) else None


def current_version(session: Session, carrier: str) -> rules.RuleVersion | None:
    """The newest stored table of `carrier`, else the built-in one, else None."""
    return rules.latest(session, rules.TARIFF, carrier) or builtin_version(carrier)


def at_version(session: Session, carrier: str, version: int) -> rules.RuleVersion | None:
    """`carrier`'s table as it was at `version` (0: the built-in one)."""
    return rules.at_version(session, rules.TARIFF, carrier, version) if version else builtin_version(carrier)


def versions_in(session: Session, carrier: str) -> list[rules.RuleVersion]:
    """Every version of `carrier`'s table, newest first: the stored ones, then the built-in one they
    replaced (the sends before them were priced with it)."""
    return rules.versions(session, rules.TARIFF, carrier, builtin_version(carrier))


def current(session: Session, carrier: str) -> Tariff:
    found = current_version(session, carrier)
    if found is None:
        raise NotFound(
            N_("No tariff for {carrier}: a manager adds one (station sendout tariff set)."),
            code="no_tariff",
            carrier=carrier,
        )
    return parse(carrier, found.body, version=found.version, sha256=found.sha256)


def load(station: Station, carrier: str, version: int | None = None) -> Tariff:
    with station.read() as session:
        if version is None:
            return current(session, carrier)
        found = at_version(session, carrier, version)
        if found is None:
            raise NotFound(
                N_("{carrier} has no tariff version {version}."),
                code="no_tariff",
                carrier=carrier,
                version=version,
            )
        return parse(carrier, found.body, version=found.version, sha256=found.sha256)


def body_from_text(text: str, fmt: str, carrier: str, base: dict[str, Any] | None) -> dict[str, Any]:
    """A table's data from a TOML file (one carrier's keys, or a file with a [CARRIER] section) or
    from CSV rows `zone,first_g,first_cents,step_g,step_cents[,destinations]` over `base`."""
    if fmt == "toml":
        try:
            data = tomllib.loads(text)
        except tomllib.TOMLDecodeError as exc:
            raise _bad(N_("Tariff: {reason}"), reason=toml_error(exc)) from exc
        section = data.get(carrier)
        return dict(section) if isinstance(section, dict) else data
    if fmt != "csv":  # the callers' file kinds (`rule_files.TARIFF_FORMATS`) refuse any other file
        raise ValueError(f"tariff format {fmt!r}: toml or csv")
    body = dict(base or {})
    rates: dict[str, dict[str, int]] = {}
    zones: dict[str, str] = {}
    found = csv_rows.records(
        text.lstrip("\ufeff"), lambda reason: _bad(N_("Tariff: {reason}"), reason=reason)
    )
    headings = next(found, (0, []))[1]
    rows = list(
        csv_rows.by_heading(
            found,
            headings,
            lambda line: _bad(N_("Tariff: CSV line {line} has a value past its last column."), line=line),
        )
    )
    if not rows:
        raise _bad(N_("Tariff: the CSV has no rows."))
    for n, row in rows:
        zone = (row.get("zone") or "").strip()
        if not zone:
            raise _bad(N_("Tariff: CSV line {line} has no zone."), line=n)
        try:
            rates[zone] = {
                k: int((row.get(k) or "").strip()) for k in ("first_g", "first_cents", "step_g", "step_cents")
            }
        except ValueError as exc:
            raise _bad(N_("Tariff: CSV line {line} needs whole numbers."), line=n) from exc
        for dest in (row.get("destinations") or "").replace(";", " ").split():
            zones[dest] = zone
    body["rates"] = rates
    if zones:
        body["zones"], body["zoning"] = zones, "table"
    return body


def checked(station: Station, carrier: str, body: dict[str, Any]) -> Tariff:
    """`body` as the table `set_tariff` would store for `carrier` (a known carrier, in the station's
    currency); a `Refused` naming what is wrong otherwise."""
    from station_console.services.scan.carriers import get_carrier

    carrier = get_carrier(station, carrier).code
    tariff = parse(carrier, body)
    if tariff.currency != station.settings().currency:
        raise _bad(
            N_("Tariff: its currency {currency} is not the station's {station_currency}."),
            currency=tariff.currency,
            station_currency=station.settings().currency,
        )
    return tariff


def set_tariff(
    station: Station, carrier: str, body: dict[str, Any], *, based_on: int | None = None
) -> rules.RuleVersion:
    """A manager stores a new version of `carrier`'s table (checked first; unchanged: nothing written).

    `based_on`: the version `body` was made from (0: the built-in table, or none); refused when another
    version was stored since, checked in the write's own transaction, so that manager's table is not
    replaced unseen."""
    require_manager(station, "tariffs")
    carrier = checked(station, carrier, body).carrier

    def work(session: Session) -> rules.RuleVersion:
        previous = current_version(session, carrier)
        if based_on is not None and (previous.version if previous else 0) != based_on:
            raise Refused(
                N_(
                    "{carrier} tariff: another counter or command saved a change while this one was being "
                    "made, so nothing was saved. Make the change again: it starts from what is saved now."
                ),
                code="tariff_saved_meanwhile",
                carrier=carrier,
            )
        if previous is not None and previous.sha256 == rules.body_hash(body):
            raise Refused(
                N_("The {carrier} tariff is unchanged (version {version})."),
                code="unchanged",
                carrier=carrier,
                version=previous.version,
            )
        return rules.store(
            session, station, rules.TARIFF, carrier, body, event=SendEvent.TARIFF_CHANGED, previous=previous
        )

    return station.run(work)


def history(station: Station, carrier: str) -> list[rules.RuleVersion]:
    with station.read() as session:
        return versions_in(session, carrier)
