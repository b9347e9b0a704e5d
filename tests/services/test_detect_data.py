"""The public tracking_number_data test numbers (MIT) against the shipped carrier table.

Every valid number must be a candidate of its carrier (and the best one when that carrier is the
batch); every invalid one must not be. DHL eCommerce 14-digit numbers are left out on purpose: the
shape has no check digit and is every Chinese 14-digit waybill too (ZTO, STO), so the table does not
claim it for DHL.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from station_console.services.admin.setup import carrier_seed
from station_console.services.scan.detect import Detector

DATA = json.loads((Path(__file__).parent / "data" / "tracking_numbers.json").read_text(encoding="utf-8"))
NOT_CLAIMED = {("DHL", "dhl_ecommerce_14")}
DETECTOR = Detector.from_carriers(carrier_seed())


def _cases(kind: str) -> list[tuple[str, str, str]]:
    return [
        (carrier, entry, number)
        for carrier, entries in DATA["carriers"].items()
        for entry, numbers in entries.items()
        if (carrier, entry) not in NOT_CLAIMED
        for number in numbers[kind]
    ]


VALID = _cases("valid")
INVALID = _cases("invalid")


def test_the_data_set_is_all_there() -> None:
    assert set(DATA["carriers"]) == {"UPS", "FEDEX", "USPS", "DHL", "AMAZON", "S10"}
    assert len(VALID) >= 80 and len(INVALID) >= 25


@pytest.mark.parametrize(("carrier", "entry", "number"), VALID, ids=[f"{c}-{e}-{n}" for c, e, n in VALID])
def test_valid_numbers_are_accepted_for_their_carrier(carrier: str, entry: str, number: str) -> None:
    found = DETECTOR.detect(number)
    assert found.error is None, found.error
    assert carrier in [c.carrier for c in found.candidates]
    batched = DETECTOR.detect(number, batch=carrier)
    assert batched.best is not None and batched.best.carrier == carrier
    assert batched.conflict is False
    # The carriers with a check digit report it verified.
    if entry not in {"dhl_express_piece_id", "dhl_ecommerce", "amazon_logistics", "amazon_international"}:
        assert batched.best.checksum is True


@pytest.mark.parametrize(("carrier", "entry", "number"), INVALID, ids=[f"{c}-{e}-{n}" for c, e, n in INVALID])
def test_invalid_numbers_are_refused_for_their_carrier(carrier: str, entry: str, number: str) -> None:
    found = DETECTOR.detect(number, batch=carrier)
    assert carrier not in [c.carrier for c in found.candidates]
    # Either refused outright, or taken for another carrier and flagged against the batch.
    assert found.error is not None or found.conflict is True


def test_the_unwrapped_numbers_are_the_real_tracking_numbers() -> None:
    assert DETECTOR.detect("1001921334250001000300779017972697").waybill == "779017972697"
    assert DETECTOR.detect("9632001560123456789900794808390594").waybill == "794808390594"
    assert DETECTOR.detect("32971514560102447849175802862014").waybill == "784917580286"
    assert DETECTOR.detect("420787459400111206206406260787").waybill == "9400111206206406260787"
    assert DETECTOR.detect("4201002334249200190132607600833457").waybill == "9200190132607600833457"
    assert DETECTOR.detect("420 22153 9101026837331000039521").waybill == "9101026837331000039521"
