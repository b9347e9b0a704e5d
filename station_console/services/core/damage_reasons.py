"""Why SQLite says a database file is damaged, in the reader's language: its common reasons said as a
clerk would read them, any other kept as SQLite's English (in the brackets the sentence gives it)."""

from __future__ import annotations

from dataclasses import dataclass

from station_console.i18n import N_, Later, get_language, translate

# SQLite's words (lower case, as found in its message) -> what they mean for the station's file.
REASONS = (
    ("database disk image is malformed", N_("its pages are broken")),
    ("file is not a database", N_("it is not a database file")),
    ("file is encrypted or is not a database", N_("it is not a database file")),
    ("malformed database schema", N_("its list of tables is broken")),
    ("disk i/o error", N_("the disk could not read it")),
    ("missing from index", N_("an index does not match its table")),
    ("wrong # of entries in index", N_("an index does not match its table")),
)


@dataclass(frozen=True)
class DamageReason(Later):
    """SQLite's reason for a damaged file (`sqlite_says`, kept for the log and for checks)."""

    sqlite_says: str

    def message(self, lang: str | None = None) -> str:
        said = self.sqlite_says.lower()
        for words, reason in REASONS:
            if words in said:
                return translate(reason, lang or get_language())
        return self.sqlite_says

    def __str__(self) -> str:
        return self.sqlite_says
