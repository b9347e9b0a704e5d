"""What a recipient said about messages and delivery: recorded, told at check-in, counted."""

from __future__ import annotations

from pathlib import Path

import pytest
from recipient_helpers import HEADERS_ZH, PEOPLE, act_as, recipient, write_csv
from station_helpers import events, wb

from db.models import EventKind, Role
from station_console.errors import NotFound, PermissionDenied, Refused
from station_console.services.checkin.transaction import check_in
from station_console.services.core.station import Station
from station_console.services.day.report import build_report
from station_console.services.day.summary import summary_lines
from station_console.services.recipients import consent, matching
from station_console.services.recipients.consent import Choice
from station_console.services.recipients.importing import import_file


@pytest.fixture
def campus(station: Station, tmp_path: Path) -> Station:
    """A manager signed in, the four people of PEOPLE in the directory."""
    act_as(station, Role.MANAGER, "boss")
    import_file(station, write_csv(tmp_path / "people.csv", [HEADERS_ZH, *PEOPLE]))
    return station


def test_consent_warning_follows_what_the_recipient_said(campus: Station) -> None:
    zhang = recipient(campus, "00123")
    assert check_in(campus, wb(1), recipient_id=zhang.id).consent_missing
    consent.record(campus, "00123", Choice(consent="granted"), channel="counter")
    assert not check_in(campus, wb(2), recipient_id=zhang.id).consent_missing
    consent.record(campus, "00123", Choice(consent="refused", delivery_preference="door"), channel="phone")
    third = check_in(campus, wb(3), recipient_id=zhang.id)
    assert third.consent_missing and third.wants_door
    assert not check_in(campus, wb(4)).consent_missing  # no directory entry: nothing to warn about


def test_check_in_tells_a_refusal_and_a_withdrawal_from_a_consent_never_asked(campus: Station) -> None:
    """A recipient who said no is not one nobody asked: the clerk is told which, and what to do."""
    from station_console.services.checkin.late_phone import set_phone_for
    from station_console.services.checkin.recipient import consent_note

    zhang, shan = recipient(campus, "00123"), recipient(campus, "00125")
    never = check_in(campus, wb(1), recipient_id=zhang.id)
    consent.record(campus, "00123", Choice(consent="refused"), channel="phone")
    said_no = check_in(campus, wb(2), recipient_id=zhang.id)
    consent.record(campus, "00123", Choice(consent="granted"), channel="counter")
    consent.record(campus, "00123", Choice(consent=None), channel="phone")
    took_back = check_in(campus, wb(3), recipient_id=zhang.id)
    assert [(r.consent, r.consent_missing) for r in (never, said_no, took_back)] == [
        ("not_asked", True),
        ("refused", True),
        ("withdrawn", True),
    ]
    assert check_in(campus, wb(4)).consent is None  # nobody in the directory
    assert "ask the recipient" in consent_note(never.consent)
    assert "refused" in consent_note(said_no.consent) and "ask" not in consent_note(said_no.consent)
    assert "withdrew" in consent_note(took_back.consent)
    # The same person found by their full phone after the scan, and linked from "who is this?"
    consent.record(campus, "00125", Choice(consent="refused"), channel="counter")
    late = check_in(campus, wb(5))
    assert set_phone_for(campus, late.parcel_id, "13700001111").consent == "refused"
    typed = check_in(campus, wb(6), recipient_name="单老师")
    assert matching.link(campus, typed.parcel_id, shan.id or 0).consent == "refused"
    found = [*matching.match(campus, "zs"), *matching.match(campus, "dtf"), *matching.match(campus, "lis")]
    assert [m.consent_state for m in found] == ["withdrawn", "refused", "not_asked"]


def test_a_withdrawal_from_someone_never_asked_is_recorded_not_dropped(campus: Station) -> None:
    """They tell the counter not to hold their parcels before anyone asked: check-in must stop saying
    "ask the recipient", and the history must have the answer; a second withdrawal is no news."""
    zhang = recipient(campus, "00123")
    assert consent.record(campus, "00123", Choice(consent=None), channel="counter").consent_recorded
    assert check_in(campus, wb(1), recipient_id=zhang.id).consent == "withdrawn"
    assert [h.consent for h in consent.history(campus, "00123")] == ["withdrawn"]
    assert len(events(campus, EventKind.CONSENT_RECORDED)) == 1
    consent.record(campus, "00123", Choice(consent=None), channel="phone")
    assert len(consent.history(campus, "00123")) == 1


def test_consent_is_recorded_with_time_channel_and_clerk(campus: Station, clock: object) -> None:
    clerk_id = act_as(campus, Role.CLERK, "li")
    view = consent.record(
        campus,
        "00123",
        Choice(consent="granted", delivery_preference="station", reminders_opt_out=True),
        channel="counter",
        note="asked at pickup",
    )
    assert (view.consent, view.consent_channel, view.reminders_opt_out) == ("granted", "counter", True)
    row = recipient(campus, "00123")
    assert (row.consent_by, row.consent_at) == (clerk_id, campus.now())
    history = consent.history(campus, "00123")
    assert [(h.consent, h.channel, h.clerk, h.note) for h in history] == [
        ("granted", "counter", "li", "asked at pickup")
    ]
    event = events(campus, EventKind.CONSENT_RECORDED)[-1]
    assert event.clerk_id == clerk_id and event.details["consent"] == "granted"
    assert "张三" not in str(event.details)


def test_consent_refusals(campus: Station) -> None:
    with pytest.raises(Refused, match="channel"):
        consent.record(campus, "00123", Choice(consent="granted"), channel="telepathy")
    with pytest.raises(Refused):
        consent.record(campus, "00123", Choice(), channel="counter")
    with pytest.raises(Refused):
        consent.record(campus, "00123", Choice(delivery_preference="drone"), channel="counter")
    with pytest.raises(NotFound):
        consent.record(campus, "99999", Choice(consent="granted"), channel="counter")
    campus.clerk_id = campus.clerk_role = None
    with pytest.raises(PermissionDenied):
        consent.record(campus, "00123", Choice(consent="granted"), channel="counter")
    assert consent.history.__name__ and recipient(campus, "00123").consent is None


def test_coverage_and_parcels_by_preference(campus: Station) -> None:
    consent.record(campus, "00123", Choice(consent="granted", delivery_preference="station"), channel="app")
    consent.record(campus, "00124", Choice(consent="refused", delivery_preference="door"), channel="app")
    check_in(campus, wb(1), recipient_id=recipient(campus, "00123").id)
    check_in(campus, wb(2), recipient_id=recipient(campus, "00124").id)
    check_in(campus, wb(3), recipient_id=recipient(campus, "00125").id)
    check_in(campus, wb(4))
    cover = consent.coverage(campus)
    assert cover["active"] == 4 and cover["consent"] == {
        "granted": 1,
        "refused": 1,
        "withdrawn": 0,
        "unknown": 2,
    }
    assert cover["coverage_percent"] == 25.0 and cover["by_preference"]["door"] == 1
    assert consent.parcels_by_preference(campus) == {
        "station": 1,
        "door": 1,
        "locker": 0,
        "proxy": 0,
        "unknown": 1,
        "none": 1,
        "without_consent": 2,
    }


def test_the_day_report_counts_a_withdrawal_apart_from_never_asked(campus: Station) -> None:
    """The day report's line called a person who took a yes back one never asked."""
    consent.record(campus, "00123", Choice(consent="granted"), channel="counter")
    consent.record(campus, "00123", Choice(consent=None), channel="phone")
    line = next(x for x in summary_lines(build_report(campus)) if x.startswith("Recipients:"))
    assert "(3 not asked, 0 refused, 1 withdrawn)" in line, line
