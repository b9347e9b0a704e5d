"""A day at the calendar's ends and a number past the database's integers, typed on the command line:
refused as typed (exit 2, in the clerk's language), with nothing written; they were unexpected errors
(a day's bounds overflowed Python's dates, an id overflowed the SQLite driver)."""

from __future__ import annotations

from pathlib import Path

import pytest
from station_helpers import file_snapshot

AS_MANAGER = ("--clerk", "Boss", "--pin", "2580")
HUGE = "99999999999999999999"  # past a signed 64-bit integer


@pytest.mark.parametrize(
    "args",
    [
        ("report", "--date", "0001-01-01"),
        ("report", "--date", "0001-01-03"),
        (*AS_MANAGER, "close-day", "--date", "0001-01-01"),
        ("audit", "activity", "Tester", "--day", "0001-01-01"),
        ("audit", "activity", "Tester", "--day", "9999-12-31"),
    ],
)
def test_a_day_at_the_calendars_ends_is_refused_as_typed(run, db_url: str, args: tuple[str, ...]) -> None:  # type: ignore[no-untyped-def]
    before = file_snapshot(Path(db_url.removeprefix("sqlite:///")))
    result = run(*args)
    assert result.exit_code == 2, result.output
    assert "Use a date from 2000-01-01 to 2999-12-31." in result.output
    assert file_snapshot(Path(db_url.removeprefix("sqlite:///"))) == before


def test_the_day_is_refused_in_chinese(run) -> None:  # type: ignore[no-untyped-def]
    result = run("report", "--date", "0001-01-01", lang="zh")
    assert result.exit_code == 2
    assert "请使用 2000-01-01 至 2999-12-31 之间的日期。" in result.output
    assert "Use a date" not in result.output


def test_a_day_is_typed_only_as_yyyy_mm_dd(run) -> None:  # type: ignore[no-untyped-def]
    # Python's fromisoformat took a basic-format date and a week date as well.
    for typed in ("20261125", "2026-W48-3", "2026-02-30"):
        result = run("report", "--date", typed)
        assert result.exit_code == 2, typed
        assert "Use a date like 2026-11-25." in result.output


@pytest.mark.parametrize(
    "args",
    [
        ("audit", "show", HUGE),
        ("search", "--before", HUGE),
        ("prealert", "list", "--import", HUGE),
        (*AS_MANAGER, "events", "retry", HUGE),
        (*AS_MANAGER, "events", "drop", HUGE, "--reason", "the carrier closed"),
        ("outbox", "resend", HUGE),
        ("sendout", "tariff", "show", "SF", "--version", HUGE),
    ],
)
def test_an_id_past_the_databases_integers_is_refused_as_typed(
    run, db_url: str, args: tuple[str, ...]
) -> None:  # type: ignore[no-untyped-def]
    before = file_snapshot(Path(db_url.removeprefix("sqlite:///")))
    result = run(*args)
    assert result.exit_code == 2, result.output
    assert f"{HUGE} is not in the range" in result.output
    assert file_snapshot(Path(db_url.removeprefix("sqlite:///"))) == before


def test_a_negative_audit_limit_is_refused(run) -> None:  # type: ignore[no-untyped-def]
    # SQLite read LIMIT -5 as no limit at all; PostgreSQL refuses it.
    result = run("audit", "activity", "Tester", "--limit", "-5")
    assert result.exit_code == 2
    assert "-5 is not in the range" in result.output


def test_a_recipient_number_past_the_databases_integers_is_not_found(run) -> None:  # type: ignore[no-untyped-def]
    result = run("recipients", "show", f"#{HUGE}")
    assert result.exit_code == 1, result.output
    assert f"No recipient #{HUGE} in the directory." in result.output


@pytest.mark.parametrize(
    ("option", "value", "limit"),
    [
        ("--fee", HUGE, "Fee (cents) must be at most 100000."),
        ("--amber-hours", "8761", "Amber after (h) must be at most 8760."),
        ("--return-after-days", "366", "Return after (days) must be at most 365."),
        ("--sort-order", "1000001", "Order must be at most 1000000."),
    ],
)
def test_a_carriers_number_past_its_greatest_is_refused(  # type: ignore[no-untyped-def]
    run, db_url: str, option: str, value: str, limit: str
) -> None:
    before = file_snapshot(Path(db_url.removeprefix("sqlite:///")))
    result = run(*AS_MANAGER, "carriers", "edit", "SF", option, value)
    assert result.exit_code == 1, result.output
    assert limit in result.output
    assert file_snapshot(Path(db_url.removeprefix("sqlite:///"))) == before


def test_a_carriers_greatest_number_is_taken(run) -> None:  # type: ignore[no-untyped-def]
    result = run(*AS_MANAGER, "carriers", "edit", "SF", "--amber-hours", "8760", "--fee", "100000")
    assert result.exit_code == 0, result.output
