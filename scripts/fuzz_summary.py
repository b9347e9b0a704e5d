"""What one run of the console fuzzer (scripts/fuzz_console.py) reached, printed as it ends: its keys,
the weighty questions answered, what it wrote, Pickup's lookups, the handover's acknowledged scans, the
screens seen, the keys spent at the sign-in and the notes of a quiet console."""

from __future__ import annotations

from typing import Any


def print_run(seed: int, setup: str, outcome: Any, took: float) -> None:
    """`outcome`: fuzz_console.py's Outcome (a script's class, not importable from here)."""
    print(f"seed {seed} {setup}: {outcome.keys} keys in {took:.0f} s", flush=True)
    print(f"  seed {seed} weighty questions answered: {outcome.weighty or 'none'}", flush=True)
    print(f"  seed {seed} written: {outcome.written or 'nothing'}", flush=True)
    print(f"  seed {seed} pickup lookups: {outcome.lookups}", flush=True)
    print(f"  seed {seed} handover acknowledged: {outcome.handover}", flush=True)
    print(f"  seed {seed} screens seen ({len(outcome.screens)}): {' '.join(sorted(outcome.screens))}")
    locked = outcome.locked
    print(
        f"  seed {seed} keys at the sign-in: {locked.keys} of {outcome.keys}"
        f" ({locked.locks} signed out or locked, {locked.hostile_locks} met with random keys)",
        flush=True,
    )
    for note, count in sorted(outcome.notes.items()):
        print(f"  seed {seed} note (seen {count} times): {note}", flush=True)
