"""Check-digit rules, by name.

The carrier table names a rule per pattern (`"checksum": "s10"`); each rule takes the whole
normalised waybill, already matched by its pattern's regex, and says whether its check digit holds.
Rules only slice by position, so a rule is safe to call on any string (it returns False, never
raises). Algorithms follow the MIT-licensed tracking_number_data CHECKSUM_ALGORITHMS.md.
"""

from __future__ import annotations

from collections.abc import Callable

Rule = Callable[[str], bool]

# Country codes of UPU members (the tracking_number_data S10 list), plus Macao and Taiwan posts.
_COUNTRIES = (
    "AE AF AG AL AM AO AR AT AU AZ BA BB BD BE BF BG BH BI BJ BN BO BR BS BT BW BY BZ CA CD CF CG CH CI "
    "CL CM CN CO CR CU CV CY CZ DE DJ DK DM DO DZ EC EE EG ER ES ET FI FJ FR GA GB GD GE GH GM GN GQ GR GT "
    "GW GY HK HN HR HT HU ID IE IL IN IQ IR IS IT JM JO JP KE KG KH KI KM KN KP KR KW KZ LA LB LC LI LK LR "
    "LS LT LU LV LY MA MC MD ME MG MK ML MM MN MR MT MU MV MW MX MY MZ NA NE NG NI NL NO NP NR NZ OM PA PE "
    "PG PH PK PL PT PY QA RO RS RU RW SA SB SC SD SE SG SI SK SL SM SN SO SR SS ST SV SY SZ TD TG TH TJ TL "
    "TM TN TO TR TT TV TZ UA UG US UY UZ VA VC VE VN VU WS YE ZA ZM ZW MO TW"
)
UPU_COUNTRIES = frozenset(_COUNTRIES.split())

_S10_WEIGHTS = (8, 6, 4, 2, 3, 5, 9, 7)
_FEDEX_WEIGHTS = (3, 1, 7, 3, 1, 7, 3, 1, 7, 3, 1)
_FEDEX14_WEIGHTS = (1, 7, 3, 1, 7, 3, 1, 7, 3, 1, 7, 3, 1)


def _digits(text: str) -> bool:
    return text.isascii() and text.isdigit()


def _digit_sum(digits: str) -> int:
    """The sum of ASCII digits, from their bytes at once: a scan's checksum is on the scan path."""
    return sum(digits.encode()) - 48 * len(digits)


def _number_part(waybill: str) -> str:
    """The digits after any leading letters: generic rules ignore a carrier's letter prefix (`KD...`)."""
    return waybill.lstrip("ABCDEFGHIJKLMNOPQRSTUVWXYZ")


def s10_check_digit(serial: str) -> int:
    """UPU S10: weights 8 6 4 2 3 5 9 7, mod 11; 10 becomes 0 and 11 becomes 5."""
    check = 11 - sum(int(c) * w for c, w in zip(serial, _S10_WEIGHTS, strict=True)) % 11
    return 0 if check == 10 else 5 if check == 11 else check


def s10(waybill: str) -> bool:
    """`RB123456785GB`: two letters, 8 digits, check digit, a UPU member's country code."""
    if len(waybill) != 13 or not _digits(waybill[2:11]) or waybill[11:] not in UPU_COUNTRIES:
        return False
    return s10_check_digit(waybill[2:10]) == int(waybill[10])


def _ups_value(char: str) -> int:
    return int(char) if char.isdigit() else (ord(char) - 3) % 10


def _ups_mod10(serial: str, check: str) -> bool:
    total = sum(_ups_value(c) * (2 if i % 2 else 1) for i, c in enumerate(serial))
    return _digits(check) and (10 - total % 10) % 10 == int(check)


def ups(waybill: str) -> bool:
    """`1Z` + 15 letters/digits + check digit; letters count as (code - 3) mod 10, odd places double."""
    return (
        len(waybill) == 18
        and waybill[:2] == "1Z"
        and waybill.isascii()
        and waybill[2:17].isalnum()
        and _ups_mod10(waybill[2:17], waybill[17])
    )


def ups_waybill(waybill: str) -> bool:
    """UPS waybill: a service letter, 9 digits, check digit (same mod 10 as `1Z`, letter excluded)."""
    return len(waybill) == 11 and _digits(waybill[1:]) and _ups_mod10(waybill[1:10], waybill[10])


def _weighted_11_10(digits: str, weights: tuple[int, ...], check: str) -> bool:
    total = sum(int(c) * w for c, w in zip(digits, weights, strict=True))
    return total % 11 % 10 == int(check)


def fedex12(waybill: str) -> bool:
    """FedEx Express 12 digits: weights 3 1 7 repeated over the first 11, mod 11 then mod 10."""
    return (
        len(waybill) == 12 and _digits(waybill) and _weighted_11_10(waybill[:11], _FEDEX_WEIGHTS, waybill[11])
    )


def fedex14(digits: str) -> bool:
    """The last 14 digits of a 34-digit FedEx barcode: 13-digit serial (weights 1 7 3 ...) and check."""
    return (
        len(digits) == 14 and _digits(digits) and _weighted_11_10(digits[:13], _FEDEX14_WEIGHTS, digits[13])
    )


def gs1_mod10(waybill: str) -> bool:
    """GS1 mod 10 (SSCC, USPS IMpb, FedEx Ground): from the right, digits weigh 3, 1, 3, ..."""
    waybill = _number_part(waybill)
    if len(waybill) < 2 or not _digits(waybill):
        return False
    body = waybill[:-1]
    total = _digit_sum(body[-1::-2]) * 3 + _digit_sum(body[-2::-2])
    return (10 - total % 10) % 10 == int(waybill[-1])


def fedex_ground96(waybill: str) -> bool:
    """FedEx Ground `96` barcode (22 digits): GS1 mod 10 over the 14-digit serial only."""
    return len(waybill) == 22 and gs1_mod10(waybill[7:])


def usps_legacy20(waybill: str) -> bool:
    """USPS 20-digit confirmation number printed without its `91` application identifier."""
    return len(waybill) == 20 and gs1_mod10("91" + waybill)


def mod7(waybill: str) -> bool:
    """DHL Express: the number before the check digit, mod 7."""
    waybill = _number_part(waybill)
    return len(waybill) >= 2 and _digits(waybill) and int(waybill[:-1]) % 7 == int(waybill[-1])


def luhn(waybill: str) -> bool:
    """The Luhn mod 10 rule, for carriers a station adds itself."""
    waybill = _number_part(waybill)
    if len(waybill) < 2 or not _digits(waybill):
        return False
    total = 0
    for i, c in enumerate(reversed(waybill)):
        d = int(c) * (2 if i % 2 else 1)
        total += d - 9 if d > 9 else d
    return total % 10 == 0


RULES: dict[str, Rule] = {
    "s10": s10,
    "ups": ups,
    "ups_waybill": ups_waybill,
    "fedex12": fedex12,
    "gs1_mod10": gs1_mod10,
    "fedex_ground96": fedex_ground96,
    "usps_legacy20": usps_legacy20,
    "mod7": mod7,
    "luhn": luhn,
}


def get_rule(name: str) -> Rule:
    """The rule called `name`; KeyError when there is none."""
    return RULES[name]


def rule_names() -> list[str]:
    return sorted(RULES)
