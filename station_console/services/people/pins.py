"""PINs: hashed with scrypt, checked in constant time, and the weakest refused when one is set.

A PIN hash is `scrypt$<n>$<r>$<p>$<salt b64>$<key b64>`: the cost parameters travel with the hash, so
they can be raised later and old PINs still verify. Comparison is constant-time. The weakest PINs (one
digit repeated, a run like 1234 or 9876, a repeated block like 1212, a few everyone tries) are refused.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from functools import cache

from station_console.errors import Refused
from station_console.i18n import N_

# 16 MiB and roughly 50 ms per hash: slow for a PIN guesser with a stolen database, quick at the counter.
SCRYPT_N, SCRYPT_R, SCRYPT_P = 2**14, 8, 1
_SALT_BYTES, _KEY_BYTES = 16, 32
PIN_MIN, PIN_MAX = 4, 12


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def hash_pin(pin: str, *, n: int = SCRYPT_N, r: int = SCRYPT_R, p: int = SCRYPT_P) -> str:
    salt = secrets.token_bytes(_SALT_BYTES)
    key = hashlib.scrypt(pin.encode(), salt=salt, n=n, r=r, p=p, dklen=_KEY_BYTES, maxmem=_maxmem(n, r))
    return f"scrypt${n}${r}${p}${_b64(salt)}${_b64(key)}"


def check_pin(pin: str, stored: str) -> bool:
    """True when `pin` matches `stored`; a malformed or empty hash never matches."""
    try:
        scheme, n_s, r_s, p_s, salt_s, key_s = stored.split("$")
        if scheme != "scrypt":
            return False
        n, r, p = int(n_s), int(r_s), int(p_s)
        salt, key = base64.b64decode(salt_s), base64.b64decode(key_s)
    except ValueError:
        return False
    candidate = hashlib.scrypt(pin.encode(), salt=salt, n=n, r=r, p=p, dklen=len(key), maxmem=_maxmem(n, r))
    return hmac.compare_digest(candidate, key)


def _maxmem(n: int, r: int) -> int:
    return 128 * n * r + 4 * 1024 * 1024


@cache
def dummy_hash() -> str:
    """Verified against when the name is unknown, so both paths cost one scrypt run (made on first
    use, not at import: the console's start-up does not wait for it)."""
    return hash_pin("0000")


# PINs people pick first, beyond the shapes `weak_pin` refuses by rule.
COMMON_PINS = frozenset({"2580", "0852", "1004", "2000", "1998", "1999", "2001", "6969", "5683", "7777"})


def weak_pin(pin: str) -> bool:
    """One digit repeated, a run up or down (1234, 8765, 7890), a block repeated (1212, 123123), or a
    PIN everyone tries first."""
    steps = {(int(b) - int(a)) % 10 for a, b in zip(pin, pin[1:], strict=False)}
    if steps <= {0} or steps == {1} or steps == {9}:
        return True
    if any(len(pin) % n == 0 and pin == pin[:n] * (len(pin) // n) for n in range(1, len(pin) // 2 + 1)):
        return True
    return pin in COMMON_PINS


def validate_pin(pin: str) -> str:
    pin = (pin or "").strip()
    if not (pin.isdigit() and pin.isascii() and PIN_MIN <= len(pin) <= PIN_MAX):
        raise Refused(N_("A PIN is {min} to {max} digits."), code="bad_pin_format", min=PIN_MIN, max=PIN_MAX)
    if weak_pin(pin):
        raise Refused(
            N_("That PIN is too easy to guess (a repeated digit, a run like 1234, or a common one)."),
            code="weak_pin",
        )
    return pin
