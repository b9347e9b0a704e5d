"""Parcels' F8 (older) and F7 (newer) pressed again before the page they asked for has come: a page's
key goes from the page on screen, and the next page's start is known only once its answer is in.

F8 twice showed the second page's parcels as "Page 3" (both presses took the first page's cursor),
and F8 right behind F7 read the page after the one just left, skipping the page in between."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from textual.widgets import DataTable

from station_console.services.core.station import Station
from station_console.tui.app import StationApp
from tui import quiet
from tui.shelf_data import place, wb


@pytest.mark.parametrize(
    ("answered", "hurried", "page", "shown"),
    [
        ([], ["f8", "f8"], "Page 2: 1 parcel (F8: older)", 2),  # the second F8: no page known yet
        (["f8"], ["f7", "f8"], "Page 1: 1 parcel (F8: older)", 3),  # F8 behind F7: not page 2's next
    ],
)
@pytest.mark.first_mode("parcels")
async def test_a_page_key_pressed_before_the_last_page_came_reads_no_page_it_did_not_show(
    app: StationApp,
    station: Station,
    monkeypatch: pytest.MonkeyPatch,
    answered: list[str],
    hurried: list[str],
    page: str,
    shown: int,
) -> None:
    from station_console.tui.screens import parcels

    monkeypatch.setattr(parcels, "PAGE", 1)  # a page a parcel: three parcels are three pages
    for n in range(1, 4):
        place(station, wb(n), "2-2")
    async with app.run_test(size=(160, 45)) as pilot:
        await quiet.press(pilot, "f5")
        screen = app.screen
        table = screen.query_one("#pa-table", DataTable)
        for key in answered:
            await quiet.press(pilot, key)
        asked, release = threading.Event(), threading.Event()
        real = parcels.search

        def held(*args: Any, **kwargs: Any) -> Any:
            asked.set()
            assert release.wait(quiet.TIMEOUT)
            return real(*args, **kwargs)

        monkeypatch.setattr(parcels, "search", held)
        first, *then = hurried
        quiet.send_key(app, first)
        await quiet.until(pilot, asked.is_set, what="the page asked")
        for key in then:
            await quiet.press(pilot, key, leave_running=("run",))
        release.set()
        await quiet.settle(pilot)
        assert str(screen.query_one("#pa-status").render()) == page
        assert [str(table.get_row_at(0)[0])] == [wb(shown)]


@pytest.mark.parametrize(
    ("lang", "said", "then"),
    [
        ("en", "Still reading the page asked for…", "Page 2: 1 parcel (F8: older)"),
        ("zh", "仍在读取刚才要看的那一页……", "第 2 页：1 件（F8：更早）"),
    ],
)
@pytest.mark.first_mode("parcels")
async def test_an_older_page_asked_for_before_its_start_is_known_says_so(
    app: StationApp, station: Station, monkeypatch: pytest.MonkeyPatch, lang: str, said: str, then: str
) -> None:
    """F8 again while the page is read does nothing (where the older page starts is not known yet): the
    status line says so, and the page's own line replaces it when the page comes."""
    from station_console.i18n import set_language
    from station_console.tui.screens import parcels

    set_language(lang)
    monkeypatch.setattr(parcels, "PAGE", 1)
    for n in range(1, 4):
        place(station, wb(n), "2-2")
    async with app.run_test(size=(160, 45)) as pilot:
        await quiet.press(pilot, "f5")
        status = app.screen.query_one("#pa-status")
        asked, release = threading.Event(), threading.Event()
        real = parcels.search

        def held(*args: Any, **kwargs: Any) -> Any:
            asked.set()
            assert release.wait(quiet.TIMEOUT)
            return real(*args, **kwargs)

        monkeypatch.setattr(parcels, "search", held)
        quiet.send_key(app, "f8")
        await quiet.until(pilot, asked.is_set, what="the page asked")
        await quiet.press(pilot, "f8", leave_running=("run",))
        assert str(status.render()) == said
        release.set()
        await quiet.settle(pilot)
        assert str(status.render()) == then


@pytest.mark.first_mode("parcels")
async def test_f8_between_the_pages_read_and_its_answer_handled_says_still_reading(
    app: StationApp, station: Station, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A read counted as coming while its worker ran: finished, its answer was still a queued message,
    and F8 then found neither (the next page's start unknown, no read on its way) and did nothing it
    said. Coming until its answer is handled, F8 there says so, and the page then lands as asked."""
    from station_console.tui.screens import parcels
    from station_console.tui.screens.calls import ServiceCalls

    monkeypatch.setattr(parcels, "PAGE", 1)
    for n in range(1, 4):
        place(station, wb(n), "2-2")
    async with app.run_test(size=(160, 45)) as pilot:
        await quiet.press(pilot, "f5")
        screen: Any = app.screen
        status = screen.query_one("#pa-status")
        table = screen.query_one("#pa-table", DataTable)
        await quiet.until(pilot, lambda: table.row_count == 1, what="the first page")
        held: list[Any] = []
        post = screen.post_message

        def holding(message: Any) -> bool:
            if isinstance(message, ServiceCalls.Done) and message.tag == "search":
                held.append(message)  # the answer queued, not handled yet
                return True
            return bool(post(message))

        monkeypatch.setattr(screen, "post_message", holding)
        await quiet.press(pilot, "f8")
        await quiet.until(pilot, lambda: bool(held), what="the page read")
        searching = [w for w in screen.workers if w.group == "call-search"]
        await quiet.until(pilot, lambda: all(w.is_finished for w in searching), what="its worker done")
        await quiet.press(pilot, "f8")
        assert str(status.render()) == "Still reading the page asked for…"
        monkeypatch.setattr(screen, "post_message", post)
        post(held[0])
        await quiet.settle(pilot)
        assert str(status.render()) == "Page 2: 1 parcel (F8: older)"
        assert [str(table.get_row_at(0)[0])] == [wb(2)]


@pytest.mark.parametrize(
    ("lang", "key", "said"),
    [
        ("en", "f8", "No older parcels: this is the last page."),
        ("zh", "f8", "没有更早的包裹：这已是最后一页。"),
        ("en", "f7", "No newer parcels: this is the first page."),
        ("zh", "f7", "没有更新的包裹：这已是第一页。"),
    ],
)
@pytest.mark.first_mode("parcels")
async def test_a_page_key_at_the_end_says_there_is_no_page_that_way(
    app: StationApp, station: Station, monkeypatch: pytest.MonkeyPatch, lang: str, key: str, said: str
) -> None:
    """F8 on the last page and F7 on the first did nothing and said nothing: they say so, as other keys
    with nothing to do say, and the page stays as it was."""
    from station_console.i18n import set_language
    from station_console.tui.screens import parcels

    set_language(lang)
    monkeypatch.setattr(parcels, "PAGE", 1)
    for n in range(1, 3):
        place(station, wb(n), "2-2")
    async with app.run_test(size=(160, 45)) as pilot:
        await quiet.press(pilot, "f5")
        screen = app.screen
        status = screen.query_one("#pa-status")
        table = screen.query_one("#pa-table", DataTable)
        await quiet.until(pilot, lambda: table.row_count == 1, what="the first page")
        shown = wb(2)  # the newest first
        if key == "f8":  # to the last page first
            await quiet.press(pilot, "f8")
            await quiet.settle(pilot)
            page = "Page 2: 1 parcel" if lang == "en" else "第 2 页：1 件"
            assert str(status.render()) == page and [str(table.get_row_at(0)[0])] == [wb(1)]
            shown = wb(1)
        await quiet.press(pilot, key)
        await quiet.settle(pilot)
        assert str(status.render()) == said
        assert [str(table.get_row_at(0)[0])] == [shown]
