"""click's own words (`Usage:`, `Options:`, its usage errors, its prompts) in the console's language.

click translates with the standard library's `gettext.gettext` and `gettext.ngettext`, bound as `_`
and `ngettext` in each of its modules when they are imported, in gettext's global domain with the
language of the environment. Rather than compiling a `.mo` file and steering gettext through
$LANGUAGE (process-wide, and read on every call), `install()` rebinds those two names in click's
modules to our catalogue (`locale/zh/click.toml`, keyed by click's English), in the language the
console speaks at each call. This reaches into click: `tests/cli/test_click_words.py` fails when a
click upgrade moves or adds what it translates.
"""

from __future__ import annotations

import gettext
import importlib

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


def click_gettext(message: str) -> str:
    return catalog(get_language()).get(message, message)


def click_ngettext(singular: str, plural: str, count: int) -> str:
    """click's forms are catalogued both (it formats them with its own placeholders, which may differ
    between the two: "Did you mean {possibility}?")."""
    return click_gettext(singular if count == 1 else plural)


def install() -> None:
    for name in MODULES:
        module = importlib.import_module(name)
        if getattr(module, "_", None) is gettext.gettext:
            module._ = click_gettext  # type: ignore[attr-defined]
        if getattr(module, "ngettext", None) is gettext.ngettext:
            module.ngettext = click_ngettext  # type: ignore[attr-defined]
