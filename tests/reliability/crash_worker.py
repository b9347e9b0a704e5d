"""Checks parcels in until killed; prints each waybill only after `check_in` returned (acknowledged).

A third argument sets the background checkpointer's trigger (pages) low, so that kills also land in
the middle of its checkpoints."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent.parent))  # tests/: the shared helpers
from station_helpers import act_as_new_clerk  # noqa: E402

from db import checkpoint  # noqa: E402
from db.models import Role  # noqa: E402
from station_console.services.admin.setup import open_station  # noqa: E402
from station_console.services.checkin.transaction import check_in  # noqa: E402


def main(url: str, run: int) -> None:
    station = open_station(url, counter="crash")
    act_as_new_clerk(station, f"crash-{run}", Role.CLERK)
    print("READY", flush=True)
    n = 0
    while True:
        waybill = f"JT{run:06d}{n:07d}"
        check_in(station, waybill, phone=f"1380013{n % 10000:04d}", size="S")
        sys.stdout.write(waybill + "\n")
        sys.stdout.flush()
        n += 1


if __name__ == "__main__":
    if len(sys.argv) > 3:
        checkpoint.TRIGGER_PAGES = int(sys.argv[3])
    main(sys.argv[1], int(sys.argv[2]))
