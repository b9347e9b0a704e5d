"""Stocktake (盘库): scan everything on a shelf or a layer and compare with the records.

Each scan is classified at once: `match`; `wrong_layer` / `wrong_shelf` (on record elsewhere);
`extra` (not on record, or already picked up / returned / written off). `missing` is computed live:
parcels on record in scope that were not scanned. On a shelf stocktake the clerk says which layer
they are scanning (`layer=`), so a parcel on the right shelf but the wrong layer is told apart.

Here: starting (or resuming the one unfinished on the shelf), scanning, pausing and the live view
(read by `stocktake_view.py`); closing with its fixes is `stocktake_close.py`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session, col, select

from db.models import Clerk, EventKind, Layer, Parcel, ParcelStatus, Shelf, Stocktake, StocktakeScan
from station_console.errors import NotFound, Refused
from station_console.i18n import N_
from station_console.phone_masking import mask_phones
from station_console.safe_text import cut
from station_console.services.core import audit
from station_console.services.core.local_times import short_when
from station_console.services.core.roles import require
from station_console.services.core.station import Station
from station_console.services.core.write_order import newest_event_id
from station_console.services.exceptions.stocktake_view import (
    Item,
    View,
    item_of,
    layer_labels,
    scope_of,
    stocktake_in,
    view_in,
)
from station_console.services.scan.carriers import get_detector
from station_console.services.scan.detect import Detector
from station_console.services.scan.phone_scans import refuse_phone
from station_console.services.scan.waybill import normalise
from station_console.services.shelves.layout import resolve
from station_console.services.shelves.locations import is_layer
from station_console.services.shelves.search import parcel_candidates


def start(station: Station, location: str) -> View:
    """Start on a shelf (`6`) or one layer (`6-5`); refused while one is unfinished on that shelf."""
    require(station, "stocktake")

    def work(session: Session) -> int:
        shelf, layer = resolve(session, location)
        busy = _unfinished_on(session, shelf)
        if busy is not None:
            raise Refused(
                N_("Stocktake {id} on shelf {shelf} is not finished. Resume or close it first."),
                code="stocktake_open",
                id=busy.id,
                shelf=shelf.label,
            )
        return _new(session, station, shelf, layer)

    return view(station, station.run(work))


@dataclass(frozen=True)
class Begun:
    """What the clerk began: `view`, the stocktake counted now; `resumed`: the one left unfinished on
    that shelf, not a new one; `asked`: the scope the clerk gave ("6-2"), which is not `view.scope`
    when the unfinished one counts the whole shelf (one counting another layer is not resumed)."""

    view: View
    resumed: bool
    asked: str

    @property
    def other_scope(self) -> bool:
        return self.resumed and self.asked != self.view.scope

    @property
    def layer_in_shelf(self) -> bool:
        """A layer was asked and the shelf's whole stocktake resumed: the layer is counted in it."""
        return self.other_scope and is_layer(self.asked) and not is_layer(self.view.scope)


def begin(station: Station, location: str, *, resume_only: bool = False) -> Begun:
    """Start a stocktake of a shelf or a layer, or resume the one unfinished on that shelf: two
    stocktakes of one shelf would overlap (a parcel moved between layers is in both, and each close
    would fix it; the database holds one unfinished per shelf, so of two counters beginning at once
    the second's unit is tried again and finds the first's). One counting the whole shelf is resumed
    for a layer of it, the caller saying so (`Begun.layer_in_shelf`: that layer is scanned now). One
    counting a layer is resumed only for that layer: for another, or the whole shelf, it is refused
    (`stocktake_other_scope`, naming it), as every scan would be recorded as found on its layer; the
    clerk resumes it by its scope, or by its id once asked (`resume`). A shelf or layer that does not
    exist is refused, even when its shelf has one unfinished: a typing slip.
    `resume_only` (the CLI's --resume): refused, starting nothing, when the shelf has none unfinished."""
    require(station, "stocktake")

    def work(session: Session) -> tuple[int, bool, str]:
        shelf, layer = resolve(session, location)
        asked = f"{shelf.label}-{layer.label}" if layer else shelf.label
        busy = _unfinished_on(session, shelf)
        if busy is None and resume_only:
            raise NotFound(
                N_("No unfinished stocktake on shelf {shelf}."), code="none_unfinished", shelf=shelf.label
            )
        if busy is None:
            return _new(session, station, shelf, layer), False, asked
        if busy.layer_id is not None and (layer is None or layer.id != busy.layer_id):
            _refuse_other_scope(session, busy, asked)
        if busy.status != "open":
            busy.status = "open"
            session.add(busy)
            _record(session, station, busy, EventKind.STOCKTAKE_RESUMED)
        return busy.id or 0, True, asked

    take_id, resumed, asked = station.run(work)
    return Begun(view(station, take_id), resumed, asked)


def _refuse_other_scope(session: Session, busy: Stocktake, asked: str) -> None:
    """The shelf's unfinished stocktake counts another layer than `asked`: resumed unasked, a hurried
    clerk's scans of `asked` were recorded as found on its layer (the line saying so overwritten by
    the first finding), and the close's relocation would have moved them where they are not."""
    scope = scope_of(session, busy)
    msgid = (
        N_(
            "Stocktake {id} of layer {scope} is not finished, so it was not resumed for layer {asked}: its "
            "scans would be recorded as found on {scope}. Resume it as {scope}, or count layer {asked} once "
            "it is closed."
        )
        if is_layer(asked)
        else N_(
            "Stocktake {id} of layer {scope} is not finished, so it was not resumed for shelf {asked}: its "
            "scans would be recorded as found on {scope}. Resume it as {scope}, or count shelf {asked} once "
            "it is closed."
        )
    )
    raise Refused(msgid, code="stocktake_other_scope", id=busy.id, scope=scope, asked=asked)


def _unfinished_on(session: Session, shelf: Shelf) -> Stocktake | None:
    """The shelf's open or paused stocktake, locked as a close locks it (`stocktake_close._locked`;
    SQLite's write transaction holds the file): a close under way at another counter is waited for, and
    its stocktake, closed, is no longer found. Read unlocked, a paused one closed meanwhile was set open
    again over its close (PostgreSQL)."""
    return session.exec(
        select(Stocktake)
        .where(Stocktake.shelf_id == shelf.id, col(Stocktake.status).in_(("open", "paused")))
        .with_for_update(key_share=True)
        .execution_options(populate_existing=True)
    ).first()


def _new(session: Session, station: Station, shelf: Shelf, layer: Layer | None) -> int:
    if shelf.retired_at is not None:
        raise Refused(N_("Shelf {shelf} is retired."), code="retired", shelf=shelf.label)
    now = station.now()
    take = Stocktake(
        shelf_id=shelf.id or 0,
        layer_id=layer.id if layer else None,
        business_day=station.business_day(now, session=session),
        started_at=now,
        started_by=station.clerk_id,
        seen_event_id=newest_event_id(session),
    )
    session.add(take)
    session.flush()
    _record(session, station, take, EventKind.STOCKTAKE_STARTED, at=now)
    return take.id or 0


def _record(
    session: Session, station: Station, take: Stocktake, kind: EventKind, at: datetime | None = None
) -> None:
    """A stocktake started, paused or resumed: the shelf has one unfinished at a time, so who changed
    it when is on the trail as its close is."""
    audit.record(
        session, station, kind, details={"stocktake": take.id, "scope": scope_of(session, take)}, at=at
    )


def unfinished(station: Station) -> list[View]:
    """Open and paused stocktakes, newest first."""
    require(station, "view")
    with station.read() as session:
        ids = session.exec(
            select(Stocktake.id)
            .where(col(Stocktake.status).in_(("open", "paused")))
            .order_by(col(Stocktake.id).desc())
        ).all()
    return [view(station, i) for i in ids if i is not None]


def classify(take: Stocktake, parcel: Parcel | None, found_layer_id: int | None) -> str:
    if parcel is None or parcel.status != ParcelStatus.ON_SHELF:
        return "extra"
    if parcel.delivery_run_id is not None:  # out with a runner by the records: on no shelf, found here
        return "extra"
    if parcel.shelf_id != take.shelf_id:
        return "wrong_shelf"
    if found_layer_id is not None and parcel.layer_id != found_layer_id:
        return "wrong_layer"
    return "match"


def scan(station: Station, stocktake_id: int, raw: str, *, layer: str | None = None) -> Item:
    """Record one scan and classify it. `layer`: where a shelf stocktake's clerk is scanning now."""
    require(station, "stocktake")
    detector = get_detector(station)  # read before the write transaction, as check-in does

    def work(session: Session) -> Item:
        # Read before the parcel: a move committed in between then counts as after this scan (left alone).
        seen = newest_event_id(session)
        waybill, parcel = _scanned(session, detector, raw)
        take = _scanning(session, station, stocktake_id)
        if take.status == "paused":
            raise Refused(
                N_("Stocktake {id} is paused. Resume it to scan."), code="stocktake_paused", id=stocktake_id
            )
        found_layer_id = take.layer_id
        if layer:
            label = layer.strip()
            shelf = session.get(Shelf, take.shelf_id)
            # "5" is a layer of the shelf counted; "6-5" names its shelf too
            _shelf, found = resolve(
                session, label if is_layer(label) else f"{shelf.label if shelf else ''}-{label}"
            )
            if found is None or found.shelf_id != take.shelf_id:
                raise Refused(
                    N_("Layer {layer} is not on the shelf being counted."),
                    code="layer_out_of_scope",
                    layer=label,
                )
            if take.layer_id is not None and found.id != take.layer_id:
                # Counted as found on the layer counted, the close would relocate it to where it is not
                raise Refused(
                    N_(
                        "Only layer {scope} is counted in stocktake {id}: this scan on layer {layer} was not counted."
                    ),
                    code="layer_out_of_scope",
                    id=take.id,
                    scope=scope_of(session, take),
                    layer=f"{shelf.label if shelf else '?'}-{found.label}",
                )
            found_layer_id = found.id
        previous = session.exec(
            select(StocktakeScan).where(
                StocktakeScan.stocktake_id == take.id, StocktakeScan.waybill == waybill
            )
        ).first()
        labels = layer_labels(session)
        if previous is not None:
            return item_of(session, previous, parcel, labels, take, duplicate=True, zone=station.zone())
        record = StocktakeScan(
            stocktake_id=take.id or 0,
            waybill=waybill,
            parcel_id=parcel.id if parcel else None,
            classification=classify(take, parcel, found_layer_id),
            scanned_at=station.now(),
            found_layer_id=found_layer_id,
            scanned_by=station.clerk_id,
            scanned_counter=station.counter,
            seen_event_id=seen,
        )
        session.add(record)
        session.flush()
        return item_of(session, record, parcel, labels, take, zone=station.zone())

    return station.run(work)


def _scanning(session: Session, station: Station, stocktake_id: int) -> Stocktake:
    """The stocktake's row, share-locked until the scan commits (PostgreSQL; SQLite's write transaction
    holds the file): a close under way (`stocktake_close._locked`) makes the scan wait for it, then read
    it closed and be refused, and a close waits for the scans under way, so its result has them. Scans
    share the lock: they do not wait for each other."""
    take = session.exec(
        select(Stocktake)
        .where(Stocktake.id == stocktake_id)
        .with_for_update(read=True)
        .execution_options(populate_existing=True)
    ).first()
    if take is None or take.status != "closed":
        return take or stocktake_in(session, stocktake_id)  # refused: there is none
    clerk = session.get(Clerk, take.closed_by) if take.closed_by else None
    raise Refused(
        N_("Stocktake {id} was closed by {clerk} at {at}: this scan was not counted."),
        code="stocktake_closed",
        id=stocktake_id,
        clerk=clerk.name if clerk else "?",
        at=short_when(take.closed_at, station.zone(), station.now()) if take.closed_at else "?",
    )


def _scanned(session: Session, detector: Detector, raw: str) -> tuple[str, Parcel | None]:
    """The waybill a scan (or a pickup code read off a label) counts as, and its parcel: the one on
    the shelf, else the newest. A waybill on no record is an `extra`, when it is as long as some
    carrier's waybills are: a shelf number typed into the scan field ("3") is no stray parcel. A code
    on no parcel on the shelves has no waybill to count, so the clerk is asked to scan it."""
    # A recipient's phone barcode (or a phone typed) was an extra with the whole number as its waybill,
    # kept in the findings and shown: refused as check-in refuses it. One written as people write one
    # (`+86 138…`, `138-1234-5678`, shaped like a pickup code) names no parcel; eleven digits alone
    # may still be a waybill on record (DHL's).
    if normalise(raw).waybill is None:
        refuse_phone(raw)
    text, candidates = parcel_candidates(session, raw)
    if candidates:
        parcel = next((p for p in candidates if p.status == ParcelStatus.ON_SHELF), candidates[0])
        return parcel.waybill, parcel
    waybill = normalise(text).waybill
    refuse_phone(text, waybill)
    if waybill is None:
        raise Refused(
            N_("No parcel on the shelves has the pickup code {ref}: scan its waybill."),
            code="unknown_code",
            ref=cut(mask_phones(text), 40),
        )
    error = detector.detect(waybill).error
    if error is not None and error.code in ("too_short", "too_long"):
        raise error  # "3 is too short for a waybill (1 character, at least 8).", as check-in says it
    return waybill, None


def view(station: Station, stocktake_id: int) -> View:
    require(station, "view")
    with station.read() as session:
        return view_in(session, stocktake_in(session, stocktake_id, writable=False), zone=station.zone())


def resume(station: Station, stocktake_id: int) -> View:
    """Open again a stocktake paused at another counter while this one still counts it (its Esc, the
    end of a CLI run's input); refused when it is closed."""
    return _set_status(station, stocktake_id, "open", EventKind.STOCKTAKE_RESUMED)


def pause(station: Station, stocktake_id: int) -> View:
    return _set_status(station, stocktake_id, "paused", EventKind.STOCKTAKE_PAUSED)


def _set_status(station: Station, stocktake_id: int, status: str, kind: EventKind) -> View:
    """Pause or resume, audited when it changes anything; refused when the stocktake is closed."""
    require(station, "stocktake")

    def work(session: Session) -> None:
        # Locked as a close locks it: read unlocked, a stocktake closed meanwhile at another counter
        # was set paused over its close (PostgreSQL), unfinished again with its fixes made.
        session.exec(
            select(Stocktake)
            .where(Stocktake.id == stocktake_id)
            .with_for_update(key_share=True)
            .execution_options(populate_existing=True)
        ).first()
        take = stocktake_in(session, stocktake_id)  # refused: none, or closed
        if take.status != status:
            take.status = status
            session.add(take)
            _record(session, station, take, kind)

    station.run(work)
    return view(station, stocktake_id)
