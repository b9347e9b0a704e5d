"""Settings > Printers' form: its drop-downs' choices, and a saved printer's settings put in them as saved.

counter.toml edited by hand (or written when the form offered other choices) may hold a value none of a
drop-down's choices has: a 600 dpi, an `epl` language. The drop-down then showed the previous printer's
choice, and a save wrote that over the saved one. It gets the saved value as one more choice, marked as
not offered here: the form shows what is saved, a save keeps it (and the printer check says what is wrong
with it), and the clerk changes it only by choosing another.
"""

from __future__ import annotations

from collections.abc import Hashable
from typing import Any

from hardware.printers.factory import LANGUAGES
from station_console.i18n import N_, _
from station_console.safe_text import visible

TRANSPORTS = ("usb", "tcp", "device", "cups", "file", "dummy")
# The form's choices for a new printer, and for a saved one whose counter.toml leaves a setting out.
FORM_DEFAULTS: dict[str, Any] = {
    "language": "tspl",
    "transport": "usb",
    "size": "40x30",
    "dpi": 203,
    "gap_mm": 2,
    "paper_mm": 58,
    "cjk": "resident",
}
CJK_CHOICES = (
    (N_("Chinese: printer's font"), "resident"),
    (N_("Chinese: drawn as bitmaps"), "bitmap"),
)
NOT_OFFERED = N_("{value} (saved; not a choice here)")


# Each drop-down's setting in counter.toml, by its field's id.
CHOSEN = {
    "p-language": "language",
    "p-transport": "transport",
    "p-dpi": "dpi",
    "p-paper": "paper_mm",
    "p-cjk": "cjk",
}


def choices() -> dict[str, list[tuple[str, Any]]]:
    """Each drop-down's choices, by its field's id, in the language shown now."""
    return {
        "p-language": [(lang, lang) for lang in LANGUAGES],
        "p-transport": [(t, t) for t in TRANSPORTS],
        "p-dpi": [("203 dpi", 203), ("300 dpi", 300)],
        "p-paper": [(_("{mm} mm roll", mm=mm), mm) for mm in (58, 80)],
        "p-cjk": [(_(t), v) for t, v in CJK_CHOICES],
    }


def with_saved(options: list[tuple[str, Any]], saved: Any) -> tuple[list[tuple[str, Any]], Any, bool]:
    """`options` able to show `saved`: themselves when one is `saved`, else with `saved` added as a choice
    marked not offered (written out: hand-edited text is data). Returns the options, the value to choose
    and whether it was not offered. A value a drop-down cannot hold (a TOML list) is held as its text."""
    value = saved if isinstance(saved, Hashable) else str(saved)
    if any(offered == value for _prompt, offered in options):
        return options, value, False
    return [*options, (_(NOT_OFFERED, value=visible(str(value))), value)], value, True
