"""What beginning a stocktake did, in the clerk's words: the same lines on the console's Stocktake
screen and from `station stocktake --resume`, so both say when the shelf's unfinished stocktake
counts another scope than the one asked."""

from __future__ import annotations

from station_console.i18n import _
from station_console.services.exceptions.stocktake import Begun
from station_console.services.exceptions.stocktake_view import View
from station_console.services.shelves.search import is_layer


def scope_words(scope: str) -> str:
    """What a stocktake counts, as a sentence names it: "layer 6-5", "shelf 6"."""
    return _("layer {layer}", layer=scope) if is_layer(scope) else _("shelf {shelf}", shelf=scope)


def resumed_line(take: View) -> str:
    if is_layer(take.scope):
        return _("Resumed stocktake {id} of layer {layer}", id=take.id, layer=take.scope)
    return _("Resumed stocktake {id} of shelf {shelf}", id=take.id, shelf=take.scope)


def resumed_other_line(begun: Begun, *, headless: bool = False) -> str:
    """The clerk asked for one layer (or the whole shelf) and the shelf's unfinished stocktake of another
    scope was resumed: which one is counted now, why, and how to count what was asked. A layer of a
    shelf whose whole stocktake is unfinished is counted in it, as the layer scanned now. `headless`:
    said by the CLI, where the stocktake is closed by --close, not F8."""
    if begun.layer_in_shelf:
        return _(
            "Stocktake {id} of shelf {shelf} is not finished, so layer {layer} is counted in it, not in a "
            "new stocktake: two stocktakes of one shelf would count the same parcels. The layer scanned now "
            "is set to {layer}.",
            id=begun.view.id,
            shelf=begun.view.scope,
            layer=begun.asked,
        )
    fields = {
        "id": begun.view.id,
        "counted": scope_words(begun.view.scope),
        "asked": scope_words(begun.asked),
    }
    if headless:
        return _(
            "Stocktake {id} of {counted} is not finished, so it was resumed instead of starting one of "
            "{asked}: two stocktakes of one shelf would count the same parcels. To count {asked}, close "
            "this one first (--close).",
            **fields,
        )
    return _(
        "Stocktake {id} of {counted} is not finished, so it was resumed instead of starting one of "
        "{asked}: two stocktakes of one shelf would count the same parcels. To count {asked}, close "
        "this one (F8) first.",
        **fields,
    )
