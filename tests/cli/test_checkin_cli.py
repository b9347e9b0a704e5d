"""`station checkin`, `station parcels`, `station undo-checkin` through click, on a real SQLite file."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner
from sqlalchemy import func
from sqlmodel import select

from db.models import Notification, Parcel, ParcelEvent, PrintJob
from station_console.cli import cli
from station_console.services.admin.setup import open_station


@pytest.fixture
def run(db_url: str):  # type: ignore[no-untyped-def]
    runner = CliRunner()

    def invoke(*args: str):  # type: ignore[no-untyped-def]
        return runner.invoke(cli, ["--db", db_url, "--lang", "en", *args], catch_exceptions=False)

    return invoke


def counts(db_url: str) -> tuple[int, int, int, int]:
    station = open_station(db_url)
    with station.read() as s:
        out = tuple(
            int(s.exec(select(func.count()).select_from(m)).one())
            for m in (Parcel, PrintJob, Notification, ParcelEvent)
        )
    station.engine.dispose()
    return out  # type: ignore[return-value]


def test_checkin_json_has_the_documented_keys(run, db_url: str) -> None:  # type: ignore[no-untyped-def]
    result = run("checkin", "SF1234567890123", "--phone", "13812345678", "--size", "s", "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert {
        "waybill",
        "carrier",
        "shelf",
        "layer",
        "pickup_code",
        "status",
        "redelivery",
        "label_job",
    } <= set(data)
    assert data["carrier"] == "SF" and data["status"] == "on_shelf" and data["redelivery"] is False
    assert data["pickup_code"] == f"{data['shelf']}-{data['layer']}-1001"
    assert data["masked_phone"] == "138****5678" and data["size"] == "S"
    assert isinstance(data["label_job"], int)
    assert counts(db_url) == (1, 1, 1, 1)


def test_refusal_exits_non_zero_says_why_and_writes_nothing(run, db_url: str) -> None:  # type: ignore[no-untyped-def]
    assert run("checkin", "SF1234567890123").exit_code == 0
    before = counts(db_url)
    dup = run("checkin", "SF1234567890123")
    assert dup.exit_code == 1
    assert "already on the shelf" in dup.stderr
    conflict = run("checkin", "73123456789012", "--batch", "SF")
    assert conflict.exit_code == 1 and "looks like ZTO" in conflict.stderr
    bad_phone = run("checkin", "JT1234567890123", "--phone", "call me")
    assert bad_phone.exit_code == 1 and "Not a phone number" in bad_phone.stderr
    garbage = run("checkin", "hello", "--json")
    assert garbage.exit_code == 1 and json.loads(garbage.stdout)["error"]
    assert counts(db_url) == before


@pytest.mark.parametrize(
    ("lang", "phone_option", "phone_field"),
    [("en", "A phone goes with --phone", "phone field"), ("zh", "手机号请用 --phone 选项给出：", "手机号栏")],
)
def test_a_phone_as_the_waybill_is_told_of_the_phone_option(  # type: ignore[no-untyped-def]
    db_url: str, lang: str, phone_option: str, phone_field: str
) -> None:
    """The service's advice named the console's Phone field, which the command line has not."""
    runner = CliRunner()
    before = counts(db_url)
    for scanned in ("13512345678", "17012345678-8462"):
        result = runner.invoke(
            cli, ["--db", db_url, "--lang", lang, "checkin", scanned], catch_exceptions=False
        )
        assert result.exit_code == 1
        assert phone_option in result.stderr and phone_field not in result.stderr, result.stderr
    assert counts(db_url) == before


def test_a_mobile_dhl_would_take_names_the_option_that_takes_it(run, db_url: str) -> None:  # type: ignore[no-untyped-def]
    """13987654321 passes DHL's check digit: refused worded as the console's, with the command's
    `--carrier DHL` where the console says Ctrl+Y; given, it is checked in as DHL's."""
    before = counts(db_url)
    refused = run("checkin", "13987654321")
    assert refused.exit_code == 1 and counts(db_url) == before
    assert refused.stderr.startswith(
        "station: 139****4321 looks like a mobile number; if it is a DHL "
        "waybill, --carrier DHL takes it. A phone goes with --phone"
    ), refused.stderr
    taken = run("checkin", "13987654321", "--carrier", "DHL", "--json")
    assert taken.exit_code == 0 and json.loads(taken.output)["carrier"] == "DHL"


def test_explicit_carrier_settles_a_conflict(run) -> None:  # type: ignore[no-untyped-def]
    result = run("checkin", "73123456789012", "--batch", "SF", "--carrier", "zto", "--json")
    assert result.exit_code == 0
    assert json.loads(result.output)["carrier"] == "ZTO"


def test_parcels_lists_masked_phones_only(run) -> None:  # type: ignore[no-untyped-def]
    run("checkin", "SF1234567890123", "--phone", "13812345678")
    run("checkin", "JT1234567890123", "--phone", "4321")
    result = run("parcels", "--json")
    assert result.exit_code == 0
    rows = json.loads(result.output)["parcels"]
    assert [r["waybill"] for r in rows] == ["JT1234567890123", "SF1234567890123"]  # newest first
    keys = {
        "waybill",
        "carrier",
        "status",
        "shelf",
        "layer",
        "pickup_code",
        "masked_phone",
        "checked_in_at",
        "picked_up_at",
    }
    assert all(keys <= set(r) for r in rows)
    assert rows[1]["masked_phone"] == "138****5678"
    assert "13812345678" not in result.output
    assert (
        json.loads(run("parcels", "--json", "--limit", "1").output)["parcels"][0]["waybill"]
        == "JT1234567890123"
    )
    assert json.loads(run("parcels", "--status", "picked_up", "--json").output) == {"parcels": []}
    text = run("parcels").output
    assert "SF1234567890123" in text and "****4321" in text


def test_undo_checkin_cancels_the_last_one(run) -> None:  # type: ignore[no-untyped-def]
    run("checkin", "SF1234567890123")
    run("checkin", "JT1234567890123")
    undone = run("undo-checkin", "--json")
    assert undone.exit_code == 0 and json.loads(undone.output)["waybill"] == "JT1234567890123"
    on_shelf = json.loads(run("parcels", "--status", "on_shelf", "--json").output)["parcels"]
    assert [r["waybill"] for r in on_shelf] == ["SF1234567890123"]
    run("undo-checkin")
    nothing = run("undo-checkin")
    assert nothing.exit_code == 1 and "Nothing to undo" in nothing.stderr


def test_no_pickup_code_free_is_its_own_refusal_saying_what_a_manager_changes(run, db_url: str) -> None:  # type: ignore[no-untyped-def]
    from station_helpers import configure, keep_layers

    station = open_station(db_url)
    keep_layers(station, {"1-1": 40})
    configure(station, code_seq_min=1001, code_seq_max=1002)
    station.engine.dispose()
    assert run("checkin", "SF1234567890123").exit_code == 0
    assert run("checkin", "SF1234567890124").exit_code == 0
    refused = run("checkin", "SF1234567890125", "--json")
    assert refused.exit_code == 1
    said = json.loads(refused.stdout)
    assert said["error"] == "no_code"  # not "no_room": the layer has room, its codes are used up
    assert said["message"].startswith("No pickup code is free on layer 1-1")
    assert "raises the Last SEQ number in Settings (Ctrl+S), Pickup codes" in said["message"]
