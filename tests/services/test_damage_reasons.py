"""SQLite's reasons for a damaged file, said in the reader's words: in the database health message and in
the restore's refusal of a damaged backup, one way."""

from __future__ import annotations

from pathlib import Path

import pytest

from station_console.services.core.damage_reasons import DamageReason
from station_console.services.core.health import DatabaseDamaged, check_file, damaged


@pytest.mark.parametrize(
    ("sqlite_says", "en", "zh"),
    [
        ("database disk image is malformed", "its pages are broken", "文件内容已损坏"),
        ("file is not a database", "it is not a database file", "不是数据库文件"),
        (
            "row 3 missing from index ix_parcel_phone",
            "an index does not match its table",
            "索引与数据表对不上",
        ),
    ],
)
def test_common_reasons_read_in_the_clerks_words(sqlite_says: str, en: str, zh: str) -> None:
    refusal = damaged(sqlite_says)
    assert refusal.message("en").startswith(f"The database file is damaged ({en}).")
    said = refusal.message("zh")
    assert zh in said and sqlite_says not in said


def test_an_uncommon_reason_keeps_sqlites_english() -> None:
    said = damaged("Page 7: btreeInitPage() returns error code 11").message("zh")
    assert "Page 7: btreeInitPage() returns error code 11" in said


def test_a_damaged_file_says_why_in_chinese(tmp_path: Path) -> None:
    broken = tmp_path / "broken.sqlite3"
    broken.write_bytes(b"SQLite format 3\x00" + b"\x10\x00\x01\x01" + b"\xff" * 5000)
    with pytest.raises(DatabaseDamaged) as refused:
        check_file(broken)
    reason = refused.value.params["detail"]
    assert isinstance(reason, DamageReason)
    said = refused.value.message("zh")
    assert "malformed" not in said and "not a database" not in said
