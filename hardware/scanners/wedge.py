"""Telling a keyboard-wedge scanner from a person by key timing. Pure Python, no Textual.

A wedge scanner types a whole code in tens of milliseconds and ends it with Enter (or Tab); a person
types 80+ ms apart. The decoder buffers keys while it cannot yet tell, then hands back either a
complete `Scan(code)` or `Typed(keys)` to pass on to the focused widget as if the person had typed them.

Usage from an App-level key hook (the console feeds every key it receives, wherever the focus is)::

    decoder = WedgeDecoder.from_settings(app.counter_settings)

    async def on_key(event):                       # in App, before the focused widget sees it
        key = event.character if event.is_printable else event.key
        outputs = decoder.feed(key, time.monotonic())
        event.prevent_default(); event.stop()      # held; released below as Typed if a person typed
        handle(outputs)
        app.set_timer(decoder.flush_delay_s(), lambda: handle(decoder.flush(time.monotonic())))

    def handle(outputs):
        for out in outputs:
            if isinstance(out, Scan):   screen.post_message(ScannerBridge.Scanned(out.code, "wedge"))
            else:                       for k in out.keys: app.simulate_key(k)  # or insert into the Input

`flush(now)` must be called on a timer (`flush_delay_s()` after the last key, or every ~20 ms): it
releases a person's last keys and completes codes when the terminator is "none".

Rules: a burst whose gaps are all under `max_gap_ms` and that ends with the terminator is a scan when its
body (prefix and suffix removed) is at least `min_length` long and carries the configured prefix/suffix.
Once a burst looks like a scanner (3+ fast keys) a hiccup up to `idle_timeout_ms` does not split it
(a busy machine delivering keys late). Several terminators in a fast burst with nothing else (an Enter
storm) produce nothing; a terminator right after a scan is the scanner's, and is dropped.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

Terminator = Literal["enter", "tab", "none"]

# Key names the console may deliver for each terminator; plain control characters count too.
_TERMINATOR_KEYS: dict[str, frozenset[str]] = {
    "enter": frozenset({"enter", "ctrl+m", "ctrl+j", "\r", "\n"}),
    "tab": frozenset({"tab", "ctrl+i", "\t"}),
    "none": frozenset(),
}
_ESTABLISHED = 3  # keys in a fast burst before it counts as a scanner and may hiccup


@dataclass(frozen=True)
class Scan:
    """A complete code, prefix and suffix removed."""

    code: str


@dataclass(frozen=True)
class Typed:
    """Keys a person typed, in order, to pass on to the focused widget unchanged."""

    keys: tuple[str, ...]


WedgeOutput = Scan | Typed


class WedgeDecoder:
    def __init__(
        self,
        max_gap_ms: float = 30,
        min_length: int = 6,
        prefix: str = "",
        suffix: str = "",
        terminator: Terminator = "enter",
        idle_timeout_ms: float = 80,
    ) -> None:
        if terminator not in _TERMINATOR_KEYS:
            raise ValueError(f"terminator must be enter, tab or none, not {terminator!r}")
        self.max_gap = max_gap_ms / 1000
        self.idle_timeout = max(idle_timeout_ms, max_gap_ms) / 1000
        self.min_length = min_length
        self.prefix = prefix
        self.suffix = suffix
        self.terminator = terminator
        self._terminators = _TERMINATOR_KEYS[terminator]
        self._buffer: list[tuple[str, float]] = []
        self._scan_end: float | None = None  # time of the last key of the last scan

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
        )

    @property
    def pending(self) -> bool:
        """True while keys are held back, undecided."""
        return bool(self._buffer)

    def flush_delay_s(self) -> float:
        """How long after the last key `flush` can decide: call it then (a little later is fine)."""
        return self._limit() + 0.005

    def feed(self, key: str, t: float) -> list[WedgeOutput]:
        """One key (a character, or a key name such as "enter") received at time `t` (seconds)."""
        out: list[WedgeOutput] = []
        if self._buffer and t - self._buffer[-1][1] > self._limit():
            out += self._resolve_idle()
        if (
            not self._buffer
            and self._is_terminator(key)
            and self._scan_end is not None
            and t - self._scan_end <= self.max_gap
        ):
            self._scan_end = t  # the scanner's own extra CR/LF after a code: drop it
            return out
        self._buffer.append((key, t))
        if self._is_terminator(key):
            body = [k for k, _ in self._buffer[:-1]]
            if body and not any(self._is_terminator(k) for k in body):
                code = self._as_code(body)
                if code is not None:
                    self._buffer.clear()
                    self._scan_end = t
                    out.append(Scan(code))
                    return out
                out += self._release()  # fast but not a scan (too short, a key name inside)
        return out

    def flush(self, t: float) -> list[WedgeOutput]:
        """Decide on held keys if the burst is over by time `t`; call on a timer."""
        if self._buffer and t - self._buffer[-1][1] > self._limit():
            return self._resolve_idle()
        return []

    # -- internals ------------------------------------------------------------------------------

    def _limit(self) -> float:
        return self.idle_timeout if self._established() else self.max_gap

    def _established(self) -> bool:
        keys = self._buffer
        if len(keys) < _ESTABLISHED:
            return False
        return all(
            b[1] - a[1] <= self.max_gap
            for a, b in zip(keys[:_ESTABLISHED], keys[1:_ESTABLISHED], strict=False)
        )

    def _is_terminator(self, key: str) -> bool:
        return key in self._terminators

    def _as_code(self, keys: list[str]) -> str | None:
        if any(len(k) != 1 for k in keys):
            return None  # a named key (backspace, f5...) inside: a person, or garbage
        text = "".join(keys)
        if self.prefix:
            if not text.startswith(self.prefix):
                return None
            text = text[len(self.prefix) :]
        if self.suffix:
            if not text.endswith(self.suffix):
                return None
            text = text[: -len(self.suffix)]
        return text if len(text) >= self.min_length else None

    def _resolve_idle(self) -> list[WedgeOutput]:
        keys = [k for k, _ in self._buffer]
        if all(self._is_terminator(k) for k in keys) and len(keys) > 1:
            self._buffer.clear()  # an Enter storm
            return []
        if self.terminator == "none" and self._established():
            code = self._as_code(keys)
            if code is not None:
                self._scan_end = self._buffer[-1][1]
                self._buffer.clear()
                return [Scan(code)]
        return self._release()

    def _release(self) -> list[WedgeOutput]:
        keys = tuple(k for k, _ in self._buffer)
        self._buffer.clear()
        return [Typed(keys)] if keys else []
