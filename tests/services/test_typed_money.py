"""Money typed by a person, read by the one parser every flow uses (`core.money.parse_cents`): the
forms the storage-fee and the send-out parsers each took, and the same refusals for both."""

from __future__ import annotations

import pytest

from station_console.errors import Refused
from station_console.services.core.money import MOST_CENTS, parse_cents


@pytest.mark.parametrize(
    ("typed", "cents"),
    [
        ("1.5", 150),
        ("¥2", 200),
        ("￥2", 200),  # a full-width yuan sign
        ("0.05", 5),
        ("12", 1200),
        (".5", 50),
        ("00012.5", 1250),
        ("１２.５", 1250),  # full-width digits
        ("１２．５０", 1250),  # and a full-width point
        ("12.500", 1250),  # zeros past the cents, as send-out took them
        (" 1 000 ", 100_000),
        ("0", 0),
    ],
)
def test_every_form_either_parser_took_is_taken(typed: str, cents: int) -> None:
    assert parse_cents(typed) == cents


@pytest.mark.parametrize(
    ("typed", "said"),
    [
        ("9" * 5000, f"An amount must be at most 100000000.00 CNY: {'9' * 19}…"),
        ("1e9", "Not an amount of money: 1e9."),
        ("-1", "Not an amount of money: -1."),
        ("0.001", "An amount has at most two decimals: 0.001."),
        ("[/]", "Not an amount of money: [/]."),
        ("", "Not an amount of money: ."),
        ("1.2.3", "Not an amount of money: 1.2.3."),
        ("12kg", "Not an amount of money: 12kg."),  # send-out's read a weight's unit on money too
        # A comma is a thousands separator to one reader and a decimal point to another: 1,500 read 1.50.
        ("1,500", "An amount is written without commas, e.g. 1500 or 12.50: 1,500."),
        ("10，000", "An amount is written without commas, e.g. 1500 or 12.50: 10，000."),
        ("12,5", "An amount is written without commas, e.g. 1500 or 12.50: 12,5."),
        ("²", None),  # a superscript: the fee parser's int() crashed on it
    ],
)
def test_what_is_no_amount_is_refused_quoting_what_was_typed(typed: str, said: str | None) -> None:
    if said is None:  # NFKC folds a superscript two to 2, as it folds full-width digits
        assert parse_cents(typed) == 200
        return
    with pytest.raises(Refused) as refused:
        parse_cents(typed)
    assert (refused.value.code, refused.value.message("en")) == ("bad_amount", said)


def test_each_use_has_its_limit_said_in_the_readers_language() -> None:
    assert parse_cents("12.50", most=1250) == 1250
    assert parse_cents(str(MOST_CENTS // 100)) == MOST_CENTS
    with pytest.raises(Refused) as refused:
        parse_cents("12.51", most=1250)
    assert refused.value.message("en") == "An amount must be at most 12.50 CNY: 12.51."
    assert refused.value.message("zh") == "金额不能大于 12.50 元：12.51。"


def test_an_optional_amount_left_blank_is_its_default() -> None:
    assert parse_cents("  ", blank=0) == 0
    with pytest.raises(Refused):
        parse_cents("  ")
