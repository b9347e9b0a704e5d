"""Point 6, a counter PC replaced: each close names the audit key that sealed it (by a fingerprint,
never the key), so a close sealed under another key than this counter's says so and sends the
manager to the old secrets file, still as a failure. A close changed under this counter's key, one
whose fingerprint was changed with it, and one from before closes named their key still fail, and
none of them is said to be unchanged.
"""

from __future__ import annotations

import gc
import json
import re
import secrets
import sqlite3
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from security.helpers import PIN, Run, two_closed_days
from station_console.secrets_file import secrets_path
from station_console.services.core import anchors


@pytest.fixture
def db(tmp_path: Path) -> Path:
    """Two days closed on this counter."""
    path = tmp_path / "station.sqlite3"
    two_closed_days(path)
    return path


def verify(cli: Callable[..., Run], db: Path) -> dict[str, Any]:
    result = cli(["--db", f"sqlite:///{db}", "--lang", "en", "audit", "verify", "--json"])
    return json.loads(result.out) | {"exit": result.code}  # type: ignore[no-any-return]


def said(cli: Callable[..., Run], db: Path, lang: str) -> Run:
    return cli(["--db", f"sqlite:///{db}", "--lang", lang, "audit", "verify"])


def first_close(db: Path) -> tuple[str, dict[str, Any], str]:
    """The oldest close: its day, stored heads and seal."""
    with sqlite3.connect(db) as conn:
        day, heads, mac = conn.execute(
            "SELECT business_day, audit_heads, heads_hmac FROM day_close ORDER BY business_day"
        ).fetchone()
    return day, json.loads(heads), mac


def store_heads(db: Path, day: str, heads: dict[str, Any], mac: str | None = None) -> None:
    with sqlite3.connect(db) as conn:
        conn.execute(
            "UPDATE day_close SET audit_heads = ?, heads_hmac = coalesce(?, heads_hmac) WHERE business_day = ?",
            (json.dumps(heads), mac, day),
        )


def this_key() -> bytes:
    key = anchors.audit_key()
    assert key is not None
    return key


def replace_the_pc() -> None:
    """The same counter name on a new PC: a new secrets file, whose key its first close makes."""
    secrets_path().unlink()
    assert anchors.audit_key(create=True) is not None


def test_each_close_names_the_key_that_sealed_it_and_holds_under_it(
    cli: Callable[..., Run], db: Path
) -> None:
    key = this_key()
    with sqlite3.connect(db) as conn:
        rows = conn.execute("SELECT audit_heads, heads_hmac FROM day_close").fetchall()
    assert len(rows) == 2
    for heads, _mac in rows:
        assert json.loads(heads)["key_id"] == anchors.key_id(key)
        assert key.hex() not in heads  # the fingerprint, never the key
    assert re.fullmatch(r"[0-9a-f]{16}", anchors.key_id(key))
    result = verify(cli, db)
    assert result["ok"] and result["closes"] == 2 and result["sealed"] == 2


def test_closes_sealed_before_the_pc_was_replaced_say_so(cli: Callable[..., Run], db: Path) -> None:
    old_secrets = secrets_path().read_bytes()
    day, _heads, _mac = first_close(db)
    replace_the_pc()
    result = verify(cli, db)
    assert (result["exit"], result["reason"], result["day"]) == (1, "close_sealed_elsewhere", day)
    english = said(cli, db, "en")
    assert english.code == 1
    assert (
        f"the close of {day} was sealed with another audit key than this counter's: if this PC's secrets "
        "were replaced, put the old secrets file back (see README); otherwise the close may have been changed"
    ) in english.err
    assert "its seal does not match" not in english.err
    chinese = said(cli, db, "zh")
    assert chinese.code == 1
    assert f"{day} 的日结是用另一把审计密钥签章的" in chinese.err and "原来的密钥文件放回去" in chinese.err
    secrets_path().write_bytes(old_secrets)  # what the sentence asks: the old secrets file back
    assert verify(cli, db)["ok"]


def test_closes_sealed_here_with_the_key_gone_cannot_pass(cli: Callable[..., Run], db: Path) -> None:
    """The secrets file lost (or deleted to hide a changed close): verify passed with '0 sealed here'.
    Now it fails, saying the closes cannot be checked and where the key was."""
    old_secrets = secrets_path().read_bytes()
    day, _heads, _mac = first_close(db)
    secrets_path().unlink()
    result = verify(cli, db)
    assert (result["exit"], result["ok"], result["reason"], result["day"]) == (
        1,
        False,
        "audit_key_missing",
        day,
    )
    english = said(cli, db, "en")
    assert english.code == 1
    assert (
        f"The closes sealed at this counter (the first of them on {day}) cannot be checked: its audit key is "
        f"missing from {secrets_path()}. Put back the secrets file this counter had (see README), then verify "
        "again."
    ) in english.err
    chinese = said(cli, db, "zh")
    assert chinese.code == 1
    assert (
        f"本柜台签章的日结（最早一次在 {day}）无法核对：{secrets_path()} 中缺少本柜台的审计密钥。"
        in chinese.err
    )
    secrets_path().write_bytes(old_secrets)
    secrets_path().chmod(0o600)
    assert verify(cli, db)["ok"]


def test_a_close_changed_under_this_counters_key_still_reads_as_changed(
    cli: Callable[..., Run], db: Path
) -> None:
    day, heads, _mac = first_close(db)
    assert heads["key_id"] == anchors.key_id(this_key())
    for chain in heads["chains"].values():
        chain["count"] += 1
    store_heads(db, day, heads)
    result = verify(cli, db)
    assert (result["exit"], result["reason"], result["day"]) == (1, "close_seal_broken", day)


def test_a_close_changed_with_its_key_named_another_still_fails(cli: Callable[..., Run], db: Path) -> None:
    """Whoever changes a close may change the key it names too: it still fails, and is never said to
    be unchanged, only sent first to the likelier cause."""
    day, heads, _mac = first_close(db)
    for chain in heads["chains"].values():
        chain["count"] += 1
    heads["key_id"] = secrets.token_hex(8)  # a key id that is not this counter's
    store_heads(db, day, heads)
    result = verify(cli, db)
    assert (result["exit"], result["reason"], result["day"]) == (1, "close_sealed_elsewhere", day)
    assert "otherwise the close may have been changed" in said(cli, db, "en").err


def test_a_close_from_before_closes_named_their_key_keeps_its_sentence(
    cli: Callable[..., Run], db: Path
) -> None:
    """Made as closes were before: heads without a key id, sealed (and anchored) as such."""
    key = this_key()
    day, heads, _mac = first_close(db)
    assert heads.pop("key_id") == anchors.key_id(key)
    mac = anchors.seal(date.fromisoformat(day), _sha256(db, day), heads, key)
    store_heads(db, day, heads, mac)
    _rewrite_anchor(day, heads, mac)
    assert verify(cli, db)["ok"]  # it still holds under the key that sealed it
    replace_the_pc()
    result = verify(cli, db)
    assert (result["exit"], result["reason"], result["day"]) == (1, "close_seal_broken", day)


def _sha256(db: Path, day: str) -> str:
    with sqlite3.connect(db) as conn:
        (sha,) = conn.execute("SELECT sha256 FROM day_close WHERE business_day = ?", (day,)).fetchone()
    return str(sha)


def _rewrite_anchor(day: str, heads: dict[str, Any], mac: str) -> None:
    path = anchors.anchors_path()
    lines = [json.loads(raw) for raw in path.read_text(encoding="utf-8").splitlines()]
    for line in lines:
        if line.get("day") == day:
            line["heads"], line["hmac"] = heads, mac
    path.write_text("".join(json.dumps(line, sort_keys=True) + "\n" for line in lines), encoding="utf-8")


def test_a_pc_without_the_key_still_restores_its_backup_and_verify_still_says_so(
    cli: Callable[..., Run], db: Path, tmp_path: Path
) -> None:
    """A new PC whose old secrets file is lost must get its station back from the backup: the restore
    checks what it can (schema, clerks, chain, anchors) and goes ahead; `audit verify` on the restored
    file still says the closes sealed here cannot be checked, so nothing is passed unseen."""
    url = f"sqlite:///{db}"
    manager = ["--clerk", "Wang", "--pin", PIN]
    backup = tmp_path / "backup.sqlite3"
    assert cli(["--db", url, *manager, "backup", str(backup)]).code == 0
    day, _heads, _mac = first_close(db)
    secrets_path().unlink()
    gc.collect()  # the engines of the commands run before in this process, as another console's closed
    restored = cli(["--db", url, *manager, "restore", str(backup), "--yes"])
    assert restored.code == 0, restored.err
    result = verify(cli, db)
    assert (result["exit"], result["reason"], result["day"]) == (1, "audit_key_missing", day)
