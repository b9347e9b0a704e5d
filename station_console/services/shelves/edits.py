"""A shelf's and a layer's edit: `edit` checks every value given before it writes any, then saves the
shelf's and the layer's changes in one transaction, so a refusal leaves both as they were.

Manager-only (`roles.require_manager(station, "shelves")`); each shelf or layer changed is one
`shelf_changed` event, each field changed in it old and new. A layer's capacity never goes below what it holds.
"""

from __future__ import annotations

from typing import Any

from sqlmodel import Session, col, select

from db.models import EventKind, Layer, Shelf
from station_console.errors import Refused
from station_console.i18n import N_
from station_console.services.core import audit
from station_console.services.core.free_text import NOTE
from station_console.services.core.roles import require_manager
from station_console.services.core.station import Station
from station_console.services.shelves.layout import check_layer_fields, check_walk_order, check_zone, resolve


def edit(
    station: Station,
    location: str,
    *,
    capacity_units: int | None = None,
    accepts_sizes: str | None = None,
    zone: str | None = None,
    walk_order: int | None = None,
    note: str | None = None,
    read: tuple[int, str] | None = None,
) -> bool:
    """Change a layer's capacity or sizes (`location` a layer, `6-5`) and its shelf's zone, walking
    order or note (`6` or `6-5`) at once; False when each given is as stored already (nothing written,
    no event). Any value refused refuses the whole edit.

    `read`: the layer's capacity and sizes as the form that sends both showed them; refused when either
    is no longer stored so, as another manager's change would be put back unseen."""
    require_manager(station, "shelves")
    layer_given = capacity_units is not None or accepts_sizes is not None or read is not None

    def work(session: Session) -> bool:
        shelf, layer = resolve(session, location)
        if layer_given and layer is None:
            raise Refused(N_("Give a layer as SHELF-LAYER, e.g. 6-5."), code="need_layer")
        # Every value checked before any row is set: whichever value is refused, it is said first and
        # the shelf and the layer stay as stored.
        letters = check_layer_fields(capacity_units, accepts_sizes)
        if zone is not None:
            check_zone(zone)
        if walk_order is not None:
            check_walk_order(walk_order)
        cleaned_note = (NOTE.read(note) or None) if note is not None else None
        layer_changes = (
            _layer_changes(session, shelf, layer, capacity_units, letters, read) if layer is not None else {}
        )
        shelf_changes: dict[str, Any] = {}
        if zone is not None and zone != shelf.zone:
            shelf_changes["zone"] = zone
        if walk_order is not None and walk_order != shelf.walk_order:
            shelf_changes["walk_order"] = walk_order
        if note is not None and cleaned_note != shelf.note:
            shelf_changes["note"] = cleaned_note
        if layer is not None and layer_changes:
            changed = _old_and_new(layer, layer_changes)
            session.add(layer)
            audit.record(
                session,
                station,
                EventKind.SHELF_CHANGED,
                details={
                    "action": "edit_layer",
                    "shelf": shelf.label,
                    "layer": layer.label,
                    "changed": changed,
                },
            )
        if shelf_changes:
            changed = _old_and_new(shelf, shelf_changes)
            session.add(shelf)
            if "zone" in shelf_changes or "walk_order" in shelf_changes:
                copy_shelf_onto_layers(session, shelf)
            audit.record(
                session,
                station,
                EventKind.SHELF_CHANGED,
                details={"action": "edit_shelf", "shelf": shelf.label, "changed": changed},
            )
        return bool(layer_changes or shelf_changes)

    return station.run(work)


def _old_and_new(row: Shelf | Layer, changes: dict[str, Any]) -> dict[str, list[Any]]:
    """Set `changes` on `row`; each field's old and new value, as the event records them (a carrier's
    edit records its fields so): what a capacity was before it was lowered stays in the trail."""
    changed = {name: [getattr(row, name), value] for name, value in changes.items()}
    for name, value in changes.items():
        setattr(row, name, value)
    return changed


def _layer_changes(
    session: Session,
    shelf: Shelf,
    layer: Layer,
    capacity_units: int | None,
    letters: str | None,
    read: tuple[int, str] | None,
) -> dict[str, Any]:
    """The layer's fields that differ from what is stored, nothing set yet; refused when `read` is
    stale or the capacity is below what the layer holds."""
    # Locked until the commit (PostgreSQL; SQLite's write transaction holds the file): a save of
    # this layer at another counter waits, then compares with what this one stored, and a check-in
    # waits to add to what the capacity is checked against.
    session.refresh(layer, with_for_update=True)
    if read is not None and read != (layer.capacity_units, layer.accepts_sizes):
        raise Refused(
            N_(
                "Layer {shelf}-{layer}: another counter or command saved a change while this one was "
                "being made, so nothing was saved. Its capacity and sizes now show what is saved: "
                "make the change again."
            ),
            code="layer_saved_meanwhile",
            shelf=shelf.label,
            layer=layer.label,
        )
    changed: dict[str, Any] = {}
    if capacity_units is not None:
        if capacity_units < layer.used_units:
            raise Refused(
                N_("Layer {shelf}-{layer} holds {count} units; capacity cannot go below that."),
                one="Layer {shelf}-{layer} holds {count} unit; capacity cannot go below that.",
                code="below_used",
                shelf=shelf.label,
                layer=layer.label,
                count=layer.used_units,
            )
        if capacity_units != layer.capacity_units:
            changed["capacity_units"] = capacity_units
    if letters is not None and letters != layer.accepts_sizes:
        changed["accepts_sizes"] = letters
    return changed


def edit_layer(
    station: Station,
    location: str,
    *,
    capacity_units: int | None = None,
    accepts_sizes: str | None = None,
    read: tuple[int, str] | None = None,
) -> bool:
    """`edit` of a layer's capacity (never below what it holds) or the sizes it accepts alone."""
    return edit(station, location, capacity_units=capacity_units, accepts_sizes=accepts_sizes, read=read)


def copy_shelf_onto_layers(session: Session, shelf: Shelf) -> None:
    """Every layer of `shelf` carries its zone and walking order (the check-in's pick reads layers
    alone); whatever changes either calls this in the same transaction. Through the session, so a
    layer already loaded holds its new copy (a shelf has a handful of layers)."""
    for layer in session.exec(select(Layer).where(col(Layer.shelf_id) == shelf.id)).all():
        layer.zone, layer.shelf_walk = shelf.zone, shelf.walk_order
        session.add(layer)
