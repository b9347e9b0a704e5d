"""F8 on send-out with a scale that answers late (a parcel still moving on the plate, up to the read's
5 s): the reading goes only to the form that asked, and only over a weight field nobody typed into
since. The scale is the counter's dummy reading its plate file, as at a demo counter."""

from __future__ import annotations

import threading
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import pytest
from textual.widgets import Input, Select

from hardware.scales.base import Reading
from hardware.scales.dummy import DummyScale
from station_console.services.core.station import Station
from station_console.tui.screens.sendout import SendoutScreen
from station_console.tui.screens.unsaved import LeaveUnsaved
from tui import quiet
from tui.sendout_driver import counter_app, fill, sends, text_of, until

READ = ["run"]  # the F8 call's worker, left running while the clerk types


@pytest.fixture
def plate(tmp_path: Path) -> Path:
    """The scale's plate: a parcel still moving on it, so the read waits."""
    path = tmp_path / "plate"
    path.write_text("moving 900")
    return path


@pytest.fixture
def reads_done(monkeypatch: pytest.MonkeyPatch) -> threading.Event:
    """Set once a scale read has returned its reading (the thread's answer then goes to the screen)."""
    done = threading.Event()
    read_stable = DummyScale.read_stable

    def watched(scale: DummyScale, timeout_s: float = 5.0) -> Reading:
        reading = read_stable(scale, timeout_s)
        done.set()
        return reading

    monkeypatch.setattr(DummyScale, "read_stable", watched)
    return done


@asynccontextmanager
async def weighing_at(station: Station, plate: Path) -> AsyncIterator[tuple[Any, Any, SendoutScreen]]:
    app = counter_app(station, scale={"kind": "dummy", "file": str(plate)})
    async with app.run_test(size=(160, 50)) as pilot:
        await quiet.settle(pilot)
        screen = app.screen
        assert isinstance(screen, SendoutScreen)
        yield app, pilot, screen


async def type_weight(pilot: Any, screen: SendoutScreen, text: str) -> None:
    screen.query_one("#so-weight", Input).focus()
    for key in text:
        await quiet.press(pilot, key, leave_running=READ)
        await pilot.pause(0.05)  # a person's pace: not a scan


@pytest.mark.first_mode("sendout")
async def test_a_late_reading_keeps_the_weight_the_clerk_typed_meanwhile(
    station: Station, plate: Path, reads_done: threading.Event
) -> None:
    """F8, the scale slow to settle, the clerk types 2.5: the reading that comes after leaves the typed
    weight (and its quote) as it was and says so; the send is stored as the 2.5 kg typed, manual."""
    async with weighing_at(station, plate) as (app, pilot, screen):
        await fill(pilot, screen, **{"so-waybill": "SF1234567890124"})
        screen.query_one("#so-carrier", Select).value = "SF"
        await quiet.press(pilot, "f8", leave_running=READ)
        await type_weight(pilot, screen, "2.5")
        plate.write_text("1200")  # the parcel settles: the scale answers
        await until(pilot, reads_done.is_set)
        await quiet.settle(pilot)
        assert screen.query_one("#so-weight", Input).value == "2.5"
        assert screen.scale_weight is None
        assert "kept yours" in text_of(screen, "#so-message")
        await until(pilot, lambda: "Total" in text_of(screen, "#so-quote"))
        await quiet.press(pilot, "f10")
        await until(pilot, lambda: "accepted" in text_of(screen, "#so-message"))
        (sent,) = sends(station)
        assert (sent.weight_g, sent.weight_manual) == (2500, True)


@pytest.mark.first_mode("sendout")
async def test_a_late_reading_never_fills_the_next_senders_form(
    station: Station, plate: Path, reads_done: threading.Event
) -> None:
    """F8, then Esc and Discard for the next sender before the scale answers: the reading was the last
    parcel's and goes nowhere; the next sender's own F8 weighs as usual."""
    async with weighing_at(station, plate) as (app, pilot, screen):
        await fill(pilot, screen)
        await quiet.press(pilot, "f8", leave_running=READ)
        await quiet.press(pilot, "escape", leave_running=READ)
        await until(pilot, lambda: isinstance(app.screen, LeaveUnsaved))
        await quiet.press(pilot, "ctrl+d", leave_running=READ)
        await until(pilot, lambda: app.screen is screen)
        plate.write_text("1200")
        await until(pilot, reads_done.is_set)
        await quiet.settle(pilot)
        assert screen.query_one("#so-weight", Input).value == ""
        assert screen.scale_weight is None
        assert "Weighed" not in text_of(screen, "#so-message")
        plate.write_text("800")
        await quiet.press(pilot, "f8")
        await until(pilot, lambda: screen.scale_weight is not None)
        assert screen.query_one("#so-weight", Input).value == "0.800"


@pytest.mark.first_mode("sendout")
async def test_a_reading_no_send_can_weigh_is_refused_at_f8_not_put_in_the_field(
    station: Station, plate: Path
) -> None:
    """A stable 5,000 kg (a garbled line, or freight on a floor scale): F8 says what the scale read and
    the limit, and the weight field stays empty, never "Weighed 5000.000 kg on the scale"."""
    plate.write_text("5000000")
    async with weighing_at(station, plate) as (app, pilot, screen):
        await quiet.press(pilot, "f8")
        await until(pilot, lambda: "5000" in text_of(screen, "#so-message"))
        assert "more than a send may weigh (100 kg)" in text_of(screen, "#so-message")
        assert "Weighed" not in text_of(screen, "#so-message")
        assert screen.query_one("#so-weight", Input).value == ""
        assert screen.scale_weight is None
