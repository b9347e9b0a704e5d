"""The `station` command's help in the clerk's language.

A command's docstring and an option's `help=` stay English in the code: they are the message ids,
read through `_()` each time click reads them (`TranslatedText`), so nothing is translated at import
(before `--lang` is known) and the catalogue holds one entry per paragraph. The metavars a clerk
reads (`WAYBILL`, `TEXT`, `[OPTIONS]`) are translated the same way, catalogued as `metavar: WORD`;
choice lists (`[S|M|L|XL]`) are what is typed, and stay. Every command module declares with
`command`, `group`, `option` and `argument` from here instead of click's; `tests/cli/test_help_zh.py`
walks every command's help in Chinese and fails on any text without its translation. Help is laid
out by `WideHelpFormatter` (`help_layout.py`): a Chinese character takes two columns.
"""

from __future__ import annotations

import inspect
import re
from collections.abc import Callable
from typing import Any, TypeVar

import click

from station_console.click_words import click_gettext, metavar_msgid
from station_console.help_layout import WideHelpFormatter, shorten
from station_console.i18n import _, catalog, get_language
from station_console.text_columns import display_width

F = TypeVar("F", bound=Callable[..., Any])

# Metavars click writes itself: its type names (an option with no metavar of its own) and the usage
# line's pieces.
CLICK_METAVARS = (
    "TEXT",
    "INTEGER",
    "FLOAT",
    "BOOLEAN",
    "PATH",
    "FILENAME",
    "INTEGER RANGE",
    "FLOAT RANGE",
    "[OPTIONS]",
    "[COMMAND] [ARGS]...",
    "COMMAND [ARGS]...",
)

# click's help of `--help` (its own message id).
HELP_OPTION_HELP = "Show this message and exit."

_AFTER_PARSING = "station.after_parsing"


def after_parsing(ctx: click.Context, check: Callable[[click.Context], None]) -> None:
    """Run `check` once the command has read all its options, before it runs: a parameter's check that
    needs another's value (`--json`, given before or after it: click reads them in the order typed)."""
    ctx.meta.setdefault(_AFTER_PARSING, []).append(check)


def metavar_text(word: str | None) -> str | None:
    lang = get_language()
    if not word or lang == "en":
        return word
    return catalog(lang).get(metavar_msgid(word), word)


def help_paragraphs(text: str) -> list[str]:
    """The message ids of a help text: its paragraphs, each on one line (click rewraps them)."""
    blocks = re.split(r"\n\s*\n", inspect.cleandoc(text).partition("\f")[0])
    return [" ".join(line.strip() for line in block.splitlines()) for block in blocks if block.strip()]


def translated_help(text: str | None) -> str | None:
    if not text:
        return text
    return "\n\n".join(_(paragraph) for paragraph in help_paragraphs(text))


class TranslatedText:
    """An attribute click sets once (English) and reads at each render: read in the current language."""

    def __init__(self, translate: Callable[[str | None], str | None] = translated_help) -> None:
        self.translate = translate

    def __set_name__(self, owner: type, name: str) -> None:
        self.key = f"_english_{name}"

    def __get__(self, obj: object, owner: type | None = None) -> Any:
        if obj is None:
            return self
        return self.translate(obj.__dict__.get(self.key))

    def __set__(self, obj: object, value: str | None) -> None:
        obj.__dict__[self.key] = value


class HelpContext(click.Context):
    formatter_class = WideHelpFormatter


class Command(click.Command):
    context_class = HelpContext
    help = TranslatedText()
    short_help = TranslatedText()
    epilog = TranslatedText()
    options_metavar = TranslatedText(metavar_text)

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        rest = super().parse_args(ctx, args)
        for check in ctx.meta.pop(_AFTER_PARSING, []):  # ctx.meta is shared: this command's own
            check(ctx)
        return rest

    def get_help_option(self, ctx: click.Context) -> click.Option | None:
        # click makes the help option once per command, its help translated then: say it again in the
        # language of this call (a test speaks both in one process).
        option = super().get_help_option(ctx)
        if option is not None:
            option.help = click_gettext(HELP_OPTION_HELP)
        return option

    def get_short_help_str(self, limit: int = 45) -> str:
        if get_language() != "en" and not self.short_help:
            return shorten(self.help or "", limit)
        text = super().get_short_help_str(limit)
        fitted = limit
        while display_width(text) > limit and fitted > 3:  # an English help quoting Chinese (超期保管费)
            fitted -= display_width(text) - limit
            text = super().get_short_help_str(max(fitted, 3))
        return text


class Group(Command, click.Group):
    subcommand_metavar = TranslatedText(metavar_text)
    command_class = Command
    group_class = type  # a subgroup is a Group too


def _metavar_word(param: click.Parameter, ctx: click.Context) -> str | None:
    """The English word in a parameter's metavar, or None when it lists the values themselves."""
    if param.metavar is not None:
        return param.metavar
    if param.type.get_metavar(param=param, ctx=ctx):
        return None
    return param.name.upper() if isinstance(param, click.Argument) and param.name else param.type.name.upper()


def _translated_metavar(param: click.Parameter, ctx: click.Context, english: str) -> str:
    word = _metavar_word(param, ctx)
    return english.replace(word, metavar_text(word) or word, 1) if word else english


class Option(click.Option):
    help = TranslatedText()

    def make_metavar(self, ctx: click.Context) -> str:
        return _translated_metavar(self, ctx, super().make_metavar(ctx))


class Argument(click.Argument):
    help = TranslatedText()

    def make_metavar(self, ctx: click.Context) -> str:
        return _translated_metavar(self, ctx, super().make_metavar(ctx))


def command(name: str | None = None, **attrs: Any) -> Callable[[Callable[..., Any]], Command]:
    return click.command(name, cls=Command, **attrs)


def group(
    name: str | None = None, cls: type[Group] = Group, **attrs: Any
) -> Callable[[Callable[..., Any]], Group]:
    return click.group(name, cls=cls, **attrs)


def option(*param_decls: str, **attrs: Any) -> Callable[[F], F]:
    return click.option(*param_decls, cls=Option, **attrs)


def argument(*param_decls: str, **attrs: Any) -> Callable[[F], F]:
    return click.argument(*param_decls, cls=Argument, **attrs)
