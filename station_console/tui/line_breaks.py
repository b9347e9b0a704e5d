"""Where Textual may break a line of Chinese: as Chinese is typeset, never before a closing mark
(，。：；！？）」』、…, "·") nor after an opening one (（「『《…), nor between a number and the Chinese
right after it (its measure word: 2-2 层, 3 件, 1.2 千克). A no-break space (`NO_BREAK`, `unbroken()`) holds the
words either side of it on one line, in either language: Rich breaks at any space, that one too. The
rule is the printouts' (`hardware/line_breaks.py`); this module fits it to Rich's graphemes and cells.

Textual wraps every text it draws (labels, message lines, dialogs, toasts) with Rich's `divide_line`,
which breaks at spaces only and folds a longer run of Chinese wherever the line is full: a line could
start with "：" or "。", or leave one character of a word alone ("新" / "疆": `lonely_breaks`, the
printouts' rule too). Catalogue text cannot avoid that (a sentence without spaces is one long run),
and neither library has a hook, so `install()` puts `divide_line` here in the one place Textual's
`Content` calls it. A line with no wide character (nor a no-break space) is left to Rich's own, so
English is laid out exactly as before, unless Rich folded a path: a run too long for its line folds
after its last `/` that fits, so a file's path ("...receipts/HB000002.pdf") breaks only at its
separators, in either language ("HB000002.pd" and "f" on two lines read as no file).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import textual.content
from rich._wrap import divide_line as rich_divide_line
from rich.cells import cell_len, get_character_cell_size, split_graphemes

from hardware.line_breaks import CLOSING, NO_BREAK, OPENING, break_points, lonely_breaks


def unbroken(words: str) -> str:
    """`words` held on one line wherever Textual wraps them (their spaces made no-break ones)."""
    return words.replace(" ", NO_BREAK)


# Where a report's line parts its clauses ("station 0, door 0; 0 held without consent"); a bracket's
# opening goes with the clause it opens.
_CLAUSE_ENDS = re.compile(r"(, |; |: | (?=\()|，|；|：|、)")
SHORT_CLAUSE = 30  # cells: a clause longer than this breaks at its spaces as any text does


def clauses_unbroken(line: str) -> str:
    """`line` with each short clause held on one line ("0 held without consent", "名录外 233"): a
    figure at the end of one line and its words on the next read as nothing."""
    return "".join(
        part if _CLAUSE_ENDS.fullmatch(part) or cell_len(part) > SHORT_CLAUSE else unbroken(part)
        for part in _CLAUSE_ENDS.split(line)
    )


def divide_line(text: str, width: int, fold: bool = True) -> list[int]:
    """The offsets to break `text` at so each line fits `width` cells (Rich's signature). A run with
    no place to break folds where the line is full, keeping a closing mark with the character before.
    It breaks between graphemes only: an emoji sequence or a character with its accents stays whole."""
    cells = [get_character_cell_size(ch) for ch in text]
    if 2 not in cells and NO_BREAK not in text:
        by_rich = rich_divide_line(text, width, fold)
        if not any(_folded_at_a_slash_run(text, at) for at in by_rich):
            return by_rich
    starts: Sequence[int] = range(len(text))
    marks: Sequence[str] = text
    if 0 in cells or "\u200d" in text or "\ufe0f" in text:  # a character that joins the one before
        graphemes, _cells = split_graphemes(text)
        starts = [at for at, _end, _size in graphemes]
        marks = [text[at] for at in starts]
        cells = [size for _at, _end, size in graphemes]
    allowed = break_points(marks, [size == 2 for size in cells])
    # As a printout's line: no character of a run of Chinese left alone ("新" / "疆") where an earlier
    # break lets the run go down whole.
    lonely = lonely_breaks("".join(marks))
    breaks: list[int] = []
    start = 0  # the grapheme the current line starts at
    used = 0  # its cells, up to the grapheme before `k`
    last = 0  # the last grapheme after `start` a line may start at
    whole = 0  # the last of those that leaves no character alone
    for k, mark in enumerate(marks):
        if k > start and allowed[k]:
            last = k
            if k not in lonely:
                whole = k
        # A space may hang past the end: it is trimmed where the line is drawn.
        while used + cells[k] > width and k > start and (mark == NO_BREAK or not mark.isspace()):
            if whole > start:
                cut = whole
            elif last > start:
                cut = last
            elif fold and (after_slash := _after_last_slash(marks, start, k)):
                cut = after_slash  # a path breaks at its separators only
            elif fold:
                cut = _fold_at(marks, start, k)
            else:
                break  # not folded: the line is cropped where it is drawn
            breaks.append(starts[cut])
            start = cut
            used = sum(cells[start:k])
            last = max((j for j in range(start + 1, k + 1) if allowed[j]), default=start)
            whole = max((j for j in range(start + 1, k + 1) if allowed[j] and j not in lonely), default=start)
        used += cells[k]
    return breaks


def _fold_at(marks: Sequence[str], start: int, k: int) -> int:
    """Where a line from `start` with nowhere to break folds, `k` being the first grapheme that does not
    fit: there, but closing marks take the character before them along, and a run of letters and digits
    with a digit (a waybill) goes down whole with them. A run that starts the line stays whole and leaves its marks
    to start the next one: "SF123456789012" / "3。" reads as another parcel, "。" alone still reads."""
    cut = k
    while marks[cut] in CLOSING and cut - 1 > start and not marks[cut - 1].isspace():
        cut -= 1
    if cut == k or not (_in_a_code(marks[cut - 1]) and _in_a_code(marks[cut])):
        return cut
    run, end = cut, cut
    while run > start and _in_a_code(marks[run - 1]):
        run -= 1
    while _in_a_code(marks[end]):
        end += 1
    if not any(mark.isdigit() for mark in marks[run:end]):
        return cut  # a word, not a number read back character by character: folded as before
    while run > start and marks[run - 1] in OPENING:
        run -= 1
    return run if run > start else k


def _in_a_code(mark: str) -> bool:
    """Part of a run of letters and digits (a waybill, a code when it has a digit)."""
    return mark.isascii() and mark.isalnum()


def _folded_at_a_slash_run(text: str, at: int) -> bool:
    """Did Rich fold the run of non-spaces around offset `at` inside it, a run with a `/` (a path)?"""
    if text[at - 1].isspace() or text[at].isspace():
        return False
    begin, end = at, at
    while begin > 0 and not text[begin - 1].isspace():
        begin -= 1
    while end < len(text) and not text[end].isspace():
        end += 1
    return "/" in text[begin:end]


def _after_last_slash(marks: Sequence[str], start: int, k: int) -> int:
    """The last grapheme after `start` and before `k` that follows a `/`; 0 if none does."""
    return max((j for j in range(start + 1, k) if marks[j - 1] == "/"), default=0)


def install() -> None:
    """Textual's text wraps by these rules from now on (its `Content` looks the function up by name
    each time it wraps)."""
    textual.content.divide_line = divide_line
