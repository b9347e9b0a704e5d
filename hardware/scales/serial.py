"""Serial scales through pyserial (a COM port, or a USB adapter such as a CH340): three protocols.

- `mtsics`: Mettler Toledo MT-SICS. The host sends `S`; the balance answers `S S     100.00 g` when
  stable, `S D ...` while dynamic, `S +` / `S -` over or under range, `S I` when it cannot answer yet.
- `cas`: CAS and compatibles stream lines like `ST,GS,+  1.500kg` (`US` unstable, `OL` overload).
- `regex`: anything else, e.g. the `ww000.000kg` stream of many Chinese counter scales: `pattern` with a
  `weight` group (and optionally `sign`, `unit`, `status`). Without a status group a value repeated
  `settle` times in a row counts as stable, since such scales never say.
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from hardware.config_keys import config_key
from hardware.config_values import whole
from hardware.messages import N_, ConfigError, Message, typed
from hardware.scales.base import GRAMS_PER, Reading, Scale, ScaleError, ScaleStatus, UnknownUnit, to_grams

try:  # optional: `pip install station-console[serial]`
    import serial as pyserial
except ImportError:  # pragma: no cover - exercised only without the extra
    pyserial = None

PROTOCOLS = ("mtsics", "cas", "regex")
NEEDS_WEIGHT_GROUP = N_("{key}: a regex scale needs a pattern with a (?P<weight>...) group")
MAX_LINE = 256  # a stream with no line ends is not a scale talking
UNIT_TO_SET = N_("The scale is set to the unit {unit}, which the console cannot read: set it to g or kg.")


def _decimal(text: str) -> Decimal | None:
    try:
        return Decimal(text)
    except InvalidOperation:
        return None


class Protocol:
    command: bytes | None = None  # sent before each reading; None: the scale streams by itself

    def parse(self, line: str) -> tuple[ScaleStatus, int] | None:
        raise NotImplementedError

    def reset(self) -> None:
        """Forget what earlier reads saw (a new weighing starts)."""


class MtSics(Protocol):
    command = b"S\r\n"
    _LINE = re.compile(r"^S\s+([SD])\s+(-?\s*[\d.]+)\s*([a-zA-Z]+)\s*$")

    def parse(self, line: str) -> tuple[ScaleStatus, int] | None:
        text = line.strip()
        if text == "S +":
            return ScaleStatus.OVER, 0
        if text == "S -":
            return ScaleStatus.UNDER_ZERO, 0
        match = self._LINE.match(text)
        if not match:
            return None  # "S I", "ES", "ET", "EL": no weight in this answer
        value = _decimal(match.group(2).replace(" ", ""))
        if value is None:
            return None
        grams = to_grams(value, match.group(3))
        if match.group(1) == "D":
            return ScaleStatus.MOVING, grams
        return _by_sign(grams), grams


class Cas(Protocol):
    _LINE = re.compile(r"^(ST|US|OL)\s*,\s*(?:GS|NT|TR)?\s*,?\s*([+-])?\s*([\d.]+)\s*([a-zA-Z]+)\s*$")

    def __init__(self, command: str | None = None) -> None:
        self.command = command.encode() if command else None

    def parse(self, line: str) -> tuple[ScaleStatus, int] | None:
        match = self._LINE.match(line.strip())
        if not match:
            return None
        head, sign, number, unit = match.groups()
        value = _decimal(number)
        if value is None:
            return None
        grams = to_grams(value, unit) * (-1 if sign == "-" else 1)
        if head == "OL":
            return ScaleStatus.OVER, grams
        if head == "US":
            return ScaleStatus.MOVING, grams
        return _by_sign(grams), grams


@dataclass
class RegexProtocol(Protocol):
    pattern: re.Pattern[str]
    unit: str = "kg"
    stable_values: tuple[str, ...] = ("ST", "S")
    over_values: tuple[str, ...] = ("OL",)
    settle: int = 3
    command: bytes | None = None
    _last: int | None = field(default=None, init=False)
    _same: int = field(default=0, init=False)

    def reset(self) -> None:
        self._last, self._same = None, 0

    def parse(self, line: str) -> tuple[ScaleStatus, int] | None:
        match = self.pattern.search(line.strip())
        if not match:
            return None
        groups = match.groupdict()
        value = _decimal(groups["weight"])
        if value is None:
            return None
        grams = to_grams(value, groups.get("unit") or self.unit)
        if groups.get("sign") == "-":
            grams = -grams
        status = groups.get("status")
        if status is not None:
            if status in self.over_values:
                return ScaleStatus.OVER, grams
            return (_by_sign(grams) if status in self.stable_values else ScaleStatus.MOVING), grams
        self._same = self._same + 1 if grams == self._last else 1
        self._last = grams
        return (_by_sign(grams) if self._same >= self.settle else ScaleStatus.MOVING), grams


def _by_sign(grams: int) -> ScaleStatus:
    return ScaleStatus.STABLE if grams > 0 else ScaleStatus.ZERO if grams == 0 else ScaleStatus.UNDER_ZERO


def make_protocol(config: dict[str, Any]) -> Protocol:
    name = str(config.get("protocol", "mtsics")).lower()
    if name == "mtsics":
        return MtSics()
    if name == "cas":
        return Cas(config.get("command"))
    if name == "regex":
        pattern = config.get("pattern")
        if not pattern:
            raise ConfigError(NEEDS_WEIGHT_GROUP, key=config_key("pattern"))
        try:
            compiled = re.compile(str(pattern))
        except re.error as exc:
            if exc.pos is None:
                raise ConfigError(
                    N_("{key}: not a valid regular expression"), key=config_key("pattern")
                ) from exc
            raise ConfigError(
                N_("{key}: not a valid regular expression (at character {position})"),
                key=config_key("pattern"),
                position=exc.pos + 1,
            ) from exc
        if "weight" not in compiled.groupindex:
            raise ConfigError(NEEDS_WEIGHT_GROUP, key=config_key("pattern"))
        command = config.get("command")
        unit = str(config.get("unit", "kg"))
        if unit.lower() not in GRAMS_PER:
            raise ConfigError(
                N_("{key} = {unit}: use one of {choices}"),
                key=config_key("unit"),
                unit=typed(unit),
                choices=", ".join(GRAMS_PER),
            )
        return RegexProtocol(
            compiled,
            unit=unit,
            stable_values=tuple(config.get("stable", ("ST", "S"))),
            settle=whole(config, "settle", 3, low=1, high=100),
            command=str(command).encode() if command else None,
        )
    raise ConfigError(
        N_("{key} = {protocol}: unknown scale protocol; use one of {choices}"),
        key=config_key("protocol"),
        protocol=typed(name),
        choices=", ".join(PROTOCOLS),
    )


class SerialScale(Scale):
    kind = "serial"

    def __init__(
        self,
        *,
        port: str,
        protocol: Protocol,
        baudrate: int = 9600,
        poll_s: float = 0.2,
        answer_s: float = 2.0,
    ) -> None:
        super().__init__(f"serial:{port}")
        self.port, self.protocol, self.baudrate = port, protocol, baudrate
        # A scale that must be asked is asked at most every `poll_s`, and again only once it answered
        # (any line): a slow balance (MT-SICS `S` waits for stability) would otherwise be sent a queue
        # of requests it works through long after the weighing. A request unanswered for `answer_s`
        # was lost on the line: asked again.
        self.poll_s, self.answer_s = poll_s, answer_s

    def readings(self, deadline: float) -> Iterator[Reading]:
        if pyserial is None:
            raise ScaleError(
                Message(N_("pyserial is not installed: install the serial extra.")), code="no_pyserial"
            )
        try:
            port = pyserial.Serial(self.port, self.baudrate, timeout=0.05)
        except (pyserial.SerialException, OSError) as exc:
            raise ScaleError(
                Message(N_("Cannot open the scale's port {port}."), port=self.port), code="no_scale"
            ) from exc
        self.protocol.reset()
        buffer = bytearray()
        asked = float("-inf")
        waiting = False  # a request sent and not answered yet
        odd_units: set[str] = set()
        try:
            with port:
                port.reset_input_buffer()
                while time.monotonic() < deadline:
                    now = time.monotonic()
                    if self.protocol.command and now - asked >= (self.answer_s if waiting else self.poll_s):
                        port.write(self.protocol.command)
                        asked, waiting = now, True
                    buffer += port.read(port.in_waiting or 1)
                    if len(buffer) > MAX_LINE and b"\n" not in buffer and b"\r" not in buffer:
                        del buffer[:-MAX_LINE]
                    lines = _lines(buffer)
                    waiting = waiting and not lines
                    for line in lines:
                        text = line.decode("ascii", "replace")
                        try:
                            parsed = self.protocol.parse(text)
                        except UnknownUnit as exc:
                            # Once is a unit word garbled on the line, skipped as any garbled line; the
                            # same unit again is the scale's setting, and no reading will ever come.
                            if exc.unit in odd_units:
                                raise ScaleError(
                                    Message(UNIT_TO_SET, unit=exc.unit), code="scale_unit"
                                ) from exc
                            odd_units.add(exc.unit)
                            continue
                        if parsed is not None:
                            yield Reading(parsed[1], parsed[0], self.source, text.strip())
        except (pyserial.SerialException, OSError) as exc:
            raise ScaleError(
                Message(N_("The scale was unplugged: plug it in and weigh again.")), code="scale_unplugged"
            ) from exc


def _lines(buffer: bytearray) -> list[bytes]:
    """Complete lines (CR, LF or both) taken off the front of `buffer`."""
    out: list[bytes] = []
    while True:
        ends = [i for i in (buffer.find(b"\r"), buffer.find(b"\n")) if i >= 0]
        if not ends:
            return out
        cut = min(ends)
        line = bytes(buffer[:cut])
        del buffer[: cut + 1]
        if line.strip():
            out.append(line)
