"""The send-out rule data as the console's Send-out rules screen shows it, read in one go: each
carrier's current tariff and its versions, the inspection checklist and its versions, and the waybill
stock left per carrier. Anyone signed in may read it (as `station sendout tariff show`)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func
from sqlmodel import Session, col, select

from db.models import Carrier, Clerk, EventKind, SendEvent, WaybillStock
from station_console.errors import StationError
from station_console.services.core.roles import require
from station_console.services.core.station import Station
from station_console.services.sendout import inspection, rules, tariff

# The changes (audit event kinds) that may change what `read` shows: a new tariff or checklist, stock
# imported or used by a send, the carrier table edited, the database restored.
CHANGED_BY = frozenset(
    {
        SendEvent.TARIFF_CHANGED,
        SendEvent.CHECKLIST_CHANGED,
        SendEvent.WAYBILLS_IMPORTED,
        SendEvent.SEND_ACCEPTED,
        EventKind.CARRIER_CHANGED,
        EventKind.DB_RESTORED,
    }
)


@dataclass(frozen=True)
class Version:
    version: int  # 0: the built-in data
    at: datetime | None
    by: str | None  # the clerk's name, when one stored it
    sha256: str


@dataclass(frozen=True)
class CarrierRules:
    code: str
    name_en: str
    name_zh: str
    table: tariff.Tariff | None  # None: no tariff, or a stored one that no longer parses
    problem: str  # why a stored table is not used (its refusal, translated when read), else ""
    versions: list[Version]  # newest first; the current one first of all
    stock: int  # unused waybill numbers


@dataclass(frozen=True)
class RulesView:
    carriers: list[CarrierRules]
    checklist: inspection.Checklist
    checklist_versions: list[Version]  # newest first, down to the built-in one (version 0)


def read(station: Station) -> RulesView:
    require(station, "sendout_setup")
    with station.read() as session:
        names = dict(session.exec(select(Clerk.id, Clerk.name)).all())
        stock = _stock(session)
        carriers = [
            _carrier(session, row, names, stock.get(row.code, 0))
            for row in session.exec(
                select(Carrier)
                .where(col(Carrier.active))
                .order_by(col(Carrier.sort_order), col(Carrier.code))
            ).all()
        ]
        checklist = inspection.current_in(session)
        checklist_versions = [_version(v, names) for v in inspection.versions_in(session)]
    return RulesView(carriers, checklist, checklist_versions)


def _carrier(session: Session, row: Carrier, names: dict[int | None, str], stock: int) -> CarrierRules:
    found = tariff.versions_in(session, row.code)
    current = found[0] if found else None
    versions = [_version(v, names) for v in found]
    table, problem = None, ""
    if current is not None:
        try:
            table = tariff.parse(row.code, current.body, version=current.version, sha256=current.sha256)
        except StationError as exc:
            problem = exc.message()
    return CarrierRules(row.code, row.name_en, row.name_zh, table, problem, versions, stock)


def _version(found: rules.RuleVersion, names: dict[int | None, str]) -> Version:
    by = names.get(found.created_by) if found.created_by is not None else None
    return Version(found.version, found.created_at, by, found.sha256)


def _stock(session: Session) -> dict[str, int]:
    rows = session.exec(
        select(Carrier.code, func.count(col(WaybillStock.id)))
        .join(Carrier, col(Carrier.id) == WaybillStock.carrier_id)
        .where(col(WaybillStock.send_id).is_(None))
        .group_by(col(Carrier.code))
    ).all()
    return {code: int(n) for code, n in rows}
