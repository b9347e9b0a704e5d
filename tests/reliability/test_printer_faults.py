"""A printer that fails, hangs or dies half-way: check-in goes on, jobs are kept, each label prints once."""

from __future__ import annotations

import time
from typing import Any

from hardware.printers.factory import make_printer
from hardware.printers.transports import DummyTransport, PrinterError
from station_console.services.checkin.transaction import check_in
from station_console.services.core.station import Station
from station_console.services.printing import queue_view, sending


class FaultyTransport(DummyTransport):
    """A Dummy that can hang (then time out) or take part of a label and die."""

    mode: str = "ok"

    def send(self, data: bytes) -> None:
        if self.mode == "hang":
            time.sleep(0.2)  # what a TCP printer does before its socket timeout fires
            raise PrinterError("timeout", "printer did not answer in time")
        if self.mode == "half":
            self.sent.append(bytes(data[: len(data) // 2]))  # half a label went out, then the cable
            self.mode = "down"
            raise PrinterError("offline", "connection lost mid-label")
        if self.mode == "down":
            raise PrinterError("offline", "printer is off")
        super().send(data)


def _printer() -> tuple[Any, FaultyTransport]:
    printer = make_printer({"language": "tspl", "transport": "dummy", "target": "faulty"}, name="default")
    transport = FaultyTransport("faulty")
    printer.transport = transport
    return printer, transport


def _codes_printed(transport: FaultyTransport, codes: list[str]) -> dict[str, int]:
    whole = [s for s in transport.sent if s.rstrip().endswith(b"PRINT 1,1") or b"PRINT" in s[-20:]]
    return {c: sum(f'"{c}"'.encode() in s for s in whole) for c in codes}


def test_fail_hang_and_half_way_then_recovery_prints_each_label_once(station: Station, clock: Any) -> None:
    station.counter = "test-counter"
    printer, transport = _printer()
    done = [check_in(station, f"JT{n:013d}", size="S") for n in range(2)]
    sending.process_queue(station, printer)  # healthy: these two print
    for mode in ("down", "hang", "half"):
        transport.mode = mode
        done.append(
            check_in(station, f"JT{len(done):013d}", size="S")
        )  # check-in never waits for the printer
        result = sending.process_queue(station, printer)
        assert result.printed == [] and result.failed
        clock.advance(seconds=61)
    transport.mode = "ok"
    for _ in range(4):
        clock.advance(seconds=61)
        sending.process_queue(station, printer)
    jobs = queue_view.list_jobs(station)
    codes = [r.pickup_code for r in done]
    assert _codes_printed(transport, codes) == dict.fromkeys(codes, 1)
    assert len(jobs) >= len(done) and all(j.status == "printed" for j in jobs if j.kind == "label")
