"""`station pickup` and `station undo-pickup` through click, on a real SQLite file."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner
from sqlmodel import Session, select

from db.models import Clerk, Parcel, Role
from station_console.cli import cli
from station_console.services.admin.setup import open_station

ANN = "13812345678"
PIN = "482913"


@pytest.fixture
def run(db_url: str):  # type: ignore[no-untyped-def]
    runner = CliRunner()

    def invoke(*args: str):  # type: ignore[no-untyped-def]
        return runner.invoke(cli, ["--db", db_url, "--lang", "en", *args], catch_exceptions=False)

    return invoke


def checkin(run, n: int, phone: str) -> dict:  # type: ignore[no-untyped-def, type-arg]
    result = run("checkin", f"73{n:012d}", "--phone", phone, "--json")
    assert result.exit_code == 0, result.output
    return json.loads(result.output)  # type: ignore[no-any-return]


def statuses(db_url: str) -> dict[str, str]:
    station = open_station(db_url)
    with station.read() as s:
        out = {p.waybill: p.status for p in s.exec(select(Parcel)).all()}
    station.engine.dispose()
    return out


def add_clerk(db_url: str, name: str, role: str) -> None:
    from station_console.services.people.pins import hash_pin

    station = open_station(db_url)
    with Session(station.engine) as s:
        s.add(Clerk(name=name, role=role, pin_hash=hash_pin(PIN), created_at=station.now()))
        s.commit()
    station.engine.dispose()


def test_pickup_lists_the_customers_parcels_as_json(run) -> None:  # type: ignore[no-untyped-def]
    a, b = checkin(run, 1, ANN), checkin(run, 2, ANN)
    checkin(run, 3, "13700001111")
    result = run("pickup", a["pickup_code"], "--json")
    assert result.exit_code == 0, result.output
    parcels = json.loads(result.output)["parcels"]
    assert {p["waybill"] for p in parcels} == {a["waybill"], b["waybill"]}
    keys = {"waybill", "pickup_code", "shelf", "layer", "carrier", "masked_phone", "checked_in_at"}
    assert all(keys <= set(p) for p in parcels)
    assert parcels[0]["masked_phone"] == "138****5678" and ANN not in result.output


def test_pickup_text_output_groups_customers(run) -> None:  # type: ignore[no-untyped-def]
    a = checkin(run, 1, ANN)
    checkin(run, 2, "13998765678")
    result = run("pickup", "5678")
    assert result.exit_code == 0
    assert result.output.count("Customer") == 2 and a["pickup_code"] in result.output


def test_confirm_marks_exactly_those_parcels(run, db_url: str) -> None:  # type: ignore[no-untyped-def]
    a, b, c = (checkin(run, n, ANN) for n in (1, 2, 3))
    result = run("pickup", a["pickup_code"], "--confirm", a["waybill"], "--confirm", c["waybill"], "--json")
    assert result.exit_code == 0, result.output
    assert sorted(json.loads(result.output)["picked_up"]) == sorted([a["waybill"], c["waybill"]])
    assert statuses(db_url) == {
        a["waybill"]: "picked_up",
        b["waybill"]: "on_shelf",
        c["waybill"]: "picked_up",
    }


def test_a_stranger_refuses_them_all_and_is_named(run, db_url: str) -> None:  # type: ignore[no-untyped-def]
    a = checkin(run, 1, ANN)
    other = checkin(run, 2, "13700001111")
    result = run("pickup", a["pickup_code"], "--confirm", a["waybill"], "--confirm", other["waybill"])
    assert result.exit_code == 1
    assert other["waybill"] in result.output and other["pickup_code"] in result.output
    assert set(statuses(db_url).values()) == {"on_shelf"}


def test_nothing_found_exits_non_zero(run) -> None:  # type: ignore[no-untyped-def]
    result = run("pickup", "8-5-9999", "--json")
    assert result.exit_code == 1
    assert json.loads(result.output.splitlines()[0])["error"] == "not_found"


def test_undo_pickup_needs_a_manager(run, db_url: str) -> None:  # type: ignore[no-untyped-def]
    a = checkin(run, 1, ANN)
    assert run("pickup", a["pickup_code"], "--confirm", a["waybill"]).exit_code == 0
    add_clerk(db_url, "li", Role.CLERK)
    add_clerk(db_url, "wang", Role.MANAGER)
    refused = run("--clerk", "li", "--pin", PIN, "undo-pickup", a["waybill"])
    assert refused.exit_code == 1 and "manager" in refused.output
    assert statuses(db_url)[a["waybill"]] == "picked_up"
    result = run("--clerk", "wang", "--pin", PIN, "undo-pickup", a["waybill"])
    assert result.exit_code == 0, result.output
    assert statuses(db_url)[a["waybill"]] == "on_shelf"


def add_zhang_san(run):  # type: ignore[no-untyped-def]
    """张三 in the directory with a home and a work phone (the manager adds him): (home, work)."""
    home, work = "13812341111", "13998762222"
    added = run(
        "--clerk",
        "Boss",
        "--pin",
        "2580",
        "recipients",
        "add",
        "--set",
        "name=张三",
        "--set",
        f"phones={home} / {work}",
    )
    assert added.exit_code == 0, added.output
    return home, work


def test_the_tail_of_a_directory_persons_other_phone_finds_and_hands_over(  # type: ignore[no-untyped-def]
    run, db_url: str
) -> None:
    home, work = add_zhang_san(run)
    a = checkin(run, 1, home)  # linked to the person by its phone
    listed = run("pickup", "2222", "--json")
    assert listed.exit_code == 0, listed.output
    assert [p["waybill"] for p in json.loads(listed.output)["parcels"]] == [a["waybill"]]
    assert home not in listed.output and work not in listed.output
    result = run("pickup", "2222", "--confirm", a["waybill"])
    assert result.exit_code == 0, result.output
    assert statuses(db_url) == {a["waybill"]: "picked_up"}


def test_a_directory_persons_other_full_phone_or_a_code_lists_all_their_parcels(  # type: ignore[no-untyped-def]
    run, db_url: str
) -> None:
    home, work = add_zhang_san(run)
    a, b = checkin(run, 1, home), checkin(run, 2, work)  # both linked to the person by their phones
    stranger = checkin(run, 3, "13700002222")  # shares the work phone's tail, not the person
    listed = run("pickup", work, "--json")  # the number the first parcel did not come with
    assert listed.exit_code == 0, listed.output
    assert sorted(p["waybill"] for p in json.loads(listed.output)["parcels"]) == sorted(
        [a["waybill"], b["waybill"]]
    )
    assert home not in listed.output and work not in listed.output
    listed = run("pickup", a["pickup_code"])  # a code brings the parcel of their other phone: one customer
    assert listed.exit_code == 0, listed.output
    assert "Customer 138****1111 / 139****2222: 2 parcels" in listed.output
    assert b["waybill"] in listed.output and stranger["waybill"] not in listed.output
    result = run("pickup", a["pickup_code"], "--confirm", a["waybill"], "--confirm", b["waybill"])
    assert result.exit_code == 0, result.output
    assert statuses(db_url) == {
        a["waybill"]: "picked_up",
        b["waybill"]: "picked_up",
        stranger["waybill"]: "on_shelf",
    }


def test_a_directory_persons_listing_names_each_phone_their_parcels_came_with(  # type: ignore[no-untyped-def]
    run, db_url: str
) -> None:
    """The customer's line named the first parcel's phone alone: asked for by their work phone's tail,
    the person read as someone with their home phone, the number they gave nowhere in the listing."""
    home, work = add_zhang_san(run)
    checkin(run, 1, home)
    checkin(run, 2, work)
    listed = run("pickup", "2222")
    assert listed.exit_code == 0, listed.output
    assert "Customer 138****1111 / 139****2222: 2 parcels" in listed.output, listed.output
    assert home not in listed.output and work not in listed.output
