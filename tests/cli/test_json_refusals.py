"""Under --json a refusal is the one JSON document on stdout (and one line on stderr, exit 1), whichever
command: a script parses stdout. The sign-in is the first refusal of every command that opens the
station, and it was said on stderr only by most of them (`parcels`, `overdue`, `audit show`...): the
station opens at the command's first use of it, outside the command's own refusal handling.

The commands are found as `test_json_times` finds them, groups with --json too (`shelves`, `outbox`),
each given made-up values for what it requires: the sign-in is refused before any of them is read.
A counter.toml that cannot be used is refused before the command reads its options: the same."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from cli.conftest import PIN
from station_console.cli import cli
from station_console.commands._support import CliApp, emit_json, pass_app
from station_console.errors import Refused


def _json_commands(group: click.Group, path: tuple[str, ...] = ()) -> Iterator[tuple[str, click.Command]]:
    ctx = click.Context(group)
    for name in group.list_commands(ctx):
        command = group.get_command(ctx, name)
        if command is None:
            continue
        if any(p.name == "as_json" for p in command.params):
            yield " ".join((*path, name)), command
        if isinstance(command, click.Group):
            yield from _json_commands(command, (*path, name))


COMMANDS = dict(_json_commands(cli))


# What a command requires that click does not know of (it says so as a usage error, exit 2).
ALSO_REQUIRED = {
    "problem": ["--kind", "damaged"],
    "recipients edit": ["--set", "room=1"],
}
# Values tried in turn for a required value of any other type, the first its type takes.
SOME_VALUES = ("1", "2026-01-01", "SF1234567890123")


def _required_words(command: click.Command, folder: Path) -> list[str]:
    """A value of the right type for each argument and option the command requires (a file or a
    folder that exists for a path), so that click lets the command run."""
    a_file = folder / "given.txt"
    a_file.write_text("x\n", encoding="utf-8")
    ctx = click.Context(command)
    words: list[str] = []
    for param in command.params:
        if not param.required:
            continue
        kind = param.type
        if isinstance(kind, click.Path):
            value = str(folder if kind.dir_okay and not kind.file_okay else a_file)
        elif isinstance(kind, click.File):
            value = str(a_file)
        elif isinstance(kind, click.Choice):
            value = str(kind.choices[0])
        else:
            value = next(v for v in SOME_VALUES if _takes(kind, v, param, ctx))
        if isinstance(param, click.Argument):
            words += [value] * max(param.nargs, 1)
        else:
            words += [param.opts[0], value]
    return words


def _takes(kind: click.ParamType, value: str, param: click.Parameter, ctx: click.Context) -> bool:
    try:
        kind.convert(value, param, ctx)
    except click.BadParameter:
        return False
    return True


# What is given before the command, the PIN in $STATION_PIN (a --pin brings a warning line on stderr),
# and the refusal it gets ({db} the test's database, {missing} one in a folder that does not exist).
REFUSALS = {
    "wrong PIN": (("--db", "{db}", "--clerk", "Boss"), "1111", "bad_credentials"),
    "unknown clerk": (("--db", "{db}", "--clerk", "Nobody"), PIN, "bad_credentials"),
    "no PIN and no terminal": (("--db", "{db}", "--clerk", "Boss"), None, "pin_required"),
    "missing database": (("--db", "{missing}", "--clerk", "Boss"), PIN, "database_missing"),
}


@pytest.mark.parametrize("refusal", REFUSALS)
@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_a_refusal_at_sign_in_is_the_one_json_document(
    name: str, refusal: str, db_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    before, pin, code = REFUSALS[refusal]
    if pin is None:
        monkeypatch.delenv("STATION_PIN", raising=False)
    else:
        monkeypatch.setenv("STATION_PIN", pin)
    given = [
        w.format(db=db_url, missing=f"sqlite:///{tmp_path / 'gone' / 'station.sqlite3'}") for w in before
    ]
    required = [*_required_words(COMMANDS[name], tmp_path), *ALSO_REQUIRED.get(name, [])]
    words = [*given, "--lang", "en", *name.split(), *required, "--json"]
    # A refusal let through raises here (catch_exceptions=False), as `main` would say it on stderr only.
    asked = CliRunner().invoke(cli, words, input="", catch_exceptions=False)
    assert asked.exit_code == 1, (asked.stdout, asked.stderr)
    answer = json.loads(asked.stdout)  # one document: a second line would not parse
    assert answer["error"] == code and set(answer) == {"error", "message"}
    assert asked.stderr == f"station: {answer['message']}\n"


def test_the_commands_walked_are_the_commands_with_json() -> None:
    """ALSO_REQUIRED names only commands that are there and take --json, and the refusal test runs them
    all, those that need no station too (`devices`, `scan-test`, `scale read`, `bench` sign a clerk
    given in all the same): found by walking the commands, so a new one is checked without being listed."""
    assert set(ALSO_REQUIRED) <= set(COMMANDS)
    assert {"parcels", "overdue", "shelves", "outbox", "sendout tariff show", "devices", "bench"} <= set(
        COMMANDS
    )


@pytest.mark.parametrize(
    ("args", "code"),
    [
        (("audit", "show", "99999"), "no_event"),
        (("clerk", "add", "Li", "--role", "clerk"), "manager_only"),  # refused before a PIN is asked
    ],
    ids=["not found", "a manager's"],
)
def test_a_refusal_the_command_lets_through_is_the_one_json_document_too(
    run, args: tuple[str, ...], code: str
) -> None:  # type: ignore[no-untyped-def]
    """Not only the sign-in: a refusal outside the command's own handling (a row not found, the
    clerk Tester's role) was said on stderr only as well."""
    asked = run(*args, "--json")
    assert asked.exit_code == 1
    answer = json.loads(asked.stdout)
    assert answer["error"] == code and asked.stderr == f"station: {answer['message']}\n"


# A counter.toml someone broke by hand, and what its refusal names besides the file.
BROKEN_FILES = {
    "not TOML": ('counter = "front"\nlanguage = \n', "(not valid TOML (line 2, column 12))"),
    "a wrong type": ("counter = 5\n", "(Counter name (counter): Must be text)"),
}


@pytest.mark.parametrize("broken", BROKEN_FILES)
@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_a_broken_counter_file_is_the_one_json_document(name: str, broken: str, tmp_path: Path) -> None:
    """The file is read before the command's own options, so its refusal was said on stderr only even
    under --json: a script parsing stdout had nothing."""
    text, problem = BROKEN_FILES[broken]
    Path(os.environ["STATION_CONFIG"]).write_text(text, encoding="utf-8")
    required = [*_required_words(COMMANDS[name], tmp_path), *ALSO_REQUIRED.get(name, [])]
    asked = CliRunner().invoke(
        cli, ["--lang", "en", *name.split(), *required, "--json"], input="", catch_exceptions=False
    )
    assert asked.exit_code == 1, (asked.stdout, asked.stderr)
    answer = json.loads(asked.stdout)
    assert answer["error"] == "bad_counter_settings" and set(answer) == {"error", "message"}
    assert os.environ["STATION_CONFIG"] in answer["message"] and problem in answer["message"]
    assert asked.stderr == f"station: {answer['message']}\n"


@pytest.mark.parametrize("words", [["parcels"], ["shelves", "add", "A"], ["scale", "read"]])
def test_a_broken_counter_file_without_json_is_one_line_on_stderr(words: list[str]) -> None:
    Path(os.environ["STATION_CONFIG"]).write_text("counter = 5\n", encoding="utf-8")
    asked = CliRunner().invoke(cli, ["--lang", "en", *words], catch_exceptions=False)
    assert asked.exit_code == 1 and asked.stdout == ""
    assert asked.stderr.startswith("station: ") and asked.stderr.count("\n") == 1
    assert "cannot be used (Counter name (counter): Must be text)" in asked.stderr


def test_a_refusal_after_the_document_is_not_a_second_document() -> None:
    """Whichever command writes its document and then lets a refusal through: the refusal is said on
    stderr (exit 1), stdout stays one document a script can parse."""

    @click.command()
    @click.option("--json", "as_json", is_flag=True)
    @pass_app
    def writes_then_refuses(app: CliApp, as_json: bool) -> None:
        emit_json({"done": True})
        raise Refused("Too late", code="too_late")

    asked = CliRunner().invoke(writes_then_refuses, ["--json"], obj=CliApp(lang="en"), catch_exceptions=False)
    assert asked.exit_code == 1
    assert json.loads(asked.stdout) == {"done": True}
    assert asked.stderr == "station: Too late\n"


def test_scale_config_not_json_is_the_one_json_document() -> None:
    asked = CliRunner().invoke(cli, ["--lang", "en", "scale", "read", "--config", "{", "--json"])
    assert asked.exit_code == 1
    assert json.loads(asked.stdout) == {
        "error": "config_not_json",
        "message": "--config is not JSON: give the scale's settings as one JSON object.",
    }
    assert asked.stderr == "station: --config is not JSON: give the scale's settings as one JSON object.\n"
