"""Open or closed: the state of a batch of parcels (a return batch, a courier's sends, a door run), as
every screen and listing names it; translated where shown. `merged` is a return batch's alone: one the
upgrade to one open batch per carrier emptied into another (migrations 0024, 0025)."""

from __future__ import annotations

from station_console.i18n import N_

BATCH_STATE_LABELS = {"open": N_("open"), "closed": N_("closed"), "merged": N_("merged")}
