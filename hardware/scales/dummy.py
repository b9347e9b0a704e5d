"""A scale with no hardware, for demos, the tmux walk and tests: it reports what it is told.

`grams` alone: always stable at that weight. `readings`: a list of `[status, grams]` played in turn
(the last one repeats). `file`: a text file read at every reading, `1200` or `moving 1200`, `over`,
`under -20`, `zero`, so a person can change the weight on the plate while the console runs.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

from hardware.scales.base import Reading, Scale, ScaleStatus


class DummyScale(Scale):
    kind = "dummy"

    def __init__(
        self,
        *,
        grams: int | None = None,
        readings: list[tuple[str, int]] | None = None,
        file: str | None = None,
        interval_s: float = 0.05,
    ) -> None:
        super().__init__("dummy")
        self.script = [(ScaleStatus(s), int(g)) for s, g in readings or []]
        if grams is not None and not self.script:
            self.script = [(ScaleStatus.STABLE if grams > 0 else ScaleStatus.ZERO, int(grams))]
        self.file = Path(file) if file else None
        self.interval_s = interval_s
        self.sent: list[Reading] = []
        self._played = 0

    def _next(self) -> Reading | None:
        if self.file is not None:
            try:
                words = self.file.read_text(encoding="utf-8").split()
            except OSError:
                return None
            return _from_words(words, self.source)
        if not self.script:
            return None
        status, grams = self.script[min(self._played, len(self.script) - 1)]
        self._played += 1
        return Reading(grams, status, self.source, f"{status.value} {grams}")

    def readings(self, deadline: float) -> Iterator[Reading]:
        while time.monotonic() < deadline:
            reading = self._next()
            if reading is not None:
                self.sent.append(reading)
                yield reading
            time.sleep(self.interval_s)


def _from_words(words: list[str], source: str) -> Reading | None:
    if not words:
        return None
    names = {"moving": ScaleStatus.MOVING, "over": ScaleStatus.OVER, "under": ScaleStatus.UNDER_ZERO}
    names |= {"zero": ScaleStatus.ZERO, "fault": ScaleStatus.FAULT, "stable": ScaleStatus.STABLE}
    status = names.get(words[0].lower())
    number = words[1] if status is not None and len(words) > 1 else words[0]
    try:
        grams = int(number)
    except ValueError:
        return None if status is None else Reading(0, status, source, " ".join(words))
    if status is None:
        status = (
            ScaleStatus.STABLE if grams > 0 else ScaleStatus.ZERO if grams == 0 else ScaleStatus.UNDER_ZERO
        )
    return Reading(grams, status, source, " ".join(words))
