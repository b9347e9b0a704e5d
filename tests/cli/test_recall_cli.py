"""A recalled parcel at the command line: `station pickup ... --override-recall REASON` is a manager's
alone, and a refusal changes nothing; `station returns add ... --recalled --note WHO` flags it with who
asked for it back and puts it in the batch in one step."""

from __future__ import annotations

import json

from sqlmodel import select

from cli.conftest import AS_MANAGER
from db.models import EventKind, Parcel, ParcelEvent
from station_console.services.admin.setup import open_station

ANN = "13812345678"
WAYBILL = "73000000000001"


def stored(db_url: str) -> tuple[Parcel, list[str]]:
    station = open_station(db_url)
    try:
        with station.read() as session:
            parcel = session.exec(select(Parcel).where(Parcel.waybill == WAYBILL)).one()
            kinds = [
                e.kind for e in session.exec(select(ParcelEvent).where(ParcelEvent.parcel_id == parcel.id))
            ]
            return parcel, kinds
    finally:
        station.engine.dispose()


def test_only_a_managers_override_hands_over_a_recalled_parcel(run, db_url: str) -> None:  # type: ignore[no-untyped-def]
    code = json.loads(run("checkin", WAYBILL, "--phone", ANN, "--json").output)["pickup_code"]
    assert run("problem", WAYBILL, "--kind", "recalled", "--note", "sender asked").exit_code == 0
    listed = run("pickup", code)
    assert (
        "was recalled by its carrier or sender on" in listed.stderr
        and "Do not hand it over." in listed.stderr
    )
    before = stored(db_url)
    plain = run("pickup", code, "--confirm", WAYBILL)
    assert (
        plain.exit_code == 1 and "it goes back, not to the customer. Nothing was handed over." in plain.stderr
    )
    clerk = run("pickup", code, "--confirm", WAYBILL, "--override-recall", "sender called it off")
    assert clerk.exit_code != 0 and "manager" in clerk.stderr
    after = stored(db_url)
    assert (after[0].status, after[0].pickup_code, after[1]) == ("on_shelf", code, before[1])
    assert EventKind.PICKED_UP not in after[1]
    done = run(*AS_MANAGER, "pickup", code, "--confirm", WAYBILL, "--override-recall", "sender called it off")
    assert done.exit_code == 0, done.output
    parcel, kinds = stored(db_url)
    assert parcel.status == "picked_up" and kinds.count(EventKind.PICKED_UP) == 1


def test_returns_add_recalled_records_who_asked_for_it_back(run, db_url: str) -> None:  # type: ignore[no-untyped-def]
    run("checkin", WAYBILL, "--phone", ANN, "--json")
    batch = json.loads(run("returns", "open", "ZTO", "--json").output)["id"]
    alone = run("returns", "add", str(batch), WAYBILL, "--note", "寄件人 Li")
    assert alone.exit_code == 2 and "--note goes with --recalled." in alone.output
    assert stored(db_url)[0].return_batch_id is None and stored(db_url)[0].problem_kind is None
    fresh = run("returns", "add", str(batch), WAYBILL)
    assert fresh.exit_code == 1 and stored(db_url)[0].return_batch_id is None
    added = run("returns", "add", str(batch), WAYBILL, "--recalled", "--note", "寄件人 Li", "--json")
    assert added.exit_code == 0, added.output
    parcel, kinds = stored(db_url)
    assert (parcel.problem_kind, parcel.problem_note, parcel.return_batch_id) == (
        "recalled",
        "寄件人 Li",
        batch,
    )
    assert EventKind.PROBLEM_MARKED in kinds and EventKind.RETURN_BATCH_ADDED in kinds
