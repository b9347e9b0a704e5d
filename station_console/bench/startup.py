"""Console start-up to first idle, measured from outside: a fresh interpreter per sample.

The child imports the console, opens the station (migration check included), mounts the app the way
`station` does (sign-in required) and says READY once Textual is idle; the parent's clock runs from
spawn to that line, so interpreter start and every import count, as they do for a clerk.

The floor is the same clock on the least a Textual console can do: `import textual.app` and an app
of one label, run the same way to its first idle. Console and floor alternate, so both see the same
machine load.

Both load compiled bytecode, as an installed console does (installing compiles it once): the unmeasured
first start of each writes it into a private folder (`PYTHONPYCACHEPREFIX`), never beside the sources.
Without it, a machine that forbids writing bytecode (`PYTHONDONTWRITEBYTECODE`, set on ours) compiled
every station_console module at every measured start.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time

CHILD = """
import asyncio, sys
from station_console.services.admin.setup import open_station
from station_console.settings import CounterSettings
from station_console.tui.app import StationApp

async def main() -> None:
    station = open_station(sys.argv[1], counter="bench")
    app = StationApp(station, CounterSettings(counter="bench"), require_sign_in=True)
    async with app.run_test(size=(140, 40)) as pilot:
        await pilot.pause()
        print("READY", flush=True)
    station.engine.dispose()

asyncio.run(main())
"""


FLOOR_CHILD = """
import asyncio
from textual.app import App, ComposeResult
from textual.widgets import Label

class Floor(App[None]):
    def compose(self) -> ComposeResult:
        yield Label("ready")

async def main() -> None:
    async with Floor().run_test(size=(140, 40)) as pilot:
        await pilot.pause()
        print("READY", flush=True)

asyncio.run(main())
"""


def startup_once(
    url: str, *, timeout: float = 60.0, child: str = CHILD, bytecode: str | None = None
) -> float:
    """Seconds from spawning a console process (or another `child` script) until its first idle;
    compiled modules are read from and written to the folder `bytecode` (None: never written)."""
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONDONTWRITEBYTECODE", "PYTHONPYCACHEPREFIX")}
    if bytecode is None:
        env["PYTHONDONTWRITEBYTECODE"] = "1"
    else:
        env["PYTHONPYCACHEPREFIX"] = bytecode
    started = time.perf_counter()
    proc = subprocess.Popen(
        [sys.executable, "-c", child, url], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env
    )
    try:
        assert proc.stdout is not None
        line = proc.stdout.readline()
        elapsed = time.perf_counter() - started
        if line.strip() != "READY":
            _out, err = proc.communicate(timeout=timeout)
            raise RuntimeError(f"console did not start: {err.strip()[-500:]}")
        proc.communicate(timeout=timeout)
        return elapsed
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()


def measure_startup(url: str, samples: int) -> tuple[list[float], list[float]]:
    """`samples` cold starts of the console and of the floor, in turns (after one unmeasured start of
    each that compiles its bytecode and warms the OS file cache)."""
    console: list[float] = []
    floor: list[float] = []
    with tempfile.TemporaryDirectory(prefix="station-bench-bytecode-") as bytecode:
        startup_once(url, bytecode=bytecode)
        startup_once(url, child=FLOOR_CHILD, bytecode=bytecode)
        for _ in range(samples):
            console.append(startup_once(url, bytecode=bytecode))
            floor.append(startup_once(url, child=FLOOR_CHILD, bytecode=bytecode))
    return console, floor
