"""Scanner noise: normalisation cases, and properties over arbitrary text."""

from __future__ import annotations

import json
import string

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from station_console.services.admin.setup import carrier_seed
from station_console.services.scan.checksums import s10_check_digit
from station_console.services.scan.detect import Detector
from station_console.services.scan.waybill import clean_waybill, normalise

DETECTOR = Detector.from_carriers(carrier_seed())


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("SF1234567890123\r\n", "SF1234567890123"),
        ("\tSF1234567890123\r", "SF1234567890123"),
        ("  sf1234567890123  ", "SF1234567890123"),
        ("]C1SF1234567890123", "SF1234567890123"),
        ("]Q3JT0001234567890", "JT0001234567890"),
        ("]E09400111206206406260787", "9400111206206406260787"),
        ("]d2RB123456785GB", "RB123456785GB"),
        ("\x1d]C1SF1234567890123\x1d", "SF1234567890123"),
        ("SF123456\x1d7890123", "SF1234567890123"),
        ("\x02SF1234567890123\x03\x7f", "SF1234567890123"),
        ("ＳＦ１２３４５６７８９０１２３", "SF1234567890123"),
        ("ｊｔ０００１２３４５６７８９０", "JT0001234567890"),
        ("\u3000SF1234567890123\u3000", "SF1234567890123"),
        ("\ufeffSF12345\u200b67890123", "SF1234567890123"),
        ("9400 1112 0108 0805 4830 16", "9400111201080805483016"),
        ("420787459400111206206406260787", "9400111206206406260787"),
        ("1001921334250001000300779017972697", "779017972697"),
        ("]C1", None),
    ],
)
def test_normalise(raw: str, clean: str | None) -> None:
    result = normalise(raw)
    assert result.raw == raw
    assert result.waybill == clean
    assert (result.error is None) == (clean is not None)


def test_a_routing_prefix_stays_when_what_follows_is_not_usps() -> None:
    # 420 + ZIP + 22 digits that fail the USPS check digit: nothing is stripped.
    assert normalise("420787459400111206206406260788").waybill == "420787459400111206206406260788"
    # A FedEx 34-digit barcode whose check digit fails is not cut down either.
    assert normalise("1001901781990001000300617767839438").waybill == "1001901781990001000300617767839438"


def test_an_aim_prefix_only_counts_at_the_start() -> None:
    assert normalise("SF]C1").error is not None
    assert normalise("SF1234]C1").error is not None


def test_characters_no_carrier_uses_are_named() -> None:
    result = normalise("SF12-34/56")
    assert result.waybill is None and result.error is not None
    assert result.error.code == "bad_characters" and result.error.params["chars"] == "-/"


ANY_TEXT = st.text(alphabet=st.characters(codec="utf-8"), max_size=80)
NOISE = st.sampled_from(["", "\r", "\n", "\r\n", "\t", " ", "\x1d", "\u3000", "\x00"])


@settings(max_examples=400, deadline=None)
@given(ANY_TEXT)
def test_normalise_never_raises_and_gives_a_waybill_or_a_reason(raw: str) -> None:
    result = normalise(raw)
    assert result.raw == raw
    assert (result.waybill is None) != (result.error is None)
    if result.waybill is not None:
        assert (
            result.waybill.isascii() and result.waybill.isalnum() and result.waybill == result.waybill.upper()
        )
    else:
        assert result.error is not None and result.error.message() and result.error.message("zh")


def outcome(raw: str) -> tuple[str | None, str | None]:
    waybill, error = clean_waybill(raw)
    return waybill, None if error is None else error.message("en")


@settings(max_examples=300, deadline=None)
@given(
    st.one_of(
        st.text(alphabet=string.ascii_letters + string.digits, min_size=1, max_size=80),
        st.from_regex(r"\A420[0-9]{5}9[0-9]{21}\Z"),
        st.from_regex(r"\A[0-9]{28,34}\Z"),
    ),
    NOISE.filter(bool),
)
def test_a_plain_scan_comes_out_as_through_the_cleaning(plain: str, noise: str) -> None:
    # Plain letters and digits skip the cleaning; the same scan with noise around it goes through it.
    assert outcome(plain) == outcome(noise + plain + noise)


@settings(max_examples=400, deadline=None)
@given(
    st.one_of(ANY_TEXT, st.from_regex(r"\A[0-9A-Z]{8,36}\Z"), st.from_regex(r"\A[0-9]{10,34}\Z")),
    st.sampled_from([None, "SF", "ZTO", "UPS", "S10", "NOPE"]),
)
def test_detect_never_raises_and_is_usable_or_refused(raw: str, batch: str | None) -> None:
    found = DETECTOR.detect(raw, batch=batch)
    if found.error is None:
        assert found.waybill is not None and found.candidates
        assert found.conflict == (batch is not None and batch not in [c.carrier for c in found.candidates])
        if batch is not None and not found.conflict:
            assert found.best is not None and found.best.carrier == batch
    else:
        assert found.candidates == () and not found.conflict and found.error.code
    assert all(c.checksum in (True, None) for c in found.candidates)
    assert len({c.carrier for c in found.candidates}) == len(found.candidates)
    json.dumps(found.to_json())


@settings(max_examples=200, deadline=None)
@given(
    st.text(alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZ", min_size=2, max_size=2),
    st.integers(min_value=0, max_value=99_999_999),
    st.sampled_from(["CN", "GB", "US", "DE", "JP"]),
    NOISE,
    NOISE,
    st.booleans(),
)
def test_any_well_formed_s10_number_is_found_through_scanner_noise(
    service: str, serial: int, country: str, before: str, after: str, full_width: bool
) -> None:
    digits = f"{serial:08d}"
    number = f"{service}{digits}{s10_check_digit(digits)}{country}"
    typed = "".join(chr(ord(c) + 0xFEE0) for c in number.lower()) if full_width else number
    found = DETECTOR.detect(before + "]C1" * (not before) + typed + after)
    assert found.waybill == number
    assert "S10" in [c.carrier for c in found.candidates]
    assert ("EMS" in [c.carrier for c in found.candidates]) == (service[0] == "E")
    wrong = f"{service}{digits}{(s10_check_digit(digits) + 1) % 10}{country}"
    assert "S10" not in [c.carrier for c in DETECTOR.detect(wrong).candidates]
