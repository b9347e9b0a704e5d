"""Real-name sending: ID numbers checked for shape, and only the type and last 4 ever kept."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sendout_helpers import born_on

from station_console.errors import Refused
from station_console.services.sendout.identity import check_id, resident_check_char

TODAY = date(2026, 11, 25)  # the station's date, as check_party gives it (Station.local_date)


def test_the_standard_example_number_passes_and_keeps_only_its_last_four() -> None:
    trace = check_id("resident", "110105 19491231 002x", today=TODAY)  # spaces and a lower-case x as typed
    assert (trace.id_type, trace.last4, trace.masked) == ("resident", "002X", "****002X")


@pytest.mark.parametrize(
    "number",
    [
        "110105194912310021",  # wrong check character
        "11010519491231002",  # 17 digits
        "110105194913310029",  # month 13
        "11010518000101002X",  # born before 1900
        "010105194912310020",  # no region starts with 0
        "11010519491231002Y",
    ],
)
def test_bad_resident_numbers_are_refused_without_echoing_them(number: str) -> None:
    with pytest.raises(Refused) as exc:
        check_id("resident", number, today=TODAY)
    assert exc.value.code == "bad_id"
    assert number not in exc.value.message() and number[:14] not in repr(exc.value.params)


@given(st.text(alphabet="0123456789", min_size=14, max_size=14), st.dates())
def test_every_check_character_mod_11_2(region_tail: str, born: date) -> None:
    if born.year < 1900 or born > TODAY:
        return
    first17 = "1" + region_tail[:5] + born.strftime("%Y%m%d") + region_tail[5:8]
    good = first17 + resident_check_char(first17)
    assert check_id("resident", good, today=TODAY).last4 == good[-4:]
    wrong = "0" if good[-1] != "0" else "1"
    with pytest.raises(Refused):
        check_id("resident", first17 + wrong, today=TODAY)


def test_a_birth_date_after_the_given_day_is_refused_and_one_on_it_taken() -> None:
    assert check_id("resident", born_on(TODAY), today=TODAY).last4 == born_on(TODAY)[-4:]
    with pytest.raises(Refused) as exc:
        check_id("resident", born_on(date(2026, 11, 26)), today=TODAY)
    assert exc.value.code == "bad_id"


@pytest.mark.parametrize(
    ("kind", "number", "ok"),
    [
        ("passport", "E12345678", True),
        ("passport", "EA1234567", True),
        ("passport", "X1234", False),  # too short
        ("passport", "ABCDEFGH", False),  # no digit
        ("passport", "E1234567890", False),  # too long
        ("hk_macau", "H12345678", True),
        ("hk_macau", "M1234567890", True),
        ("hk_macau", "X12345678", False),
        ("taiwan", "12345678", True),
        ("taiwan", "1234567", False),
    ],
)
def test_other_documents_by_shape(kind: str, number: str, ok: bool) -> None:
    if ok:
        assert check_id(kind, number, today=TODAY).last4 == number[-4:]
    else:
        with pytest.raises(Refused):
            check_id(kind, number, today=TODAY)


def test_an_unknown_document_type_is_refused() -> None:
    with pytest.raises(Refused) as exc:
        check_id("library_card", "123456", today=TODAY)
    assert exc.value.code == "bad_id_type"
