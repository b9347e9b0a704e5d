"""Problem parcels of kind "not received", for the Problems screen: pre-alerted parcels missing when their
courier's batch closed, and not arrived since. They are not on a shelf, so they are listed apart."""

from __future__ import annotations

from rich.text import Text

from station_console.i18n import _
from station_console.services.core.paper_numbers import courier_batch_number
from station_console.services.core.station import Station
from station_console.services.prealerts.listing import not_received

SHOWN = 20


def not_received_text(station: Station) -> Text:
    """The list as plain text (waybills and names from a pre-alert file are data, never markup)."""
    rows = not_received(station, limit=SHOWN + 1)
    if not rows:
        return Text("")
    lines = [_("Not received ({n}): pre-alerted, missing when the courier's batch closed", n=len(rows))]
    lines += [
        f"  {r.waybill}  {r.carrier_name}  {r.masked_phone or '-'}  "
        + _("batch {batch}", batch=courier_batch_number(r.batch_id) if r.batch_id else "-")
        + (f"  {r.courier}" if r.courier else "")
        for r in rows[:SHOWN]
    ]
    if len(rows) > SHOWN:
        lines.append("  " + _("more: station prealert missing"))
    return Text("\n".join(lines))
