"""The one interface every scale kind implements: a stream of readings, and the stable one a send needs.

A `Reading` says what the scale reported (stable, moving, zero, under zero, over capacity) with the
weight in whole grams, after the clerk's tare. `read_stable` waits for a stable, positive reading
and refuses with the reason the scale gave when none comes in time; a scale unplugged mid-read is a
`ScaleError` too, never a traceback. The hardware layer imports nothing of station_console: the
reason is a `Message` (hardware/messages.py), translated where it is shown; the send-out service turns
it into a refusal.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import dataclass, replace
from decimal import Decimal
from enum import StrEnum
from typing import ClassVar

from hardware.messages import N_, Message, typed


class ScaleError(Exception):
    """No usable reading: `code` for JSON and tests, `message` the reason (English text, id and params)."""

    def __init__(self, message: Message, *, code: str = "scale_error") -> None:
        super().__init__(message)
        self.message = message
        self.code = code


class ScaleStatus(StrEnum):
    ZERO = "zero"  # stable at zero: nothing on the plate
    MOVING = "moving"
    STABLE = "stable"
    UNDER_ZERO = "under_zero"  # the plate reads below zero (tare taken off): re-zero
    OVER = "over"  # past the scale's capacity
    FAULT = "fault"  # the scale reports a fault or needs calibration


# Grams per unit (HID POS units and the serial protocols' unit words).
GRAMS_PER = {
    "mg": Decimal("0.001"),
    "g": Decimal(1),
    "kg": Decimal(1000),
    "ct": Decimal("0.2"),
    "gr": Decimal("0.06479891"),
    "dwt": Decimal("1.55517384"),
    "ozt": Decimal("31.1034768"),
    "oz": Decimal("28.349523125"),
    "lb": Decimal("453.59237"),
}

WAIT_REASONS = {
    None: N_("No reading from the scale."),
    ScaleStatus.ZERO: N_("Nothing on the scale."),
    ScaleStatus.MOVING: N_("The scale did not settle: keep the parcel still."),
    ScaleStatus.UNDER_ZERO: N_("The scale reads below zero: clear it and re-zero."),
    ScaleStatus.OVER: N_("The parcel is over the scale's capacity."),
    ScaleStatus.FAULT: N_("The scale reports a fault or needs calibration."),
}


class UnknownUnit(ScaleError):
    """A weight in a unit the console cannot convert: `unit` is the scale's word for it."""

    def __init__(self, unit: str) -> None:
        self.unit = typed(unit, 8)
        super().__init__(
            Message(N_("The scale sent an unknown unit {unit}."), unit=self.unit), code="scale_unit"
        )


def to_grams(value: Decimal, unit: str) -> int:
    factor = GRAMS_PER.get(unit.lower())
    if factor is None:
        raise UnknownUnit(unit)
    return int((value * factor).to_integral_value())


@dataclass(frozen=True)
class Reading:
    grams: int
    status: ScaleStatus
    source: str = ""
    raw: str = ""  # what the scale sent, for `station scale read --json` and the log

    @property
    def stable(self) -> bool:
        return self.status in (ScaleStatus.STABLE, ScaleStatus.ZERO)

    def to_json(self) -> dict[str, object]:
        return {
            "grams": self.grams,
            "kg": float(Decimal(self.grams) / 1000),
            "status": self.status.value,
            "stable": self.stable,
            "source": self.source,
            "raw": self.raw,
        }


class Scale:
    """Base class: `readings()` yields what the scale reports; the rest is shared."""

    kind: ClassVar[str] = "scale"

    def __init__(self, source: str = "") -> None:
        self.source = source or self.kind
        self.tare_g = 0

    def readings(self, deadline: float) -> Iterator[Reading]:
        """Readings as they come, until `deadline` (time.monotonic); gross weights."""
        raise NotImplementedError

    def close(self) -> None:
        """Release the device (a no-op where each read opens and closes it)."""

    def _net(self, reading: Reading) -> Reading:
        if not self.tare_g or reading.status in (ScaleStatus.OVER, ScaleStatus.FAULT):
            return reading
        grams = reading.grams - self.tare_g
        status = reading.status
        if grams < 0 and reading.stable:
            status = ScaleStatus.UNDER_ZERO
        elif grams == 0 and reading.stable:
            status = ScaleStatus.ZERO
        elif grams > 0 and status == ScaleStatus.ZERO:
            status = ScaleStatus.STABLE
        return replace(reading, grams=grams, status=status)

    def read(self, timeout_s: float = 2.0) -> Reading:
        """The next reading, whatever its status."""
        for reading in self.readings(time.monotonic() + timeout_s):
            return self._net(reading)
        raise ScaleError(Message(WAIT_REASONS[None]), code="scale_silent")

    def read_stable(self, timeout_s: float = 5.0) -> Reading:
        """The first stable reading with something on the plate; the scale's last word otherwise."""
        last: ScaleStatus | None = None
        for gross in self.readings(time.monotonic() + timeout_s):
            reading = self._net(gross)
            if reading.status == ScaleStatus.STABLE and reading.grams > 0:
                return reading
            last = reading.status
        raise ScaleError(Message(WAIT_REASONS[last]), code=f"scale_{last.value}" if last else "scale_silent")

    def tare(self, timeout_s: float = 5.0) -> int:
        """Take the stable weight on the plate (an empty box) off every later reading."""
        self.tare_g = 0
        self.tare_g = self.read_stable(timeout_s).grams
        return self.tare_g
