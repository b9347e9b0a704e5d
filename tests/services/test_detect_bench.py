"""The detection benchmark runs and detection stays far off the scan path's budget."""

from __future__ import annotations

from station_console.bench.detect import bench_detect, sample_scans
from station_console.services.admin.setup import carrier_seed
from station_console.services.scan.detect import Detector


def test_the_sample_is_a_realistic_mix() -> None:
    detector = Detector.from_carriers(carrier_seed())
    results = [detector.detect(raw) for raw in sample_scans(2000)]
    carriers = {r.best.carrier for r in results if r.best}
    assert {"SF", "ZTO", "YTO", "STO", "YUNDA", "JT", "JD", "EMS", "UPS", "USPS"} <= carriers
    assert 0 < sum(r.error is not None for r in results) < 200


def test_bench_reports_rate_and_latency() -> None:
    result = bench_detect(20_000)
    assert set(result) == {"p50_ms", "p99_ms", "per_second"}
    assert 0 < result["p50_ms"] <= result["p99_ms"]
    # The goal is 100,000/s on an idle core; the bound is loose for a busy CI box, yet a database query or
    # a regex recompile per scan (hundreds of microseconds) would still fail it.
    assert result["per_second"] > 10_000
    assert result["p50_ms"] < 0.1
