"""The Settings screen's sections: every settings field is in exactly one, and a new one is never lost."""

from __future__ import annotations

from collections import Counter

import pytest

from station_console import settings_sections
from station_console.i18n import catalog
from station_console.settings import CounterSettings, StationSettings
from station_console.settings_sections import GROUPS, Section, sections


def test_every_field_of_both_models_is_in_exactly_one_section() -> None:
    shown = sections()
    station = Counter(name for s in shown for name in s.station)
    counter = Counter(name for s in shown for name in s.counter)
    assert station == Counter(list(StationSettings.model_fields)), "station fields: each once, none missing"
    assert counter == Counter(list(CounterSettings.model_fields)), "counter fields: each once, none missing"
    assert all(name in s.counter for s in shown for name in s.elsewhere)


def test_today_every_field_has_a_named_section_so_other_is_not_shown() -> None:
    assert "other" not in [s.key for s in sections()]
    assert len({s.key for s in GROUPS}) == len(GROUPS)


def test_a_field_no_section_names_shows_in_other(monkeypatch: pytest.MonkeyPatch) -> None:
    first = GROUPS[0]
    trimmed = Section(first.key, first.title, first.station[1:], first.counter, first.elsewhere)
    monkeypatch.setattr(settings_sections, "GROUPS", (trimmed, *GROUPS[1:]))
    shown = sections()
    assert shown[-1].key == "other" and shown[-1].station == (first.station[0],)
    assert Counter(name for s in shown for name in s.station) == Counter(list(StationSettings.model_fields))


def test_section_titles_and_notes_are_translated() -> None:
    zh = catalog("zh")
    texts = [s.title for s in GROUPS] + [text for s in GROUPS for text in s.elsewhere.values()]
    assert [t for t in texts if t not in zh] == []
