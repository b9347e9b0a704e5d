"""Text for a person from the hardware layer, which imports nothing of station_console.

A device status detail is a `Message`: a `str` holding the English text, which also keeps its message
id (the English template) and parameters so the console can translate it where it shows it
(`station_console.i18n.shown`). `N_()` marks a message id for the catalog check in tests/test_i18n.py,
so every one of them has its Chinese translation.

A device setting the console cannot use is refused with a `ConfigError` (a ValueError carrying its
`Message`); what the person typed goes into it through `typed()`, as data.
"""

from __future__ import annotations

import re
from typing import Any

from hardware.hidden_text import escape, is_hidden


def N_(msgid: str) -> str:
    return msgid


class Message(str):
    """English text (`str(message)`) with the `msgid` and `params` it was made from."""

    msgid: str
    params: dict[str, Any]

    def __new__(cls, msgid: str, /, **params: Any) -> Message:
        text = super().__new__(cls, msgid.format(**params) if params else msgid)
        text.msgid = msgid
        text.params = params
        return text


class ConfigKey(str):
    """A device setting's key as a message parameter (`target`): the key in English text, and its
    `label` (a message id, or None) for the console to name it as its screens do."""

    label: str | None

    def __new__(cls, key: str, label: str | None = None) -> ConfigKey:
        text = super().__new__(cls, key)
        text.label = label
        return text


class ConfigError(ValueError):
    """A device setting that cannot be used (a printer, scanner or scale entry), said as a `Message`:
    `ConfigError(N_("{key} = {kind}: unknown kind of scale; use one of {choices}"), key=config_key("kind"), ...)`.
    A ValueError, so callers that catch one still do; `str()` is the English, `message` the text the
    console translates where it shows it."""

    def __init__(self, msgid: str, /, **params: Any) -> None:
        self.message = Message(msgid, **params)
        super().__init__(self.message)


def reason_of(exc: BaseException) -> str:
    """Why `exc` refused a setting: its `Message` when it has one (translated where shown), else its
    English text (a programming error, or a library's own refusal)."""
    message = getattr(exc, "message", None)
    return message if isinstance(message, Message) else str(exc)


# Only plain spaces are spacing here: `\s` would take a GS or a NEL for one and hide it.
_SPACES = re.compile(" {2,}")
TYPED_MAX = 40


def typed(value: object, max_len: int = TYPED_MAX) -> str:
    """What a person typed (a setting's value) or a device sent, as a message parameter: data, never
    part of the sentence. One line, shown whole: every hidden character (a control character, an escape
    code's ESC, a line break, a zero-width one) written out as an escape (`\\x1b`) by the rule
    `station_console.safe_text.visible` shows stored text by, so a setting or a scan with garbage in it
    is seen to hold it; a tab is a space, spaces around it dropped and runs of them one; cut to
    `max_len` characters as shown, never inside an escape; `""` for nothing typed."""
    text = "" if value is None else str(value)
    shown: list[str] = []
    size = 0
    for char in _SPACES.sub(" ", text.replace("\t", " ").strip(" ")):
        piece = escape(char) if is_hidden(char) else char
        size += len(piece)
        if size > max_len:
            break
        shown.append(piece)
    return "".join(shown).rstrip(" ")
