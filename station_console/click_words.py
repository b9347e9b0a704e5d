"""click's own words (`Usage:`, `Options:`, its usage errors, its prompts) in the console's language.

click translates with the standard library's `gettext.gettext` and `gettext.ngettext`, bound as `_`
and `ngettext` in each of its modules when they are imported, in gettext's global domain with the
language of the environment. Rather than compiling a `.mo` file and steering gettext through
$LANGUAGE (process-wide, and read on every call), `install()` rebinds those two names in click's
modules to our catalogue (`locale/zh/click.toml`, keyed by click's English), in the language the
console speaks at each call. This reaches into click: `tests/cli/test_click_words.py` fails when a
click upgrade moves or adds what it translates.

click fills some sentences with words it does not translate (a number type's English name) and joins
others with its own punctuation (`Missing argument 'NAME'.`, a space before "Did you mean"); a Chinese
sentence is a `ChineseSentence`, whose `format()` (click fills every message with it) puts both in
Chinese.
"""

from __future__ import annotations

import gettext
import importlib
import re
from typing import Any

import click

from station_console.i18n import catalog, get_language

# click's modules that translate, as `import click` loads them; `shell_completion` (loaded only to
# complete a shell's line: Bash's version), `_termui_impl` (an editor's failure, a progress bar's
# "d") and `_winconsole` say nothing to a clerk of `station`.
MODULES = (
    "click.core",
    "click.decorators",
    "click.exceptions",
    "click.formatting",
    "click.parser",
    "click.termui",
    "click.types",
    "click.utils",
)


# A full stop click writes after a Chinese word or a quoted name, at the end or before more text.
_ASCII_STOP = re.compile(r"(?<=[\u3400-\u9fff'）])\.(?=\s|$)")
_SPACE_AFTER_STOP = re.compile(r"([。？！；：])[ ]+")


def metavar_msgid(word: str) -> str:
    """A metavar is catalogued as a kind of message of its own: `ID` (a number) is not the `ID` a
    sender shows (a document)."""
    return f"metavar: {word}"


class ChineseSentence(str):
    """A click message in Chinese, filled by click: its type names by the metavars' Chinese (`INTEGER
    RANGE` is 整数), and its punctuation Chinese."""

    def format(self, *args: Any, **kwargs: Any) -> str:
        if isinstance(kwargs.get("number_type"), str):  # click.types: the type's `name`, English
            name = kwargs["number_type"]
            kwargs["number_type"] = catalog("zh").get(metavar_msgid(name.upper()), name)
        if "filename" in kwargs and isinstance(kwargs.get("name"), str):  # a path's kind, `File`
            kind = kwargs["name"]
            kwargs["name"] = catalog("zh").get(kind.lower(), kind)
        text = super().format(*args, **kwargs)
        return _SPACE_AFTER_STOP.sub(r"\1", _ASCII_STOP.sub("。", text))


def click_gettext(message: str) -> str:
    lang = get_language()
    text = catalog(lang).get(message, message)
    return ChineseSentence(text) if lang == "zh" else text


def click_ngettext(singular: str, plural: str, count: int) -> str:
    """click's forms are catalogued both (it formats them with its own placeholders, which may differ
    between the two: "Did you mean {possibility}?")."""
    return click_gettext(singular if count == 1 else plural)


def _path_kind(path: click.Path) -> str:
    """A path type's kind in English, as click names it. click names it once, as the type is made, in
    the language spoken at that moment: a command module first imported while Chinese was spoken kept
    文件 for good, and its metavar was looked up by that. A Chinese sentence translates the kind."""
    if path.file_okay and not path.dir_okay:
        return "file"
    return "directory" if path.dir_okay and not path.file_okay else "path"


def install() -> None:
    # The kind read as the English word whenever it is read; what click's constructor sets is dropped.
    click.types.Path.name = property(_path_kind, lambda path, value: None)  # type: ignore[assignment]
    for name in MODULES:
        module = importlib.import_module(name)
        if getattr(module, "_", None) is gettext.gettext:
            module._ = click_gettext  # type: ignore[attr-defined]
        if getattr(module, "ngettext", None) is gettext.ngettext:
            module.ngettext = click_ngettext  # type: ignore[attr-defined]
