"""The outbox screen (masked recipients, failed first, resend key) and the console's notify worker."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from textual.app import App, ComposeResult
from textual.widgets import DataTable, Static

from db.models import Notification
from station_console.errors import DatabaseUnavailable
from station_console.i18n import translate
from station_console.services import notify
from station_console.services.checkin.transaction import check_in
from station_console.services.core.station import Station
from station_console.services.notify.channels import ChannelError, DummyChannel, FileChannel
from station_console.services.notify.templates import KIND_LABELS, SUBJECT
from station_console.tui.app import StationApp
from station_console.tui.notify_worker import NotifyWorker
from station_console.tui.screens.calls import STILL_WRITING, ServiceCalls
from station_console.tui.screens.checkin import CheckinScreen
from station_console.tui.screens.outbox import OutboxScreen
from tui import quiet
from tui.quiet import TIMEOUT


def two_messages(station: Station, clock: Any) -> None:
    check_in(station, "73" + "1" * 12, batch="ZTO", phone="13812345678")
    check_in(station, "73" + "2" * 12, batch="ZTO", phone="13987654321")
    clock.advance(seconds=121)
    channel = DummyChannel()
    channel.fail_with = [ChannelError("HTTP 400 number barred", permanent=True)]
    notify.run_once(station, channel)  # first fails for good, second goes out


async def test_outbox_lists_failed_first_masked_and_resends(
    app: StationApp, station: Station, clock: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    two_messages(station, clock)
    monkeypatch.setattr(NotifyWorker, "INTERVAL", 3600.0)  # only the resend's kick sends them in the wait
    async with app.run_test(size=(160, 40)) as pilot:
        await app.push_screen(OutboxScreen())
        await quiet.settle(pilot)
        table: DataTable[str] = app.screen.query_one(DataTable)
        first = [str(c) for c in table.get_row_at(0)]
        assert first[1] == "failed" and first[4] == "138****5678" and "number barred" in first[7]
        cells = " ".join(str(c) for r in range(table.row_count) for c in table.get_row_at(r))
        assert "13812345678" not in cells and "13987654321" not in cells and "139****4321" in cells
        await quiet.press(
            pilot, "r"
        )  # queued again, and the console's worker is kicked: the file channel sends it

        def statuses() -> list[str]:
            return [str(table.get_row_at(r)[1]) for r in range(table.row_count)]

        # Both are sent: the resent one and the one that was waiting its turn.
        await quiet.until(pilot, lambda: statuses() == ["sent", "sent"], what="both sent")
    assert "to 13812345678" in FileChannel().path.read_text(encoding="utf-8")


def statuses(table: DataTable[str]) -> list[str]:
    return [str(table.get_row_at(r)[1]) for r in range(table.row_count)]


def old_failed_under_newer_sent(station: Station, newer: int) -> None:
    """One message that failed for good, then `newer` messages sent after it."""

    def work(session: Any) -> None:
        rows = [("failed", "old"), *(("sent", f"new-{n}") for n in range(newer))]
        for status, key in rows:
            session.add(
                Notification(
                    kind="arrival",
                    status=status,
                    attempts=1,
                    last_error="HTTP 400 number barred" if status == "failed" else None,
                    idempotency_key=key,
                    payload={},
                    created_at=station.now(),
                )
            )

    station.run(work)


async def test_a_failed_message_older_than_the_list_is_listed_and_counted(
    app: StationApp, station: Station
) -> None:
    """The list reads 500 messages: a failed one older than the newest 500 was left out of "all", and
    the line said "500 messages (all), 0 failed" with no sign that 1 more was cut off."""
    old_failed_under_newer_sent(station, 500)
    async with app.run_test(size=(160, 40)) as pilot:
        await app.push_screen(OutboxScreen())
        await quiet.settle(pilot)
        screen = app.screen
        table: DataTable[str] = screen.query_one(DataTable)
        said = str(screen.query_one("#outbox-status", Static).render())
        assert table.row_count == 500 and statuses(table)[0] == "failed"
        assert said == "500 of 501 messages (all), 1 failed"
        await quiet.press(pilot, "f")  # failed only: the whole list, nothing cut
        await quiet.until(pilot, lambda: table.row_count == 1, what="the failed ones listed")
        said = str(screen.query_one("#outbox-status", Static).render())
        assert said == "1 message (failed), 1 failed"


async def test_a_resend_goes_out_at_once_though_check_in_was_never_drawn_under_the_outbox(
    app: StationApp, station: Station, clock: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Textual holds a callback asked for after the next refresh on the screen on top, until that
    screen is drawn: check-in, covered by the Outbox at once, is not drawn until the clerk comes back
    (here never: what waits for it is held). The devices start all the same, and the resend's kick
    sends at once, not at the outbox's next round."""
    two_messages(station, clock)
    monkeypatch.setattr(NotifyWorker, "INTERVAL", 3600.0)  # only the kick can send it in time
    monkeypatch.setattr(CheckinScreen, "_invoke_later", lambda self, callback, sender: None)
    async with app.run_test(size=(160, 40)) as pilot:
        await app.push_screen(OutboxScreen())
        await quiet.settle(pilot)
        table: DataTable[str] = app.screen.query_one(DataTable)
        await quiet.press(pilot, "r")
        await quiet.until(pilot, lambda: statuses(table) == ["sent", "sent"], what="both sent")


async def test_a_kick_asked_before_the_workers_started_runs_as_they_start(
    app: StationApp, station: Station, clock: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    check_in(station, "73" + "1" * 12, batch="ZTO", phone="13812345678")
    clock.advance(seconds=121)
    monkeypatch.setattr(NotifyWorker, "INTERVAL", 3600.0)  # only the kick can send it in time
    app.kick_worker("notify_worker")  # the console is not running yet: no worker to kick
    async with app.run_test(size=(160, 40)) as pilot:
        await quiet.until(pilot, lambda: "to 13812345678" in read_sent(), what="the message sent")


def read_sent() -> str:
    path = FileChannel().path
    return path.read_text(encoding="utf-8") if path.exists() else ""


async def test_the_list_read_before_a_resend_went_out_never_answers_last(
    app: StationApp, station: Station, clock: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The read a resend starts sees the message still queued; the sent message starts a read of its
    own. If the first one's thread is held up after its read (a busy machine), its answer comes last:
    it is dropped, so the list does not go back to "queued" with nothing left to read it again."""
    two_messages(station, clock)
    answering, answer_on, answered = threading.Event(), threading.Event(), threading.Event()
    run_once = notify.run_once

    def pass_after_the_read(*args: Any, **kwargs: Any) -> Any:
        assert answering.wait(TIMEOUT)  # the first read is done: it saw the message queued
        return run_once(*args, **kwargs)

    async with app.run_test(size=(160, 40)) as pilot:
        await app.push_screen(OutboxScreen())
        await quiet.settle(pilot)
        screen = app.screen
        post = screen.post_message

        def held_first_list_answer(message: Any) -> bool:
            first = (
                isinstance(message, ServiceCalls.Done) and message.tag == "list" and not answering.is_set()
            )
            if not first or threading.current_thread() is threading.main_thread():
                return post(message)
            answering.set()
            assert answer_on.wait(TIMEOUT)  # the thread is held between its read and its answer
            posted = post(message)
            answered.set()
            return posted

        monkeypatch.setattr(screen, "post_message", held_first_list_answer)
        monkeypatch.setattr(notify, "run_once", pass_after_the_read)
        table: DataTable[str] = screen.query_one(DataTable)
        await quiet.press(pilot, "r")
        await quiet.until(pilot, lambda: statuses(table) == ["sent", "sent"], what="the newer read shown")
        answer_on.set()
        await quiet.until(pilot, answered.is_set, what="the first read answered")
        await quiet.settle(pilot)
        assert statuses(table) == ["sent", "sent"]


BUSY = "The database is busy: another program holds it. Nothing was saved; try again in a moment."


@pytest.mark.parametrize("first", ["queued", "refused"])
async def test_a_resend_asked_while_one_is_on_its_way_waits_and_the_first_is_said(
    app: StationApp, station: Station, clock: Any, monkeypatch: pytest.MonkeyPatch, first: str
) -> None:
    """A hurried clerk resends one row, then another before the first answered: the second is not
    sent, the status line says to wait, and the first's answer, queued or refused, is said (a resend
    a newer one replaced went out unsaid, and the clerk pressed again not knowing)."""
    two_messages(station, clock)
    release, calls = threading.Event(), []
    resend = notify.resend

    def held(*args: Any, **kwargs: Any) -> Any:
        calls.append(args)
        assert release.wait(TIMEOUT)
        if first == "refused":
            raise DatabaseUnavailable(BUSY)
        return resend(*args, **kwargs)

    monkeypatch.setattr(notify, "resend", held)
    bells: list[str] = []
    async with app.run_test(size=(160, 40)) as pilot:
        await app.push_screen(OutboxScreen())
        await quiet.settle(pilot)
        screen = app.screen
        assert isinstance(screen, OutboxScreen)
        chosen = screen.selected()
        assert chosen is not None
        first_id = chosen.id

        def status() -> str:
            return str(screen.query_one("#outbox-status", Static).render())

        await pilot.press("r")
        await quiet.until(pilot, lambda: len(calls) == 1, what="the first resend sent")
        app.bell = lambda: bells.append("bell")  # type: ignore[method-assign]
        await pilot.press("down", "r")
        assert status() == STILL_WRITING and bells == ["bell"]
        release.set()
        said = f"Message {first_id} queued again" if first == "queued" else BUSY
        await quiet.until(pilot, lambda: said in status(), what="the first resend's answer said")
        await quiet.settle(pilot)
        assert said in status() and len(calls) == 1


class Host(App[None]):
    def __init__(self, station: Station, channel: DummyChannel) -> None:
        super().__init__()
        self.station, self.channel = station, channel
        self.drained: list[NotifyWorker.Drained] = []

    def compose(self) -> ComposeResult:
        yield Static("host")

    def on_mount(self) -> None:
        self.notify_worker = NotifyWorker(self, interval=0.05, channel=self.channel)
        self.notify_worker.start()

    def on_unmount(self) -> None:
        self.notify_worker.stop()


async def test_worker_drains_the_outbox_in_the_background(station: Station, clock: Any) -> None:
    check_in(station, "73" + "1" * 12, batch="ZTO", phone="13812345678")
    clock.advance(seconds=121)
    channel = DummyChannel()
    channel.fail_with = [ChannelError("gateway down")]
    host = Host(station, channel)
    seen: list[NotifyWorker.Drained] = []
    async with host.run_test(
        message_hook=lambda m: seen.append(m) if isinstance(m, NotifyWorker.Drained) else None
    ) as pilot:
        await quiet.until(pilot, lambda: any(d.error for d in seen), what="a failed pass")
        assert {d.error for d in seen if d.error} == {"gateway down"} and channel.sent == []
        clock.advance(minutes=2)  # past the backoff
        await quiet.until(pilot, lambda: any(d.messages for d in seen), what="a message sent")
    assert [m.to for m in channel.sent] == ["13812345678"]
    assert [d.messages for d in seen if d.messages][0] == 1


def test_every_message_kind_has_a_name_in_both_languages() -> None:
    """The outbox names each kind a service queues (a moved parcel's "new pickup code" once showed as
    `code_changed`)."""
    assert set(KIND_LABELS) == {kind for kind in SUBJECT if not kind.endswith("_many")}
    assert all(translate(label, "zh") != label for label in KIND_LABELS.values())


# The three queue screens: the keys that open one from Settings, a key that acts on a row (resend a
# message, retry a carrier event, cancel a print job), the screen's status line.
QUEUE_SCREENS = pytest.mark.parametrize(
    ("opening", "action", "status"),
    [
        (("f11",), "r", "#outbox-status"),
        (("ctrl+o",), "r", "#ev-status"),
        (("f8", "f10"), "c", "#print-queue-status"),
    ],
)


@pytest.mark.first_mode("settings")
@QUEUE_SCREENS
async def test_a_row_key_on_an_empty_list_says_there_is_nothing_to_act_on(
    app: StationApp, opening: tuple[str, ...], action: str, status: str
) -> None:
    """Resend, retry or cancel on a list of nothing did nothing at all: the clerk could not tell why."""
    async with app.run_test(size=(160, 40)) as pilot:
        await quiet.settle(pilot)
        await quiet.press(pilot, *opening)
        await quiet.settle(pilot)
        screen = app.screen
        assert screen.query_one(DataTable).row_count == 0
        await quiet.press(pilot, action)
        await quiet.settle(pilot)
        assert app.screen is screen
        said = str(screen.query_one(status, Static).render())
        assert "The list is empty: there is nothing to act on." in said


@pytest.mark.first_mode("settings")
@QUEUE_SCREENS
async def test_a_refusal_stays_over_the_list_read_again_until_the_clerks_next_key(
    app: StationApp, opening: tuple[str, ...], action: str, status: str
) -> None:
    """The list is read again when its pass ends a round (`action_reload`, as each pass's message
    asks): the counts it said wiped the refusal before the clerk had read it. After their next key,
    the next read says the counts again."""
    async with app.run_test(size=(160, 40)) as pilot:
        await quiet.settle(pilot)
        await quiet.press(pilot, *opening)
        await quiet.settle(pilot)
        screen: Any = app.screen
        line = screen.query_one(status, Static)
        counts = str(line.render())
        await quiet.press(pilot, action)
        refusal = "The list is empty: there is nothing to act on."
        assert refusal in str(line.render())
        screen.action_reload()  # the pass's round, no key of the clerk's
        await quiet.settle(pilot)
        assert refusal in str(line.render()) and line.has_class("-error")
        await quiet.press(pilot, "down")
        screen.action_reload()
        await quiet.settle(pilot)
        assert str(line.render()) == counts


@pytest.mark.first_mode("settings")
@QUEUE_SCREENS
async def test_a_refusal_on_a_queue_screen_reads_as_one(
    app: StationApp, opening: tuple[str, ...], action: str, status: str
) -> None:
    """The queue screens' status lines had no style for a refusal: it read like the counts it replaced."""
    async with app.run_test(size=(160, 40)) as pilot:
        await quiet.settle(pilot)
        await quiet.press(pilot, *opening)
        await quiet.settle(pilot)
        line = app.screen.query_one(status, Static)
        counts_color = line.styles.color
        await quiet.press(pilot, action)
        assert "nothing to act on" in str(line.render())
        assert line.styles.color != counts_color and line.styles.text_style.bold


async def test_with_messages_off_the_outbox_says_held_and_no_pass_raises_a_warning(
    app: StationApp, station: Station, clock: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`notify_channel = "none"`: the outbox lists and counts its messages as held. Messages off is the
    manager's choice, not a fault: the worker's passes raise no "not going out" warning, not at the
    start and not as each new check-in adds a held message (the walk saw one toast per parcel)."""
    from station_helpers import configure

    configure(station, notify_channel="none")
    check_in(station, "73" + "1" * 12, batch="ZTO", phone="13812345678")
    check_in(station, "73" + "2" * 12, batch="ZTO", phone="13987654321")
    clock.advance(seconds=121)
    monkeypatch.setattr(NotifyWorker, "INTERVAL", 0.2)
    passes: list[str | None] = []
    shown = NotifyWorker._show

    def counted(worker: NotifyWorker, messages: int, failed: int, error: str | None) -> None:
        passes.append(error)
        shown(worker, messages, failed, error)

    monkeypatch.setattr(NotifyWorker, "_show", counted)
    async with app.run_test(size=(160, 40)) as pilot:
        await app.push_screen(OutboxScreen())
        await quiet.settle(pilot)
        table: DataTable[str] = app.screen.query_one(DataTable)
        assert [str(table.get_row_at(r)[1]) for r in range(table.row_count)] == ["held: messages off"] * 2
        status = str(app.screen.query_one("#outbox-status", Static).render()).replace("\u00a0", " ")
        assert "2 messages held: customer messages are off" in status, status
        await quiet.until(pilot, lambda: len(passes) >= 2, what="two passes")
        check_in(station, "73" + "3" * 12, batch="ZTO", phone="13711112222")  # one more held
        clock.advance(seconds=121)
        seen = len(passes)
        await quiet.until(pilot, lambda: len(passes) >= seen + 2, what="two passes after the check-in")
        assert passes and all(error is None for error in passes), passes
        assert not [n.message for n in app._notifications if "not going out" in n.message]
