"""A file named on the command line is refused one way, whichever command takes it: in the house's words
and the clerk's language, exit 1. click's own check refused a folder given to `prealert import`,
`recipients import` or an output such as `report --out` in its English, exit 2, where `shelves import`
and the send-out rule files said it the house's way."""

from __future__ import annotations

import json
from pathlib import Path

import click
import pytest

from cli.conftest import AS_MANAGER
from station_console.cli import cli
from station_console.commands._file_paths import FilePath

SAID = {
    "en": "{path} is a folder: type the path of a file.",
    "zh": "{path} 是文件夹：请输入文件的路径。",
}


def _paths(command: click.Command, names: tuple[str, ...] = ()) -> list[tuple[str, click.Parameter]]:
    """Every path parameter of the command tree, by its command's words."""
    found = [(" ".join(names), p) for p in command.params if isinstance(p.type, click.Path)]
    if isinstance(command, click.Group):
        ctx = click.Context(command)
        for name in command.list_commands(ctx):
            sub = command.get_command(ctx, name)
            assert sub is not None
            found += _paths(sub, (*names, name))
    return found


def test_every_file_a_command_takes_is_the_one_file_type() -> None:
    """A folder (the watched pre-alert folder) is the only other path a command takes."""
    paths = _paths(cli)
    assert len(paths) > 10
    others = [
        (where, p.name)
        for where, p in paths
        if not isinstance(p.type, FilePath) and not (isinstance(p.type, click.Path) and not p.type.file_okay)
    ]
    assert others == []


@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize(
    "args",
    [
        ("prealert", "import", "{folder}"),
        ("recipients", "import", "{folder}"),
        ("shelves", "import", "{folder}"),
        ("sendout", "checklist", "set", "{folder}"),
        ("report", "--out", "{folder}"),
        ("privacy", "export", "13812345678", "-o", "{folder}"),
        ("handover", "close", "1", "--pdf", "{folder}"),
        ("handover", "receipt", "1", "--pdf", "{folder}"),
    ],
    ids=lambda args: " ".join(args[:2]) if isinstance(args, tuple) else args,
)
def test_a_folder_given_for_a_file_is_refused_in_the_house_words(
    run, tmp_path: Path, args: tuple[str, ...], lang: str
) -> None:  # type: ignore[no-untyped-def]
    folder = tmp_path / "文件夹"
    folder.mkdir()
    done = run(*AS_MANAGER, *(a.format(folder=folder) for a in args), lang=lang)
    assert done.exit_code == 1, done.output
    assert SAID[lang].format(path=folder) in done.output
    assert "Usage:" not in done.output and "用法" not in done.output
    assert list(folder.iterdir()) == []


def test_under_json_a_read_file_is_refused_as_json_too(run, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    done = run(*AS_MANAGER, "prealert", "import", str(tmp_path), "--json")
    assert done.exit_code == 1
    assert json.loads(done.stdout) == {"error": "is_folder", "message": SAID["en"].format(path=tmp_path)}


@pytest.mark.parametrize(
    "args",
    [
        ("handover", "close", "1", "--pdf", "{folder}", "--json"),
        ("handover", "close", "1", "--json", "--pdf", "{folder}"),
        ("sendout", "handover", "SF", "--pdf", "{folder}", "--json"),
        ("report", "--out", "{folder}", "--format", "json"),
        ("report", "--format", "json", "--out", "{folder}"),
    ],
    ids=" ".join,
)
def test_under_json_a_written_file_is_refused_as_json_too(run, tmp_path: Path, args: tuple[str, ...]) -> None:  # type: ignore[no-untyped-def]
    """Refused before the command runs, whether the JSON option comes before the path or after it."""
    folder = tmp_path / "out"
    folder.mkdir()
    done = run(*AS_MANAGER, *(a.format(folder=folder) for a in args))
    assert done.exit_code == 1, done.output
    assert json.loads(done.stdout) == {"error": "is_folder", "message": SAID["en"].format(path=folder)}
    assert list(folder.iterdir()) == []


def test_without_json_a_written_file_is_refused_in_words_only(run, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    done = run(*AS_MANAGER, "report", "--out", str(tmp_path), "--format", "csv")
    assert done.exit_code == 1
    assert done.stdout == ""
    assert SAID["en"].format(path=tmp_path) in done.stderr
