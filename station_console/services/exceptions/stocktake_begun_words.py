"""What beginning a stocktake did, in the clerk's words: the same lines on the console's Stocktake
screen and from `station stocktake --resume`, so both say when a layer asked is counted in the shelf's
unfinished whole-shelf stocktake."""

from __future__ import annotations

from station_console.i18n import _
from station_console.services.exceptions.stocktake import Begun
from station_console.services.exceptions.stocktake_view import View
from station_console.services.shelves.locations import is_layer


def resumed_line(take: View) -> str:
    if is_layer(take.scope):
        return _("Resumed stocktake {id} of layer {layer}", id=take.id, layer=take.scope)
    return _("Resumed stocktake {id} of shelf {shelf}", id=take.id, shelf=take.scope)


def resumed_other_line(begun: Begun) -> str:
    """The clerk asked for one layer of a shelf whose whole stocktake is unfinished: it is counted in
    that one, as the layer scanned now (a stocktake of another layer is not resumed unasked)."""
    return _(
        "Stocktake {id} of shelf {shelf} is not finished, so layer {layer} is counted in it, not in a "
        "new stocktake: two stocktakes of one shelf would count the same parcels. The layer scanned now "
        "is set to {layer}.",
        id=begun.view.id,
        shelf=begun.view.scope,
        layer=begun.asked,
    )
