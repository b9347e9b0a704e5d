"""Pickup's moves for `--focus pickup` (fuzz_focus.py): a customer served from the box to the handover.

A customer is looked up by what the run's station holds now (`shelved` reads its copy):
a pickup code scanned or typed, two codes at once, a phone tail or a whole phone (the policy has the
clerk confirm who is here: "Checked? Press F10 again"), a waybill, now and then a code nobody has. Then
each listed parcel is scanned to confirm it, sometimes with another parcel's waybill among them (the
screen turns red and names where that one belongs), and the set is handed over: Enter on the empty box
or F10, pressed again after the key-bounce window when the screen asks for it, or twice back to back
(the second press is a bounce, dropped); only some scanned and F10 twice; Ctrl+O's reason. The storage
fee's dialog is paid (1, 2, 3), waived with a reason, or left with Esc and asked again. Now and then
F9 first: someone collects for the customer, their name and phone tail (and ID) in its form. Behind each
key that asks, as before: nothing, a short pause, or a wait until quiet, then the next customer (Esc, a
code) or F10 again, so a lookup's or a handover's answer lands before, during or after it.

The old table looked customers up by their code alone and pressed F10 back to back: a phone tail's second
check was always pressed within the bounce window and dropped, and no wrong parcel was ever scanned. And
the run's failed lookups (a stray scan, a code picked up meanwhile) locked lookups for the station's 60 s
within the run's first half minute: the rest of it looked nobody up. The run's station locks them for
`LOOKUP_LOCK_S` in a window of `LOOKUP_WINDOW_S` (`pickup_setup`): the lock is met, and ends; and
the clerk who reads it on the line mostly waits it out (`WAIT_OUT_CHANCE`) instead of looking up more
customers into it.
"""

from __future__ import annotations

import random
import sqlite3
from collections import Counter
from pathlib import Path
from typing import Any

from fuzz_checkin import person, scan
from fuzz_keys import PASTE

UNDO_CHANCE = 0.3  # on Pickup right after a handover of the run's: Ctrl+Z, and its question answered
WRONG_CHANCE = 0.2  # a customer's scans: another parcel's waybill among them
# Lookups locked: most clerks wait for the lock to end; the others' lookups test the refusal.
WAIT_OUT_CHANCE = 0.8
# Past the key-bounce window (tui/key_bounce.py: 0.4 s): the clerk's second press, read as an answer.
PAUSE = "~450"
# What no parcel on the shelves answers: a code of no shape here, a picked-up one's is read from the copy.
NOBODY = ["9-9-9999", "0000", "1-1"]
# The station's lock scaled down to a run's minute, the window with it: a window of 60 s behind an 8 s
# lock kept the failures that earned it counted as it ended, and the first failure after it locked them
# again (four lock-outs in a row, more lookups refused than answered).
LOOKUP_LOCK_S = 8
LOOKUP_WINDOW_S = 20
CUSTOMERS = 30
# The parcels `pickup_setup` checks in go to these: the last two share a tail (two customers, one number).
PHONES = [f"1391234{n:04d}" for n in range(10)] + ["13800005555", "13900005555"]
REASONS = ["label torn", "[magenta]x[/magenta]", "x" * 201]
# F9 (a proxy) on a customer looked up: not drawn before, and no run handed a parcel to a proxy.
PROXY_CHANCE = 0.25
PROXY_NO_CODE_CHANCE = 0.04
PROXIES = ["李四", "Wang", "[magenta]x[/magenta]", ""]
SENT = ["ctrl+s", "ctrl+s", "ctrl+s", "enter", "escape"]


def pickup_setup(station: Any) -> None:
    """Lookups locked for `LOOKUP_LOCK_S` after too many failures in `LOOKUP_WINDOW_S`, and `CUSTOMERS`
    parcels more checked in (the demo leaves a dozen on the shelves: a run had handed them all over in
    its first minute), by the manager signed in. Phones from a few: customers with two parcels, tails two customers share."""
    from station_console.bench.checkin import waybills
    from station_console.services.admin.settings import save_station_settings
    from station_console.services.checkin.transaction import check_in

    scaled = {"lookup_lock_s": LOOKUP_LOCK_S, "lookup_fail_window_s": LOOKUP_WINDOW_S}
    new = station.settings().model_copy(update=scaled)
    station.run(lambda session: save_station_settings(session, station, new, only=set(scaled)))
    for number, waybill in enumerate(waybills(CUSTOMERS, seed=-2)):  # not the fuzzer's fresh ones
        check_in(station, waybill, phone=PHONES[number % len(PHONES)])


def shelved(database: Path | None) -> list[tuple[str, str | None, str | None, str | None]]:
    """(waybill, pickup code, phone tail, whole phone) of the parcels on the shelves now, in the run's copy."""
    if database is None:
        return []
    with sqlite3.connect(database) as db:
        query = "SELECT waybill, pickup_code, phone_tail, phone_full FROM parcel WHERE status = 'on_shelf'"
        return list(db.execute(query))


def gone(database: Path | None) -> list[tuple[str, str | None]]:
    """(waybill, code) of a few parcels picked up: scanned at a customer, they are found gone."""
    if database is None:
        return []
    with sqlite3.connect(database) as db:
        query = "SELECT waybill, pickup_code FROM parcel WHERE status = 'picked_up' ORDER BY id DESC LIMIT 5"
        return list(db.execute(query))


def query(rng: random.Random, database: Path | None) -> list[str]:
    """A customer at the box: what they give, scanned (back to back) or typed, then Enter."""
    here = shelved(database)
    codes = [code for _, code, _, _ in here if code]
    if not here or not codes:
        return ["escape"]
    roll = rng.random()
    if roll < 0.35:  # the code on their phone, scanned
        return scan(rng.choice(codes))
    if roll < 0.45:  # read out and typed
        return [*person(rng, rng.choice(codes)), "enter"]
    if roll < 0.55:  # two codes at once
        return scan(" ".join(rng.sample(codes, min(2, len(codes)))))
    tails = [tail for _, _, tail, _ in here if tail]
    if roll < 0.8 and tails:  # the last four digits of their phone, then "Checked?"
        return [*person(rng, rng.choice(tails)), "enter"]
    phones = [phone for _, _, _, phone in here if phone]
    if roll < 0.87 and phones:
        return [*person(rng, rng.choice(phones)), "enter"]
    if roll < 0.93:  # the waybill on their phone's notice
        return scan(rng.choice(here)[0])
    odd = NOBODY + [code for _, code in gone(database) if code]
    return [*person(rng, rng.choice(odd)), "enter"]


def wrong_waybill(rng: random.Random, listed: set[str], database: Path | None) -> str:
    """Another parcel than the customer's: one on the shelves (its place said), one gone, one unknown."""
    others = [waybill for waybill, _, _, _ in shelved(database) if waybill not in listed]
    others += [waybill for waybill, _ in gone(database)] + ["SF1234567890124"]
    return rng.choice(others)


def finish(rng: random.Random) -> list[str]:
    """The set handed over: Enter on the empty box or F10; again after the bounce window (the answer to
    "Checked?", or a handover pressed twice), or again at once (a bounce), or Esc behind it."""
    key = rng.choice(["enter", "f10", "f10"])
    after = rng.choice([[PAUSE, key], [PAUSE, key], [key], [], ["|", "escape"], ["|", PAUSE, key]])
    return [key, *after, "|"]


def proxy_form(rng: random.Random, focused: str | None) -> list[str]:
    """The proxy's form from the field that has the focus (its first, or the one a refusal named): a
    name, their phone's last four digits, their ID's last four now and then (a letter X, a short one),
    then sent; or dropped, or sent with a field left out."""
    from fuzz_focus import gap  # here: fuzz_focus imports this module

    fields = ["form-name", "form-phone", "form-id_last4"]
    if focused not in fields:
        return [rng.choice(SENT), "|"]
    name = rng.choice(PROXIES)
    typed = {
        "form-name": person(rng, name) if name else [],
        "form-phone": person(rng, rng.choice(["5678", "5678", "0000", "12"])) if rng.random() < 0.9 else [],
        "form-id_last4": person(rng, rng.choice(["123X", "4321", "12"])) if rng.random() < 0.4 else [],
    }
    at = fields.index(focused)
    # Each field emptied first: after a refusal the form keeps what was typed, and the focus is on the
    # field at fault (a pause behind Ctrl+U: a key right behind it reaches the field first).
    keys = ["ctrl+u", "~60", *typed[fields[at]]]
    for field in fields[at + 1 :]:
        keys += ["tab", "ctrl+u", "~60", *typed[field]]
    return [*keys, *gap(rng), rng.choice(SENT), "|"]


def fee_answer(rng: random.Random, database: Path | None) -> list[str]:
    """The storage fee's dialog, drawn once it is on screen: paid, waived with a reason, or Esc (nothing
    handed over) and F10 asking again; the next customer behind the answer now and then."""
    from fuzz_focus import gap  # here: fuzz_focus imports this module

    roll = rng.random()
    if roll < 0.6:
        answer = [rng.choice(["1", "1", "2", "3"])]
    elif roll < 0.75:  # a manager's waiver (a clerk's W is refused in the dialog)
        reason = rng.choice(REASONS)
        answer = ["w", "|", *(person(rng, reason) if len(reason) < 20 else [PASTE + reason]), "enter"]
    else:  # Esc mid-dialog: nothing handed over, the list still up; F10 asks again
        answer = ["escape", "|", rng.choice(["f10", "enter", "escape"])]
    behind = rng.choice([[], [], ["|"], [*gap(rng), *query(rng, database)], [*gap(rng), "f10"]])
    return [*answer, *behind]


def seconds_locked(app: Any) -> int:
    """What the clerk reads on the line: the seconds left on their lookups' lock (0: open)."""
    from station_console.services.pickup import guard

    station = app.station
    with station.connect() as conn:
        return guard.seconds_locked(conn, station)


def pickup_moves(rng: random.Random, app: Any, database: Path | None) -> list[str]:
    from fuzz_focus import gap  # here: fuzz_focus imports this module

    screen = app.screen
    name = type(screen).__name__
    if name == "FeeDialog":
        return fee_answer(rng, database)
    if name == "ConfirmDialog":  # the undo's question, read: the parcels back, the fee given back
        return [*gap(rng), rng.choice(["y", "y", "n", "escape", "enter"])]
    if name == "ReasonDialog":  # Ctrl+O's: why a parcel goes without its scan
        return [*person(rng, rng.choice(REASONS[:2])), rng.choice(["enter", "enter", "escape"]), "|"]
    if name == "FormDialog":  # F9's: who collects for the recipient
        return proxy_form(rng, getattr(app.focused, "id", None))
    if name != "PickupScreen":
        return []
    left = seconds_locked(app)
    if left and rng.random() < WAIT_OUT_CHANCE:  # the line says how long: the clerk waits it out
        return [f"~{left * 1000 + 100}", "|"]
    moving_on = [["escape"], query(rng, database), ["f10"], ["escape", *query(rng, database)]]
    if screen.last_handover and rng.random() < UNDO_CHANCE:  # this run's pickup undone, asked and read
        return ["ctrl+z", "|", *rng.choice([["y"], ["y"], ["n"], ["escape"]])]
    if getattr(screen, "lookup", None) is None:  # a lookup, and what the clerk does before it answers
        return [*query(rng, database), *gap(rng), *rng.choice([*moving_on, ["|"], ["|"], ["|"]])]
    # Someone collects for them: who, first. Mostly for a customer looked up by code (a proxy without
    # the code is refused unless the recipient allows proxies, and few lookups were by code).
    by_code = bool(getattr(screen.lookup, "codes", None))
    if screen.proxy is None and rng.random() < (PROXY_CHANCE if by_code else PROXY_NO_CODE_CHANCE):
        return ["f9", "|"]
    rows = screen.active_rows()
    waiting = [row.waybill for row in rows if row.parcel_id not in screen.scanned]
    listed = {row.waybill for row in screen.lookup.rows}
    roll = rng.random()
    if waiting and roll < 0.55:  # each parcel fetched and scanned, a wrong one among them now and then
        scans = list(waiting)
        if rng.random() < WRONG_CHANCE:
            scans.insert(rng.randint(0, len(scans)), wrong_waybill(rng, listed, database))
        keys = [key for waybill in scans for key in [*scan(waybill), *rng.choice([["|"], gap(rng)])]]
        return [*keys, "|", *finish(rng)]
    if waiting and roll < 0.7:  # one parcel's check, right or wrong, and what comes behind it
        waybill = waiting[0] if rng.random() > WRONG_CHANCE else wrong_waybill(rng, listed, database)
        return [*scan(waybill), *gap(rng), *rng.choice([*moving_on, ["|"], ["|", "f10"]])]
    if waiting and roll < 0.8:  # only some scanned: F10, and F10 again to hand over just those
        return ["f10", rng.choice([PAUSE, "|"]), "f10", "|"]
    if waiting and roll < 0.85:  # a label that will not scan: a manager's override, with a reason
        return ["ctrl+o", "|"]
    if not waiting and roll < 0.8:
        return finish(rng)
    if roll < 0.95:
        return ["f10", *gap(rng), *rng.choice(moving_on)]
    return ["ctrl+z", *gap(rng), *rng.choice([["y"], ["escape"], ["enter"], ["n"]])]  # the undo


class LookupWatch:
    """Pickup's lookups of one run, by how they ended: a customer listed, nothing found, refused while
    lookups were locked; and the lock-outs themselves (the failed lookup that started one). A run whose
    lookups are mostly refusals served few customers: its summary says so."""

    def __init__(self) -> None:
        self.ended: Counter[str] = Counter()

    def watch(self) -> Any:
        """Into the name Pickup's screen calls (`tui/screens/pickup.py`'s `lookup`). Returns the undo."""
        from station_console.errors import StationError
        from station_console.tui.screens import pickup

        own = pickup.lookup

        def counted(*args: Any, **kwargs: Any) -> Any:
            try:
                found = own(*args, **kwargs)
            except StationError as exc:
                if exc.code != "lookup_locked":
                    self.ended["found nothing" if exc.code == "not_found" else f"refused ({exc.code})"] += 1
                elif "{query}" in exc.msgid:  # the failure that locked them: it found nothing too
                    self.ended["found nothing"] += 1
                    self.ended["lock-outs"] += 1
                else:
                    self.ended["refused while locked"] += 1
                raise
            self.ended["listed a customer"] += 1
            return found

        pickup.lookup = counted  # type: ignore[assignment]

        def undo() -> None:
            pickup.lookup = own  # type: ignore[assignment]

        return undo

    def tally(self) -> str:
        order = ["listed a customer", "found nothing", "refused while locked", "lock-outs"]
        keys = order + sorted(k for k in self.ended if k not in order)
        return ", ".join(f"{key} {self.ended[key]}" for key in keys if self.ended[key] or key in order)
