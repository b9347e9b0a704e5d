"""What a pre-alert import reports: the rows read and loaded, each row not loaded (or loaded cut) by its
line and why, by carrier, and the import of the same file made before when it loaded nothing for that.
`importer.load_file` fills it; the CLI, the Pre-alerts screen and the folder watch show it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from station_console.i18n import get_language, translate
from station_console.services.prealerts.loaded_before import EarlierImport

CUT = "cut"


@dataclass(frozen=True)
class RowIssue:
    """A row that was not loaded: where it is, its waybill as written, and why (English id + params)."""

    line: int
    waybill: str
    kind: str  # bad | duplicate | on_shelf: not loaded; cut: loaded, a text cut to its column
    msgid: str
    params: dict[str, Any] = field(default_factory=dict)
    code: str = ""  # the refusal's code: a screen may say its own way out (its form, not --carrier)

    def message(self, lang: str | None = None) -> str:
        return translate(self.msgid, lang or get_language(), **self.params)

    def to_json(self) -> dict[str, Any]:
        return {
            "line": self.line,
            "waybill": self.waybill,
            "kind": self.kind,
            "msgid": self.msgid,
            "params": self.params,
            "message": self.message(),
        }


@dataclass
class ImportReport:
    file: str
    source: str
    columns: dict[str, str]
    unknown_headings: list[str]  # the first few of the headings no field reads (quoted_headings.py)
    unknown_headings_more: int = 0  # how many more of them there are: a file may have hundreds
    rows_read: int = 0
    loaded: int = 0
    issues: list[RowIssue] = field(default_factory=list)
    import_id: int | None = None
    seconds: float = 0.0
    dry_run: bool = False
    carriers: dict[str, int] = field(default_factory=dict)  # rows loaded (or to load) by carrier code
    carrier_names: dict[str, str] = field(default_factory=dict)  # short name by code, as lists name them
    digest: str = ""  # the sha256 of the bytes read: a preview's, for the import that follows it
    loaded_before: EarlierImport | None = None  # the import of this very file made before, if any

    def count(self, kind: str) -> int:
        return sum(1 for issue in self.issues if issue.kind == kind)

    @property
    def to_load(self) -> int:
        """The rows the import loads (or, a dry run, would): its good ones, counted by carrier."""
        return sum(self.carriers.values())

    @property
    def refused(self) -> list[RowIssue]:
        """The rows that were not loaded (a cut text's row was)."""
        return [issue for issue in self.issues if issue.kind != CUT]

    def to_json(self) -> dict[str, Any]:
        return {
            "import_id": self.import_id,
            "file": self.file,
            "source": self.source,
            "columns": self.columns,
            "unknown_headings": self.unknown_headings,
            "unknown_headings_more": self.unknown_headings_more,
            "rows_read": self.rows_read,
            "loaded": self.loaded,
            # A dry run loads nothing (`loaded` 0): what it would load, as its summary line says.
            "would_load": self.to_load if self.dry_run else None,
            "bad": self.count("bad"),
            "duplicates": self.count("duplicate"),
            "on_shelf": self.count("on_shelf"),
            "cut": self.count(CUT),
            "issues": [issue.to_json() for issue in self.issues],
            "seconds": round(self.seconds, 3),
            "dry_run": self.dry_run,
            "carriers": self.carriers,
            "loaded_before": None if self.loaded_before is None else self.loaded_before.import_id,
        }
