"""What one run of the console fuzzer (scripts/fuzz_console.py) reached, printed as it ends: its keys,
the weighty questions answered, what it wrote, Pickup's lookups, the handover's acknowledged scans, the
screens seen, the keys spent at the sign-in (and their share of the run), the flows a focus is meant
to reach, counted from the run's database (`flows_reached`), and the notes of a quiet console."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

# The flows the focuses are meant to reach, each counted by its writes in the run's copy: (name, the
# parcel_event kind, a condition on its JSON details or None). A flow never reached reads 0.
FLOWS: list[tuple[str, str, str | None]] = [
    ("refunds", "send_refunded", None),
    ("handover closes", "handover_closed", None),
    ("return batches closed", "returned", None),  # each parcel of a batch, at the close's one time
    ("consents", "consent_recorded", None),
    ("door requests", "door_requested", None),
    ("door runs planned", "delivery_run_changed", "json_extract(details, '$.change') = 'planned'"),
    ("door runs closed", "delivery_run_changed", "json_extract(details, '$.change') = 'closed'"),
    ("out to the door", "out_for_delivery", None),
    ("delivered at the door", "picked_up", "json_extract(details, '$.method') = 'door'"),
    ("not delivered", "delivery_failed", None),
    ("proxy pickups", "picked_up", "json_extract(details, '$.proxy') IS NOT NULL"),
    ("fees paid", "fee_paid", None),
    ("fees waived", "fee_waived", None),
]


def flows_reached(database: Path, since: int) -> str:
    """Each flow of `FLOWS` by its transactions since event `since` (one pickup of three parcels is one)."""
    counts = []
    with sqlite3.connect(database) as db:
        for name, kind, condition in FLOWS:
            where = f" AND {condition}" if condition else ""
            (n,) = db.execute(
                f"SELECT count(DISTINCT at) FROM parcel_event WHERE id > ? AND kind = ?{where}",  # noqa: S608
                (since, kind),
            ).fetchone()
            counts.append(f"{name} {n}")
    return ", ".join(counts)


def print_run(seed: int, setup: str, outcome: Any, took: float) -> None:
    """`outcome`: fuzz_outcome.py's Outcome."""
    print(f"seed {seed} {setup}: {outcome.keys} keys in {took:.0f} s", flush=True)
    print(f"  seed {seed} weighty questions answered: {outcome.weighty or 'none'}", flush=True)
    print(f"  seed {seed} written: {outcome.written or 'nothing'}", flush=True)
    print(f"  seed {seed} flows reached: {outcome.reached or 'not counted'}", flush=True)
    print(f"  seed {seed} pickup lookups: {outcome.lookups}", flush=True)
    print(f"  seed {seed} handover acknowledged: {outcome.handover}", flush=True)
    if outcome.printing:  # with --printers
        print(f"  seed {seed} printers: {outcome.printing}", flush=True)
    print(f"  seed {seed} screens seen ({len(outcome.screens)}): {' '.join(sorted(outcome.screens))}")
    locked = outcome.locked
    share = 100 * locked.keys // max(outcome.keys, 1)
    print(
        f"  seed {seed} keys at the sign-in: {locked.keys} of {outcome.keys} ({share}%;"
        f" {locked.locks} signed out or locked, {locked.hostile_locks} met with random keys)",
        flush=True,
    )
    print(f"  seed {seed} clerks: {outcome.clerks}", flush=True)
    print(f"  seed {seed} warnings logged: {outcome.warnings or 'not counted'}", flush=True)
    for note, count in sorted(outcome.notes.items()):
        print(f"  seed {seed} note (seen {count} times): {note}", flush=True)
