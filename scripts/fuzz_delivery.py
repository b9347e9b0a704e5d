"""Door delivery's moves for `--focus delivery` (fuzz_focus.py): a round from the request to the close.

A parcel asked for at the door (F12: its waybill or code typed, by phone or at the counter), a run
planned (F7: the runner's name, a building now and then), its parcels scanned out to the runner (a
storage fee due asks how it is paid first), scanned back, each settled: delivered (F9: who received
it, a signature now and then) or not (F10: why, a note), then the run closed (F11) once every parcel
is back. Behind each key that asks: nothing, a short pause or a wait until quiet, and now and then
another run chosen, the runs read again, or the next scan, so an answer lands before, during or after
it. The run's station has two runs planned for the directory's people, one parcel of the first out,
and two parcels more of theirs on the shelves for F12 (fuzz_station.py's `add_door_runs`), and a
person whose demo parcel owes a storage fee (`phone_owing_a_fee`): a parcel with no recipient's
address is refused at the door.

Only scans and the keys behind them were drawn here before: the forms behind F7, F9, F10 and F12 got
the alphabet's random keys, and no run planned, delivered, failed or closed one.
"""

from __future__ import annotations

import random
import sqlite3
from pathlib import Path
from typing import Any

from fuzz_recipients import typed

RUNNERS = ["小刘", "Zhao", "[magenta]x[/magenta]", ""]  # an empty name: the form says it is needed
RECEIVERS = ["self", "王五", "neighbour 3-502", "[/magenta]", ""]
REQUEST_CHANCE = 0.12  # on the scan field: F12, a recipient asks for the door
# F7, a run planned: mostly when parcels wait for one (the demo's runs took every request: a plan with
# none waiting is refused), now and then with none, or with no run on screen.
PLAN_CHANCE = 0.3
PLAN_NONE_CHANCE = 0.03


def shelf_refs(database: Path | None) -> list[str]:
    """Waybills and codes of the parcels on the shelves now, in the run's copy: what F12's form takes."""
    if database is None:
        return []
    with sqlite3.connect(database) as db:
        rows = db.execute("SELECT waybill, pickup_code FROM parcel WHERE status = 'on_shelf'").fetchall()
    return [waybill for waybill, _ in rows] + [code for _, code in rows if code]


def door_refs(database: Path | None) -> list[str]:
    """Waybills and codes of the shelf parcels F12 can send to a door (a recipient with an address, on
    no run nor request yet), in the run's copy. Any parcel's was refused for its missing address."""
    if database is None:
        return []
    query = """
        SELECT parcel.waybill, parcel.pickup_code FROM parcel JOIN recipient ON recipient.id = recipient_id
        WHERE parcel.status = 'on_shelf' AND (recipient.building IS NOT NULL OR recipient.room IS NOT NULL)
          AND parcel.id NOT IN (SELECT parcel_id FROM delivery_item WHERE status IN ('requested', 'planned', 'out'))
    """
    with sqlite3.connect(database) as db:
        rows = db.execute(query).fetchall()
    return [waybill for waybill, _ in rows] + [code for _, code in rows if code]


def waiting_for_a_run(database: Path | None) -> int:
    """The parcels asked for at the door and on no run yet, in the run's copy."""
    if database is None:
        return 0
    with sqlite3.connect(database) as db:
        return int(db.execute("SELECT count(*) FROM delivery_item WHERE status = 'requested'").fetchone()[0])


def form_moves(rng: random.Random, app: Any, database: Path | None) -> list[str]:
    """A form over Door delivery, by the field it opened on: F7's runner, F9's receiver (or a recalled
    parcel's why), F10's reason, F12's parcel; filled, then sent (Ctrl+S) or dropped (Esc)."""
    from fuzz_focus import gap  # here: fuzz_focus imports this module

    focused = getattr(app.focused, "id", None)
    send = [*gap(rng), rng.choice(["ctrl+s", "ctrl+s", "ctrl+s", "escape"]), "|"]
    if focused == "form-runner":
        building = ["tab", *typed(rng.choice(["3", "5", "B"]))] if rng.random() < 0.3 else []
        return [*typed(rng.choice(RUNNERS)), *building, *send]
    if focused == "form-why":  # a recalled parcel delivered on a manager's word: why, then who
        return [*typed(rng.choice(["handed over before the recall", "x" * 30])), "tab", *send]
    if focused == "form-received_by":
        signed = ["tab", *typed("王五")] if rng.random() < 0.3 else []
        return [*typed(rng.choice(RECEIVERS)), *signed, *send]
    if focused == "form-reason":  # not delivered: why (a reason chosen), a note now and then
        chosen = ["enter", *["down"] * rng.randint(1, 3), "enter"] if rng.random() < 0.5 else []
        note = ["tab", *typed(rng.choice(["no answer", "[magenta]x"]))] if rng.random() < 0.3 else []
        return [*chosen, *note, *send]
    if focused == "form-ref":  # a parcel asked for at the door, by phone now and then
        refs, others = door_refs(database), shelf_refs(database)  # one with an address, one without
        roll = rng.random()
        ref = (
            rng.choice(refs)
            if refs and roll < 0.75
            else rng.choice(others)
            if others and roll < 0.9
            else rng.choice(["9-9-9999", "ZZ"])
        )
        by_phone = ["tab", "space"] if rng.random() < 0.3 else []
        return [*typed(ref), *by_phone, *send]
    return [rng.choice(["ctrl+s", "escape", "tab"]), *gap(rng)]


def delivery_moves(rng: random.Random, app: Any, database: Path | None) -> list[str]:
    from fuzz_focus import gap  # here: fuzz_focus imports this module

    screen = app.screen
    name = type(screen).__name__
    under = type(app.screen_stack[-2]).__name__ if len(app.screen_stack) > 1 else ""
    if under == "DeliveryScreen" and name == "FormDialog":
        return form_moves(rng, app, database)
    if under == "DeliveryScreen" and name == "FeeDialog":  # the fee before a parcel goes out
        return [rng.choice(["1", "1", "2", "3", "escape"]), *gap(rng)]
    if under == "FormDialog" and name == "LeaveUnsaved":  # a form left with something typed
        return [rng.choice(["ctrl+d", "escape", "enter"]), *gap(rng)]
    if name != "DeliveryScreen":
        return []
    if getattr(app.focused, "id", None) != "dl-scan":
        return [rng.choice(["up", "down"]), *gap(rng), "shift+tab"]  # another run, then back to the scan
    stops = list(getattr(screen, "stops", []))
    planned = [stop.waybill for stop in stops if stop.status == "planned"]
    out = [stop.waybill for stop in stops if stop.status == "out"]
    shelf = shelf_refs(database)
    roll = rng.random()
    if roll < REQUEST_CHANCE:
        return ["f12", "|"]
    plan = PLAN_CHANCE if waiting_for_a_run(database) else PLAN_NONE_CHANCE
    if screen.run_id is None or roll < REQUEST_CHANCE + plan:
        return ["f7", "|"]
    if screen.back_scanned is not None and roll < 0.5:  # the parcel back from the run, settled
        return [rng.choice(["f9", "f9", "f10"]), "|"]
    if out and roll < 0.55:  # one back from the run: its scan says so, then F9 or F10
        return [*rng.choice(out), "enter", "|", rng.choice(["f9", "f9", "f10", "escape"]), "|"]
    if not planned and not out and stops:  # every parcel back: the run closed
        return ["f11", *gap(rng), *rng.choice([[], ["|"], ["f7", "|"]])]
    pool = planned * 3 + out + shelf[:5]
    if not pool:
        return ["f11", "|"]
    scan = [*rng.choice(pool), "enter"]
    while_answered = [
        ["tab", rng.choice(["up", "down"])],  # another run chosen
        ["f7"],  # a run planned
        ["f11"],  # the run closed
        ["ctrl+r"],  # the runs read again
        ["f9"],
        ["f10"],
        ["escape"],
        [*rng.choice(pool), "enter"],  # the next scan
        ["|"],
        ["|"],
    ]
    return [*scan, *gap(rng), *rng.choice(while_answered)]
