"""One mobile however it is written (+86, 0086, spaces, dashes), in the Scan field and the Phone field
alike; a landline is no phone a text message reaches, and no waybill either."""

from __future__ import annotations

import pytest
from checkin_helpers import counts, wb

from db.models import Parcel
from station_console.errors import Refused
from station_console.services.checkin.transaction import check_in
from station_console.services.core.station import Station
from station_console.services.pickup.query import parse_query

MOBILE_FORMS = [
    "+86 138 0013 8000",
    "+8613800138000",
    "0086-138-0013-8000",
    "0086 138 0013 8000",
    "138-0013-8000",
    "+86 (0)138 0013 8000",  # the trunk 0 some write after the country code
]
LANDLINES = [
    "010-12345678",
    "(010) 1234 5678",
    "+86 10 1234 5678",
    "+86 (0)10 1234 5678",
    "0086 755-8888-8888",
    "0755 8888 8888",
]


@pytest.mark.parametrize("scanned", MOBILE_FORMS)
def test_a_mobile_with_its_country_code_scanned_is_refused_as_that_mobile(
    station: Station, scanned: str
) -> None:
    """`+86 ...` was refused for its `+` ("characters no carrier uses"), `0086 138 0013 8000` read as a
    15-digit waybill: each is the mobile 13800138000, told to go in the Phone field."""
    before = counts(station)
    with pytest.raises(Refused) as exc:
        check_in(station, scanned)
    assert exc.value.code == "phone_not_waybill"
    assert exc.value.params["waybill"] == "138****8000"
    assert counts(station) == before


@pytest.mark.parametrize("typed", MOBILE_FORMS)
def test_a_mobile_typed_with_its_country_code_is_stored_as_that_mobile(station: Station, typed: str) -> None:
    result = check_in(station, wb(1), phone=typed)
    with station.read() as s:
        parcel = s.get(Parcel, result.parcel_id)
    assert parcel is not None and (parcel.phone_full, parcel.phone_tail) == ("13800138000", "8000")
    assert result.masked_phone == "138****8000"


@pytest.mark.parametrize("landline", LANDLINES)
def test_a_landline_scanned_or_typed_is_refused_asking_for_a_mobile(station: Station, landline: str) -> None:
    """No pickup text reaches a landline: the clerk is told a mobile is needed, in both languages; in
    the Scan field it is no waybill."""
    before = counts(station)
    for scan, phone in ((landline, None), (wb(1), landline)):
        with pytest.raises(Refused) as exc:
            check_in(station, scan, phone=phone)
        assert exc.value.code == "phone_invalid"
        assert "landline: a mobile number is needed" in exc.value.message("en")
        assert "固定电话" in exc.value.message("zh") and "：" in exc.value.message("zh")
        assert landline not in exc.value.message("en")  # said masked, as every phone is
        assert landline not in exc.value.params["waybill"]  # and so is the scan's row
    assert counts(station) == before


@pytest.mark.parametrize("grouped", ["0755 8888 8888", "021 6666 7777"])
def test_a_landline_in_groups_a_carriers_shape_fits_but_whose_check_digit_fails_is_a_landline(
    station: Station, grouped: str
) -> None:
    """12 or 11 digits in groups have FedEx's or DHL's shape: failing its check digit they are taken for
    the customer's landline they most likely are, named masked (the check-digit error echoed the whole
    number)."""
    before = counts(station)
    with pytest.raises(Refused) as exc:
        check_in(station, grouped)
    said = exc.value.message("en")
    assert "landline" in said and grouped.replace(" ", "")[:-4] not in said.replace(" ", "")
    assert counts(station) == before


@pytest.mark.parametrize("waybill", ["075588888888", "01012345678", "7209562763", "JT0000000000001"])
def test_digits_run_together_are_still_read_as_a_waybill(station: Station, waybill: str) -> None:
    """Digits with nothing setting an area code apart are left to the carrier table (FedEx's 12 digits
    and DHL's 10-11 may start with 0): refused or taken as a waybill would be, never as a landline."""
    try:
        check_in(station, waybill)
    except Refused as exc:
        assert "landline" not in exc.message("en")


@pytest.mark.parametrize("typed", MOBILE_FORMS)
def test_pickup_reads_every_form_as_the_same_phone(typed: str) -> None:
    parsed = parse_query(typed, "{shelf}-{layer}-{seq}")
    assert (parsed.shape, parsed.values) == ("phone", ("13800138000",))


@pytest.mark.parametrize(
    ("landline", "said"),
    [("+86 (0)10 1234 5678", "****5678"), ("021.6666.7777", "****7777"), ("0755.8888.1234", "****1234")],
)
def test_a_landline_in_a_form_the_log_masking_misses_is_still_named_masked(
    station: Station, landline: str, said: str
) -> None:
    """The refusal knows it holds a landline: it names its last 4 digits whatever way it was written
    (a trunk 0 in brackets after +86, dots between the groups were echoed whole), in the Scan field too
    (dots set an area code apart as a space does: `021.6666.7777` was refused for its characters)."""
    for scan, phone in ((wb(1), landline), (landline, None)):
        with pytest.raises(Refused) as exc:
            check_in(station, scan, phone=phone)
        assert "landline" in exc.value.message("en")
        assert (exc.value.params["phone"], exc.value.params["waybill"]) == (said, said)
