"""What can be wrong with a parcel on the shelves: the problem kinds' codes and their labels, kept apart
from the models so `station problem --kind` lists its choices without loading the database (CLI start-up);
a test holds the codes equal to `db.models.ProblemKind`."""

from __future__ import annotations

from station_console.i18n import N_

KIND_LABELS = {
    "damaged": N_("damaged"),
    "refused": N_("refused"),
    "wrong_address": N_("wrong address"),
    "unreadable": N_("label unreadable"),
    "missing": N_("missing"),
    "put_back": N_("found after it left"),
    "recalled": N_("recalled"),  # its carrier or sender asked for it back before it was due
}
KINDS = tuple(KIND_LABELS)
# Set only by a stocktake's close, which puts the parcel back and says in the note when and by whom it
# left: a hand flag of it would claim a stocktake that never found the parcel.
STOCKTAKE_KINDS = frozenset({"put_back"})
HAND_KINDS = tuple(kind for kind in KINDS if kind not in STOCKTAKE_KINDS)  # a clerk flagging picks from these
# Whose note a return manifest prints after the kind, for the courier taking the parcel back: who asked
# for it back, why it was refused, what is wrong with it. Not a put-back's (it names the clerks it left
# with) nor a missing one's (the counter's own search: "not found at stocktake 3").
COURIER_NOTE_KINDS = frozenset({"recalled", "refused", "damaged", "wrong_address", "unreadable"})
