"""How fast carrier detection is over a realistic day of scans (goal: >= 100,000 per second)."""

from __future__ import annotations

import random
import time

from station_console.services.admin.setup import carrier_seed
from station_console.services.scan.checksums import gs1_mod10, s10_check_digit
from station_console.services.scan.detect import Detector


def _digits(rng: random.Random, n: int) -> str:
    return "".join(rng.choice("0123456789") for _ in range(n))


def sample_scans(count: int, seed: int = 7) -> list[str]:
    """Mostly Chinese domestic waybills, some international, some scanner noise and rejects."""
    rng = random.Random(seed)
    makers = [
        (20, lambda: "SF" + rng.choice("0123456789ABC") + _digits(rng, 12)),
        (15, lambda: rng.choice(["73", "75", "78"]) + _digits(rng, 12)),
        (12, lambda: "YT" + _digits(rng, 13)),
        (10, lambda: rng.choice(["77", "43"]) + _digits(rng, rng.randint(12, 15))),
        (12, lambda: rng.choice(["3", "4"]) + _digits(rng, 14)),
        (8, lambda: "JT" + _digits(rng, 13)),
        (6, lambda: "JDVA" + _digits(rng, 11)),
        (5, lambda: rng.choice("189") + _digits(rng, 12)),
        (3, lambda: "621" + _digits(rng, 12)),
        (2, lambda: "DPK" + _digits(rng, 12)),
        (2, lambda: (lambda s: f"EE{s}{s10_check_digit(s)}CN")(_digits(rng, 8))),
        (
            1,
            lambda: next(
                b + d for b in ["9400" + _digits(rng, 17)] for d in "0123456789" if gs1_mod10(b + d)
            ),
        ),
        (1, lambda: "1Z5R89390357567127"),
        (3, lambda: "]C1" + "SF1" + _digits(rng, 12) + "\r\n"),
        (2, lambda: "".join(chr(ord(c) + 0xFEE0) for c in "YT" + _digits(rng, 13))),
        (3, lambda: _digits(rng, rng.randint(3, 9))),  # a phone tail or a half scan: rejected
    ]
    weights = [w for w, _ in makers]
    return [rng.choices(makers, weights)[0][1]() for _ in range(count)]


def bench_detect(samples: int = 100_000) -> dict[str, float]:
    """Detections per second on one core, and per-scan latency percentiles in milliseconds."""
    detector = Detector.from_carriers(carrier_seed())
    scans = sample_scans(min(samples, 20_000))
    batches = [None, None, "SF", "ZTO"]
    detect = detector.detect
    timings: list[int] = []
    clock = time.perf_counter_ns
    started = clock()
    for i in range(samples):
        t0 = clock()
        detect(scans[i % len(scans)], batches[i % 4])
        timings.append(clock() - t0)
    elapsed = (clock() - started) / 1e9
    timings.sort()
    return {
        "p50_ms": timings[len(timings) // 2] / 1e6,
        "p99_ms": timings[min(len(timings) - 1, int(len(timings) * 0.99))] / 1e6,
        "per_second": samples / elapsed,
    }


if __name__ == "__main__":
    result = bench_detect()
    print(
        f"detect: {result['per_second']:,.0f}/s  p50 {result['p50_ms']:.4f} ms  p99 {result['p99_ms']:.4f} ms"
    )
