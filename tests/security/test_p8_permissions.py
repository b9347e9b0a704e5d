"""Point 8: the files that hold personal data are this user's alone.

The attack: another user of the same machine reads them. The database (and its -wal and -shm), a
backup, report and data exports, a label file, the log, the message file, the audit anchors and the
secrets are created 0600 in 0700 folders whatever the umask; a secrets file others can read is refused.
"""

from __future__ import annotations

import json
import os
import sqlite3
from collections.abc import Callable
from pathlib import Path

import pytest

from security.helpers import PIN, PRIVATE_DIR, PRIVATE_FILE, Run, mode
from station_console.logs import log_path, setup_logging


def test_personal_data_files_are_private(
    cli: Callable[..., Run], tmp_path: Path, loose_umask: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    data = tmp_path / "data" / "station-console"
    monkeypatch.chdir(tmp_path)
    assert cli(["--lang", "en", "clerk", "add", "Wang", "--pin", PIN]).code == 0  # the default database
    db = data / "station.sqlite3"
    me = ["--lang", "en", "--clerk", "Wang", "--pin", PIN]
    assert cli([*me, "checkin", "SF1234567890123", "--phone", "13812345678"]).code == 0
    with sqlite3.connect(db) as conn:  # send at once: no waiting for the recipient's other parcels
        value = json.loads(conn.execute("SELECT value FROM setting WHERE key = 'station'").fetchone()[0])
        conn.execute(
            "UPDATE setting SET value = ? WHERE key = 'station'",
            (json.dumps({**value, "notify_group_window_s": 0}),),
        )
    assert cli([*me, "notify", "--once"]).code == 0  # the message file (file channel) and the log
    assert cli([*me, "close-day", "--date", "2000-01-01"]).code == 0  # the audit key and the anchors
    assert cli([*me, "backup", str(tmp_path / "usb" / "nightly" / "b.sqlite3")]).code == 0
    assert cli([*me, "report", "--format", "csv", "--out", str(tmp_path / "exports" / "day.csv")]).code == 0
    assert (
        cli([*me, "privacy", "export", "13812345678", "-o", str(tmp_path / "exports" / "p.json")]).code == 0
    )
    assert (
        cli([*me, "label", "SF1234567890123", "--format", "png", "--out", str(tmp_path / "l.png")]).code == 0
    )
    setup_logging()
    files = [
        db,
        tmp_path / "usb" / "nightly" / "b.sqlite3",
        tmp_path / "exports" / "day.csv",
        tmp_path / "exports" / "p.json",
        tmp_path / "l.png",
        log_path(),
        data / "outbox-messages-WITH-PHONE-NUMBERS.txt",
        data / "audit-anchors.jsonl",
        Path(os.environ["STATION_CONFIG"]).with_name("secrets.toml"),
    ]
    assert {str(f): oct(mode(f)) for f in files} == {str(f): oct(PRIVATE_FILE) for f in files}
    folders = [data, tmp_path / "usb", tmp_path / "usb" / "nightly", tmp_path / "exports", log_path().parent]
    assert {str(d): oct(mode(d)) for d in folders} == {str(d): oct(PRIVATE_DIR) for d in folders}
    holder = sqlite3.connect(db)  # a console that keeps it open: -wal and -shm exist
    holder.execute("PRAGMA journal_mode=WAL")
    holder.execute("INSERT INTO lookup_failure (counter, at, query_shape) VALUES ('x', '2026-01-01', 'x')")
    holder.commit()
    try:
        sidecars = [Path(f"{db}-wal"), Path(f"{db}-shm")]
        assert all(p.exists() for p in sidecars)
        assert {oct(mode(p)) for p in sidecars} == {oct(PRIVATE_FILE)}
    finally:
        holder.close()


def test_an_older_stations_database_is_made_private(cli: Callable[..., Run], tmp_path: Path) -> None:
    db = tmp_path / "old.sqlite3"
    assert cli(["--db", f"sqlite:///{db}", "--lang", "en", "clerk", "add", "Wang", "--pin", PIN]).code == 0
    os.chmod(db, 0o644)
    assert cli(["--db", f"sqlite:///{db}", "--lang", "en", "carriers", "list"]).code == 0
    assert oct(mode(db)) == oct(PRIVATE_FILE)


def test_secrets_others_can_read_are_refused(cli: Callable[..., Run], tmp_path: Path) -> None:
    db = tmp_path / "station.sqlite3"
    url = ["--db", f"sqlite:///{db}", "--lang", "en"]
    assert cli([*url, "clerk", "add", "Wang", "--pin", PIN]).code == 0
    secrets = Path(os.environ["STATION_CONFIG"]).with_name("secrets.toml")
    secrets.parent.mkdir(parents=True, exist_ok=True)
    secrets.write_text('audit_key = "00"\nsmtp_password = "hunter2"\n')
    os.chmod(secrets, 0o644)
    refused = cli([*url, "--clerk", "Wang", "--pin", PIN, "close-day", "--date", "2000-01-01"])
    assert refused.code == 1 and "can be read by other users" in refused.err and "chmod 600" in refused.err
    assert "hunter2" not in refused.output
    os.chmod(secrets, 0o600)
    secrets.write_text("")
    assert cli([*url, "--clerk", "Wang", "--pin", PIN, "close-day", "--date", "2000-01-01"]).code == 0
