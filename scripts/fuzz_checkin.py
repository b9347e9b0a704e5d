"""`--focus checkin` for the console fuzzer (scripts/fuzz_console.py): the Check-in screen's own flows,
and what the fuzzer checks of the phones typed there.

Random keys spend little time on Check-in, the screen clerks use most, and type a phone there only by
chance. On it most draws are moves (fuzz_focus.py): a fresh valid waybill scanned (a burst, five
carriers' shapes, as `bench/checkin.py` makes them), then its phone typed as a person types (a key every
40-150 ms): a tail, a whole mobile, a masked form, garbage, or half of one and then a scan arriving; a
size typed before a scan, quick mode toggled, F9 (the parcels without a phone), Ctrl+N (the person
picker, a name typed into it), F7 (a batch carrier chosen), Ctrl+Z (undo); now and then a mobile
scanned into the scan field, a split scan (a burst, a 100 ms pause, the rest), or text holding `[/]` or
an ANSI escape, typed, scanned or pasted. With --double-read the parcel in hand is scanned again while
its phone is typed, as well as right behind its scan.

What the fuzzer checks of it: every whole mobile typed into the Phone field (each one this focus draws
is drawn once, so the database tells where it went) is on no parcel, or on a parcel the label beside the
field named when its last digit landed there (what the clerk saw as they typed it: "Phone for 6-5-3002 ·
SF…0123", or the scan's end before its answer). The fixed pastes (13812345678) are typed many times, for
several parcels: each time's label counts. Only a parcel the run gave that phone is judged: the station's
own parcels for the directory's people hold their phones from the start (`parcel_phones`), and a parcel
the person picked for it gave their number (Ctrl+N, "who is this?": `directory_given`). Tails and
masked forms are left out: a tail matches the directory and many parcels, and a masked form is saved
without the whole number. And every parcel the run added to the database was shown checked in
(`unshown_checkins`; a stocktake's close checks in what it found, unshown), as every one shown is in it
(`lost_checkins`).
"""

from __future__ import annotations

import contextlib
import json
import random
import re
import sqlite3
from pathlib import Path
from typing import Any

ESC = "\u241b"  # ␛: an escape character inside a pasted or scanned text, so a printed sequence stays plain
NEWLINE = "\u21b5"  # ↵: a line break inside a pasted text (a multi-line paste), likewise
MOBILE = re.compile(r"1[3-9]\d{9}")
# Besides `[/]`, tags the console never uses (fuzz_checks' RAW_MARKUP would take a shown [bold] for its
# own); `[/]` is one of the console's too: its notes leave it out in this focus (`TYPED_TAGS`).
MARKUP_SCANS = ["[/]", "[/]SF12[/]", "\x1b[31mSF1234567890\x1b[0m", "JT[magenta]123[/magenta]4567"]
TYPED_TAGS = frozenset({"[/]"})
GARBAGE_PHONES = ["12", "99999", "+86-", "1380013800013800", "0000"]
NAMES = ["zs", "wang", "3-502", "li"]


# The bench's shapes in its order (`waybills(n)[-1]` is the n-th): a courier's bag holds its own carrier's.
BENCH_CARRIERS = ["JT", "SF", "YTO", "ZTO", "DPK"]
OTHER_CARRIER_CHANCE = 0.1  # with a courier's batch: a parcel of another carrier in the bag


def fresh_waybill(rng: random.Random, batch: str | None = None) -> str:
    """A valid waybill no scan of this run has read (the bench's shapes: J&T, SF, YTO, ZTO, Deppon).
    `batch`: the carrier Check-in is receiving; its bag is that carrier's parcels, now and then another's
    (asked about). Mixed carriers under a batch had most scans of a clerk with one refused as a conflict:
    a run at 80x24 (seed 3816) checked 7 parcels in out of 1000 keys, its batch SF."""
    from station_console.bench.checkin import waybills

    n = rng.randint(1, 5)
    if batch in BENCH_CARRIERS and rng.random() >= OTHER_CARRIER_CHANCE:
        n = BENCH_CARRIERS.index(batch) + 1
    return waybills(n, seed=rng.randrange(2**32))[-1]


def mobile(rng: random.Random) -> str:
    return f"1{rng.choice('3589')}{rng.randrange(10**9):09d}"


def person(rng: random.Random, text: str) -> list[str]:
    """`text` typed by a person: a key every 40-150 ms (a scanner's keys come within 30 ms)."""
    return [t for key in keys_of(text) for t in (key, f"~{rng.randint(40, 150)}")]


def keys_of(text: str) -> list[str]:
    """`text` as keys: an escape character arrives as the Esc key (a sequence no terminal knows)."""
    return ["escape" if char == "\x1b" else char for char in text]


def scan(text: str) -> list[str]:
    """`text` read by a wedge scanner: back to back, then Enter."""
    return [*keys_of(text), "enter"]


def looks(rng: random.Random) -> list[str]:
    """From the scanner to the keyboard: no person types within a scanner's gap of its Enter."""
    return [f"~{rng.randint(60, 300)}"] if rng.random() < 0.8 else ["|"]


def reaches(rng: random.Random) -> list[str]:
    """From the keyboard to the scanner: mostly longer than the router's rejoin window (400 ms), within
    which a scan behind typed keys may be their tail and is refused as split (by design)."""
    return [f"~{rng.randint(450, 800)}"] if rng.random() < 0.85 else [f"~{rng.randint(40, 300)}"]


def typed_phone(rng: random.Random) -> str:
    roll = rng.random()
    whole = mobile(rng)
    if roll < 0.25:
        return whole[-4:]
    if roll < 0.75:
        return whole
    if roll < 0.85:
        return f"{whole[:3]}****{whole[-4:]}"
    return rng.choice(GARBAGE_PHONES)


def encoded(text: str) -> str:
    """A pasted text as one token (fuzz_console.py's `decoded` reads it back)."""
    from fuzz_keys import PASTE_SPACE

    return text.replace(" ", PASTE_SPACE).replace("\x1b", ESC).replace("\n", NEWLINE)


def decoded(text: str) -> str:
    from fuzz_keys import PASTE_SPACE

    return text.replace(PASTE_SPACE, " ").replace(ESC, "\x1b").replace(NEWLINE, "\n")


def checkin_moves(
    rng: random.Random, app: Any, database: Path | None, scanned: list[list[str]] | None = None
) -> list[str]:
    from fuzz_focus import gap
    from fuzz_keys import DEVICE, PASTE, read_twice

    name = type(app.screen).__name__
    if name == "RecipientPicker":  # a name looked for, then taken or not
        return [*person(rng, rng.choice(NAMES)), *gap(rng), rng.choice(["enter", "enter", "escape", "down"])]
    if name == "BatchPicker":
        return [
            *[rng.choice(["down", "up"]) for _ in range(rng.randint(0, 3))],
            rng.choice(["enter", "escape"]),
        ]
    if name == "MissingPhones":
        return [*person(rng, typed_phone(rng)), rng.choice(["enter", "escape", "tab"])]
    if name != "CheckinScreen":
        return []
    focused = getattr(app.focused, "id", None)
    bag = getattr(app.screen, "batch_carrier", None)  # the courier's bag, one carrier's parcels
    if getattr(app.screen, "quick", False) and rng.random() < 0.3:
        return ["f8", *gap(rng)]  # quick mode off again: in it the Phone field takes nothing
    roll = rng.random()
    if roll < 0.45:  # a parcel scanned, then (mostly) its phone
        read = [*read_twice(rng, scan(fresh_waybill(rng, bag)), scanned), *looks(rng)]
        if rng.random() < 0.2:
            return read
        phone = typed_phone(rng)
        cut = rng.randint(1, max(1, len(phone) - 1))
        if scanned and rng.random() < 0.3:  # the parcel in hand scanned again as its phone is typed
            again = [*person(rng, phone[:cut]), *reaches(rng), *scanned[-1], *looks(rng)]
            after = [*again, *person(rng, phone[cut:]), "enter"]
        elif rng.random() < 0.15:  # half a phone, then the next parcel's scan arrives
            after = [*person(rng, phone[:cut]), *reaches(rng), *scan(fresh_waybill(rng, bag))]
        else:
            after = [*person(rng, phone), rng.choice(["enter", "enter", "enter", "tab"])]
        return [*read, *after]
    if roll < 0.55 and focused in {"scan", "phone", "size"}:  # the size, then the scan it is for
        ids = [getattr(w, "id", None) for w in app.screen.focus_chain]
        if "size" not in ids:
            return []
        tabs = (ids.index("size") - ids.index(focused)) % len(ids)
        size = rng.choice(["S", "m", "L", "XL", "x", "Q"])
        return [*["tab", "|"] * tabs, *person(rng, size), *reaches(rng), *scan(fresh_waybill(rng, bag))]
    if roll < 0.58:
        return ["f8", *gap(rng)]  # quick mode on or off
    if roll < 0.68:
        return ["f9", "|"]
    if roll < 0.76:
        return ["ctrl+n", *gap(rng)]
    if roll < 0.8:
        return ["f7", "|"]
    if roll < 0.86:
        return ["ctrl+z", *gap(rng)]
    if roll < 0.9:
        return scan(mobile(rng))  # a phone's barcode, or a mobile read off the box into the scan field
    if roll < 0.95:  # a split scan: its head, a pause, its tail
        waybill = fresh_waybill(rng, bag)
        at = rng.randint(2, len(waybill) - 2)
        return [*waybill[:at], "~100", *waybill[at:], "enter"]
    text = rng.choice(MARKUP_SCANS)
    how = rng.random()
    if how < 0.4:
        return scan(text)
    if how < 0.6:
        return [DEVICE + encoded(text)]
    if how < 0.8:
        return [PASTE + encoded(text), "enter"]
    return person(rng, text)


def watch_typed_phones(typed: dict[str, set[str]]) -> Any:
    """Each whole mobile the Check-in screen's Phone field comes to hold, with what the label beside it
    named each time it did (typed[mobile] = the labels' texts). Returns the undo."""
    from textual.widgets import Input

    watch = Input._watch_value

    # A watcher: Textual hands it as many values as its signature counts (old and new, or new), so it
    # keeps its own: a `*args` would get none.
    def watched(self: Any, value: str) -> None:
        if self.id == "phone" and MOBILE.fullmatch(value.strip()):
            # A field no longer on its screen: nobody typed into it.
            with contextlib.suppress(Exception):
                label = str(self.screen.query_one("#ci-phone-for").render())
                typed.setdefault(value.strip(), set()).add(label)
        watch(self, value)

    Input._watch_value = watched  # type: ignore[method-assign]

    def restore() -> None:
        Input._watch_value = watch  # type: ignore[method-assign]

    return restore


def parcel_phones(path: Path) -> dict[int, str | None]:
    """Each parcel's whole phone: taken as the run starts, what the run did not write."""
    with sqlite3.connect(path) as db:
        return dict(db.execute("SELECT id, phone_full FROM parcel").fetchall())


def misdirected_phones(path: Path, typed: dict[str, set[str]], before: dict[int, str | None]) -> list[str]:
    """The whole mobiles typed on Check-in that a parcel came to hold during the run (`before`: the
    parcels' phones as it started) and no label named as they were typed: the parcel's code and waybill
    end, or the end of its scan before the answer."""
    if not typed:
        return []
    marks = ",".join("?" * len(typed))
    with sqlite3.connect(path) as db:
        rows = db.execute(
            f"SELECT id, phone_full, waybill, pickup_code FROM parcel WHERE phone_full IN ({marks})",  # noqa: S608
            list(typed),
        ).fetchall()
        given = directory_given(db, [row[0] for row in rows])
    wrong = []
    for pid, phone, waybill, code in rows:
        if pid in before and before[pid] == phone:
            continue  # the parcel held it before the run: a directory person's, typed for another parcel
        if pid in given:
            continue  # the person picked for it (Ctrl+N, "who is this?") gave it their number, nobody typed it
        labels = typed[phone]
        if not any(named(label, waybill, code) for label in labels):
            shown = " or ".join(repr(label) for label in sorted(labels))
            wrong.append(f"{phone[:3]}…{phone[-4:]} went to {code} {waybill}, typed under {shown}")
    return wrong


def directory_given(db: sqlite3.Connection, parcels: list[int]) -> set[int]:
    """The parcels whose phone last came from the directory: a link to a person that gave a parcel with
    no whole number theirs (its event says the masked phone), no phone typed for it since."""
    if not parcels:
        return set()
    marks = ",".join("?" * len(parcels))
    rows = db.execute(
        f"SELECT parcel_id, kind, details FROM parcel_event WHERE parcel_id IN ({marks})"  # noqa: S608
        " AND kind IN ('phone_set', 'recipient_linked') ORDER BY id",
        parcels,
    ).fetchall()
    last: dict[int, bool] = {}
    for pid, kind, details in rows:
        if kind == "phone_set":
            last[pid] = False
        elif "masked_phone" in json.loads(details or "{}"):
            last[pid] = True
    return {pid for pid, linked in last.items() if linked}


def named(label: str, waybill: str, code: str | None) -> bool:
    """The label names the parcel: its code and waybill end, or the end of its scan."""
    return (code or "?") in label and waybill[-4:] in label or waybill[-6:] in label


def newest_parcel(path: Path) -> int:
    with sqlite3.connect(path) as db:
        return int(db.execute("SELECT coalesce(max(id), 0) FROM parcel").fetchone()[0])


def unshown_checkins(path: Path, since: int, acknowledged: dict[int, str]) -> list[str]:
    """Parcels the run added (ids past `since`) that the screen never showed checked in. A stocktake's
    close checks in too, the strays it found (rechecked) and the parcels found after they left (put
    back), with no Check-in screen to show them: its result names them, and they are left out."""
    with sqlite3.connect(path) as db:
        rows = db.execute("SELECT id, waybill FROM parcel WHERE id > ?", (since,)).fetchall()
        results = db.execute("SELECT result FROM stocktake WHERE status = 'closed'").fetchall()
    by_stocktake: set[str] = set()
    for (text,) in results:
        fixes = json.loads(text or "{}").get("fixes", {})
        by_stocktake |= {done["waybill"] for fix in ("rechecked", "put_back") for done in fixes.get(fix, [])}
    return [
        f"{pid} {waybill}" for pid, waybill in rows if pid not in acknowledged and waybill not in by_stocktake
    ]
