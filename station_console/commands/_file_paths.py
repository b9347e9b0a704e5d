"""The one type of a file named on the command line: a plain path, whatever the command does with it.

click's own checks (`dir_okay=False`, `readable`) refused a folder or an unreadable file in click's
English words with exit 2, before the command ran; the house says what is wrong with a file in the
clerk's language, exit 1, as the console does of a typed path. So `FILE`, a file a command reads (or a
backup writes), is left to the service that reads it (`typed_files`, the backup's own check): the
same words, JSON under --json. `WRITTEN_FILE`, a file a command writes after it has acted (a batch
closed, then its receipt saved), refuses a folder before the command runs, in those same words: a
refusal after the act would leave it done and its paper unwritten. Under --json (or a report's
--format json) that refusal is the JSON object every other refusal is, wherever the option is typed.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from station_console.cli_help import after_parsing
from station_console.commands._support import fail, json_asked
from station_console.services.core.typed_files import folder_refused, typed_path


class FilePath(click.Path):
    """A file's path, shown as FILE in the help; click checks nothing of it."""

    def __init__(self, *, refuse_folder: bool) -> None:
        super().__init__(readable=False, path_type=Path)
        self.refuse_folder = refuse_folder

    # FILE in the help, as before (`click_words` reads a path's kind in English as click's would).
    @property
    def name(self) -> str:  # type: ignore[override]
        return "file"

    @name.setter
    def name(self, value: str) -> None:
        """click's constructor names the kind by its checks: this one is a file's path, whatever."""

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        path = super().convert(value, param, ctx)
        if self.refuse_folder and isinstance(path, Path) and _is_folder(path):
            refusal = folder_refused(path)
            if ctx is None:
                fail(refusal)
            else:  # once every option is read: `--json` may be typed after the path
                after_parsing(ctx, lambda ctx: fail(refusal, as_json=answers_in_json(ctx)))
        return path


def answers_in_json(ctx: click.Context) -> bool:
    """Whether the command was asked to answer in JSON: its --json, or `--format json` (a report)."""
    return json_asked(ctx.params)


def _is_folder(path: Path) -> bool:
    try:
        return typed_path(path).is_dir()
    except OSError:  # a name longer than the system takes: no folder, and the write says so
        return False


FILE = FilePath(refuse_folder=False)
WRITTEN_FILE = FilePath(refuse_folder=True)
