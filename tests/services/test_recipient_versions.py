"""A directory entry's version: one up on every write to it or its phones, and what a form's save of
the entry is based on. The form shows phones and e-mail masked, so its fields cannot tell."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import timedelta
from pathlib import Path

import pytest
from alembic import command
from recipient_helpers import HEADERS_ZH, PEOPLE, act_as, phones_of, write_csv
from saves_at_once import other_save_before
from sqlalchemy import inspect

from db.migrate import alembic_config
from db.models import Role
from station_console.errors import Refused
from station_console.services.core.station import Station
from station_console.services.people import privacy
from station_console.services.recipients import consent, directory
from station_console.services.recipients.consent import Choice
from station_console.services.recipients.importing import import_file


@pytest.fixture
def campus(station: Station, tmp_path: Path) -> Station:
    """A manager signed in, the four people of PEOPLE in the directory (张三 is 00123, 13812345678)."""
    act_as(station, Role.MANAGER, "boss")
    import_file(station, write_csv(tmp_path / "people.csv", [HEADERS_ZH, *PEOPLE]))
    return station


def refused_as_saved_meanwhile(station: Station, based_on: directory.RecipientView) -> None:
    with pytest.raises(Refused) as caught:
        directory.edit(station, "00123", {"room": "301"}, based_on=based_on)
    assert caught.value.code == "recipient_saved_meanwhile"


def test_a_phone_changed_in_its_hidden_digits_refuses_a_form_opened_before(campus: Station) -> None:
    """Counter-2 corrects the middle digits of 张三's phone: 138****5678 still, as this form shows it.
    This form's save of the room (and the phone it shows) is refused; counter-2's number is kept."""
    there = replace(campus, counter="counter-2", _cached=None)
    shown = directory.get(campus, "00123")
    directory.edit(there, "00123", {"phones": "13800005678"}, based_on=directory.get(there, "00123"))
    assert directory.get(campus, "00123").phones == shown.phones  # the masks cannot tell
    refused_as_saved_meanwhile(campus, shown)
    assert phones_of(campus, "00123") == ["13800005678"]
    assert directory.get(campus, "00123").room == "502"


def _edit(station: Station, _folder: Path) -> None:
    directory.edit(station, "00123", {"phones": "13800005678"})


def _consent(station: Station, _folder: Path) -> None:
    consent.record(station, "00123", Choice(delivery_preference="door"), channel="phone")


def _deactivate(station: Station, _folder: Path) -> None:
    directory.set_active(station, "00123", False)


def _import_a_field(station: Station, folder: Path) -> None:
    moved = [["00123", "张三", "13812345678", "A3", "2", "503"], *PEOPLE[1:]]
    import_file(station, write_csv(folder / "moved.csv", [HEADERS_ZH, *moved]))


def _import_a_phone(station: Station, folder: Path) -> None:
    renumbered = [["00123", "张三", "13800005678", "A3", "2", "502"], *PEOPLE[1:]]
    import_file(station, write_csv(folder / "renumbered.csv", [HEADERS_ZH, *renumbered]))


def _import_without_them(station: Station, folder: Path) -> None:
    import_file(station, write_csv(folder / "left.csv", [HEADERS_ZH, *PEOPLE[1:]]), full=True)


def _delete_their_data(station: Station, _folder: Path) -> None:
    privacy.delete_person(station, "13812345678")


WRITERS: dict[str, Callable[[Station, Path], None]] = {
    "edit": _edit,
    "consent": _consent,
    "deactivate": _deactivate,
    "import_a_field": _import_a_field,
    "import_a_phone": _import_a_phone,
    "full_import_deactivates": _import_without_them,
    "delete_person": _delete_their_data,
}


@pytest.mark.parametrize("writer", WRITERS)
def test_every_write_to_an_entry_refuses_a_form_opened_before_it(
    campus: Station, tmp_path: Path, writer: str
) -> None:
    """Whichever writes 张三 (a form, a consent, a deactivation, an import, a deletion on request), a
    form opened on him before it is refused, and one opened after it saves."""
    before = directory.get(campus, "00123")
    WRITERS[writer](campus, tmp_path)
    after = directory.get(campus, "00123")
    assert after.version > before.version
    refused_as_saved_meanwhile(campus, before)
    assert directory.edit(campus, "00123", {"room": "301"}, based_on=after).room == "301"


def test_purge_and_bringing_back_refuse_a_form_opened_before_them(campus: Station) -> None:
    """The keep period's purge of a person who left, then bringing them back, each moves it on."""
    directory.set_active(campus, "00123", False)
    left = directory.get(campus, "00123")
    days = campus.settings().phone_purge_days
    assert privacy.purge_phones(campus, campus.now() + timedelta(days=days + 1)).recipients == 1
    purged = directory.get(campus, "00123")
    assert purged.version > left.version and purged.name == ""
    refused_as_saved_meanwhile(campus, left)
    directory.set_active(campus, "00123", True)
    refused_as_saved_meanwhile(campus, purged)


def test_entries_stored_before_the_version_start_at_one(campus: Station) -> None:
    """A directory from before the column: down to 0015 and up again, every entry is kept at version 1
    and a form opened on it saves."""
    directory.edit(campus, "00123", {"room": "503"})
    config = alembic_config(campus.engine)
    command.downgrade(config, "0015")
    with campus.engine.connect() as conn:
        assert "version" not in {c["name"] for c in inspect(conn).get_columns("recipient")}
    command.upgrade(config, "head")
    views = directory.list_recipients(campus)
    assert len(views) == 4 and {v.version for v in views} == {1}
    shown = directory.get(campus, "00123")
    assert shown.room == "503" and phones_of(campus, "00123") == ["13812345678"]
    assert directory.edit(campus, "00123", {"room": "301"}, based_on=shown).version == 2


@pytest.mark.postgres_only
def test_a_consent_written_over_an_edit_committed_after_its_read_still_counts_on(campus: Station) -> None:
    """PostgreSQL: a consent recorded for 张三 reads him unlocked; counter-2's edit commits before the
    consent is written. Both count: a form opened between the two commits is refused after both."""
    there = replace(campus, counter="counter-2", _cached=None)
    directory.edit(there, "00125", {"room": "306"})  # counter-2's audit chain begun: it waits on nothing
    before = directory.get(campus, "00123")

    def theirs() -> object:
        return directory.edit(there, "00123", {"phones": "13800005678"}, based_on=before)

    with other_save_before(campus, "INSERT INTO recipient_consent", theirs) as outcome:
        consent.record(campus, "00123", Choice(delivery_preference="door"), channel="phone")
    assert isinstance(outcome[0], directory.RecipientView)
    after = directory.get(campus, "00123")
    assert after.version == before.version + 2
    assert phones_of(campus, "00123") == ["13800005678"] and after.delivery_preference == "door"
