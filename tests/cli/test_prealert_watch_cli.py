"""`station prealert watch` when a loaded file cannot be moved out of the folder: it says what it loaded
and why the file stayed, and ends `--once` as a change made with a later step failed (exit 3)."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from station_console.cli import cli

ROWS = "运单号,快递公司,手机\n73000000000001,中通,17012345678-0001\n73000000000002,中通,17012345678-0002\n"


def watch(db_url: str, folder: Path, *extra: str, lang: str = "en"):  # type: ignore[no-untyped-def]
    runner = CliRunner()
    return runner.invoke(
        cli,
        ["--db", db_url, "--lang", lang, "prealert", "watch", str(folder), "--once", *extra],
        catch_exceptions=False,
    )


def blocked_inbox(tmp_path: Path) -> Path:
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    (inbox / "zto.csv").write_text(ROWS, encoding="utf-8")
    (inbox / "imported").write_text("not a folder", encoding="utf-8")
    return inbox


def test_a_loaded_file_that_stays_is_said_with_what_it_loaded(db_url: str, tmp_path: Path) -> None:
    inbox = blocked_inbox(tmp_path)
    out = watch(db_url, inbox)
    assert out.exit_code == 3, out.output
    assert "zto.csv: 2 of 2 rows loaded" in out.stdout
    assert (
        "station: zto.csv: loaded.\nstation: It was not moved out of the folder: Cannot write" in out.stderr
    )
    assert "a file is where its folder should be" in out.stderr and "Traceback" not in out.output
    again = watch(db_url, inbox)  # still blocked: said again, nothing loaded twice
    assert again.exit_code == 3 and "rows loaded" not in again.stdout
    assert "zto.csv: already loaded on 2026-11-25 02:00 by Tester (import 1): nothing new." in again.stderr
    assert "nothing new.\nstation: It was not moved" in again.stderr and again.stdout == ""


def test_the_json_pass_names_the_file_not_moved(db_url: str, tmp_path: Path) -> None:
    inbox = blocked_inbox(tmp_path)
    out = watch(db_url, inbox, "--json")
    assert out.exit_code == 3
    doc = json.loads(out.stdout)
    assert [r["loaded"] for r in doc["imported"]] == [2]
    [step] = doc["steps_failed"]
    assert step["file"] == "zto.csv" and step["error"] == "write_failed" and "--once" in step["again"]


def test_a_folder_fixed_moves_the_file_without_loading_it_again(db_url: str, tmp_path: Path) -> None:
    inbox = blocked_inbox(tmp_path)
    watch(db_url, inbox)
    (inbox / "imported").unlink()
    out = watch(db_url, inbox, "--json")
    assert out.exit_code == 0, out.output
    doc = json.loads(out.stdout)
    assert doc["imported"] == [] and doc["steps_failed"] == []
    assert doc["loaded_before"] == [{"file": "zto.csv", "import_id": 1}]
    assert (inbox / "imported" / "zto.csv").exists()


def test_a_file_a_clerk_loaded_dropped_again_is_said_loaded_before_and_by_whom(  # type: ignore[no-untyped-def]
    run, db_url: str, tmp_path: Path, clock
) -> None:
    """The watch knows a file by its name and bytes, whoever loaded it: a clerk's own import counts.
    Dropping the same file again loads nothing, rightly (its rows are there), but the pass said nothing
    of it: the file just went to imported/. Now its line says when and by whom it was loaded."""
    (tmp_path / "zto.csv").write_text(ROWS, encoding="utf-8")
    assert (
        run("prealert", "import", str(tmp_path / "zto.csv")).exit_code == 0
    )  # Tester, at 02:00 station time
    clock.advance(days=1)
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    (inbox / "zto.csv").write_text(ROWS, encoding="utf-8")
    line = "zto.csv: already loaded on 2026-11-25 02:00 by Tester (import 1): nothing new."
    out = watch(db_url, inbox)
    assert out.exit_code == 0, out.output
    assert out.stdout.splitlines() == [line], out.output
    assert (inbox / "imported" / "zto.csv.report.txt").read_text(encoding="utf-8") == line + "\n"
    (inbox / "zto.csv").write_text(ROWS, encoding="utf-8")  # and in Chinese
    zh = watch(db_url, inbox, lang="zh")
    assert zh.stdout.splitlines() == ["zto.csv：已于 2026-11-25 02:00 由 Tester 导入（导入 1）：无新内容。"]


def test_a_subfolder_made_a_link_refuses_the_watch_with_why(db_url: str, tmp_path: Path) -> None:
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    (inbox / "zto.csv").write_text(ROWS, encoding="utf-8")
    (tmp_path / "elsewhere").mkdir()
    (inbox / "failed").symlink_to(tmp_path / "elsewhere", target_is_directory=True)
    out = watch(db_url, inbox)
    assert out.exit_code not in (0, 3), out.output
    assert f"failed/ in {inbox} is a link to another folder" in out.stderr
    assert out.stdout == "" and (inbox / "zto.csv").is_file()
