"""An outgoing send is never taken for an arrival: its waybill scanned at check-in, or found as an extra
in a stocktake, is refused while the send waits at the counter; and its audit event keeps no ID digits."""

from __future__ import annotations

import pytest
from checkin_helpers import counts
from sendout_helpers import RESIDENT_ID, as_manager, events, send, sf, staff
from shelf_helpers import place, wb

from db.models import EventKind, SendEvent
from station_console.errors import Refused
from station_console.services.checkin.transaction import check_in
from station_console.services.core.station import Station
from station_console.services.exceptions import stocktake, stocktake_close
from station_console.services.sendout import handover, payments
from station_console.stored_messages import stored_text


@pytest.fixture
def counter(station: Station) -> Station:
    return staff(station)


def test_a_send_at_the_counter_is_refused_at_check_in_and_nothing_written(counter: Station) -> None:
    send(counter, sf(1))
    before = counts(counter)
    with pytest.raises(Refused) as exc:
        check_in(counter, f" {sf(1).lower()}\r\n")  # scanner noise normalises to the send's number
    assert exc.value.code == "outgoing_send"
    assert "at the counter" in exc.value.message("en") and "outgoing parcels" in exc.value.message("en")
    assert "寄件" in exc.value.message("zh")
    assert counts(counter) == before


def test_a_send_scanned_into_an_open_handover_is_refused_with_that_state(counter: Station) -> None:
    send(counter, sf(1))
    batch = handover.open_batch(counter, "SF")
    handover.scan(counter, batch, sf(1))
    with pytest.raises(Refused) as exc:
        check_in(counter, sf(1))
    assert exc.value.code == "outgoing_send" and "handover" in exc.value.message("en")


def test_a_send_handed_over_or_refunded_checks_in_as_an_arrival(counter: Station) -> None:
    send(counter, sf(1))
    batch = handover.open_batch(counter, "SF")
    handover.close_batch(counter, handover.scan(counter, batch, sf(1)).batch_id)
    assert check_in(counter, sf(1)).waybill == sf(1)  # returned to its sender by the carrier
    refunded = send(counter, sf(2))
    as_manager(counter)
    payments.refund(counter, refunded.send_id, "changed their mind")
    assert check_in(counter, sf(2)).waybill == sf(2)


def test_a_stocktake_extra_that_is_a_send_is_not_checked_in_again(counter: Station) -> None:
    place(counter, wb(1), "6-5")
    send(counter, sf(1))
    take = stocktake.start(counter, "6-5")
    for raw in (wb(1), sf(1)):
        stocktake.scan(counter, take.id, raw)
    current = stocktake.view(counter, take.id)
    assert [i.outgoing_send for i in current.items["extra"]] == [True]  # shown as a send, not "not on record"
    assert stocktake_close.all_fixes(current)["recheck_in"] == []  # not offered
    closed = stocktake_close.close(counter, take.id, recheck_in=[sf(1)])  # and refused when asked anyway
    assert closed.result["fixes"]["rechecked"] == []
    (failed,) = closed.result["fixes"]["failed"]
    assert failed["waybill"] == sf(1) and "outgoing send" in failed["reason"]
    assert "寄件" in stored_text(failed["message"], "zh")
    assert events(counter, EventKind.CHECKED_IN) == []  # nothing was checked in


def test_a_sends_audit_details_hold_no_id_digits(counter: Station) -> None:
    send(counter, sf(1))
    (event,) = events(counter, SendEvent.SEND_ACCEPTED)
    assert event.details["id_type"] == "resident" and event.details["id_seen"] is True
    assert "id_last4" not in event.details
    assert RESIDENT_ID[-4:] not in str(event.details)


def test_the_check_ins_waybill_statement_is_one_indexed_search_per_table(counter: Station) -> None:
    """The send check rides the duplicate check's statement, on the send table's live-waybill index
    (SQLite takes a partial index only when the WHERE repeats its condition)."""
    from sqlalchemy import text

    from station_console.services.checkin import duplicates

    sqlite = counter.engine.dialect.name == "sqlite"
    statement = duplicates._SAME_WAYBILL.statement.params(waybill=sf(1))
    sql = statement.compile(counter.engine, compile_kwargs={"literal_binds": True})
    with counter.read() as session:
        if not sqlite:  # an empty table is cheapest to scan: ask whether the index can serve at all
            session.execute(text("SET LOCAL enable_seqscan = off"))
        rows = session.execute(text(f"{'EXPLAIN QUERY PLAN' if sqlite else 'EXPLAIN'} {sql}")).all()
    plan = " | ".join(str(r[3] if sqlite else r[0]) for r in rows)
    using = "USING INDEX " if sqlite else " using "
    assert using + "uq_send_waybill_live" in plan and using + "uq_parcel_waybill_on_shelf" in plan, plan
    assert "SCAN" not in plan and "Seq Scan" not in plan, plan
