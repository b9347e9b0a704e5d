"""A printer's name: its `[printers.<name>]` key in counter.toml, which every word about that printer
repeats (the printer, and its section beside a wrong setting). A name is 1 to `NAME_MAX` printable
characters: one pasted 5,000 characters long was said twice in a 10,000-character refusal, and a line
break in one (a quoted TOML key may hold it) split the CLI's one-line refusal in two.

Checked where a printer is built (`printers._make`: counter.toml edited by hand), where Settings >
Printers saves one (`printers.check_saved_printers`) and, before that, by the screen itself with the
same `name_allowed`: a name set by hand (`Front (A)`) can be saved again there. A name refused is shown
escaped and cut (`shown_name`), never whole; where a fault is kept by printer it is kept under the whole
name (`printer_faults.printer_of`): two names alike in their first 40 characters are two printers.
"""

from __future__ import annotations

from collections.abc import Iterable

from hardware.messages import Message, typed
from station_console.errors import Refused
from station_console.i18n import N_, LaterText

NAME_MAX = 40  # characters: the Printers screen's field takes no more
NAME_RULE = N_(
    "its name is not one a printer can have: 1 to {max} printable characters, no control characters "
    "or line breaks"
)
# What Settings > Printers says of a name it will not save: the same rule, before any other check.
NAME_ASKED = N_(
    "Give the printer a name of 1 to {max} printable characters, no control characters or line breaks."
)
NAME_REFUSED = N_(
    "Printer {name} cannot be saved: a printer's name is 1 to {max} printable characters, no control "
    "characters or line breaks."
)


def name_allowed(name: str) -> bool:
    """`name` is one a printer may have (`isprintable`: no control, format or line-break character;
    not spaces only, which a refusal or the printer list would show as nothing)."""
    return len(name) <= NAME_MAX and name.isprintable() and bool(name.strip())


def meant_printer(typed: str, names: Iterable[str]) -> str:
    """The printer a name typed in Settings > Printers saves: the one of that name as typed, else the one
    whose name differs from it only by spaces at either end (` A`, set by hand in counter.toml: the
    field's spaces are easily lost, and a new `A` was saved beside it), else the typed name without
    those spaces."""
    names = list(names)
    bare = typed.strip()
    for exact in (typed, bare):
        if exact in names:
            return exact
    alike = [name for name in names if name.strip() == bare]
    return alike[0] if len(alike) == 1 else bare


def shown_name(name: str) -> str:
    """`name` as a refusal says it: hidden characters written out (`\\x0a`), cut to `NAME_MAX`
    characters with "…" where it was longer."""
    shown = typed(name, NAME_MAX)
    return shown if shown == typed(name, len(name) * 6) else shown + "…"


def name_fault(name: str) -> LaterText | None:
    """Why `name` cannot be a printer's, as the reason of a printer set up wrong; None when it can."""
    return None if name_allowed(name) else LaterText(Message(NAME_RULE, max=NAME_MAX))


def check_printer_name(name: str) -> None:
    """Refuse `name` for a printer being saved, naming the rule (`bad_printer_name`)."""
    if not name_allowed(name):
        raise Refused(NAME_REFUSED, code="bad_printer_name", name=shown_name(name), max=NAME_MAX)
