"""The translation layer: every user-facing string goes through `_()`.

English text is the message id. Chinese catalogs live in `locale/zh/*.toml`, one file per area of the
console (`"English text" = "中文"`), merged at first use. `{name}` placeholders are filled after
translation, so a translation may reorder them. `N_()` marks a string for the catalog check without
translating it yet (for tables of messages translated later, at display time). `_n()` picks between a
singular and a plural ("1 parcel", "2 parcels"); Chinese has one form, catalogued under the plural.
A parameter that ends in "…" (text cut for showing, `safe_text.cut`) ends the sentence it closes:
the sentence's full stop after it is left out, in either language ("…", never "…." or "…。").
A text parameter's control characters are written out as escapes (`safe_text.visible`): a message
quoting what was typed (`Unknown carrier \\x1b[31mZTO.`) says what it was on a terminal, in a pipe
(where click strips escape sequences from what it echoes) and on the console's screen alike.
"""

from __future__ import annotations

import locale
import os
import re
import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

from hardware.messages import ConfigKey, Message
from station_console.safe_text import visible

LANGUAGES = ("en", "zh")
_current = "en"


def N_(msgid: str) -> str:
    return msgid


@cache
def catalog(lang: str) -> dict[str, str]:
    """All messages of one language, merged from its catalog files."""
    if lang == "en":
        return {}
    merged: dict[str, str] = {}
    folder = resources.files("station_console") / "locale" / lang
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        if entry.name.endswith(".toml"):
            merged.update(tomllib.loads(entry.read_text(encoding="utf-8")))
    return merged


# A placeholder right before a sentence's one full stop (not an English "..." of its own).
_BEFORE_STOP = re.compile(r"\{(\w+)\}[.。](?![.。])")


def _stop_after_cut(match: re.Match[str], params: dict[str, Any]) -> str:
    value = params.get(match.group(1))
    return "{" + match.group(1) + "}" if isinstance(value, str) and value.endswith("…") else match.group()


def translate(msgid: str, lang: str, /, **params: Any) -> str:
    text = catalog(lang).get(msgid, msgid) if lang != "en" else msgid
    if not params:
        return text
    # Quoted data, never a terminal's instruction: a pipe lost `\x1b[31m` and the message contradicted itself.
    params = {k: visible(v) if isinstance(v, str) else v for k, v in params.items()}
    if any(isinstance(v, str) and v.endswith("…") for v in params.values()):
        text = _BEFORE_STOP.sub(lambda m: _stop_after_cut(m, params), text)
    return text.format(**params)


def _(msgid: str, /, **params: Any) -> str:
    """Translate `msgid` into the current language and fill its `{placeholders}`."""
    return translate(msgid, _current, **params)


def example(text: str) -> str:
    """A field's placeholder that shows what to type: "e.g. ZTO". A bare "ZTO" in grey read as the
    value, and Enter on it said "Carrier is empty."."""
    return _("e.g. {example}", example=text)


def label_of(labels: Mapping[str, str], code: str) -> str:
    """A stored code (a status, a kind) as its catalogue labels it, in the current language; a code
    the catalogue does not know reads as itself."""
    return _(labels[code]) if code in labels else code


class LabelSubset(dict[Any, str]):
    """Some codes of a larger label catalogue, with its labels: one catalogue, read through a narrower
    door (the codes one table stores of a set another table stores whole), never a second copy of the
    words. `whole` is the catalogue they come from."""

    def __init__(self, whole: Mapping[Any, str], codes: Iterable[Any]) -> None:
        super().__init__((code, whole[code]) for code in codes)
        self.whole = whole


def shown_params(params: dict[str, Any], lang: str, /) -> dict[str, Any]:
    """A message's parameters as shown in `lang`: one that is itself a message (a `Later`) translated."""
    return {k: v.message(lang) if isinstance(v, Later) else v for k, v in params.items()}


def sentences(*parts: str, lang: str | None = None) -> str:
    """Sentences one after another as the language (default: the current one) writes them: a space
    between English sentences, none after Chinese full stops (`已匹配。手机号……`). Empty parts are left out."""
    return ("" if (lang or _current) == "zh" else " ").join(p for p in parts if p)


def listed(items: Iterable[str], lang: str | None = None) -> str:
    """Items one after another as the language (default: the current one) lists them: `a, b` in
    English, `a、b` in Chinese."""
    return ("、" if (lang or _current) == "zh" else ", ").join(items)


def clauses(items: Iterable[str], lang: str | None = None) -> str:
    """Clauses one after another, each whole in itself (a carrier and why its events fail): `a; b` in
    English, `a；b` in Chinese."""
    return ("；" if (lang or _current) == "zh" else "; ").join(items)


def translate_n(singular: str, plural: str, count: int, lang: str, /, **params: Any) -> str:
    """`singular` or `plural` by `count`, in `lang`: English has a singular form for 1; Chinese has one
    form for every count, translated under the plural's id."""
    return translate(singular if count == 1 and lang == "en" else plural, lang, **params)


def _n(singular: str, plural: str, count: int, /, **params: Any) -> str:
    """`_()` for a message about `count` things: `_n("{n} parcel", "{n} parcels", n, n=n)`."""
    return translate_n(singular, plural, count, _current, **params)


@dataclass(frozen=True)
class Translator:
    """`_` and `_n` in one language: for a document in a language of its own (the day report's PDF is in
    English without a Chinese font, whatever the console speaks). `tr(msgid, **params)`,
    `tr.n(singular, plural, count, **params)`; no `lang`: the console's language at each call."""

    lang: str | None = None

    def __call__(self, msgid: str, /, **params: Any) -> str:
        return translate(msgid, self.lang or _current, **params)

    def n(self, singular: str, plural: str, count: int, /, **params: Any) -> str:
        return translate_n(singular, plural, count, self.lang or _current, **params)


CURRENT = Translator()


class Later:
    """Text translated when it is shown, not when it is made: a message that is a parameter of
    another (a refusal's reason), rendered in the language its refusal is shown in."""

    def message(self, lang: str | None = None) -> str:
        raise NotImplementedError


def shown(text: str, lang: str | None = None) -> str:
    """`text` as shown in `lang` (default: the current language): a hardware `Message` is translated
    (a message among its parameters too), other text kept. A device setting's key in it reads as the
    screens label it, the key itself in parentheses where it says something else (`目标（target）`, `keyed_label`; not
    `[target]`, which reads as a TOML section header): the
    same refusal reaches the Printers screen and whoever edits counter.toml."""
    if isinstance(text, Message):
        lang = lang or _current
        params = {k: _param_text(v, lang) for k, v in text.params.items()}
        return translate(text.msgid, lang, **params)
    return text


def _param_text(value: Any, lang: str) -> Any:
    """A message's parameter as shown: a message itself (a file printer's reason) translated too."""
    if isinstance(value, ConfigKey):
        return _key_text(value, lang)
    return shown(value, lang) if isinstance(value, Message) else value


def _key_text(key: ConfigKey, lang: str) -> str:
    """A key as its label and itself ("Baud rate (baud)"); the key alone where the label only says it
    again ("language"). A key in its section (`in_section`) follows its label even then: "Port
    (scanner.port)" names the device."""
    label = translate(key.label, lang) if key.label else str(key)
    if label.casefold() == str(key).casefold():
        return str(key)
    return keyed_label(label, str(key), lang)


def in_section(reason: str, section: str) -> str:
    """A device setting's refusal (`reason_of`) with every key it names put in its `section` of
    counter.toml ("Port (scanner.port)", "Resolution (printers.counter.dpi)"): the factory that refused
    it knows only its own keys, the caller which device it was building, and a manager with a printer,
    a scanner and a scale has to know whose `port` is wrong. Other text is kept as it is."""
    if not isinstance(reason, Message):
        return reason
    params = {k: _sectioned(v, section) for k, v in reason.params.items()}
    return Message(reason.msgid, **params)


def _sectioned(value: Any, section: str) -> Any:
    if isinstance(value, ConfigKey):
        return ConfigKey(f"{section}.{value}", value.label)
    return in_section(value, section) if isinstance(value, Message) else value


def _names(label: str, key: str) -> bool:
    """`label` names `key` already: in its parentheses ("Resolution (dpi)"), or as the label itself
    with its unit left out ("Timeout (s)" for timeout)."""
    folded, key = label.casefold(), key.casefold()
    bare = re.sub(r"\s*[(（][^()（）]*[)）]", "", folded).strip()
    return (bare != folded and bare == key) or f"({key})" in folded or f"（{key}）" in folded


def keyed_label(label: str, key: str, lang: str) -> str:
    """A setting's `label` with its `key` for whoever edits counter.toml: "Counter name (counter)". A
    label that names the key already stays as it is ("Resolution (dpi)", not "... (dpi) (dpi)"); one
    with parentheses of its own says the key after a comma ("Gap (mm), key gap_mm"), not in a second
    pair of parentheses that reads as part of the label. A key in its section (`printer.dpi`) takes
    the place of the bare key a label names ("Resolution (printer.dpi)")."""
    leaf = key.rpartition(".")[2]
    if _names(label, leaf):
        if leaf == key:
            return label
        for opening, closing in (("(", ")"), ("（", "）")):
            at = label.casefold().find(f"{opening}{leaf}{closing}".casefold())
            if at >= 0:
                return f"{label[:at]}{opening}{key}{closing}{label[at + len(leaf) + 2 :]}"
    if "(" in label or "（" in label:
        return translate(N_("{label}, key {key}"), lang, label=label, key=key)
    return translate(N_("{label} ({key})"), lang, label=label, key=key)


@dataclass(frozen=True)
class LaterText(Later):
    """A hardware `Message` (a device setting's refusal) as a parameter of a refusal: translated in
    the language the refusal is shown in. Other text is kept as it is."""

    text: str

    def message(self, lang: str | None = None) -> str:
        return shown(self.text, lang)


@dataclass(frozen=True)
class LaterCount(Later):
    """A count with its noun ("1 clerk", "2 clerks") as a parameter of a refusal of several counts,
    each taking its own form (`one=` of a StationError serves a refusal of one count)."""

    singular: str
    plural: str
    count: int

    def message(self, lang: str | None = None) -> str:
        return translate_n(self.singular, self.plural, self.count, lang or _current, n=self.count)


@dataclass(frozen=True)
class LaterList(Later):
    """Names as a parameter of a refusal, listed as the language it is shown in lists them (`listed`):
    the first `at_most`, then how many more."""

    items: tuple[str, ...]
    at_most: int

    def message(self, lang: str | None = None) -> str:
        lang = lang or _current
        names = listed(self.items[: self.at_most], lang)
        more = len(self.items) - self.at_most
        return translate(N_("{names} and {n} more"), lang, names=names, n=more) if more > 0 else names


def set_language(lang: str) -> None:
    global _current
    if lang not in LANGUAGES:
        raise ValueError(f"unknown language {lang!r}: use one of {', '.join(LANGUAGES)}")
    _current = lang


def get_language() -> str:
    return _current


def language_from_locale() -> str:
    """`zh` when the machine's locale is Chinese, else `en`."""
    for var in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = os.environ.get(var)
        if value:
            return "zh" if value.lower().startswith("zh") else "en"
    try:
        loc = locale.getlocale()[0] or ""
    except ValueError:
        loc = ""
    return "zh" if loc.lower().startswith("zh") else "en"
