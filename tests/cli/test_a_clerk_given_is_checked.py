"""A clerk given with --clerk/--pin (or $STATION_CLERK/$STATION_PIN) is signed in by every command, those
that need no station too: `devices`, `scan-test`, `scale read` and `bench` took the options and checked
neither, so a script that passes them to every command ran on with a wrong PIN unseen. The commands with
--json are checked by `test_json_refusals`; here the rest, and the lock-out a wrong PIN counts towards."""

from __future__ import annotations

from pathlib import Path

import click
import pytest
from click.testing import CliRunner, Result

from cli.conftest import PIN
from cli.test_json_refusals import ALSO_REQUIRED, COMMANDS, _required_words
from station_console.cli import cli
from station_console.errors import StationError


def _commands(group: click.Group, path: tuple[str, ...] = ()) -> dict[str, click.Command]:
    """Every command a command line can run: each leaf, and each group that runs by itself."""
    found: dict[str, click.Command] = {}
    ctx = click.Context(group)
    for name in group.list_commands(ctx):
        command = group.get_command(ctx, name)
        words = (*path, name)
        if isinstance(command, click.Group):
            if command.invoke_without_command:
                found[" ".join(words)] = command
            found |= _commands(command, words)
        elif command is not None:
            found[" ".join(words)] = command
    return found


EVERY_COMMAND = _commands(cli)
WITHOUT_JSON = sorted(set(EVERY_COMMAND) - set(COMMANDS))


def _refusal_code(asked: Result) -> str | None:
    """The code of the refusal a command line ended with, as `main` says it (on stderr): a command
    without --json lets it through to `main`, which CliRunner does not run."""
    if isinstance(asked.exception, StationError):
        return asked.exception.code
    return None


def _station(db_url: str, *words: str) -> Result:
    return CliRunner().invoke(cli, ["--db", db_url, "--lang", "en", *words], input="")


@pytest.mark.parametrize("name", WITHOUT_JSON)
def test_every_command_refuses_a_wrong_pin(
    name: str, db_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("STATION_PIN", "1111")
    required = [*_required_words(EVERY_COMMAND[name], tmp_path), *ALSO_REQUIRED.get(name, [])]
    asked = _station(db_url, "--clerk", "Boss", *name.split(), *required)
    said = asked.stderr == "station: Wrong name or PIN.\n"  # a command that says its refusal itself
    assert asked.exit_code == 1 and (said or _refusal_code(asked) == "bad_credentials"), (
        asked.stdout,
        asked.stderr,
        asked.exception,
    )


def test_the_commands_walked_are_every_command() -> None:
    assert {"devices", "scan-test", "scale read", "bench", "clerk pin", "shelves"} <= set(EVERY_COMMAND)
    assert set(COMMANDS) <= set(EVERY_COMMAND) and WITHOUT_JSON


@pytest.mark.parametrize("words", [["devices"], ["scan-test", "--count", "1"], ["scale", "read"]])
def test_a_wrong_pin_given_to_a_device_command_counts_towards_the_lock_out(
    words: list[str], db_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """As at any other command: the fifth wrong PIN in a row locks the clerk out, and the right PIN is
    refused then, at a command that opens the station for its own work as much."""
    monkeypatch.delenv("STATION_PIN", raising=False)
    for _try in range(5):
        wrong = _station(db_url, "--clerk", "Tester", "--pin", "1111", *words, "--json")
        assert wrong.exit_code == 1 and '"error"' in wrong.stdout
    locked = _station(db_url, "--clerk", "Tester", "--pin", PIN, "clerk", "list", "--json")
    assert locked.exit_code == 1 and '"clerk_locked"' in locked.stdout, locked.stdout


def test_the_right_pin_lets_a_device_command_run(db_url: str) -> None:
    """$STATION_CLERK/$STATION_PIN (Tester, set for every test) sign in, and the command does its work."""
    asked = _station(db_url, "scan-test", "--count", "1", "--json")
    assert asked.exit_code == 0, (asked.stdout, asked.stderr)
    assert asked.stdout == ""  # no code scanned: nothing read from the empty input
