"""Every typed text of the settings is one clean line, the names of table rows too."""

from __future__ import annotations

import pytest

from station_console.settings import StationSettings


def test_table_settings_typed_names_and_columns_are_one_clean_line() -> None:
    """Pre-alert source names, their column headings and default carrier, carrier codes of the event
    targets and their URL and folder: typed text, cleaned as every other setting's (escape and direction
    characters out); markup stays text, shown as data."""
    settings = StationSettings.model_validate(
        {
            "prealert_sources": {
                "pdd\x1b[31m": {
                    "columns": {"waybill\u202e": "物流\x1b单号", "name": "[bold]x[/]"},
                    "carrier": "ZTO\x07",
                }
            },
            "carrier_event_targets": {
                "SF\u202e": {"channel": "file", "folder": "/tmp/ev\x1b[2J"},
                "[bold]x[/]": {"channel": "webhook", "url": "https://h/\u202ex"},
            },
        }
    )
    ((name, source),) = settings.prealert_sources.items()
    assert name == "pdd"
    assert source.columns == {"waybill": "物流 单号", "name": "[bold]x[/]"} and source.carrier == "ZTO"
    targets = settings.carrier_event_targets
    assert set(targets) == {"SF", "[bold]x[/]"}
    assert targets["SF"].folder == "/tmp/ev" and targets["[bold]x[/]"].url == "https://h/ x"
    collide: list[dict[str, dict[str, str]]] = [{"SF": {}, "SF\x1b": {}}, {"\u202e": {}}]
    for twice in collide:  # a name that cleans to another, or to nothing
        with pytest.raises(ValueError):
            StationSettings.model_validate({"carrier_event_targets": twice})
