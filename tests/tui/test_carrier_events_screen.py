"""Settings > Carrier events (Ctrl+O): dead letters first, retry, a manager's drop with a reason, the tries
counted, the list and a failed event's error in Chinese and read whole; and the sending warning's words."""

from __future__ import annotations

from typing import Any

import pytest
from sqlmodel import col, select
from station_helpers import configure
from textual.widgets import DataTable, Label, Static

from db.models import Carrier, CarrierEvent, Role
from station_console.i18n import N_, _, set_language
from station_console.services.carrier_events import sender
from station_console.services.carrier_events.channels import EventChannelError
from station_console.services.core.station import Station
from station_console.services.pickup.handover import confirm_pickup
from station_console.settings import EventTarget
from station_console.tui.app import StationApp
from station_console.tui.carrier_event_worker import delivery_problems
from station_console.tui.screens.carrier_events import CarrierEventsScreen
from station_console.tui.screens.pickup_dialogs import ReasonDialog
from tui import quiet
from tui.drawn_text import reads_whole
from tui.pickup_driver import receive, sign_in


@pytest.mark.first_mode("settings")
async def test_dead_letters_come_first_and_are_retried_or_dropped(
    station: Station, tmp_path: Any, console: StationApp
) -> None:
    class Refusing:
        name, idempotent = "webhook", True

        def send(self, event_id: str, kind: str, body: bytes) -> None:
            raise EventChannelError("HTTP 400 [/]Bad Request", permanent=True)  # the receiver's own words

    configure(station, carrier_event_targets={"*": EventTarget(channel="file", folder=str(tmp_path))})
    sign_in(station, Role.CLERK)
    for n in (1, 2):
        receive(station, n, "13812345678")
    sender.run_once(station, channels={"ZTO": Refusing()})  # type: ignore[dict-item]
    async with console.run_test(size=(160, 45)) as pilot:
        await quiet.press(pilot, "ctrl+o")  # Settings' carrier events
        screen = console.screen
        assert isinstance(screen, CarrierEventsScreen)
        table = screen.query_one(DataTable)
        assert [str(table.get_row_at(r)[1]) for r in range(table.row_count)] == ["dead letter", "dead letter"]
        assert str(table.get_row_at(0)[7]) == "HTTP 400 [/]Bad Request"
        # Retry the newest: the console's worker sends it through the file channel.
        await quiet.press(pilot, "r")
        await quiet.press(pilot, "d")  # a clerk is told at once that the drop is a manager's
        assert console.screen is screen
        assert "Only a manager can drop a carrier event" in str(
            screen.query_one("#ev-status", Static).render()
        )
        station.clerk_role = Role.MANAGER  # the manager is asked for a reason, and leaves it
        await quiet.press(pilot, "d")
        assert isinstance(console.screen, ReasonDialog)
        asked = [str(w.render()) for w in console.screen.query(Label)]
        assert asked == ["Reason"]  # not the pickup's examples (a torn label) for a carrier message
        await quiet.press(pilot, "escape")
    with station.read() as session:
        states = [e.status for e in session.exec(select(CarrierEvent).order_by(col(CarrierEvent.id)))]
    assert states[0] == "dead" and states[1] in ("queued", "sent")


@pytest.mark.first_mode("settings")
async def test_an_event_sent_counts_the_try_that_went_through(station: Station, console: StationApp) -> None:
    """Tries counts every send, the one that went through too: a sent event read "Tries 0" (the column
    showed the failures)."""

    class Receiving:
        name, idempotent = "webhook", True
        fail = False

        def send(self, event_id: str, kind: str, body: bytes) -> None:
            if self.fail:
                raise EventChannelError("HTTP 503 Busy")  # worth a later try

    channel = Receiving()
    configure(station, carrier_event_targets={"*": EventTarget(channel="webhook", url="https://x.example")})
    sign_in(station, Role.CLERK)
    receive(station, 1, "13812345678")
    sender.run_once(station, channels={"ZTO": channel})  # type: ignore[dict-item]
    channel.fail = True
    receive(station, 2, "13812345678")
    sender.run_once(station, channels={"ZTO": channel})  # type: ignore[dict-item]
    async with console.run_test(size=(160, 45)) as pilot:
        await quiet.press(pilot, "ctrl+o")
        screen = console.screen
        assert isinstance(screen, CarrierEventsScreen)
        for _ in range(3):  # dead letters first; then failed, queued, all
            await quiet.press(pilot, "f")
            await quiet.settle(pilot)
        assert screen.filter is None
        table = screen.query_one(DataTable)
        rows = [[str(cell) for cell in table.get_row_at(r)] for r in range(table.row_count)]
    assert [(row[1], row[5]) for row in rows] == [("failed", "1"), ("sent", "1")]


@pytest.mark.first_mode("settings")
async def test_the_carrier_events_screen_reads_in_chinese(
    station: Station, tmp_path: Any, console: StationApp
) -> None:
    """State, kind and why it failed in Chinese (our sentence, kept by message id); the receiver's own
    words stay as they came, as data."""

    class Refusing:
        name, idempotent = "webhook", True

        def send(self, event_id: str, kind: str, body: bytes) -> None:
            raise EventChannelError.failed(
                N_("The receiver answered HTTP {code} {reason}"), permanent=True, code=400, reason="[/]Nope"
            )

    configure(station, carrier_event_targets={"*": EventTarget(channel="file", folder=str(tmp_path))})
    sign_in(station, Role.MANAGER)
    receive(station, 1, "13812345678")
    sender.run_once(station, channels={"ZTO": Refusing()})  # type: ignore[dict-item]
    set_language("zh")
    async with console.run_test(size=(160, 45)) as pilot:
        await quiet.press(pilot, "ctrl+o")
        screen = console.screen
        assert isinstance(screen, CarrierEventsScreen)
        row = [str(cell) for cell in screen.query_one(DataTable).get_row_at(0)]
        assert (row[1], row[3], row[7]) == ("死信", "已到站", "接收方回复 HTTP 400 [/]Nope")


@pytest.mark.first_mode("settings")
@pytest.mark.parametrize(("lang", "width", "height"), [("en", 120, 40), ("zh", 80, 24)])
async def test_a_failed_events_error_reads_whole_under_the_list(
    station: Station, tmp_path: Any, lang: str, width: int, height: int, console: StationApp
) -> None:
    """The Error column cut why an event failed (at 80 columns in Chinese to '无法写入'): the highlighted
    event's error reads whole under the list, as data."""
    folder = tmp_path / "events"
    folder.write_text("a file where the folder should be")
    configure(station, carrier_event_targets={"*": EventTarget(channel="file", folder=str(folder))})
    sign_in(station, Role.MANAGER)
    receive(station, 1, "13812345678")
    sender.run_once(station)
    set_language(lang)
    async with console.run_test(size=(width, height)) as pilot:
        await quiet.press(pilot, "ctrl+o", "f")  # the failed ones (dead letters first)
        await quiet.settle(pilot)
        screen = console.screen
        assert isinstance(screen, CarrierEventsScreen) and screen.query_one(DataTable).row_count == 1
        said = reads_whole(console, screen.query_one("#ev-table-why", Static))
    why = {
        "en": "a file is where its folder should be",
        "zh": "所在文件夹的位置上是一个同名文件，而不是文件夹",
    }[lang]
    assert str(folder) in said and why in said


@pytest.mark.parametrize(
    ("lang", "said"),
    [
        ("en", "SF: the disk is full; ZTO: a file is where its folder should be"),
        ("zh", "SF：磁盘已满；ZTO：所在文件夹的位置上是一个同名文件，而不是文件夹"),
    ],
)
def test_the_sending_warning_names_each_carrier_as_its_language_writes_it(lang: str, said: str) -> None:
    """The toast joined a carrier and its reason with an English ': ' inside Chinese ("SF: 无法写入")."""
    set_language(lang)
    errors = {
        "ZTO": _("a file is where its folder should be"),
        "SF": _("the disk is full"),
    }
    assert delivery_problems(errors) == said
    assert delivery_problems({}) is None


def dead_letters(station: Station, count: int) -> None:
    """`count` events that gave up, on ZTO."""

    def work(session: Any) -> None:
        carrier = session.exec(select(Carrier).where(Carrier.code == "ZTO")).one()
        for n in range(count):
            session.add(
                CarrierEvent(
                    carrier_id=carrier.id,
                    kind="checked_in",
                    waybill=f"7300000000{n:04d}",
                    at=station.now(),
                    idempotency_key=f"dead-{n}",
                    status="dead",
                    attempts=8,
                    last_error="HTTP 400",
                    created_at=station.now(),
                )
            )

    station.run(work)


@pytest.mark.first_mode("settings")
async def test_a_list_cut_at_its_limit_says_how_many_it_left_out(
    station: Station, console: StationApp
) -> None:
    """The list reads the newest 200 events: with more, the line said "200 events", as if that were all."""
    dead_letters(station, 201)
    async with console.run_test(size=(160, 45)) as pilot:
        await quiet.press(pilot, "ctrl+o")
        screen = console.screen
        assert isinstance(screen, CarrierEventsScreen)
        table = screen.query_one(DataTable)
        await quiet.until(pilot, lambda: table.row_count == 200, what="the dead letters listed")
        said = str(screen.query_one("#ev-status", Static).render())
        assert said == "200 of 201 events (dead letters); 201 dead letters, 0 waiting"
        await quiet.press(pilot, "f")  # the failed ones: none, nothing cut
        await quiet.until(pilot, lambda: table.row_count == 0, what="the failed ones listed")
        said = str(screen.query_one("#ev-status", Static).render())
        assert said == "0 events (failed); 201 dead letters, 0 waiting"


@pytest.mark.first_mode("settings")
@pytest.mark.parametrize(
    ("lang", "says"), [("en", "waiting behind event {id}"), ("zh", "排在事件 {id} 之后等待")]
)
async def test_a_pickup_held_back_by_its_dead_arrival_says_which_event_it_waits_behind(
    station: Station, tmp_path: Any, console: StationApp, lang: str, says: str
) -> None:
    """The pickup of a parcel whose arrival the receiver refused waits (it read "queued", as if it would
    go at the next pass, and it did go, before the carrier had heard of the parcel)."""

    class Refusing:
        name, idempotent = "webhook", True

        def send(self, event_id: str, kind: str, body: bytes) -> None:
            raise EventChannelError("HTTP 400 Bad Request", permanent=True)

    configure(station, carrier_event_targets={"*": EventTarget(channel="file", folder=str(tmp_path))})
    sign_in(station, Role.CLERK)
    parcel = receive(station, 1, "13812345678")
    (arrival_id,) = sender.run_once(station, channels={"ZTO": Refusing()}).dead  # type: ignore[dict-item]
    confirm_pickup(station, [parcel.parcel_id], method="code", scanned=["73000000000001"])
    assert sender.run_once(station).sent == []
    set_language(lang)
    async with console.run_test(size=(160, 45)) as pilot:
        await quiet.press(pilot, "ctrl+o")
        screen = console.screen
        assert isinstance(screen, CarrierEventsScreen)
        await quiet.press(pilot, "f", "f", "f")  # all
        await quiet.settle(pilot)
        table = screen.query_one(DataTable)
        rows = [[str(cell) for cell in table.get_row_at(r)] for r in range(table.row_count)]
    assert [row[1] for row in rows] == [says.format(id=arrival_id), "死信" if lang == "zh" else "dead letter"]
