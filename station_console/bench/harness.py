"""`station bench`: every hot path on one dataset, beside its raw floor, against its goal.

`run_all` returns one dict per path (`p50_ms`, `p99_ms`, `floor_p50_ms` where a floor applies,
`ratio` = p50 over the floor's p50, plus `samples`, `goal` and `met`); `render_table` prints it.
The measured functions live in the sibling modules; this module only wires, counts and judges.
"""

from __future__ import annotations

import asyncio
import os
import tempfile
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from station_console.bench import checkin, detect, handover, pickup, recipients, report
from station_console.bench.concurrency import measure_concurrent_checkins
from station_console.bench.dataset import FULL, QUICK, Dataset, Scale, act_as_bench_clerk, working_copy
from station_console.bench.scan_watch import ScanWatch
from station_console.bench.startup import measure_startup
from station_console.i18n import N_, _
from station_console.services.admin.setup import open_station
from station_console.services.core.station import Station

Result = dict[str, Any]
Progress = Callable[[str], None]


@dataclass(frozen=True)
class Samples:
    checkin: int = 2000
    pickup: int = 1000  # each hands over a parcel: the shelves hold 5,000 (and the timed check-ins)
    lookup: int = 5000
    report: int = 10
    detect: int = 200_000
    startup: int = 5
    startup_warm: bool = True  # unmeasured starts first, bytecode in a folder of the run's own
    scan_to_screen: int = 40
    recipients_import: int = 3
    recipients_rows: int = 20_000  # the directory size


FULL_SAMPLES = Samples()
QUICK_SAMPLES = Samples(
    checkin=300,
    pickup=300,
    lookup=1000,
    report=5,
    detect=50_000,
    startup=2,
    scan_to_screen=15,
    recipients_import=1,
)
TINY_SAMPLES = Samples(
    checkin=20,
    pickup=20,
    lookup=50,
    report=2,
    detect=2000,
    startup=1,
    startup_warm=False,  # four interpreter starts were most of the harness test's time; two prove the wiring
    scan_to_screen=3,
    recipients_import=1,
    recipients_rows=500,
)

# Goals from the issues: (text for the table, test on the result).
GOALS: dict[str, tuple[str, Callable[[Result], bool]]] = {
    "checkin": (N_("ratio <= 3, p99 < 5 ms"), lambda r: r["ratio"] <= 3 and r["p99_ms"] < 5),
    "pickup": (
        N_("same writes <= 3x, p99 < 5 ms"),
        lambda r: r["same_writes_ratio"] <= 3 and r["p99_ms"] < 5,
    ),
    "lookup_code": (N_("p99 < 1 ms"), lambda r: r["p99_ms"] < 1),
    "lookup_phone": (N_("p99 < 1 ms"), lambda r: r["p99_ms"] < 1),
    "report": (N_("p99 < 200 ms"), lambda r: r["p99_ms"] < 200),
    "detect": (N_(">= 100,000/s"), lambda r: r["per_second"] >= 100_000),
    "startup": (N_("p50 < 600 ms"), lambda r: r["p50_ms"] < 600),
    "scan_to_screen": (N_("p99 < 100 ms, 1 scan/300 ms, printing"), lambda r: r["p99_ms"] < 100),
    "concurrency": (
        N_("4 counters faster than 2"),
        lambda r: r["per_second"]["4"] > r["per_second"]["2"] > r["per_second"]["1"],
    ),
    "recipients_import": (N_("20,000 rows < 2 s"), lambda r: r["p50_ms"] < 2000),
}


def percentiles(latencies_ms: Sequence[float]) -> dict[str, float]:
    """p50 and p99 (nearest rank) of latencies in milliseconds."""
    if not latencies_ms:
        raise ValueError("no samples")
    ordered = sorted(latencies_ms)
    n = len(ordered)
    return {"p50_ms": ordered[(n - 1) // 2], "p99_ms": ordered[min(n - 1, -(-99 * n // 100) - 1)]}


def figure(
    name: str, latencies_ms: Sequence[float], floor_ms: Sequence[float] | None = None, **extra: Any
) -> Result:
    """One row: percentiles, the floor and the ratio, and whether the goal is met."""
    row: Result = {**percentiles(latencies_ms), "samples": len(latencies_ms)}
    if floor_ms:
        floor = percentiles(floor_ms)
        row["floor_p50_ms"] = floor["p50_ms"]
        row["floor_p99_ms"] = floor["p99_ms"]
        row["ratio"] = row["p50_ms"] / floor["p50_ms"] if floor["p50_ms"] > 0 else None
    row.update(extra)
    goal, met = GOALS.get(name, ("", lambda r: True))
    row["goal"] = goal
    try:
        row["met"] = bool(met(row))
    except (KeyError, TypeError):
        row["met"] = None
    return row


def _ms(seconds: Sequence[float]) -> list[float]:
    return [s * 1000 for s in seconds]


def run_all(
    *,
    quick: bool = False,
    scale: Scale | None = None,
    samples: Samples | None = None,
    workdir: Path | None = None,
    cache: Path | None = None,
    rebuild: bool = False,
    progress: Progress | None = None,
    with_console: bool = True,
    only: Collection[str] = (),
) -> dict[str, Result]:
    """Build (or reuse) the dataset, run every path (or those named in `only`) on a working copy of it,
    return the figures."""
    say = progress or (lambda _msg: None)

    def wanted(*paths: str) -> bool:
        return not only or any(path in only for path in paths)

    scale = scale or (QUICK if quick else FULL)
    samples = samples or (QUICK_SAMPLES if quick else FULL_SAMPLES)
    with tempfile.TemporaryDirectory(dir=workdir) as tmp:
        say(_("Preparing {n} parcels of data", n=f"{scale.parcels:,}"))
        data = working_copy(scale, Path(tmp) / "bench.sqlite3", cache=cache, rebuild=rebuild)
        path = str(data.path)
        station = act_as_bench_clerk(open_station(data.url, counter="bench"))
        out: dict[str, Result] = {}
        try:
            if wanted("lookup", "lookup_code", "lookup_phone"):
                _lookups(station, path, samples, out, say)
            if wanted("report"):
                say(_("Measuring {path}", path="report"))
                out["report"] = figure(
                    "report",
                    report.measure_report(station, data.day, samples.report),
                    report.floor_aggregate(path, data.day, samples.report),
                    day=data.day.isoformat(),
                )
            if wanted("checkin"):
                _checkin(station, path, samples, out, say)
            if wanted("pickup"):  # after the check-ins: their parcels are on the shelves to hand over too
                _pickup(station, path, samples, out, say)
        finally:
            station.engine.dispose()
        if wanted("recipients_import"):
            _recipients(Path(tmp), samples, out, say)
        if wanted("detect"):
            say(_("Measuring {path}", path="detect"))
            found = detect.bench_detect(samples.detect)
            out["detect"] = {
                **figure("detect", [found["p50_ms"]], per_second=found["per_second"]),
                "p50_ms": found["p50_ms"],
                "p99_ms": found["p99_ms"],
                "samples": samples.detect,
            }
        if with_console and wanted("startup"):
            say(_("Measuring {path}", path="startup"))
            ready_s, open_s, floor_s = measure_startup(data.url, samples.startup, warm=samples.startup_warm)
            out["startup"] = figure(
                "startup", _ms(ready_s), _ms(floor_s), open_p50_ms=percentiles(_ms(open_s))["p50_ms"]
            )
        if with_console and wanted("scan_to_screen"):
            say(_("Measuring {path}", path="scan_to_screen"))
            watch = ScanWatch()
            latencies = asyncio.run(
                checkin.measure_scan_to_screen(samples.scan_to_screen, sqlite_path=path, watch=watch)
            )
            out["scan_to_screen"] = figure(
                "scan_to_screen",
                _ms(latencies) or [float("nan")],
                asked=samples.scan_to_screen,
                # The slowest scans beside what else ran then (in --json): checkpoints, collections.
                **watch.summary(latencies, warm=checkin.WARM_SCANS, every_s=checkin.SCAN_EVERY_S),
            )
    concurrency = _concurrency(say) if wanted("concurrency") else None
    if concurrency is not None:
        out["concurrency"] = concurrency
    return out


def _lookups(station: Station, path: str, samples: Samples, out: dict[str, Result], say: Progress) -> None:
    say(_("Measuring {path}", path="lookup"))
    out["lookup_code"] = figure(
        "lookup_code",
        pickup.measure_lookup_code(station, samples.lookup),
        pickup.floor_select_code(path, samples.lookup),
    )
    out["lookup_phone"] = figure(
        "lookup_phone",
        pickup.measure_lookup_phone(station, samples.lookup),
        pickup.floor_select_tail(path, samples.lookup),
    )


def _checkin(station: Station, path: str, samples: Samples, out: dict[str, Result], say: Progress) -> None:
    say(_("Measuring {path}", path="checkin"))
    # In turns with both floors, so all three see the same disk (and the same checkpoints).
    checkin_s, single_s, same_s = checkin.measure_checkin_beside_floors(station, path, samples.checkin)
    checkin_ms = _ms(checkin_s)
    out["checkin"] = figure(
        "checkin",
        checkin_ms,
        _ms(single_s),
        # The floor is one committed row; this one does the check-in's own statements raw.
        **_same_writes(checkin_ms, _ms(same_s)),
        # What each commit's fsync carries: the check-in's rows and their index pages against one row.
        wal_pages_per_commit=checkin.wal_pages_per_commit(station, path),
        # And which tables and indexes those pages belong to (in --json).
        wal_pages_by_btree=checkin.checkin_pages_by_btree(station, path),
        # The same-writes floor's, to be read beside them: the same work, so the same pages.
        same_writes_wal_pages_by_btree=checkin.same_writes_pages_by_btree(path),
    )


def _pickup(station: Station, path: str, samples: Samples, out: dict[str, Result], say: Progress) -> None:
    say(_("Measuring {path}", path="pickup"))
    # In turns with both floors, as the check-in: the same disk for all three.
    pickup_s, single_s, same_s = handover.measure_handover_beside_floors(station, path, samples.pickup)
    pages = handover.pages_by_btree_beside_floor(station, path)
    out["pickup"] = figure(
        "pickup",
        _ms(pickup_s),
        _ms(single_s),
        **_same_writes(_ms(pickup_s), _ms(same_s)),
        # Which tables and indexes each commit's pages belong to (in --json), the floor's beside them.
        wal_pages_by_btree=pages["pickup"],
        same_writes_wal_pages_by_btree=pages["same_writes"],
    )


def _same_writes(measured_ms: list[float], same_ms: list[float]) -> Result:
    """The floor doing the path's own statements raw, and the path's p50 over it."""
    same_writes = percentiles(same_ms)["p50_ms"]
    return {
        "same_writes_floor_p50_ms": same_writes,
        "same_writes_ratio": percentiles(measured_ms)["p50_ms"] / same_writes if same_writes else None,
        "same_writes_floor_p99_ms": percentiles(same_ms)["p99_ms"],
    }


def _recipients(tmp: Path, samples: Samples, out: dict[str, Result], say: Progress) -> None:
    say(_("Measuring {path}", path="recipients_import"))
    # The import's one commit is fsynced: it must not be charged for the gigabyte of working copy
    # and check-ins this run has just written and the disk has not yet taken.
    os.sync()
    imports = recipients.bench_import(samples.recipients_import, count=samples.recipients_rows, workdir=tmp)
    out["recipients_import"] = figure(
        "recipients_import",
        _ms(imports["first"]),
        again_p50_ms=percentiles(_ms(imports["again"]))["p50_ms"],
        xlsx_p50_ms=percentiles(_ms(imports["xlsx"]))["p50_ms"],
        rows=samples.recipients_rows,
    )


def _concurrency(say: Progress) -> Result | None:
    """Check-ins per second with 1, 2, 4 counters, only when $STATION_BENCH_PG names a scratch database."""
    url = os.environ.get("STATION_BENCH_PG")
    if not url:
        return None

    say(_("Measuring {path}", path="concurrency"))
    rates = {str(n): measure_concurrent_checkins(url, n, 200) for n in (1, 2, 4)}
    per_checkin = [1000 / rates["1"]] if rates["1"] else [float("nan")]
    return figure("concurrency", per_checkin, per_second=rates)


def _fmt(value: Any, digits: int = 3) -> str:
    if value is None:
        return "-"
    if isinstance(value, float):
        return f"{value:,.{digits}f}"
    return str(value)


ORDER = (
    "checkin",
    "pickup",
    "lookup_code",
    "lookup_phone",
    "report",
    "detect",
    "startup",
    "scan_to_screen",
    "recipients_import",
    "concurrency",
)


def render_table(results: dict[str, Result]) -> str:
    """A plain-text table: each path's figures, its floor and ratio, its goal and whether it is met."""
    head = [_("path"), "p50 ms", "p99 ms", _("floor p50 ms"), _("ratio"), _("other"), _("goal"), _("met")]
    rows = [head]
    for name in [n for n in ORDER if n in results]:
        r = results[name]
        other = ""
        if name == "detect":
            other = f"{r['per_second']:,.0f}/s"
        elif name in ("checkin", "pickup") and r.get("same_writes_ratio"):
            other = _(
                "same writes {ms} ms: {ratio}x",
                ms=_fmt(r["same_writes_floor_p50_ms"]),
                ratio=_fmt(r["same_writes_ratio"], 1),
            )
            pages = r.get("wal_pages_per_commit") or {}
            if "checkin" in pages and "single_row" in pages:
                other += "; " + _(
                    "{checkin} WAL pages a commit, floor {floor}",
                    checkin=_fmt(pages["checkin"], 0),
                    floor=_fmt(pages["single_row"], 0),
                )
        elif name == "startup" and r.get("open_p50_ms"):
            other = _("station open {ms} ms", ms=_fmt(r["open_p50_ms"], 0))
        elif name == "concurrency":
            other = " ".join(f"{k}:{v:,.0f}/s" for k, v in r["per_second"].items())
        elif name == "recipients_import":
            other = _(
                "again {again} ms, xlsx {xlsx} ms",
                again=_fmt(r["again_p50_ms"], 0),
                xlsx=_fmt(r["xlsx_p50_ms"], 0),
            )
        met = {True: _("yes"), False: _("NO"), None: "-"}[r.get("met")]
        rows.append(
            [
                name,
                _fmt(r["p50_ms"]),
                _fmt(r["p99_ms"]),
                _fmt(r.get("floor_p50_ms")),
                _fmt(r.get("ratio"), 1),
                other,
                _(r.get("goal", "")) if r.get("goal") else "",
                met,
            ]
        )
    widths = [max(len(row[i]) for row in rows) for i in range(len(head))]
    lines = [
        "  ".join(
            cell.ljust(w) if i in (0, 6) else cell.rjust(w)
            for i, (cell, w) in enumerate(zip(row, widths, strict=True))
        ).rstrip()
        for row in rows
    ]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)


def json_summary(results: dict[str, Result]) -> dict[str, Result]:
    """The `--json` object: every path with its figures (NaN becomes null)."""

    def clean(v: Any) -> Any:
        if isinstance(v, float) and v != v:
            return None
        if isinstance(v, dict):
            return {k: clean(x) for k, x in v.items()}
        return v

    return {name: clean(results[name]) for name in ORDER if name in results}


__all__ = [
    "Dataset",
    "FULL_SAMPLES",
    "QUICK_SAMPLES",
    "Samples",
    "figure",
    "json_summary",
    "percentiles",
    "render_table",
    "run_all",
]
