"""What one run of the console fuzzer (scripts/fuzz_console.py) ends with: its crash, if any, and what it
sent, saw and reached (printed by fuzz_summary.py)."""

from __future__ import annotations

from dataclasses import dataclass, field

from fuzz_keys import Locked


@dataclass
class Crash:
    kind: str  # "exception", "logged", "worker", "hang", "lost", "paste", "unsaid", "note" (--stop-on)
    text: str  # the traceback, or what was busy
    signature: str  # what tells one crash from another: the error and where it was raised
    at: int  # how many tokens were sent when it was seen


@dataclass
class Outcome:
    sent: list[str]
    crash: Crash | None
    notes: dict[str, int] = field(default_factory=dict)
    screens: set[str] = field(default_factory=set)  # on top when quiet, or under the sign-in
    keys: int = 0
    locked: Locked = field(default_factory=Locked)  # the sign-in dialog met: locks, keys spent there
    weighty: str = ""  # the questions whose Yes moves money or cannot be undone, answered (fuzz_weighty.py)
    written: str = ""  # the run's parcel events by kind, transactions counted (a pickup of three is one)
    handover: str = ""  # Send-out's handover scans and closes the screen acknowledged (fuzz_handover.py)
    clerks: str = ""  # the other clerk signed in at a lock, locks mid-flow, wrong PINs (fuzz_clerks.py)
    warnings: str = ""  # the warnings logged in the run, and the file they are in (fuzz_harness.py)
    lookups: str = ""  # Pickup's lookups by how they ended, lock-outs counted (fuzz_pickup.py)
    reached: str = ""  # the focuses' flows by their writes: refunds, door runs... (fuzz_summary.py)
    printing: str = ""  # with --printers: the printers' moves, the jobs by outcome (fuzz_printers.py)
