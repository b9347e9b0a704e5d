"""This counter's own settings (counter.toml) are changed through one service, which checks the role:
a clerk and nobody are refused with the role's sentence, the file stays byte for byte as it was and
nothing is recorded; a manager writes it, and the audit trail records who, at which counter, each
setting old and new (a secret by its name alone). A save that changes nothing records nothing; the
event and the file never disagree the wrong way: no file change without its event."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import ValidationError
from station_helpers import act_as_new_clerk, events

from db.models import EventKind, Role
from station_console.counter_config import config_path
from station_console.errors import PermissionDenied, Refused
from station_console.services.admin.counter import change_counter_settings
from station_console.services.core import audit
from station_console.services.core.station import Station
from station_console.settings import CounterSettings, load_counter_settings

pytestmark = pytest.mark.sqlite_only  # a file on this PC: the database only says who is signed in

BEFORE = 'counter = "front"\nwedge_max_key_gap_ms = 30\n\n[printer]\nlanguage = "tspl"\ntransport = "dummy"\n'
HIJACKED = CounterSettings(counter="front", wedge_max_key_gap_ms=900, printer={"language": "zpl"})


@pytest.fixture
def counter_file() -> Path:
    path = config_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(BEFORE, encoding="utf-8")
    return path


def test_a_clerk_is_refused_and_the_file_is_unchanged(station: Station, counter_file: Path) -> None:
    with pytest.raises(PermissionDenied) as refused:
        change_counter_settings(station, HIJACKED)
    assert refused.value.code == "manager_only"
    assert refused.value.message() == "Only a manager can change settings. Ask a manager to sign in."
    assert counter_file.read_text(encoding="utf-8") == BEFORE
    assert not counter_file.with_suffix(".tmp").exists()
    assert events(station, EventKind.COUNTER_SETTINGS_CHANGED) == []


def test_nobody_signed_in_is_refused_and_the_file_is_unchanged(
    new_station: Station, counter_file: Path
) -> None:
    assert new_station.clerk_id is None
    with pytest.raises(PermissionDenied) as refused:
        change_counter_settings(new_station, HIJACKED)
    assert refused.value.message() == "Only a manager can change settings. Ask a manager to sign in."
    assert counter_file.read_text(encoding="utf-8") == BEFORE
    assert events(new_station, EventKind.COUNTER_SETTINGS_CHANGED) == []


def test_nobody_on_a_new_counter_with_no_file_writes_none(new_station: Station) -> None:
    """No first-run exception: nothing on a new station writes counter.toml before a manager exists."""
    with pytest.raises(PermissionDenied):
        change_counter_settings(new_station, HIJACKED)
    assert not config_path().exists()


def test_a_manager_writes_the_file(new_station: Station, counter_file: Path) -> None:
    act_as_new_clerk(new_station, "Wang", Role.MANAGER)
    change_counter_settings(new_station, HIJACKED)
    saved = load_counter_settings()
    assert (saved.counter, saved.wedge_max_key_gap_ms, saved.printer) == ("front", 900, {"language": "zpl"})


CHANGED = EventKind.COUNTER_SETTINGS_CHANGED


def test_a_managers_change_is_one_event_with_each_setting_old_and_new(
    new_station: Station, counter_file: Path
) -> None:
    boss = act_as_new_clerk(new_station, "Wang", Role.MANAGER)
    change_counter_settings(new_station, HIJACKED)
    [event] = events(new_station, CHANGED)
    assert (event.clerk_id, event.counter, event.parcel_id) == (boss, "test-counter", None)
    assert event.details == {
        "changed": {
            "printer.language": ["tspl", "zpl"],
            "printer.transport": ["dummy", None],
            "wedge_max_key_gap_ms": [30, 900],
        }
    }


def test_a_save_that_changes_nothing_records_nothing(new_station: Station, counter_file: Path) -> None:
    act_as_new_clerk(new_station, "Wang", Role.MANAGER)
    change_counter_settings(new_station, load_counter_settings())
    assert events(new_station, CHANGED) == []
    change_counter_settings(new_station, HIJACKED)
    change_counter_settings(new_station, HIJACKED)  # saved again as it is
    assert len(events(new_station, CHANGED)) == 1


SECRETS = (
    'counter = "front"\n\n[printer]\nlanguage = "tspl"\ntransport = "cups"\n'
    'target = "ipp://lp:hunter2@10.0.0.5/printers/labels"\n\n'
    '[ewaybill]\nkind = "fake"\napiKey = "old-key-1234"\n\n[ewaybill.auth]\nuser = "acct-old"\n'
)


def test_a_secret_is_recorded_by_its_name_alone(new_station: Station, counter_file: Path) -> None:
    act_as_new_clerk(new_station, "Wang", Role.MANAGER)
    counter_file.write_text(SECRETS, encoding="utf-8")
    new = load_counter_settings().model_copy(
        update={
            "printer": {
                "language": "tspl",
                "transport": "cups",
                "target": "ipp://lp:swordfish@10.0.0.6/printers/labels",
            },
            "ewaybill": {"kind": "fake", "apiKey": "new-key-5678", "auth": {"user": "acct-new"}},
        }
    )
    change_counter_settings(new_station, new)
    [event] = events(new_station, CHANGED)
    assert event.details == {
        "changed": {
            "printer.target": [
                "ipp://lp:***@10.0.0.5/printers/labels",
                "ipp://lp:***@10.0.0.6/printers/labels",
            ]
        },
        "secrets_changed": ["ewaybill.apiKey", "ewaybill.auth.user"],
    }
    stored = str(event.details)
    for secret in ("hunter2", "swordfish", "old-key", "new-key", "acct-"):
        assert secret not in stored
    assert load_counter_settings().ewaybill["apiKey"] == "new-key-5678"  # the file has it, the trail not


def test_a_refused_record_leaves_the_old_file(
    new_station: Station, counter_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The event commits before the new file replaces the old: a commit refused (here: the day's
    guard) writes nothing."""
    act_as_new_clerk(new_station, "Wang", Role.MANAGER)

    def refused(*_args: object, **_kw: object) -> int:
        raise Refused(
            "Business day {day} is closed; record a correction dated today instead.",
            code="day_closed",
            day="x",
        )

    monkeypatch.setattr(audit, "record", refused)
    with pytest.raises(Refused):
        change_counter_settings(new_station, HIJACKED)
    assert counter_file.read_text(encoding="utf-8") == BEFORE
    assert not counter_file.with_suffix(".tmp").exists()


def test_a_failed_write_records_nothing(new_station: Station, counter_file: Path, tmp_path: Path) -> None:
    act_as_new_clerk(new_station, "Wang", Role.MANAGER)
    (tmp_path / "not-a-folder").write_text("", encoding="utf-8")
    target = tmp_path / "not-a-folder" / "counter.toml"
    with pytest.raises(Refused) as refused:
        change_counter_settings(new_station, HIJACKED, target)
    # Told which file and why (a full disk, a read-only folder), not "an unexpected error".
    assert refused.value.code == "counter_write_failed"
    assert refused.value.message().startswith(f"This counter's settings could not be written to {target}: ")
    assert refused.value.message().endswith(
        ". Nothing was saved; free some disk space or make the folder writable, then save again."
    )
    assert events(new_station, CHANGED) == []
    change_counter_settings(new_station, HIJACKED)  # where it can be written: recorded once
    assert len(events(new_station, CHANGED)) == 1


def test_replacing_an_unreadable_file_says_so(new_station: Station, counter_file: Path) -> None:
    act_as_new_clerk(new_station, "Wang", Role.MANAGER)
    counter_file.write_text("wedge_max_key_gap_ms = [", encoding="utf-8")
    change_counter_settings(new_station, CounterSettings(counter="front"))
    [event] = events(new_station, CHANGED)
    assert event.details == {"changed": {"counter": ["counter-1", "front"]}, "replaced_unreadable": True}


LONG_COUNTER = "counter-one-at-the-north-gate-building-7"


def test_a_counter_name_the_station_would_not_open_under_is_refused(
    new_station: Station, counter_file: Path
) -> None:
    """Settings > This counter saved a 40-character counter name (the field took up to 500), and the
    console and every `station` command on this PC then refused to start: "A counter name is 1 to 32
    characters (got 40)". The form's value is refused as the field's (the model), and the service
    refuses one that reaches it all the same, or one with nothing left once cleaned; the file stays."""
    with pytest.raises(ValidationError) as invalid:
        CounterSettings(counter=LONG_COUNTER)
    assert invalid.value.errors()[0]["type"] == "string_too_long"
    act_as_new_clerk(new_station, "Wang", Role.MANAGER)
    for settings in (
        CounterSettings.model_construct(counter=LONG_COUNTER),
        CounterSettings(counter=" "),
        CounterSettings(counter="\u200b"),
    ):
        with pytest.raises(Refused) as refused:
            change_counter_settings(new_station, settings)
        assert refused.value.code == "bad_counter"
        assert refused.value.message().startswith("A counter name is 1 to 32 characters")
    assert counter_file.read_text(encoding="utf-8") == BEFORE
    assert events(new_station, EventKind.COUNTER_SETTINGS_CHANGED) == []
    change_counter_settings(new_station, CounterSettings(counter="north-gate"))
    assert load_counter_settings(counter_file).counter == "north-gate"
