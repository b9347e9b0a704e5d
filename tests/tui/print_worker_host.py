"""A console of just what the print worker needs, labels queued for it, and its passes as it posts them."""

from __future__ import annotations

from typing import Any

from sqlmodel import Session, select
from textual.app import App, ComposeResult
from textual.message import Message
from textual.widgets import Static

from db.models import Carrier, Parcel
from hardware.printers import DummyTransport, make_printer
from station_console.services.core.station import Station
from station_console.services.printing import jobs as printing
from station_console.settings import CounterSettings
from station_console.tui.print_worker import PrintWorker
from tui import quiet
from tui.quiet import until


class Host(App[None]):
    """Just what PrintWorker needs from the console: station, counter settings, device states."""

    def __init__(self, station: Station, settings: CounterSettings, **worker: Any) -> None:
        super().__init__()
        self.station, self.counter_settings = station, settings
        self.device_states: dict[str, str] = {"printer": "none"}
        self.worker_options = worker

    def compose(self) -> ComposeResult:
        yield Static("host")

    def set_device_state(self, device: str, state: str) -> None:
        self.device_states[device] = state

    def on_mount(self) -> None:
        self.print_worker = PrintWorker(self, **self.worker_options)
        self.print_worker.start()

    def on_unmount(self) -> None:
        self.print_worker.stop()


def queue_parcels(station: Station, n: int, *, first: int = 0, printer: str | None = None) -> None:
    """`n` parcels checked in, numbered from `first`, their labels queued (for `printer`, if named)."""

    def work(session: Session) -> None:
        carrier = session.exec(select(Carrier).where(Carrier.code == "SF")).one()
        assert carrier.id is not None
        for i in range(first, first + n):
            parcel = Parcel(
                waybill=f"SF12345678901{i:02d}",
                carrier_id=carrier.id,
                pickup_code=f"2-1-10{i:02d}",
                checked_in_at=station.now(),
                business_day=station.business_day(session=session),
            )
            session.add(parcel)
            printing.queue_label(session, station, parcel, printer=printer)

    station.run(work)


def passes(seen: list[Message]) -> list[PrintWorker.Drained]:
    """Each pass once (the hook sees a message at each node that handles it)."""
    return list({id(m): m for m in seen if isinstance(m, PrintWorker.Drained)}.values())


def printed(seen: list[Message]) -> int:
    return sum(m.printed for m in passes(seen))


async def wait_for(
    pilot: Any, seen: list[Message], predicate: Any, timeout: float = quiet.TIMEOUT
) -> PrintWorker.Drained:
    def found() -> PrintWorker.Drained | None:
        return next((m for m in seen if isinstance(m, PrintWorker.Drained) and predicate(m)), None)

    await until(pilot, lambda: found() is not None, what="a pass", timeout=timeout)
    drained = found()
    assert drained is not None
    return drained


def host_with_a_dummy_printer(station: Station, target: str) -> tuple[Host, list[Message]]:
    """A console whose one printer records what it is sent (under `target`), its passes only kicked;
    the messages it posts are listed."""
    DummyTransport.forget_all()
    printer = make_printer({"language": "zpl", "transport": "dummy", "target": target}, name="default")
    return Host(station, CounterSettings(counter="test-counter"), interval=3600, printers=[printer]), []
