"""A walk through every screen of the console, for tests that look at all of them (privacy, hostile text).

Each mode by its key (unless the console is in it already: a walk's console opens in the walk's
first mode, `first_of`, so none builds a check-in screen it does not visit), optionally the sub-screens and dialogs a mode opens with its own keys (a sequence
of keys for a dialog of a sub-screen), phone-tail lookups at pickup, a search in Parcels, and the audit
trail; a screenshot (SVG) of each, by name. Each step waits for the screen's thread workers, which load
its rows. A test can walk part of it (`modes`, no tails, no search, no audit query) and share the whole
walk out over several tests, each with its own console, so that the workers of `-n 2` run them side by
side instead of one worker walking every screen at the end of the run.
"""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

from tui import quiet

MODES = (
    ("f1", "checkin"),
    ("f2", "pickup"),
    ("f3", "sendout"),
    ("f4", "shelves"),
    ("f5", "parcels"),
    ("f6", "reports"),
    ("ctrl+s", "settings"),  # pressed again inside Settings it saves: only ever once in a row
)
NEEDS_A_SECOND_ESCAPE = {("shelves", "f8")}  # the stocktake asks for a shelf first


def first_of(modes: Collection[str]) -> str:
    """The mode a walk through `modes` starts in: the first of them in the order of MODES."""
    return next(mode for _key, mode in MODES if mode in modes)


async def tour(
    app: Any,
    pilot: Any,
    *,
    audit_query: str | None,
    tails: tuple[str, ...] = ("5678",),
    sub_screens: dict[str, list[str]] | None = None,
    parcels_search: str | None = None,
    modes: Collection[str] | None = None,
) -> dict[str, str]:
    """Screenshots by name: each mode in `modes` (all of them by default) with its `sub_screens`, then
    the lookups of `tails`, the search `parcels_search` and the audit trail's `audit_query`."""
    shots: dict[str, str] = {}

    async def settle() -> None:
        await quiet.settle(pilot)

    await settle()
    for key, mode in MODES:
        if modes is not None and mode not in modes:
            continue
        if app.current_mode != mode:  # Ctrl+S pressed inside Settings would save
            await quiet.press(pilot, key)
            await settle()
        shots[mode] = app.export_screenshot()
        for sub in (sub_screens or {}).get(mode, []):
            keys = sub.split()  # "f12 f7": a sub-screen's own sub-screen or dialog
            for sub_key in keys:
                await quiet.press(pilot, sub_key)
                await settle()
            shots[f"{mode} {sub}"] = app.export_screenshot()
            for _n in range(len(keys) + ((mode, sub) in NEEDS_A_SECOND_ESCAPE)):
                await quiet.press(pilot, "escape")
                await settle()
    if tails:
        await quiet.press(pilot, "f2")
    for tail in tails:  # phone-tail lookups list every recipient on the shelves with that tail
        await settle()
        await quiet.press(pilot, *tail, "enter")
        await settle()
        shots[f"pickup lookup {tail}"] = app.export_screenshot()
        await quiet.press(pilot, "escape")  # next customer
    if parcels_search is not None:
        await quiet.press(pilot, "f5")
        await settle()
        await quiet.press(pilot, *parcels_search, "enter")
        await settle()
        shots["parcels search"] = app.export_screenshot()
    if audit_query is not None:
        await settle()
        await quiet.press(pilot, "ctrl+t")
        await settle()
        await quiet.press(pilot, *audit_query, "enter")
        await settle()
        shots["audit trail"] = app.export_screenshot()
    return shots
