"""What the console fuzzer presses (scripts/fuzz_console.py): one key or a whole scan at a time, drawn from
a weighted alphabet of mode and screen keys (and a screen's own way in to what they do not open), Esc,
Enter, arrows, digits and letters, or a waybill or pickup code from the database or a fresh valid
waybill (Check-in's recipient finder after it now and then), or a device scanner's scan; a key that
asks and the key that moves on back to back (a late answer); reasons and notes pasted at their limits; with --markup Rich
markup typed, with --rules Ctrl+F and the paths of rule and pre-alert files, with --double-read scans
read twice; Send-out's fields filled with what a sender gives, so F11 and F10 have a form to work on; a
pause or a wait until quiet after some; and, locked, the clerk signing in again by keys."""

from __future__ import annotations

import random
import sqlite3
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from fuzz_checkin import person
from fuzz_clerks import MIDFLOW_LOCK_CHANCE, WRONG_PIN, WRONG_PIN_CHANCE, midflow_lock, signer
from fuzz_files import PREALERTS

PIN = "2468"  # the demo clerks'

# (weight, keys): one key is drawn from each group by weight.
ALPHABET: list[tuple[int, list[str]]] = [
    (14, [f"f{n}" for n in range(1, 13)]),
    (5, ["ctrl+s", "ctrl+t", "ctrl+z", "ctrl+y", "ctrl+x", "ctrl+n", "ctrl+o", "ctrl+r"]),
    (1, ["ctrl+l"]),
    (1, ["ctrl+p", "insert"]),  # Change PIN and the key list: over any screen, a dialog too
    (12, ["escape"]),
    (14, ["enter"]),
    (6, ["tab", "shift+tab"]),
    (10, ["up", "down", "left", "right", "pageup", "pagedown", "home", "end"]),
    (3, ["space"]),
    (5, ["y", "n"]),
    (10, list("0123456789")),
    (6, list("abcdefghijklmnopqrstuvwxyz")),
    (2, ["backspace", "delete"]),
]
SCAN_WEIGHT = 6  # a whole scan, against the alphabet's total
# With --markup: text that is Rich markup typed into whatever has the focus, back to back as a scanner
# would or key by key as a person, then Enter or not; the console shows it as typed or refuses it.
MARKUP_WEIGHT = 2
MARKUP_TYPED = ["[magenta]x[/magenta]", "[/magenta]", "[@click=app.quit]q[/magenta]"]
# With --rules: Ctrl+F (Settings > Send-out rules) among the screen keys, and the path of a rule file
# (fuzz_files.py: good, bad, a folder, a missing one) typed where an import form asks for one, now and
# then anywhere else.
RULES_KEYS = ["ctrl+f"]
PATH_WEIGHT = 2
# A screen's own keys that open what no key of the alphabet opens (Door delivery from Shelves, Who is
# this and Keep batch from Check-in, Pre-alerts from Settings), answer what it does not (Discard in the
# unsaved-changes question) or that a random F key seldom presses on a filled form (Send-out's refund and
# refusal dialogs): pressed now and then on that screen.
WAYS_IN = {
    "ShelvesScreen": ["ctrl+d", "f8"],  # F8, the stocktake: one of twelve F keys, seldom on Shelves
    # Ctrl+N, the recipient finder, opens only over a parcel just checked in (a fresh waybill scanned).
    "CheckinScreen": ["ctrl+w", "ctrl+b", "ctrl+n", "ctrl+n"],
    "SendoutScreen": ["f11", "f11", "f7"],
    "LeaveUnsaved": ["ctrl+d"],
    # Its close: random keys close the dialog before any quiet moment sees it. Shift+Tab back to the scope
    # a Tab left before the stocktake started (Enter in the layer field starts nothing).
    "StocktakeScreen": ["f8", "f8", "shift+tab"],
    # Undo of the last pickup (its question names the parcels and the fee given back) and the proxy form:
    # Ctrl+Z is one of eight Ctrl keys, and F9 needs a customer looked up, which random keys seldom keep.
    "PickupScreen": ["ctrl+z", "ctrl+z", "f9"],
    "FeeDialog": ["1", "2", "3"],  # how the fee is paid: a pickup with a fee, for Ctrl+Z to give back
    # Settings' F12 opens the recipient directory, whose own F12 asks before deactivating someone, and F11
    # its "who is this?" list.
    "SettingsScreen": ["ctrl+g", "f12"],
    # F8 (Edit) right behind the arrow that highlights another person, before their details are read.
    "RecipientsScreen": ["f12", "f12", "f11", "down f8", "up f8"],
    # Printers' F10 is the print queue, which no run opened: Printers lives a few random keys.
    "PrintersScreen": ["f10"],
    # Reopen day asks its reason only on a closed day, and the demo's closed days are five and six days
    # back: F7 (the day before) pressed that often in a row, then Ctrl+O; no run opened the question.
    "ReportsScreen": ["f7", "f7", "f7", "ctrl+o"],
}
WAY_IN_CHANCE = 0.05
# A stocktake lives a few random keys (Esc pauses it, an F key leaves): its close, pressed at 5%, was
# reached by no run. The fee's dialog closes at the first Esc or Enter.
WAY_IN_CHANCES = {
    "StocktakeScreen": 0.25,
    "CheckinScreen": 0.1,
    "FeeDialog": 0.5,
    "SettingsScreen": 0.1,
    "RecipientsScreen": 0.15,
    "PrintersScreen": 0.15,
    "ReportsScreen": 0.3,
}
# A customer looked up on Pickup: each listed parcel's waybill scanned, then F10, as the clerk hands them
# over; random scans checked a parcel now and then and no run handed over one with a fee to undo.
HANDOVER_CHANCE = 0.4
# What a person types into an empty field that asks for it (pasted back to back, then Tab to the next):
# random letters never make a send-out form the service takes, and F11 or F10 on it only ever refused
# the sender's phone; nor a stocktake's scope, and no run closed a stocktake. Values that look like Rich
# markup are data too.
FIELD_VALUES = {
    "so-phone": ["13812345678", "1381234"],
    "so-name": ["Zhang San", "[/magenta]张三"],
    "so-idnum": ["11010519491231002X"],
    "so-to-name": ["Wang Wu", "王五"],
    "so-to-phone": ["13987654321"],
    "so-dest": ["新疆", "北京", "Atlantis"],
    "so-address": ["乌鲁木齐市人民路 88 号"],
    "so-contents": ["clothes", "[bold]fireworks[/]"],
    "so-weight": ["2.5", "0.3"],
    "so-waybill": ["SF1234567890124", "SF1234567890130"],
    "form-carrier": ["ZTO", "YTO", "NOSUCH"],
    "form-reason": ["sparklers", "[@click=app.quit]q"],
    # A stocktake's shelf or layer (the demo's shelves are 1-5): a layer of a shelf whose stocktake is
    # open (paused by Esc) resumes that one, and a shelf over its layer's open one.
    "st-scope": ["1", "2", "3-1", "9", "1-1", "1-2", "2-1", "3"],
    "st-layer": ["1-1", "2-2", "3-1", "4"],  # the layer scanned now, inside the stocktake's shelf or not
}
FIELD_ENDS = {"st-scope": "enter", "st-layer": "enter"}  # the key after the value where not Tab
# Markup in it is a tag the console never uses (fuzz_checks' RAW_MARKUP would take a shown [b] for its own).
AT_LIMIT = ["x" * 200, "x" * 201, "x" * 199 + "王", "[magenta]wet[/magenta]" + "x" * 178]
# Pasted whole (a Paste event, as a terminal delivers one) into an empty field: the proxy's form says a
# paste past a field's limit on its line; typed keys never went past the limit in one go.
FIELD_PASTES = {
    "form-name": ["李四", "Li Si", "王" * 70, "[b]Zhao[/b] Liu " * 5],
    "form-phone": ["5678", "13812345678", "138 1234 5678 ext 9999 0"],
    "form-id_last4": ["002X", "12345", "1 2"],
    # A reason or a note (their rules keep 200 characters): at the limit, one past it, a wide character
    # last at the limit; the dialog says a paste past it on its own line, and Enter sends what it kept.
    **{field: AT_LIMIT for field in ("reopen-reason", "pk-reason", "fee-reason", "form-note")},
    "form-reason": [*AT_LIMIT, "sparklers", "[@click=app.quit]q"],  # wins over its FIELD_VALUES
}
# The key after a pasted value where not Tab: a reason field's dialog sends at Enter.
PASTE_ENDS = {field: "enter" for field in ("reopen-reason", "pk-reason", "fee-reason", "form-reason")}
PASTE = "paste:"  # a token: the text after it pasted at once, as one Paste event
PASTE_SPACE = "\u2423"  # ␣: a space inside a pasted text, so a printed sequence splits on spaces only
# Typed into a dialog's table: the "who is this?" list takes letters typed on its table into its search.
FOCUS_TYPED = {
    "who-parcels": ["zs", "wang", "3-502", "张"],
    "pick-search": ["zs", "wang", "3-502", "张", "5678"],
}
# A way in after which a person reads what opened: a quiet moment is the fuzzer's only look at it, and the
# stocktake's close question was always answered by the next random Enter or Esc before one came.
READ_AFTER = {("StocktakeScreen", "f8"), ("CheckinScreen", "ctrl+n")}
# A scan on Check-in followed by Ctrl+N (the recipient finder) once it is answered: a random Ctrl+N
# seldom came right after a fresh waybill checked in, and no run opened the finder.
PICK_AFTER_SCAN = 0.3
# A field the screen filled in (the stocktake's scope, the shelf selected on the map): the clerk takes it
# as it is; digits typed after it made a shelf that does not exist, and no run started a stocktake.
FIELD_TAKEN = {"st-scope": "enter"}
FIELD_CHANCE = 0.4


FRESH_WAYBILLS = 60


def scans(path: Path, seed: int = 0) -> list[str]:
    """What a scanner reads at this station: waybills (on the shelves and gone), pickup codes, and
    valid waybills it has never seen (a third of the scans): only those check a parcel in, and only a
    parcel just checked in opens the recipient finder."""
    from station_console.bench.checkin import waybills  # the bench's: valid check digits, five carriers

    with sqlite3.connect(path) as db:
        rows = db.execute("SELECT waybill, pickup_code, status FROM parcel").fetchall()
    codes = [code for _, code, status in rows if status == "on_shelf" and code]
    return [waybill for waybill, _, _ in rows] + codes * 3 + waybills(FRESH_WAYBILLS, seed=seed)


# Locked (Ctrl+L, or a lock the console chose), the clerk mostly signs in again at once, as a person
# does; in a small share of locks (`HOSTILE_LOCK`) random keys go on into the dialog (digits and Enters
# in the PIN field: wrong tries, a lock-out) and the clerk signs in only after a while, unlocked first.
# Random keys in every lock spent a third of a run's keys at a sign-in that refused them.
HOSTILE_LOCK = 0.15
SIGN_IN_CHANCE = 0.8  # a lock met calmly: a draw signs in, else a random key lands on the dialog


@dataclass
class Locked:
    """The sign-in dialog as the runs meet it: draws since it came, whether this lock is met with
    random keys, and how many locks, hostile ones and keys sent while it stood a run has had."""

    draws: int = 0
    hostile: bool = False
    locks: int = 0
    hostile_locks: int = 0
    keys: int = 0
    looked: bool = False  # the console quiet since the last sign-in by keys: its focus is read as it is
    who: str = ""  # who signs in at this lock (fuzz_clerks.py's `signer`): chosen at its first sign-in
    midflow: int = 0  # locks right behind a key that asks, or over a dialog (fuzz_clerks.py)
    wrong_pins: int = 0  # sign-ins by keys with a wrong PIN

    def draw(self, rng: random.Random, signing_in: bool) -> None:
        """Before each draw: a new lock is met calmly or with random keys."""
        if not signing_in:
            self.draws = 0
            return
        self.draws += 1
        if self.draws == 1:
            self.who = ""
            self.hostile = rng.random() < HOSTILE_LOCK
            self.locks += 1
            self.hostile_locks += self.hostile

    def signs_in(self, rng: random.Random) -> bool:
        if self.hostile:
            return self.draws > 8 and rng.random() < 0.3
        return rng.random() < SIGN_IN_CHANCE


def unlock(path: Path, name: str) -> None:
    """A manager at another counter unlocks the clerk: random digits and Enters in the PIN field lock
    a clerk out after five, and a run's every key after that went to a sign-in that refused them."""
    with sqlite3.connect(path) as db:
        db.execute("UPDATE clerk SET failed_sign_ins = 0, locked_until = NULL WHERE name = ?", (name,))


SIGN_IN_FIELDS = ["signin-name", "signin-pin", "signin-pin2", "signin-zone", "signin-hours"]  # in order


def sign_in_keys(app: Any, name: str, pin: str = PIN) -> list[str]:
    """The clerk signs in again by keys: the name field cleared and typed, Enter, the PIN, Enter. A
    person's pause ("|") after the keys that move or clear: those are bindings, answered as they come
    back up from the field, after characters sent right behind them (Ctrl+U took back the 'de' of
    'demo-manager', and no sign-in by keys ever succeeded). Typed at a person's pace: a name typed back to
    back is a scan to the locked dialog, taken back out (no sign-in by keys succeeded either). On a new
    station the first manager: the PIN
    again, the time zone and the opening hours (random keys typed into them) typed afresh."""
    focused = app.focused
    first_run = getattr(app.screen, "first_run", False)
    at = SIGN_IN_FIELDS.index(focused.id) if focused is not None and focused.id in SIGN_IN_FIELDS else 0
    keys = ["shift+tab", "|"] * at  # back to the name
    clear = ["ctrl+u", "ctrl+k", "|"]
    rng = random.Random(name)
    typed = [*keys, *clear, *person(rng, name), "enter", "|", *clear, *person(rng, pin), "enter"]
    if first_run:
        typed += ["|", *clear, *person(rng, PIN), "enter", "|", *clear, *person(rng, "Asia/Shanghai")]
        typed += ["enter", "|", *clear, *person(rng, "09:00-21:00"), "enter"]
    return typed


def prealert_paths(rng: random.Random, app: Any, paths: list[str]) -> list[str]:
    """On the pre-alert import form, mostly pre-alert files (a rule file there is only ever refused)."""
    stack = app.screen_stack
    under = type(stack[-2]).__name__ if len(stack) > 1 else ""
    if under != "PrealertsScreen" or rng.random() < 0.2:
        return []
    return [path for path in paths if Path(path).name in PREALERTS]


def handover_keys(app: Any) -> list[str]:
    """On Pickup with a customer looked up: the next listed parcel's waybill scanned, or F10 once each
    is; nothing elsewhere."""
    screen = app.screen
    if type(screen).__name__ != "PickupScreen" or getattr(screen, "lookup", None) is None:
        return []
    waiting = [row.waybill for row in screen.active_rows() if row.parcel_id not in screen.scanned]
    return [*waiting[0], "enter"] if waiting else ["f10"]


# A late answer: the key that asks, then at once the key that moves on, before the answer comes. Send-out:
# Esc (next sender) while the sender's phone is looked up or the scale reads, the next sender's phone
# typed behind it; Pickup: Esc and the next customer's code while a parcel's check or the handover is
# written; Door delivery: another run chosen while a scan-out is answered. Random keys only ever waited
# (a settle, a pause) between the two, or typed into a form no longer asking.
LATE_CHANCE = 0.15
# A device scanner's scan (the scanner bridge's message, as its thread posts it): over a screen or a
# form that takes none it rings and says the code was not taken; typed scans reach only the wedge.
DEVICE = "device:"
DEVICE_CHANCE = 0.02
# With --double-read: a scan read twice, the same code again right behind it or after a short pause (a
# scanner's double read), and now and then the previous scan again a few keys later (a hurried clerk
# scanning the parcel in hand again while its phone is typed). Random scans repeat one only by chance.
TWICE_CHANCE = 0.3
AGAIN_CHANCE = 0.03
# With --pastes: a paste at any screen, into whatever has the focus (pastes above go only into a few
# empty fields): what a clerk copies from a chat or a sheet, right behind the key that moves on or not.
# Then mostly a wait until quiet, where fuzz_console.py checks the text went to the field that had the
# focus, or the one the key before it led to.
ANY_PASTE_CHANCE = 0.03
ANY_PASTES = [
    "13812345678",
    "5678",
    " 138 1234 5678 ",
    "[magenta]Zhao[/magenta]",  # tags the console never uses: shown as data, no note
    "[@click=app.quit]q[/magenta]",
    "张三",
    "SF1234567890124\n13812345678",  # a multi-line paste: a field takes its first line
    "李四\n王五\n",
    "\x1b[31m13812345678\x1b[0m",
]


def any_paste(rng: random.Random, codes: list[str]) -> list[str]:
    """A paste (a waybill or pickup code of the station's, a phone, markup, lines) behind nothing, an
    Enter, a scan, an F key or Esc; then mostly a wait until quiet."""
    from fuzz_checkin import encoded

    text = rng.choice(codes) if rng.random() < 0.4 else rng.choice(ANY_PASTES)
    before = rng.choice(
        [[], [], ["enter"], ["enter"], [*rng.choice(codes), "enter"], [f"f{rng.randint(1, 12)}"], ["escape"]]
    )
    after = rng.choice([["|"], ["|"], ["|"], ["enter", "|"], ["tab"], []])
    return [*before, PASTE + encoded(text), *after]


def pickup_codes(database: Path | None) -> list[str]:
    """The codes of the parcels on the shelves now (the run's copy: the next customer's)."""
    if database is None:
        return []
    with sqlite3.connect(database) as db:
        rows = db.execute(
            "SELECT pickup_code FROM parcel WHERE status = 'on_shelf' AND pickup_code IS NOT NULL"
        )
        return [code for (code,) in rows]


def late_keys(rng: random.Random, app: Any, database: Path | None) -> list[str]:
    """The key that asks and the key that moves on, back to back (`LATE_CHANCE`); nothing elsewhere."""
    screen = app.screen
    name = type(screen).__name__
    focused = getattr(app.focused, "id", None)
    if name == "SendoutScreen" and focused == "so-phone" and not str(getattr(app.focused, "value", "x")):
        phone, after = rng.choice(FIELD_VALUES["so-phone"]), rng.choice(FIELD_VALUES["so-phone"])
        asks = [*phone, "tab"] if rng.random() < 0.6 else ["f8"]  # the sender's lookup, or the scale
        return [*asks, "escape", *after, "tab"]
    if name == "PickupScreen" and getattr(screen, "lookup", None) is not None:
        codes = pickup_codes(database)
        waiting = [row.waybill for row in screen.active_rows() if row.parcel_id not in screen.scanned]
        asks = [*waiting[0], "enter"] if waiting and rng.random() < 0.5 else ["f10"]
        return [*asks, "escape", *rng.choice(codes), "enter"] if codes else []
    if name == "DeliveryScreen" and focused == "dl-scan" and getattr(screen, "stops", None):
        return [*rng.choice(screen.stops).waybill, "enter", "tab", rng.choice(["up", "down"])]
    return []


def read_twice(rng: random.Random, scan: list[str], scanned: list[list[str]] | None) -> list[str]:
    """With --double-read (`scanned` not None): the scan remembered, and now and then read twice."""
    if scanned is None:
        return scan
    scanned[:] = [scan]
    if rng.random() >= TWICE_CHANCE:
        return scan
    pause = [] if rng.random() < 0.5 else [f"~{rng.randint(1, 80)}"]
    return [*scan, *pause, *scan]


def generate(
    rng: random.Random,
    app: Any,
    codes: list[str],
    name: str,
    locked: Locked,
    markup: bool = False,
    database: Path | None = None,
    paths: list[str] | None = None,
    scanned: list[list[str]] | None = None,
    pastes: bool = False,
) -> list[str]:
    """The next tokens: one key or a scan (back to back), each maybe followed by a pause or a wait.
    `scanned` (--double-read): holds the previous scan's tokens; scans are then read twice now and then.
    `pastes` (--pastes): now and then a paste at any screen (`any_paste`)."""
    focused = getattr(app.focused, "id", None)
    empty = not str(getattr(app.focused, "value", "x"))
    screen = type(app.screen).__name__
    if app.signing_in and locked.signs_in(rng):
        if (screen != "SignInScreen" and locked.draws <= 2) or not locked.looked:
            # The dialog not drawn yet, or keys before it still on their way (the Enter of a wrong PIN
            # moves the focus): the clerk looks at it first. Drawn from the focus of a dialog not yet
            # quiet, the way back to the name started from the wrong field: the name went into the
            # PIN, the PIN into the name, and each try after it failed the same way.
            locked.looked = True
            return ["|"]
        locked.looked = False
        first_run = getattr(app.screen, "first_run", False)
        locked.who = locked.who or (name if first_run else signer(rng, name, database))
        wrong = not first_run and rng.random() < WRONG_PIN_CHANCE
        locked.wrong_pins += wrong
        if database is not None:
            unlock(database, locked.who)
        tokens = sign_in_keys(app, locked.who, WRONG_PIN if wrong else PIN)
        if rng.random() < 0.5:  # the clerk reads the screen first: what was on its way has landed
            return [*tokens, "|"]
    elif scanned and rng.random() < AGAIN_CHANCE:
        tokens = list(scanned[-1])
    elif paths and screen == "SettingsScreen" and rng.random() < 0.1:
        tokens = list(RULES_KEYS)  # Settings is a way in of a dozen keys: the rules are one of them
    elif (handing := handover_keys(app)) and rng.random() < HANDOVER_CHANCE:
        tokens = handing
    elif rng.random() < LATE_CHANCE and (late := late_keys(rng, app, database)):
        tokens = late
    elif not app.signing_in and rng.random() < MIDFLOW_LOCK_CHANCE:
        locked.midflow += 1
        tokens = midflow_lock(rng, app, codes)
    elif rng.random() < DEVICE_CHANCE:
        tokens = read_twice(rng, [DEVICE + rng.choice(codes)], scanned)
    elif pastes and rng.random() < ANY_PASTE_CHANCE:
        return any_paste(rng, codes)
    elif (way_in := WAYS_IN.get(screen)) and rng.random() < WAY_IN_CHANCES.get(screen, WAY_IN_CHANCE):
        tokens = rng.choice(way_in).split()  # one key, or keys pressed back to back
        if (screen, tokens[0]) in READ_AFTER:
            return [*tokens, "|"]
    elif focused in FIELD_PASTES and empty and rng.random() < FIELD_CHANCE:
        pasted = PASTE + rng.choice(FIELD_PASTES[focused]).replace(" ", PASTE_SPACE)
        tokens = [pasted, PASTE_ENDS.get(focused, "tab")]
    elif focused in FOCUS_TYPED and rng.random() < FIELD_CHANCE:
        tokens = list(rng.choice(FOCUS_TYPED[focused]))
    elif focused in FIELD_VALUES and empty and rng.random() < FIELD_CHANCE:
        tokens = [*rng.choice(FIELD_VALUES[focused]), FIELD_ENDS.get(focused, "tab")]
    elif focused in FIELD_TAKEN and not empty and rng.random() < FIELD_CHANCE:
        tokens = [FIELD_TAKEN[focused]]
    elif paths and rng.random() < (0.4 if focused == "form-path" else PATH_WEIGHT / 100):
        typed = list(rng.choice(prealert_paths(rng, app, paths) or paths))  # pasted: back to back
        tokens = [*typed, "enter"] if rng.random() < 0.7 else typed
    elif markup and rng.random() < MARKUP_WEIGHT / 100:
        typed = list(rng.choice(MARKUP_TYPED))
        if rng.random() < 0.5:  # a person types it
            typed = [t for key in typed for t in (key, f"~{rng.randint(60, 200)}")]
        tokens = [*typed, "enter"] if rng.random() < 0.5 else typed
    else:
        alphabet = ALPHABET if paths is None else [*ALPHABET, (1, RULES_KEYS)]
        total = sum(w for w, _ in alphabet) + SCAN_WEIGHT
        pick = rng.uniform(0, total)
        tokens = []
        for weight, keys in alphabet:
            if pick < weight:
                tokens = [rng.choice(keys)]
                break
            pick -= weight
        if not tokens:
            tokens = read_twice(rng, [*rng.choice(codes), "enter"], scanned)
            if screen == "CheckinScreen" and rng.random() < PICK_AFTER_SCAN:
                return [*tokens, "|", "ctrl+n", "|"]  # the parcel's recipient, looked for once it is in
    roll = rng.random()
    if roll < 0.35:
        tokens.append(f"~{rng.randint(0, 150)}")
    elif roll < 0.5:
        tokens.append("|")  # until quiet
    return tokens
