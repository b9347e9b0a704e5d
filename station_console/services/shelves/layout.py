"""Shelves and layers: the shelf map read model, add / retire (an edit is `edits.py`, the CSV layout
import `layout_csv.py`).

Changes are manager-only (`roles.require_manager(station, "shelves")`) and each is a `shelf_changed`
event. A layer holding parcels cannot be retired or shrunk below what it holds: it is emptied first
(move its parcels), so no parcel ever sits on a layer the map does not show.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from sqlmodel import Session, col, select

from db.models import EventKind, Layer, Parcel, ParcelStatus, Shelf, Zone
from station_console.errors import NotFound, Refused
from station_console.i18n import N_, LaterList
from station_console.safe_text import cut
from station_console.services.core import audit
from station_console.services.core.ageing import is_overdue, on_shelf_bands
from station_console.services.core.free_text import NOTE
from station_console.services.core.roles import require, require_manager
from station_console.services.core.station import Station
from station_console.services.shelves.locations import normalise_location, split_location
from station_console.services.shelves.search import ParcelRow, rows_for

ZONES = tuple(z.value for z in Zone)
# A zone is a code (settings and slot rules name it); screens show it through this catalogue.
ZONE_LABELS: dict[str, str] = {
    Zone.MAIN: N_("main zone"),
    Zone.FLOOR: N_("floor zone"),
    Zone.OVERFLOW: N_("overflow zone"),
}
SIZE_LETTERS = "SMLX"
# Both well inside a 32-bit column (PostgreSQL's INTEGER): a larger number was a database error, not a
# refusal. No station's layer holds ten thousand units (an S parcel is one).
CAPACITY_LIMIT = 9_999
LAYERS_LIMIT = 50
WALK_ORDER_LIMIT = 999_999


@dataclass(frozen=True)
class LayerCell:
    layer_id: int
    label: str
    capacity_units: int
    used_units: int
    parcel_count: int
    overdue_count: int
    problem_count: int
    accepts_sizes: str
    retired: bool = False

    @property
    def fill(self) -> float:
        return self.used_units / self.capacity_units if self.capacity_units else 1.0

    @property
    def fill_pct(self) -> int:
        return round(self.fill * 100)


@dataclass(frozen=True)
class ShelfRow:
    shelf_id: int
    label: str
    zone: str
    walk_order: int
    note: str | None
    retired: bool
    layers: list[LayerCell] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        for cell, layer in zip(data["layers"], self.layers, strict=True):
            cell["fill_pct"] = layer.fill_pct
        return data


def shelf_map(station: Station, *, include_retired: bool = False) -> list[ShelfRow]:
    """Every shelf in walking order with its layers' capacity, use, fill, overdue and problem counts."""
    require(station, "view")
    with station.read() as session:
        overdue: dict[int, int] = {}
        problems: dict[int, int] = {}
        for layer_id, band, problem in on_shelf_bands(session, station.now()):
            if layer_id is None:
                continue
            overdue[layer_id] = overdue.get(layer_id, 0) + is_overdue(band)
            problems[layer_id] = problems.get(layer_id, 0) + (problem is not None)
        shelves = session.exec(select(Shelf).order_by(col(Shelf.walk_order), col(Shelf.id))).all()
        layers = session.exec(select(Layer).order_by(col(Layer.walk_order), col(Layer.id))).all()
    by_shelf: dict[int, list[LayerCell]] = {}
    for layer in layers:
        if layer.retired_at is not None and not include_retired:
            continue
        lid = layer.id or 0
        by_shelf.setdefault(layer.shelf_id, []).append(
            LayerCell(
                layer_id=lid,
                label=layer.label,
                capacity_units=layer.capacity_units,
                used_units=layer.used_units,
                parcel_count=layer.parcel_count,
                overdue_count=overdue.get(lid, 0),
                problem_count=problems.get(lid, 0),
                accepts_sizes=layer.accepts_sizes,
                retired=layer.retired_at is not None,
            )
        )
    return [
        ShelfRow(
            shelf_id=s.id or 0,
            label=s.label,
            zone=s.zone,
            walk_order=s.walk_order,
            note=s.note,
            retired=s.retired_at is not None,
            layers=by_shelf.get(s.id or 0, []),
        )
        for s in shelves
        if include_retired or s.retired_at is None
    ]


def layer_parcels(station: Station, layer_id: int) -> list[ParcelRow]:
    """The parcels on one layer, oldest first."""
    require(station, "view")
    with station.read() as session:
        parcels = list(
            session.exec(
                select(Parcel)
                .where(Parcel.layer_id == layer_id, Parcel.status == ParcelStatus.ON_SHELF)
                .order_by(col(Parcel.checked_in_at))
            ).all()
        )
        return rows_for(session, parcels)


def resolve(session: Session, location: str) -> tuple[Shelf, Layer | None]:
    """`6` -> (shelf 6, None); `6-5` -> (shelf 6, layer 5). Retired ones are found too."""
    text = normalise_location(location)
    if not text:  # said as such: "There is no shelf " would name a blank one
        if session.exec(select(Shelf.id)).first() is None:
            raise NotFound(N_("There are no shelves yet: add one first."), code="no_shelves")
        raise NotFound(N_("Name a shelf (6) or a layer (6-5)."), code="no_location")
    shelf_label, layer_label = split_location(location)  # refused as typed when a part is empty
    shelf = session.exec(select(Shelf).where(Shelf.label == shelf_label)).first()
    if shelf is None:
        raise _no_shelf(session, location)
    if not layer_label:
        return shelf, None
    layer = session.exec(select(Layer).where(Layer.shelf_id == shelf.id, Layer.label == layer_label)).first()
    if layer is None:
        raise NotFound(
            N_("Shelf {shelf} has no layer {layer}."),
            code="no_layer",
            shelf=shelf.label,
            layer=cut(layer_label, 20),
        )
    return shelf, layer


def _no_shelf(session: Session, typed: str) -> NotFound:
    """No shelf has the label typed: named as typed (`[bold red]x[/]` was named by its shelf part,
    "[BOLD", read up to the space), cut (5,000 typed came back whole), with what to type instead: the
    station's shelves and a layer of the first."""
    shelves = session.exec(select(Shelf).where(col(Shelf.retired_at).is_(None)).order_by(col(Shelf.id))).all()
    shelves = shelves or session.exec(select(Shelf).order_by(col(Shelf.id))).all()
    labels = [s.label for s in shelves]
    first_layer = session.exec(
        select(Layer.label).where(Layer.shelf_id == shelves[0].id).order_by(col(Layer.id))
    ).first()
    return NotFound(
        N_(
            "There is no shelf or layer {typed} here. Type one of the shelves ({shelves}) or a layer, such as {example}."
        ),
        code="no_shelf",
        typed=cut(typed.strip(), 20),
        # Listed as the language shown in lists ("1、2" in Chinese), the rest counted.
        shelves=LaterList(tuple(labels), at_most=_SHELVES_SAID),
        example=f"{labels[0]}-{first_layer or 1}",
    )


_SHELVES_SAID = 12  # more makes the line a wall of labels: the shelf map (F4) shows them all
LABEL_LIMIT = 16


def checked_label(label: str, refusal: str) -> str:
    """A shelf's or a layer's label as every typed location reads it (`normalise_location`: "ｂ" is
    "B"), refused with `refusal` unless it is 1 to 16 letters A-Z or digits. ASCII only: the labels make
    every pickup code on the layer, and pickup finds a code by its letters A-Z and digits (a code
    冷-1-1001 was refused as "not a pickup code" at the counter). No dash either: in a location the
    first dash ends the shelf (`split_location`), so "OV-1" is layer 1 of shelf OV wherever it is typed,
    and a layer "2-3" would make codes of four parts."""
    label = normalise_location(label)
    if not label or not label.isalnum() or not label.isascii() or len(label) > LABEL_LIMIT:
        raise Refused(refusal, code="bad_label")
    return label


def check_layer_fields(capacity_units: int | None, accepts_sizes: str | None) -> str | None:
    """Every capacity and sizes a shelf, a layer, an edit or a layout import takes pass here."""
    if capacity_units is not None and capacity_units < 1:
        raise Refused(N_("Capacity must be at least 1 unit."), code="bad_capacity")
    if capacity_units is not None and capacity_units > CAPACITY_LIMIT:
        raise Refused(
            N_("Capacity can be at most {limit} units a layer."),
            code="capacity_too_large",
            limit=CAPACITY_LIMIT,
        )
    if accepts_sizes is None:
        return None
    letters = "".join(c for c in SIZE_LETTERS if c in accepts_sizes.upper())
    if not letters or set(accepts_sizes.upper()) - set(SIZE_LETTERS):
        raise Refused(N_("Sizes must be letters from S, M, L, X (for XL)."), code="bad_sizes")
    return letters


def check_walk_order(walk_order: int) -> None:
    if not -WALK_ORDER_LIMIT <= walk_order <= WALK_ORDER_LIMIT:
        raise Refused(
            N_("Walking order must be a whole number from {low} to {high}."),
            code="bad_walk_order",
            low=-WALK_ORDER_LIMIT,
            high=WALK_ORDER_LIMIT,
        )


def check_zone(zone: str) -> None:
    if zone not in ZONES:
        raise Refused(N_("Zone must be one of {zones}."), code="bad_zone", zones=", ".join(ZONES))


def add_shelf(
    station: Station,
    label: str,
    *,
    zone: str = "main",
    layers: int = 5,
    capacity_units: int = 40,
    accepts_sizes: str = "SML",
    note: str | None = None,
) -> int:
    """A new shelf at the end of the walking order with `layers` layers labelled 1..n. Returns its id."""
    require_manager(station, "shelves")
    return station.run(
        lambda session: add_shelf_in(
            session,
            station,
            label,
            zone=zone,
            layers=layers,
            capacity_units=capacity_units,
            accepts_sizes=accepts_sizes,
            note=note,
        )
    )


def add_shelf_in(
    session: Session,
    station: Station,
    label: str,
    *,
    zone: str,
    layers: int,
    capacity_units: int,
    accepts_sizes: str,
    note: str | None,
) -> int:
    """`add_shelf` inside the caller's transaction (a layout import adds many in one)."""
    label = checked_label(label, N_("A shelf label is 1 to 16 letters A-Z or digits, without a dash."))
    check_zone(zone)
    if not 1 <= layers <= LAYERS_LIMIT:  # before the layers are made: a billion was a billion inserts
        raise Refused(N_("A shelf has 1 to {limit} layers."), code="bad_layers", limit=LAYERS_LIMIT)
    letters = check_layer_fields(capacity_units, accepts_sizes)
    if session.exec(select(Shelf).where(Shelf.label == label)).first() is not None:
        raise Refused(N_("Shelf {shelf} already exists."), code="shelf_exists", shelf=label)
    walk = max(session.exec(select(Shelf.walk_order)).all() or [-1]) + 1
    if walk > WALK_ORDER_LIMIT:
        raise Refused(
            N_(
                "Shelf {shelf} would walk after the last shelf, at walking order {walk}, above the "
                "highest ({high}): give the last shelf a lower walking order first."
            ),
            code="walk_order_full",
            shelf=label,
            walk=walk,
            high=WALK_ORDER_LIMIT,
        )
    shelf = Shelf(label=label, zone=zone, walk_order=walk, note=NOTE.read(note) or None)
    session.add(shelf)
    session.flush()
    assert shelf.id is not None
    layer_walk = max(session.exec(select(Layer.walk_order)).all() or [0])
    for n in range(1, layers + 1):
        session.add(
            Layer(
                shelf_id=shelf.id,
                label=str(n),
                capacity_units=capacity_units,
                accepts_sizes=letters or "SML",
                walk_order=layer_walk + n,
                zone=shelf.zone,
                shelf_walk=shelf.walk_order,
            )
        )
    audit.record(
        session,
        station,
        EventKind.SHELF_CHANGED,
        details={
            "action": "add_shelf",
            "shelf": label,
            "zone": zone,
            "layers": layers,
            "capacity_units": capacity_units,
        },
    )
    return shelf.id


def add_layer(
    station: Station,
    shelf_label: str,
    *,
    label: str | None = None,
    capacity_units: int = 40,
    accepts_sizes: str = "SML",
) -> int:
    require_manager(station, "shelves")

    def work(session: Session) -> int:
        shelf, _layer = resolve(session, shelf_label)
        if shelf.retired_at is not None:
            raise Refused(N_("Shelf {shelf} is retired."), code="retired", shelf=shelf.label)
        letters = check_layer_fields(capacity_units, accepts_sizes)
        existing = session.exec(select(Layer).where(Layer.shelf_id == shelf.id)).all()
        if label is not None:
            new_label = checked_label(
                label, N_("A layer label is 1 to 16 letters A-Z or digits, without a dash.")
            )
        else:
            new_label = str(max([int(x.label) for x in existing if x.label.isdigit()] or [0]) + 1)
        if any(x.label == new_label for x in existing):
            raise Refused(
                N_("Layer {shelf}-{layer} already exists."),
                code="layer_exists",
                shelf=shelf.label,
                layer=new_label,
            )
        walk = max([x.walk_order for x in existing] or [0]) + 1
        layer = Layer(
            shelf_id=shelf.id or 0,
            label=new_label,
            capacity_units=capacity_units,
            accepts_sizes=letters or "SML",
            walk_order=walk,
            zone=shelf.zone,
            shelf_walk=shelf.walk_order,
        )
        session.add(layer)
        session.flush()
        audit.record(
            session,
            station,
            EventKind.SHELF_CHANGED,
            details={
                "action": "add_layer",
                "shelf": shelf.label,
                "layer": new_label,
                "capacity_units": capacity_units,
            },
        )
        return layer.id or 0

    return station.run(work)


def retire(station: Station, location: str) -> None:
    """Retire a shelf (`6`) or a layer (`6-5`); refused while it holds parcels."""
    require_manager(station, "shelves")

    def work(session: Session) -> None:
        shelf, layer = resolve(session, location)
        now = station.now()
        targets = (
            [layer] if layer else list(session.exec(select(Layer).where(Layer.shelf_id == shelf.id)).all())
        )
        held = session.exec(
            select(Parcel.id).where(
                col(Parcel.layer_id).in_([t.id for t in targets]), Parcel.status == ParcelStatus.ON_SHELF
            )
        ).all()
        if held:
            raise Refused(
                N_("{location} still holds {count} parcels. Move them first."),
                one="{location} still holds {count} parcel. Move it first.",
                code="not_empty",
                location=location,
                count=len(held),
            )
        for target in targets:
            if target.retired_at is None:
                target.retired_at = now
                session.add(target)
        if layer is None:
            shelf.retired_at = now
            session.add(shelf)
        audit.record(
            session,
            station,
            EventKind.SHELF_CHANGED,
            details={"action": "retire", "shelf": shelf.label, "layer": layer.label if layer else None},
        )

    station.run(work)


def restore(station: Station, location: str) -> None:
    """Bring a retired shelf or layer back into use."""
    require_manager(station, "shelves")

    def work(session: Session) -> None:
        shelf, layer = resolve(session, location)
        shelf.retired_at = None
        session.add(shelf)
        targets = (
            [layer] if layer else list(session.exec(select(Layer).where(Layer.shelf_id == shelf.id)).all())
        )
        for target in targets:
            target.retired_at = None
            session.add(target)
        audit.record(
            session,
            station,
            EventKind.SHELF_CHANGED,
            details={"action": "restore", "shelf": shelf.label, "layer": layer.label if layer else None},
        )

    station.run(work)
