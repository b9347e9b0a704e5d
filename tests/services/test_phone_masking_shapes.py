"""The phone-masking rule against the shapes it must tell apart: random mobiles in every shape a clerk
types are always masked; waybills (the carrier table's patterns, the public tracking_number_data test
numbers) never change, but for the all-digit runs that are whole a phone's shape too, where the phone
wins: what a note leaks stays in the audit chain, which is never purged, while the parcel the note is on
keeps its own waybill whole in its row.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from station_console.phone_masking import INTRO_WORDS, mask, mask_phones
from station_console.services.admin.setup import carrier_seed

DATA = json.loads((Path(__file__).parent / "data" / "tracking_numbers.json").read_text(encoding="utf-8"))
FORMATS = [
    "".join(number.split())  # typed or scanned into a note as one run
    for entries in DATA["carriers"].values()
    for numbers in entries.values()
    for number in numbers["valid"] + numbers["invalid"]
]
PATTERNS = [spec["regex"] for row in carrier_seed() for spec in row["patterns"]]
MOBILES = st.from_regex(r"1[3-9][0-9]{9}", fullmatch=True)


def _also_a_phone(run: str) -> bool:
    """All digits and whole a phone's shape: a mobile (bare or after 86), a landline with its area code,
    `00` and a country's number, a local 8-digit number."""
    return run.isdigit() and bool(
        re.fullmatch(r"(86)?1[3-9][0-9]{9}|0[1-9][0-9]{9,10}|00[1-9][0-9]{7,14}|[2-8][0-9]{7}", run)
    )


@settings(max_examples=300)
@given(
    MOBILES,
    st.sampled_from(INTRO_WORDS),
    st.sampled_from(["", ":", ".", " ", "：", ": +86 "]),
    st.sampled_from(["{}", "{}.", "客户{}来电", "({})", "{}，周五来"]),
    st.booleans(),
)
def test_a_mobile_in_any_shape_a_clerk_types_is_masked(
    digits: str, word: str, sign: str, around: str, upper: bool
) -> None:
    dotted = f"{digits[:3]}.{digits[3:7]}.{digits[7:]}"
    for shape in (digits, dotted, f"{word.upper() if upper else word}{sign}{digits}"):
        masked = mask_phones(around.format(shape))
        assert digits not in re.sub(r"\D", "", masked) and mask(digits) in masked, (shape, masked)


def test_the_formats_data_numbers_stay_as_typed() -> None:
    assert len(FORMATS) >= 100
    for number in FORMATS:
        for note in (f"{number} damaged", f"件{number}破损", f"call about {number}.", f"]C1{number} damaged"):
            assert mask_phones(note) == note


@settings(max_examples=200)
@given(MOBILES, st.sampled_from(["]C1{}", "]E0{}", "]C1+86{}", "]C10086{}", "]C186{}", "]C186-{}"]))
def test_a_mobile_scanned_with_its_aim_prefix_is_masked(digits: str, prefixed: str) -> None:
    """A phone barcode read with the scanner's AIM prefix (`]C113812345678`): the prefix's digit touched
    the number, which stayed whole in the note."""
    for note in (prefixed.format(digits), f"客户{prefixed.format(digits)}来电"):
        masked = mask_phones(note)
        assert digits not in re.sub(r"\D", "", masked) and mask(digits) in masked, masked


@settings(max_examples=500)
@given(st.sampled_from(PATTERNS).flatmap(lambda pattern: st.from_regex(pattern, fullmatch=True)))
def test_a_waybill_of_the_carrier_table_stays_unless_it_is_whole_a_phone_shape(waybill: str) -> None:
    for note in (f"{waybill} damaged", f"件{waybill}破损"):
        assert mask_phones(note) == note or _also_a_phone(waybill), waybill


def test_no_word_that_introduces_a_phone_is_a_carrier_prefix() -> None:
    for word in INTRO_WORDS:
        for tail in range(1, 40):
            candidate = word.upper() + ("13812345678" * 4)[:tail]
            assert not [p for p in PATTERNS if re.fullmatch(p, candidate)], candidate
        assert not [n for n in FORMATS if n.upper().startswith(word.upper())]


def test_an_unbroken_run_starting_0_that_is_whole_a_landline_is_masked() -> None:
    """FedEx Express's 12 digits allow a leading 0, as a 4-digit area code and 8 digits do: the phone
    wins (no FedEx test number starts with 0, and its check digit passes one landline in ten); a longer
    run, or one a carrier's letters touch, is a waybill."""
    assert mask_phones("sender 075512345678") == "sender ****5678"
    assert mask_phones("sender 0755-1234-5678") == "sender ****5678"
    assert mask_phones("FedEx 986578788855, 0755123456789, DPK075512345678") == (
        "FedEx 986578788855, 0755123456789, DPK075512345678"
    )
