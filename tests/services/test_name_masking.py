"""A name masked for lists and waybills keeps one of its letters, never a bracket or a mark."""

from __future__ import annotations

import pytest

from station_console.services.core.name_masking import mask_name


@pytest.mark.parametrize(
    ("name", "rule", "shown"),
    [
        ("张三", "first", "张*"),
        ("王小明", "last", "**明"),
        ("Tom Jones", "first", "T***"),
        ("[Tom] Jones", "first", "T***"),
        ("[Tom] Jones", "last", "***s"),
        ("「王」", "first", "王"),  # one letter: as a one-character name, whole
        ("[/]", "first", "*"),  # no letter at all: nothing of it shown
        ("[b]", "full", "[b]"),
        ("", "first", ""),
    ],
)
def test_a_name_is_masked_around_its_letters(name: str, rule: str, shown: str) -> None:
    assert mask_name(name, rule) == shown
