"""`--printers` for the console fuzzer (scripts/fuzz_console.py): the run's counter has printers, some set
up wrong, and the fuzzer takes them away and sets them up wrong while the console runs.

The run's counter.toml (the file `station` reads as it starts, read here by `load_counter_settings` as
the console's start reads it) holds: `labels`, the default, TSPL into a folder of the run's (one file per
job, as a spool folder on a USB stick or a share); `office`, PDF into another folder, for manifests and
receipts; `network`, ZPL over TCP to a port of the fuzzer's own that starts closed (test prints go
there); and, as a technician's hand edit would leave them, a name with markup (a name a printer may have:
shown as data), a name with a control character, an unknown language and an unknown transport: each of
the last three is said as set up wrong while the others print.

Moves (a token `printer:WHAT[:NAME]`, drawn now and then by `printer_moves`, replayed as they are):
a folder gone (moved aside, as a drive pulled out: what it printed stays countable) and back, a file
where the folder was, the folder made read-only and writable again (as root the system lets it be
written all the same), the network printer's port opened and closed, and counter.toml edited while the
console runs: an entry with a bad language or transport, the file half-written, the file gone, the file
as it was. The console reads the file again only when a manager saves (Settings, Printers): the move
is there for that read. Keys: Settings' F8 (Printers), a printer's test print (F7), default (F8), queue
(F10; its Retry and Cancel), the form given a name with markup or a control character, and Ctrl+S.

`PrintWatch` checks that no print job is lost: every job row seen stays; none is left "sending" once the
console stopped; a failed one keeps its reason; each job marked printed by a folder printer is a file in
its folder (or in the folder moved aside) and each printed by `network` a connection its port took; and
on a quiet console, after a send to a folder printer found its folder gone or blocked, the header does
not say that printer is ready.
"""

from __future__ import annotations

import contextlib
import os
import random
import socket
import sqlite3
import threading
from collections import Counter
from pathlib import Path
from typing import Any

PRINTER = "printer:"  # a token: a move of the printers' own (`PrinterStage.move`)
FOLDERS = {"labels": "printer-out", "office": "printer-pdf"}  # the folder printers and their folders
# A name a printer may have: markup in it is data (a tag the console never uses: no raw-markup note).
MARKUP_NAME = "[magenta]Back[/magenta] room"
MOVE_CHANCE = 0.04  # a draw that is a move of the printers (with --printers), anywhere
# Keys of the printers' screens (with --printers), drawn on them now and then; Settings' F8 opens Printers.
WAYS = {
    "SettingsScreen": (0.3, [["f8"]]),
    "PrintersScreen": (
        0.35,
        [["down", "f7"], ["up", "f7"], ["f7"], ["f10"], ["f10"], ["down", "f8"], ["down", "down", "f9"]],
    ),
    "PrintQueueScreen": (0.4, [["down", "r"], ["r"], ["c"], ["down", "c"], ["ctrl+r"], ["escape"]]),
}
TO_SETTINGS = 0.01  # elsewhere: Ctrl+S (Settings), now and then, so Printers is reached
# Pasted into the Printers form's empty name: a name with markup, a control character, a line break.
FORM_NAMES = [MARKUP_NAME, "lab\x07el", "front\ndesk", "[@click=app.quit]q", "x" * 45]
STATES = ("gone", "back", "blocked", "readonly", "writable")


def closed_port() -> int:
    """A port nothing listens on now (the listener may open it later)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def printers_toml(run: Path, port: int, *, bad: str = "") -> dict[str, Any]:
    """The run's counter.toml; `bad`: `language` or `transport`, the default printer's so edited."""
    labels = {
        "language": "tspl",
        "transport": "file",
        "target": f"{run / FOLDERS['labels']}/",
        "size": "40x30",
        "jobs": ["label", "test"],
    }
    if bad == "language":
        labels["language"] = "tspl2"
    elif bad == "transport":
        labels["transport"] = "serial-ish"
    office = {
        "language": "pdf",
        "transport": "file",
        "target": f"{run / FOLDERS['office']}/",
        "jobs": ["manifest", "receipt", "test"],
    }
    network = {"language": "zpl", "transport": "tcp", "target": f"127.0.0.1:{port}", "jobs": ["test"]}
    odd = {
        MARKUP_NAME: {"language": "tspl", "transport": "dummy", "target": "back", "jobs": ["test"]},
        "lab\x07el": {"language": "tspl", "transport": "dummy", "target": "x", "jobs": ["test"]},
        "tsplx-printer": {"language": "tsplx", "transport": "dummy", "target": "x"},
        "pigeon": {"language": "tspl", "transport": "pigeon", "target": "loft"},
        # An escape sequence in a name and a target, as a hand edit (a paste from a terminal) leaves them.
        "esc\x1b[31mred": {"language": "tspl", "transport": "dummy", "target": "x", "jobs": ["test"]},
        "shared": {"language": "tspl", "transport": "dummy", "target": "\x1b]0;owned\x07", "jobs": ["test"]},
    }
    return {
        "counter": "fuzz",
        "printer": {"name": "labels", **labels},
        "printers": {"labels": labels, "office": office, "network": network, **odd},
    }


class PortPrinter:
    """A network printer on a port of the fuzzer's: open, it takes each job (one connection, read to its
    end) and counts it; closed, a connection is refused, as a printer switched off."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.jobs = 0
        self._server: socket.socket | None = None
        self._lock = threading.Lock()

    def open(self) -> None:
        if self._server is not None:
            return
        server = socket.socket()
        server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            server.bind(("127.0.0.1", self.port))
        except OSError:
            server.close()  # taken meanwhile by another program: it stays closed for this run
            return
        server.listen(8)
        self._server = server
        threading.Thread(target=self._serve, args=(server,), daemon=True).start()

    def close(self) -> None:
        server, self._server = self._server, None
        if server is not None:
            # Closed alone, a socket a thread waits in accept() on keeps listening until a connection
            # comes: shut down first, the wait ends and the port refuses.
            with contextlib.suppress(OSError):
                server.shutdown(socket.SHUT_RDWR)
            server.close()

    def _serve(self, server: socket.socket) -> None:
        while True:
            try:
                conn, _ = server.accept()
            except OSError:
                return  # closed
            with conn:
                conn.settimeout(5)
                got = 0
                try:
                    while chunk := conn.recv(65536):
                        got += len(chunk)
                except OSError:
                    pass
            if got:
                with self._lock:
                    self.jobs += 1


class PrinterStage:
    """The run's printers as the fuzzer sets them up and takes them away: its folders, its port, its
    counter.toml; the moves made, counted by kind."""

    def __init__(self, run: Path) -> None:
        self.run = run
        self.port = PortPrinter(closed_port())
        self.moves: Counter[str] = Counter()
        self.broken: dict[str, dict[int, int]] = {}  # a folder printer gone or blocked: jobs' attempts then
        self.aside = 0

    def set_up(self) -> Path:
        """The folders and counter.toml, before the console opens; the file's path."""
        import tomli_w

        for folder in FOLDERS.values():
            (self.run / folder).mkdir()
        path = self.run / "counter.toml"
        path.write_text(tomli_w.dumps(printers_toml(self.run, self.port.port)), encoding="utf-8")
        return path

    def move(self, token: str, database: Path) -> None:
        what, _, name = token[len(PRINTER) :].partition(":")
        self.moves[what] += 1
        if what.startswith("port-"):
            self.port.open() if what == "port-open" else self.port.close()
        elif what.startswith("toml-"):
            self._edit(what)
        elif name in FOLDERS:
            self._folder(what, name, database)

    def _folder(self, what: str, name: str, database: Path) -> None:
        folder = self.run / FOLDERS[name]
        if what in ("gone", "blocked") and folder.is_dir():
            self.aside += 1
            folder.rename(folder.with_name(f"{folder.name}.aside-{self.aside}"))
        if what == "blocked" and not folder.exists():
            folder.write_text("a file where the printer's folder was\n", encoding="utf-8")
        if what in ("gone", "blocked"):
            self.broken.setdefault(name, attempts(database))
        elif what == "back":
            if folder.is_file():
                folder.unlink()
            folder.mkdir(exist_ok=True)
            os.chmod(folder, 0o755)
            self.broken.pop(name, None)
        elif what in ("readonly", "writable") and folder.is_dir():
            os.chmod(folder, 0o555 if what == "readonly" else 0o755)

    def _edit(self, what: str) -> None:
        import tomli_w

        path = self.run / "counter.toml"
        if what == "toml-gone":
            path.unlink(missing_ok=True)
        elif what == "toml-broken":
            path.write_text('counter = "fuzz"\n[printers.labels]\nlanguage = "tsp', encoding="utf-8")
        else:
            bad = {"toml-language": "language", "toml-transport": "transport"}.get(what, "")
            path.write_text(tomli_w.dumps(printers_toml(self.run, self.port.port, bad=bad)), encoding="utf-8")

    def files(self, name: str) -> int:
        """The jobs a folder printer wrote: its folder's files and those of its folders moved aside."""
        base = FOLDERS[name]
        return sum(
            len(list(folder.glob("job-*")))
            for folder in self.run.glob(f"{base}*")
            if folder.is_dir() and (folder.name == base or folder.name.startswith(f"{base}.aside-"))
        )

    def stop(self) -> None:
        self.port.close()
        for name in FOLDERS:  # the run's folder removed afterwards, by its owner
            for folder in self.run.glob(f"{FOLDERS[name]}*"):
                if folder.is_dir():
                    os.chmod(folder, 0o755)


def printed_by(db: sqlite3.Connection) -> Counter[str]:
    """The jobs marked printed, by the printer that printed them."""
    return Counter(
        dict(db.execute("SELECT printer, count(*) FROM print_job WHERE status = 'printed' GROUP BY printer"))
    )


def attempts(database: Path) -> dict[int, int]:
    """Every print job's attempts so far, by id."""
    with sqlite3.connect(database) as db:
        return dict(db.execute("SELECT id, attempts FROM print_job"))


def printer_moves(rng: random.Random, app: Any, chance: float = MOVE_CHANCE) -> list[str]:
    """With --printers: a move of the printers (anywhere, at `chance`), the printers' screens' own keys
    on them, the Printers form's name given an odd one, or the way to Settings; else nothing."""
    from fuzz_keys import PASTE, PASTE_SPACE

    screen = type(app.screen).__name__
    focused = getattr(app.focused, "id", None)
    if rng.random() < chance:
        roll = rng.random()
        if roll < 0.6:
            what = rng.choice(["gone", "gone", "back", "back", "back", "blocked", "readonly", "writable"])
            return [f"{PRINTER}{what}:{rng.choice(list(FOLDERS))}", *rng.choice([[], ["|"]])]
        if roll < 0.8:
            return [f"{PRINTER}{rng.choice(['port-open', 'port-close'])}"]
        edit = rng.choice(["toml-language", "toml-transport", "toml-broken", "toml-gone", "toml-restore"])
        return [f"{PRINTER}{edit}"]
    if screen == "PrintersScreen" and focused == "p-name" and rng.random() < 0.1:
        name = rng.choice(FORM_NAMES).replace(" ", PASTE_SPACE)
        from fuzz_checkin import encoded

        return ["ctrl+u", PASTE + encoded(name), "ctrl+s", "|"]
    chance, keys = WAYS.get(screen, (0.0, []))
    if keys and rng.random() < chance:
        return [*rng.choice(keys), "|"]
    if screen not in WAYS and rng.random() < TO_SETTINGS:
        return ["ctrl+s", "|"]
    return []


# Typed into the Printers form's target: a folder of the run's (it exists, or not), the closed port's
# host, a device that is not there, markup.
TARGETS = ["printer-out/", "nowhere/", "127.0.0.1:9", "/dev/usb/lp9", "[magenta]x[/magenta]", ""]


def focus_moves(rng: random.Random, app: Any, database: Path | None) -> list[str]:
    """`--focus printers` (fuzz_focus.py): on Printers a printer filled in and saved (a name, a language
    and a transport chosen, a target typed), or its keys; on the queue its keys; a move of the printers
    more often than elsewhere."""
    from fuzz_recipients import typed

    if type(app.screen).__name__ == "PrintersScreen" and rng.random() < 0.35:
        name = rng.choice(["front", "front", "标签机", MARKUP_NAME])
        choose = [rng.choice([[], ["enter", *["down"] * rng.randint(1, 4), "enter"]]) for _ in range(2)]
        target = rng.choice(TARGETS)
        if target.endswith("/") and database is not None:
            target = f"{database.parent / target}"  # the run's folder: its printers' folders are there
        if getattr(app.focused, "id", None) != "p-name":
            return ["shift+tab", "|"]  # a step back to the name: the form's fields come before the list
        return [
            "ctrl+u",
            *typed(name),
            "tab",
            *choose[0],
            "tab",
            *choose[1],
            "tab",
            "tab",
            "tab",
            "ctrl+u",
            *typed(target),
            "ctrl+s",
            "|",
        ]
    return printer_moves(rng, app, chance=0.15)


class PrintWatch:
    """The print jobs of one run: lost, stuck, unsaid (see the module's doc), and what the run printed."""

    def __init__(self, database: Path, stage: PrinterStage) -> None:
        self.database = database
        self.stage = stage
        self.seen: set[int] = set()
        with sqlite3.connect(database) as db:
            self.first = db.execute("SELECT coalesce(max(id), 0) FROM print_job").fetchone()[0]
            self.printed_before = printed_by(db)
        self.look()

    def look(self) -> None:
        with sqlite3.connect(self.database) as db:
            self.seen |= {job_id for (job_id,) in db.execute("SELECT id FROM print_job")}

    def unsaid(self, app: Any) -> list[str]:
        """On a quiet console: a folder printer whose send found its folder gone or blocked since it
        was taken away, and the header holding it ready."""
        self.look()
        worker = getattr(app, "print_worker", None)
        if worker is None:
            return []
        wrong = []
        for name, before in self.stage.broken.items():
            with sqlite3.connect(self.database) as db:
                rows = db.execute(
                    "SELECT id, attempts, last_error FROM print_job WHERE status = 'failed'"
                    " AND (printer = ? OR printer IS NULL)",
                    (name,),
                ).fetchall()
            tried = [
                job_id
                for job_id, tries, error in rows
                if tries > before.get(job_id, 0) and FOLDERS[name] in str(error)
            ]
            state = worker._found.get(name, ("untried", None))[0]
            if tried and state == "ready":
                wrong.append(
                    f"printer {name}: job {tried[0]} refused (its folder gone), the header says ready"
                )
        return wrong

    def findings(self) -> list[str]:
        """Once the console stopped: the jobs lost or stuck, each in words."""
        self.look()
        wrong = []
        with sqlite3.connect(self.database) as db:
            rows = {
                job_id: (status, error, printer)
                for job_id, status, error, printer in db.execute(
                    "SELECT id, status, last_error, printer FROM print_job"
                )
            }
            printed = printed_by(db) - self.printed_before
        gone = sorted(self.seen - set(rows))
        if gone:
            wrong.append(f"print jobs gone from the queue: {gone[:5]}")
        stuck = [job_id for job_id, (status, _, _) in rows.items() if status == "sending"]
        if stuck:
            wrong.append(f"print jobs left sending after the console stopped: {stuck[:5]}")
        bare = [job_id for job_id, (status, error, _) in rows.items() if status == "failed" and not error]
        if bare:
            wrong.append(f"print jobs failed with no reason kept: {bare[:5]}")
        for name in FOLDERS:
            files = self.stage.files(name)
            if printed[name] > files:
                wrong.append(f"{printed[name]} jobs marked printed by {name}, {files} files in its folders")
        if printed["network"] > self.stage.port.jobs:
            wrong.append(
                f"{printed['network']} jobs marked printed by network, its port took {self.stage.port.jobs}"
            )
        return wrong

    def end(self, outcome: Any) -> None:
        """Once the console stopped: the run's `outcome` (fuzz_outcome.py) told what its printers did,
        and a print job lost made its crash, unless it has one."""
        from fuzz_outcome import Crash

        outcome.printing = self.tally()
        lost = self.findings()
        if lost and outcome.crash is None:
            outcome.crash = Crash("lost", "; ".join(lost), "print job lost", len(outcome.sent))

    def tally(self) -> str:
        """What the run's printers did: the moves, the jobs made in the run by kind and status, and by
        printer the jobs marked printed in the run beside what that printer was given in the run (its
        files, its port's connections): a job queued before the run and printed in it is in both."""
        with sqlite3.connect(self.database) as db:
            rows = db.execute(
                "SELECT kind, status, count(*) FROM print_job WHERE id > ? GROUP BY kind, status",
                (self.first,),
            ).fetchall()
            printed = printed_by(db) - self.printed_before
        jobs = ", ".join(f"{kind} {status} {n}" for kind, status, n in rows) or "no jobs"
        moves = ", ".join(f"{what} {n}" for what, n in sorted(self.stage.moves.items())) or "no moves"
        given = {**{name: self.stage.files(name) for name in FOLDERS}, "network": self.stage.port.jobs}
        by_printer = ", ".join(f"{name} {printed[name]}/{n}" for name, n in given.items())
        return (
            f"moves: {moves}; jobs made in the run: {jobs}; printed in the run (jobs marked printed/given"
            f" the printer): {by_printer}"
        )
