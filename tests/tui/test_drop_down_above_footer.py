"""An open drop-down stays above the footer: Send-out's carrier list, opened low on the form, covered
the footer's keys (Textual keeps a list inside the screen only, the footer's line with it)."""

from __future__ import annotations

import pytest
from textual.widgets import Footer, Select
from textual.widgets._select import SelectOverlay

from station_console.services.core.station import Station
from tui import quiet
from tui.sendout_driver import counter_app


@pytest.mark.first_mode("sendout")
@pytest.mark.parametrize("size", [(120, 40), (80, 24)])
async def test_an_open_list_leaves_the_footers_keys_in_view(station: Station, size: tuple[int, int]) -> None:
    app = counter_app(station)
    async with app.run_test(size=size) as pilot:
        await quiet.settle(pilot)
        screen = app.screen
        footer = screen.query_one(Footer).region
        assert footer.height and footer.bottom == size[1]
        for field in ("#so-carrier", "#so-pay"):
            drop_down = screen.query_one(field, Select)
            drop_down.focus()
            await quiet.settle(pilot)
            await quiet.press(pilot, "space")  # each holds a choice: Space opens it
            await quiet.settle(pilot)
            listed = drop_down.query_one(SelectOverlay)
            assert drop_down.expanded and listed.region.height > 2, field
            assert listed.region.bottom <= footer.y, (field, listed.region, footer)
            await quiet.press(pilot, "escape")
            await quiet.settle(pilot)
            assert not drop_down.expanded
