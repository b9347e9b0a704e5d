"""Pickup (出库): check each fetched parcel by scan, hand them over, list this counter's pickups.

Finding the customer's parcels is `lookup.lookup` (re-exported here); undoing a mistaken handover is
`undo.py`. `confirm_pickup` is one write transaction with optimistic locking on `parcel.version`, so two
counters never hand out one parcel.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import lru_cache
from typing import Any

from sqlalchemy import bindparam
from sqlalchemy import select as columns
from sqlmodel import Session, col, select

from db import fast
from db.fast import Hot, Plain, Tx
from db.models import Carrier, EventKind, Layer, Parcel, ParcelStatus, PickupMethod, Shelf
from station_console.errors import NotFound, Refused
from station_console.i18n import N_
from station_console.safe_text import cut
from station_console.services.carrier_events import outbox as carrier_outbox
from station_console.services.core.free_text import REASON, NoteRule, says_something
from station_console.services.core.paper_numbers import run_number
from station_console.services.core.recalls import close_overridden, is_recalled
from station_console.services.core.roles import require, require_manager
from station_console.services.core.station import Station, day_bounds
from station_console.services.fees.ledger import Settlement, settle_in
from station_console.services.pickup import proxy as proxy_rules
from station_console.services.pickup import recalled as recall_rules

# Lookups live in lookup.py; re-exported so a caller of the handover has the whole flow in one module.
from station_console.services.pickup.lookup import (  # noqa: F401
    CHECK_LABELS,
    METHOD_OF_SHAPE,
    ON_SHELF,
    Lookup,
    PickupRow,
    lookup,
    second_check_for,
)
from station_console.services.pickup.proxy import Proxy
from station_console.services.scan.waybill import normalise as normalise_waybill
from station_console.services.shelves.leaving import leave_shelf
from station_console.services.shelves.search import status_text

# Only a handover of an unscanned parcel needs one (refused as `not_scanned` without it).
OVERRIDE_REASON = NoteRule(REASON.label, REASON.limit, required=False)


@dataclass(frozen=True)
class RecentPickup:
    parcel_id: int
    waybill: str
    pickup_code: str
    carrier: str
    carrier_name: str  # its short name (the label's), as every counter list names a carrier
    masked_phone: str | None
    picked_up_at: datetime
    method: str
    clerk_id: int | None
    can_undo: bool
    proxy: str | None = None  # who collected for the recipient, masked (`张** ****5678`)


def clean_waybill(text: str) -> str:
    result = normalise_waybill(text)
    if result.waybill is None:
        assert result.error is not None
        raise result.error
    return result.waybill


def whereabouts(session: Session, waybill: str) -> Refused:
    """Why a scanned parcel is not this customer's, naming where it belongs (or what became of it)."""
    parcel = session.exec(
        select(Parcel)
        .where(Parcel.waybill == waybill, Parcel.status != ParcelStatus.CANCELLED)
        .order_by(col(Parcel.id).desc())
    ).first()
    if parcel is None:
        return Refused(
            N_("Wrong parcel: {waybill} is not a parcel of this station."),
            code="wrong_parcel",
            waybill=waybill,
        )
    if parcel.status == ParcelStatus.ON_SHELF:
        shelf = session.get(Shelf, parcel.shelf_id) if parcel.shelf_id else None
        layer = session.get(Layer, parcel.layer_id) if parcel.layer_id else None
        return Refused(
            N_(
                "Wrong parcel: {waybill} is not this customer's. It belongs on {location}, code {pickup_code}."
            ),
            code="wrong_parcel",
            waybill=waybill,
            pickup_code=parcel.pickup_code,
            location=f"{shelf.label if shelf else '?'}-{layer.label if layer else '?'}",
            parcel_id=parcel.id,
        )
    return Refused(
        N_("Wrong parcel: {waybill} is not on the shelves, it was {status}."),
        code="wrong_parcel",
        waybill=waybill,
        status=status_text(parcel.status),
        parcel_id=parcel.id,
    )


def check_scan(found: Lookup, scanned_text: str, station: Station) -> PickupRow:
    """The row of `found` the scanned parcel is; a parcel not in the list is refused with its place."""
    waybill = clean_waybill(scanned_text)
    row = found.row_for_waybill(waybill)
    if row is not None:
        return row
    if any(r.waybill == waybill for r in found.withheld):
        # The recipient's, not the proxy's: its code is the recipient's secret, and so is its place.
        raise Refused(
            N_("{waybill} is the recipient's, but a proxy needs its own pickup code to collect it."),
            code="proxy_needs_code",
            waybill=waybill,
        )
    with station.read() as session:
        raise whereabouts(session, waybill)


# Built once: a handover is a clerk's every confirm, and building the statement cost as much as running it.
CHOSEN_PARCELS = select(Parcel).where(col(Parcel.id).in_(bindparam("ids", expanding=True)))
# Most handovers are of one parcel: its plain `id = ?` skips the expanding IN's rewrite of the SQL at
# every execution (a sixth of the ORM read's cost).
CHOSEN_PARCEL = select(Parcel).where(col(Parcel.id) == bindparam("id"))


@lru_cache(maxsize=16)
def _chosen_rows(n: int) -> Hot:
    """The whole rows of `n` parcels (`id0`...) on the driver's cursor: a plain handover's read."""
    ids: list[Any] = [bindparam(f"id{i}") for i in range(n)]
    which = col(Parcel.id) == ids[0] if n == 1 else col(Parcel.id).in_(ids)
    return Hot(columns(*Parcel.__table__.columns).where(which), typed=True)  # type: ignore[attr-defined]


def chosen_parcels(session: Tx, ids: Sequence[int]) -> dict[int | None, Parcel]:
    """The parcels `ids` read in this transaction, by id (those that exist): in a Session, its own
    objects; in a plain transaction, objects of no Session (its writes are hot statements)."""
    if isinstance(session, Plain):
        rows = _chosen_rows(len(ids))
        found = fast.model_rows(session, Parcel, rows, **{f"id{i}": pid for i, pid in enumerate(ids)})
    elif len(ids) == 1:
        found = list(session.exec(CHOSEN_PARCEL, params={"id": ids[0]}).all())
    else:
        found = list(session.exec(CHOSEN_PARCELS, params={"ids": ids}).all())
    return {p.id: p for p in found}


def _orm(session: Tx) -> Session:
    """The handover's Session, for the steps that write through the ORM (a proxy's record, a fee, a
    recall overridden): `confirm_pickup` runs a handover that has any of them in one."""
    assert isinstance(session, Session), "a proxy, a fee or a recall override needs the Session"
    return session


def confirm_pickup(
    station: Station,
    parcel_ids: Sequence[int],
    *,
    method: str,
    scanned: Sequence[str] = (),
    override_reason: str | None = None,
    proxy: Proxy | None = None,
    codes: Sequence[str] = (),
    fee: Settlement | None = None,
    recall_reason: str | None = None,
) -> list[int]:
    """Hand the parcels over: all of them in one transaction, or none.

    Each must be on the shelf and scanned (its waybill in `scanned`); an unscanned one needs a manager
    and `override_reason`. Optimistic locking (`leave_shelf`): the update only lands on the version this
    transaction read, so a parcel changed at another counter meanwhile restarts the whole pickup, which
    then refuses one handed out there (`not_on_shelf`). `proxy`: someone collects for the recipient
    (proxy.py says when that is allowed), by `codes`, the pickup codes they presented (`Lookup.codes`):
    each releases its own parcel, not the recipient's others. A storage fee due is settled by `fee` in the same transaction
    (refused as `fee_due` without it); each parcel's departure is queued for its carrier. A recalled
    parcel (its carrier or sender asked for it back) is refused as `recalled` unless a manager gives
    `recall_reason` (recalled.py).
    """
    require(station, "pickup")
    ids = list(dict.fromkeys(parcel_ids))
    if not ids:
        raise Refused(N_("Nothing to hand over: no parcel chosen."), code="nothing_chosen")
    # How the customer was found: an override is the manager's unscanned parcel and a door delivery a
    # run's, each recorded by its own path, never asked for by the caller.
    if method not in set(METHOD_OF_SHAPE.values()):
        raise Refused(N_("Unknown pickup method {method}."), code="bad_method", method=cut(str(method), 20))
    seen = {clean_waybill(s) for s in scanned if s.strip()}
    reason = OVERRIDE_REASON.read(override_reason)
    recall_reason = OVERRIDE_REASON.read(recall_reason)
    if not says_something(recall_reason):
        recall_reason = ""
    settings = station.settings()
    if proxy is not None:
        proxy = proxy_rules.checked(proxy, settings)
    presented = frozenset(codes)
    # The usual handover (no proxy, no storage fee to settle, no recall overridden) is nothing but hot
    # statements: a plain transaction, without the ORM Session's set-up, read and commit (db/fast.py).
    plain = proxy is None and fee is None and not settings.storage_fee_rules and not recall_reason

    def work(session: Tx) -> list[int]:
        now = station.now()
        methods: list[str] = []  # how each parcel was released, as its event records it, in `ids` order
        parcels = chosen_parcels(session, ids)
        unscanned = [parcels[i].waybill for i in ids if i in parcels and parcels[i].waybill not in seen]
        if unscanned and not says_something(reason):  # a reason of marks alone (`[/]`) gives none
            raise Refused(
                N_("Not scanned yet: {waybills}. Scan each parcel, or a manager overrides with a reason."),
                code="not_scanned",
                waybills=", ".join(unscanned),
            )
        if unscanned:
            require_manager(station, "override")
        if proxy is not None:
            chosen = [parcels[i] for i in ids if i in parcels]
            proxy_rules.check_allowed(_orm(session), chosen, codes=presented)
        for pid in ids:
            parcel = parcels.get(pid)
            if parcel is None:
                raise NotFound(N_("No parcel with id {id}."), code="no_parcel", id=pid)
            if parcel.status != ParcelStatus.ON_SHELF:
                raise Refused(
                    N_("{waybill} is not on the shelves, it was {status}. Nothing was handed over."),
                    code="not_on_shelf",
                    waybill=parcel.waybill,
                    status=status_text(parcel.status),
                )
            if parcel.delivery_run_id is not None:
                raise Refused(
                    N_("{waybill} is out for delivery on run {run}. Nothing was handed over."),
                    code="out_for_delivery",
                    waybill=parcel.waybill,
                    run=run_number(parcel.delivery_run_id),
                )
            if is_recalled(parcel.problem_kind):
                recall_rules.check(station, parcel.waybill, parcel.problem_at, recall_reason)
            was_scanned = parcel.waybill in seen
            details: dict[str, Any] = {
                "waybill": parcel.waybill,
                "code": parcel.pickup_code,
                "method": method,
                "scanned": was_scanned,
            }
            if not was_scanned:
                details["override_reason"] = reason
            if is_recalled(parcel.problem_kind):
                details["recall_overridden"] = recall_reason
            if parcel.return_batch_id is not None:
                # The customer came before the courier took it back: it leaves the open return batch.
                details["left_return_batch"] = parcel.return_batch_id
            if proxy is not None:
                by_code = parcel.pickup_code in presented
                details["proxy"] = proxy_rules.record_in(_orm(session), station, pid, proxy, by_code=by_code)
                details["proxy_by_code"] = by_code
                if not by_code:  # released on the recipient's leave for proxies, not by how it was found
                    details["method"] = PickupMethod.PROXY
            methods.append(details["method"])
            leave_shelf(
                session,
                station,
                parcel,
                ParcelStatus.PICKED_UP,
                EventKind.PICKED_UP,
                now=now,
                settings=settings,
                details=details,
                pickup_method=details["method"] if was_scanned else PickupMethod.OVERRIDE,
            )
            if is_recalled(parcel.problem_kind):  # the check above let it go only with a reason
                close_overridden(_orm(session), station, parcel, recall_reason, at=now)
        _after_handover(session, station, [parcels[i] for i in ids], fee, methods, now)
        return ids

    return station.run_plain(work) if plain else station.run(work)


def _after_handover(
    session: Tx,
    station: Station,
    parcels: list[Parcel],
    fee: Settlement | None,
    methods: list[str],
    now: datetime,
) -> None:
    """The storage fee settled, and each parcel's departure queued for its carrier (same transaction)."""
    if isinstance(session, Session):  # a plain handover has no fee rules and no settlement: none due
        settle_in(session, station, parcels, fee, at=now)
    if not station.settings().carrier_event_targets:
        return
    codes = carrier_codes(session, {p.carrier_id for p in parcels})
    for parcel, how in zip(parcels, methods, strict=True):
        carrier_outbox.queue(
            session,
            station,
            parcel,
            carrier_outbox.PICKED_UP,
            carrier=codes.get(parcel.carrier_id, "?"),
            details={"method": how},
        )


_CARRIER_CODE = Hot(columns(col(Carrier.code)).where(col(Carrier.id) == bindparam("id")))


def carrier_codes(session: Tx, ids: set[int]) -> dict[int, str]:
    """The codes of the carriers `ids` (a handover's one or few), by id."""
    found = {cid: _CARRIER_CODE.scalar(session, id=cid) for cid in ids}
    return {cid: str(code) for cid, code in found.items() if code is not None}


_RECENT_COLUMNS: list[Any] = [
    Parcel.id,
    Parcel.waybill,
    Parcel.pickup_code,
    Carrier.code,
    Carrier.short_name,
    Parcel.masked_phone,
    Parcel.picked_up_at,
    Parcel.pickup_method,
    Parcel.picked_up_by,
]


def recent_pickups(station: Station, *, limit: int = 50) -> list[RecentPickup]:
    """This counter's pickups of the current business day, newest first."""
    require(station, "view")
    settings, now = station.settings(), station.now()
    undo_after = now - timedelta(minutes=settings.pickup_undo_minutes)
    with station.read() as session:
        day_start = day_bounds(station, station.business_day(now, session=session), session)[0]
        result = session.execute(
            columns(*_RECENT_COLUMNS)
            .join(Carrier, col(Carrier.id) == Parcel.carrier_id)
            .where(
                col(Parcel.picked_up_at) >= day_start,
                col(Parcel.picked_up_counter) == station.counter,
                col(Parcel.status) == ParcelStatus.PICKED_UP,
            )
            .order_by(col(Parcel.picked_up_at).desc(), col(Parcel.id).desc())
            .limit(limit)
        ).all()
        proxies = proxy_rules.collectors(session, {row[0]: row[6] for row in result})
    return [
        RecentPickup(
            parcel_id=pid,
            waybill=wb,
            pickup_code=code or "",
            carrier=carrier,
            carrier_name=short_name,
            masked_phone=masked,
            picked_up_at=at,
            method=method or "",
            clerk_id=clerk,
            can_undo=at >= undo_after,
            proxy=proxies.get(pid),
        )
        for pid, wb, code, carrier, short_name, masked, at, method, clerk in result
    ]
