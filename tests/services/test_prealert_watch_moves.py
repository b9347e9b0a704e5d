"""The watched folder: settled files taken, moved aside this user's only; and when a file's move or its
report fails after its rows were loaded, the pass goes on, says what it loaded and what it could not do,
and the file left behind is never loaded twice."""

from __future__ import annotations

import os
import stat
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from prealert_helpers import ZH_HEADINGS, sign_in, write_csv, zh_rows
from sqlmodel import col, select

from db.models import PreAlert, PreAlertImport, PreAlertStatus
from station_console.errors import Refused
from station_console.i18n import set_language
from station_console.services.core.station import Station
from station_console.services.prealerts import watch
from station_console.services.prealerts.importer import load_file
from station_console.services.prealerts.watch import import_folder


@pytest.fixture(autouse=True)
def _clerk(station: Station) -> None:
    sign_in(station)


def counts(station: Station) -> tuple[int, int]:
    """(pre-alerts, import records) in the database."""
    with station.read() as session:
        alerts = len(session.exec(select(PreAlert.id)).all())
        imports = len(session.exec(select(PreAlertImport.id)).all())
    return alerts, imports


def inbox_with(tmp_path: Path, name: str = "zto.csv") -> Path:
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    write_csv(inbox / name, ZH_HEADINGS, zh_rows([1, 2]))
    return inbox


def test_a_file_where_the_imported_folder_should_be_ends_no_pass(station: Station, tmp_path: Path) -> None:
    inbox = inbox_with(tmp_path)
    write_csv(inbox / "later.csv", ZH_HEADINGS, zh_rows([3]))
    (inbox / "imported").write_text("not a folder", encoding="utf-8")
    result = import_folder(station, inbox, settle_s=0)
    # Both files loaded, the second too: the first one's move did not end the pass.
    assert [(r.file, r.loaded) for r in result.imported] == [("later.csv", 1), ("zto.csv", 2)]
    assert [f.file for f in result.steps_failed] == ["later.csv", "zto.csv"]
    step = result.steps_failed[1].step
    assert "a file is where its folder should be" in step.error.message()
    assert "imported" in step.error.message() and "zto.csv" in step.error.message()
    assert "--once" in step.again and str(inbox) in step.again
    assert (inbox / "zto.csv").exists() and counts(station) == (3, 2)


def test_a_file_left_behind_is_not_loaded_again_on_the_next_pass(station: Station, tmp_path: Path) -> None:
    inbox = inbox_with(tmp_path)
    (inbox / "imported").write_text("not a folder", encoding="utf-8")
    import_folder(station, inbox, settle_s=0)
    assert counts(station) == (2, 1)
    again = import_folder(station, inbox, settle_s=0)  # the folder still blocked: still not moved
    assert again.imported == [] and again.failed == [] and [f.file for f in again.steps_failed] == ["zto.csv"]
    assert [b.file for b in again.loaded_before] == ["zto.csv"]
    (inbox / "imported").unlink()  # the folder fixed
    moved = import_folder(station, inbox, settle_s=0)
    assert (
        moved.steps_failed == []
        and moved.failed == []
        and [b.file for b in moved.loaded_before] == ["zto.csv"]
    )
    assert counts(station) == (2, 1)
    assert not (inbox / "zto.csv").exists() and (inbox / "imported" / "zto.csv").exists()
    note = (inbox / "imported" / "zto.csv.report.txt").read_text(encoding="utf-8")
    assert note.startswith("zto.csv: already loaded on ") and note.endswith("(import 1): nothing new.\n")


def test_a_file_left_behind_is_not_loaded_again_once_its_parcels_came(
    station: Station, tmp_path: Path
) -> None:
    """Its pre-alerts no longer open (their batch closed), the waybills alone would let it load again."""
    inbox = inbox_with(tmp_path)
    (inbox / "imported").write_text("not a folder", encoding="utf-8")
    import_folder(station, inbox, settle_s=0)
    with station.write() as session:  # as a courier batch's close leaves them
        for alert in session.exec(select(PreAlert)).all():
            alert.status = PreAlertStatus.RECEIVED
            session.add(alert)
    (inbox / "imported").unlink()
    import_folder(station, inbox, settle_s=0)
    assert counts(station) == (2, 1)
    with station.read() as session:
        statuses = session.exec(select(PreAlert.status).order_by(col(PreAlert.id))).all()
    assert statuses == [PreAlertStatus.RECEIVED, PreAlertStatus.RECEIVED]


def test_a_report_that_cannot_be_written_leaves_the_file_moved_and_says_so(
    station: Station, tmp_path: Path
) -> None:
    inbox = inbox_with(tmp_path)
    (inbox / "imported" / "zto.csv.report.txt").mkdir(parents=True)  # a folder where the report goes
    result = import_folder(station, inbox, settle_s=0)
    assert [r.loaded for r in result.imported] == [2]
    [failed] = result.steps_failed
    step = failed.step
    assert failed.file == "zto.csv" and "it is a folder, not a file" in step.error.message()
    assert "prealert imports" in step.again
    assert (inbox / "imported" / "zto.csv").is_file() and not (inbox / "zto.csv").exists()
    assert import_folder(station, inbox, settle_s=0).imported == [] and counts(station) == (2, 1)


def test_a_refused_file_that_cannot_be_moved_ends_no_pass(station: Station, tmp_path: Path) -> None:
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    (inbox / "junk.json").write_text("{", encoding="utf-8")
    write_csv(inbox / "zto.csv", ZH_HEADINGS, zh_rows([1]))
    (inbox / "failed").write_text("not a folder", encoding="utf-8")
    result = import_folder(station, inbox, settle_s=0)
    assert [name for name, _why in result.failed] == ["junk.json"]
    assert [f.file for f in result.steps_failed] == ["junk.json"]
    assert [r.file for r in result.imported] == ["zto.csv"] and (inbox / "imported" / "zto.csv").exists()


def test_the_move_failure_is_said_in_chinese(station: Station, tmp_path: Path) -> None:
    inbox = inbox_with(tmp_path)
    (inbox / "imported").write_text("not a folder", encoding="utf-8")
    set_language("zh")
    try:
        [failed] = import_folder(station, inbox, settle_s=0).steps_failed
        lines = [failed.done_line(), *failed.step.lines()]
    finally:
        set_language("en")
    assert all(line.isascii() is False for line in lines) and "：" in lines[0]


def test_a_file_the_unattended_watch_loaded_dropped_again_names_the_watch(
    station: Station, tmp_path: Path
) -> None:
    """Nobody signed in (the watch as a background duty): the earlier import has no clerk to name."""
    station.clerk_id = station.clerk_role = None
    inbox = inbox_with(tmp_path)
    import_folder(station, inbox, settle_s=0)
    write_csv(inbox / "zto.csv", ZH_HEADINGS, zh_rows([1, 2]))  # the same file, dropped again
    [before] = import_folder(station, inbox, settle_s=0).loaded_before
    assert (
        before.line()
        == "zto.csv: already loaded on 2026-11-25 10:00 by the folder watch (import 1): nothing new."
    )
    assert counts(station) == (2, 1)


def test_the_watched_folder_takes_settled_files(station: Station, tmp_path: Path) -> None:
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    write_csv(inbox / "good.csv", ZH_HEADINGS, zh_rows([1, 2]) + [["bad!", "中通", "", ""]])
    write_csv(inbox / "all-bad.csv", ZH_HEADINGS, [["bad!", "中通", "", ""]])
    (inbox / "junk.json").write_text("{", encoding="utf-8")
    (inbox / "notes.docx").write_bytes(b"PK")
    fresh = write_csv(inbox / "fresh.csv", ZH_HEADINGS, zh_rows([5]))
    old = time.time() - 60
    for path in inbox.iterdir():
        if path != fresh:
            os.utime(path, (old, old))
    result = import_folder(station, inbox, settle_s=30)
    assert [r.file for r in result.imported] == ["good.csv"]
    assert sorted(name for name, _ in result.failed) == ["all-bad.csv", "junk.json"]
    assert sorted(p.name for p in (inbox / "imported").iterdir()) == ["good.csv", "good.csv.report.txt"]
    assert "Line 4: bad!" in (inbox / "imported" / "good.csv.report.txt").read_text(encoding="utf-8")
    assert sorted(p.name for p in inbox.iterdir() if p.is_file()) == ["fresh.csv", "notes.docx"]


def test_the_watched_folders_files_are_this_users_only(station: Station, tmp_path: Path) -> None:
    """A carrier's file (phones, names) dropped as a sync tool leaves it, 0644, into a folder that was
    already there: moved out of the way 0600 beside a 0600 report, whatever the folders' modes."""
    inbox = tmp_path / "inbox"
    (inbox / "failed").mkdir(parents=True)
    os.chmod(inbox / "failed", 0o755)
    write_csv(inbox / "good.csv", ZH_HEADINGS, zh_rows([1]))
    write_csv(inbox / "all-bad.csv", ZH_HEADINGS, [["bad!", "中通", "", ""]])
    for path in inbox.glob("*.csv"):
        os.chmod(path, 0o644)
    import_folder(station, inbox, settle_s=0)
    moved = [inbox / "imported" / "good.csv", inbox / "failed" / "all-bad.csv"]
    written = [p.with_name(p.name + ".report.txt") for p in moved]
    modes = {p.name: oct(stat.S_IMODE(p.stat().st_mode)) for p in moved + written}
    assert modes == {p.name: oct(0o600) for p in moved + written}
    assert oct(stat.S_IMODE((inbox / "imported").stat().st_mode)) == oct(0o700)


def test_a_link_dropped_in_the_folder_is_not_followed(station: Station, tmp_path: Path) -> None:
    # Whoever may drop files in the folder (a sync tool, a shared share) must not make the station read,
    # load or re-mode a file elsewhere that it can read and they cannot: a link is set aside unread.
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    target = write_csv(elsewhere / "customers.csv", ZH_HEADINGS, zh_rows([1, 2]))
    target.chmod(0o644)
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    (inbox / "drop.csv").symlink_to(target)
    result = import_folder(station, inbox, settle_s=0)
    assert result.imported == [] and result.steps_failed == []
    assert [(name, reason) for name, reason in result.failed] == [
        ("drop.csv", "drop.csv is a link to another file, not a file dropped here: it was not read.")
    ]
    assert counts(station) == (0, 0)
    assert stat.S_IMODE(target.stat().st_mode) == 0o644  # its target's mode is left alone
    set_aside = inbox / "failed" / "drop.csv"
    assert set_aside.is_symlink() and not os.path.lexists(inbox / "drop.csv")
    note = (inbox / "failed" / "drop.csv.report.txt").read_text(encoding="utf-8")
    assert note == "drop.csv is a link to another file, not a file dropped here: it was not read.\n"


def test_a_file_swapped_for_a_link_after_the_check_is_not_read(
    station: Station, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The dropper swaps the file for a link between the watch's look at it and its read: the read
    # itself must not follow the link.
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    target = write_csv(elsewhere / "customers.csv", ZH_HEADINGS, zh_rows([1, 2]))
    inbox = inbox_with(tmp_path, "drop.csv")
    real_load = watch.load_file

    def swapped_then_loaded(station: Station, path: Path, **kwargs: Any) -> Any:
        path.unlink()
        path.symlink_to(target)
        return real_load(station, path, **kwargs)

    monkeypatch.setattr(watch, "load_file", swapped_then_loaded)
    result = import_folder(station, inbox, settle_s=0)
    assert result.imported == [] and result.steps_failed == []
    assert result.failed == [
        ("drop.csv", "drop.csv is a link to another file, not a file dropped here: it was not read.")
    ]
    assert counts(station) == (0, 0)
    assert (inbox / "failed" / "drop.csv").is_symlink()


def test_a_clerks_own_import_may_name_a_link(station: Station, tmp_path: Path) -> None:
    # A path the clerk typed is theirs to choose: a link there is followed, as before.
    target = write_csv(tmp_path / "zto.csv", ZH_HEADINGS, zh_rows([1, 2]))
    link = tmp_path / "link.csv"
    link.symlink_to(target)
    assert load_file(station, link).loaded == 2


@pytest.mark.parametrize("subfolder", ["imported", "failed"])
def test_a_subfolder_made_a_link_stops_the_watch_before_anything_loads(
    station: Station, tmp_path: Path, subfolder: str
) -> None:
    # Whoever may write the folder could point imported/ or failed/ where they may read: the carriers'
    # files (phone numbers) are not moved there, and nothing loads that could not be moved.
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir(mode=0o755)
    inbox = inbox_with(tmp_path)
    (inbox / "bad.csv").write_text("not,a,pre-alert\n", encoding="utf-8")
    (inbox / subfolder).symlink_to(elsewhere, target_is_directory=True)
    with pytest.raises(Refused) as refused:
        import_folder(station, inbox, settle_s=0)
    assert refused.value.message() == (
        f"{subfolder}/ in {inbox} is a link to another folder: the watch moves no file through a link. "
        "Make it a folder of its own, then start the watch again."
    )
    assert list(elsewhere.iterdir()) == [] and counts(station) == (0, 0)
    assert stat.S_IMODE(elsewhere.stat().st_mode) == 0o755  # where it points is left alone
    assert sorted(p.name for p in inbox.iterdir()) == sorted(["bad.csv", "zto.csv", subfolder])


def test_a_subfolder_made_a_link_during_a_pass_moves_nothing_through_it(
    station: Station, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    inbox = inbox_with(tmp_path)
    real_load = watch.load_file

    def linked_then_loaded(station: Station, path: Path, **kwargs: Any) -> Any:
        (inbox / "imported").symlink_to(elsewhere, target_is_directory=True)
        return real_load(station, path, **kwargs)

    monkeypatch.setattr(watch, "load_file", linked_then_loaded)
    result = import_folder(station, inbox, settle_s=0)
    assert [f.file for f in result.steps_failed] == ["zto.csv"]
    assert "imported/ in" in result.steps_failed[0].step.error.message()
    assert list(elsewhere.iterdir()) == [] and (inbox / "zto.csv").is_file()
    assert counts(station) == (2, 1)


@pytest.mark.parametrize("subfolder", ["imported", "failed"])
def test_a_subfolder_swapped_for_a_link_after_its_check_is_not_re_moded(
    station: Station, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, subfolder: str
) -> None:
    # The folder is swapped for a link right after the watch looked at it: making it private must not
    # follow the link and re-mode the folder it points to, and nothing moves through it.
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    os.chmod(elsewhere, 0o755)
    inbox = inbox_with(tmp_path)
    if subfolder == "failed":
        (inbox / "zto.csv").write_text("not,a,pre-alert\n", encoding="utf-8")
    swapped = inbox / subfolder
    swapped.mkdir()
    os.chmod(swapped, 0o755)
    real_is_symlink = Path.is_symlink

    def checked_then_swapped(self: Path) -> bool:
        linked = real_is_symlink(self)
        # The move's own check, not the pass's look at the folders before it loads anything.
        if self == swapped and not linked and sys._getframe(1).f_code.co_name == "_move_into":
            swapped.rmdir()
            swapped.symlink_to(elsewhere, target_is_directory=True)
        return linked

    monkeypatch.setattr(Path, "is_symlink", checked_then_swapped)
    result = import_folder(station, inbox, settle_s=0)
    monkeypatch.undo()
    assert stat.S_IMODE(elsewhere.stat().st_mode) == 0o755  # where the link points is left alone
    assert list(elsewhere.iterdir()) == [] and (inbox / "zto.csv").is_file()
    assert [f.file for f in result.steps_failed] == ["zto.csv"]
    assert f"{subfolder}/ in" in result.steps_failed[0].step.error.message()


def test_a_premade_subfolder_others_may_read_is_made_private(station: Station, tmp_path: Path) -> None:
    inbox = inbox_with(tmp_path)
    (inbox / "imported").mkdir()
    os.chmod(inbox / "imported", 0o755)
    result = import_folder(station, inbox, settle_s=0)
    assert [r.file for r in result.imported] == ["zto.csv"] and result.steps_failed == []
    assert oct(stat.S_IMODE((inbox / "imported").stat().st_mode)) == oct(0o700)
    assert (inbox / "imported" / "zto.csv").is_file()
