"""Carrier detection: every carrier of the table, ranking, batch context, refusals."""

from __future__ import annotations

import json
from typing import Any

import pytest

from station_console.i18n import set_language
from station_console.services.admin.setup import carrier_seed
from station_console.services.scan.checksums import gs1_mod10, s10_check_digit
from station_console.services.scan.detect import Candidate, Detector

DETECTOR = Detector.from_carriers(carrier_seed())


def carriers_of(number: str, batch: str | None = None) -> list[str]:
    return [c.carrier for c in DETECTOR.detect(number, batch=batch).candidates]


def with_gs1_check(body: str) -> str:
    return next(body + d for d in "0123456789" if gs1_mod10(body + d))


VALID = [
    ("SF", "SF1234567890123"),
    ("SF", "SFA123456789012"),
    ("ZTO", "73100012345678"),
    ("ZTO", "78912345678901"),
    ("YTO", "YT1234567890123"),
    ("STO", "77301234567890123"),
    ("STO", "43123456789012"),
    ("YUNDA", "5012345678901"),
    ("YUNDA", "312345678901234"),
    ("JT", "JT0001234567890"),
    ("JD", "JDVA00123456789"),
    ("JD", "JDX000123456789"),
    ("EMS", "1123456789012"),
    ("EMS", "9876543210123"),
    ("EMS", "PA12345678901"),
    ("EMS", "EE123456785CN"),
    ("DPK", "DPK123456789012"),
    ("CAINIAO", "621234567890123"),
    ("UPS", "1Z5R89390357567127"),
    ("FEDEX", "986578788855"),
    ("USPS", "9400111206206406260787"),
    ("DHL", "3318810025"),
    ("AMAZON", "TBA000000000000"),
    ("S10", "RB123456785GB"),
]


@pytest.mark.parametrize(("carrier", "number"), VALID)
def test_each_carrier_is_found(carrier: str, number: str) -> None:
    found = DETECTOR.detect(number)
    assert found.error is None
    assert found.waybill == number
    assert carrier in [c.carrier for c in found.candidates]
    assert DETECTOR.detect(number, batch=carrier).best == next(
        c for c in found.candidates if c.carrier == carrier
    )


@pytest.mark.parametrize(
    ("carrier", "number"),
    [
        ("SF", "SF12345678901234"),
        ("SF", "SX1234567890123"),
        ("ZTO", "72100012345678"),
        ("YTO", "YT123456789012"),
        ("STO", "7712345678901"),
        ("YUNDA", "612345678901234"),
        ("JT", "JT12345678901"),
        ("JD", "JDV01234567890"),
        ("EMS", "2123456789012"),
        ("DPK", "DPK12345678901"),
        ("CAINIAO", "62123456789012"),
        ("UPS", "1Z5R89390357567128"),
        ("DHL", "3318810026"),
        ("S10", "RB123456785XX"),
        ("EMS", "EE123456786CN"),
    ],
)
def test_a_wrong_shape_is_not_that_carrier(carrier: str, number: str) -> None:
    assert carrier not in carriers_of(number)


def test_ems_international_items_are_ems_and_s10_with_ems_first() -> None:
    found = DETECTOR.detect("EE123456785CN")
    assert [(c.carrier, c.checksum) for c in found.candidates] == [("EMS", True), ("S10", True)]
    assert carriers_of("EE123456785CN", batch="S10") == ["S10", "EMS"]
    assert carriers_of("RR123456785DE") == ["S10"]  # not an E* item: no EMS candidate


def test_s10_check_digit_follows_the_upu_weights() -> None:
    assert s10_check_digit("12345678") == 5
    assert s10_check_digit("10000014") == 0  # remainder 1 -> 10 -> 0
    assert s10_check_digit("10000002") == 5  # remainder 0 -> 11 -> 5
    assert DETECTOR.detect("RR100000140CN").best == Candidate(
        "S10", "International post (UPU S10)", "国际邮件(UPU S10)", True
    )


def test_an_overlapping_number_ranks_the_specific_prefix_first() -> None:
    # 15 digits starting 43: STO (prefix 43) and YUNDA (generic 3/4 start).
    assert carriers_of("431234567890120")[:2] == ["STO", "YUNDA"]


def test_the_batch_carrier_wins_among_the_fitting_ones() -> None:
    found = DETECTOR.detect("431234567890120", batch="yunda")
    assert found.best is not None and found.best.carrier == "YUNDA"
    assert found.conflict is False and found.error is None


def test_a_number_fitting_only_another_carrier_is_a_conflict_not_an_error() -> None:
    found = DETECTOR.detect("SF1234567890123", batch="ZTO")
    assert found.conflict is True and found.error is None
    assert [c.carrier for c in found.candidates] == ["SF"]
    assert DETECTOR.detect("SF1234567890123").conflict is False


def test_a_weak_fedex_ground_check_digit_does_not_outrank_a_chinese_carrier() -> None:
    number = with_gs1_check("62123456789012")
    assert carriers_of(number) == ["CAINIAO", "FEDEX"]
    number = with_gs1_check("31234567890123")
    assert carriers_of(number) == ["YUNDA", "FEDEX"]


def test_a_verified_check_digit_outranks_a_prefix_which_outranks_a_generic_shape() -> None:
    table: list[dict[str, Any]] = [
        {
            "code": "GEN",
            "name_en": "Generic",
            "name_zh": "通用",
            "sort_order": 1,
            "patterns": [{"regex": "^[0-9A-Z]{11}$", "checksum": None}],
        },
        {
            "code": "PRE",
            "name_en": "Prefixed",
            "name_zh": "前缀",
            "sort_order": 2,
            "patterns": [{"regex": "^79[0-9]{9}$", "checksum": None}],
        },
        {
            "code": "CHK",
            "name_en": "Checked",
            "name_zh": "校验",
            "sort_order": 3,
            "patterns": [{"regex": "^[0-9]{11}$", "checksum": "luhn"}],
        },
    ]
    detector = Detector.from_carriers(table)
    assert [c.carrier for c in detector.detect("79927398713").candidates] == ["CHK", "PRE", "GEN"]
    assert [c.carrier for c in detector.detect("79927398710").candidates] == ["PRE", "GEN"]  # Luhn fails
    table[2]["patterns"][0]["priority"] = -1  # a station can demote a pattern
    demoted = Detector.from_carriers(table)
    assert [c.carrier for c in demoted.detect("79927398713").candidates] == ["PRE", "GEN", "CHK"]


def test_inactive_carriers_and_broken_patterns_are_left_out() -> None:
    table: list[dict[str, Any]] = [
        {
            "code": "AAA",
            "name_en": "A",
            "name_zh": "甲",
            "active": False,
            "patterns": [{"regex": "^A[0-9]{9}$"}],
        },
        {
            "code": "BBB",
            "name_en": "B",
            "name_zh": "乙",
            "patterns": [
                {"regex": "^B[0-9"},
                {"regex": "^B[0-9]{9}$", "checksum": "nope"},
                {"regex": "^B[0-9]{9}X$"},
            ],
        },
    ]
    detector = Detector.from_carriers(table)
    assert detector.carriers == ["BBB"]
    assert detector.detect("A123456789").error is not None
    assert detector.detect("B123456789").error is not None
    assert detector.detect("B123456789X").best is not None


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        ("", "empty"),
        ("\r\n\t", "empty"),
        ("123456", "too_short"),
        ("9" * 45, "too_long"),
        ("SF1234-567890123", "bad_characters"),
        ("顺丰SF1234567890123", "bad_characters"),
        ("1Z5R89390357567128", "check_digit"),
        ("RB123456786GB", "check_digit"),
        ("ZZ1234567890", "unknown_format"),
        ("12345678901234567890123", "unknown_format"),
        ("x" * 1000, "too_long"),
    ],
)
def test_rejections_have_a_stable_code_and_a_reason(raw: str, code: str) -> None:
    found = DETECTOR.detect(raw)
    assert found.error is not None and found.error.code == code
    assert found.candidates == () and found.best is None
    assert found.error.message("en") != found.error.message("zh")  # translated


def test_a_failed_check_digit_names_the_carrier() -> None:
    found = DETECTOR.detect("1Z5R89390357567128")
    assert found.error is not None
    assert found.error.message("en") == "1Z5R89390357567128 fails the check digit of UPS."
    assert found.waybill == "1Z5R89390357567128"  # kept, so a clerk can still force a carrier


def test_a_failed_check_digit_of_another_carrier_names_the_chosen_one() -> None:
    """A ZTO number mistyped to 12 digits fits only FedEx's shape and fails its check digit: with ZTO
    chosen, naming FedEx's check digit read as if the number were FedEx's."""
    found = DETECTOR.detect("731234567890", batch="zto")
    assert found.error is not None and found.error.code == "check_digit"
    assert found.error.message("en") == "731234567890 is not a valid ZTO waybill number."
    assert found.error.message("zh") == "731234567890 不是有效的 ZTO 运单号。"
    # The chosen carrier's own check digit failing is still said as its check digit.
    own = DETECTOR.detect("1Z5R89390357567128", batch="UPS").error
    assert own is not None and own.message("en") == "1Z5R89390357567128 fails the check digit of UPS."


def test_json_has_the_documented_shape_in_the_current_language() -> None:
    set_language("zh")
    obj = DETECTOR.detect(" sf1234567890123\r\n", batch="ZTO").to_json()
    assert obj == {
        "input": " sf1234567890123\r\n",
        "waybill": "SF1234567890123",
        "candidates": [{"carrier": "SF", "name": "顺丰速运", "checksum": None}],
        "conflict": True,
        "error": None,
    }
    rejected = DETECTOR.detect("12").to_json()
    assert rejected["waybill"] == "12" and rejected["candidates"] == []
    assert "太短" in rejected["error"]
    json.dumps(rejected)


def test_candidate_names_follow_the_language() -> None:
    best = DETECTOR.detect("JT0001234567890").best
    assert best is not None
    assert (best.name("en"), best.name("zh")) == ("J&T Express", "极兔速递")
    set_language("zh")
    assert best.name() == "极兔速递"
