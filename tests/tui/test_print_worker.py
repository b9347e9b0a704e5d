"""The console's print worker: drains the queue in a thread, shows the printer state, loses nothing."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from sqlmodel import Session, select
from textual.message import Message

from db.models import PrintJob
from hardware.printers import DummyTransport, make_printer
from station_console.i18n import set_language
from station_console.services.core.station import Station
from station_console.services.printing import sending
from station_console.services.printing.order import REFUSED_AFTER
from station_console.services.printing.printers import CounterPrinters, counter_printers
from station_console.settings import CounterSettings
from station_console.stored_messages import stored_text
from station_console.tui import print_worker
from tui import quiet
from tui.print_worker_host import Host, host_with_a_dummy_printer, passes, printed, queue_parcels, wait_for
from tui.quiet import until


async def test_offline_printer_then_back_prints_everything_once(station: Station, clock: Any) -> None:
    DummyTransport.forget_all()
    queue_parcels(station, 3)
    settings = CounterSettings(
        counter="test-counter", printer={"language": "tspl", "transport": "dummy", "target": "desk"}
    )
    transport = DummyTransport.named("desk")
    transport.fail_next(10**6, "offline")  # until it is back
    seen: list[Message] = []
    app = Host(station, settings, interval=0.05)
    async with app.run_test(message_hook=seen.append) as pilot:
        offline = await wait_for(pilot, seen, lambda m: m.state == "offline")
        assert offline.printed == 0 and "desk" in (offline.error or "")
        assert app.device_states["printer"] == "offline"
        assert any("Print jobs wait in the queue" in n.message for n in app._notifications)
        # Once every job waits out its backoff, passes send nothing: they do not call the printer ready.
        done = len(passes(seen))
        await until(pilot, lambda: len(passes(seen)) >= done + 4, what="passes with nothing due")
        assert passes(seen)[-1].failed == 0 and app.device_states["printer"] == "offline"
        transport.fail_next(0)  # the printer is back
        clock.advance(seconds=120)  # past the failed jobs' backoff
        await wait_for(pilot, seen, lambda m: m.state == "ready" and m.printed > 0)
        await until(pilot, lambda: printed(seen) >= 3, what="every label printed")
        done = len(passes(seen))
        await until(pilot, lambda: len(passes(seen)) >= done + 2, what="two more passes")
        assert printed(seen) == 3  # the later passes found nothing left to print
    assert app.device_states["printer"] == "ready"
    with station.read() as session:
        assert {j.status for j in session.exec(select(PrintJob)).all()} == {"printed"}
    codes = sorted(s.split(b'"3",0,2,2,"')[1].split(b'"')[0] for s in transport.sent)
    assert codes == [b"2-1-1000", b"2-1-1001", b"2-1-1002"]


async def test_no_printer_configured_says_none(station: Station) -> None:
    queue_parcels(station, 1)
    app = Host(station, CounterSettings(counter="test-counter"))
    async with app.run_test() as pilot:
        await quiet.settle(pilot)
        assert app.device_states["printer"] == "none" and app.print_worker.worker is None
    with station.read() as session:
        assert session.exec(select(PrintJob.status)).all() == ["queued"]  # kept for when one is set up


async def test_kick_prints_a_new_label_without_waiting_for_the_timer(station: Station) -> None:
    app, seen = host_with_a_dummy_printer(station, "fast")
    async with app.run_test(message_hook=seen.append) as pilot:
        await wait_for(pilot, seen, lambda m: True)  # the first pass at start: nothing queued
        queue_parcels(station, 1)
        app.print_worker.kick()
        await wait_for(pilot, seen, lambda m: m.printed == 1)
    assert len(DummyTransport.named("fast").sent) == 1


async def test_labels_print_after_a_restart_right_behind_a_kick(station: Station) -> None:
    """The printers' save stops and starts the worker; a check-in's kick just before it must not leave
    every later label unprinted until the console restarts."""
    app, seen = host_with_a_dummy_printer(station, "saved")
    async with app.run_test(message_hook=seen.append) as pilot:
        await wait_for(pilot, seen, lambda m: True)  # the first pass at start: nothing queued
        queue_parcels(station, 1)
        worker = app.print_worker
        worker.kick()  # the check-in's label...
        worker.stop()  # ...and the save, before that pass's thread began
        worker.start()
        queue_parcels(station, 1, first=1)
        worker.kick()
        await until(pilot, lambda: printed(seen) == 2, what="both labels printed")
    assert len(DummyTransport.named("saved").sent) == 2


async def test_a_label_a_crash_left_mid_send_is_told_to_the_clerk_once(station: Station, clock: Any) -> None:
    """The console stopped (a power cut, a kill) while a label was going to the printer: at the next
    start the job is marked interrupted and the clerk is told to check it and where to reprint it."""
    queue_parcels(station, 2)

    def mid_send(session: Session) -> None:
        job = session.exec(select(PrintJob).where(PrintJob.id == 1)).one()
        job.status, job.updated_at = "sending", station.now()
        session.add(job)

    station.run(mid_send)
    clock.advance(seconds=sending.STALE_SENDING.total_seconds() + 1)
    app, seen = host_with_a_dummy_printer(station, "after-crash")
    async with app.run_test(message_hook=seen.append) as pilot:
        await wait_for(pilot, seen, lambda m: m.printed == 1)
        await quiet.settle(pilot)
        toasts = [n.message for n in app._notifications]
        assert len(toasts) == 1 and "1 print job was being sent when the console stopped" in toasts[0], toasts
        assert "check whether it printed" in toasts[0] and "Print queue (F10)" in toasts[0]
        app.print_worker.kick()  # a later pass finds nothing new: nothing more is said
        done = len(passes(seen))
        await until(pilot, lambda: len(passes(seen)) > done, what="another pass")
        await quiet.settle(pilot)
        assert len(app._notifications) == 1
    with station.read() as session:
        statuses = dict(session.exec(select(PrintJob.id, PrintJob.status)).all())
    assert statuses == {1: "interrupted", 2: "printed"}


async def test_printers_saved_twice_print_on_the_last_saved_whatever_setup_answers_last(
    station: Station, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Two saves in a row: the first save's setup, held up building its printers, answers after the
    second's; the printer saved last is the one that prints."""
    DummyTransport.forget_all()
    built: list[CounterSettings] = []
    first_goes_on = threading.Event()

    def configured(settings: CounterSettings) -> CounterPrinters:
        built.append(settings)
        if len(built) == 1:
            assert first_goes_on.wait(quiet.TIMEOUT)
        return counter_printers(settings)

    monkeypatch.setattr(print_worker, "counter_printers", configured)
    seen: list[Message] = []

    def at(target: str) -> CounterSettings:
        return CounterSettings(
            counter="test-counter", printer={"language": "zpl", "transport": "dummy", "target": target}
        )

    app = Host(station, at("before"), interval=3600)
    async with app.run_test(message_hook=seen.append) as pilot:
        await until(pilot, lambda: len(built) == 1, what="the first setup building its printers")
        app.counter_settings = at("saved")  # saved again, as Settings > Printers does it
        worker = app.print_worker
        worker.stop()
        worker.printers = None
        worker.start()
        await wait_for(pilot, seen, lambda m: True)  # the second setup's printers made their first pass
        first_goes_on.set()
        await quiet.settle(pilot)
        queue_parcels(station, 1)
        worker.kick()
        await until(pilot, lambda: printed(seen) == 1, what="the label printed")
    assert len(DummyTransport.named("saved").sent) == 1 and DummyTransport.named("before").sent == []


async def test_a_pass_over_the_printers_before_a_save_tells_nothing_of_the_saved_ones(
    station: Station, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The manager fixes an offline printer's target and saves while a pass still sends to the old one:
    that pass, answering after the save, does not put "offline" and its toast back over the printer
    just saved, which has had nothing sent to it yet."""
    DummyTransport.forget_all()
    DummyTransport.named("old").fail_next(10**6, "offline")
    before = make_printer({"language": "zpl", "transport": "dummy", "target": "old"}, name="default")
    saved = CounterSettings(
        counter="test-counter", printer={"language": "zpl", "transport": "dummy", "target": "new"}
    )
    held, goes_on = threading.Event(), threading.Event()
    real = print_worker.process_queue

    def first_pass_held(*args: Any, **kwargs: Any) -> Any:
        result = real(*args, **kwargs)
        if not held.is_set():
            held.set()
            assert goes_on.wait(quiet.TIMEOUT)  # sent to the old printer; its answer not posted yet
        return result

    monkeypatch.setattr(print_worker, "process_queue", first_pass_held)
    queue_parcels(station, 1)
    seen: list[Message] = []
    app = Host(station, saved, interval=3600, printers=[before])
    async with app.run_test(message_hook=seen.append) as pilot:
        await until(pilot, held.is_set, what="the pass sending to the old printer")
        worker = app.print_worker
        worker.stop()  # the save, as Settings > Printers does it
        worker.printers = None
        worker.start()
        await until(pilot, lambda: worker.printers is not None, what="the saved printers built")
        goes_on.set()
        await until(pilot, lambda: len(passes(seen)) == 2, what="the old pass and the one it was asked for")
        await quiet.settle(pilot)
        assert (worker.state, app.device_states["printer"]) == ("untried", "not tried yet")
        assert not any("Printer problem" in n.message for n in app._notifications)
    assert DummyTransport.named("new").sent == []  # the label waits out its backoff: nothing new was tried


async def test_a_printer_that_is_off_is_told_in_chinese(station: Station, tmp_path: Any) -> None:
    """The toast a clerk working in Chinese reads when the label printer's folder is gone: all Chinese
    but the printer's name and its folder, with what to check."""
    set_language("zh")
    queue_parcels(station, 1)
    folder = f"{tmp_path}/labels/"
    settings = CounterSettings(
        counter="test-counter", printer={"language": "tspl", "transport": "file", "target": folder}
    )
    seen: list[Message] = []
    app = Host(station, settings, interval=3600)
    async with app.run_test(message_hook=seen.append) as pilot:
        offline = await wait_for(pilot, seen, lambda m: m.state == "offline")
        why = f"找不到文件夹 {folder}：检查其所在磁盘或网络共享是否已连接"
        assert offline.error == f"default：{why}"
        assert app.device_states["printer"] == "offline"  # the header translates the state
        toasts = [n.message for n in app._notifications]
        assert toasts == [f"打印机故障：default：{why}。打印任务在队列中等待。"]
    with station.read() as session:
        (job,) = session.exec(select(PrintJob)).all()
    assert job.status == "failed" and stored_text(job.last_error, "en").startswith(
        f"Folder {folder} not found"
    )


async def test_a_label_set_aside_leaves_the_printer_ready_and_tells_the_clerk_where_to_see_it(
    station: Station, clock: Any
) -> None:
    """The printer refuses the first label three times (a wrong sticker for it, say) and prints the next:
    the header says the printer is ready, and the clerk is told where the refused label waits."""
    DummyTransport.forget_all()
    queue_parcels(station, 2)
    printer = make_printer({"language": "tspl", "transport": "dummy", "target": "picky"}, name="default")
    picky = DummyTransport.named("picky")
    seen: list[Message] = []
    app = Host(station, CounterSettings(counter="test-counter"), interval=0.05, printers=[printer])

    def attempts() -> int:
        with station.read() as session:
            return min(j.attempts for j in session.exec(select(PrintJob)).all() if j.id == 1)

    picky.fail_next(1, "error")  # before the console starts: its first pass may come at once
    async with app.run_test(message_hook=seen.append) as pilot:
        for n in range(1, REFUSED_AFTER + 1):
            if n > 1:
                picky.fail_next(1, "error")  # the first label's next try only

            def refused(n: int = n) -> bool:
                return attempts() == n

            await until(pilot, refused, what=f"refusal {n}")
            if n == 1:  # at the first refusal nobody could know whose it was
                await quiet.settle(pilot)
                assert [n.message for n in app._notifications][0].startswith("Printer problem")
            if n < REFUSED_AFTER:  # after the last, its wait holds it until the refusal below is set up
                clock.advance(seconds=61)
        aside = await wait_for(pilot, seen, lambda m: m.set_aside == 1)
        assert aside.state == "ready" and aside.printed == 1 and aside.error is None
        await quiet.settle(pilot)
        assert app.device_states["printer"] == "ready"
        toasts = [n.message for n in app._notifications]
        # The printer printed past the refusal: the problem is over, and the refused label is told of.
        assert len(toasts) == 1 and "refused 1 print job and printed the ones after it" in toasts[0], toasts
        # Retried alone on its own wait and refused again: the printer still reads ready, nothing new is said.
        picky.fail_next(1, "error")
        clock.advance(seconds=61)
        await until(pilot, lambda: attempts() == REFUSED_AFTER + 1, what="the set-aside label tried again")
        done = len(passes(seen))
        await until(pilot, lambda: len(passes(seen)) >= done + 2, what="two more passes")
        assert app.device_states["printer"] == "ready" and len(app._notifications) == len(toasts)
    assert len(picky.sent) == 1


async def test_a_refusal_the_printer_then_prints_past_is_not_left_up_as_if_current(
    station: Station, clock: Any
) -> None:
    """Out of paper for one label, then the paper is in: the labels print, the header reads ready and
    the toast about the refusal is gone, though its time was not up (it said labels wait: none does)."""
    DummyTransport.forget_all()
    queue_parcels(station, 2)
    printer = make_printer({"language": "tspl", "transport": "dummy", "target": "paper"}, name="default")
    paper = DummyTransport.named("paper")
    paper.fail_next(1, "error")
    seen: list[Message] = []
    app = Host(station, CounterSettings(counter="test-counter"), interval=0.05, printers=[printer])
    async with app.run_test(message_hook=seen.append) as pilot:
        await wait_for(pilot, seen, lambda m: m.state == "error")
        await quiet.settle(pilot)
        assert app.device_states["printer"] == "error"
        assert [n.message for n in app._notifications][0].startswith("Printer problem: default: ")
        clock.advance(seconds=6)  # past the refused label's wait
        done = await wait_for(pilot, seen, lambda m: m.printed == 2)
        await quiet.settle(pilot)
        assert done.state == "ready" and done.error is None and app.device_states["printer"] == "ready"
        assert [n.message for n in app._notifications] == []
    assert len(paper.sent) == 2
