"""What a return batch's line says beyond its state and count: a batch the carrier's Enter (or `station
returns open`) found open or opened now, and one the upgrade to one open batch per carrier emptied into
another (`merged`, migrations 0024 and 0025), whose manifest, printed before, is still looked up by
its number: it names the batch holding its parcels, not "closed, 0 parcels"."""

from __future__ import annotations

from station_console.i18n import _, _n
from station_console.services.core.paper_numbers import return_batch_number


def opened_text(carrier_name: str, opened: bool) -> str:
    """`open_batch`'s answer, translated: a new batch, or the carrier's one open already."""
    if opened:
        return _("Opened a new return batch for {carrier}.", carrier=carrier_name)
    return _("{carrier} had a return batch open already: parcels go into it.", carrier=carrier_name)


def merged_text(merged_into: int | None, count: int) -> str:
    """Where a merged batch's parcels are (`count`: how many that batch holds or returned), translated:
    what its line says in place of its state and count."""
    if merged_into is None:  # not found again by the upgrade (rows edited by hand)
        return _("merged into another batch of its carrier")
    return _n(
        "merged into {batch} ({count} parcel)",
        "merged into {batch} ({count} parcels)",
        count,
        batch=return_batch_number(merged_into),
        count=count,
    )
