"""Which characters of user or scanner text a person cannot see, and how they are shown: one rule for
the console (`station_console.safe_text`) and the hardware layer (`messages.typed`), which imports
nothing of the console.

- `HIDDEN`: control characters (C0, DEL, C1: a scanner's GS 0x1D and its CR/LF suffix, an escape
  code's ESC, NEL 0x85), the bidirectional marks, embeddings, overrides and isolates (which make `abc`
  display as `cba`), the line and paragraph separators, and the BOM.
- `ZERO_WIDTH`: characters that print nothing and take no room (zero-width space, non-joiner and
  joiner, word joiner, the invisible operators, the Mongolian vowel separator, the soft hyphen, which
  shows only where a line breaks): `ab` and `a\\u200bb` look the same, so two different names would.
Both are shown as escapes (`\\x1b`, `\\u200b`) by `escaped`; cleaning typed text removes them.
"""

from __future__ import annotations

import re

HIDDEN = re.compile(r"[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\u2028\u2029\ufeff]")
ZERO_WIDTH = re.compile(r"[\u00ad\u180e\u200b-\u200d\u2060-\u2064]")
# Every character written out as an escape; a new line and a tab pass (`escaped(..., layout=True)`).
_ANY = re.compile(f"{HIDDEN.pattern}|{ZERO_WIDTH.pattern}")
_BUT_LAYOUT = re.compile(_ANY.pattern.replace(r"\x00-\x1f", r"\x00-\x08\x0b-\x1f"))
# A whole terminal escape sequence (CSI `ESC [ ... m`, OSC `ESC ] ... BEL`, a two-character escape, and
# the C1 forms): pasted coloured text loses its colour codes, not just their ESC (`[31m` would stay).
ESCAPES = re.compile(
    r"(?:\x1b\[|\x9b)[0-?]*[ -/]*[@-~]"  # CSI
    r"|(?:\x1b\]|\x9d)[^\x07\x1b\x9c]*(?:\x07|\x1b\\|\x9c)"  # OSC, to its terminator (BEL or ST)
    r"|\x1b[0-~]"  # two characters: ESC 7 (save the cursor), ESC c (reset the terminal), ...
)


def escape(char: str) -> str:
    """One character as its escape: `\\x1b`, `\\u200b`."""
    code = ord(char)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def is_hidden(char: str) -> bool:
    """True for a character `escaped` writes out (new lines and tabs included)."""
    return _ANY.fullmatch(char) is not None


def escaped(text: str, *, layout: bool = False) -> str:
    """`text` with every hidden and zero-width character written out as an escape; with `layout`,
    new lines and tabs pass."""
    return (_BUT_LAYOUT if layout else _ANY).sub(lambda m: escape(m.group()), text)


def has_hidden(text: str, *, layout: bool = False) -> bool:
    """True when `escaped(text, layout=layout)` would write something out."""
    return (_BUT_LAYOUT if layout else _ANY).search(text) is not None
