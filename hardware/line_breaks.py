"""Where a line may break, as Chinese is typeset and as English is: the one rule for printouts (rolls,
labels), the console (`station_console.tui.line_breaks`, which imports it) and the command line's help
(`station_console.help_layout`); hardware may import nothing of the console, so the rule lives here.

A line breaks after a space, or where Chinese meets Chinese or other text; never before a closing mark
(，。：；！？）」』】…, nor before "·", the dot between a line's parts), nor after an opening one (（「『【),
nor between a number and its unit (2-2 层, 3 件, 1.2 千克, 3.45 kg, 2 pcs). A no-break space
(`NO_BREAK`) holds the words either side of it on one line. Latin words are never broken inside.
A line of `line_spans` (a printout's, the command line's help) leaves no Chinese character of a run
alone at its end or at the next one's start ("广" / "东"; "送" / "达。") where an earlier break lets the run go down whole.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Collection, Sequence

# Never at the start of a line: the character before it goes down with it.
CLOSING = frozenset("，。、；：！？）」』》〉】〕〗”’…,.;:!?)]}%·・")
# Never at the end of a line: it goes down with the character after it.
OPENING = frozenset("（「『《〈【〔〖“‘([{")
DIGITS = frozenset("0123456789")
# Joins words no line may part (a figure and its words: "closing 219", "期末 219"), the run of them
# between two other spaces; Python and Rich count it a space.
NO_BREAK = "\u00a0"
CLAUSE_MARKS = frozenset("，；：、。")  # where a run of Chinese held by a no-break space ends
# A number's measure word of two characters, kept whole after it: "1.250 千" / "克" reads as nothing.
TWO_CHARACTER_UNITS = frozenset({"千克", "公斤", "厘米", "毫米", "公里", "小时", "分钟", "个月"})
# A number's unit in Latin letters, kept on the number's line: "3.45" / "kg" reads as nothing.
LATIN_UNITS = frozenset({"kg", "g", "cm", "mm", "km", "pcs", "CNY"})


def is_wide(ch: str) -> bool:
    """Chinese (and other full-width) characters, between any two of which a line may break."""
    return unicodedata.east_asian_width(ch) in "WF"


def break_points(marks: Sequence[str], wide: Sequence[bool]) -> list[bool]:
    """For each grapheme (given by its first character and whether it is wide): may a line start at it?
    After a space, or where Chinese meets Chinese or other text, unless that would start a line with a
    closing mark or end one with an opening mark, or part a number from its unit."""
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
        if wide[k] and (visible in DIGITS or (earlier in DIGITS and visible + ch in TWO_CHARACTER_UNITS)):
            continue
        if before.isspace():  # as Rich breaks, unless a mark would start a line or end one
            # An English comma after a space may start a line as Rich has it; "·" and Chinese marks not.
            closes = ch in CLOSING and (wide[k] or not ch.isascii())
            allowed[k] = not closes and visible not in OPENING and not _unit_after(marks, k, visible)
        elif ch not in CLOSING and before not in OPENING:
            allowed[k] = wide[k - 1] or wide[k]
    return [may and not held for may, held in zip(allowed, held_runs(marks), strict=True)]


def _unit_after(marks: Sequence[str], k: int, visible: str) -> bool:
    """Is the word at `k` a Latin unit right after a number ("3.45 kg")?"""
    if visible not in DIGITS:
        return False
    end = k
    while end < len(marks) and not marks[end].isspace():
        end += 1
    return "".join(marks[k:end]).rstrip("".join(CLOSING)) in LATIN_UNITS


def held_runs(marks: Sequence[str]) -> list[bool]:
    """For each grapheme: is it inside words joined by a no-break space, which no line may part? The
    whole run between two other spaces or Chinese clause marks ("期末\u00a0219" as much as
    "closing\u00a0219"; "，名录外\u00a0233；", Chinese having no spaces around its clauses)."""
    held = [False] * len(marks)
    start = 0  # the run's first grapheme
    for k in range(len(marks) + 1):
        if k == len(marks) or (marks[k].isspace() and marks[k] != NO_BREAK) or marks[k] in CLAUSE_MARKS:
            if NO_BREAK in marks[start:k]:
                held[start + 1 : k] = [True] * (k - start - 1)
            start = k + 1
    return held


def break_lines(
    text: str, fits: Callable[[str], bool], *, avoid: Collection[int] = (), fold: bool = True
) -> list[str]:
    """`text` in lines that each `fits` (a line is measured without its trailing spaces), each broken
    at the last place `break_points` allows; a place in `avoid` (offsets in `text`) only when the line
    has no other. A run with nowhere to break is cut where it is full, its closing marks kept with the
    character before them and an opening mark taken down; with `fold` False it runs on past the line's
    end to its next place to break instead (a command line's help: an option or a path to copy whole).
    A line holds at least one character."""
    return [text[start:end].rstrip() for start, end in line_spans(text, fits, avoid=avoid, fold=fold)]


def line_spans(
    text: str, fits: Callable[[str], bool], *, avoid: Collection[int] = (), fold: bool = True
) -> list[tuple[int, int]]:
    """Where each line of `break_lines` starts and ends in `text` (so the text after a line is
    `text[end:]`, whatever spaces it broke at)."""
    allowed = break_points(text, [is_wide(ch) for ch in text])
    avoid = {*avoid, *lonely_breaks(text)}
    spans: list[tuple[int, int]] = []
    start = _skip_spaces(text, 0)
    while start < len(text):
        end = start + 1  # text[start:end] is the line so far
        while end < len(text) and fits(text[start : end + 1].rstrip()):
            end += 1
        if end == len(text):
            spans.append((start, end))
            break
        places = [k for k in range(start + 1, end + 1) if allowed[k]]
        if places:
            cut = max([k for k in places if k not in avoid] or places)
        elif fold:
            cut = _fold_at(text, start, end)
        else:
            cut = next((k for k in range(end + 1, len(text)) if allowed[k]), len(text))
        spans.append((start, cut))
        start = _skip_spaces(text, cut)
    return spans


def lonely_breaks(text: str) -> set[int]:
    """Offsets where a break would leave one character of a run of Chinese characters alone: after
    the run's first or before its last ("广东" as "广" / "东"). Chinese has no spaces between its words,
    so a run between spaces, figures or marks is the nearest to a word the rule can see."""
    lonely: set[int] = set()
    start = 0
    for k in range(len(text) + 1):
        if k < len(text) and _hanzi(text[k]):
            continue
        if k - start >= 2:
            lonely |= {start + 1, k - 1}
        start = k + 1
    return lonely


def _hanzi(ch: str) -> bool:
    return is_wide(ch) and not ch.isspace() and ch not in CLOSING and ch not in OPENING


def _skip_spaces(text: str, at: int) -> int:
    while at < len(text) and text[at].isspace():
        at += 1
    return at


def _fold_at(text: str, start: int, end: int) -> int:
    """Where a line from `start` with nowhere to break folds, `end` being the first character that does
    not fit: there, but a closing mark (or an accent) takes the character before it along, and an
    opening mark goes down with what it opens, a space between them or not (a name longer than the
    line, then " ，": the next line began with the "，" once the space was trimmed)."""
    cut = end
    while cut - 1 > start and _starts_badly(text, cut):
        cut -= 1
    while cut - 1 > start and text[start:cut].rstrip()[-1:] in OPENING:
        cut = start + len(text[start:cut].rstrip()) - 1
    return cut


def _starts_badly(text: str, at: int) -> bool:
    """Would the line from `at` (its spaces trimmed) start with a closing mark or an accent?"""
    first = _skip_spaces(text, at)
    return first < len(text) and (text[first] in CLOSING or bool(unicodedata.combining(text[first])))
