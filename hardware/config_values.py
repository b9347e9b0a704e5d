"""Numbers and USB ids read from a device's settings entry (counter.toml, the Printers screen).

Each is refused with a `ConfigError` naming the key and quoting what was typed, never Python's own
"invalid literal for int()".
"""

from __future__ import annotations

from typing import Any

from hardware.config_keys import config_key
from hardware.messages import N_, ConfigError, typed


def usb_id(config: dict[str, Any], key: str) -> int | None:
    """A USB vendor or product id: an int, or hex text ("0c2e"); None when not given."""
    value = config.get(key)
    if value is None or value == "":
        return None
    if isinstance(value, int) and not isinstance(value, bool) and 0 <= value <= 0xFFFF:
        return value
    try:
        number = int(str(value), 16)
    except ValueError:
        number = -1
    if not 0 <= number <= 0xFFFF:
        raise ConfigError(
            N_("{key} = {value}: a USB id is 4 hex digits, e.g. 0c2e"),
            key=config_key(key),
            value=typed(value),
        )
    return number


def whole(config: dict[str, Any], key: str, default: int, *, low: int = 1, high: int = 10**6) -> int:
    """A whole number from `low` to `high`."""
    value = config.get(key, default)
    try:
        number = int(value) if not isinstance(value, (bool, float)) else None
    except (TypeError, ValueError):
        number = None
    if number is None or not low <= number <= high:
        raise ConfigError(
            N_("{key} = {value}: a whole number from {low} to {high}"),
            key=config_key(key),
            value=typed(value),
            low=low,
            high=high,
        )
    return number


def decimal(config: dict[str, Any], key: str, default: float, *, low: float, high: float) -> float:
    """A number (a decimal point allowed) from `low` to `high`."""
    value = config.get(key, default)
    try:
        number = float(value) if not isinstance(value, bool) else None
    except (TypeError, ValueError):
        number = None
    if number is None or not low <= number <= high:  # NaN fails both comparisons
        raise ConfigError(
            N_("{key} = {value}: a number from {low} to {high}"),
            key=config_key(key),
            value=typed(value),
            low=f"{low:g}",
            high=f"{high:g}",
        )
    return number
