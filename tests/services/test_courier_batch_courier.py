"""A courier's batch closed under another courier's name than the one typed at its open: the receipt
names the one who signs, and the close says the name changed (the audit trail keeps both)."""

from __future__ import annotations

from station_helpers import events

from db.models import EventKind
from station_console.i18n import set_language
from station_console.services.core.station import Station
from station_console.services.prealerts import batches


def test_a_close_under_another_couriers_name_says_so_and_keeps_the_first_in_the_trail(
    station: Station,
) -> None:
    opened = batches.open_batch(station, "ZTO", "Wu")
    closed = batches.close_batch(station, opened.id, "Zhao", print_receipt=False)
    assert closed.courier_name == "Zhao" and closed.courier_at_open == "Wu"
    assert closed.courier_said() == (
        "The receipt names Zhao, not Wu, the courier named when the batch was opened."
    )
    (event,) = events(station, EventKind.COURIER_BATCH_CLOSED)
    assert event.details["courier"] == "Zhao" and event.details["courier_at_open"] == "Wu"
    set_language("zh")
    try:
        assert "Zhao" in closed.courier_said() and "Wu" in closed.courier_said()
        assert "交接单" in closed.courier_said()
    finally:
        set_language("en")


def test_a_close_under_the_same_name_or_one_first_given_at_the_close_says_nothing_of_it(
    station: Station,
) -> None:
    same = batches.open_batch(station, "ZTO", "Wu")
    kept = batches.close_batch(station, same.id, "Wu", print_receipt=False)
    unnamed = batches.open_batch(station, "ZTO", "")
    named = batches.close_batch(station, unnamed.id, "Zhao", print_receipt=False)
    assert (kept.courier_at_open, kept.courier_said()) == (None, "")
    assert (named.courier_name, named.courier_at_open, named.courier_said()) == ("Zhao", None, "")
    assert all("courier_at_open" not in e.details for e in events(station, EventKind.COURIER_BATCH_CLOSED))
