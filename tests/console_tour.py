"""A walk through every screen of the console, for tests that look at all of them (privacy, hostile text).

Each mode by its key, optionally the sub-screens a mode opens with its own keys, a phone-tail lookup at
pickup, a search in Parcels, and the audit trail; a screenshot (SVG) of each, by name.
"""

from __future__ import annotations

from typing import Any

MODES = (
    ("f1", "checkin"),
    ("f2", "pickup"),
    ("f3", "shelves"),
    ("f4", "parcels"),
    ("f5", "reports"),
    ("f6", "settings"),
)
NEEDS_A_SECOND_ESCAPE = {("shelves", "f8")}  # the stocktake asks for a shelf first


async def tour(
    app: Any,
    pilot: Any,
    *,
    audit_query: str,
    sub_screens: dict[str, list[str]] | None = None,
    parcels_search: str | None = None,
) -> dict[str, str]:
    shots: dict[str, str] = {}
    await pilot.pause()
    for key, mode in MODES:
        await pilot.press(key)
        await pilot.pause(0.2)
        shots[mode] = app.export_screenshot()
        for sub in (sub_screens or {}).get(mode, []):
            await pilot.press(sub)
            await pilot.pause(0.3)
            shots[f"{mode} {sub}"] = app.export_screenshot()
            for _n in range(2 if (mode, sub) in NEEDS_A_SECOND_ESCAPE else 1):
                await pilot.press("escape")
                await pilot.pause(0.1)
    await pilot.press("f2")
    await pilot.pause()
    await pilot.press(*"5678", "enter")  # a phone-tail lookup lists every recipient on the shelves
    await pilot.pause(0.3)
    shots["pickup lookup"] = app.export_screenshot()
    if parcels_search is not None:
        await pilot.press("f4")
        await pilot.pause()
        await pilot.press(*parcels_search, "enter")
        await pilot.pause(0.3)
        shots["parcels search"] = app.export_screenshot()
    await pilot.press("ctrl+t")
    await pilot.pause()
    await pilot.press(*audit_query, "enter")
    await pilot.pause(0.3)
    shots["audit trail"] = app.export_screenshot()
    return shots
