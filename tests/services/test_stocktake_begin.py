"""Beginning a stocktake from the shelf map: a new one, or the one unfinished on that shelf resumed
(two of one shelf would overlap) when it counts what was asked or the whole shelf, saying which; one
counting another layer is not resumed unasked, and a scope that does not exist is refused; both change
nothing. A resume or a pause meeting a close at another counter leaves it closed."""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import replace

import pytest
from pickup_helpers import as_clerk
from saves_at_once import other_save_before
from sqlmodel import func, select

from db.engine import is_sqlite
from db.models import Role, Stocktake
from station_console.errors import NotFound, Refused
from station_console.services.core.station import Station
from station_console.services.exceptions import stocktake, stocktake_close
from station_console.services.exceptions.stocktake_view import View


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


def test_a_layer_on_a_shelf_counted_whole_resumes_that_one_and_says_what_was_asked(station: Station) -> None:
    """The shelf's paused stocktake of shelf 6 is resumed for 6-2 typed (two of one shelf would count
    the same parcels): 6-2 is counted in it as the layer scanned now, and what was asked is said."""
    take = stocktake.start(station, "6")
    stocktake.pause(station, take.id)
    begun = stocktake.begin(station, "６－２")
    assert (begun.view.id, begun.view.scope, begun.view.status) == (take.id, "6", "open")
    assert (begun.resumed, begun.asked, begun.other_scope, begun.layer_in_shelf) == (True, "6-2", True, True)
    assert stocktakes(station) == 1


@pytest.mark.parametrize(("typed", "asked"), [("6-2", "layer 6-2"), ("6", "shelf 6")])
def test_another_scope_than_the_unfinished_layers_is_refused_and_resumes_nothing(
    station: Station, typed: str, asked: str
) -> None:
    """6-2 typed while 6-5's stocktake was paused resumed 6-5's, saying so on a line the first scan
    overwrote: a hurried clerk counted 6-2's parcels as found on 6-5, and the close's relocation would
    have moved their records to where they are not. Nothing is resumed for another scope now: it is
    refused, naming the stocktake, and the clerk resumes it by its own scope (or by id, once asked)."""
    from station_helpers import events

    take = stocktake.start(station, "6-5")
    stocktake.pause(station, take.id)
    with pytest.raises(Refused) as refused:
        stocktake.begin(station, typed)
    assert refused.value.code == "stocktake_other_scope"
    assert (refused.value.params["id"], refused.value.params["scope"]) == (take.id, "6-5")
    assert refused.value.message("en") == (
        f"Stocktake {take.id} of layer 6-5 is not finished, so it was not resumed for {asked}: its scans "
        f"would be recorded as found on 6-5. Resume it as 6-5, or count {asked} once it is closed."
    )
    assert stocktake.view(station, take.id).status == "paused" and stocktakes(station) == 1
    assert events(station, "stocktake_resumed") == []
    with pytest.raises(Refused):  # the CLI's --resume too
        stocktake.begin(station, typed, resume_only=True)
    assert stocktake.begin(station, "6-5").view.id == take.id


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


def paused_at_two_counters(station: Station) -> tuple[int, Station, Station, Callable[[], bool] | None]:
    """A paused stocktake of 6-5; Li (a clerk) and Boss (a manager) at their counters; how to tell one's
    write waits for the other's (SQLite: its station was told the file is busy; PostgreSQL: a lock wait)."""
    take = stocktake.start(station, "6-5")
    stocktake.pause(station, take.id)
    busy = threading.Event()
    li = replace(as_clerk(station, "Li", counter="counter-Li"), on_busy=busy.set)
    boss = replace(as_clerk(station, "Boss", Role.MANAGER, counter="counter-Boss"), on_busy=busy.set)
    return take.id, li, boss, busy.is_set if is_sqlite(station.engine) else None


def test_a_close_at_another_counter_while_a_resume_is_made_closes_it_after(station: Station) -> None:
    """PostgreSQL: beginning read the shelf's paused stocktake unlocked, another counter closed it
    before the resume's write, and that write set it open again over the close: a stocktake whose fixes
    were made was counted into again, and could be closed (its fixes made) a second time. The resume now
    holds the stocktake as a close does: the close waits for it, then closes it."""
    take_id, li, boss, waiting = paused_at_two_counters(station)
    with other_save_before(
        li, "UPDATE stocktake", lambda: stocktake_close.close(boss, take_id), waiting
    ) as out:
        begun = stocktake.begin(li, "6-5")
    (closed,) = out
    assert isinstance(closed, View) and closed.status == "closed", closed
    assert (begun.view.id, begun.resumed) == (take_id, True)
    assert stocktake.view(station, take_id).status == "closed"  # the close stands
    assert stocktake.unfinished(station) == []


def test_a_resume_while_a_close_is_made_at_another_counter_starts_a_new_one(station: Station) -> None:
    """PostgreSQL: the resume read the stocktake as paused while a close was under way, waited for the
    close's lock to write, then set the closed stocktake open again. It now waits for the close to read
    it, finds it closed, and starts a new stocktake of what was asked."""
    take_id, li, boss, waiting = paused_at_two_counters(station)
    with other_save_before(boss, "UPDATE stocktake", lambda: stocktake.begin(li, "6-5"), waiting) as out:
        closed = stocktake_close.close(boss, take_id)
    (begun,) = out
    assert isinstance(begun, stocktake.Begun), begun
    assert closed.status == "closed" and stocktake.view(station, take_id).status == "closed"
    assert (begun.resumed, begun.view.scope, begun.view.status) == (False, "6-5", "open")
    assert begun.view.id != take_id and stocktakes(station) == 2


def test_a_pause_and_a_close_at_two_counters_leave_it_closed(station: Station) -> None:
    """PostgreSQL: Esc's pause read the stocktake unlocked, a close at another counter closed it, and the
    pause's write set it paused over the close: unfinished again, its fixes made. The pause now holds
    the stocktake as a close does; the close waits for it, then closes it."""
    take_id, li, boss, waiting = paused_at_two_counters(station)
    stocktake.begin(li, "6-5")  # open again, as Li counts
    with other_save_before(
        li, "UPDATE stocktake", lambda: stocktake_close.close(boss, take_id), waiting
    ) as out:
        stocktake.pause(li, take_id)
    (closed,) = out
    assert isinstance(closed, View) and closed.status == "closed", closed
    assert stocktake.view(station, take_id).status == "closed"
    assert stocktake.unfinished(station) == []


def test_starting_pausing_and_resuming_a_stocktake_are_audit_events(station: Station) -> None:
    """Each changes what the shelf's stocktake is (one unfinished per shelf), so each is on the trail
    with its scope; resuming one already open changes nothing and records nothing."""
    from station_helpers import events

    begun = stocktake.begin(station, "6-5")
    take = begun.view.id
    (started,) = events(station, "stocktake_started")
    assert started.details == {"stocktake": take, "scope": "6-5"}
    assert started.clerk_id == station.clerk_id
    stocktake.begin(station, "6-5")  # already open: resumed, nothing changed
    assert events(station, "stocktake_resumed") == []
    stocktake.pause(station, take)
    (paused,) = events(station, "stocktake_paused")
    assert paused.details == {"stocktake": take, "scope": "6-5"}
    stocktake.begin(station, "6-5")
    (resumed,) = events(station, "stocktake_resumed")
    assert resumed.details == {"stocktake": take, "scope": "6-5"}
    started_too = stocktake.start(station, "7")
    assert [e.details["stocktake"] for e in events(station, "stocktake_started")] == [take, started_too.id]
