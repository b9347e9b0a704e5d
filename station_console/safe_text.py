"""User and scanner text is data: never markup, never a terminal control sequence.

Which characters count as hidden is stated once, in `hardware.hidden_text` (the hardware layer quotes
what a person typed by the same rule): control characters (C0, DEL, C1), the bidirectional marks,
overrides and isolates (which make `abc` display as `cba`), the line and paragraph separators, the BOM,
and the zero-width characters (a zero-width space, joiner or word joiner: `ab` and `a\\u200bb` look the
same).

What each kind of text keeps:
- A scan keeps its letters and digits. The keyboard wedge passes a GS1 or ISO 15434 separator (GS 0x1D,
  FS, RS, US, EOT) on as part of the code; the waybill cleaning (`services/scan/waybill.py`) then drops
  it with every other control character and space, so `0112345\\x1d10AB` is looked up as `011234510AB`.
- A typed name or line (`clean`, `printable`): terminal escape sequences go whole, every other hidden
  character becomes a space (a GS or a line separator between two words still parts them), a
  zero-width one goes (it parted nothing), runs of spaces are one space, and the length is capped.
- A paste into a one-line field (`pasted_line`): its first line, ended by a CR or LF only (a GS, NEL or
  line separator inside it is no line end a person sees), its hidden characters out; a vertical tab,
  form feed, NEL, line or paragraph separator as a space (it parted two words), as `clean` makes it.
`visible()` is for stored text on its way to a terminal or a screen (older rows, another program's
writes): every hidden character is shown as an escape (`\\x1b`, `\\u202e`, `\\u200b`), so nothing stored
can move the cursor, recolour the screen, reorder a line, ring the bell or pass for another name.
Neither touches Rich markup: screens show text as `rich.text.Text` (or escaped), never parsed. Only
what is shown changes: comparisons and searches read the stored text.
"""

from __future__ import annotations

import io
import re
import sys
from typing import Any, TextIO

from hardware.hidden_text import ESCAPES as _ESCAPES
from hardware.hidden_text import HIDDEN as _HIDDEN
from hardware.hidden_text import ZERO_WIDTH as _ZERO_WIDTH
from hardware.hidden_text import escaped
from hardware.hidden_text import has_hidden as _has_hidden

_SPACES = re.compile(r"\s+")
_LINE_ENDS = re.compile(r"\r\n|\r|\n")
# Breaks a paste's one line may hold (not its end, see `pasted_line`) that part the words around them.
_WORD_BREAKS = re.compile(r"[\x0b\x0c\x85\u2028\u2029]")


# Full-width ASCII (U+FF01..U+FF5E), which an input method in full-width mode types, and the
# ideographic space, to the ASCII they mean.
_FULL_WIDTH = {cp: cp - 0xFEE0 for cp in range(0xFF01, 0xFF5F)} | {0x3000: 0x20}


def ascii_forms(text: str) -> str:
    """`１３８` -> `138`, `ＳＦ` -> `SF`: full-width letters, digits, signs and spaces as the ASCII they
    mean; every other character unchanged."""
    return text if text.isascii() else text.translate(_FULL_WIDTH)


def clean(text: str | None, max_len: int | None = None) -> str:
    """One line of typed or scanned text, safe to store: hidden characters out, spaces collapsed."""
    if not text:
        return ""
    out = _SPACES.sub(" ", _HIDDEN.sub(" ", _ZERO_WIDTH.sub("", _ESCAPES.sub("", text)))).strip()
    return out[:max_len] if max_len is not None else out


def cut(text: str, limit: int) -> str:
    """`text` at most `limit` characters long, ending in "…" when cut: a start of a scan or a query
    shown without the sign reads as all of it. A sentence's full stop right after the quote is left
    out where the message is filled in (`i18n.translate`): "…", not "…." or "…。"."""
    return text if len(text) <= limit else text[: limit - 1] + "…"


def pasted_line(text: str) -> str:
    """What a paste puts into a one-line field: its first line (as Textual's field takes it), terminal
    escape sequences whole and hidden characters out, a tab, a vertical tab, a form feed, a NEL or a
    line or paragraph separator as a space. Nothing else changes: the spaces around it are the clerk's."""
    line = _LINE_ENDS.split(_ESCAPES.sub("", text), maxsplit=1)[0]
    return _ZERO_WIDTH.sub("", _HIDDEN.sub("", _WORD_BREAKS.sub(" ", line.replace("\t", " "))))


def printable(text: str | None) -> str:
    """A name or a line of free text to store: `clean`, and any other character that prints nothing
    (a zero-width space) out."""
    return " ".join("".join(ch for ch in clean(text) if ch.isprintable()).split())


def has_hidden(text: str) -> bool:
    """True when `text` holds a character `visible` would write out."""
    return _has_hidden(text, layout=True)


def visible(text: object) -> str:
    """`text` with every hidden character but new lines and tabs written out as an escape: safe on
    any terminal."""
    value = "" if text is None else str(text)
    return escaped(value, layout=True)


class VisibleWriter(io.TextIOBase):
    """A text stream that writes hidden characters out as escapes (new lines and tabs pass), so a
    command's output cannot drive the terminal whatever the database holds. Bytes written to
    `.buffer` (a label in a printer language) pass untouched."""

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream
        self._cr = ""  # a carriage return that ended a write: its line ending if the next starts one

    def write(self, text: str) -> int:
        if not isinstance(text, str):  # click tells binary streams by whether they take bytes
            raise TypeError("VisibleWriter takes text; write bytes to .buffer")
        whole = self._cr + text
        self._cr = "\r" if whole.endswith("\r") else ""
        # A carriage return ending a line (a CSV's, as RFC 4180 writes it) passes; a lone one, which
        # would overwrite the line, is written out.
        lines = whole[: len(whole) - len(self._cr)].split("\r\n")
        self.stream.write("\r\n".join(map(visible, lines)))
        return len(text)

    def flush(self) -> None:
        if self._cr:  # nothing came after it: a lone one
            self.stream.write(visible(self._cr))
            self._cr = ""
        self.stream.flush()

    def isatty(self) -> bool:
        return self.stream.isatty()

    def fileno(self) -> int:
        return self.stream.fileno()

    @property
    def encoding(self) -> str:  # type: ignore[override]
        return getattr(self.stream, "encoding", "utf-8")

    @property
    def buffer(self) -> Any:
        return self.stream.buffer  # type: ignore[attr-defined]


def ring_bell(stream: TextIO | VisibleWriter) -> None:
    """The terminal's bell, for a wrong scan: past `VisibleWriter`, which writes a BEL out as the text
    `\\x07`, and only on a terminal (a pipe or a log file would keep that character as noise)."""
    raw = stream.stream if isinstance(stream, VisibleWriter) else stream
    if raw.isatty():
        raw.write("\a")
        raw.flush()


def protect_output() -> None:
    """Put VisibleWriter in front of this process's stdout and stderr (the `station` commands)."""
    if not isinstance(sys.stdout, VisibleWriter):
        sys.stdout = VisibleWriter(sys.stdout)
    if not isinstance(sys.stderr, VisibleWriter):
        sys.stderr = VisibleWriter(sys.stderr)
