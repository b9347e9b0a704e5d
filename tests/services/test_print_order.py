"""After an outage a counter's labels come out oldest first; a job the printer refuses does not hold
the rest for ever. Clerks stick labels on parcels in the order they come out."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest
from test_printing import add_parcel, dummy_printer, jobs

from db.models import PrintJob
from hardware.printers import DummyTransport, make_printer
from hardware.printers.transports import PrinterError
from station_console.errors import Refused
from station_console.i18n import N_
from station_console.services.core.station import Station
from station_console.services.printing import queue_view, sending
from station_console.services.printing.order import REFUSALS_IN_A_ROW, REFUSED_AFTER
from station_console.services.printing.printers import unassigned_kinds

CODES = [f"1-1-10{n:02d}".encode() for n in range(12)]


def order_sent(transport: DummyTransport) -> list[bytes]:
    return [next(code for code in CODES if code in sent) for sent in transport.sent]


@dataclass
class RefusesOne(DummyTransport):
    """A printer that takes every job but the one carrying `refused` (its bytes, not the printer)."""

    refused: bytes = b""

    def send(self, data: bytes) -> None:
        if self.refused in data:
            raise PrinterError(
                "error", N_("Dummy printer {name} failed ({code})"), name=self.name, code="error"
            )
        super().send(data)


def test_after_an_outage_the_queue_prints_oldest_first(station: Station, clock: Any) -> None:
    printer = dummy_printer()
    transport = printer.transport
    transport.fail_next(1000, "offline")
    # A pass a second, as the console's worker makes them. Two parcels are checked in as the printer
    # goes away, two more 30 s into the outage (their backoffs are shorter), and it is back at 40 s.
    for second in range(120):
        if second in (0, 30):
            for n in (second // 15, second // 15 + 1):
                add_parcel(station, f"SF12345678901{n:02d}", CODES[n].decode())
        if second == 40:
            transport.fail_next(0)
        sending.process_queue(station, printer)
        clock.advance(seconds=1)
    assert order_sent(transport) == CODES[:4]
    assert [j.status for j in jobs(station)] == ["printed"] * 4


def test_the_oldest_jobs_wait_holds_the_jobs_queued_behind_it(station: Station, clock: Any) -> None:
    add_parcel(station, "SF1234567890100", CODES[0].decode())
    printer = dummy_printer()
    printer.transport.fail_next(1, "timeout")
    assert sending.process_queue(station, printer).printer_state == "timeout"
    add_parcel(station, "SF1234567890101", CODES[1].decode())  # checked in while the printer rests
    assert sending.claim(station, printer) == []  # the oldest waits 5 s: so does the new one
    clock.advance(seconds=5)
    assert sending.process_queue(station, printer).printed == [j.id for j in jobs(station)]
    assert order_sent(printer.transport) == CODES[:2]


def test_a_job_the_printer_refuses_steps_aside_and_the_rest_print(station: Station, clock: Any) -> None:
    for n in range(3):
        add_parcel(station, f"SF12345678901{n:02d}", CODES[n].decode())
    printer = dummy_printer()
    printer.transport = transport = RefusesOne("refuses", refused=CODES[0])
    refused_job = jobs(station)[0]
    for _ in range(REFUSED_AFTER - 1):  # refused: the queue waits, as for a printer that is away
        assert sending.process_queue(station, printer).failed == [refused_job.id]
        clock.advance(seconds=61)
    assert transport.sent == []
    # Refused once more: the next job is tried, prints, and the rest follow.
    result = sending.process_queue(station, printer)
    assert result.failed == [refused_job.id] and order_sent(transport) == CODES[1:3]
    # Set aside: a label queued now does not wait for the refused job's backoff.
    add_parcel(station, "SF1234567890103", CODES[3].decode())
    assert sending.process_queue(station, printer).printed == [jobs(station)[3].id]
    # When its wait is over it is tried again, and still does not stop the others.
    add_parcel(station, "SF1234567890104", CODES[4].decode())
    clock.advance(seconds=61)
    again = sending.process_queue(station, printer)
    assert again.failed == [refused_job.id] and again.printed == [jobs(station)[4].id]
    assert order_sent(transport) == [CODES[1], CODES[2], CODES[3], CODES[4]]
    assert jobs(station)[0].status == "failed" and jobs(station)[0].attempts == REFUSED_AFTER + 1


@dataclass
class RefusesSome(DummyTransport):
    """A printer that takes every job but those carrying one of `refused`."""

    refused: tuple[bytes, ...] = ()

    def send(self, data: bytes) -> None:
        if any(code in data for code in self.refused):
            raise PrinterError(
                "error", N_("Dummy printer {name} failed ({code})"), name=self.name, code="error"
            )
        super().send(data)


def test_two_refused_labels_in_a_row_step_aside_together_and_the_rest_print(
    station: Station, clock: Any
) -> None:
    """Two labels with the same bad data, one after the other: the printer is fine, and the labels
    behind them print once both have been refused often enough to be theirs."""
    for n in range(4):
        add_parcel(station, f"SF12345678901{n:02d}", CODES[n].decode())
    printer = dummy_printer()
    printer.transport = transport = RefusesSome("refuses", refused=(CODES[0], CODES[1]))
    first, second, *rest = (j.id for j in jobs(station))
    for _ in range(3 * REFUSED_AFTER):
        result = sending.process_queue(station, printer)
        if result.printed:
            break
        clock.advance(seconds=61)
    assert result.printed == rest and result.failed == [first, second]
    assert result.set_aside == [first, second] and result.printer_state == "ready"
    assert queue_view.set_aside_jobs(station) == {first, second}
    assert order_sent(transport) == CODES[2:4]
    # A label checked in now prints at once, though both refused jobs are due again with it.
    add_parcel(station, "SF1234567890104", CODES[4].decode())
    clock.advance(seconds=61)
    again = sending.process_queue(station, printer)
    assert again.failed == [first, second] and again.printed == [jobs(station)[4].id]


def test_a_printer_that_refuses_every_job_stops_each_pass_after_a_run_of_refusals(
    station: Station, clock: Any
) -> None:
    """Not an outage the transport can name, and not the labels either: each pass sends a bounded run
    and stops; nothing is set aside (nothing printed behind anything) and the queue keeps its order."""
    count = REFUSALS_IN_A_ROW + 3
    for n in range(count):
        add_parcel(station, f"SF12345678901{n:02d}", CODES[n].decode())
    printer = dummy_printer()
    printer.transport = RefusesSome("refuses", refused=tuple(CODES[:count]))
    for _ in range(6 * REFUSED_AFTER):
        result = sending.process_queue(station, printer)
        assert len(result.failed) <= REFUSALS_IN_A_ROW and result.printed == []
        assert result.printer_state == "error" and result.set_aside == []
        clock.advance(seconds=61)
    assert len(result.failed) == REFUSALS_IN_A_ROW  # every run now: the jobs have been refused enough
    assert queue_view.set_aside_jobs(station) == set()
    printer.transport = RefusesSome("fixed")  # the printer fixed: everything prints, oldest first
    clock.advance(seconds=61)
    assert sending.process_queue(station, printer).printed == [j.id for j in jobs(station)]


def test_set_aside_labels_refused_again_do_not_stop_the_pass(station: Station, clock: Any) -> None:
    """A run's worth of set-aside labels come due together and are refused again, as they will be till
    the clerk acts: that says nothing of the printer (it printed since), so a label behind them still
    prints in the same pass."""
    for n in range(2 * REFUSALS_IN_A_ROW):  # each bad label followed by a good one
        add_parcel(station, f"SF12345678901{n:02d}", CODES[n].decode())
    printer = dummy_printer()
    printer.transport = RefusesSome("refuses", refused=tuple(CODES[: 2 * REFUSALS_IN_A_ROW : 2]))
    bad = [j.id for j in jobs(station)[::2]]
    for _ in range(10 * REFUSED_AFTER):
        sending.process_queue(station, printer)
        if queue_view.set_aside_jobs(station) == set(bad):
            break
        clock.advance(seconds=61)
    assert queue_view.set_aside_jobs(station) == set(bad)
    new = 2 * REFUSALS_IN_A_ROW
    add_parcel(station, f"SF12345678901{new:02d}", CODES[new].decode())
    clock.advance(seconds=61)  # every set-aside label due again, with the new one behind them
    again = sending.process_queue(station, printer)
    assert again.failed == bad and again.printed == [jobs(station)[new].id]
    assert again.printer_state == "ready"


def first_of_two_set_aside(station: Station, clock: Any) -> tuple[Any, RefusesOne]:
    """Two labels; the printer refuses the first `REFUSED_AFTER` times and prints the second."""
    for n in range(2):
        add_parcel(station, f"SF12345678901{n:02d}", CODES[n].decode())
    printer = dummy_printer()
    printer.transport = transport = RefusesOne("refuses", refused=CODES[0])
    for _ in range(REFUSED_AFTER):
        sending.process_queue(station, printer)
        clock.advance(seconds=61)
    return printer, transport


def test_a_printer_gone_while_a_refused_job_is_set_aside_holds_the_rest(station: Station, clock: Any) -> None:
    printer, transport = first_of_two_set_aside(station, clock)
    assert order_sent(transport) == [CODES[1]]
    add_parcel(station, "SF1234567890102", CODES[2].decode())
    add_parcel(station, "SF1234567890103", CODES[3].decode())
    transport.fail_next(1, "offline")  # the printer goes away
    gone = sending.process_queue(station, printer)
    # The refused job, then the next one finds the printer gone: the pass stops, the last one waits.
    ids = [j.id for j in jobs(station)]
    assert gone.printer_state == "offline" and gone.failed == [ids[0], ids[2]] and gone.printed == []
    assert jobs(station)[3].status == "queued"
    clock.advance(seconds=61)
    sending.process_queue(station, printer)
    assert order_sent(transport) == [CODES[1], CODES[2], CODES[3]]


def test_a_printer_that_printed_past_a_refused_job_reads_ready_and_the_job_is_set_aside(
    station: Station, clock: Any
) -> None:
    for n in range(2):
        add_parcel(station, f"SF12345678901{n:02d}", CODES[n].decode())
    printer = dummy_printer()
    printer.transport = RefusesOne("refuses", refused=CODES[0])
    refused_job, next_job = (j.id for j in jobs(station))
    assert refused_job is not None and next_job is not None
    for _ in range(REFUSED_AFTER - 1):
        assert sending.process_queue(station, printer).printer_state == "error"  # not known yet
        assert queue_view.set_aside_jobs(station) == set()
        clock.advance(seconds=61)
    result = sending.process_queue(station, printer)
    assert result.printed == [next_job] and result.failed == [refused_job]
    assert result.printer_state == "ready" and result.error is None  # it just printed
    assert result.set_aside == [refused_job]
    assert queue_view.set_aside_jobs(station) == {refused_job}
    # Retried alone on its own wait and refused again: nothing new about the printer, nothing new aside.
    clock.advance(seconds=61)
    again = sending.process_queue(station, printer)
    assert again.failed == [refused_job] and again.printer_state == "untried" and again.set_aside == []
    assert queue_view.set_aside_jobs(station) == {refused_job}
    # Cancelled by the clerk: off the queue, no longer needing anyone.
    queue_view.cancel_job(station, refused_job)
    assert queue_view.set_aside_jobs(station) == set() and jobs(station)[0].status == "discarded"
    with pytest.raises(Refused) as refused:
        queue_view.cancel_job(station, next_job)  # printed: nothing to cancel
    # The status as the queue lists it, in the clerk's language, not the stored word.
    assert refused.value.message("en") == f"Print job {next_job} is printed: nothing to cancel"
    assert refused.value.message("zh") == f"打印任务 {next_job} 状态为“已打印”，无法取消"
    with pytest.raises(Refused) as refused:
        queue_view.retry_job(station, next_job)
    assert refused.value.message("zh") == f"打印任务 {next_job} 状态为“已打印”，无需重试"


def test_a_set_aside_job_retried_by_the_clerk_prints_once_the_cause_is_gone(
    station: Station, clock: Any
) -> None:
    printer, transport = first_of_two_set_aside(station, clock)
    refused_job = jobs(station)[0].id
    assert refused_job is not None
    assert queue_view.set_aside_jobs(station) == {refused_job}
    transport.refused = b"nothing refused now"  # the clerk put the right stickers in
    queue_view.retry_job(station, refused_job)
    assert sending.process_queue(station, printer).printed == [refused_job]  # now, not after its wait
    assert queue_view.set_aside_jobs(station) == set()
    assert order_sent(transport) == [CODES[1], CODES[0]]


def test_jobs_for_no_printer_in_particular_go_to_the_first_printer_of_their_kind(station: Station) -> None:
    """Two label printers and a receipt printer at one counter: each kind of job queued for no printer
    goes to one printer, whichever is served first; a job named for a printer goes to it."""
    DummyTransport.forget_all()
    receipts = make_printer(
        {"language": "escpos", "transport": "dummy", "target": "r", "jobs": ["receipt"]}, name="receipts"
    )
    desk = make_printer({"language": "tspl", "transport": "dummy", "target": "d"}, name="desk")
    big = make_printer(
        {"language": "tspl", "transport": "dummy", "target": "b", "size": "100x150"}, name="big"
    )
    takes = unassigned_kinds([receipts, desk, big])
    assert takes["receipts"] == {"receipt"} and takes["desk"] >= {"label", "test"} and takes["big"] == set()
    for n in range(2):
        add_parcel(station, f"SF12345678901{n:02d}", CODES[n].decode())
    assert sending.process_queue(station, big, unassigned=takes["big"]).printed == []
    assert sending.process_queue(station, desk, unassigned=takes["desk"]).printed == [
        j.id for j in jobs(station)
    ]
    assert order_sent(desk.transport) == CODES[:2] and [j.printer for j in jobs(station)] == ["desk", "desk"]
    named = queue_view.reprint(station, jobs(station)[0].parcel_id or 0, printer="big")
    assert sending.process_queue(station, desk, unassigned=takes["desk"]).printed == []
    assert sending.process_queue(station, big, unassigned=takes["big"]).printed == [named.id]


def test_the_printer_reads_ready_when_it_printed_past_a_refused_job_and_one_that_cannot_be_drawn(
    station: Station, clock: Any
) -> None:
    """Refused, then a job that cannot be drawn (never sent: nothing of the printer), then a label that
    prints: the printer's last send worked, so it reads ready, and the refused job is set aside."""
    add_parcel(station, "SF1234567890100", CODES[0].decode())
    station.run(
        lambda s: s.add(
            PrintJob(
                kind="label", counter=station.counter, payload={"flow": "gone"}, created_at=station.now()
            )
        )
    )
    add_parcel(station, "SF1234567890102", CODES[2].decode())
    refused_job, undrawable, last = (j.id for j in jobs(station))
    printer = dummy_printer()
    printer.transport = transport = RefusesOne("refuses", refused=CODES[0])
    for _ in range(REFUSED_AFTER - 1):
        sending.process_queue(station, printer)
        clock.advance(seconds=61)
    result = sending.process_queue(station, printer)
    assert result.failed == [refused_job, undrawable] and result.printed == [last]
    assert result.printer_state == "ready" and result.error is None
    assert result.set_aside == [refused_job] and order_sent(transport) == [CODES[2]]


def test_a_set_aside_job_the_clerk_retries_and_the_printer_refuses_again_says_nothing_of_it(
    station: Station, clock: Any
) -> None:
    """The clerk retries a set-aside label before its cause is fixed: it is refused again, as before
    the retry, and the printer, which printed since, is not called failing for it; a label behind it
    in the same pass prints, and nothing is set aside anew."""
    printer, transport = first_of_two_set_aside(station, clock)
    refused_job = jobs(station)[0].id
    assert refused_job is not None
    queue_view.retry_job(station, refused_job)
    again = sending.process_queue(station, printer)
    assert again.failed == [refused_job] and again.printer_state == "untried" and again.error is None
    assert queue_view.set_aside_jobs(station) == {refused_job}
    add_parcel(station, "SF1234567890102", CODES[2].decode())
    queue_view.retry_job(station, refused_job)
    both = sending.process_queue(station, printer)
    assert both.failed == [refused_job] and both.printed == [jobs(station)[2].id]
    assert both.printer_state == "ready" and both.set_aside == []
    assert order_sent(transport) == [CODES[1], CODES[2]]


def test_a_refusal_that_passes_keeps_the_labels_in_order(station: Station, clock: Any) -> None:
    """The printer refuses a label once ("error": a paused queue, a USB reset, a label it did not
    like: no printer says which) and takes it on the next try: the label behind it waited, and they
    come out in check-in order. Were a refused label set aside at once, the one behind would be first."""
    for n in range(2):
        add_parcel(station, f"SF12345678901{n:02d}", CODES[n].decode())
    printer = dummy_printer()
    printer.transport.fail_next(1, "error")
    first = sending.process_queue(station, printer)
    assert first.failed == [jobs(station)[0].id] and first.printed == [] and first.printer_state == "error"
    clock.advance(seconds=5)
    assert sending.process_queue(station, printer).printed == [j.id for j in jobs(station)]
    assert order_sent(printer.transport) == CODES[:2]
