"""The header's printer words from the print worker: one printer failing while another prints, several
counted by state, a busy database that is no printer fault, and a printer not tried yet."""

from __future__ import annotations

from typing import Any

import pytest
from textual.message import Message
from textual.widgets import Static

from hardware.printers import DummyTransport, make_printer
from station_console.i18n import _, set_language
from station_console.services.core.station import Station
from station_console.settings import CounterSettings
from station_console.tui.app import StationApp
from station_console.tui.widgets.header import StationHeader, label, state_kind
from tui import quiet
from tui.conftest import sign_in_manager
from tui.print_worker_host import Host, host_with_a_dummy_printer, passes, printed, queue_parcels, wait_for
from tui.quiet import until


async def test_the_header_reads_a_printers_failure_while_another_prints(station: Station, clock: Any) -> None:
    """Two label printers: the one a reprint was sent to refuses it; labels keep printing on the other.
    Until the refusing printer's next try the header says it failed, not ready (a pass that sent it
    nothing says nothing of it), and once it prints, ready."""
    DummyTransport.forget_all()
    desk = make_printer({"language": "tspl", "transport": "dummy", "target": "desk"}, name="desk")
    big = make_printer({"language": "tspl", "transport": "dummy", "target": "big"}, name="big")
    DummyTransport.named("big").fail_next(1, "error")
    queue_parcels(station, 1, first=99, printer="big")
    seen: list[Message] = []
    app = Host(station, CounterSettings(counter="test-counter"), interval=0.05, printers=[desk, big])
    async with app.run_test(message_hook=seen.append) as pilot:
        await wait_for(pilot, seen, lambda m: m.state == "error")
        queue_parcels(station, 2)  # the desk prints them while the big one's label waits its turn
        await until(pilot, lambda: printed(seen) == 2, what="the desk's labels")
        done = len(passes(seen))
        await until(pilot, lambda: len(passes(seen)) >= done + 2, what="two more passes")
        assert app.device_states["printer"] == "1 error, 1 ready" and passes(seen)[-1].state == "error"
        assert state_kind(app.device_states["printer"]) == "fault"
        clock.advance(seconds=6)  # the big printer's label tried again: it prints
        await wait_for(pilot, seen, lambda m: m.state == "ready" and m.printed == 1)
        await quiet.settle(pilot)
        assert app.device_states["printer"] == "2 ready"
        assert state_kind(app.device_states["printer"]) == "fine"
    assert len(DummyTransport.named("big").sent) == 1 and len(DummyTransport.named("desk").sent) == 2


@pytest.mark.parametrize(
    ("lang", "none_printed", "one_printed"),
    [("en", "2 not tried yet", "1 not tried yet, 1 ready"), ("zh", "2 台尚未试打", "1 台尚未试打、1 台就绪")],
)
async def test_several_printers_read_how_many_are_in_each_state(
    station: Station, lang: str, none_printed: str, one_printed: str
) -> None:
    """Two printers, one of them printed: the header said 'ready', as if both were known to print. It
    counts them by state, the ones not known to work first (a narrow header cuts its end)."""
    set_language(lang)
    DummyTransport.forget_all()
    desk = make_printer({"language": "tspl", "transport": "dummy", "target": "desk"}, name="desk")
    big = make_printer({"language": "tspl", "transport": "dummy", "target": "big"}, name="big")
    seen: list[Message] = []
    app = Host(station, CounterSettings(counter="test-counter"), interval=3600, printers=[big, desk])
    async with app.run_test(message_hook=seen.append) as pilot:
        await wait_for(pilot, seen, lambda m: m.state == "untried")
        assert (app.device_states["printer"], state_kind(app.device_states["printer"])) == (
            none_printed,
            "unknown",
        )
        queue_parcels(station, 1, printer="desk")
        app.print_worker.kick()
        await wait_for(pilot, seen, lambda m: m.printed == 1)
        await quiet.settle(pilot)
        assert (app.device_states["printer"], state_kind(app.device_states["printer"])) == (
            one_printed,
            "unknown",
        )


async def test_a_busy_database_leaves_the_printer_as_it_was_and_its_labels_queued(station: Station) -> None:
    """Another program holds the database: the pass cannot claim its jobs. That is no printer fault:
    the header keeps what the last send found, no printer toast, and the label prints once it is let go."""
    import sqlite3

    station.busy_wait_s = 0.2
    app, seen = host_with_a_dummy_printer(station, "held")
    path = station.engine.url.database
    assert path is not None
    async with app.run_test(message_hook=seen.append) as pilot:
        queue_parcels(station, 1)
        app.print_worker.kick()
        await wait_for(pilot, seen, lambda m: m.printed == 1)
        assert app.device_states["printer"] == "ready"
        queue_parcels(station, 1, first=1)
        holder = sqlite3.connect(path, isolation_level=None)
        holder.execute("BEGIN EXCLUSIVE")
        try:
            done = len(passes(seen))
            app.print_worker.kick()
            await until(pilot, lambda: len(passes(seen)) > done, what="a pass at the busy database")
            assert passes(seen)[-1].state == "ready" and app.device_states["printer"] == "ready"
            assert [n.message for n in app._notifications] == []
            assert holder.execute("SELECT status FROM print_job ORDER BY id").fetchall() == [
                ("printed",),
                ("queued",),
            ]
        finally:
            holder.execute("ROLLBACK")
            holder.close()
        app.print_worker.kick()
        await until(pilot, lambda: printed(seen) == 2, what="the label held back, printed")
    assert len(DummyTransport.named("held").sent) == 2


@pytest.mark.parametrize(("lang", "first_job"), [("en", "ready"), ("zh", "offline")])
async def test_the_header_reads_a_printer_sent_nothing_yet_as_not_tried_then_as_its_first_job_found_it(
    station: Station, lang: str, first_job: str
) -> None:
    """A printer nothing was sent to since the start read "ready" in the header, in green, as one that
    prints: it reads as not tried yet, neutral, until its first job, then ready or the failure."""
    set_language(lang)
    DummyTransport.forget_all()
    sign_in_manager(station)
    printer = {"language": "zpl", "transport": "dummy", "target": "desk"}
    settings = CounterSettings(counter="test-counter", printer=printer)
    app = StationApp(station, settings, database_label="SQLite test")

    def printer_reads() -> tuple[str, str]:
        """The header's printer words, and the kind of state its colour says."""
        header = app.screen.query_one(StationHeader)
        status = header.query_one("#hdr-status", Static).render()
        printer = label(_("Printer"))
        start = str(status).index(printer) + len(printer)
        words = str(status)[start:].split("  ")[0]
        (style,) = {span.style for span in getattr(status, "spans", []) if span.start == start}
        kinds = {
            k: header.get_component_rich_style(f"station-header--{k}") for k in ("fine", "unknown", "fault")
        }
        return words, next(k for k, v in kinds.items() if v == style.rich_style)

    async with app.run_test(size=(200, 36)) as pilot:
        await until(pilot, lambda: getattr(app, "print_worker", None) is not None, what="the devices started")
        worker = app.print_worker
        await until(pilot, lambda: worker.state != "none", what="the first pass")
        await quiet.settle(pilot)
        assert printer_reads() == (_("not tried yet"), "unknown")
        if first_job == "offline":
            DummyTransport.named("desk").fail_next(1, "offline")
        queue_parcels(station, 1)
        app.kick_worker("print_worker")
        await until(pilot, lambda: worker.state == first_job, what="the first send")
        await quiet.settle(pilot)
        assert printer_reads() == ((_("ready"), "fine") if first_job == "ready" else (_("offline"), "fault"))


async def test_a_printer_set_up_wrong_stops_only_itself(station: Station) -> None:
    """A receipt printer whose resolution is wrong in counter.toml: the label printer still prints every
    label, the header counts the wrong one apart, and the toast names it, what is wrong and where to
    fix it (the whole counter read as one error, nothing printed)."""
    DummyTransport.forget_all()
    queue_parcels(station, 2)
    settings = CounterSettings(
        counter="test-counter",
        printer={"name": "desk", "language": "tspl", "transport": "dummy", "target": "desk"},
        printers={"roll": {"language": "escpos", "transport": "dummy", "target": "roll", "dpi": 600}},
    )
    seen: list[Message] = []
    app = Host(station, settings, interval=0.05)
    async with app.run_test(message_hook=seen.append) as pilot:
        await until(pilot, lambda: printed(seen) == 2, what="both labels on the good printer")
        await quiet.settle(pilot)
        assert app.device_states["printer"] == "1 set up wrong, 1 ready"
        assert state_kind(app.device_states["printer"]) == "fault"
        said = [n.message for n in app._notifications]
        assert said == [
            "Printer problem: Printer roll is misconfigured: Resolution (printers.roll.dpi) = 600: use 203 "
            "or 300. Fix it in Settings > Printers (F8). The jobs for it wait in the queue."
        ]
    assert len(DummyTransport.named("desk").sent) == 2 and DummyTransport.named("roll").sent == []


async def test_two_printers_named_alike_in_their_first_40_characters_are_counted_as_two(
    station: Station,
) -> None:
    """Two names no printer may have, said alike (cut at 40 characters): the header counts both, each
    kept under its whole name (one was lost under the other's cut name: "1 set up wrong")."""
    DummyTransport.forget_all()
    queue_parcels(station, 1)
    stem = "P" * 40
    settings = CounterSettings(
        counter="test-counter",
        printer={"name": "desk", "language": "tspl", "transport": "dummy", "target": "desk"},
        printers={
            f"{stem}-a": {"language": "tspl", "transport": "dummy"},
            f"{stem}-b": {"language": "tspl", "transport": "dummy"},
        },
    )
    seen: list[Message] = []
    app = Host(station, settings, interval=0.05)
    async with app.run_test(message_hook=seen.append) as pilot:
        await until(pilot, lambda: printed(seen) == 1, what="the label on the good printer")
        await quiet.settle(pilot)
        assert app.device_states["printer"] == "2 set up wrong, 1 ready"
