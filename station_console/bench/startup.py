"""Console start-up, measured from outside: a fresh interpreter per sample.

The child starts the console the way `station` does (`tui.app.console_app`: counter settings, the
sign-in dialog drawn first, the station opened in a thread worker meanwhile) and says READY once the
dialog takes a typed key (the clerk can start typing the name), then OPEN once the station is open
(a sign-in can be checked: imports, migration check, settings and the first-run read done). The
parent's clock runs from spawn to each line, so interpreter start and every import count, as they do
for a clerk.

The floor is the same clock on the least a Textual console can do: `import textual.app` and an app
of one input field, run the same way until it takes a key. Console and floor alternate, so both see
the same machine load.

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

# Waits by polling, not `pilot.pause()`: a pause waits for the whole process to go idle, and the
# station opening in its worker is exactly what the clerk does not wait for.
TAKES_A_KEY = """
async def takes_a_key(app, field: str) -> None:
    while not app.screen.query(field):
        await asyncio.sleep(0.002)
    app.simulate_key("x")
    while app.screen.query_one(field).value != "x":
        await asyncio.sleep(0.002)
"""

CHILD = (
    """
import asyncio, sys
from station_console.commands._support import CliApp
from station_console.tui.app import console_app
"""
    + TAKES_A_KEY
    + """
async def main() -> None:
    app = console_app(CliApp(db_url=sys.argv[1], counter="bench"))
    async with app.run_test(size=(140, 40)):
        await takes_a_key(app, "#signin-name")
        print("READY", flush=True)
        while not app.station_open and app.open_failure is None:
            await asyncio.sleep(0.002)
        print("OPEN" if app.open_failure is None else app.open_failure, flush=True)
        await app.workers.wait_for_complete()

asyncio.run(main())
"""
)


FLOOR_CHILD = (
    """
import asyncio
from textual.app import App, ComposeResult
from textual.widgets import Input
"""
    + TAKES_A_KEY
    + """
class Floor(App[None]):
    def compose(self) -> ComposeResult:
        yield Input(id="field")

async def main() -> None:
    app = Floor()
    async with app.run_test(size=(140, 40)):
        await takes_a_key(app, "#field")
        print("READY", flush=True)
        print("OPEN", flush=True)

asyncio.run(main())
"""
)


def startup_once(
    url: str, *, timeout: float = 60.0, child: str = CHILD, bytecode: str | None = None
) -> tuple[float, float]:
    """Seconds from spawning a console process (or another `child` script) until it takes a key, and
    until its station is open; compiled modules are read from and written to the folder `bytecode`
    (None: never written)."""
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
        ready = proc.stdout.readline()
        ready_s = time.perf_counter() - started
        opened = proc.stdout.readline() if ready.strip() == "READY" else ""
        open_s = time.perf_counter() - started
        if opened.strip() != "OPEN":
            _out, err = proc.communicate(timeout=timeout)
            raise RuntimeError(f"console did not start: {(opened + err).strip()[-500:]}")
        proc.communicate(timeout=timeout)
        return ready_s, open_s
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()


def measure_startup(
    url: str, samples: int, *, warm: bool = True
) -> tuple[list[float], list[float], list[float]]:
    """`samples` cold starts of the console and of the floor, in turns (after one unmeasured start of
    each that compiles its bytecode and warms the OS file cache): seconds until the console takes a
    key, until its station is open, and until the floor takes a key.

    `warm=False` (the harness's own test) skips the warm-up and the private bytecode folder: each start
    reads the bytecode the installation has and compiles the rest in memory, two starts instead of
    four, each of them cheaper than compiling every dependency into a new folder."""
    ready: list[float] = []
    opened: list[float] = []
    floor: list[float] = []
    with tempfile.TemporaryDirectory(prefix="station-bench-bytecode-") as folder:
        bytecode = folder if warm else None
        if warm:
            startup_once(url, bytecode=bytecode)
            startup_once(url, child=FLOOR_CHILD, bytecode=bytecode)
        for _ in range(samples):
            ready_s, open_s = startup_once(url, bytecode=bytecode)
            ready.append(ready_s)
            opened.append(open_s)
            floor.append(startup_once(url, child=FLOOR_CHILD, bytecode=bytecode)[0])
    return ready, opened, floor
