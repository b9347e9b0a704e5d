"""The codes a clerk reads in `station pickup`, `overdue`, `problems`, `parcel` and `search` (an age band,
a problem's kind, a parcel's state) by their labels, in English and in Chinese; data (waybills, a
clerk's note) as it is."""

from __future__ import annotations

from datetime import timedelta

import pytest
from click.testing import CliRunner
from conftest import FakeClock
from station_helpers import act_as_new_clerk

from db.models import Role
from station_console.cli import cli
from station_console.services.admin.setup import open_station
from station_console.services.checkin.transaction import check_in
from station_console.services.exceptions.problems import mark

WAYBILL = "73" + "1" * 12


@pytest.fixture
def code(db_url: str, clock: FakeClock) -> str:
    station = open_station(db_url)
    act_as_new_clerk(station, "Li", Role.CLERK, "2580")
    station.clock = lambda: clock.now - timedelta(hours=80)  # red: past 72 hours
    done = check_in(station, WAYBILL, batch="ZTO", phone="13812345678")
    mark(station, WAYBILL, "damaged", "box wet")
    station.engine.dispose()
    return done.pickup_code


@pytest.mark.parametrize(
    ("lang", "band", "kind", "state", "raw"),
    [
        ("en", "red", "damaged", "on shelf", ["on_shelf"]),
        ("zh", "红色预警", "破损", "在架", ["on_shelf", "red", "damaged", "ok"]),
    ],
)
def test_bands_problems_and_states_by_their_labels(
    db_url: str, code: str, lang: str, band: str, kind: str, state: str, raw: list[str]
) -> None:
    def run(*args: str) -> str:
        result = CliRunner().invoke(cli, ["--db", db_url, "--lang", lang, *args], catch_exceptions=False)
        assert result.exit_code == 0, result.output
        return result.output

    outputs = {
        "pickup": run("pickup", code),
        "overdue": run("overdue"),
        "problems": run("problems"),
        "parcel": run("parcel", code).splitlines()[0],
        "search": run("search", WAYBILL),
    }
    assert outputs["pickup"].splitlines()[1].endswith(f"  {band}  ! {kind}")  # its flag after its band
    assert outputs["overdue"].startswith(band) and WAYBILL in outputs["overdue"]
    assert f" {kind} " in outputs["problems"] and outputs["problems"].rstrip().endswith("box wet")
    for name in ("parcel", "search"):
        assert f" {state} " in outputs[name] and outputs[name].rstrip().endswith(f"[!{kind}]"), outputs[name]
    for name, text in outputs.items():
        assert not set(raw) & set(text.replace("[!", " ").replace("]", " ").split()), (name, text)


def test_a_return_batch_state_by_its_label(db_url: str, code: str) -> None:
    from station_console.services.exceptions import returns

    station = open_station(db_url)
    act_as_new_clerk(station, "Wu", Role.CLERK, "2580")
    batch = returns.open_batch(station, "ZTO").id
    number = f"RB{batch:06d}"  # as its manifest prints it
    station.engine.dispose()

    def run(lang: str, *args: str) -> str:
        result = CliRunner().invoke(cli, ["--db", db_url, "--lang", lang, *args], catch_exceptions=False)
        assert result.exit_code == 0, result.output
        return result.output

    assert run("en", "returns", "list") == f"Return batch {number}  ZTO  open  0 parcels\n"
    assert run("zh", "returns", "list") == f"退回批次 {number}  ZTO  进行中  0 件\n"
    assert run("zh", "returns", "show", str(batch)).startswith(f"退回批次 {number}  ZTO  进行中")
