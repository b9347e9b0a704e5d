"""A required reason or name of marks alone (`[/]`, `--`) says nothing: it is refused, said as marks
alone (not as empty: the clerk typed something), and nothing is written. One rule for every such field
(`free_text.says_something`): a letter, a digit or a CJK character makes text say something; `王[五][/]`
is a name."""

from __future__ import annotations

import pytest
from conftest import FakeClock
from pickup_helpers import as_clerk, configure, receive, zto
from station_helpers import snapshot

from station_console.errors import Refused
from station_console.services.core.free_text import REASON, says_something
from station_console.services.core.station import Station
from station_console.services.delivery import runs
from station_console.services.fees.ledger import Settlement
from station_console.services.pickup.handover import confirm_pickup
from station_console.settings import FeeRule

MARKS_ONLY = ("[/]", "[/][/]", "-- ", "（）", "…")


def test_marks_alone_say_nothing_and_any_letter_digit_or_hanzi_does() -> None:
    assert not any(says_something(text) for text in MARKS_ONLY)
    assert all(says_something(text) for text in ("王[五][/]", "[/]7", "x", "五"))


@pytest.mark.parametrize("text", MARKS_ONLY)
def test_a_reason_of_marks_alone_is_refused_as_marks_alone(text: str) -> None:
    with pytest.raises(Refused) as marks:
        REASON.read(text)
    assert marks.value.code == "missing"
    assert marks.value.message("en") == "Reason has no letters or digits: marks alone say nothing."
    assert marks.value.message("zh") == "原因没有文字或数字：只有符号等于没填。"


@pytest.mark.parametrize("text", ["", "   ", "\x1b[31m"])
def test_a_reason_with_nothing_typed_is_empty(text: str) -> None:
    with pytest.raises(Refused) as empty:
        REASON.read(text)
    assert empty.value.code == "missing" and empty.value.message("en") == "Reason is empty."
    assert empty.value.message("zh") == "原因为空。"


def test_a_fee_waiver_of_marks_alone_is_refused_and_nothing_handed_over(
    station: Station, clock: FakeClock
) -> None:
    configure(station, storage_fee_rules=[FeeRule(name="standard", free_days=3, per_day_cents=100)])
    done = receive(station, 1)
    clock.advance(days=3)
    boss = as_clerk(station, "boss", role="manager")
    before = snapshot(boss)
    for why in ("[/]", "【】"):
        with pytest.raises(Refused) as empty:
            confirm_pickup(
                boss, [done.parcel_id], method="code", scanned=[zto(1)], fee=Settlement("waive", reason=why)
            )
        assert empty.value.code == "missing"
    assert snapshot(boss) == before


def test_an_override_reason_of_marks_alone_gives_none(station: Station) -> None:
    done = receive(station, 1)
    boss = as_clerk(station, "boss", role="manager")
    before = snapshot(boss)
    with pytest.raises(Refused) as refused:
        confirm_pickup(boss, [done.parcel_id], method="code", override_reason="[/]")
    assert refused.value.code == "not_scanned"
    assert snapshot(boss) == before


def test_a_runner_named_by_marks_alone_is_nobody() -> None:
    for text in ("[/]", " [/] [/] "):
        with pytest.raises(Refused) as refused:
            runs.runner_of(text)
        assert refused.value.code == "name_required"
        assert refused.value.message("en") == "Type the runner's name."
    assert runs.runner_of("王[五][/]") == "王[五][/]"
