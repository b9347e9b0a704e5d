"""The one reading of a typed location or a stocktake's scope: a shelf (`6`) or one of its layers (`6-5`),
typed with any dash, in full-width characters or with spaces (`６－５`, `6 - 5`, `6 5`); the first dash
ends the shelf, as a shelf label has none (refused when a shelf is added or imported)."""

from __future__ import annotations

import re
import unicodedata

from sqlmodel import Session, col, select

from db.models import Layer, Shelf
from station_console.errors import Refused
from station_console.i18n import N_
from station_console.safe_text import cut, has_hidden, visible

# The dashes a location is typed with (NFKC has made a full-width one "-"); spaces join parts too.
_LOCATION_DASH = re.compile(r"[\u2010-\u2015\u2212\uff0d_-]")


def layer_ids_for(session: Session, location: str) -> list[int]:
    """Layer ids of a shelf (`6`) or one layer (`6-5`); empty when nothing matches."""
    shelf_label, layer_label = split_location(location)
    stmt = select(Layer.id).join(Shelf, col(Shelf.id) == Layer.shelf_id).where(Shelf.label == shelf_label)
    if layer_label:
        stmt = stmt.where(Layer.label == layer_label)
    return [i for i in session.exec(stmt).all() if i is not None]


def split_location(text: str) -> tuple[str, str]:
    """The one reading of a location or a stocktake's scope: `６－５` -> ("6", "5"), `ov` -> ("OV", "")
    (the whole shelf). A shelf label has no dash (`layout.add_shelf_in` refuses one, as the layout
    import and the editor add through it) and a layer's is its number, so the first dash ends the
    shelf: `6-5-3002` (a pickup code) is shelf 6's layer "5-3002", which no shelf has."""
    if has_hidden(text.strip()):
        # A terminal code or a stray control key: shown with it stripped, it named a blank shelf
        # ("There is no shelf ."). Written out, the clerk sees what went wrong.
        raise Refused(
            N_(
                "{typed} is not a shelf or layer: it holds control characters. Type the shelf (6) or the "
                "layer (6-5) again."
            ),
            code="bad_location",
            typed=cut(visible(text.strip()), 20),
        )
    read = normalise_location(text)
    if "" in read.split("-") and read:
        # A dash with nothing on one side: dropped as a space is, "-1" (a minus sign) was shelf 1.
        raise Refused(
            N_("{typed} is not a shelf or layer: a dash goes between a shelf and its layer (6-5)."),
            code="bad_location",
            typed=cut(text.strip(), 20),
        )
    shelf_label, _sep, layer_label = read.partition("-")
    return shelf_label, layer_label


def is_layer(location: str) -> bool:
    """A location or scope names one layer (`6-5`), not a whole shelf (`6`)."""
    return bool(split_location(location)[1])


def normalise_location(text: str) -> str:
    """`６－５`, `6 - 5` or `6 5` -> `6-5`; shelf labels are matched upper-case (`ov-1` -> `OV-1`).
    A dash with nothing on one side stays (`-1`, `6--5`): `split_location` refuses it."""
    text = unicodedata.normalize("NFKC", text or "").strip().upper()
    if not _LOCATION_DASH.sub("", text).strip():  # dashes alone name no place: "Name a shelf"
        return ""
    return "-".join("-".join(part.split()) for part in _LOCATION_DASH.split(text))
