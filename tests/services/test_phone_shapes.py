"""A scan that is a phone, in any of the forms a waybill prints it, is told from a waybill."""

from __future__ import annotations

import pytest

from station_console.services.core.phone_shapes import phone_shaped


@pytest.mark.parametrize(
    "text",
    [
        "13800138000",
        "138 0013 8000",
        "１３８００１３８０００",
        "138****8000",
        "138-****-8000",
        "17012345678-8462",
        "+86 138 0013 8000",
        "0086-138-0013-8000",
    ],
)
def test_a_mobile_or_its_privacy_form_is_a_phone(text: str) -> None:
    assert phone_shaped(text)


@pytest.mark.parametrize(
    "text", ["SF1234567890123", "73123456789012", "1234567890123", "5678", "12800138000", "8613800138000"]
)
def test_a_waybill_or_a_tail_is_not(text: str) -> None:
    assert not phone_shaped(text)
