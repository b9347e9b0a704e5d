"""Where Textual may break a line of Chinese: as Chinese is typeset, never before a closing mark
(，。：；！？）」』、…) nor after an opening one (（「『《…).

Textual wraps every text it draws (labels, message lines, dialogs, toasts) with Rich's `divide_line`,
which breaks at spaces only and folds a longer run of Chinese wherever the line is full: a line could
start with "：" or "。". Catalogue text cannot avoid that (a sentence without spaces is one long run),
and neither library has a hook, so `install()` puts `divide_line` here in the one place Textual's
`Content` calls it. A line with no wide character is left to Rich's own, so English is laid out
exactly as before.
"""

from __future__ import annotations

import textual.content
from rich._wrap import divide_line as rich_divide_line
from rich.cells import cell_len, get_character_cell_size

# Never at the start of a line: the character before it goes down with it.
CLOSING = frozenset("，。、；：！？）」』》〉】〕〗”’…,.;:!?)]}%")
# Never at the end of a line: it goes down with the character after it.
OPENING = frozenset("（「『《〈【〔〖“‘([{")


def _wide(ch: str) -> bool:
    return get_character_cell_size(ch) == 2


def may_break_before(text: str, i: int) -> bool:
    """A line may start at `text[i]`: after a space, or where Chinese meets Chinese or other text,
    unless that would start a line with a closing mark or end one with an opening mark."""
    before, ch = text[i - 1], text[i]
    if ch.isspace():
        return False  # a space stays at the end of its line, where it is trimmed
    if before.isspace():  # as Rich breaks, unless a Chinese mark would start a line or end one
        return not (ch in CLOSING and _wide(ch)) and text[:i].rstrip()[-1:] not in OPENING
    if ch in CLOSING or before in OPENING:
        return False
    return _wide(before) or _wide(ch)


def divide_line(text: str, width: int, fold: bool = True) -> list[int]:
    """The offsets to break `text` at so each line fits `width` cells (Rich's signature). A run with
    no place to break folds where the line is full, keeping a closing mark with the character before."""
    if not any(_wide(ch) for ch in text):
        return rich_divide_line(text, width, fold)
    breaks: list[int] = []
    start = 0  # where the current line starts
    used = 0  # its cells, up to the character before `i`
    last = 0  # the last place after `start` where it may break
    for i, ch in enumerate(text):
        if i > start and may_break_before(text, i):
            last = i
        cells = get_character_cell_size(ch)
        # A space may hang past the end: it is trimmed where the line is drawn.
        while not ch.isspace() and used + cells > width and i > start:
            if last > start:
                cut = last
            elif fold:
                # Nowhere to break: fold here, but closing marks take the character before them along.
                cut = i
                while text[cut] in CLOSING and cut - 1 > start and not text[cut - 1].isspace():
                    cut -= 1
            else:
                break  # not folded: the line is cropped where it is drawn
            breaks.append(cut)
            start = cut
            used = cell_len(text[start:i])
            last = max((j for j in range(start + 1, i + 1) if may_break_before(text, j)), default=start)
        used += cells
    return breaks


def install() -> None:
    """Textual's text wraps by these rules from now on (its `Content` looks the function up by name
    each time it wraps)."""
    textual.content.divide_line = divide_line
