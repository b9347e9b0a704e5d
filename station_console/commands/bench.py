"""`station bench`: the benchmark table (or one JSON object) for every hot path."""

from __future__ import annotations

import os
import platform

import click

from station_console.cli_help import command, option
from station_console.commands._support import CliApp, emit_json, pass_app
from station_console.i18n import _

# Services and hardware are imported inside each command, not here: cli.LazyGroup imports every
# command module for any `station` call, and a command should load only what it runs (CLI start-up).


# The paths `--only` takes (bench/harness.py's ORDER, and "lookup" for both lookups); spelled out here so
# that `station --help` does not import the benchmarks.
PATHS = (
    "checkin",
    "pickup",
    "lookup",
    "lookup_code",
    "lookup_phone",
    "report",
    "detect",
    "startup",
    "scan_to_screen",
    "recipients_import",
    "concurrency",
)


def register(cli: click.Group) -> None:
    cli.add_command(bench)


@command()
@option("--quick", is_flag=True, help="50,000 parcels and fewer samples, for a fast look.")
@option("--json", "as_json", is_flag=True, help="One JSON object keyed by path.")
@option("--rebuild", is_flag=True, help="Build the dataset again instead of using the cached one.")
@option(
    "--only",
    multiple=True,
    type=click.Choice(PATHS),
    help="Measure only this path (repeat for more), e.g. --only report.",
)
@pass_app
def bench(app: CliApp, quick: bool, as_json: bool, rebuild: bool, only: tuple[str, ...]) -> None:
    """Measure check-in, the pickup handover, lookups, the day report, detection, start-up and scan-to-screen."""
    from station_console.bench.harness import json_summary, render_table, run_all

    app.sign_in_if_asked()  # the bench works on a dataset of its own: a clerk given is checked all the same

    def progress(message: str) -> None:
        click.echo(message, err=True)

    results = run_all(quick=quick, rebuild=rebuild, progress=progress, only=only)
    if as_json:
        emit_json(json_summary(results))
        return
    click.echo(render_table(results))
    click.echo(_("Machine: {machine}, Python {python}", machine=_cpu(), python=platform.python_version()))


def _cpu() -> str:
    model = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as info:
            for line in info:
                if line.startswith("model name"):
                    model = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    return f"{model}, {os.cpu_count()} cores"
