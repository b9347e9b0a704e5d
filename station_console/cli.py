"""The `station` command: the console with no arguments, every service headless otherwise.

Command groups live in `station_console/commands/`, one module per area, each exposing
`register(cli)`; they are found here by name, so adding an area touches no shared file.
"""

from __future__ import annotations

import contextlib
import importlib
import logging
import os
import pkgutil
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from typing import NoReturn, cast

import click
from click.core import ParameterSource

from station_console import click_words, commands, settle_memory
from station_console.cli_help import Group, group, option
from station_console.commands._support import CliApp, cli_language, fail, json_asked
from station_console.errors import StationError
from station_console.i18n import LANGUAGES, _, set_language
from station_console.logs import setup_logging
from station_console.safe_text import protect_output

log = logging.getLogger("station")
_LANGUAGE_CHOSEN = "station.language_chosen"
_HELP_ONLY = "station.help_only"
_AS_JSON = "station.as_json"
click_words.install()


class LazyGroup(Group):
    """Imports the command modules only when a command is looked up, so `station` alone (the console)
    starts without loading every service."""

    _loaded = False

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        # The language before click reads a word: `--help` and a usage error are written while the
        # arguments are parsed, before any callback (or the database) runs. Once: click parses what
        # follows a command name that starts like an option (`{0}`) again, and `--lang` is not in that.
        if not ctx.meta.get(_LANGUAGE_CHOSEN):
            ctx.meta[_LANGUAGE_CHOSEN] = True
            self.choose_language(args)
        return super().parse_args(ctx, args)

    def choose_language(self, args: list[str]) -> None:
        """The language of this run, from the arguments as given, without opening the database."""
        set_language(cli_language(self._given_language(args)))

    def _given_language(self, args: list[str]) -> str | None:
        """`--lang` among the options before the command, else $STATION_LANG (an unknown one: None,
        and click refuses it in the language chosen without it)."""
        takes_value = {
            name for p in self.params if isinstance(p, click.Option) and not p.is_flag for name in p.opts
        }
        given = os.environ.get("STATION_LANG")
        words = iter(args)
        for word in words:
            if word == "--lang":
                given = next(words, None)
            elif word.startswith("--lang="):
                given = word.removeprefix("--lang=")
            elif word in takes_value:
                next(words, None)
            elif word == "--" or not word.startswith("-"):
                break
        return given if given in LANGUAGES else None

    def _load(self) -> None:
        if not self._loaded:
            self._loaded = True
            _register_commands(self)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        self._load()
        return super().get_command(ctx, cmd_name)

    def list_commands(self, ctx: click.Context) -> list[str]:
        self._load()
        return super().list_commands(ctx)

    def resolve_command(
        self, ctx: click.Context, args: list[str]
    ) -> tuple[str | None, click.Command | None, list[str]]:
        # click runs this group's callback next, and only then lets the command parse its words: a
        # `--help` or a `--json` among them is seen after the callback. Told now, the callback skips
        # what only a command that runs needs (the counter's settings: pydantic; the log), and says a
        # refusal of its own (a broken counter.toml) as the command would say it.
        name, command, rest = super().resolve_command(ctx, args)
        levels = list(_parsed(command, name, rest, ctx)) if name is not None and command is not None else []
        ctx.meta[_HELP_ONLY] = any(level.shows_help for level in levels)
        ctx.meta[_AS_JSON] = any(json_asked(level.values) for level in levels)
        return name, command, rest


@dataclass(frozen=True)
class _Level:
    """A command or group of the command line as click's own parser reads its words."""

    shows_help: bool
    values: dict[str, object]


def _parsed(command: click.Command, name: str, words: list[str], parent: click.Context) -> Iterator[_Level]:
    """`command` and each subcommand the words go on to name, read by click's own parser as it will
    read them: whether each shows a help page and stops (`pickup --help`, `audit`, `audit verify -h`),
    and the values given. Words it refuses end the reading (click says why when it reads them)."""
    if not words and command.no_args_is_help:
        yield _Level(shows_help=True, values={})
        return
    ctx = click.Context(command, info_name=name, parent=parent)
    try:
        values, rest, given = command.make_parser(ctx).parse_args(list(words))
    except click.UsageError:
        return
    helps = command.get_help_option(ctx) in given
    yield _Level(shows_help=helps, values=values)
    if helps or not isinstance(command, click.Group) or command.chain or not rest:
        return
    try:
        sub_name, sub, sub_words = command.resolve_command(ctx, rest)
    except click.UsageError:
        return
    if sub_name is not None and sub is not None:
        yield from _parsed(sub, sub_name, sub_words, ctx)


@group(cls=LazyGroup, invoke_without_command=True, context_settings={"help_option_names": ["-h", "--help"]})
@option(
    "--db",
    "db_url",
    envvar="STATION_DB",
    metavar="URL",
    help="Database URL (default: SQLite in the user data folder). Also $STATION_DB.",
)
@option(
    "--lang",
    type=click.Choice(LANGUAGES),
    envvar="STATION_LANG",
    help="Language of the console and messages (default: setting, then locale).",
)
@option(
    "--counter",
    envvar="STATION_COUNTER",
    metavar="NAME",
    help="The counter this command acts as: its settings, recorded on what it does (default: setting).",
)
@option("--clerk", envvar="STATION_CLERK", help="Act as this clerk (asks for the PIN).")
@option(
    "--pin", envvar="STATION_PIN", metavar="PIN", help="The clerk's PIN (else $STATION_PIN, else asked for)."
)
@click.pass_context
def cli(
    ctx: click.Context,
    db_url: str | None,
    lang: str | None,
    counter: str | None,
    clerk: str | None,
    pin: str | None,
) -> None:
    """station: the parcel station console and its commands."""
    runs_command = ctx.invoked_subcommand is not None and not ctx.meta.get(_HELP_ONLY)
    if runs_command:
        settle_memory()  # the command is found and loaded
        protect_output()  # what the database holds is printed as text, never as terminal control
        _log_to_file()
    given = ctx.get_parameter_source("pin") is ParameterSource.COMMANDLINE
    if pin is not None and given and not ctx.meta.get(_HELP_ONLY):
        _warn_pin_on_command_line()
    ctx.obj = CliApp(db_url=db_url, lang=lang, counter=counter, clerk_name=clerk, pin=pin)
    ctx.call_on_close(ctx.obj.close)
    if runs_command:
        try:
            ctx.obj.counter_settings  # noqa: B018  checked before the command runs (the console: in a worker)
        except StationError as exc:  # a broken counter.toml: under --json, the command's one document
            fail(exc, as_json=bool(ctx.meta.get(_AS_JSON)))
    if ctx.invoked_subcommand is None:
        # Textual and the screens load only for the console: a `station` command starts without them.
        from station_console.tui.app import run_console

        ctx.obj.ask_pin()  # on the terminal, before the console takes it over
        run_console(ctx.obj)


def _warn_pin_on_command_line() -> None:
    """`--pin` keeps working (scripts give it), but a command line is not private: every user of the
    machine reads it in `ps`, and the shell keeps it in its history. $STATION_PIN and the prompt are not."""
    said = _(
        "warning: a PIN given with --pin can be read by anyone on this machine (ps) and stays in the "
        "shell's history; set STATION_PIN instead, or leave --pin out to be asked for it."
    )
    click.echo(f"station: {said}", err=True)


def _log_to_file() -> None:
    """A command's log records go to the station's log, masked. With no handler set up, Python's last
    resort printed a library's warning on the terminal as it came: a phone unmasked, or a traceback
    logged on the way (a sign-in failure that could not be recorded)."""
    with contextlib.suppress(OSError):  # no writable log folder: the last resort's stderr is all there is
        setup_logging()


def _register_commands(group: click.Group) -> None:
    for info in pkgutil.iter_modules(commands.__path__):
        if not info.name.startswith("_"):
            module = importlib.import_module(f"{commands.__name__}.{info.name}")
            module.register(group)


def main() -> None:
    # Arguments that are not UTF-8 arrive with lone surrogates in them: refuse them before they reach
    # a service (or a terminal) as text that cannot be encoded.
    if any(any("\udc80" <= ch <= "\udcff" for ch in arg) for arg in sys.argv[1:]):
        # The refusal in the language the command would speak (@group(cls=...) is typed as a Group).
        cast(LazyGroup, cli).choose_language(sys.argv[1:])
        click.echo(f"station: {_('An argument is not valid UTF-8 text; nothing was done')}", err=True)
        sys.exit(1)
    try:
        cli.main(standalone_mode=False)
    except click.exceptions.Exit as exc:
        sys.exit(exc.exit_code)
    except click.Abort as exc:
        # click turns any EOFError into its Ctrl+D abort; its prompts raise Abort themselves, so one
        # arriving here is no answer to a question (a damaged cached .pyc read as the command loads).
        if isinstance(exc.__cause__, EOFError):
            _unexpected(exc.__cause__)
        click.echo(_("Aborted."), err=True)
        sys.exit(130)
    except click.ClickException as exc:
        exc.show()
        sys.exit(exc.exit_code)
    except StationError as exc:
        click.echo(f"station: {exc.message()}", err=True)
        sys.exit(1)
    except KeyboardInterrupt:
        sys.exit(130)
    except Exception as exc:
        _unexpected(exc)


def _unexpected(exc: BaseException) -> NoReturn:
    """A bug, not a user error: the details go to the log, the clerk gets one line."""
    path = setup_logging()
    log.error("unexpected error in `station %s`", " ".join(sys.argv[1:2]), exc_info=exc)
    click.echo(
        f"station: {_('An unexpected error happened; details were written to {path}', path=path)}",
        err=True,
    )
    sys.exit(2)
