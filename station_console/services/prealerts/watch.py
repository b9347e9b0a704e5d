"""The watched folder: pre-alert files dropped into a folder (by a sync tool, a browser download, a USB
stick) are imported one by one and moved out of the way with a report beside them.

A file is taken once it has not changed for `settle_s` seconds (so a file still being written is left
for the next pass). It goes to `imported/` when rows were loaded (its refused rows listed in
`<file>.report.txt`), else to `failed/` with the reason.

A move or a report that fails (a file where `imported/` should be, a full disk) ends no pass: the rows
stay loaded, and the file is named with the step that failed and why (`FileStepFailed`). A file left
behind is known on the next pass by its name and bytes: it is moved then, and never loaded twice.
So is a file dropped again that the watch or a clerk loaded before: its rows are there, so it loads
nothing, and its line says when and by whom it was loaded (`FileLoadedBefore`).
"""

from __future__ import annotations

import contextlib
import os
import time
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from station_console.errors import Refused, StationError
from station_console.i18n import N_, _, get_language, translate, translate_n
from station_console.private_files import (
    FolderIsLink,
    opened_private_dir,
    tighten_file,
    write_atomic,
    write_failed,
)
from station_console.services.core.later_steps import StepFailed, command
from station_console.services.core.station import Station
from station_console.services.prealerts.import_report import ImportReport, RowIssue
from station_console.services.prealerts.importer import load_file
from station_console.services.prealerts.loaded_before import EarlierImport
from station_console.services.prealerts.parse import KINDS

SUFFIXES = KINDS  # the files the watch takes are those an import reads
IMPORTED, FAILED = "imported", "failed"
CARRIER_IN_FILE = N_(
    "no carrier given and the number fits {candidates}: name its carrier in the file's carrier column."
)


NOT_MOVED = N_("It was not moved out of the folder: {reason}")
NO_REPORT = N_("Its report was not written: {reason}")
MOVED_NEXT_PASS = N_("The next pass moves it, once the folder takes it (it is not loaded twice): {command}")
WHAT_LOADED = N_("What it loaded: {command}")
# A file loaded before, by the watch or by a clerk's own import: its rows are there, so it loads
# nothing, and says when and by whom it was loaded (a deliberate drop again is not left unexplained).
LOADED_BEFORE = N_("{file}: already loaded on {date} by {who} (import {import_id}): nothing new.")
BY_THE_WATCH = N_("the folder watch")
# The same said at the top of a clerk's own import of such a file: it goes on (a row whose batch closed
# since loads again), its rows reported as any file's.
HAND_LOADED_BEFORE = N_("{file}: already loaded on {date} by {who} (import {import_id}).")
# What became of a file whose move or report failed, as the command says it (`FileStepFailed.done`):
# the step's own line says next what was not done and why.
DONE_LOADED = N_("{file}: loaded.")
DONE_REFUSED = N_("{file}: not imported.")
DONE_NO_REPORT = N_("{file}: loaded and moved.")
DONE_REFUSED_NO_REPORT = N_("{file}: not imported; moved.")
# A link is never followed: whoever may drop files here (a sync tool, a shared folder) would otherwise
# have the station read, load and re-mode a file elsewhere that it may read and they may not.
A_LINK = N_("{file} is a link to another file, not a file dropped here: it was not read.")
# `imported/` or `failed/` made a link (by whoever may write the folder) would have the carriers'
# files, with phone numbers, moved where it points: the watch does not start, nor pass, until an admin
# makes it a folder of its own. Files left unmoved would load once and stay, which helps no one.
LINKED_SUBFOLDER = N_(
    "{folder} in {path} is a link to another folder: the watch moves no file through a link. "
    "Make it a folder of its own, then start the watch again."
)


@dataclass(frozen=True)
class FileStepFailed:
    """A file whose move or report failed: what became of it (`done`, a msgid, with `params` beside
    its file) and the step that failed."""

    file: str
    done: str
    step: StepFailed
    params: dict[str, Any] = field(default_factory=dict)

    def done_line(self) -> str:
        return _(self.done, file=self.file, **self.params)


@dataclass(frozen=True)
class FileLoadedBefore:
    """A file not loaded again: its import made before, and its line (`LOADED_BEFORE`'s values)."""

    file: str
    earlier: EarlierImport
    params: dict[str, Any]

    def line(self) -> str:
        return _(LOADED_BEFORE, file=self.file, **self.params)


@dataclass
class FolderResult:
    imported: list[ImportReport] = field(default_factory=list)
    failed: list[tuple[str, str]] = field(default_factory=list)  # (file, reason)
    loaded_before: list[FileLoadedBefore] = field(default_factory=list)  # not loaded again
    steps_failed: list[FileStepFailed] = field(default_factory=list)


def outcome_text(bad: int, duplicates: int, on_shelf: int, lang: str) -> str:
    """What became of an import's refused rows: "2 bad, 1 duplicate, 0 on the shelf" (one count per
    plural form: a sentence of several counts cannot take its plural from one of them)."""
    return translate(
        N_("{bad} bad, {duplicates}, {on_shelf} on the shelf"),
        lang,
        bad=bad,
        duplicates=translate_n("{n} duplicate", "{n} duplicates", duplicates, lang, n=duplicates),
        on_shelf=on_shelf,
    )


def report_lines(
    report: ImportReport, lang: str, *, most: int | None = None, in_file: bool = False
) -> list[str]:
    """The summary, then one line per refused row (the first `most` of them). `in_file`: the report
    beside a dropped file, whose reader has no command line (a carrier is named in the file)."""
    outcome = outcome_text(report.count("bad"), report.count("duplicate"), report.count("on_shelf"), lang)
    # A dry run loads nothing: it says what the import would load (its good rows, counted by carrier),
    # as the counter's preview says it.
    if report.dry_run:
        summary = translate_n(
            "{file}: {to_load} of {rows} row to import, {outcome}",
            "{file}: {to_load} of {rows} rows to import, {outcome}",
            report.rows_read,
            lang,
            file=report.file,
            to_load=report.to_load,
            rows=report.rows_read,
            outcome=outcome,
        )
    else:
        summary = translate_n(
            "{file}: {loaded} of {rows} row loaded, {outcome}",
            "{file}: {loaded} of {rows} rows loaded, {outcome}",
            report.rows_read,
            lang,
            file=report.file,
            loaded=report.loaded,
            rows=report.rows_read,
            outcome=outcome,
        )
    lines = [summary]
    lines += [_issue_line(_in_file(i) if in_file else i, lang) for i in report.issues[:most]]
    if most is not None and len(report.issues) > most:
        lines.append(translate(N_("... and {n} more"), lang, n=len(report.issues) - most))
    return lines


def _in_file(issue: RowIssue) -> RowIssue:
    """A row's reason as a dropped file's report says it: its carrier is named in the file's carrier
    column (the command line's `--carrier` is no way out for a file left in a folder)."""
    if issue.code != "carrier_unclear":
        return issue
    return replace(issue, msgid=CARRIER_IN_FILE)


def _issue_line(issue: RowIssue, lang: str) -> str:
    """One line of the file, said as every import's summary says one (the directory's, the shelves')."""
    reason = issue.message(lang)
    if issue.waybill and issue.waybill not in reason:  # a refused waybill's reason names it already
        reason = f"{issue.waybill} {reason}"
    return translate(N_("Line {line}: {reason}"), lang, line=issue.line, reason=reason)


def report_text(report: ImportReport, lang: str) -> str:
    return "\n".join(report_lines(report, lang, in_file=True)) + "\n"


def _move(path: Path, folder: str, note: str, again: str) -> StepFailed | None:
    """Move `path` into `folder` beside it with `note` as its report; what failed and why, if a step did
    (`NOT_MOVED`, or `NO_REPORT` for a file moved)."""
    target_dir = path.parent / folder
    target = target_dir / path.name
    try:
        target = _move_into(path, target_dir)
    except OSError as exc:
        return StepFailed(NOT_MOVED, write_failed(target, exc), again, MOVED_NEXT_PASS)
    except StationError as exc:
        return StepFailed(NOT_MOVED, exc, again, MOVED_NEXT_PASS)
    try:
        if not target.is_symlink():  # a link's mode is its target's, which is not ours to change
            tighten_file(target)  # it keeps the mode it was dropped with (a sync tool's 0644, say)
        write_atomic(target.with_name(target.name + ".report.txt"), note)
    except OSError as exc:
        return StepFailed(NO_REPORT, write_failed(target, exc), _imports(), WHAT_LOADED)
    except StationError as exc:
        return StepFailed(NO_REPORT, exc, _imports(), WHAT_LOADED)
    return None


def _move_into(path: Path, target_dir: Path) -> Path:
    """Move `path` into `target_dir` (made this user's only, a pre-made one too: it holds the carriers'
    files), never through a link: the folder is opened without following one, and the file renamed
    into what was opened, so a link put there after the pass's check moves nothing either."""
    if target_dir.is_symlink():  # said first, in the clerk's words
        raise _linked(target_dir)
    try:
        with opened_private_dir(target_dir) as fd:
            name = path.name
            with contextlib.suppress(FileNotFoundError):
                os.stat(name, dir_fd=fd, follow_symlinks=False)
                name = f"{path.stem}-{time.strftime('%Y%m%d-%H%M%S')}{path.suffix}"
            os.replace(path, name, dst_dir_fd=fd)
    except FolderIsLink as exc:
        raise _linked(target_dir) from exc
    return target_dir / name


def _linked(subfolder: Path) -> Refused:
    return Refused(
        LINKED_SUBFOLDER,
        code="watched_subfolder_link",
        folder=f"{subfolder.name}/",
        path=str(subfolder.parent),
    )


def _imports() -> str:
    return command("station", "prealert", "imports")


def import_folder(
    station: Station,
    folder: Path,
    *,
    source: str = "",
    carrier: str | None = None,
    settle_s: float = 2.0,
) -> FolderResult:
    """One pass over `folder` (see the module docstring)."""
    result = FolderResult()
    lang = get_language()
    now = time.time()
    again = command(
        "station",
        "prealert",
        "watch",
        folder,
        "--once",
        *(("--source", source) if source else ()),
        *(("--carrier", carrier) if carrier else ()),
    )
    for name in (IMPORTED, FAILED):  # before any file is read: nothing loads that cannot be moved
        if (folder / name).is_symlink():
            raise _linked(folder / name)
    files = sorted(p for p in folder.iterdir() if p.is_file() and p.suffix.lower() in SUFFIXES)
    for path in files:
        if now - path.lstat().st_mtime < settle_s:
            continue  # still being written
        params: dict[str, Any] = {}
        try:
            if path.is_symlink():
                raise Refused(A_LINK, code="watched_link", file=path.name)
            # Opened without following a link too: a file swapped for one since the check is not read.
            report = load_file(
                station, path, source=source, carrier=carrier, skip_loaded=True, follow_links=False
            )
        except StationError as exc:
            if exc.code == "is_link":  # said as the check above says it
                exc = Refused(A_LINK, code="watched_link", file=path.name)
            result.failed.append((path.name, exc.message()))
            to, note, done = FAILED, exc.message(lang) + "\n", DONE_REFUSED
        else:
            if report.loaded_before is not None:
                params = _earlier_params(station, report.loaded_before, lang)
                result.loaded_before.append(FileLoadedBefore(path.name, report.loaded_before, params))
                note = translate(LOADED_BEFORE, lang, file=path.name, **params) + "\n"
                to, done = IMPORTED, LOADED_BEFORE
            elif report.loaded:
                result.imported.append(report)
                to, note, done = IMPORTED, report_text(report, lang), DONE_LOADED
            else:
                reason = translate(N_("no row could be loaded"), lang)
                result.failed.append((path.name, reason))
                to, note, done = FAILED, report_text(report, lang), DONE_REFUSED
        step = _move(path, to, note, again)
        if step is not None:
            if step.what == NO_REPORT:  # moved: a file loaded before stays said as it is
                done = {DONE_REFUSED: DONE_REFUSED_NO_REPORT, DONE_LOADED: DONE_NO_REPORT}.get(done, done)
            result.steps_failed.append(FileStepFailed(path.name, done, step, params))
    return result


def loaded_before_line(station: Station, report: ImportReport, lang: str) -> str | None:
    """A clerk's import of a file loaded before: when and by whom, as the folder watch says it."""
    if report.loaded_before is None:
        return None
    params = _earlier_params(station, report.loaded_before, lang)
    return translate(HAND_LOADED_BEFORE, lang, file=report.file, **params)


def _earlier_params(station: Station, earlier: EarlierImport, lang: str) -> dict[str, Any]:
    """`LOADED_BEFORE`'s values: the earlier import's local time, and its clerk or the watch itself."""
    return {
        "date": f"{earlier.at.astimezone(station.zone()):%Y-%m-%d %H:%M}",
        "who": earlier.by or translate(BY_THE_WATCH, lang),
        "import_id": earlier.import_id,
    }
