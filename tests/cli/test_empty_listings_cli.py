"""A listing with nothing to list says so, in the clerk's language: an empty screen reads as a command
that did nothing (or hung)."""

from __future__ import annotations

from collections.abc import Iterator

import click
import pytest

from cli.conftest import AS_MANAGER
from station_console.cli import cli

# Every command that lists the station's records, with what it needs typed after it, on a new station.
LISTINGS: dict[tuple[str, ...], tuple[str, ...]] = {
    ("audit", "activity"): ("Tester",),
    ("carriers", "list"): (),
    ("clerk", "list"): (),
    ("delivery", "runs"): (),
    ("delivery", "waiting"): (),
    ("events", "list"): (),
    ("fees", "list"): (),
    ("handover", "list"): (),
    ("overdue",): (),
    ("parcels",): (),
    ("prealert", "imports"): (),
    ("prealert", "list"): (),
    ("prealert", "missing"): (),
    ("print-queue",): (),
    ("problems",): (),
    ("recipients", "list"): (),
    ("recipients", "mappings"): (),
    ("recipients", "unmatched"): (),
    ("returns", "list"): (),
    ("search",): ("SF1234567890123",),
    ("sendout", "list"): (),
    ("sendout", "stock", "list"): (),  # JSON only: `{"stock": {}}`
}
# Commands that need no argument and can print JSON but list nothing of the station's: actions, reports
# (a figure per line, zeros included), the machine's USB devices.
NOT_LISTINGS = {
    ("audit", "verify"),
    ("bench",),
    ("carriers", "add"),
    ("close-day",),
    ("delivery", "plan"),
    ("detect",),
    ("devices",),
    ("events", "send"),
    ("init",),
    ("notify",),
    ("privacy", "purge"),
    ("recipients", "add"),
    ("recipients", "report"),
    ("reopen-day",),
    ("scale", "read"),
    ("scan-test",),
    ("sendout", "new"),
    ("sendout", "quote"),
    ("sendout", "refuse"),
    ("undo-checkin",),
}


@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize("command", LISTINGS, ids=" ".join)
def test_an_empty_listing_says_there_is_nothing(run, command: tuple[str, ...], lang: str) -> None:  # type: ignore[no-untyped-def]
    result = run(*AS_MANAGER, *command, *LISTINGS[command], lang=lang)
    assert result.exit_code == 0, result.output
    assert result.stdout.strip(), f"station {' '.join(command)} printed nothing"


def _commands(
    group: click.Group, path: tuple[str, ...] = ()
) -> Iterator[tuple[tuple[str, ...], click.Command]]:
    ctx = click.Context(group)
    for name in group.list_commands(ctx):
        command = group.get_command(ctx, name)
        if isinstance(command, click.Group):
            yield from _commands(command, (*path, name))
        elif command is not None:
            yield (*path, name), command


def test_every_listing_command_is_walked() -> None:
    """A new command that may list (no argument needed, --json) joins LISTINGS, or NOT_LISTINGS."""
    listing_like = {
        path
        for path, command in _commands(cli)
        if any(p.name == "as_json" for p in command.params)
        and not any(isinstance(p, click.Argument) and p.required for p in command.params)
    }
    assert listing_like - NOT_LISTINGS <= set(LISTINGS)
    assert listing_like >= NOT_LISTINGS  # each still there, and still needs no argument
