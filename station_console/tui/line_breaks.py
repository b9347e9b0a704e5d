"""Where Textual may break a line of Chinese: as Chinese is typeset, never before a closing mark
(，。：；！？）」』、…) nor after an opening one (（「『《…), nor between a number and the Chinese
right after it (its measure word: 2-2 层, 3 件, 1.2 千克). A no-break space (`NO_BREAK`, `unbroken()`) holds the
words either side of it on one line, in either language: Rich breaks at any space, that one too.

Textual wraps every text it draws (labels, message lines, dialogs, toasts) with Rich's `divide_line`,
which breaks at spaces only and folds a longer run of Chinese wherever the line is full: a line could
start with "：" or "。". Catalogue text cannot avoid that (a sentence without spaces is one long run),
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

# Never at the start of a line: the character before it goes down with it.
CLOSING = frozenset("，。、；：！？）」』》〉】〕〗”’…,.;:!?)]}%")
# Never at the end of a line: it goes down with the character after it.
OPENING = frozenset("（「『《〈【〔〖“‘([{")
_DIGITS = frozenset("0123456789")
# Joins words no line may part (a figure and its words: "closing 219", "期末 219"), the run of them
# between two other spaces; Python and Rich count it a space.
NO_BREAK = "\u00a0"
_CLAUSE_MARKS = frozenset("，；：、。")  # where a run of Chinese held by a no-break space ends
# A number's measure word of two characters, kept whole after it: "1.250 千" / "克" reads as nothing.
TWO_CHARACTER_UNITS = frozenset({"千克", "公斤", "厘米", "毫米", "公里", "小时", "分钟", "个月"})


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


def _break_points(marks: Sequence[str], wide: list[bool]) -> list[bool]:
    """For each grapheme (given by its first character and whether it takes two cells): may a line
    start at it? After a space, or where Chinese meets Chinese or other text, unless that would start
    a line with a closing mark or end one with an opening mark, or part a number from the Chinese
    right after it."""
    allowed = [False] * len(marks)
    visible = ""  # the last character before this one that is not a space
    earlier = ""  # the one before `visible`
    for k in range(1, len(marks)):
        before, ch = marks[k - 1], marks[k]
        if not before.isspace():
            visible, earlier = before, visible
        if ch.isspace():
            continue  # a space stays at the end of its line, where it is trimmed
        # A number keeps the Chinese right after it, a space between or not (its measure word: 2-2 层,
        # 3 件, 5 元, 1.2 千克): "层" alone at the start of a line reads as nothing.
        if wide[k] and (visible in _DIGITS or (earlier in _DIGITS and visible + ch in TWO_CHARACTER_UNITS)):
            continue
        if before.isspace():  # as Rich breaks, unless a Chinese mark would start a line or end one
            allowed[k] = not (ch in CLOSING and wide[k]) and visible not in OPENING
        elif ch not in CLOSING and before not in OPENING:
            allowed[k] = wide[k - 1] or wide[k]
    return [may and not held for may, held in zip(allowed, _held(marks), strict=True)]


def _held(marks: Sequence[str]) -> list[bool]:
    """For each grapheme: is it inside words joined by a no-break space, which no line may part? The
    whole run between two other spaces or Chinese clause marks ("期末\u00a0219" as much as
    "closing\u00a0219"; "，名录外\u00a0233；", Chinese having no spaces around its clauses)."""
    held = [False] * len(marks)
    start = 0  # the run's first grapheme
    for k in range(len(marks) + 1):
        if k == len(marks) or (marks[k].isspace() and marks[k] != NO_BREAK) or marks[k] in _CLAUSE_MARKS:
            if NO_BREAK in marks[start:k]:
                held[start + 1 : k] = [True] * (k - start - 1)
            start = k + 1
    return held


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
    allowed = _break_points(marks, [size == 2 for size in cells])
    breaks: list[int] = []
    start = 0  # the grapheme the current line starts at
    used = 0  # its cells, up to the grapheme before `k`
    last = 0  # the last grapheme after `start` a line may start at
    for k, mark in enumerate(marks):
        if k > start and allowed[k]:
            last = k
        # A space may hang past the end: it is trimmed where the line is drawn.
        while used + cells[k] > width and k > start and (mark == NO_BREAK or not mark.isspace()):
            if last > start:
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
