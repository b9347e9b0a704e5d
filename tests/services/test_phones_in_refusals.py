"""A customer's phone typed or scanned where a parcel, a send or a directory entry is asked for is
quoted back masked, as every phone on a screen is: "No parcel matches 13812345678." showed it whole.
A waybill, a pickup code and a send number are quoted as typed."""

from __future__ import annotations

import pytest

from station_console.errors import StationError
from station_console.services.core.station import Station
from station_console.services.exceptions import return_batch_parcels, returns, stocktake
from station_console.services.recipients import directory
from station_console.services.scan.waybill import clean_waybill
from station_console.services.sendout.payments import find_send_id
from station_console.services.shelves.search import find_parcel_id

PHONES = {
    "13812345678": "138****5678",
    "138-1234-5678": "138****5678",  # read as a pickup code's shape, n-n-n
    "+86 138 1234 5678": "138****5678",
}


def said(call) -> str:  # type: ignore[no-untyped-def]
    with pytest.raises(StationError) as refused:
        call()
    return refused.value.message("en")


@pytest.mark.parametrize(("phone", "masked"), PHONES.items())
def test_a_phone_given_for_a_parcel_is_quoted_masked(station: Station, phone: str, masked: str) -> None:
    messages = [
        said(lambda: find_parcel_id(station, phone)),
        said(lambda: return_batch_parcels.add(station, returns.open_batch(station, "JT").id, phone)),
    ]
    if not phone.isdigit():  # 11 digits alone are as long as a waybill: a stocktake counts them an extra
        messages.append(said(lambda: stocktake.scan(station, stocktake.start(station, "1").id, phone)))
    for message in messages:
        assert masked in message and "12345678" not in message.replace("****", ""), message
        assert "1234" not in message.replace(masked, ""), message


@pytest.mark.parametrize(("phone", "masked"), PHONES.items())
def test_a_phone_given_for_a_send_or_a_directory_entry_is_quoted_masked(
    station: Station, phone: str, masked: str
) -> None:
    for message in (said(lambda: find_send_id(station, phone)), said(lambda: directory.get(station, phone))):
        assert masked in message and "1234" not in message.replace(masked, ""), message


def test_a_phone_with_dashes_in_the_scan_field_is_quoted_masked() -> None:
    _waybill, error = clean_waybill("138-1234-5678")
    assert error is not None and error.message("en") == "138****5678 has characters no carrier uses: -."


def test_a_waybill_a_code_and_a_number_are_quoted_as_typed(station: Station) -> None:
    assert said(lambda: find_parcel_id(station, "SF1234567890123")) == "No parcel matches SF1234567890123."
    assert said(lambda: find_parcel_id(station, "9-9-9999")) == "No parcel matches 9-9-9999."
    assert said(lambda: find_send_id(station, "87654")) == "No send with number or waybill 87654."
    assert said(lambda: directory.get(station, "00123")) == "No recipient 00123 in the directory."
    _waybill, error = clean_waybill("SF1234-567890123")
    assert error is not None and error.message("en") == "SF1234-567890123 has characters no carrier uses: -."
