"""A typed weight read strictly: a number out of range is told the range, text that is no weight the
format ("0" was told "Weight in kg, e.g. 1.25: 0.", as if it were no number)."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from station_console.errors import Refused
from station_console.services.core.money import parse_cents
from station_console.services.sendout.inputs import count, dims_mm, grams_from_kg

RANGE = "Weight must be more than 0 and at most 100 kg."


@pytest.mark.parametrize(
    ("typed", "said"),
    [
        ("0", RANGE),
        ("0.000", RANGE),
        ("０，０", RANGE),  # full-width digits and a decimal comma
        ("100.001", RANGE),
        ("500", RANGE),
        ("abc", "Weight in kg, e.g. 1.25: abc."),
        ("1.2345", "Weight in kg, e.g. 1.25: 1.2345."),
        ("-1", "Weight in kg, e.g. 1.25: -1."),
    ],
)
def test_a_weight_out_of_range_says_the_range_and_one_not_a_weight_the_format(typed: str, said: str) -> None:
    with pytest.raises(Refused) as refused:
        grams_from_kg(typed)
    assert (refused.value.code, refused.value.message()) == ("bad_weight", said)


def test_a_weight_in_range_is_read_to_the_gram() -> None:
    assert [grams_from_kg(t) for t in ("0.001", "1,25", "100", "２.5kg")] == [1, 1250, 100_000, 2500]


@pytest.mark.parametrize("read", [grams_from_kg, dims_mm, count, parse_cents])
def test_a_long_entry_that_is_no_figure_is_quoted_cut_with_a_sign(read: Callable[[str], object]) -> None:
    """The refusal quotes what was typed by its first 19 characters and "…", the sentence's stop left
    out: 20 characters with no sign read as all that was typed."""
    typed = "twelve and a half kilos"
    with pytest.raises(Refused) as refused:
        read(typed)
    assert refused.value.message("en").endswith(": twelve and a half k…")
    assert refused.value.message("zh").endswith("twelve and a half k…")


def test_a_side_takes_a_decimal_comma_as_a_weight_does() -> None:
    """`1,5x2x2` was refused as no sides at all while a weight of `1,5` was read as 1.5 kg; a comma
    between sides is still no decimal."""
    assert dims_mm("1,5x20x３０,５") == (15, 200, 305)
    with pytest.raises(Refused) as refused:
        dims_mm("30,20,10")
    assert refused.value.code == "bad_dims"
