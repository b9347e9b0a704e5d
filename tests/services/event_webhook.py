"""What the carrier-event service tests share: the outbox as stored, and ZTO's events sent to a webhook
receiver the test starts, its secret in the environment as a station's would be."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from event_receiver import Receiver, receiver
from pickup_helpers import configure
from sqlmodel import col, select

from db.models import CarrierEvent
from station_console.services.core.station import Station
from station_console.settings import EventTarget

SECRET = "s3cret-for-zto"


def outbox(station: Station) -> list[CarrierEvent]:
    with station.read() as session:
        return list(session.exec(select(CarrierEvent).order_by(col(CarrierEvent.id))).all())


@contextmanager
def zto_webhook(
    station: Station, monkeypatch: pytest.MonkeyPatch, *, max_attempts: int
) -> Iterator[Receiver]:
    """A receiver for ZTO's events, retried after 1 s and given up on after `max_attempts` failures."""
    monkeypatch.setenv("STATION_EVENT_SECRET_ZTO", SECRET)
    with receiver(SECRET) as rx:
        configure(
            station,
            carrier_event_targets={"ZTO": EventTarget(channel="webhook", url=rx.url, timeout_s=0.5)},
            carrier_event_backoff_s=1,
            carrier_event_max_attempts=max_attempts,
        )
        yield rx
