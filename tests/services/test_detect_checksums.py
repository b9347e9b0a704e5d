"""Check-digit rules by name: known good numbers pass, a changed digit fails, odd input never raises."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from station_console.services.scan.checksums import RULES, get_rule, rule_names

GOOD = {
    "s10": "RB123456785GB",
    "ups": "1Z879E930346834440",
    "ups_waybill": "J4603636537",
    "fedex12": "477179081230",
    "gs1_mod10": "000123450000000027",  # SSCC-18
    "fedex_ground96": "9611020987654312345672",
    "usps_legacy20": "71969010756003077385",
    "mod7": "73891051146",
    "luhn": "79927398713",
}


def test_every_rule_has_a_known_good_number() -> None:
    assert set(GOOD) == set(RULES) == set(rule_names())


@pytest.mark.parametrize("name", sorted(GOOD))
def test_a_good_number_passes_and_any_other_last_digit_fails(name: str) -> None:
    rule = get_rule(name)
    number = GOOD[name]
    assert rule(number)
    at = 10 if name == "s10" else len(number) - 1  # the check digit's place
    for digit in "0123456789":
        if digit != number[at]:
            assert not rule(number[:at] + digit + number[at + 1 :]), digit


def test_generic_rules_skip_a_letter_prefix() -> None:
    assert get_rule("luhn")("KD79927398713")
    assert get_rule("gs1_mod10")("ABC000123450000000027")
    assert not get_rule("luhn")("KD79927398710")


def test_s10_needs_a_real_country() -> None:
    assert get_rule("s10")("EE123456785CN")
    assert not get_rule("s10")("EE123456785XX")


def test_unknown_rule_is_a_key_error() -> None:
    with pytest.raises(KeyError):
        get_rule("crc99")


@pytest.mark.parametrize("name", sorted(RULES))
@pytest.mark.parametrize(
    "text", ["", "1Z" + "\u00b2" * 15 + "1", "\u0663" * 22, "EE\u0661\u0662345678\u00b9CN"]
)
def test_rules_refuse_non_ascii_digits(name: str, text: str) -> None:
    assert get_rule(name)(text) is False


@given(st.sampled_from(sorted(RULES)), st.text(max_size=40))
def test_rules_never_raise(name: str, text: str) -> None:
    assert get_rule(name)(text) in (True, False)


@given(st.text(alphabet="0123456789", min_size=2, max_size=40), st.sampled_from(["", "A", "KD"]))
def test_gs1_mod10_weighs_the_digits_3_1_from_the_right(number: str, prefix: str) -> None:
    body, check = number[:-1], int(number[-1])
    total = sum(int(c) * (3 if i % 2 == 0 else 1) for i, c in enumerate(reversed(body)))
    assert get_rule("gs1_mod10")(prefix + number) == ((10 - total % 10) % 10 == check)
