"""An error toast stays up until the clerk acts after having had time to read it; other toasts go as before."""

from __future__ import annotations

import pytest

from station_console.tui import error_toasts
from station_console.tui.app import StationApp
from tui import quiet


def shown(app: StationApp) -> list[str]:
    return sorted(n.message for n in app._notifications)


@pytest.mark.first_mode("settings")
async def test_an_error_toast_stays_until_the_clerks_key_after_it_was_read(app: StationApp) -> None:
    async with app.run_test(size=(120, 40)) as pilot:
        await quiet.settle(pilot)
        app.notify("Refused: that parcel is not here", severity="error")
        app.notify("Saved")
        await quiet.settle(pilot)
        (error,) = [n for n in app._notifications if n.severity == "error"]
        (info,) = [n for n in app._notifications if n.severity == "information"]
        assert error.time_left > 60 and info.time_left <= app.NOTIFICATION_TIMEOUT  # Textual's 5 s for both
        await quiet.press(pilot, "down")  # typed on at once: not read yet, it stays
        assert "Refused: that parcel is not here" in shown(app)
        error.raised_at -= error_toasts.READ_S  # up as long as any toast is
        await quiet.press(pilot, "down")
        assert shown(app) == ["Saved"]  # the error goes with the clerk's key; the information as before
        app.notify("Refused again", severity="warning")
        await quiet.settle(pilot)
        (warning,) = [n for n in app._notifications if n.severity == "warning"]
        assert warning.time_left <= app.NOTIFICATION_TIMEOUT  # a warning goes after its time, as before
