"""Telling a keyboard-wedge scanner from a person by key timing. Pure Python, no Textual.

A wedge scanner types a whole code in tens of milliseconds and ends it with Enter (or Tab); a person
types 80+ ms apart. The decoder holds keys while it cannot yet tell, then hands back one of:

- `Scan(code)`: a whole code, prefix and suffix removed;
- `Typed(keys)`: keys a person typed, to pass on to the focused widget as if nothing happened;
- `Partial(reason, text, retract)`: scanner output that is not a whole code (a scan that arrived in
  pieces, too short, without its prefix). It is refused loudly and stored nowhere; `retract` says how
  many of the keys released just before as `Typed` may be its head (the caller takes them back out).

Rules (terminator Enter or Tab):
- A fast burst (gaps up to `max_gap_ms`) that ends with the terminator is a scan when its body is at
  least `min_length` long and carries the configured prefix/suffix; otherwise it is `Partial`, never
  typing (no person types three keys 30 ms apart).
- A fast burst of 3+ keys that stalls without its terminator is held as a possible head. A continuation
  arriving within `rejoin_ms` of its last key (a busy PC or a USB hub delays keys by 10-300 ms) joins
  it; the terminator completes it. If nothing comes in time, it is `Partial("split")`.
- A stall after only 1 or 2 keys cannot be told from typing: those keys are released as `Typed` at
  once (a person must not wait), but a scan that follows them within `rejoin_ms` may be their tail, so
  it is refused as `Partial("split")` with `retract` = those keys: the last key typed, and the one
  before it only if the two came within `max_gap_ms` (a scanner's two keys are never a person's pace
  apart, so a phone typed right before a scan loses at most its last key). So is a scan right after
  a refused head (within twice the window): it may be that head's tail, unless it carries the
  configured prefix (then it is a whole scan of its own). One or two keys right behind
  a refused head (within `max_gap_ms`) are its last keys (a long paste's, arriving in pieces) and go
  with it.
- With a prefix configured, intake is exact: a scan is prefix ... [suffix] terminator, and gaps up to
  `rejoin_ms` inside it are hiccups; a fast burst without the prefix is `Partial("framing")`. A whole
  scan that carries its prefix has no typed head (it starts with the prefix, held with the rest):
  keys typed just before it stay typed and it is a scan. One without its prefix right after a typed
  key is refused as above (that key may be the prefix's first, the scanner stalled after it).
- A terminator right after a scan (whole or refused) is the scanner's own (CR LF) and is dropped; a
  storm of terminators with nothing else produces nothing, but one Enter read twice at once (within
  `max_gap_ms`: a key bounce) is one Enter.
- A character outside ASCII (not in the configured prefix or suffix) is a person's, like a named key:
  a scanner types a barcode's ASCII, while an input method commits a word at once (张师傅, three keys
  a millisecond apart, is a courier's name, not a scanner's head). ASCII keys back to back with it
  (gaps up to `max_gap_ms`, before or after) are the same word: `3号楼502室 王小明` is an address, and
  its `502` no scanner's head. `interrupt()` settles held keys the same way for a person's act that is
  no key (a paste).
- Terminator "none": a scan ends after `idle_timeout_ms` of silence. A hiccup longer than that cannot be
  told from the end of a code, so "none" is only exact with a suffix (it then ends at the suffix).

`flush(now)` must be called on a timer, at `deadline()`: it releases a person's last keys and settles
held heads. `propose(bursts)` turns measured scanner bursts into settings (`station scan-test`).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal

Terminator = Literal["enter", "tab", "none"]

# Key names the console may deliver for each terminator; plain control characters count too.
_TERMINATOR_KEYS: dict[str, frozenset[str]] = {
    "enter": frozenset({"enter", "ctrl+m", "ctrl+j", "\r", "\n"}),
    "tab": frozenset({"tab", "ctrl+i", "\t"}),
    "none": frozenset(),
}
_ESTABLISHED = 3  # keys in a fast burst before it is surely a scanner (a fast typist rolls over two)
_RETRACT_MAX = 2  # a head shorter than _ESTABLISHED is released as typing: at most this many keys

Key = tuple[str, float]


@dataclass(frozen=True)
class Scan:
    """A complete code, prefix and suffix removed."""

    code: str


@dataclass(frozen=True)
class Typed:
    """Keys a person typed, in order, to pass on to the focused widget unchanged."""

    keys: tuple[str, ...]


@dataclass(frozen=True)
class Partial:
    """Scanner output that is not a whole code: refused, stored nowhere.

    `reason`: split (arrived in pieces, or may be the tail of one), short (below the shortest code),
    framing (the configured prefix or suffix is missing), garbled (a non-character key inside).
    `text` is what was seen, for the message only. `retract`: how many keys released as `Typed` just
    before may be its head.
    """

    reason: str
    text: str
    retract: int = 0


WedgeOutput = Scan | Typed | Partial


class WedgeDecoder:
    def __init__(
        self,
        max_gap_ms: float = 30,
        min_length: int = 6,
        prefix: str = "",
        suffix: str = "",
        terminator: Terminator = "enter",
        idle_timeout_ms: float = 80,
        rejoin_ms: float = 400,
    ) -> None:
        if terminator not in _TERMINATOR_KEYS:
            raise ValueError(f"terminator must be enter, tab or none, not {terminator!r}")
        self.max_gap = max_gap_ms / 1000
        self.idle_timeout = max(idle_timeout_ms, max_gap_ms) / 1000
        self.rejoin = max(rejoin_ms, max_gap_ms) / 1000
        self.min_length = min_length
        self.prefix = prefix
        self.suffix = suffix
        self.terminator = terminator
        self._terminators = _TERMINATOR_KEYS[terminator]
        self._framing = frozenset(prefix + suffix)
        self._burst: list[Key] = []  # the current run of keys, undecided
        self._head: list[Key] = []  # a scanner burst that stalled: waiting for its continuation
        self._typed: list[Key] = []  # printable keys just released as Typed (a possible short head)
        self._scan_end: float | None = None  # time of the last key of the last scan, refused or not
        self._refused_head_end: float | None = None  # last key of a head refused as split
        self._commit_end: float | None = None  # last key of an input method's word (see _committed)

    @classmethod
    def from_settings(cls, settings: Any) -> WedgeDecoder:
        """Build from `CounterSettings` (the wedge_* fields)."""
        return cls(
            max_gap_ms=settings.wedge_max_key_gap_ms,
            min_length=settings.wedge_min_length,
            prefix=settings.wedge_prefix,
            suffix=settings.wedge_suffix,
            terminator=settings.wedge_terminator,
            idle_timeout_ms=settings.wedge_idle_timeout_ms,
            rejoin_ms=settings.wedge_rejoin_ms,
        )

    def following(self, previous: WedgeDecoder) -> WedgeDecoder:
        """This decoder, taking over from `previous` between two keys (new settings saved): what that one
        remembers of the keys just before carries on (the last scan's end, whose extra CR/LF may still
        come; a head refused as split; an input method's word; keys released as typing), so the first
        keys after the swap are read as they would have been without it. `previous` holds no keys."""
        self._scan_end = previous._scan_end
        self._refused_head_end = previous._refused_head_end
        self._commit_end = previous._commit_end
        self._typed = list(previous._typed)
        return self

    @property
    def pending(self) -> bool:
        """True while keys are held back, undecided."""
        return bool(self._burst or self._head)

    def decides_lone_terminator(self, key: str) -> bool:
        """Held is one terminator alone, and `key` is no terminator: it decides that one as a person's
        (a storm takes more terminators), as `interrupt` would."""
        lone = len(self._burst) == 1 and not self._head and self._is_terminator(self._burst[0][0])
        return lone and not self._is_terminator(key)

    def deadline(self) -> float | None:
        """When `flush` can next decide something (same clock as the key times); None: nothing held."""
        times = []
        if self._burst:
            times.append(self._burst[-1][1] + self._stall_limit())
        if self._head:
            times.append(self._head[-1][1] + self.rejoin)
        return min(times) if times else None

    def flush_delay_s(self) -> float:
        """The longest wait `flush` may need after a key (for callers without `deadline`)."""
        return max(self.rejoin, self._stall_limit()) + 0.005

    def feed(self, key: str, t: float) -> list[WedgeOutput]:
        """One key (a character, or a key name such as "enter") received at time `t` (seconds)."""
        out = self.flush(t)
        if self._is_terminator(key):
            return out + self._terminator(key, t)
        if len(key) != 1:
            return out + self._named(key, t)
        if not (key.isascii() or key in self._framing):
            return out + self._committed(key, t)
        if self._continues_commit(t):
            self._burst.append((key, t))  # `502` of `王小明502`: the word's own, typed at once
            self._commit_end = t
            return out + self._release()
        if self._burst and all(self._is_terminator(k) for k, _ in self._burst):
            out += self._settle_terminators()  # a person's Enter just before a scan, or a storm
        self._burst.append((key, t))
        if (
            self.terminator == "none"
            and self.suffix
            and self._framed()
            and self._text().endswith(self.suffix)
        ):
            out += self._complete(t)
        return out

    def flush(self, t: float) -> list[WedgeOutput]:
        """Decide on held keys whose time is up by `t`; call on a timer (and `feed` calls it)."""
        out: list[WedgeOutput] = []
        if self._burst and t - self._burst[-1][1] > self._stall_limit():
            out += self._stalled()
        if self._head and t - self._head[-1][1] > self.rejoin:
            out += self._refuse_head("split")
        return out

    # -- decisions ------------------------------------------------------------------------------

    def _terminator(self, key: str, t: float) -> list[WedgeOutput]:
        held = self._burst or self._head
        if not held and self._scan_end is not None and t - self._scan_end <= self.max_gap:
            self._scan_end = t  # the scanner's own extra CR/LF after a code: drop it
            return []
        self._burst.append((key, t))
        if not self._body():
            return []  # a lone terminator: a person's Enter, or the start of a storm (decided at stall)
        return self._complete(t)

    def _complete(self, t: float) -> list[WedgeOutput]:
        """The burst ended (terminator, or suffix with terminator none): a scan, or refused, or typing."""
        body = self._body()
        keys = self._head + self._burst
        if not (self._head or self._framed() or len(self._burst) >= _ESTABLISHED):
            if self._tail_of_refused():
                return self._drop_tail()
            return self._release()  # "8⏎" from a quick person: one key and Enter
        first = keys[0][1]
        # Refused or not, the burst was the scanner's: a CR/LF right behind its terminator is its own.
        self._scan_end = t
        # A scan that carries its prefix starts there: keys typed just before it are no head of it, and
        # it is no refused head's tail either (a tail starts mid-code, without the prefix).
        framed = self._framed()
        retract = 0 if framed else self._possible_head(first)
        self._head, self._burst = [], []
        after_refused = (
            self._refused_head_end is not None and first - self._refused_head_end <= 2 * self.rejoin
        )
        if retract or (after_refused and not framed):
            self._typed = []
            return [Partial("split", _join(body), retract)]
        self._typed = []
        code, reason = self._as_code(body)
        if code is None:
            return [Partial(reason, _join(body))]
        return [Scan(code)]

    def _stalled(self) -> list[WedgeOutput]:
        """The burst went quiet without its terminator."""
        if all(self._is_terminator(k) for k, _ in self._burst):
            return self._settle_terminators()
        if self.terminator == "none":
            if self._head or self._framed() or len(self._burst) >= _ESTABLISHED:
                return self._complete(self._burst[-1][1])
            return self._release()
        if self._head or self._framed() or len(self._burst) >= _ESTABLISHED:
            self._head += self._burst  # a scanner stalled mid-code: wait for the rest
            self._burst = []
            return []
        if self._tail_of_refused():
            return self._drop_tail()
        return self._release()

    def _tail_of_refused(self) -> bool:
        """The held keys (1 or 2) came right behind a head just refused as split, within a scanner's
        gap between two keys: its last keys (a long paste's, decided by a timer that ran late behind
        keys still on their way). A person's first key after a refusal comes later than that."""
        end = self._refused_head_end
        return bool(self._burst) and end is not None and self._burst[0][1] - end <= self.max_gap

    def _drop_tail(self) -> list[WedgeOutput]:
        """A refused head's tail goes with it, unsaid (its refusal was said): nothing typed."""
        self._refused_head_end = self._burst[-1][1]
        self._burst, self._typed = [], []
        return []

    def interrupt(self) -> list[WedgeOutput]:
        """A person acted (a paste): held scanner keys are not a whole code; a person's few go first.
        The scanner's extra CR/LF cannot come after it: an Enter right behind a paste is the person's."""
        self._scan_end = None
        return self._settle_for_person()

    def _named(self, key: str, t: float) -> list[WedgeOutput]:
        """A key with a name (backspace, F9, an arrow), or a character no scanner types: a person's;
        whatever scanner keys are held are not a whole code."""
        return [*self._settle_for_person(), Typed((key,))]

    def _committed(self, key: str, t: float) -> list[WedgeOutput]:
        """A character no scanner types: an input method committing a person's word. ASCII keys back
        to back with it are the same word (`3号楼502室`: `502` came a millisecond before `室`), not a
        scanner's burst broken into: no scanner stops within `max_gap` for a person's word to start."""
        out: list[WedgeOutput] = []
        burst = self._burst
        held_by_scanner = self._head or self._framed()
        if (
            burst
            and not (held_by_scanner or self._is_terminator(burst[0][0]))
            and t - burst[-1][1] <= self.max_gap
        ):
            out = self._release()
        self._commit_end = t
        return out + self._named(key, t)

    def _continues_commit(self, t: float) -> bool:
        """An ASCII key back to back after an input method's word (`王小明 502`) is that word's."""
        end = self._commit_end
        return end is not None and not (self._burst or self._head) and t - end <= self.max_gap

    def _settle_for_person(self) -> list[WedgeOutput]:
        out: list[WedgeOutput] = []
        if self._burst and all(self._is_terminator(k) for k, _ in self._burst):
            out += self._settle_terminators()
        held = self._head + self._burst
        if self._head or self._framed() or len(self._burst) >= _ESTABLISHED:
            self._head, self._burst = [], []
            out.append(Partial("garbled", _join([k for k, _ in held if len(k) == 1])))
        elif self._burst:
            out += self._release()
        self._typed = []
        return out

    def _refuse_head(self, reason: str) -> list[WedgeOutput]:
        text = _join([k for k, _ in self._head])
        self._refused_head_end = self._head[-1][1]
        self._head = []
        return [Partial(reason, text)]

    def _settle_terminators(self) -> list[WedgeOutput]:
        keys = tuple(k for k, _ in self._burst)
        self._burst = []
        self._typed = []
        # One Enter is a person's, and so is one key read twice at once (a bounce, or a terminal
        # sending the press twice): dropped, the clerk's Enter did nothing, unsaid. The second is the
        # same press. More, or CR and LF, are a storm or a scanner's empty read: nothing.
        if len(keys) == 1 or (len(keys) == 2 and keys[0] == keys[1]):
            return [Typed(keys[:1])]
        return []

    def _release(self) -> list[WedgeOutput]:
        keys = self._burst
        self._burst = []
        if any(self._is_terminator(k) for k, _ in keys):
            self._typed = []
        else:
            self._typed = (self._typed + keys)[-_RETRACT_MAX:]
        return [Typed(tuple(k for k, _ in keys))] if keys else []

    # -- helpers --------------------------------------------------------------------------------

    def _possible_head(self, first: float) -> int:
        """How many just-typed keys may be the head of a scan whose first key came at `first`: the last
        one if it came within `rejoin` of it (a scanner can stall after its first key), and the one
        before only if the two came scanner-fast (within `max_gap`). Two keys a person's pace apart are
        no scanner's head: the first is the person's, and must not be taken back with the last."""
        typed = self._typed
        if not typed or first - typed[-1][1] > self.rejoin:
            return 0
        if len(typed) >= 2 and typed[-1][1] - typed[-2][1] <= self.max_gap:
            return 2
        return 1

    def _stall_limit(self) -> float:
        if self._framed():
            return self.rejoin  # exact intake: a hiccup inside a prefixed scan is only a hiccup
        if self.terminator == "none" and len(self._burst) >= _ESTABLISHED:
            return self.idle_timeout
        return self.max_gap

    def _framed(self) -> bool:
        """The held keys start with the configured prefix (exact intake)."""
        if not self.prefix:
            return False
        text = _join([k for k, _ in (self._head + self._burst)[: len(self.prefix)]])
        return text == self.prefix

    def _text(self) -> str:
        return _join([k for k, _ in self._head + self._burst])

    def _body(self) -> list[str]:
        return [k for k, _ in self._head + self._burst if not self._is_terminator(k)]

    def _is_terminator(self, key: str) -> bool:
        return key in self._terminators

    def _as_code(self, keys: list[str]) -> tuple[str | None, str]:
        if any(len(k) != 1 for k in keys):
            return None, "garbled"
        text = "".join(keys)
        if self.prefix:
            if not text.startswith(self.prefix):
                return None, "framing"
            text = text[len(self.prefix) :]
        if self.suffix:
            if not text.endswith(self.suffix):
                return None, "framing"
            text = text[: -len(self.suffix)]
        return (text, "") if len(text) >= self.min_length else (None, "short")


def _join(keys: Sequence[str]) -> str:
    return "".join(k for k in keys if len(k) == 1)


@dataclass(frozen=True)
class Proposal:
    """Wedge settings that fit measured scans (`station scan-test`, Settings > Scan test)."""

    max_gap_ms: int
    min_length: int
    terminator: Terminator
    largest_gap_ms: float
    scans: int

    def as_settings(self) -> dict[str, Any]:
        return {
            "wedge_max_key_gap_ms": self.max_gap_ms,
            "wedge_min_length": self.min_length,
            "wedge_terminator": self.terminator,
        }


def propose(bursts: Sequence[Sequence[Key]], *, shortest_code: int | None = None) -> Proposal | None:
    """Thresholds from the scanner's own bursts (each a list of (key, time)): the key gap a scanner
    needs, with room for a busy PC, and the terminator it ends with. None without 3+ key bursts."""
    every_terminator = _TERMINATOR_KEYS["enter"] | _TERMINATOR_KEYS["tab"]
    usable = [b for b in bursts if len([k for k, _ in b if k not in every_terminator]) >= _ESTABLISHED]
    if not usable:
        return None
    gaps = sorted((b[i + 1][1] - b[i][1]) * 1000 for b in usable for i in range(len(b) - 1))
    typical = gaps[min(len(gaps) - 1, int(len(gaps) * 0.95))]  # hiccups are the rejoin window's job
    max_gap = min(60, max(15, int(math.ceil(typical * 2 / 5) * 5)))
    last = usable[-1][-1][0]
    terminator: Terminator = (
        "enter" if last in _TERMINATOR_KEYS["enter"] else "tab" if last in _TERMINATOR_KEYS["tab"] else "none"
    )
    lengths = [len([k for k, _ in b if k not in _TERMINATOR_KEYS[terminator]]) for b in usable]
    shortest = shortest_code or min(lengths)
    return Proposal(
        max_gap_ms=max_gap,
        min_length=max(6, min(shortest, 8)),
        terminator=terminator,
        largest_gap_ms=round(gaps[-1], 1),
        scans=len(usable),
    )
