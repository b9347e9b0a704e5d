"""The outbox screen (masked recipients, failed first, resend key) and the console's notify worker."""

from __future__ import annotations

from typing import Any

from textual.app import App, ComposeResult
from textual.widgets import DataTable, Static

from station_console.i18n import translate
from station_console.services import notify
from station_console.services.checkin.transaction import check_in
from station_console.services.core.station import Station
from station_console.services.notify.channels import ChannelError, DummyChannel, FileChannel
from station_console.services.notify.templates import KIND_LABELS, SUBJECT
from station_console.tui.app import StationApp
from station_console.tui.notify_worker import NotifyWorker
from station_console.tui.screens.outbox import OutboxScreen
from tui import quiet


def two_messages(station: Station, clock: Any) -> None:
    check_in(station, "73" + "1" * 12, batch="ZTO", phone="13812345678")
    check_in(station, "73" + "2" * 12, batch="ZTO", phone="13987654321")
    clock.advance(seconds=121)
    channel = DummyChannel()
    channel.fail_with = [ChannelError("HTTP 400 number barred", permanent=True)]
    notify.run_once(station, channel)  # first fails for good, second goes out


async def test_outbox_lists_failed_first_masked_and_resends(
    app: StationApp, station: Station, clock: Any
) -> None:
    two_messages(station, clock)
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
        await quiet.until(pilot, lambda: statuses() == ["sent", "sent"], what="both sent", timeout=5.0)
    assert "to 13812345678" in FileChannel().path.read_text(encoding="utf-8")


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
        await quiet.until(pilot, lambda: any(d.error for d in seen), what="a failed pass", timeout=5.0)
        assert {d.error for d in seen if d.error} == {"gateway down"} and channel.sent == []
        clock.advance(minutes=2)  # past the backoff
        await quiet.until(pilot, lambda: any(d.messages for d in seen), what="a message sent", timeout=5.0)
    assert [m.to for m in channel.sent] == ["13812345678"]
    assert [d.messages for d in seen if d.messages][0] == 1


def test_every_message_kind_has_a_name_in_both_languages() -> None:
    """The outbox names each kind a service queues (a moved parcel's "new pickup code" once showed as
    `code_changed`)."""
    assert set(KIND_LABELS) == {kind for kind in SUBJECT if not kind.endswith("_many")}
    assert all(translate(label, "zh") != label for label in KIND_LABELS.values())
