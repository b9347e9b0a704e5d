"""Reading the pickup box: every shape, normalised the way clerks and customers type."""

from __future__ import annotations

import pytest

from station_console.errors import Refused
from station_console.services.pickup.query import find_codes, normalise_text, parse_query

T = "{shelf}-{layer}-{seq}"
SEQ = (1001, 9999)


@pytest.mark.parametrize(
    "text",
    ["6-5-3002", "６－５－３００２", " 06 – 05 — 03002 ", "6‐5‐3002", "6 - 5 - 3002", "取件码 6-5-3002。"],
)
def test_a_code_is_normalised(text: str) -> None:
    parsed = parse_query(text, T, SEQ)
    assert (parsed.shape, parsed.values) == ("code", ("6-5-3002",))


def test_several_codes_pasted_from_a_message() -> None:
    message = "【驿站】您的包裹已到，于2026-11-25到达，取件码6-5-3002，6-2-3006；另有 6-5-3002 请凭码取件"
    parsed = parse_query(message, T, SEQ)
    # The date is not a code (SEQ 25 is out of range) and the repeated code is read once.
    assert (parsed.shape, parsed.values) == ("codes", ("6-5-3002", "6-2-3006"))


def test_letters_in_shelf_labels_are_read_upper_case() -> None:
    assert parse_query("ov-2-1003", T, SEQ).values == ("OV-2-1003",)
    assert parse_query("F-01-1001", T, SEQ).values == ("F-1-1001",)


def test_a_code_glued_to_other_digits_is_not_a_code() -> None:
    assert find_codes("16-5-30021", T, SEQ) == []
    assert find_codes("6-5-3002-7", T, SEQ) == []


def test_another_template() -> None:
    assert find_codes("A区 B3#0042 and b3#42", "{shelf}{layer}#{seq}") == ["B3#42"]


def test_phone_tail_and_full_phone() -> None:
    assert parse_query("5678", T, SEQ).shape == "tail"
    assert parse_query("５６７８", T, SEQ).values == ("5678",)
    # A dashed mobile number also fits the code template; the phone reading wins.
    for text in ("13812345678", "138-1234-5678", "+86 138 1234 5678"):
        parsed = parse_query(text, T, SEQ)
        assert (parsed.shape, parsed.values) == ("phone", ("13812345678",))


def test_waybills() -> None:
    assert parse_query("73123456789012", T, SEQ).values == ("73123456789012",)
    assert parse_query(" sf1234567890123\r\n", T, SEQ).values == ("SF1234567890123",)
    assert parse_query("]C1SF1234567890123", T, SEQ).shape == "waybill"


@pytest.mark.parametrize("text", ["", "   ", "hello world", "12345", "1381234"])
def test_what_is_none_of_the_shapes_is_refused(text: str) -> None:
    with pytest.raises(Refused) as info:
        parse_query(text, T, SEQ)
    assert info.value.code in ("empty_query", "bad_query")


def test_a_run_too_long_for_a_waybill_is_refused_as_check_in_refuses_it() -> None:
    with pytest.raises(Refused) as info:
        parse_query("JT" + "1" * 70, T, SEQ)
    assert info.value.code == "too_long"
    assert info.value.message() == "That is too long to be one waybill."
    # A pasted message is not one waybill: it is read for codes, and refused as none of the shapes.
    with pytest.raises(Refused) as message:
        parse_query("your parcel has arrived at the station, collect it before friday evening", T, SEQ)
    assert message.value.code == "bad_query"


def test_too_many_codes_at_once_is_refused() -> None:
    with pytest.raises(Refused) as info:
        parse_query(" ".join(f"1-1-{1001 + n}" for n in range(11)), T, SEQ)
    assert info.value.code == "too_many_codes"


def test_normalise_text_maps_dash_variants() -> None:
    assert normalise_text("6－5—3002\u200b") == "6-5-3002"
