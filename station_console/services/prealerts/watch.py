"""The watched folder: pre-alert files dropped into a folder (by a sync tool, a browser download, a USB
stick) are imported one by one and moved out of the way with a report beside them.

A file is taken once it has not changed for `settle_s` seconds (so a file still being written is left
for the next pass). It goes to `imported/` when rows were loaded (its refused rows listed in
`<file>.report.txt`), else to `failed/` with the reason.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field, replace
from pathlib import Path

from station_console.errors import StationError
from station_console.i18n import N_, get_language, translate, translate_n
from station_console.private_files import private_dir, tighten_file, write_atomic
from station_console.services.core.station import Station
from station_console.services.prealerts.importer import ImportReport, RowIssue, load_file

SUFFIXES = (".csv", ".json", ".txt", ".tsv")
IMPORTED, FAILED = "imported", "failed"
CARRIER_IN_FILE = N_(
    "no carrier given and the number fits {candidates}: name its carrier in the file's carrier column."
)


@dataclass
class FolderResult:
    imported: list[ImportReport] = field(default_factory=list)
    failed: list[tuple[str, str]] = field(default_factory=list)  # (file, reason)


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
    lines = [
        translate_n(
            "{file}: {loaded} of {rows} row loaded, {outcome}",
            "{file}: {loaded} of {rows} rows loaded, {outcome}",
            report.rows_read,
            lang,
            file=report.file,
            loaded=report.loaded,
            rows=report.rows_read,
            outcome=outcome_text(
                report.count("bad"), report.count("duplicate"), report.count("on_shelf"), lang
            ),
        )
    ]
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


def _move(path: Path, folder: str, note: str) -> Path:
    target_dir = path.parent / folder
    private_dir(target_dir)  # the carriers' files, with phone numbers: this user's only
    target = target_dir / path.name
    if target.exists():
        target = target_dir / f"{path.stem}-{time.strftime('%Y%m%d-%H%M%S')}{path.suffix}"
    path.replace(target)
    tighten_file(target)  # it keeps the mode it was dropped with (a sync tool's 0644, say)
    write_atomic(target.with_name(target.name + ".report.txt"), note)
    return target


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
    files = sorted(p for p in folder.iterdir() if p.is_file() and p.suffix.lower() in SUFFIXES)
    for path in files:
        if now - path.stat().st_mtime < settle_s:
            continue  # still being written
        try:
            report = load_file(station, path, source=source, carrier=carrier)
        except StationError as exc:
            result.failed.append((path.name, exc.message()))
            _move(path, FAILED, exc.message(lang) + "\n")
            continue
        if report.loaded:
            result.imported.append(report)
            _move(path, IMPORTED, report_text(report, lang))
        else:
            reason = translate(N_("no row could be loaded"), lang)
            result.failed.append((path.name, reason))
            _move(path, FAILED, report_text(report, lang))
    return result
