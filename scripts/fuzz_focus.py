"""`--focus SCREEN` for the console fuzzer (scripts/fuzz_console.py): one screen's own flows, weighted.

Random keys reach a few paths only now and then: Pickup's whole flow (a customer looked up by code,
codes, phone tail or phone, each parcel scanned to confirm it, a wrong one among them, a proxy now and then, the handover and
its fee; late answers: a lookup or a handover whose answer lands after Esc, a new code or F10 for the
next customer; its moves are in fuzz_pickup.py), the Recipients directory's forms and
import (fuzz_recipients.py), Door delivery's round: a request, a run planned, scanned out and back,
settled and closed, scans answered while another run is chosen (fuzz_delivery.py), Send-out with a scale
(and its handover, a sign-out a small share), and
Check-in's scans each followed by its phone (its moves are in fuzz_checkin.py), and the questions whose
Yes moves money or cannot be undone (fuzz_weighty.py checks their answers): Reports' day close (F12, after
F7 back to a day not closed), a stocktake's close (a shelf or layer scanned, parcels on it and some that
left, F8), Send-out's refund (F7, a reason, Enter: the run's station has eight sends accepted, the
newest two left to refunds by the handover,
`Focus.setup`) and Pickup's undo (after a pickup of the run's own: every parcel checked, F10), each
answered right behind the key that asked (typed before the question appeared: it must answer nothing)
or after a pause. Returns (`returns`, from Shelves' F9 and F10): a carrier's Enter (its one open batch,
found or opened), scans into it (its carrier's parcels on the shelves, others, codes), F10's recall and
its note, F9, F7, the courier's name and F8's close with its Yes/No; Overdue's rows selected (now and then one not
yet due), F9 and its question. Parcels (`parcels`): the search box given waybills, their tails, codes
(full-width, spaced), phones and their tails of every parcel, and text that would be a pattern or
markup, then F8 for older history, F7, rows.
With a focus, a run starts with the way to its screen (`Focus.way`) and, away from it, goes back to it
now and then; on it, most of its draws are "moves": short scripted sequences of that screen's keys with
a random gap between the key that asks and the key that moves on (none, a few milliseconds, or until
quiet), so a worker's answer lands before, during or after what follows. The rest of the draws are the
default alphabet's, so dialogs and other screens still come and go. Without a focus nothing here is
drawn: the default is unchanged.
"""

from __future__ import annotations

import random
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from fuzz_checkin import checkin_moves
from fuzz_delivery import delivery_moves
from fuzz_handover import handover_moves, waiting_waybills
from fuzz_keys import PASTE, PASTE_SPACE
from fuzz_pickup import pickup_moves, pickup_setup
from fuzz_printers import focus_moves as printers_moves
from fuzz_recipients import recipients_moves, typed
from fuzz_station import add_sends

MOVE_CHANCE = 0.6  # on the focused screen (or a dialog over it): a move rather than the alphabet
HOME_CHANCE = 0.2  # elsewhere: the way back to it
HANDOVER_CHANCE = 0.25  # on Send-out: F12, the courier's handover (fuzz_handover.py's moves there)
# On Send-out: the clerk signs out (Ctrl+L) now and then. Among the keys behind every F8 it took a
# tenth of the moves, and each sign-in again by keys some thirty keys: a third of a run's keys.
SIGN_OUT_CHANCE = 0.02
# On Send-out: a refund (F7) of the newest send still here. At a quarter of the moves, each Yes taking
# a send, the refunds took the sends the handover was to scan, and few runs closed one; the handover
# in turn leaves the newest sends to them (fuzz_handover.py's `KEPT_FOR_REFUNDS`).
REFUND_CHANCE = 0.12
PHONES = ["13812345678", "13987654321", "1381234"]
# Send-out's scale: a dummy one (hardware/scales/dummy.py, its real seam) that is still moving for a
# while before it settles, so a read is on its way long enough for Esc, F10 or a typed weight to come.
SCALE = {"kind": "dummy", "readings": [["moving", 1180]] * 6 + [["stable", 1250]]}


def gap(rng: random.Random) -> list[str]:
    """Between the key that asks and the next: back to back, a short pause, or until quiet."""
    roll = rng.random()
    return [] if roll < 0.4 else [f"~{rng.randint(1, 120)}"] if roll < 0.85 else ["|"]


def on_shelf(database: Path | None) -> list[tuple[str, str | None]]:
    """(waybill, pickup code) of the parcels on the shelves now, in the run's copy."""
    if database is None:
        return []
    with sqlite3.connect(database) as db:
        return list(db.execute("SELECT waybill, pickup_code FROM parcel WHERE status = 'on_shelf'"))


def left_shelf(database: Path | None) -> list[str]:
    """The waybills of the parcels picked up last: one scanned in a stocktake is found after it left."""
    if database is None:
        return []
    with sqlite3.connect(database) as db:
        query = "SELECT waybill FROM parcel WHERE status = 'picked_up' ORDER BY id DESC LIMIT 5"
        return [waybill for (waybill,) in db.execute(query)]


def answer(rng: random.Random, yes: list[str]) -> list[str]:
    """A weighty question's answer: right behind the key that asked, or after a pause; Yes, or not."""
    return [*gap(rng), *rng.choice([yes, yes, ["escape"], ["enter"], ["n"], ["tab", "enter"]])]


def sendout_moves(rng: random.Random, app: Any, database: Path | None) -> list[str]:
    name = type(app.screen).__name__
    under = type(app.screen_stack[-2]).__name__ if len(app.screen_stack) > 1 else ""
    if name == "HandoverScreen" or (name == "ConfirmDialog" and under == "HandoverScreen"):
        return handover_moves(rng, app, database)
    # A refund's question still up, or its form (a No leaves it as typed): answered, or Esc. Left to the
    # alphabet, its Enter asked again and again and its Esc or Enter said No: nineteen questions, no Yes.
    if name == "ConfirmDialog" and under == "RefundDialog":
        return answer(rng, ["y"])
    if name == "RefundDialog":
        return [rng.choice(["escape", "escape", "enter"]), *gap(rng)]
    if name != "SendoutScreen":
        return []
    roll = rng.random()
    if roll < HANDOVER_CHANCE:  # the courier at the counter: F12, the handover
        return ["f12", "|"]
    if roll < HANDOVER_CHANCE + SIGN_OUT_CHANCE:
        return ["ctrl+l", "|"]
    focused = getattr(app.focused, "id", None)
    filled = [] if focused != "so-phone" or rng.random() < 0.5 else [*rng.choice(PHONES), "tab", *gap(rng)]
    behind = rng.choice(
        [
            ["escape"],
            ["escape", *rng.choice(PHONES), "tab"],
            ["f8"],
            ["f10"],
            ["f11"],
            ["f12"],
            ["tab", *"2.5"],  # a weight typed where the focus went
            ["|", "f10"],
        ]
    )
    if (
        waiting_waybills(database) and rng.random() < REFUND_CHANCE
    ):  # a refund: the newest send still here, why, its question
        reason = rng.choice([[], [f"{PASTE}wrong{PASTE_SPACE}parcel"], [f"{PASTE}[magenta]x[/magenta]"]])
        # Read first half the time: a Y typed ahead answers nothing (as it must), and one run answered
        # nineteen refund questions with no refund written.
        read = ["|"] if rng.random() < 0.5 else []
        return [*filled, "f7", "|", *reason, "enter", *read, *answer(rng, ["y"])]
    return [*filled, "f8", *gap(rng), *behind]


def reports_moves(rng: random.Random, app: Any, database: Path | None) -> list[str]:
    """Another day (the demo closed two, the days after them are open), then its close: Ctrl+Y, or
    before closing time the button of its second question."""
    name = type(app.screen).__name__
    if name == "ConfirmClose":
        return answer(rng, rng.choice([["ctrl+y"], ["tab", "enter"], ["shift+tab", "enter"]]))
    if name != "ReportsScreen":
        return []
    days = [rng.choice(["f7", "f8"]) for _ in range(rng.choice([0, 0, 1, 2, 3]))]
    return [*days, "|", "f12", *answer(rng, ["ctrl+y"])]


def stocktake_moves(rng: random.Random, app: Any, database: Path | None) -> list[str]:
    """A shelf taken (the map's, or one typed), a layer, parcels scanned (on the shelves, or picked up:
    found after they left), then its close, answered."""
    name = type(app.screen).__name__
    if name == "CloseDialog":
        return answer(rng, rng.choice([["enter"], ["f8"], ["space", "enter"]]))
    if name == "ShelvesScreen":
        return ["f8", "|"]
    if name != "StocktakeScreen":
        return []
    focused = getattr(app.focused, "id", None)
    if focused == "st-scope":
        return rng.choice([["enter"], ["ctrl+u", rng.choice("12345"), "enter"]]) + ["|"]
    if focused == "st-layer":
        return rng.choice([["enter"], [*rng.choice(["1-1", "2-1", "3-2"]), "enter"]]) + ["|"]
    pool = [waybill for waybill, _ in on_shelf(database)] + left_shelf(database) * 2
    scanned = [token for _ in range(rng.randint(0, 3)) if pool for token in [*rng.choice(pool), "enter"]]
    return [*scanned, *gap(rng), "f8", *answer(rng, rng.choice([["enter"], ["f8"]]))]


def shelf_parcels(database: Path | None) -> list[tuple[str, str | None, str]]:
    """(waybill, pickup code, carrier code) of the parcels on the shelves now, in the run's copy."""
    if database is None:
        return []
    with sqlite3.connect(database) as db:
        query = (
            "SELECT waybill, pickup_code, carrier.code FROM parcel JOIN carrier ON carrier.id = carrier_id"
            " WHERE status = 'on_shelf'"
        )
        return list(db.execute(query))


def due_parcels(database: Path | None) -> list[tuple[str, str]]:
    """(waybill, carrier code) of the parcels on the shelves a week or more: return candidates at the
    default ages, the ones a batch takes without a recall."""
    if database is None:
        return []
    with sqlite3.connect(database) as db:
        query = (
            "SELECT waybill, carrier.code FROM parcel JOIN carrier ON carrier.id = carrier_id"
            " WHERE status = 'on_shelf' AND julianday('now') - julianday(checked_in_at) >= 7"
        )
        return list(db.execute(query))


# Typed into Returns' carrier: the shelves' own carriers mostly (from the database), else one in lower
# case or spaced, one with no parcels here, one that does not exist, markup.
ODD_CARRIERS = ["sf", " zto ", "UPS", "NOSUCH", "ZT0", "[magenta]ZTO", ""]
RECALL_NOTES = ["sender", "the sender, by phone", "[magenta]x[/magenta]", "x" * 201]


def returns_moves(rng: random.Random, app: Any, database: Path | None) -> list[str]:
    """Shelves' F9 (Returns) or F10 (Overdue); on Returns a carrier's Enter (its open batch, found or
    opened), scans into it (the carrier's parcels on the shelves, another carrier's, a code, a fresh
    one), F10's recall and its note, F9, F7, the courier's name and F8's close; on Overdue a row or the
    return candidates selected, F9 and its question, answered at once or after a pause."""
    stack = [type(s).__name__ for s in app.screen_stack]
    top, under = stack[-1], stack[-2] if len(stack) > 1 else ""
    if top == "ShelvesScreen":
        return [rng.choice(["f9", "f9", "f10"]), "|"]
    if top == "ConfirmDialog" and under in ("OverdueScreen", "ReturnsScreen"):  # Returns': F8's close
        return answer(rng, ["y"])
    if top == "OverdueScreen":
        picks = [rng.choice(["down", "up", "space", "space", "f8"]) for _ in range(rng.randint(0, 4))]
        if rng.random() < 0.4:  # the cursor to a parcel not yet due: random picks seldom reach one
            early = to_early_row(rng, app.screen)
            picks = picks if early is None else early
        key = rng.choice(["f9", "f9", "f7", "escape"])
        # F9's question (parcels not yet due) answered right behind it now and then: a Y typed before
        # it appeared must answer nothing.
        behind = answer(rng, ["y"]) if key == "f9" and rng.random() < 0.4 else gap(rng)
        return [*picks, *gap(rng), key, *behind]
    parcels = shelf_parcels(database)
    refs = [waybill for waybill, _, _ in parcels] + [code for _, code, _ in parcels if code]
    if top == "ReasonDialog" and under == "ReturnsScreen":  # who asked for the recalled parcel back
        note = rng.choice([[], typed(rng.choice(RECALL_NOTES[:2])), [PASTE + rng.choice(RECALL_NOTES)]])
        return [*note, *gap(rng), rng.choice(["enter", "enter", "escape"])]
    if top == "FormDialog" and under == "ReturnsScreen":  # which parcel is recalled, and who asked
        focused = getattr(app.focused, "id", None)
        if focused == "form-ref":  # scanned (its Enter goes on to the note), or typed
            ref = [*rng.choice(refs), "enter"] if refs and rng.random() < 0.7 else typed("1-1")
            return ["ctrl+u", *ref, *gap(rng)]
        if focused == "form-note":
            note = rng.choice([[], typed("sender"), [PASTE + RECALL_NOTES[-1]]])
            return [*note, rng.choice(["enter", "enter", "ctrl+s", "escape"]), *gap(rng)]
        return [rng.choice(["enter", "escape", "shift+tab"]), *gap(rng)]
    if top != "ReturnsScreen":
        return []
    screen = app.screen
    batch = screen.current_batch
    focused = getattr(app.focused, "id", None)
    if batch is None or batch.status != "open" or rng.random() < 0.1:  # a carrier's batch, found or opened
        if focused != "ret-carrier":
            return ["shift+tab", "|"]
        # A carrier with parcels due mostly: one with none only ever had its scans refused, and few
        # batches had a parcel in them to close.
        carriers = [carrier for _, carrier in due_parcels(database)] * 2 + [
            carrier for _, _, carrier in parcels
        ]
        carrier = rng.choice(carriers) if carriers and rng.random() < 0.75 else rng.choice(ODD_CARRIERS)
        return ["ctrl+u", *typed(carrier), "enter", *gap(rng), *rng.choice([[], ["enter"], ["f10"], ["|"]])]
    own = [waybill for waybill, _, carrier in parcels if carrier == batch.carrier]
    due = [waybill for waybill, carrier in due_parcels(database) if carrier == batch.carrier]
    pool = due * 4 + own * 3 + refs + screen_fresh(rng)
    scanned = [key for _ in range(rng.randint(1, 3)) for key in [*rng.choice(pool), "enter", *gap(rng)]]
    roll = rng.random()
    # Parcels in it: on to the courier's name and F8 (its close) half the time, in one move. A step a
    # move, the random keys between them (Esc, an F key) took the clerk away first: about one close
    # asked per run of 1,500 keys.
    to_signer = TO_SIGNER.get(focused or "")
    if batch.on_shelf_ids and to_signer is not None and rng.random() < 0.5:
        focused, roll, steps = "ret-signer", 1.0, [*to_signer, "|"]
    else:
        steps = []
    if roll < 0.35:  # scans, then the recall of the one just refused (or the one the form asks for)
        return [*scanned, rng.choice(["f10", "f10", "f9", "escape", "|"])]
    if roll < 0.5:  # the list's parcel: recalled, or taken out
        return ["tab", "tab", rng.choice(["down", "up"]), rng.choice(["f9", "f10"]), *gap(rng)]
    if roll < 0.65:
        return ["f7", *gap(rng)]
    if focused != "ret-signer":  # the courier's name is typed in its field, a step at a time
        return ["tab" if focused == "ret-carrier" else "shift+tab", "|"]
    name = typed(rng.choice(["Wang", "王师傅", "[/magenta]Li", ""]))
    # F8 asks Yes/No naming the batch (a name typed, parcels in it): answered right behind it now and
    # then (a Y typed before it appeared answers nothing), else read first or left to what follows.
    behind = rng.choice([[], scanned, ["escape"], answer(rng, ["y"]), ["|", "y", *gap(rng), "escape"]])
    return [*steps, "ctrl+u", *name, *gap(rng), "f8", *gap(rng), *behind]


# The keys from a field of Returns to the courier's name (the carrier, the name, the scan, the list).
TO_SIGNER = {
    "ret-carrier": ["tab"],
    "ret-signer": [],
    "ret-scan": ["shift+tab"],
    "ret-items": ["shift+tab"] * 2,
}


def to_early_row(rng: random.Random, screen: Any) -> list[str] | None:
    """Overdue's cursor moved to a parcel not yet a return candidate (the demo lists its due ones
    first, oldest first), selected now and then: F9 on it asks the weighty question."""
    early = [n for n, row in enumerate(screen.rows) if row.band != "return"]
    if not early:
        return None
    steps = rng.choice(early) - screen.query_one("#od-table").cursor_row
    return ["down" if steps > 0 else "up"] * abs(steps) + rng.choice([[], ["space"]])


def screen_fresh(rng: random.Random) -> list[str]:
    """A waybill no parcel has, and one of another shape: refused by the batch, the line says why."""
    return [rng.choice(["SF1234567890124", "ZZ", "73000000000000"])]


# Parcels' search text: a waybill whole or its tail, a code (as typed, full-width, spaced), a phone or
# its tail, and text that would be a pattern or markup if it were not data.
ODD_SEARCHES = [
    "%",
    "_",
    "*",
    "1-%",
    "[magenta]x[/magenta]",
    "\\",
    "１－１－１００１",
    " 1 - 1 - 1001 ",
    "0000",
    "x" * 45,
]


def searched(database: Path | None) -> list[str]:
    """Texts for Parcels' search from every parcel of the run's copy (picked up and returned too)."""
    if database is None:
        return []
    with sqlite3.connect(database) as db:
        rows = list(db.execute("SELECT waybill, pickup_code, phone_tail, phone_full FROM parcel"))
    texts: list[str] = []
    for waybill, code, tail, phone in rows:
        texts += [waybill, waybill[-4:], waybill[-6:], *(x for x in (code, tail, phone) if x)]
    return texts


def parcels_moves(rng: random.Random, app: Any, database: Path | None) -> list[str]:
    """A search typed (or pasted) into the text box, Enter, and what the clerk does while it reads:
    F8 (older: past the first page's recent parcels), F7, another search, a row, Esc back to the box."""
    if type(app.screen).__name__ != "ParcelsScreen":
        return []
    focused = getattr(app.focused, "id", None)
    if focused == "pa-table":  # another parcel's timeline, older or newer pages, back to the box
        return [rng.choice(["down", "up", "f8", "f7", "escape", "escape"]), *gap(rng)]
    if focused == "pa-carrier":  # the carrier narrowed, or a carrier that is no code
        return ["ctrl+u", *typed(rng.choice(["ZTO", "sf", "%", "NOSUCH", ""])), "enter", *gap(rng), "escape"]
    if focused != "pa-text":  # on to the table, or back to the box
        return [rng.choice(["tab", "tab", "escape"]), *gap(rng)]
    texts = searched(database) or ODD_SEARCHES
    text = rng.choice(texts) if rng.random() < 0.75 else rng.choice(ODD_SEARCHES)
    given = [PASTE + text.replace(" ", PASTE_SPACE)] if rng.random() < 0.3 else typed(text)
    to_table = ["tab"] * 6 + ["down"]  # past the carrier, status, dates and the problems box
    after = rng.choice([["f8"], ["f8", "f8"], ["f8", *gap(rng), "f7"], to_table, ["tab"], ["escape"], ["|"]])
    return ["ctrl+u", *given, "enter", *gap(rng), *after, *gap(rng)]


@dataclass
class Focus:
    screen: str  # the screen whose moves these are
    way: list[str]  # the keys to it from any mode
    moves: Callable[..., list[str]]  # (rng, app, database[, scanned])
    settings: dict[str, Any] = field(default_factory=dict)  # the counter's, for this focus
    rereads: bool = False  # its moves take --double-read's last scan, to read it again
    also: frozenset[str] = frozenset()  # other screens on top where its moves are drawn too
    setup: Callable[[Any], None] | None = None  # written into the run's copy before the console opens


FOCUSES = {
    "pickup": Focus("PickupScreen", ["f2", "|"], pickup_moves, setup=pickup_setup),
    # Settings opens it (F12); Check-in's Ctrl+W opens "who is this?" there too.
    "recipients": Focus(
        "RecipientsScreen",
        ["ctrl+s", "|", "f12", "|"],
        recipients_moves,
        also=frozenset({"SettingsScreen", "CheckinScreen", "WhoIsThisDialog"}),
    ),
    "delivery": Focus("DeliveryScreen", ["f4", "|", "ctrl+d", "|"], delivery_moves),
    "sendout": Focus("SendoutScreen", ["f3", "|"], sendout_moves, {"scale": SCALE}, setup=add_sends),
    "checkin": Focus("CheckinScreen", ["f1", "|"], checkin_moves, rereads=True),
    "reports": Focus("ReportsScreen", ["f6", "|"], reports_moves),
    # Shelves' F9 and F10 (its moves choose): Returns, and Overdue, whose F9 opens Returns on its batch.
    "returns": Focus(
        "ReturnsScreen",
        ["f4", "|"],
        returns_moves,
        also=frozenset({"ShelvesScreen", "OverdueScreen", "ConfirmDialog"}),
    ),
    "parcels": Focus("ParcelsScreen", ["f5", "|"], parcels_moves),
    # Settings > Printers (the run's printers: --printers, which this focus implies) and its queue.
    "printers": Focus(
        "PrintersScreen",
        ["ctrl+s", "|", "f8", "|"],
        printers_moves,
        also=frozenset({"PrintQueueScreen", "SettingsScreen"}),
    ),
    "stocktake": Focus(
        "StocktakeScreen", ["f4", "|", "f8", "|"], stocktake_moves, also=frozenset({"ShelvesScreen"})
    ),
}


def focus_settings(focus: str | None) -> dict[str, Any]:
    return dict(FOCUSES[focus].settings) if focus else {}


def focus_setup(focus: str | None, station: Any) -> None:
    """The focus's own set-up of the run's station (Send-out's sends, for its refund), by the manager
    signed in, before the console opens: a replay of the run gets it too."""
    setup = FOCUSES[focus].setup if focus else None
    if setup is not None:
        setup(station)


def focus_keys(
    rng: random.Random,
    app: Any,
    focus: str | None,
    database: Path | None,
    scanned: list[list[str]] | None = None,
    *,
    first: bool = False,
) -> list[str]:
    """A move of the focused screen, the way back to it, or nothing (the alphabet draws). `scanned`:
    --double-read's last scan, for the moves that read it again. `first`: the run's first draw, the way to
    the screen: a run begun on Check-in (one of Recipients' `also`) reached Recipients or not by where
    the random keys had landed at each draw, which a loaded machine changes."""
    if focus is None or app.signing_in:
        return []
    chosen = FOCUSES[focus]
    here = chosen.screen in {type(s).__name__ for s in app.screen_stack}
    if first and not here:
        return list(chosen.way)
    if here or type(app.screen).__name__ in chosen.also:
        if rng.random() >= MOVE_CHANCE:
            return []
        return (
            chosen.moves(rng, app, database, scanned) if chosen.rereads else chosen.moves(rng, app, database)
        )
    return list(chosen.way) if rng.random() < HOME_CHANCE else []
