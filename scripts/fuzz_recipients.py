"""`--focus recipients` for the console fuzzer (scripts/fuzz_console.py): the directory's own flows, and
what the fuzzer checks of what they write.

A directory write links the parcels on the shelf that wait with its person's full phone and nobody's
(services/recipients/phone_links.py), and names those a phone it made shared leaves with another
person. Random keys reach Settings > Recipients now and then and fill its forms only by chance. On it,
most draws here are moves (fuzz_focus.py): F9 a person added, F8 their phones, name or room changed,
F7 what they said chosen in the consent form, each sent with Ctrl+S or Enter or dropped; the phones a
shelf parcel waits with, another person's (shared), a fresh one, two at once or half of one; F12
(deactivate, answered), F10 a directory file's path typed (`directory_files`: new people, a phone a
person has, a shelf parcel's phone, markup in a name, files refused) and its preview answered; F11 and,
on Check-in, Ctrl+W: "who is this?", a parcel picked and a person searched and chosen.

What the fuzzer checks (`DirectoryWatch`): every add, edit, consent or (de)activation the screen said
was saved is in the database once (an audit event of that person's since the run began, as many as the
screen acknowledged; written and never acknowledged is only a note: the clerk left before the answer);
no directory write links a parcel to a person whose phone is another active person's too, or to an
inactive one (checked in the write's own transaction, as it links); and no parcel the run linked is
linked to a person deactivated before the link (from the database at the end).
"""

from __future__ import annotations

import json
import random
import sqlite3
from collections import Counter
from pathlib import Path
from typing import Any

NAMES = ["赵敏", "Li", "[magenta]钱七", "王五", "ZhouXin"]  # tags the console never uses: data
ROOMS = ["3-502", "5-1201", "B-12", "[/magenta]"]
FRESH = ["13700001111", "13700002222"]  # no parcel, no person: two new people may take the same one
# A field emptied, then a pause: a paste or key right behind Ctrl+U reaches the field before Ctrl+U's
# action runs, which then deletes it (a type-ahead gap of its own, left for a fix there).
CLEARED = ["ctrl+u", "~60"]
# A directory file's people (`directory_files`): the second shares 张三's phone (fuzz_station's DIRECTORY).
HEADER = "学号,姓名,手机,楼栋,房间\n"


def directory_files(folder: Path, database: Path) -> list[str]:
    """Directory files for the import form, written into `folder` once per schema (two phones shelf
    parcels of `database` wait with are in them: the same every run, so a printed sequence replays):
    good ones (new people, a phone shared, a shelf parcel's phone, a name that looks like markup),
    refused ones, a missing file, the folder."""
    from db.migrate import head_revision

    out = folder / f"directory-{head_revision()}"
    waiting, _people = phones_now(database)
    waiting = sorted(waiting)[:2] + ["13600000000", "13600000001"][len(waiting[:2]) :]
    files: dict[str, str | bytes] = {
        "名单.csv": HEADER + f"S001,孙一,{waiting[0]},3,3-101\nS002,[/magenta]周二,13812345678,3,3-102\n",
        "roster.csv": f"id,name,phone,phone2\nS003,Wu San,{waiting[1]},13987654321\nS004,郑四,13700003333,\n",
        # Two new people with one waiting phone: the parcel is neither's.
        "roster-shared.csv": HEADER + f"S008,蒋七,{waiting[0]},3,3-104\nS009,沈八,{waiting[0]},3,3-104\n",
        "roster-gbk.csv": (HEADER + "S005,冯五,13700004444,5,5-1201\n").encode("gbk"),
        "roster-no-name.csv": "学号,手机\nS006,13700005555\n",
        "roster-bad.csv": HEADER + "S007,陈六,1370000,3,3-103\nS007,陈六,13700006666,3,3-103\n",
    }
    out.mkdir(parents=True, exist_ok=True)
    for name, body in files.items():
        if not (out / name).exists():
            (out / name).write_bytes(body if isinstance(body, bytes) else body.encode("utf-8"))
    return [*(str(out / name) for name in files), str(out / "missing.csv"), str(out)]


def phones_now(database: Path | None) -> tuple[list[str], list[str]]:
    """(phones shelf parcels wait with and nobody has, the active people's phones), in the run's copy."""
    if database is None:
        return [], []
    with sqlite3.connect(database) as db:
        waiting = db.execute(
            "SELECT phone_full FROM parcel WHERE status = 'on_shelf' AND recipient_id IS NULL"
            " AND phone_full IS NOT NULL"
        ).fetchall()
        people = db.execute(
            "SELECT phone_full FROM recipient_phone JOIN recipient ON recipient.id = recipient_id"
            " WHERE active AND phone_full IS NOT NULL"
        ).fetchall()
    return [p for (p,) in waiting], [p for (p,) in people]


def typed(text: str) -> list[str]:
    """`text` typed by a person (a key every 40-150 ms): back to back, the form's fields take it for a
    scan and refuse it."""
    from fuzz_checkin import person

    rng = random.Random(text)
    return [key if key != " " else "space" for key in person(rng, text)]


def some_phones(rng: random.Random, database: Path | None) -> str:
    waiting, people = phones_now(database)
    pool = [*waiting * 3, *people * 2, *FRESH, "1381234", "12"]
    first = rng.choice(pool)
    return f"{first}/{rng.choice(pool)}" if rng.random() < 0.2 else first


def sent(rng: random.Random) -> list[str]:
    from fuzz_focus import gap

    return [*rng.choice([["ctrl+s"], ["ctrl+s"], ["enter"], ["escape"]]), *gap(rng)]


def person_form(rng: random.Random, database: Path | None, adding: bool) -> list[str]:
    """The person form open on its first field (Id): Tab to each field typed (name, phones, room), what
    is typed (an edit's field emptied first), then sent or dropped."""
    order = {"name": 1, "phones": 3, "room": 7}
    if adding:
        wanted = {"name": rng.choice(NAMES), "phones": some_phones(rng, database)}
        if rng.random() < 0.3:
            wanted["room"] = rng.choice(ROOMS)
    else:
        field = rng.choice(["phones", "phones", "name", "room"])
        wanted = {
            field: some_phones(rng, database)
            if field == "phones"
            else rng.choice(NAMES if field == "name" else ROOMS)
        }
    keys: list[str] = []
    at = 0
    for key in sorted(wanted, key=order.__getitem__):
        keys += ["tab"] * (order[key] - at)
        at = order[key]
        keys += [*([] if adding else CLEARED), *typed(wanted[key])]
    return [*keys, *sent(rng)]


def consent_form(rng: random.Random) -> list[str]:
    """The consent form's choices (consent, delivery choice, reminders, proxies): some chosen, then sent."""
    keys: list[str] = []
    for _ in range(4):
        if rng.random() < 0.6:
            keys += ["enter", *["down"] * rng.randint(1, 3), "enter"]
        keys.append("tab")
    return [*keys, *sent(rng)]


def recipients_moves(rng: random.Random, app: Any, database: Path | None) -> list[str]:
    from fuzz_checkin import encoded
    from fuzz_focus import gap
    from fuzz_keys import PASTE

    name = type(app.screen).__name__
    under = {type(s).__name__ for s in app.screen_stack}
    if name == "SettingsScreen":
        return ["f12", "|"]
    if name == "CheckinScreen":
        return ["ctrl+w", "|"] if rng.random() < 0.5 else ["ctrl+s", "|", "f12", "|"]
    if name == "WhoIsThisDialog":  # a parcel, a person searched for it, chosen
        search = (
            [*typed(rng.choice(["zs", "张", "5678", "wang", "3-5"])), "enter"] if rng.random() < 0.5 else []
        )
        pick = rng.choice([["enter"], ["down", "enter"], ["escape"], []])
        return [*["down"] * rng.randint(0, 2), "tab", *search, *gap(rng), *pick, *gap(rng)]
    if name == "ConfirmDialog":
        return [rng.choice(["y", "y", "n", "escape", "enter"]), *gap(rng)]
    if name == "FormDialog" and "RecipientsScreen" in under:
        if getattr(app.focused, "id", None) == "form-path" and database is not None:  # the import's
            path = rng.choice(directory_files(database.parent.parent / "files", database))
            full = ["tab", "tab", "space"] if rng.random() < 0.25 else []  # people not in it deactivated
            # Mostly previewed and its question answered at once: between two moves the alphabet's keys
            # (a lock, another screen) left most previews unanswered, and no run wrote an import.
            answered = ["ctrl+s", "|", rng.choice(["y", "y", "y", "n", "escape"]), *gap(rng)]
            given = [PASTE + encoded(path)] if rng.random() < 0.8 else typed(path)  # a path is pasted
            return [*CLEARED, *given, *full, *(answered if rng.random() < 0.7 else sent(rng))]
        if getattr(app.focused, "id", None) == "form-consent":
            return consent_form(rng)
        if getattr(app.focused, "id", None) == "form-external_id":  # an edit's form holds their name
            return person_form(rng, database, adding=not app.screen.query_one("#form-name").value)
        return [rng.choice(["ctrl+s", "escape", "tab"]), *gap(rng)]
    if name != "RecipientsScreen":
        return []
    arrows = [
        rng.choice(["up", "down", "home", "end", "pageup", "pagedown"]) for _ in range(rng.randint(0, 3))
    ]
    arrows = [t for key in arrows for t in (key, *gap(rng))]
    after = rng.choice(
        [
            ["f8", "|"],
            ["f8", "|"],
            ["f9", "|"],
            ["f9", "|"],
            ["f7", "|"],
            ["f7", "|"],
            ["f7", "|"],  # consent: once in six moves, no run recorded one
            ["f10", "|"],
            ["f11", "|"],
            ["f12", *gap(rng)],
            ["f8", *gap(rng), "escape"],
            ["f8", "f8"],
            ["escape", "|", "f1", "|"],  # to Check-in, for its Ctrl+W
        ]
    )
    return (
        ["tab", *arrows, *after]
        if app.focused is not None and app.focused.id == "rc-search"
        else [*arrows, *after]
    )


class DirectoryWatch:
    """What the directory's writes did, watched as they happen: the screen's acknowledgements (its
    `done_changed`, a person as saved) and each link a directory write makes, judged in its transaction."""

    def __init__(self, database: Path) -> None:
        self.database = database
        directory_files(database.parent.parent / "files", database)  # for a replay's typed paths too
        with sqlite3.connect(database) as db:
            self.since = int(db.execute("SELECT coalesce(max(id), 0) FROM parcel_event").fetchone()[0])
        self.acked: list[tuple[int, int]] = []  # (person, version) as the screen said it saved them
        self.wrong: list[str] = []  # links judged wrong as they were made
        self.imports = 0  # imports the screen said were written

    def watch(self) -> Any:
        from sqlalchemy import text

        from station_console.services.recipients import phone_links
        from station_console.tui.screens.recipients import RecipientsScreen

        done_changed, link_in = RecipientsScreen.done_changed, phone_links.link_in
        done_imported = RecipientsScreen.done_imported

        # What else the screen and the service give is passed on as given: a keyword added breaks no run.
        def imported(screen: Any, result: Any, *args: Any, **kwargs: Any) -> None:
            self.imports += 1
            done_imported(screen, result, *args, **kwargs)

        def acknowledged(screen: Any, view: Any, *args: Any, **kwargs: Any) -> None:
            self.acked.append((view.id, view.version))
            done_changed(screen, view, *args, **kwargs)

        def judged(session: Any, station: Any, parcel: Any, row: Any, *args: Any, **kwargs: Any) -> Any:
            owners = set(
                session.execute(
                    text(
                        "SELECT recipient_id FROM recipient_phone JOIN recipient ON recipient.id = recipient_id"
                        " WHERE phone_full = :phone AND active"
                    ),
                    {"phone": parcel.phone_full},
                ).scalars()
            )
            if owners != {row.id} or not row.active:
                self.wrong.append(
                    f"parcel {parcel.pickup_code} linked to #{row.id} (active: {row.active}) by a phone"
                    f" whose active people are {sorted(owners)}"
                )
            return link_in(session, station, parcel, row, *args, **kwargs)

        RecipientsScreen.done_changed = acknowledged  # type: ignore[method-assign,assignment]
        RecipientsScreen.done_imported = imported  # type: ignore[method-assign,assignment]
        phone_links.link_in = judged  # type: ignore[assignment]

        def restore() -> None:
            RecipientsScreen.done_changed = done_changed  # type: ignore[method-assign]
            RecipientsScreen.done_imported = done_imported  # type: ignore[method-assign]
            phone_links.link_in = link_in

        return restore

    def findings(self) -> tuple[list[str], list[str]]:
        """(what is wrong, notes) of the directory's writes, from the database at the end."""
        kinds = ("recipient_changed", "consent_recorded")
        with sqlite3.connect(self.database) as db:
            events = db.execute(
                "SELECT kind, at, details FROM parcel_event WHERE id > ?"
                " AND kind IN (?, ?, 'recipient_linked', 'recipients_imported')",
                (self.since, *kinds),
            ).fetchall()
            people = {
                rid: (bool(active), at)
                for rid, active, at in db.execute("SELECT id, active, deactivated_at FROM recipient")
            }
        written: Counter[int] = Counter()
        what: dict[int, list[str]] = {}  # each person's writes, for a note: added, edited, consent...
        wrong = list(self.wrong)
        imports = sum(kind == "recipients_imported" for kind, _at, _details in events)
        if self.imports > imports:
            wrong.append(f"{self.imports} imports written on screen, {imports} in the database")
        for kind, at, details in events:
            rid = json.loads(details).get("recipient")
            if kind == "recipients_imported":
                continue
            if kind in kinds:
                written[rid] += 1
                what.setdefault(rid, []).append(json.loads(details).get("change", "consent"))
                continue
            active, deactivated = people.get(rid, (False, None))
            if not active and (deactivated is None or deactivated <= at):
                wrong.append(f"a parcel linked at {at} to #{rid}, deactivated at {deactivated}")
        acked = Counter(rid for rid, _ in self.acked)
        wrong += [
            f"#{rid} saved {n} times on screen, {written[rid]} in the database"
            for rid, n in acked.items()
            if n > written[rid]
        ]
        twice = [ack for ack, n in Counter(self.acked).items() if n > 1]
        wrong += [f"#{rid} version {version} acknowledged twice" for rid, version in twice]
        notes = [
            f"directory: #{rid} written {n} times ({', '.join(what[rid])}), acknowledged {acked[rid]}"
            for rid, n in written.items()
            if n > acked[rid]
        ]
        return wrong, notes
