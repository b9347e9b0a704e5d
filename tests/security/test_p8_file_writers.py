"""Point 8, the writers: every file the console or the CLI writes goes through `private_files` (0600
files in 0700 folders, one way), and each kind of file is checked by its mode once written.

The guard reads the code: a call that creates or writes a file (open for writing, os.open with O_CREAT,
write_text/write_bytes, mkdir, a temporary file, shutil's copies, sqlite3.connect, a log file handler)
anywhere under station_console/ or hardware/ outside `private_files.py` fails it, unless its module is
in the short allow-list below, with the reason it may.
"""

from __future__ import annotations

import ast
import json
from datetime import datetime
from pathlib import Path

import pytest

from hardware.printers.transports import FileTransport
from security.helpers import PRIVATE_DIR, PRIVATE_FILE, mode
from station_console.errors import Refused
from station_console.logs import PrivateRotatingFileHandler
from station_console.private_files import open_private_append, open_private_append_text, write_atomic
from station_console.services.carrier_events.channels import FileChannel, body_of
from station_console.services.notify.channels import FileChannel as MessageFile
from station_console.services.notify.templates import Message

ROOT = Path(__file__).parents[2]

# Modules that may write without private_files, and why. A folder ending in "/" covers its modules.
ALLOWED = {
    "station_console/private_files.py": "the private writer itself",
    "station_console/bench/": "the benchmark's synthetic stations and timings, made in its work folder: "
    "no real person's data",
    "station_console/counter_settings.py": "counter.toml holds this counter's devices, no personal data; "
    "written whole by its own writer (the audit event commits between write and rename), its folder "
    "made private",
    "station_console/services/admin/backup.py": "SQLite writes the backup and the restore copy into "
    "files private_files made 0600 (staged, PRIVATE_FILE)",
    "station_console/services/admin/live.py": "opens the database read-only (mode=ro) to watch it",
    "station_console/services/core/health.py": "opens a database read-only (mode=ro) to check it",
    "hardware/printers/transports.py": "hardware may not import station_console: a label job is created "
    "0600 by itself, only in a folder that exists (none is created), a device node never created",
    "hardware/file_names.py": "the one way to put a whole file under a name nothing has, shared by "
    "private_files.write_new and the file printer (hardware may not import station_console): an "
    "exclusive create of the caller's mode, 0600 from both, in a folder the caller made or chose",
    "hardware/printers/escpos_dummy.py": "python-escpos's cache of printer capabilities: no personal data, "
    "and hardware may not import station_console",
}

WRITE_NAMES = {"write_text", "write_bytes", "mkdir", "makedirs", "mkstemp", "mkdtemp", "NamedTemporaryFile"}
WRITE_NAMES |= {"TemporaryFile", "SpooledTemporaryFile", "TemporaryDirectory"}
FILE_HANDLERS = {"FileHandler", "RotatingFileHandler", "TimedRotatingFileHandler", "WatchedFileHandler"}
SHUTIL = {"copy", "copy2", "copyfile", "copytree", "move"}


def _mode(call: ast.Call, at: int) -> str | None:
    """The mode argument of an `open` call (positional `at`, or `mode=`), when it is a literal."""
    given = (
        call.args[at]
        if len(call.args) > at
        else next((k.value for k in call.keywords if k.arg == "mode"), None)
    )
    return given.value if isinstance(given, ast.Constant) and isinstance(given.value, str) else None


def writes_a_file(call: ast.Call) -> bool:
    func = call.func
    name = func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else ""
    owner = func.value.id if isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name) else ""
    if isinstance(func, ast.Attribute) and "super" in ast.dump(func.value):
        return False  # a class's own method of that name (click's HelpFormatter.write_text)
    if name == "open" and owner == "os":
        return "O_CREAT" in ast.dump(call)
    if name == "open":  # open(path, mode) or path.open(mode); a zip member's open(info) reads
        mode = _mode(call, 1 if isinstance(func, ast.Name) else 0)
        return mode is not None and any(c in mode for c in "wax+")
    if name == "connect":
        return owner == "sqlite3"
    if name in SHUTIL:
        return owner == "shutil"
    if name in ("save", "output"):  # PIL, fontTools, fpdf2: to a path when given a string
        return any(isinstance(a, ast.Constant | ast.JoinedStr) for a in call.args)
    return name in WRITE_NAMES or name in FILE_HANDLERS


def allowed(name: str) -> bool:
    return any(name == key or (key.endswith("/") and name.startswith(key)) for key in ALLOWED)


def writers_outside_private_files() -> list[str]:
    files = [p for top in ("station_console", "hardware") for p in sorted((ROOT / top).rglob("*.py"))]
    assert len(files) > 200
    found = []
    for path in files:
        name = path.relative_to(ROOT).as_posix()
        if allowed(name):
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and writes_a_file(node):
                found.append(f"{name}:{node.lineno}")
    return found


def test_every_writer_goes_through_private_files() -> None:
    assert writers_outside_private_files() == []


def test_the_guard_sees_a_writer_that_bypasses_private_files() -> None:
    """Each kind of writer the guard knows, in a module the allow-list does not name."""
    for line in (
        'open(p, "w")',
        'p.open("a", encoding="utf-8")',
        "os.open(p, os.O_WRONLY | os.O_CREAT, 0o644)",
        "p.write_text(t)",
        "p.parent.mkdir(parents=True)",
        "sqlite3.connect(p)",
        "shutil.copyfile(a, b)",
        'img.save("label.png")',
        "logging.FileHandler(p)",
    ):
        [call] = [n for n in ast.walk(ast.parse(line)) if isinstance(n, ast.Call) and n.lineno == 1][:1]
        assert writes_a_file(call), line
    for line in ('open(p, encoding="utf-8")', "book.open(info)", "img.save(out)", "pdf.output()"):
        [call] = [n for n in ast.walk(ast.parse(line)) if isinstance(n, ast.Call)][:1]
        assert not writes_a_file(call), line
    assert all(reason for reason in ALLOWED.values())


def test_carrier_event_files_are_private(tmp_path: Path, loose_umask: None) -> None:
    """They hold pickup codes: 0600, in the folders the channel made 0700; the folder a manager chose
    (it exists) keeps its own mode."""
    chosen = tmp_path / "upload"
    chosen.mkdir()
    channel = FileChannel(chosen / "station" / "events", "SF", lambda at: at.date())
    body = body_of({"event_id": "e1", "at": datetime(2026, 3, 2, 9).isoformat(), "pickup_code": "3-1-0042"})
    channel.send("e1", "arrived", body)
    written = chosen / "station" / "events" / "SF-2026-03-02.jsonl"
    assert json.loads(written.read_text(encoding="utf-8"))["pickup_code"] == "3-1-0042"
    assert oct(mode(written)) == oct(PRIVATE_FILE)
    made = [chosen / "station", chosen / "station" / "events"]
    assert [oct(mode(d)) for d in made] == [oct(PRIVATE_DIR)] * 2
    assert oct(mode(chosen)) == oct(0o755)


def test_each_kind_of_file_is_private(tmp_path: Path, loose_umask: None) -> None:
    """The message file, the log and its rotation, labels from the file printer (one file a job, or a
    spool), and what the private writer writes for every export (reports, run sheets, manifests,
    hand-over lists, a person's data, backups) and appends (the audit anchors)."""
    MessageFile(tmp_path / "outbox" / "messages.txt").send(
        Message(idempotency_key="k", to="13812345678", subject="s", body="b")
    )
    log = PrivateRotatingFileHandler(tmp_path / "logs" / "station.log", maxBytes=1, backupCount=1)
    log.doRollover()
    log.close()
    (tmp_path / "jobs").mkdir()
    FileTransport(str(tmp_path / "jobs") + "/", suffix=".tspl").send(b"label")
    FileTransport(str(tmp_path / "labels.tspl"), suffix=".tspl").send(b"label")
    write_atomic(tmp_path / "exports" / "sheet.pdf", b"%PDF")
    with open_private_append(tmp_path / "anchors" / "a.jsonl") as out:
        out.write(b"{}\n")
    with open_private_append_text(tmp_path / "events" / "e.jsonl") as text:
        text.write("{}\n")
    files = [
        tmp_path / "outbox" / "messages.txt",
        tmp_path / "logs" / "station.log",
        tmp_path / "logs" / "station.log.1",
        tmp_path / "jobs" / "job-00001.tspl",
        tmp_path / "labels.tspl",
        tmp_path / "exports" / "sheet.pdf",
        tmp_path / "anchors" / "a.jsonl",
        tmp_path / "events" / "e.jsonl",
    ]
    assert {f.name: oct(mode(f)) for f in files} == {f.name: oct(PRIVATE_FILE) for f in files}
    folders = [tmp_path / n for n in ("outbox", "exports", "anchors", "events")]
    assert {d.name: oct(mode(d)) for d in folders} == {d.name: oct(PRIVATE_DIR) for d in folders}


def test_a_file_where_the_folder_should_be_is_refused_in_words(tmp_path: Path) -> None:
    """An export asked into a folder that is a file (`--pdf notes.txt/receipt.pdf`): the write is
    refused as any write is, with the reason in words. Clearing away its temporary file raised the
    system's NotADirectoryError instead, which the command line called an unexpected error."""
    blocker = tmp_path / "notes.txt"
    blocker.write_text("kept", encoding="utf-8")
    with pytest.raises(Refused) as refused:
        write_atomic(blocker / "receipt.pdf", b"%PDF")
    assert refused.value.code == "write_failed"
    said = refused.value.message("en")
    assert said == f"Cannot write {blocker / 'receipt.pdf'}: a file is where its folder should be"
    assert blocker.read_text(encoding="utf-8") == "kept"
