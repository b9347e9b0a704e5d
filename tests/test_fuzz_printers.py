"""The console fuzzer's printers (scripts/fuzz_printers.py): the run's counter.toml read as the console
reads it, the moves that take a printer away or set it up wrong, and the watch that holds the print
queue against what the printers were given (a job marked printed with no file for it is lost)."""

from __future__ import annotations

import socket
import sqlite3
import sys
import time
from pathlib import Path
from types import SimpleNamespace

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "scripts"))

from fuzz_printers import PrinterStage, PrintWatch  # noqa: E402  (a script beside the fuzzer, not a package)

from station_console.errors import Refused
from station_console.services.printing.printers import counter_printers
from station_console.settings import load_counter_settings


def new_database(tmp_path: Path) -> Path:
    """The print_job table with the columns the watch reads, one job printed by `labels` before."""
    database = tmp_path / "station.sqlite3"
    with sqlite3.connect(database) as db:
        db.execute(
            "CREATE TABLE print_job (id INTEGER PRIMARY KEY, kind TEXT, status TEXT, printer TEXT,"
            " attempts INTEGER DEFAULT 0, last_error TEXT)"
        )
        db.execute("INSERT INTO print_job (kind, status, printer) VALUES ('label', 'printed', 'labels')")
    return database


def test_the_stand_in_print_job_table_is_the_real_ones_columns(tmp_path: Path) -> None:
    """The watch reads the run's real print_job table: the stand-in these tests make (`new_database`)
    holds only columns the model has, or a renamed one would pass here and break every run."""
    from db.models import PrintJob

    database = new_database(tmp_path)
    with sqlite3.connect(database) as db:
        stand_in = {row[1] for row in db.execute("PRAGMA table_info(print_job)")}
    assert stand_in <= set(PrintJob.__table__.columns.keys()), stand_in  # type: ignore[attr-defined]


def test_the_runs_counter_builds_its_good_printers_and_says_each_wrong_one(tmp_path: Path) -> None:
    stage = PrinterStage(tmp_path)
    counter = load_counter_settings(stage.set_up())
    printers = counter_printers(counter)
    assert [p.name for p in printers.printers] == [
        "labels",
        "office",
        "network",
        "[magenta]Back[/magenta] room",
        "shared",
    ]
    faulty = {str(f.params["name"]) for f in printers.faults}
    assert faulty == {"lab\\x07el", "tsplx-printer", "pigeon", "esc\\x1b[31mred"}


def test_folder_moves_keep_what_was_printed_countable(tmp_path: Path) -> None:
    database = new_database(tmp_path)
    stage = PrinterStage(tmp_path)
    stage.set_up()
    (tmp_path / "printer-out" / "job-00001.tspl").write_bytes(b"PRINT 1")
    stage.move("printer:gone:labels", database)
    assert not (tmp_path / "printer-out").exists()
    assert stage.files("labels") == 1  # the folder moved aside, as a drive pulled out
    stage.move("printer:blocked:labels", database)
    assert (tmp_path / "printer-out").is_file()
    stage.move("printer:back:labels", database)
    assert (tmp_path / "printer-out").is_dir()
    assert stage.moves == {"gone": 1, "blocked": 1, "back": 1}
    assert stage.broken == {}


def test_toml_edits_are_what_the_console_reads_at_its_next_save(tmp_path: Path) -> None:
    database = new_database(tmp_path)
    stage = PrinterStage(tmp_path)
    path = stage.set_up()
    stage.move("printer:toml-language", database)
    faults = counter_printers(load_counter_settings(path)).faults
    assert "labels" in {str(f.params["name"]) for f in faults}
    stage.move("printer:toml-broken", database)
    try:
        load_counter_settings(path)
    except Refused:
        pass
    else:
        raise AssertionError("a half-written counter.toml was read")
    stage.move("printer:toml-gone", database)
    assert not path.exists()


def test_the_network_printer_counts_the_jobs_its_port_took(tmp_path: Path) -> None:
    stage = PrinterStage(tmp_path)
    stage.move("printer:port-open", tmp_path / "none")
    with socket.create_connection(("127.0.0.1", stage.port.port), timeout=2) as sock:
        sock.sendall(b"^XA^XZ")
    deadline = time.monotonic() + 5
    while stage.port.jobs == 0 and time.monotonic() < deadline:
        time.sleep(0.01)
    assert stage.port.jobs == 1
    stage.move("printer:port-close", tmp_path / "none")
    try:
        socket.create_connection(("127.0.0.1", stage.port.port), timeout=2).close()
    except OSError:
        pass
    else:
        raise AssertionError("the closed port took a connection")


def test_a_job_marked_printed_with_no_file_is_lost(tmp_path: Path) -> None:
    database = new_database(tmp_path)
    stage = PrinterStage(tmp_path)
    stage.set_up()
    watch = PrintWatch(database, stage)
    with sqlite3.connect(database) as db:
        db.execute("INSERT INTO print_job (kind, status, printer) VALUES ('label', 'printed', 'labels')")
        db.execute("INSERT INTO print_job (kind, status, printer) VALUES ('test', 'printed', 'network')")
        db.execute("INSERT INTO print_job (kind, status) VALUES ('label', 'sending')")
        db.execute("INSERT INTO print_job (kind, status) VALUES ('label', 'failed')")
        db.execute("INSERT INTO print_job (kind, status) VALUES ('label', 'queued')")
    watch.look()
    with sqlite3.connect(database) as db:
        db.execute("DELETE FROM print_job WHERE id = 6")
    assert watch.findings() == [
        "print jobs gone from the queue: [6]",
        "print jobs left sending after the console stopped: [4]",
        "print jobs failed with no reason kept: [5]",
        "1 jobs marked printed by labels, 0 files in its folders",
        "1 jobs marked printed by network, its port took 0",
    ]
    (tmp_path / "printer-out" / "job-00001.tspl").write_bytes(b"PRINT 1")
    stage.port.jobs = 1
    with sqlite3.connect(database) as db:
        db.execute("UPDATE print_job SET status = 'failed', last_error = 'offline' WHERE id IN (4, 5)")
    assert watch.findings() == ["print jobs gone from the queue: [6]"]


def test_a_send_that_found_the_folder_gone_is_not_said_ready(tmp_path: Path) -> None:
    database = new_database(tmp_path)
    stage = PrinterStage(tmp_path)
    stage.set_up()
    watch = PrintWatch(database, stage)
    with sqlite3.connect(database) as db:
        db.execute("INSERT INTO print_job (kind, status) VALUES ('label', 'queued')")
    stage.move("printer:gone:labels", database)
    with sqlite3.connect(database) as db:
        error = f'{{"msgid": "Folder {{folder}} not found", "folder": "{tmp_path}/printer-out/"}}'
        db.execute(
            "UPDATE print_job SET status = 'failed', attempts = 1, last_error = ? WHERE id = 2", (error,)
        )
    ready = SimpleNamespace(print_worker=SimpleNamespace(_found={"labels": ("ready", None)}))
    offline = SimpleNamespace(print_worker=SimpleNamespace(_found={"labels": ("offline", "gone")}))
    assert watch.unsaid(ready) == ["printer labels: job 2 refused (its folder gone), the header says ready"]
    assert watch.unsaid(offline) == []
    stage.move("printer:back:labels", database)
    assert watch.unsaid(ready) == []


def test_a_lost_job_ends_the_run_as_its_crash_and_the_tally_says_what_printed(tmp_path: Path) -> None:
    from fuzz_outcome import Outcome

    database = new_database(tmp_path)
    stage = PrinterStage(tmp_path)
    stage.set_up()
    watch = PrintWatch(database, stage)
    with sqlite3.connect(database) as db:
        db.execute("INSERT INTO print_job (kind, status, printer) VALUES ('label', 'printed', 'labels')")
    outcome = Outcome(sent=["f1", "|"], crash=None)
    watch.end(outcome)
    assert outcome.crash is not None
    assert (outcome.crash.kind, outcome.crash.signature, outcome.crash.at) == ("lost", "print job lost", 2)
    assert outcome.printing == (
        "moves: no moves; jobs made in the run: label printed 1; printed in the run (jobs marked"
        " printed/given the printer): labels 1/0, office 0/0, network 0/0"
    )


def test_the_tally_counts_a_job_queued_before_the_run_and_printed_in_it_on_both_sides(tmp_path: Path) -> None:
    """The jobs marked printed and the files written are the same jobs: those printed in the run,
    whenever they were queued (the demo's queue prints in the run, into the run's new folders)."""
    database = new_database(tmp_path)
    with sqlite3.connect(database) as db:
        db.execute("INSERT INTO print_job (kind, status) VALUES ('label', 'queued')")
    stage = PrinterStage(tmp_path)
    stage.set_up()
    watch = PrintWatch(database, stage)
    with sqlite3.connect(database) as db:
        db.execute("UPDATE print_job SET status = 'printed', printer = 'labels' WHERE id = 2")
    (tmp_path / "printer-out" / "job-00001.tspl").write_bytes(b"PRINT 1")
    assert watch.tally().endswith("labels 1/1, office 0/0, network 0/0")
    assert watch.findings() == []
