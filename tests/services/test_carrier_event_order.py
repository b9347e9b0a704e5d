"""A parcel's carrier events keep their order: a later event waits behind an earlier one of the same
parcel that was dead-lettered, waits for its retry or is being sent, and says so in the listing; a
retry or a drop of the dead letter lets it go. A retry keeps the event's failures in all and starts
its backoff afresh."""

from __future__ import annotations

from datetime import timedelta

import pytest
from alembic import command
from conftest import FakeClock
from event_webhook import outbox, zto_webhook
from pickup_helpers import as_clerk, events, receive, zto
from sqlalchemy import text

from db.migrate import alembic_config
from db.models import EventKind
from station_console.i18n import set_language
from station_console.services.carrier_events import dead_letters, sender
from station_console.services.core.station import Station
from station_console.services.people.event_details import details_text
from station_console.services.pickup.handover import confirm_pickup


@pytest.fixture
def webhook(station: Station, monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    with zto_webhook(station, monkeypatch, max_attempts=2) as rx:
        yield rx


def picked_up(station: Station, n: int, parcel_id: int) -> None:
    confirm_pickup(station, [parcel_id], method="code", scanned=[zto(n)])


def kinds_accepted(rx) -> list[tuple[str, str]]:  # type: ignore[no-untyped-def]
    return [(e["kind"], e["waybill"]) for e in rx.accepted]


def test_a_pickup_waits_behind_its_dead_arrival_until_the_arrival_is_retried(
    station: Station, clock: FakeClock, webhook
) -> None:  # type: ignore[no-untyped-def]
    """The receiver refused parcel 1's arrival (400): its pickup went anyway, a pickup the carrier had
    no arrival for. Now it waits, named as waiting behind the arrival; parcel 2 is not held up."""
    first = receive(station, 1)
    webhook.script = ["refuse"]
    (arrival_id,) = sender.run_once(station).dead
    picked_up(station, 1, first.parcel_id)
    receive(station, 2)
    result = sender.run_once(station)
    arrival, pickup, other = outbox(station)
    assert pickup.id is not None and other.id is not None
    assert result.sent == [other.id] and result.dead == []  # another parcel's event is not held up
    assert (pickup.kind, pickup.status, pickup.attempts) == ("picked_up", "queued", 0)
    assert kinds_accepted(webhook) == [("checked_in", zto(2))]

    rows = {row.id: row for row in dead_letters.list_events(station)}
    assert rows[pickup.id].waiting_behind == arrival_id
    assert rows[pickup.id].status_text() == f"waiting behind event {arrival_id}"
    assert rows[arrival_id].waiting_behind is None and rows[arrival_id].status_text() == "dead letter"
    assert rows[other.id].waiting_behind is None
    assert rows[pickup.id].to_json()["waiting_behind"] == arrival_id  # `events list --json`
    set_language("zh")
    assert rows[pickup.id].status_text() == f"排在事件 {arrival_id} 之后等待"
    set_language("en")

    clock.advance(minutes=30)
    assert sender.run_once(station).sent == []  # still waiting, however long
    assert dead_letters.retry(as_clerk(station, "ann"), arrival_id).waiting_behind is None
    assert dead_letters.list_events(station, status="queued")[0].waiting_behind == arrival_id
    assert sender.run_once(station).sent == [arrival_id, pickup.id]
    assert kinds_accepted(webhook) == [("checked_in", zto(2)), ("checked_in", zto(1)), ("picked_up", zto(1))]


def test_a_manager_dropping_the_dead_arrival_lets_the_pickup_go(
    station: Station, clock: FakeClock, webhook
) -> None:  # type: ignore[no-untyped-def]
    first = receive(station, 1)
    webhook.script = ["refuse"]
    (arrival_id,) = sender.run_once(station).dead
    picked_up(station, 1, first.parcel_id)
    assert sender.run_once(station).sent == []
    dead_letters.drop(as_clerk(station, "boss", role="manager"), arrival_id, "the carrier has no such parcel")
    pickup = outbox(station)[1]
    assert dead_letters.list_events(station, status="queued")[0].waiting_behind is None
    assert sender.run_once(station).sent == [pickup.id]
    assert kinds_accepted(webhook) == [("picked_up", zto(1))]


def test_a_pickup_waits_while_its_arrival_is_being_sent_by_another_sender(
    station: Station, clock: FakeClock, webhook
) -> None:  # type: ignore[no-untyped-def]
    """The console's sender holds parcel 1's arrival (`sending`); a second sender (`station events
    send`, or another counter's on PostgreSQL) must not send its pickup meanwhile."""
    first = receive(station, 1)
    channels = sender.Channels(station)
    (held,) = sender.claim(station, channels, sender.PassResult())
    picked_up(station, 1, first.parcel_id)
    assert sender.run_once(station).sent == []
    assert webhook.accepted == []
    channels.get("ZTO").send(held.key, held.kind, held.body)
    sender.finish(station, held, None)
    assert len(sender.run_once(station).sent) == 1
    assert kinds_accepted(webhook) == [("checked_in", zto(1)), ("picked_up", zto(1))]


def test_a_retried_dead_letter_keeps_its_failures_in_all_and_starts_its_backoff_afresh(
    station: Station, clock: FakeClock, webhook
) -> None:  # type: ignore[no-untyped-def]
    """A retry set the attempts back to 0: the screen and the trail lost how often it had failed."""
    receive(station, 1)
    webhook.script = ["fail", "fail"]  # 503 twice: the limit (2) is reached, dead
    assert sender.run_once(station).failed
    clock.advance(seconds=1)
    (dead_id,) = sender.run_once(station).dead
    ann = as_clerk(station, "ann")
    retried = dead_letters.retry(ann, dead_id)
    assert (retried.status, retried.attempts, retried.tries) == ("queued", 2, 2)
    trail = events(ann, "carrier_event_retried")[-1]
    assert trail.details["attempts"] == 2 and trail.details["was"] == "dead"
    assert "failed tries so far: 2" in details_text(EventKind.CARRIER_EVENT_RETRIED, trail.details)
    set_language("zh")
    assert "累计失败次数：2" in details_text(EventKind.CARRIER_EVENT_RETRIED, trail.details)
    set_language("en")

    webhook.script = ["fail"]
    assert sender.run_once(station).failed == [dead_id]  # one failure since the retry: not dead yet
    (event,) = outbox(station)
    assert (event.status, event.attempts, event.attempts_since_retry) == ("failed", 3, 1)
    assert event.next_attempt_at == station.now() + timedelta(seconds=1)  # the first backoff again
    clock.advance(seconds=1)
    assert sender.run_once(station).sent == [dead_id]
    (row,) = dead_letters.list_events(station)
    assert (row.status, row.attempts, row.tries) == ("sent", 3, 4)


def test_events_from_before_the_upgrade_keep_their_failures_since_the_last_retry(
    station: Station, webhook
) -> None:  # type: ignore[no-untyped-def]
    """0021 adds the count since the retry; an event failing when it is applied keeps its place in its
    backoff (its failures so far are all since its last retry, as far as anyone knows)."""
    receive(station, 1)
    webhook.script = ["fail"]
    assert sender.run_once(station).failed
    config = alembic_config(station.engine)
    command.downgrade(config, "0020")
    command.upgrade(config, "head")
    with station.engine.connect() as conn:
        rows = conn.execute(text("SELECT attempts, attempts_since_retry FROM carrier_event")).all()
    assert [tuple(r) for r in rows] == [(1, 1)]
