"""Point 1: `station restore` is a manager's act, and a crafted file cannot get in.

The attacks: restore with nobody signed in and as a clerk; restore a good backup into which a trigger
was planted that copies every new phone number into a table of its own (with an extra manager row);
a file of four empty tables; a backup from a newer schema; a file that is not a database; a backup
whose trail was edited, or rewritten with every hash recomputed, or whose closes were deleted under a
changed station id. Each is refused and the station is byte-for-byte as it was. A good backup (also one of an older schema) goes in, is recorded in both
trails, and the replaced database is kept aside so the restore can be undone.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
from collections.abc import Callable
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from sqlalchemy import create_engine
from station_helpers import snapshot

from db.migrate import head_revision
from db.models import ParcelEvent
from security.helpers import PIN, Run, corrupt_page
from security.restore_helpers import MANAGER, restore
from station_console.services.core.audit import event_hash
from station_console.services.core.station import Station
from station_console.services.people import pins


def file_hash(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def crafted(tmp_path: Path, name: str, *statements: str) -> Path:
    """The good backup with some SQL of an attacker's run into it."""
    path = tmp_path / name
    path.write_bytes((tmp_path / "good.sqlite3").read_bytes())
    conn = sqlite3.connect(path)
    for sql in statements:
        conn.execute(sql)
    conn.commit()
    conn.close()
    return path


def refused_and_untouched(cli: Callable[..., Run], live: Station, file: Path, words: str, *who: str) -> None:
    before = snapshot(live)
    result = restore(cli, live, file, *(who or MANAGER))
    assert result.code == 1, result.output
    assert words in result.err, result.err
    assert "Traceback" not in result.output
    assert snapshot(live) == before
    assert not list(file.parent.glob("station.sqlite3.before-restore-*"))  # nothing was swapped


def test_nobody_and_a_clerk_cannot_restore(cli: Callable[..., Run], live: Station, tmp_path: Path) -> None:
    good = tmp_path / "good.sqlite3"
    refused_and_untouched(cli, live, good, "Only a manager can restore a backup", "--lang", "en")
    refused_and_untouched(
        cli, live, good, "Only a manager can restore a backup", "--clerk", "Li", "--pin", PIN
    )


EXTRA = "This file cannot be restored: it has tables or other parts a station database does not have ("


def test_a_planted_trigger_and_manager_are_refused(
    cli: Callable[..., Run], live: Station, tmp_path: Path
) -> None:
    evil = crafted(
        tmp_path,
        "evil.sqlite3",
        "CREATE TABLE exfil (phone TEXT)",
        "CREATE TRIGGER steal AFTER INSERT ON parcel BEGIN INSERT INTO exfil VALUES (new.phone_full); END",
        "INSERT INTO clerk (name, role, pin_hash, active, created_at) "
        "VALUES ('Mallory', 'manager', '', 1, '2026-11-25 00:00:00')",
    )
    refused_and_untouched(cli, live, evil, EXTRA + "table exfil, trigger steal)")
    quiet = crafted(tmp_path, "quiet.sqlite3", "CREATE VIEW phones AS SELECT phone_full FROM parcel")
    refused_and_untouched(cli, live, quiet, EXTRA + "view phones)")
    index = crafted(tmp_path, "index.sqlite3", "CREATE INDEX ix_spy ON parcel (phone_full)")
    refused_and_untouched(cli, live, index, EXTRA + "index ix_spy)")


def test_a_backup_lacking_part_of_the_schema_is_refused(
    cli: Callable[..., Run], live: Station, tmp_path: Path
) -> None:
    """What a station database has and the file lacks is named, and both lists when it also has more."""
    bare = crafted(tmp_path, "bare.sqlite3", "DROP INDEX ix_carrier_code")
    refused_and_untouched(
        cli, live, bare, "it lacks tables or other parts a station database has (index ix_carrier_code)"
    )
    both = crafted(tmp_path, "both.sqlite3", "DROP INDEX ix_carrier_code", "CREATE TABLE exfil (phone TEXT)")
    refused_and_untouched(
        cli, live, both, EXTRA + "table exfil) and lacks some it should have (index ix_carrier_code)"
    )


def test_a_refused_backup_reads_as_one_sentence_with_one_colon(
    cli: Callable[..., Run], live: Station, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The names come in brackets: 'cannot be restored: it has ...: table x' read as two colons."""
    both = crafted(tmp_path, "both.sqlite3", "DROP INDEX ix_carrier_code", "CREATE TABLE exfil (phone TEXT)")
    monkeypatch.setenv("STATION_PIN", PIN)  # not --pin: stderr is read whole, its warning would be there
    for lang, colon in (("en", ":"), ("zh", "：")):
        result = cli(
            ["--db", str(live.engine.url), "--lang", lang, "--clerk", "Wang", "restore", "--yes", str(both)]
        )
        assert result.code == 1, result.output
        said = result.err.strip().removeprefix("station: ")  # the command's own name before it
        assert said.count(colon) == 1, said
        assert "table exfil" in said and "index ix_carrier_code" in said, said


def test_an_extra_manager_row_is_refused(cli: Callable[..., Run], live: Station, tmp_path: Path) -> None:
    mallory = crafted(
        tmp_path,
        "mallory.sqlite3",
        "INSERT INTO clerk (name, role, pin_hash, active, created_at) "
        f"VALUES ('Mallory', 'manager', '{pins.hash_pin('1397', n=2**10)}', 1, '2026-11-25 00:00:00')",
    )
    refused_and_untouched(cli, live, mallory, "clerk Mallory (manager) is not in its audit trail")


def test_a_refused_backup_says_why_in_chinese(cli: Callable[..., Run], live: Station, tmp_path: Path) -> None:
    """The reason a file is refused is in the console's language, the schema's and clerks' names as they are."""
    spy = crafted(tmp_path, "spy.sqlite3", "CREATE INDEX ix_spy ON parcel (phone_full)")
    mallory = crafted(
        tmp_path,
        "mallory.sqlite3",
        "INSERT INTO clerk (name, role, pin_hash, active, created_at) "
        "VALUES ('Mallory', 'manager', '', 1, '2026-11-25 00:00:00')",
    )
    said = {}
    for file in (spy, mallory):
        result = cli(["--db", str(live.engine.url), "--lang", "zh", *MANAGER, "restore", "--yes", str(file)])
        assert result.code == 1, result.output
        said[file.name] = result.err
    assert "此文件不能用于恢复：其中有驿站数据库没有的表或其他结构（index ix_spy）" in said["spy.sqlite3"], (
        said
    )
    assert "该备份的审计记录中查不到店员 Mallory（店长）的创建记录" in said["mallory.sqlite3"], said
    assert not any(
        word in text for text in said.values() for word in ("not a station", "audit trail", "manager")
    )


def test_files_that_are_not_station_databases_are_refused(
    cli: Callable[..., Run], live: Station, tmp_path: Path
) -> None:
    bare = tmp_path / "bare.sqlite3"
    conn = sqlite3.connect(bare)
    for table in ("parcel", "parcel_event", "layer", "shelf"):  # what the old check looked for
        conn.execute(f"CREATE TABLE {table} (id INTEGER PRIMARY KEY)")
    conn.close()
    # The file the manager named, not the copy the check reads.
    refused_and_untouched(cli, live, bare, f"{bare} is not a station backup")
    junk = tmp_path / "junk.sqlite3"
    junk.write_bytes(b"SQLite format 3\x00" + b"\xff" * 4000)
    refused_and_untouched(cli, live, junk, "is not a station backup")
    text = tmp_path / "notes.txt"
    text.write_text("not a database at all\n" * 100)
    refused_and_untouched(cli, live, text, "is not a station backup")


def test_a_backup_from_a_newer_schema_is_refused(
    cli: Callable[..., Run], live: Station, tmp_path: Path
) -> None:
    newer = crafted(tmp_path, "newer.sqlite3", "UPDATE alembic_version SET version_num = '9999'")
    refused_and_untouched(cli, live, newer, "made by a newer station-console (schema 9999)")
    unknown = crafted(tmp_path, "unknown.sqlite3", "UPDATE alembic_version SET version_num = '0001x'")
    refused_and_untouched(cli, live, unknown, "is not a station backup")


def test_a_corrupted_backup_is_refused(cli: Callable[..., Run], live: Station, tmp_path: Path) -> None:
    broken = crafted(tmp_path, "broken.sqlite3")
    corrupt_page(broken, "ix_parcel_day_carrier")
    refused_and_untouched(cli, live, broken, "This file cannot be restored: it is damaged (")
    # the file named is damaged, not the station's own database: nothing tells the manager to restore it
    assert "restore the last good backup" not in restore(cli, live, broken, *MANAGER).err
    live.engine.dispose()
    said = cli(["--db", str(live.engine.url), "--lang", "zh", *MANAGER, "restore", "--yes", str(broken)]).err
    assert "此文件不能用于恢复：文件已损坏" in said or "此文件不能用于恢复" in said, said
    assert not any(word in said for word in ("malformed", "missing from index", "wrong #")), said


def test_an_edited_trail_is_refused(cli: Callable[..., Run], live: Station, tmp_path: Path) -> None:
    edited = crafted(
        tmp_path,
        "edited.sqlite3",
        "UPDATE parcel_event SET details = '{\"waybill\": \"X\"}' WHERE kind = 'checked_in'",
    )
    refused_and_untouched(cli, live, edited, "was changed after it was written")


def test_a_recomputed_trail_is_refused_by_the_anchored_close(
    cli: Callable[..., Run], live: Station, tmp_path: Path
) -> None:
    """The attacker rewrites an event and recomputes every hash and the head: the chain verifies on
    its own, but no longer runs through the head sealed and anchored at yesterday's close."""
    path = crafted(tmp_path, "rewritten.sqlite3")
    engine = create_engine(f"sqlite:///{path}")
    with engine.begin() as conn:
        rows = conn.exec_driver_sql("SELECT id FROM parcel_event ORDER BY id").all()
        prev = ""
        for (event_id,) in rows:
            ev = conn.exec_driver_sql(
                "SELECT parcel_id, kind, at, business_day, clerk_id, counter, details FROM parcel_event "
                "WHERE id = ?",
                (event_id,),
            ).one()
            event = _event(ev, waybill_for_first=event_id == rows[0][0])
            digest = event_hash(event, prev)
            conn.exec_driver_sql(
                "UPDATE parcel_event SET details = ?, prev_hash = ?, hash = ? WHERE id = ?",
                (_json(event.details), prev, digest, event_id),
            )
            prev = digest
        conn.exec_driver_sql("UPDATE audit_head SET last_hash = ?", (prev,))
    engine.dispose()
    refused_and_untouched(cli, live, path, "where")


FORGED_ID = "UPDATE setting SET value = '{\"id\": \"forged\"}' WHERE key = 'station_identity'"


def test_a_backup_with_its_closes_deleted_and_its_station_id_changed_is_refused(
    cli: Callable[..., Run], live: Station, tmp_path: Path
) -> None:
    """The id is the backup's own word: one never seen at this path answers for the closes of the
    station here now, and a deleted close is still missed."""
    path = crafted(tmp_path, "forged.sqlite3", "DELETE FROM day_close", FORGED_ID)
    refused_and_untouched(cli, live, path, "is missing from it: closes were deleted")


def test_a_backup_let_in_under_a_new_station_id_is_still_checked_after_it(
    cli: Callable[..., Run], live: Station, tmp_path: Path
) -> None:
    """A backup under an id never seen here goes in when it holds the closes of the station here; those
    closes stay anchored for it, so one deleted from the restored file afterwards is still missed."""
    path = crafted(tmp_path, "renamed.sqlite3", FORGED_ID)
    assert restore(cli, live, path, *MANAGER).code == 0
    with sqlite3.connect(tmp_path / "station.sqlite3") as conn:
        conn.execute("DELETE FROM day_close")
    checked = cli(["--db", str(live.engine.url), "--lang", "en", "audit", "verify", "--json"])
    assert checked.code == 1 and json.loads(checked.out)["reason"] == "anchor_missing", checked.output


def _event(row: tuple, *, waybill_for_first: bool) -> ParcelEvent:  # type: ignore[type-arg]
    import json
    from datetime import UTC, date, datetime

    details = json.loads(row[6])
    if waybill_for_first:
        details["forged"] = True
    return ParcelEvent(
        parcel_id=row[0],
        kind=row[1],
        at=datetime.fromisoformat(row[2]).replace(tzinfo=UTC),
        business_day=date.fromisoformat(row[3]),
        clerk_id=row[4],
        counter=row[5],
        details=details,
    )


def _json(value: object) -> str:
    import json

    return json.dumps(value)


def test_a_good_backup_is_restored_recorded_twice_and_can_be_undone(
    cli: Callable[..., Run], live: Station, tmp_path: Path
) -> None:
    db = tmp_path / "station.sqlite3"
    result = restore(cli, live, tmp_path / "good.sqlite3", *MANAGER)
    assert result.code == 0, result.output
    kept = next(p for p in tmp_path.glob("station.sqlite3.before-restore-*") if p.name[-1].isdigit())
    assert f"kept as {kept}" in result.out and f"station restore {kept}" in result.out
    waybills = {r[0] for r in sqlite3.connect(db).execute("SELECT waybill FROM parcel")}
    assert waybills == {"SF1234567890123", "JT1234567890123"}  # as at the backup
    restored_in_new = (
        sqlite3.connect(db).execute("SELECT details FROM parcel_event WHERE kind = 'db_restored'").fetchall()
    )
    restored_in_old = (
        sqlite3.connect(kept)
        .execute("SELECT details FROM parcel_event WHERE kind = 'db_restored'")
        .fetchall()
    )
    assert len(restored_in_new) == len(restored_in_old) == 1
    assert "good.sqlite3" in restored_in_new[0][0] and kept.name in restored_in_old[0][0]
    assert {r[0] for r in sqlite3.connect(kept).execute("SELECT waybill FROM parcel")} == {
        "SF1234567890123",
        "JT1234567890123",
        "JT1234567890124",
    }
    assert cli(["--db", f"sqlite:///{db}", "audit", "verify"]).code == 0
    undo = restore(cli, live, kept, *MANAGER)  # the replaced database goes back the same way
    assert undo.code == 0, undo.output
    assert "JT1234567890124" in {r[0] for r in sqlite3.connect(db).execute("SELECT waybill FROM parcel")}


def test_a_backup_of_an_older_schema_is_migrated(
    cli: Callable[..., Run], live: Station, tmp_path: Path
) -> None:
    """A backup made by the first release (schema 0001): a manager in its trail, nothing else."""
    from alembic import command

    from db.migrate import alembic_config

    old = tmp_path / "old.sqlite3"
    engine = create_engine(f"sqlite:///{old}")
    command.upgrade(alembic_config(engine), "0001")
    engine.dispose()
    event = ParcelEvent(
        kind="clerk_changed",
        at=datetime(2026, 1, 5, 1, 0, tzinfo=UTC),
        business_day=date(2026, 1, 5),
        clerk_id=None,
        counter="counter-1",
        details={"clerk": "Wang", "clerk_id": 1, "change": "created", "role": "manager", "first_run": True},
    )
    digest = event_hash(event, "")
    conn = sqlite3.connect(old)
    conn.execute(
        "INSERT INTO clerk (id, name, role, pin_hash, active, created_at) VALUES (1, 'Wang', 'manager', ?, 1, "
        "'2026-01-05 01:00:00.000000')",
        (pins.hash_pin(PIN, n=2**10),),
    )
    conn.execute(
        "INSERT INTO parcel_event (id, kind, at, business_day, counter, details, prev_hash, hash) "
        "VALUES (1, 'clerk_changed', '2026-01-05 01:00:00.000000', '2026-01-05', 'counter-1', ?, '', ?)",
        (json.dumps(event.details), digest),
    )
    conn.execute("INSERT INTO audit_head (id, last_event_id, last_hash) VALUES (1, 1, ?)", (digest,))
    conn.commit()
    conn.close()
    result = restore(cli, live, old, *MANAGER)
    assert result.code == 0, result.output
    db = tmp_path / "station.sqlite3"
    assert sqlite3.connect(db).execute("SELECT version_num FROM alembic_version").fetchone() == (
        head_revision(),
    )
    assert sqlite3.connect(db).execute("SELECT failed_sign_ins FROM clerk").fetchall() == [(0,)]
    assert cli(["--db", f"sqlite:///{db}", *MANAGER, "clerk", "list"]).code == 0
    assert cli(["--db", f"sqlite:///{db}", "audit", "verify"]).code == 0


def test_a_backup_that_cannot_be_brought_up_to_date_says_so_in_the_managers_words(
    cli: Callable[..., Run],
    live: Station,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """The driver's English went inside the Chinese sentence; it goes to the log now."""
    from station_console.logs import log_path
    from station_console.services.admin import backup

    def fails(_engine: object) -> None:
        raise sqlite3.OperationalError('near "ALTER": syntax error')

    monkeypatch.setattr(backup, "upgrade", fails)
    live.engine.dispose()
    result = cli(
        [
            "--db",
            str(live.engine.url),
            "--lang",
            "zh",
            *MANAGER,
            "restore",
            "--yes",
            str(tmp_path / "good.sqlite3"),
        ]
    )
    assert result.code == 1, result.output
    assert f"此文件不能用于恢复：无法升级到本版本的数据库结构（原因见日志 {log_path()}）" in result.err, (
        result.err
    )
    assert "syntax error" not in result.err and "ALTER" not in result.err, result.err
    assert "syntax error" in caplog.text
    assert not list(tmp_path.glob("station.sqlite3.before-restore-*"))
