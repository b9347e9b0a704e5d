"""A send-out refund confirmed at one counter while the courier scans the same send into a handover
batch at another: one wins. The refund is refused as changed, or the scan as the send refunded; never
a refunded send in the courier's batch, nor a scan told accepted for a send the refund cancelled."""

from __future__ import annotations

import threading
from dataclasses import replace

import pytest
from saves_at_once import other_save_before
from sendout_helpers import events, send, sf, staff
from sqlalchemy import update
from sqlalchemy.orm import object_session
from sqlmodel import select

from db.engine import is_sqlite
from db.models import Send
from station_console.errors import Refused
from station_console.services.core.paper_numbers import handover_batch_number
from station_console.services.core.station import Station
from station_console.services.people import clerks
from station_console.services.sendout import handover, payments


def counters(station: Station) -> tuple[Station, Station, threading.Event]:
    """Clerk Li at counter 1 with the courier, manager Wang at counter 2; one send of SF at the counter."""
    staff(station)
    busy = threading.Event()
    scanning = replace(station, counter="counter-1", _cached=None, busy_wait_s=30, on_busy=busy.set)
    refunding = replace(station, counter="counter-2", _cached=None, busy_wait_s=30, on_busy=busy.set)
    clerks.sign_in(scanning, "Li", "1357")
    clerks.sign_in(refunding, "Wang", "9071")
    send(scanning, waybill=sf(1))
    return scanning, refunding, busy


def in_batches(station: Station) -> list[tuple[str, int | None]]:
    with station.read() as session:
        return [(s.status, s.handover_batch_id) for s in session.exec(select(Send)).all()]


def test_a_refund_between_a_scans_read_and_its_write_refuses_the_scan(station: Station) -> None:
    """PostgreSQL: the scan read the send at the counter, the refund then cancelled it, and the scan's
    write put the refunded send in the batch all the same (its result said it was scanned)."""
    scanning, refunding, busy = counters(station)
    send_id = payments.find_send_id(refunding, sf(1))
    asked = payments.ask_refund(refunding, send_id, "customer changed their mind")
    batch = handover.open_batch(scanning, "SF")

    def refund() -> object:
        return payments.refund(refunding, send_id, asked.reason, version=asked.version)

    waiting = busy.is_set if is_sqlite(station.engine) else None
    with other_save_before(scanning, "UPDATE send", refund, waiting) as out:
        try:
            scanned: object = handover.scan(scanning, batch, sf(1))
        except Refused as exc:
            scanned = exc
    (refunded,) = out
    if isinstance(scanned, Refused):  # the refund went first: the scan finds the send cancelled
        assert isinstance(refunded, payments.Refund), refunded
        assert "cancelled" in scanned.message(), scanned
        assert in_batches(station) == [("cancelled", None)]
        assert len(events(station, "send_refunded")) == 1 and events(station, "send_scanned") == []
    else:  # the scan went first (SQLite: the refund waited for it): the refund is refused as changed
        assert isinstance(scanned, handover.ScanResult), scanned
        assert isinstance(refunded, Refused) and refunded.code == "changed", refunded
        assert in_batches(station) == [("accepted", scanned.batch_id)]
        assert events(station, "send_refunded") == [] and len(events(station, "send_scanned")) == 1


@pytest.mark.parametrize("asked_first", [True, False])
def test_a_scan_between_a_refunds_read_and_its_write_refuses_the_refund(
    station: Station, asked_first: bool
) -> None:
    """The courier's scan lands after the refund read the send (and, `asked_first`, after the manager
    was shown it): the refund is refused as changed, and the send stays scanned in the batch."""
    scanning, refunding, busy = counters(station)
    send_id = payments.find_send_id(refunding, sf(1))
    version = payments.ask_refund(refunding, send_id, "wrong address").version if asked_first else None
    batch = handover.open_batch(scanning, "SF")

    def scan() -> object:
        return handover.scan(scanning, batch, sf(1))

    waiting = busy.is_set if is_sqlite(station.engine) else None
    with other_save_before(refunding, "UPDATE send", scan, waiting) as out:
        try:
            refunded: object = payments.refund(refunding, send_id, "wrong address", version=version)
        except Refused as exc:
            refunded = exc
    (scanned,) = out
    if isinstance(refunded, Refused):
        assert refunded.code == "changed", refunded
        assert isinstance(scanned, handover.ScanResult), scanned
        assert in_batches(station) == [("accepted", scanned.batch_id)]
    else:  # SQLite: the scan waited for the refund, then found the send cancelled
        assert isinstance(refunded, payments.Refund), refunded
        assert isinstance(scanned, Refused) and "cancelled" in scanned.message(), scanned
        assert in_batches(station) == [("cancelled", None)]


def test_a_refund_between_a_closes_read_and_its_write_is_not_handed_over(station: Station) -> None:
    """PostgreSQL: the close read the batch's two scanned sends, the refund then cancelled one and took
    it out of the batch, and the close recorded it handed over all the same (its event, the summary's
    count), though its row stayed cancelled."""
    scanning, refunding, busy = counters(station)
    send(scanning, waybill=sf(2))
    batch = handover.open_batch(scanning, "SF")
    batch_id = handover.scan(scanning, batch, sf(1)).batch_id
    handover.scan(scanning, handover.batch_view(scanning, batch_id), sf(2))
    refunded_id = payments.find_send_id(refunding, sf(2))

    def refund() -> object:
        try:
            return payments.refund(refunding, refunded_id, "customer changed their mind")
        except Refused as exc:
            return exc

    waiting = busy.is_set if is_sqlite(station.engine) else None
    with other_save_before(scanning, "UPDATE send", refund, waiting) as out:
        closed = handover.close_batch(scanning, batch_id, courier_name="Courier Wu", print_manifest=False)
    (refunded,) = out
    handed = sorted(e.details["waybill"] for e in events(station, "send_handed_over"))
    if isinstance(refunded, payments.Refund):  # the refund went first: only the other leaves
        assert handed == [sf(1)] and closed.summary is not None and closed.summary["handed_over"] == 1
        assert sorted(in_batches(station)) == [("cancelled", None), ("handed_over", batch_id)]
    else:  # SQLite: the refund waited for the close, then found the send gone with the courier
        assert isinstance(refunded, Refused) and refunded.code == "not_refundable", refunded
        assert handed == [sf(1), sf(2)]
        assert in_batches(station) == [("handed_over", batch_id), ("handed_over", batch_id)]


@pytest.mark.parametrize(
    ("lang", "said"),
    [
        (
            "en",
            "Send {send} was scanned into handover batch {batch} at another counter meanwhile; look again.",
        ),
        ("zh", "寄件 {send} 刚在其他柜台被扫入交接批次 {batch}；请重新查看。"),
    ],
)
def test_a_refund_refused_for_a_scan_meanwhile_names_the_batch(
    station: Station, monkeypatch: pytest.MonkeyPatch, lang: str, said: str
) -> None:
    """`station sendout refund` (no version asked): the courier's scan written between the refund's read
    and its write (PostgreSQL's read committed, made here in the refund's own transaction) is named,
    not only "changed at another counter"."""
    scanning, refunding, _busy = counters(station)
    send_id = payments.find_send_id(refunding, sf(1))
    batch = handover.open_batch(scanning, "SF")
    batch_id = handover.scan(scanning, batch, sf(1)).batch_id
    with station.write() as session:  # back at the counter, the batch left open: scanned again below
        session.execute(update(Send).values(handover_batch_id=None))
    real = payments._refundable
    scanned: list[int] = []

    def read_then_scanned(found: Send | None, ref: int) -> Send:
        send = real(found, ref)
        if not scanned:  # the other counter's write, after this read
            scanned.append(batch_id)
            # On the connection, as another counter's row: the refund's own copy stays as it read it.
            object_session(send).connection().execute(  # type: ignore[union-attr]
                update(Send).values(handover_batch_id=batch_id, version=Send.version + 1)
            )
        return send

    monkeypatch.setattr(payments, "_refundable", read_then_scanned)
    with pytest.raises(Refused) as refused:
        payments.refund(refunding, send_id, "wrong address")
    assert refused.value.code == "changed"
    assert refused.value.message(lang) == said.format(send=send_id, batch=handover_batch_number(batch_id))
    # Nothing refunded (the stand-in scan went with the refused transaction: not the courier's).
    assert in_batches(station) == [("accepted", None)] and events(station, "send_refunded") == []
