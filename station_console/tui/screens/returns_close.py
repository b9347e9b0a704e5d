"""The question before a return batch closes: its parcels leave the station with the courier, which no
key undoes (F8 pressed for the shelf map's stocktake, over Returns, closed a batch unasked)."""

from __future__ import annotations

from station_console.i18n import N_, _, _n
from station_console.services.exceptions import returns
from station_console.tui.screens.confirm_dialog import ConfirmDialog

# What No leaves, said on the Returns line.
NOT_CLOSED = N_("Not closed: the batch stays open.")


def close_question(batch: returns.BatchView, signer: str) -> ConfirmDialog:
    """Names the batch, its carrier, how many parcels go and who signs. Weighty: a Y typed before the
    question was up answers nothing."""
    going = len(batch.on_shelf_ids)
    question = _n(
        "Close return batch {batch}: {n} {carrier} parcel goes back to the courier?",
        "Close return batch {batch}: {n} {carrier} parcels go back to the courier?",
        going,
        batch=batch.number,
        n=going,
        carrier=batch.carrier_name,
    )
    body = _(
        "Signed by {name}. Yes marks them returned, handed to the courier: this cannot be undone. "
        "No changes nothing.",
        name=signer.strip(),
    )
    return ConfirmDialog(question, body, what=N_("a return batch's close"), weighty=True)
