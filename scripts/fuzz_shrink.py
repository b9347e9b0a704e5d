"""A crash's key sequence made short for the console fuzzer (scripts/fuzz_console.py): the shortest prefix
that still crashes the same way, then chunks of it dropped (halves, quarters, ... single keys).

`run` replays a sequence on a fresh copy of the run's station and says how it crashed (the crash's
signature, None when it did not): the fuzzer binds it to its own run's settings.
"""

from __future__ import annotations

import time
from collections.abc import Callable

Replay = Callable[[list[str]], "str | None"]


def replays(run: Replay, tokens: list[str], want: str, tries: int = 2) -> bool:
    """The sequence still crashes the same way (a worker's timing varies: `tries` attempts)."""
    return any(run(tokens) == want for _ in range(tries))


def shrink(run: Replay, tokens: list[str], want: str, budget_s: float) -> list[str]:
    """The shortest prefix that still crashes, then chunks dropped (halves, quarters, ... single keys)."""
    deadline = time.monotonic() + budget_s
    low, high = 1, len(tokens)  # the shortest prefix: a binary search (a longer prefix crashes too)
    while low < high and time.monotonic() < deadline:
        middle = (low + high) // 2
        if replays(run, tokens[:middle], want):
            high = middle
        else:
            low = middle + 1
    tokens = tokens[:high]
    chunk = max(1, len(tokens) // 2)
    while chunk >= 1 and time.monotonic() < deadline:
        start = 0
        while start < len(tokens) and time.monotonic() < deadline:
            candidate = tokens[:start] + tokens[start + chunk :]
            if candidate and replays(run, candidate, want):
                tokens = candidate
            else:
                start += chunk
        chunk //= 2
    return tokens
