"""User and scanner text is data: never markup, never a terminal control sequence.

Two directions. `clean()` is for what is typed or scanned before it is stored: terminal escape
sequences whole, control characters (C0, DEL, C1) and the bidirectional override and isolate marks (which
make `abc` display as `cba`) are removed, runs of spaces are one space, and the length is capped.
`visible()` is for stored text on its way to a terminal or a screen (older rows, another program's
writes): the same characters are shown as escapes (`\\x1b`, `\\u202e`), so nothing stored can move the
cursor, recolour the screen, reorder a line or ring the bell. Neither touches Rich markup: screens
show text as `rich.text.Text` (or escaped), never parsed.
"""

from __future__ import annotations

import io
import re
import sys
from typing import Any, TextIO

# C0 controls, DEL, C1 controls; the bidi embeddings, overrides and isolates; LRM/RLM/ALM marks;
# line and paragraph separators; the BOM / zero-width no-break space.
_HIDDEN = re.compile(r"[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\u2028\u2029\ufeff]")
_SHOWN = re.compile(_HIDDEN.pattern.replace(r"\x00-\x1f", r"\x00-\x08\x0b-\x1f"))  # new lines and tabs pass
_SPACES = re.compile(r"\s+")
# A whole terminal escape sequence (CSI `ESC [ ... m`, OSC `ESC ] ... BEL`, a two-character escape, and
# the C1 forms): pasted coloured text loses its colour codes, not just their ESC (`[31m` would stay).
_ESCAPES = re.compile(
    r"(?:\x1b\[|\x9b)[0-?]*[ -/]*[@-~]"  # CSI
    r"|(?:\x1b\]|\x9d)[^\x07\x1b\x9c]*(?:\x07|\x1b\\|\x9c)"  # OSC, to its terminator (BEL or ST)
    r"|\x1b[0-~]"  # two characters: ESC 7 (save the cursor), ESC c (reset the terminal), ...
)


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
    out = _SPACES.sub(" ", _HIDDEN.sub(" ", _ESCAPES.sub("", text))).strip()
    return out[:max_len] if max_len is not None else out


def cut(text: str, limit: int) -> str:
    """`text` at most `limit` characters long, ending in "…" when cut: a start of a scan or a query
    shown without the sign reads as all of it. A sentence's full stop right after the quote is left
    out where the message is filled in (`i18n.translate`): "…", not "…." or "…。"."""
    return text if len(text) <= limit else text[: limit - 1] + "…"


def pasted_line(text: str) -> str:
    """What a paste puts into a one-line field: its first line (as Textual's field takes it), terminal
    escape sequences whole and hidden characters out, a tab as a space. Nothing else changes: the
    spaces around it are the clerk's."""
    lines = _ESCAPES.sub("", text).splitlines()
    return _HIDDEN.sub("", lines[0].replace("\t", " ")) if lines else ""


def printable(text: str | None) -> str:
    """A name or a line of free text to store: `clean`, and any other character that prints nothing
    (a zero-width space) out."""
    return " ".join("".join(ch for ch in clean(text) if ch.isprintable()).split())


def has_hidden(text: str) -> bool:
    """True when `text` holds a character `visible` would write out."""
    return _SHOWN.search(text) is not None


def _escape(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def visible(text: object) -> str:
    """`text` with every hidden character but new lines and tabs written out as an escape: safe on
    any terminal."""
    value = "" if text is None else str(text)
    return _SHOWN.sub(_escape, value)


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
