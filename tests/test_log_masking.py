"""The log masks phones by the rule notes are stored by, so a waybill in a log line stays readable and a
parcel can be traced; and no log line carries a phone the log masked before it used that rule (phones
in every shape the station stores, in every shape a log line holds them), nor a bare PIN."""

from __future__ import annotations

import json
import re
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from station_console import logs
from station_console.logs import mask_text

MOBILES = st.from_regex(r"1[3-9][0-9]{9}", fullmatch=True)
# (as it is written, the digits that must not show): what the station stores or sends to, as typed.
PHONES = st.one_of(
    MOBILES.map(lambda d: (d, d)),
    MOBILES.map(lambda d: (f"+86 {d[:3]}-{d[3:7]}-{d[7:]}", d)),
    MOBILES.map(lambda d: (f"{d[:3]}\t{d[3:7]}\n{d[7:]}", d)),
    MOBILES.map(lambda d: (f"{d[:3]}.{d[3:7]}.{d[7:]}", d)),
    MOBILES.map(lambda d: (f"{d}-8462", d)),  # a virtual number and its extension
    MOBILES.map(lambda d: (f"0086{d}", d)),
    st.from_regex(r"\+[1-7][0-9]{7,13}", fullmatch=True).map(lambda n: (n, n[1:])),
    st.from_regex(r"49[0-9]{9,11}", fullmatch=True).map(lambda n: (n, n)),  # a foreign number, no +
    st.from_regex(r"0[3-9][0-9]{2}[1-9][0-9]{7}", fullmatch=True).map(lambda n: (n, n[4:])),
    st.from_regex(r"[2-8][0-9]{7}", fullmatch=True).map(lambda n: (n, n)),
    st.from_regex(r"[0-9]{7,12}", fullmatch=True).map(lambda n: (n, n)),  # a PIN, a number alone
)
LINES = [
    "{}",
    "notification n-1 to {} failed: timeout",
    "sent to={}&text=arrived",
    "[parameters: ('{}', 'SF1234567890123', 3)]",
    '{{"phone": "{}"}}',
    "ValueError: no parcel for {}\n",
    "客户{}来电",
]
GLUED = ["phone{}", "to=%2B86{}", "mobile:{}x"]  # a key or an encoding that touches a mobile


def _shows(digits: str, line: str) -> bool:
    return digits in re.sub(r"[\s\-.]", "", line)


@settings(max_examples=400)
@given(PHONES, st.sampled_from(LINES))
def test_no_log_line_carries_a_phone_or_a_pin(phone: tuple[str, str], line: str) -> None:
    written, digits = phone
    masked = mask_text(line.format(written))
    assert not _shows(digits, masked), masked


@settings(max_examples=200)
@given(MOBILES, st.sampled_from(GLUED))
def test_a_mobile_letters_touch_is_masked_in_the_log(digits: str, line: str) -> None:
    masked = mask_text(line.format(digits))
    assert not _shows(digits, masked) and f"{digits[:3]}****{digits[-4:]}" in masked, masked


# A mobile as a scanner or a dialler prefixes it: the AIM symbology prefix glued to it, a country code.
PREFIXED = ["]C1{}", "]E0{}", "+86{}", "0086{}", "]C1+86{}", "]C10086{}", "]C186{}"]


@settings(max_examples=300)
@given(MOBILES, st.sampled_from(PREFIXED), st.sampled_from([*LINES, "scan={}x", "raw {}\r"]))
def test_a_prefixed_mobile_is_masked_in_the_log(digits: str, prefixed: str, line: str) -> None:
    """`]C113812345678` (a phone barcode read with its AIM prefix) kept its digits: the prefix's `1`
    touched them."""
    for written in (prefixed.format(digits), f"86-{digits[:3]}-{digits[3:7]}-{digits[7:]}"):
        masked = mask_text(line.format(written))
        assert not _shows(digits, masked) and f"****{digits[-4:]}" in masked, masked


def test_a_scanned_waybill_with_its_aim_prefix_stays_readable_in_the_log() -> None:
    """Letters, then digits (11 or more among them): a waybill, with or without the scanner's prefix."""
    lettered = [n for n in NUMBERS if re.match(r"^\s*[A-Za-z0-9]*[A-Za-z][0-9]{11}", "".join(n.split()))]
    assert len(lettered) >= 10
    for number in [*lettered, "SF1234567890123", "JT1234567890123", "DPK123456789012"]:
        for scanned in ("".join(number.split()), "]C1" + "".join(number.split())):
            line = f"scan {scanned} refused: duplicate"
            assert mask_text(line) == line, line


def test_waybills_stay_readable_in_the_log() -> None:
    waybills = [
        "SF1234567890123",
        "73100000000001",  # ZTO
        "YT1234567890123",
        "773912345678901",  # STO
        "312345678901234",  # YUNDA
        "JT1234567890123",
        "JDVA00123456789",
        "9876543210123",  # EMS
        "DPK123456789012",
        "621123456789012",  # Cainiao
        "RB123456785GB",
        "1Z5R89390357567127",
    ]
    for waybill in waybills:
        line = f"carrier event {waybill} (arrived) to ZTO failed: HTTP 502"
        assert mask_text(line) == line
    assert mask_text("pickup 13812345678 of SF1234567890123") == "pickup 138****5678 of SF1234567890123"


WRITTEN = [  # as `phone_digits` reads them, and the digits that must not show
    ("021.6666.7777", "6666"),
    ("0755.8888.1234", "8888"),
    ("+86 (0)10 6543 5678", "6543"),
    ("+86 (0)138 0013 8000", "0013"),
    ("+86 138 0013 8000", "0013"),
    ("to 3 021.6666.7777 12", "6666"),
]


def test_a_phone_in_every_form_phone_digits_reads_is_masked_in_the_log() -> None:
    """Dots between a landline's groups and the trunk `(0)` after +86 slipped past the log's masking;
    the log now reads a run of digit groups as the station reads a phone (`phone_digits`)."""
    for written, middle in WRITTEN:
        for line in LINES:
            masked = mask_text(line.format(written))
            assert middle not in re.sub(r"[\s\-.()]", "", masked), masked
            assert "****" in masked, masked


DATA = json.loads((Path(__file__).parent / "services" / "data" / "tracking_numbers.json").read_text("utf-8"))
NUMBERS = [
    number
    for entries in DATA["carriers"].values()
    for numbers in entries.values()
    for number in numbers["valid"]
]


def test_reading_groups_as_phones_masks_no_waybill() -> None:
    """The public formats' valid numbers, as printed (in groups) and as scanned (one run): the log's
    reading of digit groups as a phone leaves every one as it was."""
    assert len(NUMBERS) >= 100
    for number in NUMBERS:
        for written in (number.strip(), "".join(number.split())):
            line = f"carrier event {written} (arrived)"
            assert logs._GROUPED.sub(logs._written_phones, line) == line, written
