"""Two clerks at one console for the console fuzzer (scripts/fuzz_console.py): a lock at any moment, the
other clerk signing in, a wrong PIN now and then, and the watch on whose name the writes carry.

A lock (Ctrl+L) came only as one key of the alphabet, between other keys: never right behind the key
that sends a write or while a question stood open, and the clerk who locked always signed in again.
Here a lock comes now and then right behind a key that asks (Enter, a scan, F7-F12, y) or over a
dialog on top (or inside a focus's own move, `cut_by_lock`), and the sign-in that follows is often
the other demo clerk's (the manager's for a clerk's run, the clerk's for a manager's), sometimes first
with a wrong PIN.

`ClerkWatch` holds the rule a lock keeps: what one clerk left half-done is not finished under the
next clerk's name unless they ask. Each time another clerk than the one before is signed in, it
marks their sign-in; a parcel event (the audit trail) written under their name after it and before
they sent a single key is a write they did not ask for: the last clerk's work, finished in the next
one's name. Keys typed right behind the sign-in's Enter, as it goes on its way, are their first keys:
the console holds them for the screen signed in to (a scan there checks a parcel in as theirs).
"""

from __future__ import annotations

import random
import sqlite3
from pathlib import Path
from typing import Any

# A lock behind a key that sends a write or asks, back to back or a moment later; over a dialog the
# lock alone (the question left open).
MIDFLOW_LOCK_CHANCE = 0.015
ASKING_KEYS = ["enter", "enter", "f7", "f8", "f9", "f10", "f11", "f12", "y", "ctrl+z"]
FLOW_LOCK_CHANCE = 0.03  # a focus's move cut by a lock: a move is a whole flow, a draw of several keys
OTHER_CLERK_CHANCE = 0.5  # a lock's sign-in by the other demo clerk
WRONG_PIN = "2469"
WRONG_PIN_CHANCE = 0.12  # a sign-in by keys with a wrong PIN first (the dialog stays; the next try)
# Events a sign-in or a lock writes itself: the clerk's own, not work of the last clerk.
OWN_EVENTS = ("signed_in", "signed_out", "sign_in_failed")


DEMO_CLERKS = ("demo-manager", "demo-clerk")


def signer(rng: random.Random, name: str, database: Path | None) -> str:
    """Who signs in at a lock of `name`'s: the other demo clerk now and then, where the station has
    them (a new station has only the first manager, `name`)."""
    other = next(clerk for clerk in DEMO_CLERKS if clerk != name)
    if database is None or rng.random() >= OTHER_CLERK_CHANCE:
        return name
    with sqlite3.connect(database) as db:
        found = db.execute("SELECT 1 FROM clerk WHERE name = ? AND active", (other,)).fetchone()
    return other if found else name


def midflow_lock(rng: random.Random, app: Any, codes: list[str]) -> list[str]:
    """A key that asks (or a scan), then Ctrl+L at once or a moment later; over a dialog, Ctrl+L."""
    if len(app.screen_stack) > 1 and getattr(app.screen, "is_modal", False) and rng.random() < 0.5:
        return ["ctrl+l"]  # the question open, its clerk gone
    asks = [*rng.choice(codes), "enter"] if rng.random() < 0.25 else [rng.choice(ASKING_KEYS)]
    pause = [] if rng.random() < 0.5 else [f"~{rng.randint(0, 60)}"]
    return [*asks, *pause, "ctrl+l"]


def cut_by_lock(rng: random.Random, moves: list[str], locked: Any) -> list[str]:
    """A focus's move (fuzz_focus.py), now and then cut by a lock right behind one of its keys that
    asks, or at its end: the flow the focus is there for left half-done, its clerk gone. The alphabet's
    mid-flow locks came only from draws the focus left to it, never inside the focus's own flows."""
    if not moves or rng.random() >= FLOW_LOCK_CHANCE:
        return moves
    asking = [at for at, token in enumerate(moves) if token in ASKING_KEYS or token == "tab"]
    at = rng.choice(asking) if asking else len(moves) - 1
    pause = [] if rng.random() < 0.5 else [f"~{rng.randint(0, 60)}"]
    locked.midflow += 1
    return [*moves[: at + 1], *pause, "ctrl+l"]


class ClerkWatch:
    """Whose name the run's writes carry across locks (see the module's doc); switches and lock
    moves counted for the run's summary."""

    def __init__(self, database: Path) -> None:
        self.database = database
        self.clerk: int | None = None  # signed in at the last look
        self.last: int | None = None  # the clerk before the last lock
        self.floor = 0  # the newest event at the last lock: the next sign-in's event comes after it
        self.taking_over = False  # another clerk signed in, their sign-in event not read yet
        self.mark: int | None = None  # the sign-in event of a clerk who took over, until their first key
        # Keys sent while locked behind its last Enter (the sign-in's, on its way): the console holds them
        # for the screen signed in to (`TypeAhead`), so they are the next clerk's first keys.
        self.typed_behind = False
        self.signing = False  # the sign-in's Enter sent while locked
        self.switches = 0
        self.wrong: list[str] = []

    def look(self, app: Any, key: bool, token: str | None = None) -> None:
        """Before each token sent (`key`: one the clerk presses, a paste or a scan; `token`: which, when
        told) and once quiet."""
        if not app.is_running or not getattr(app, "station_open", False):
            return
        clerk = app.station.clerk_id
        if clerk != self.clerk:
            if clerk is None:
                self.floor = self._newest()
            else:
                if self.last is not None and clerk != self.last:
                    self.switches += 1
                    self.taking_over = not self.typed_behind
                self.last = clerk
            self.clerk = clerk
            self.signing = self.typed_behind = False
        if key and clerk is None and token is not None:
            from fuzz_keys import DEVICE  # (it imports this module)

            top = app.screen_stack[-1] if app.screen_stack else None
            on_its_way = bool(getattr(top, "calling", lambda tag: False)("sign_in"))
            on_pin = getattr(getattr(app, "focused", None), "id", None) == "signin-pin"
            if token == "enter" and on_pin and not on_its_way:
                self.signing, self.typed_behind = True, False  # the sign-in's Enter (again after a refusal)
            elif self.signing and not token.startswith(DEVICE):  # a device scan there is not held: it rings
                self.typed_behind = True
        if self.taking_over and clerk is not None:
            # The service acts as the clerk before it writes their sign-in: it may not be there yet.
            self.mark = self._signed_in(clerk)
            self.taking_over = self.mark is None
        if self.mark is not None and clerk is not None:
            self._unasked(clerk)
        if key:
            self.mark, self.taking_over = None, False  # what is written now is theirs to have asked for

    def _newest(self) -> int:
        with sqlite3.connect(self.database) as db:
            (newest,) = db.execute("SELECT coalesce(max(id), 0) FROM parcel_event").fetchone()
        return int(newest)

    def _signed_in(self, clerk: int) -> int | None:
        """The clerk's sign-in event since the last lock, once it is written."""
        with sqlite3.connect(self.database) as db:
            (mark,) = db.execute(
                "SELECT min(id) FROM parcel_event WHERE kind = 'signed_in' AND clerk_id = ? AND id > ?",
                (clerk, self.floor),
            ).fetchone()
        return None if mark is None else int(mark)

    def _unasked(self, clerk: int) -> None:
        marks = ", ".join("?" for _ in OWN_EVENTS)
        with sqlite3.connect(self.database) as db:
            rows = db.execute(
                f"SELECT id, kind, parcel_id FROM parcel_event WHERE clerk_id = ? AND id > ?"  # noqa: S608
                f" AND kind NOT IN ({marks}) ORDER BY id",
                (clerk, self.mark, *OWN_EVENTS),
            ).fetchall()
        for event_id, kind, parcel in rows:
            text = f"event {event_id} ({kind}, parcel {parcel}) written under clerk {clerk} before their first key"
            if text not in self.wrong:
                self.wrong.append(text)

    def tally(self, locked: Any) -> str:
        """With the run's `locked` (fuzz_keys.py's Locked): its lock moves."""
        return (
            f"{self.switches} switched to the other clerk, {locked.midflow} locks mid-flow,"
            f" {locked.wrong_pins} wrong PINs typed"
        )
