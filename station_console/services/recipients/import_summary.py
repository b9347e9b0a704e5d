"""What a directory import will do (or did), in the console's language: the counts, the first rows as
read (phones masked), shared names, then the file's problems (a repeated id among them) in line order. The command line and
the Recipients screen's import both say it with these words (importing.py does the import).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from station_console.i18n import N_, _, _n, label_of
from station_console.services.recipients import fields
from station_console.services.recipients.importing import ImportResult
from station_console.services.recipients.parsing import Issue
from station_console.services.recipients.phone_links import linked_words

KEPT_WITHOUT_FULL = N_("People missing from this file stay as they are (--full deactivates them).")


def more_problems_cli(n: int) -> str:
    """The problems past those listed, as the command line says them (its --json lists them all)."""
    return _n(
        "... and {n} more problem (--json lists them all)",
        "... and {n} more problems (--json lists them all)",
        n,
        n=n,
    )


NOTHING_TO_WRITE = N_("Nothing to write: nobody in {file} is new, changed or to deactivate.")


def summary_lines(
    result: ImportResult,
    *,
    shown: int = 20,
    kept_without_full: str = KEPT_WITHOUT_FULL,
    more_problems: Callable[[int], str] = more_problems_cli,
) -> list[str]:
    """What an import will do (or did), in the console's language: counts, the first rows as read
    (phones masked), shared names and the problems, repeated ids among them, in line order. `kept_without_full`: how the
    caller's clerk asks for a full import (the command line's --full, a screen's own switch);
    `more_problems`: how it says how many problems there are past the `shown` ones."""
    lines = [
        _n(
            "{file} ({encoding}): {rows} row, source {source}",
            "{file} ({encoding}): {rows} rows, source {source}",
            result.rows_read,
            file=result.file,
            encoding=result.encoding,
            rows=result.rows_read,
            source=label_of(fields.SOURCE_LABELS, result.source),
        ),
        _("Columns: {columns}", columns=_(", ").join(f"{_label(f)}={h}" for f, h in result.columns.items())),
        _("Would write: {counts}", counts=counts_line(result))
        if result.dry_run
        else _("Written: {counts}", counts=counts_line(result)),
    ]
    if not result.full and result.dry_run:
        lines.append(_(kept_without_full))
    if said := linked_words(result.linked, result.shared, result.left_to_other):
        lines.append(said)
    for row in result.preview:
        phones = ", ".join(row.get("phones", [])) or "-"
        lines.append(_on_line(row["line"], f"{row.get('external_id')} {row.get('name')} {phones}"))
    for change in result.changes[:10]:
        named = [_label(f) for f in change["fields"] if f in fields.SUMMARY_LABELS]
        lines.append(_("{id}: {fields}", id=change["external_id"], fields=_(", ").join(named)))
    for clash in result.clashes[:shown]:
        lines.append(
            _(
                "Same name, different people: {name} ({ids})",
                name=clash["name"],
                ids=", ".join(clash["external_ids"]),
            )
        )
    return lines + problem_lines(result, shown=shown, more_problems=more_problems)


def problem_lines(
    result: ImportResult, *, shown: int = 20, more_problems: Callable[[int], str] = more_problems_cli
) -> list[str]:
    """The file's first `shown` problems, a repeated id's line skipped among them, in the file's line
    order (the file's own first), then how many more there are, in the caller's words."""
    by_line: list[tuple[int, Issue | dict[str, Any]]] = [(dup["line"], dup) for dup in result.duplicates]
    by_line += [(issue.line or 0, issue) for issue in result.issues]
    by_line.sort(key=lambda pair: pair[0])  # stable: a line's repeat before its other problems
    lines = [_problem(item) for _line, item in by_line[:shown]]
    more = len(by_line) - shown
    if more > 0:
        lines.append(more_problems(more))
    return lines


def _problem(item: Issue | dict[str, Any]) -> str:
    """One problem's line: a bad value's (or the file's own), or a repeated id's."""
    if isinstance(item, Issue):
        if not item.line:
            return _("File: {reason}", reason=item.message())
        return _on_line(item.line, item.message())
    again = _(
        "id {id} again (first on line {first}): skipped", id=item["external_id"], first=item["first_line"]
    )
    return _on_line(item["line"], again)


def _on_line(line: int, text: str) -> str:
    """What the summary says of one line of the file: every such line spelled by this one message."""
    return _("Line {line}: {reason}", line=line, reason=text)


def _label(field: str) -> str:
    return _(fields.SUMMARY_LABELS[field]) if field in fields.SUMMARY_LABELS else field


def counts_line(result: ImportResult) -> str:
    """What an import would write or wrote, in one set of words: the preview's and the line after the
    import say the same (a person brought back is said as such in both)."""
    return _(
        "{added} new, {updated} changed ({reactivated} back), {unchanged} unchanged, "
        "{deactivated} deactivated, {choices}",
        added=result.added,
        updated=result.updated,
        reactivated=result.reactivated,
        unchanged=result.unchanged,
        deactivated=result.deactivated,
        choices=_n("{n} consent or choice", "{n} consents or choices", result.choices, n=result.choices),
    )
