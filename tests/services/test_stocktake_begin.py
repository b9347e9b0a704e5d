"""Beginning a stocktake from the shelf map: a new one, or the one unfinished on that shelf resumed
whatever it counts (two of one shelf would overlap), saying which; a scope that does not exist is
refused and changes nothing."""

from __future__ import annotations

import pytest
from sqlmodel import func, select

from db.models import Stocktake
from station_console.errors import NotFound
from station_console.services.core.station import Station
from station_console.services.exceptions import stocktake


def stocktakes(station: Station) -> int:
    with station.read() as s:
        return int(s.exec(select(func.count()).select_from(Stocktake)).one())


def test_a_new_scope_starts_a_stocktake(station: Station) -> None:
    begun = stocktake.begin(station, "6-5")
    assert (begun.view.scope, begun.view.status, begun.resumed, begun.other_scope) == (
        "6-5",
        "open",
        False,
        False,
    )


@pytest.mark.parametrize(
    ("unfinished", "typed", "asked"),
    [("6-5", "6-2", "6-2"), ("6", "６－２", "6-2"), ("6-5", "6", "6")],
    ids=["another-layer", "a-layer-of-the-shelf-counted", "the-whole-shelf"],
)
def test_a_scope_on_a_shelf_with_one_unfinished_resumes_that_one_and_says_what_was_asked(
    station: Station, unfinished: str, typed: str, asked: str
) -> None:
    """The screen resumed the shelf's paused stocktake of 6-5 when 6-2 was typed and said so in a toast
    only: the clerk went on counting 6-2's parcels into 6-5's stocktake. It is resumed still (two of one
    shelf would count the same parcels), and what was asked is said beside what is counted."""
    take = stocktake.start(station, unfinished)
    stocktake.pause(station, take.id)
    begun = stocktake.begin(station, typed)
    assert (begun.view.id, begun.view.scope, begun.view.status) == (take.id, unfinished, "open")
    assert (begun.resumed, begun.asked, begun.other_scope) == (True, asked, True)
    assert stocktakes(station) == 1


def test_the_same_scope_resumes_as_itself(station: Station) -> None:
    take = stocktake.start(station, "6-5")
    begun = stocktake.begin(station, "6-5")
    assert (begun.view.id, begun.resumed, begun.other_scope) == (take.id, True, False)


def test_a_layer_that_does_not_exist_is_refused_and_resumes_nothing(station: Station) -> None:
    """A typing slip (6-9 on a shelf of five layers) resumed shelf 6's paused stocktake of 6-5."""
    take = stocktake.start(station, "6-5")
    stocktake.pause(station, take.id)
    with pytest.raises(NotFound) as refused:
        stocktake.begin(station, "6-9")
    assert refused.value.message("en") == "Shelf 6 has no layer 9."
    assert stocktake.view(station, take.id).status == "paused" and stocktakes(station) == 1
