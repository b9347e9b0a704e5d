"""Carrier patterns that cannot stall a check-in (catastrophic backtracking, ReDoS).

A pattern like `^(A|A)+B$` makes Python's backtracking `re` try 2^n ways on a 60-character scan: one
scan, seconds of a frozen counter. So a pattern is first read for its shape (`is_linear`): one built
only from literals, character classes, repeats of a single character or class (neighbouring variable
repeats over disjoint characters) and alternatives that cannot both match, can only be matched in
linear time, and runs on `re` (fast: detection stays above 100,000 scans/s). Any other pattern runs on
the `regex` module with a timeout (the detector's per-scan budget), and before it is saved it is tried
on inputs built to make a backtracking engine explode (`vet`): one that takes too long is refused.
"""

from __future__ import annotations

import re
import time
from re import _constants as C  # type: ignore[attr-defined]
from re import _parser as P  # type: ignore[attr-defined]
from typing import Any

import regex

from station_console.i18n import N_, Later, get_language, translate

MAX_PATTERN = 200  # characters of a carrier regex
VET_BUDGET_S = 0.05  # what a pattern may take on one adversarial input before it is refused
_LENGTHS = (16, 40, 128)  # adversarial input lengths; detection never runs patterns on longer scans
_ALL = frozenset(chr(c) for c in range(0x20, 0x7F))


class PatternProblem(ValueError, Later):
    """Why a carrier pattern cannot be used, and what to do: its English for the log, the reader's
    language where a refusal shows it (as its `reason`)."""

    def __init__(self, msgid: str, /, **params: Any) -> None:
        super().__init__(msgid.format(**params))
        self.msgid = msgid
        self.params = params

    def message(self, lang: str | None = None) -> str:
        return translate(self.msgid, lang or get_language(), **self.params)


class SlowPattern(PatternProblem):
    """The pattern took too long on an adversarial input."""


def _chars(op: Any, arg: Any) -> frozenset[str] | None:
    """The characters one item can match, or None if it is not a single character or class."""
    if op is C.LITERAL:
        return frozenset(chr(arg))
    if op is C.ANY:
        return _ALL
    if op is C.NOT_LITERAL:
        return _ALL - {chr(arg)}
    if op is C.IN:
        found: set[str] = set()
        for kind, value in arg:
            if kind is C.NEGATE:
                return _ALL
            if kind is C.LITERAL:
                found.add(chr(value))
            elif kind is C.RANGE:
                found.update(chr(c) for c in range(value[0], min(value[1], 0x2FFF) + 1))
            elif kind is C.CATEGORY:
                return _ALL  # \d, \w, \s: broad enough to count as overlapping anything
            else:
                return None
        return frozenset(found)
    return None


def _fixed_chars(items: list[Any]) -> list[frozenset[str]] | None:
    """Per position, the characters a fixed-width run of single characters/classes matches."""
    out = []
    for op, arg in items:
        chars = _chars(op, arg)
        if chars is None:
            return None
        out.append(chars)
    return out


def _linear(items: list[Any], variable: list[frozenset[str]]) -> bool:
    for op, arg in items:
        if op is C.AT or _chars(op, arg) is not None:
            continue
        if op in (C.MAX_REPEAT, C.MIN_REPEAT, C.POSSESSIVE_REPEAT):
            low, high, body = arg
            if len(body) != 1 or (chars := _chars(*body[0])) is None:
                return False  # a repeated group: the classic (a+)+ and (a|a)+
            if low != high:
                if any(chars & other for other in variable):
                    return False  # \d*\d*: many ways to split one run of digits
                variable.append(chars)
            continue
        if op is C.SUBPATTERN:
            if not _linear(list(arg[-1]), variable):
                return False
            continue
        if op is C.BRANCH:
            runs = [_fixed_chars(list(alt)) for alt in arg[1]]
            if any(r is None for r in runs) or len({len(r) for r in runs if r is not None}) != 1:
                return False
            for i, a in enumerate(runs):
                for b in runs[i + 1 :]:
                    assert a is not None and b is not None
                    if all(x & y for x, y in zip(a, b, strict=True)):
                        return False  # two alternatives can match the same text
            continue
        return False  # backreferences, lookarounds, anything else
    return True


def is_linear(pattern: str) -> bool:
    """True when `pattern`'s shape guarantees a linear-time match on `re` (see the module docstring)."""
    try:
        return len(pattern) <= MAX_PATTERN and _linear(list(P.parse(pattern)), [])
    except (re.error, RecursionError):
        return False


def adversarial_inputs(pattern: str) -> list[str]:
    """Inputs that make backtracking explode: runs of the characters the pattern repeats, ended by
    a character that fails the match, after each literal prefix the pattern starts with."""
    letters = sorted({c for c in pattern if c.isalnum()} | {"0", "a", "A"})
    prefixes = [""] + [pattern.lstrip("^")[:k] for k in (1, 2, 3) if pattern.lstrip("^")[:k].isalnum()]
    inputs = []
    for size in _LENGTHS:
        for letter in letters:
            for prefix in prefixes:
                body = prefix + letter * (size - len(prefix) - 1)
                inputs += [body + "!", body + "\x00", body[:-1] + "!" + letter]
        for a in letters[:6]:
            for b in letters[:6]:
                inputs.append((a + b) * (size // 2 - 1) + "!")
    return inputs


_TOO_SLOW = N_(
    "it takes too long on some inputs (over {ms} ms): write it without nested or overlapping repeats"
)


def vet(pattern: str) -> None:
    """Refuse (`SlowPattern`) a pattern that takes over VET_BUDGET_S on any adversarial input."""
    if len(pattern) > MAX_PATTERN:
        raise SlowPattern(N_("it is longer than {max} characters: shorten it"), max=MAX_PATTERN)
    if is_linear(pattern):
        return
    compiled = regex.compile(pattern)
    for text in adversarial_inputs(pattern):
        start = time.perf_counter()
        try:
            compiled.fullmatch(text, timeout=VET_BUDGET_S)
        except TimeoutError:
            raise SlowPattern(_TOO_SLOW, ms=round(VET_BUDGET_S * 1000)) from None
        if time.perf_counter() - start > VET_BUDGET_S:
            raise SlowPattern(_TOO_SLOW, ms=round(VET_BUDGET_S * 1000))
