"""The benchmark harness on a tiny dataset: the dataset is consistent, the JSON has every path and shape."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest
from click.testing import CliRunner

from station_console.bench import harness
from station_console.bench.dataset import Scale, cached, working_copy
from station_console.cli import cli
from station_console.commands import bench as bench_command

TINY = Scale(parcels=3000, on_shelf=300, day=600, history_days=10)
PATHS = {
    "checkin",
    "pickup",
    "lookup_code",
    "lookup_phone",
    "report",
    "detect",
    "startup",
    "scan_to_screen",
    "recipients_import",
}
FLOORED = {"checkin", "pickup", "lookup_code", "lookup_phone", "report", "startup"}


@pytest.fixture(scope="module")
def dataset_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One cache of the TINY dataset for the tests that run the harness (each run measures on a working
    copy, so they share it); building it is `test_dataset_is_consistent_and_cached`'s own business."""
    return tmp_path_factory.mktemp("bench-cache")


def test_dataset_is_consistent_and_cached(tmp_path: Path) -> None:
    data = cached(TINY, cache=tmp_path)
    con = sqlite3.connect(data.path)
    status = dict(con.execute("SELECT status, count(*) FROM parcel GROUP BY status").fetchall())
    assert sum(status.values()) == 3000 and status["on_shelf"] == 300
    assert (
        con.execute("SELECT count(*) FROM parcel WHERE business_day = ?", (data.day.isoformat(),)).fetchone()[
            0
        ]
        == 600
    )
    # Layer counters are what the shelf parcels imply; codes on the shelves are unique.
    assert con.execute(
        "SELECT count(*) FROM layer l WHERE used_units != (SELECT ifnull(sum(CASE size WHEN 'S' THEN 1 WHEN 'M' "
        "THEN 2 ELSE 4 END), 0) FROM parcel p WHERE p.layer_id = l.id AND status = 'on_shelf') OR parcel_count != "
        "(SELECT count(*) FROM parcel p WHERE p.layer_id = l.id AND status = 'on_shelf')"
    ).fetchone() == (0,)
    assert con.execute(
        "SELECT count(DISTINCT pickup_code) FROM parcel WHERE status = 'on_shelf'"
    ).fetchone() == (300,)
    # Every parcel has its check-in event, every one that left its exit event; shelf parcels a label job.
    assert con.execute("SELECT count(*) FROM parcel_event WHERE kind = 'checked_in'").fetchone() == (3000,)
    assert con.execute("SELECT count(*) FROM parcel_event WHERE kind != 'checked_in'").fetchone() == (2700,)
    assert con.execute("SELECT count(*) FROM print_job").fetchone() == (300,)
    # The days before the report day are closed, each with its check-ins for the forecast.
    closes = con.execute("SELECT business_day, checkins FROM day_close ORDER BY business_day").fetchall()
    assert closes and all(day < data.day.isoformat() for day, _ in closes)
    assert sum(sum(json.loads(counts).values()) for _, counts in closes) == 3000 - 600
    assert con.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    con.close()
    built = data.path.stat().st_mtime_ns
    again = working_copy(TINY, tmp_path / "run" / "copy.sqlite3", cache=tmp_path)
    assert data.path.stat().st_mtime_ns == built  # reused, not rebuilt
    assert again.day == data.day and again.path.read_bytes()[:16] == b"SQLite format 3\x00"


def test_harness_json_has_every_path_with_its_figures(tmp_path: Path, dataset_cache: Path) -> None:
    results = harness.run_all(scale=TINY, samples=harness.TINY_SAMPLES, cache=dataset_cache, workdir=tmp_path)
    summary = json.loads(json.dumps(harness.json_summary(results)))
    assert set(summary) == PATHS
    for name, row in summary.items():
        assert row["p50_ms"] > 0 and row["p99_ms"] >= row["p50_ms"], name
        assert isinstance(row["met"], bool), name
        if name in FLOORED:
            assert row["floor_p50_ms"] > 0
            assert row["ratio"] == pytest.approx(row["p50_ms"] / row["floor_p50_ms"])
        else:
            assert "floor_p50_ms" not in row
    assert summary["detect"]["per_second"] > 1000
    assert summary["checkin"]["samples"] == harness.TINY_SAMPLES.checkin
    # The fsync's load: a check-in's rows and index pages, against the single row's one page (and its
    # commit record), and the same-writes floor close to the check-in's own.
    pages = summary["checkin"]["wal_pages_per_commit"]
    assert 1 <= pages["single_row"] < 2 < 10 < pages["same_writes"] <= pages["checkin"] + 4
    # Those pages by table and index: the parcel's row and its on-shelf entries among them.
    by_btree = summary["checkin"]["wal_pages_by_btree"]
    assert by_btree["parcel"] >= 1 and by_btree["uq_parcel_waybill_on_shelf"] >= 1
    # The same-writes floor's: a parcel put on the shelves with its code, as a check-in's.
    floor_btrees = summary["checkin"]["same_writes_wal_pages_by_btree"]
    assert floor_btrees["uq_parcel_code_on_shelf"] >= 1 and floor_btrees["ix_layer_pick"] >= 1
    # The handover: every sample a parcel handed over, beside both floors, against its goal.
    handed = summary["pickup"]
    assert handed["samples"] == harness.TINY_SAMPLES.pickup
    assert handed["same_writes_floor_p50_ms"] > 0 and handed["same_writes_floor_p99_ms"] > 0
    assert handed["same_writes_ratio"] == pytest.approx(handed["p50_ms"] / handed["same_writes_floor_p50_ms"])
    assert handed["goal"] == "same writes <= 3x, p99 < 5 ms"
    # Start-up: to the first key the sign-in takes, and on to the station open (which comes later).
    assert summary["startup"]["open_p50_ms"] >= summary["startup"]["p50_ms"]
    table = harness.render_table(results)
    assert all(name in table for name in PATHS) and "p99 < 1 ms" in table


def test_only_the_named_paths_are_measured(tmp_path: Path, dataset_cache: Path) -> None:
    results = harness.run_all(
        scale=TINY, samples=harness.TINY_SAMPLES, cache=dataset_cache, workdir=tmp_path, only=("report",)
    )
    assert set(results) == {"report"} and results["report"]["floor_p50_ms"] > 0
    # --only offers every path ("lookup" for both lookups), and no other
    assert set(bench_command.PATHS) == set(harness.ORDER) | {"lookup"}


def test_percentiles_nearest_rank() -> None:
    values = [float(v) for v in range(1, 101)]
    assert harness.percentiles(values) == {"p50_ms": 50.0, "p99_ms": 99.0}
    assert harness.percentiles([3.0]) == {"p50_ms": 3.0, "p99_ms": 3.0}
    row = harness.figure("checkin", [4.0, 4.0, 4.0], [2.0, 2.0])
    assert row["ratio"] == 2.0 and row["met"] is True
    assert harness.figure("checkin", [7.0], [2.0])["met"] is False  # ratio 3.5


def test_cli_prints_json_or_table(monkeypatch: pytest.MonkeyPatch) -> None:
    canned = {
        "checkin": harness.figure("checkin", [1.0, 2.0], [0.5]),
        "detect": {**harness.figure("detect", [0.01], per_second=150_000.0), "p99_ms": 0.02},
    }
    seen: dict[str, object] = {}

    def fake_run_all(**kwargs: object) -> dict[str, harness.Result]:
        seen.update(kwargs)
        return canned

    monkeypatch.setattr(harness, "run_all", fake_run_all)
    out = CliRunner().invoke(cli, ["bench", "--quick", "--json"])
    assert out.exit_code == 0, out.output
    assert json.loads(out.stdout)["checkin"]["ratio"] == 2.0 and seen["quick"] is True
    out = CliRunner().invoke(cli, ["bench"])
    assert "150,000/s" in out.stdout and "checkin" in out.stdout and seen["quick"] is False
    assert seen["only"] == ()
    out = CliRunner().invoke(cli, ["bench", "--only", "report", "--only", "checkin"])
    assert out.exit_code == 0 and seen["only"] == ("report", "checkin")
    assert CliRunner().invoke(cli, ["bench", "--only", "nothing"]).exit_code != 0


def test_only_runs_the_paths_named(tmp_path: Path, dataset_cache: Path) -> None:
    results = harness.run_all(
        scale=TINY,
        samples=harness.TINY_SAMPLES,
        cache=dataset_cache,
        workdir=tmp_path,
        only=("detect", "report"),
    )
    assert set(results) == {"detect", "report"}


def test_only_measures_the_paths_asked(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, dataset_cache: Path
) -> None:
    seen: dict[str, object] = {}

    def fake_run_all(**kwargs: object) -> dict[str, harness.Result]:
        seen.update(kwargs)
        return {"checkin": harness.figure("checkin", [1.0], [0.5])}

    monkeypatch.setattr(harness, "run_all", fake_run_all)
    out = CliRunner().invoke(cli, ["bench", "--quick", "--only", "checkin"])
    assert out.exit_code == 0, out.output
    assert seen["only"] == ("checkin",) and seen["quick"] is True
    assert CliRunner().invoke(cli, ["bench", "--only", "nothing"]).exit_code != 0
    monkeypatch.undo()

    results = harness.run_all(
        scale=TINY,
        samples=harness.TINY_SAMPLES,
        cache=dataset_cache,
        workdir=tmp_path,
        only=frozenset({"checkin"}),
    )
    assert set(results) == {"checkin"} and results["checkin"]["samples"] == harness.TINY_SAMPLES.checkin


def test_scan_to_screen_measures_a_settled_console_and_lists_its_slowest_scans(
    tmp_path: Path, dataset_cache: Path
) -> None:
    results = harness.run_all(
        scale=TINY,
        samples=harness.TINY_SAMPLES,
        cache=dataset_cache,
        workdir=tmp_path,
        only=["scan_to_screen"],
    )
    scan = json.loads(json.dumps(harness.json_summary(results)))["scan_to_screen"]
    # As a `station` console once its first screen is drawn: what was loaded (Textual, the app, its
    # screens, some 200,000 objects here) is set aside, so a full collection in a scan walks only what
    # the console made since; left in, each one held a scan 65-120 ms in the full bench.
    assert scan["gc_objects_at_start"] < 5_000 < scan["gc_frozen_at_start"]
    slowest = scan["slowest_scans"]
    assert len(slowest) == min(3, scan["samples"]) and slowest[0]["ms"] == pytest.approx(
        scan["p99_ms"], abs=0.01
    )
    assert scan["wal_at_start"]["run_frames"] <= scan["wal_at_start"]["file_frames"]
    # What each slow scan's check-in write waited on: the lock at its BEGIN, its commit (scan_watch).
    for row in slowest:
        assert isinstance(row["begin_wait_ms"], float) and isinstance(row["commit_ms"], float)
        assert row["attempts"] == 1 and isinstance(row["others_writing"], list)
    assert scan["writes_by_thread"]["checkin_0"]["count"] >= scan["samples"]
    assert all(isinstance(w["held_ms"], float) for w in scan["longest_writes"])
