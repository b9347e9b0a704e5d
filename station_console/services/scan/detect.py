"""Which carrier a waybill belongs to: ranked candidates from the carrier table's patterns.

The table is data (`Carrier.patterns`: `{"regex", "checksum", "priority"}` dicts); a `Detector` compiles
it once and indexes patterns by the lengths they can match and the characters they can start with, so
a scan costs one to three regex matches and no database query. Ranking among candidates: a pattern's explicit `priority` (default 0),
then a verified check digit, then how specific the pattern's fixed prefix is (`SF`, `621`) over a
generic all-numeric shape; ties keep the table's sort order. A batch carrier that fits goes first.
"""

from __future__ import annotations

import logging
import re
import string
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from re import _constants as sre_constants  # type: ignore[attr-defined]
from re import _parser as sre_parse  # type: ignore[attr-defined]
from typing import Any, Union

import regex as slow_engine

from db.models import Carrier
from station_console.errors import Refused, StationError
from station_console.i18n import N_, get_language
from station_console.safe_text import cut
from station_console.services.scan.checksums import RULES, Rule
from station_console.services.scan.pattern_safety import PatternProblem, is_linear
from station_console.services.scan.waybill import clean_waybill

log = logging.getLogger(__name__)

CarrierLike = Union[Carrier, Mapping[str, Any]]  # noqa: UP007  (a runtime alias)
_MAX_INDEXED = 128  # lengths past this are refused as too long before any pattern runs
SCAN_BUDGET_S = 0.02  # what a pattern that is not plainly linear may take on one scan
# What a clean waybill is made of (`clean_waybill` refuses the rest): the index's first characters.
WAYBILL_CHARS = frozenset(string.digits + string.ascii_uppercase)


def shown_name(name_en: str, name_zh: str, lang: str | None = None) -> str:
    """A carrier as a screen names it: its name in `lang` (default: the current language). Codes stay
    for filters, commands and exports; the short name is the label's."""
    return name_zh if (lang or get_language()) == "zh" else name_en


@dataclass(frozen=True, slots=True)
class Candidate:
    carrier: str  # carrier code, e.g. "SF"
    name_en: str
    name_zh: str
    checksum: bool | None  # True verified, None the carrier has no check digit here

    def name(self, lang: str | None = None) -> str:
        """Display name in `lang` (default: the current language)."""
        return shown_name(self.name_en, self.name_zh, lang)


@dataclass(frozen=True, slots=True)
class Detection:
    raw: str
    waybill: str | None
    candidates: tuple[Candidate, ...]  # ranked, best first; a fitting batch carrier is first
    conflict: bool  # a batch was given and the number fits only other carriers
    error: StationError | None  # None when the number is usable
    skipped: tuple[str, ...] = ()  # carriers with a pattern that blew the time budget on this scan

    @property
    def best(self) -> Candidate | None:
        return self.candidates[0] if self.candidates else None

    def to_json(self) -> dict[str, Any]:
        return {
            "input": self.raw,
            "waybill": self.waybill,
            "candidates": [
                {"carrier": c.carrier, "name": c.name(), "checksum": c.checksum} for c in self.candidates
            ],
            "conflict": self.conflict,
            "error": self.error.message() if self.error is not None else None,
            **({"skipped": list(self.skipped)} if self.skipped else {}),
        }


@dataclass(frozen=True, slots=True)
class CompiledPattern:
    carrier: str
    regex: re.Pattern[str]
    rule: Rule | None
    rank: tuple[float, float]  # (priority, specificity); a verified checksum slots between them
    min_len: int
    max_len: int  # _MAX_INDEXED when unbounded
    order: int = field(default=0)
    timed: Any = None  # not plainly linear: the same pattern on the `regex` engine, run with a timeout
    first: frozenset[str] | None = None  # the waybill characters a match can start with; None: any


def compile_pattern(carrier: str, spec: Mapping[str, Any], order: int = 0) -> CompiledPattern:
    """One pattern of the table, compiled; ValueError with the reason when it is unusable."""
    regex = spec.get("regex")
    if not isinstance(regex, str) or not regex:
        raise PatternProblem(N_("it has no regular expression: type one"))
    try:
        compiled = re.compile(regex)
        parsed = sre_parse.parse(regex)
    except re.error as exc:
        # re's own words are English: the log keeps them, the clerk is shown where to look.
        logging.getLogger(__name__).info("regex %r refused: %s", regex, exc)
        raise PatternProblem(
            N_("it is not a valid regular expression: check it at character {at}"),
            at=(exc.pos or 0) + 1,
        ) from exc
    checksum = spec.get("checksum")
    if checksum is not None and checksum not in RULES:
        raise PatternProblem(
            N_("Unknown check-digit rule {rule}; known rules: {rules}."),
            rule=str(checksum),
            rules=", ".join(sorted(RULES)),
        )
    priority = spec.get("priority", 0)
    if not isinstance(priority, int | float) or isinstance(priority, bool):
        raise PatternProblem(N_("its priority must be a number"))
    low, high = parsed.getwidth()
    if low == 0:
        raise PatternProblem(N_("it matches an empty waybill: make it match at least one character"))
    timed = None if is_linear(regex) else slow_engine.compile(regex)
    return CompiledPattern(
        carrier=carrier,
        regex=compiled,
        rule=RULES[checksum] if checksum else None,
        rank=(float(priority), _specificity(list(parsed))),
        min_len=low,
        max_len=min(high, _MAX_INDEXED),
        order=order,
        timed=timed,
        # The index reads `re`'s parse: a pattern the `regex` engine runs may mean more there.
        first=first_chars(parsed) if timed is None else None,
    )


def _specificity(items: list[Any]) -> float:
    """How much of the start is fixed: 1 per literal, 0.5 per small class like `[34]`."""
    score = 0.0
    for op, arg in items:
        if op is sre_constants.AT:
            continue
        if op is sre_constants.LITERAL:
            score += 1
            continue
        if op is sre_constants.IN and all(kind is sre_constants.LITERAL for kind, _ in arg) and len(arg) <= 5:
            score += 0.5
            continue
        if op is sre_constants.SUBPATTERN:
            return score + _specificity(list(arg[-1]))
        if op is sre_constants.BRANCH:
            return score + min(_specificity(list(branch)) for branch in arg[1])
        break
    return score


def first_chars(parsed: Any) -> frozenset[str] | None:
    """The waybill characters a match of a parsed pattern can start with, or None when that is not
    plain: a literal, a class of literals and ranges, `\\d`, `\\w`, groups, alternatives and optional
    items before them are read; anything else (a negated class, `.`, a lookaround, case-insensitive
    matching) can start with any character."""
    if parsed.state.flags & re.IGNORECASE:
        return None
    chars, _empty = _first_of(list(parsed))
    return None if chars is None else frozenset(chars & WAYBILL_CHARS)


def _first_of(items: list[Any]) -> tuple[set[str] | None, bool]:
    """(what the sequence can start with, whether it can match nothing)."""
    found: set[str] = set()
    for op, arg in items:
        if op is sre_constants.AT:
            continue  # `^`, `$`, `\b`: they match no character
        chars, empty = _first_of_item(op, arg)
        if chars is None:
            return None, False
        found |= chars
        if not empty:
            return found, False
    return found, True


def _first_of_item(op: Any, arg: Any) -> tuple[set[str] | None, bool]:
    if op is sre_constants.LITERAL:
        return {chr(arg)}, False
    if op is sre_constants.IN:
        return _class_chars(arg), False
    if op is sre_constants.SUBPATTERN:
        _group, add_flags, _del_flags, items = arg
        return (None, False) if add_flags & re.IGNORECASE else _first_of(list(items))
    if op is sre_constants.BRANCH:
        found: set[str] = set()
        empty = False
        for branch in arg[1]:
            chars, branch_empty = _first_of(list(branch))
            if chars is None:
                return None, False
            found |= chars
            empty = empty or branch_empty
        return found, empty
    if op in (sre_constants.MAX_REPEAT, sre_constants.MIN_REPEAT):
        least, _most, items = arg
        chars, empty = _first_of(list(items))
        return chars, empty or least == 0
    return None, False


def _class_chars(arg: list[Any]) -> set[str] | None:
    found: set[str] = set()
    for kind, value in arg:
        if kind is sre_constants.LITERAL:
            found.add(chr(value))
        elif kind is sre_constants.RANGE:
            found.update(c for c in WAYBILL_CHARS if value[0] <= ord(c) <= value[1])
        elif kind is sre_constants.CATEGORY and value is sre_constants.CATEGORY_DIGIT:
            found.update(string.digits)
        elif kind is sre_constants.CATEGORY and value is sre_constants.CATEGORY_WORD:
            found.update(WAYBILL_CHARS)
        else:
            return None
    return found


def _get(carrier: CarrierLike, key: str, default: Any = None) -> Any:
    if isinstance(carrier, Mapping):
        return carrier.get(key, default)
    return getattr(carrier, key, default)


class Detector:
    """Compiled carrier table. Immutable; build a new one after the table changes."""

    def __init__(self, names: Mapping[str, tuple[str, str]], patterns: Iterable[CompiledPattern]) -> None:
        self._names = dict(names)
        self._order = {code: i for i, code in enumerate(self._names)}
        self.patterns = tuple(patterns)
        self.min_len = min((p.min_len for p in self.patterns), default=1)
        self.max_len = max((p.max_len for p in self.patterns), default=0)
        by_length: list[list[CompiledPattern]] = [[] for _ in range(_MAX_INDEXED + 1)]
        for p in self.patterns:
            for n in range(p.min_len, p.max_len + 1):
                by_length[n].append(p)
        self._by_length = tuple(tuple(ps) for ps in by_length)
        # Per length and first character, the patterns a scan could match, in table order: a scan tries
        # only these (the first character of a waybill is read from each pattern, `first_chars`).
        self._by_start = tuple(
            {c: tuple(p for p in ps if p.first is None or c in p.first) for c in WAYBILL_CHARS} if ps else {}
            for ps in self._by_length
        )
        self._candidates = {
            (code, state): Candidate(code, en, zh, state)
            for code, (en, zh) in self._names.items()
            for state in (True, None)
        }
        self.skipped: dict[tuple[str, str], str] = {}  # (carrier, regex) -> why, for good

    @classmethod
    def from_carriers(cls, carriers: Iterable[CarrierLike]) -> Detector:
        """From `db.models.Carrier` rows or dicts; inactive carriers and broken patterns are left out."""
        rows = sorted(
            (c for c in carriers if _get(c, "active", True)),
            key=lambda c: (_get(c, "sort_order", 0) or 0, _get(c, "code", "")),
        )
        names: dict[str, tuple[str, str]] = {}
        patterns: list[CompiledPattern] = []
        for row in rows:
            code = str(_get(row, "code", "")).upper()
            if not code or code in names:
                continue
            names[code] = (
                str(_get(row, "name_en", code)),
                str(_get(row, "name_zh", "") or _get(row, "name_en", code)),
            )
            for spec in _get(row, "patterns", None) or []:
                try:
                    patterns.append(compile_pattern(code, spec, order=len(names)))
                except (ValueError, AttributeError) as exc:
                    logging.getLogger(__name__).warning("carrier %s: pattern skipped: %s", code, exc)
        return cls(names, patterns)

    @property
    def carriers(self) -> list[str]:
        return list(self._names)

    def name_of(self, code: str, lang: str | None = None) -> str:
        en, zh = self._names.get(code, (code, code))
        return zh if (lang or get_language()) == "zh" else en

    def detect(self, raw: str, batch: str | None = None) -> Detection:
        """Normalise `raw` and rank the carriers it fits. Never raises for bad input."""
        waybill, error = clean_waybill(raw)
        if waybill is None:
            return Detection(raw, None, (), False, error)
        size = len(waybill)
        if size < self.min_len:
            return Detection(
                raw,
                waybill,
                (),
                False,
                Refused(
                    N_("{waybill} is too short for a waybill ({count} characters, at least {min})."),
                    one="{waybill} is too short for a waybill ({count} character, at least {min}).",
                    code="too_short",
                    waybill=waybill,
                    count=size,
                    min=self.min_len,
                ),
            )
        if size > self.max_len:
            return Detection(
                raw,
                waybill,
                (),
                False,
                Refused(
                    N_("{waybill} is too long for a waybill ({n} characters, at most {max})."),
                    code="too_long",
                    waybill=cut(waybill, 40),
                    n=size,
                    max=self.max_len,
                ),
            )
        found: dict[str, tuple[tuple[float, bool, float, int], bool | None]] = {}
        failed: list[str] = []
        skipped: list[str] = []
        patterns = self._by_start[size].get(waybill[0])
        if patterns is None:  # not a waybill character (cleaning refuses those): every pattern of the length
            patterns = self._by_length[size]
        for p in patterns:
            if p.timed is None:
                if p.regex.fullmatch(waybill) is None:
                    continue
            elif not self._timed_match(p, waybill, skipped):
                continue
            state: bool | None = None
            if p.rule is not None:
                if not p.rule(waybill):
                    failed.append(p.carrier)
                    continue
                state = True
            key = (p.rank[0], state is True, p.rank[1], -p.order)
            seen = found.get(p.carrier)
            if seen is None or key > seen[0]:
                found[p.carrier] = (key, state)
        if not found:
            chosen = batch.upper() if batch else None
            if failed and chosen is not None and chosen not in failed:
                # The clerk chose a carrier whose numbers never take this shape: naming another
                # carrier's check digit reads as if the number were that carrier's.
                return Detection(
                    raw,
                    waybill,
                    (),
                    False,
                    Refused(
                        N_("{waybill} is not a valid {carrier} waybill number."),
                        code="check_digit",
                        waybill=waybill,
                        carrier=chosen,
                    ),
                    tuple(skipped),
                )
            if failed:
                return Detection(
                    raw,
                    waybill,
                    (),
                    False,
                    Refused(
                        N_("{waybill} fails the check digit of {carriers}."),
                        code="check_digit",
                        waybill=waybill,
                        carriers=", ".join(dict.fromkeys(failed)),
                    ),
                    tuple(skipped),
                )
            return Detection(
                raw,
                waybill,
                (),
                False,
                Refused(
                    N_("{waybill} matches no known waybill format."), code="unknown_format", waybill=waybill
                ),
                tuple(skipped),
            )
        if len(found) == 1:  # most scans: nothing to rank
            ((code, (_key, state)),) = found.items()
            return Detection(
                raw,
                waybill,
                (self._candidates[(code, state)],),
                bool(batch and batch.upper() != code),
                None,
                tuple(skipped),
            )
        ranked = sorted(found.items(), key=lambda item: item[1][0], reverse=True)
        candidates = [self._candidates[(code, state)] for code, (_key, state) in ranked]
        conflict = False
        if batch:
            wanted = batch.upper()
            if wanted in found:
                if candidates[0].carrier != wanted:
                    candidates.sort(key=lambda c: c.carrier != wanted)
            else:
                conflict = True
        return Detection(raw, waybill, tuple(candidates), conflict, None, tuple(skipped))

    def _timed_match(self, p: CompiledPattern, waybill: str, skipped: list[str]) -> bool:
        """A pattern that is not plainly linear, within the scan's time budget; one that runs out of
        time is skipped from then on (and logged): the scan goes on with the others."""
        key = (p.carrier, p.regex.pattern)
        if key in self.skipped:
            return False
        try:
            return p.timed.fullmatch(waybill, timeout=SCAN_BUDGET_S) is not None
        except TimeoutError:
            self.skipped[key] = f"over {SCAN_BUDGET_S * 1000:.0f} ms on a {len(waybill)}-character scan"
            log.warning("carrier %s: pattern %r skipped: %s", p.carrier, p.regex.pattern, self.skipped[key])
            skipped.append(p.carrier)
            return False
