"""A message kept in the database to be read later (a print job's or an outbox row's `last_error`), shown
in the language of whoever reads it then, not of the moment it was stored.

`to_store(text)` keeps a message of ours (a hardware `Message`, a `StationError`) as JSON of its id and
parameters, `{"msgid": ..., "params": {...}}` (a refusal's advice by its id too, `"advice": ...`), in the
same text column; other text (a remote server's own answer, data) is stored as it is. `stored_text(value, lang)` is the one way back to shown text:
JSON of a message id we know is translated; anything else is a row from before (plain English), a bare
message id (translated), or data (kept).
"""

from __future__ import annotations

import json
from typing import Any

from hardware.messages import Message
from station_console.errors import StationError, advised
from station_console.i18n import Later, LaterText, catalog, get_language, translate
from station_console.safe_text import visible

MAX_LEN = 500  # the `last_error` columns
PARAM_MAX = 200  # a parameter's text (a system's error, a path) kept in a stored message
_PREFIX = '{"msgid": '


def _encoded(text: Any) -> Any:
    """One message or parameter as JSON-ready data: a message of ours as {"msgid", "params"}."""
    if isinstance(text, Message):
        return {"msgid": text.msgid, "params": {k: _param(v) for k, v in text.params.items()}}
    if isinstance(text, StationError) and text.one is None:
        encoded = {"msgid": text.msgid, "params": {k: _param(v) for k, v in text.params.items()}}
        if text.advice is not None:
            encoded["advice"] = text.advice
        return encoded
    return None


def _param(value: Any) -> Any:
    if isinstance(value, LaterText):
        value = value.text
    elif isinstance(value, Later):  # no message id of its own to keep: its text, as shown now
        value = value.message()
    nested = _encoded(value)
    if nested is not None:
        return nested
    if isinstance(value, bool) or not isinstance(value, int | float):
        return str(value)[:PARAM_MAX]
    return value


def to_store(text: str | Message | StationError, max_len: int = MAX_LEN) -> str:
    """`text` as stored for later: a message of ours as its id and parameters (JSON), else as it is;
    never longer than `max_len` (a message that would be is stored as its English, cut)."""
    encoded = _encoded(text)
    if encoded is not None and _decoded(encoded, "en") is not None:  # ours, and readable back
        stored = json.dumps(encoded, ensure_ascii=False)
        if len(stored) <= max_len:
            return stored
    return str(text)[:max_len]


def _known(msgid: Any) -> bool:
    return isinstance(msgid, str) and msgid in catalog("zh")


def _current_id(msgid: Any) -> Any:
    """`msgid` as the catalogue has it now: a refusal stored before it ended in its full stop is
    read under its id with the stop."""
    if isinstance(msgid, str) and not _known(msgid) and _known(msgid + "."):
        return msgid + "."
    return msgid


def _decoded(value: Any, lang: str) -> str | None:
    """A stored {"msgid", "params"} in `lang`; None when it is not one of our messages."""
    if not isinstance(value, dict) or set(value) - {"advice"} != {"msgid", "params"}:
        return None
    value = {**value, "msgid": _current_id(value["msgid"])}
    if "advice" in value:
        value["advice"] = _current_id(value["advice"])
    if not _known(value["msgid"]) or ("advice" in value and not _known(value["advice"])):
        return None
    params = value["params"]
    if not isinstance(params, dict):
        return None
    shown: dict[str, Any] = {}
    for key, param in params.items():
        if isinstance(param, dict):
            nested = _decoded(param, lang)
            if nested is None:
                return None
            shown[key] = nested
        elif isinstance(param, str | int | float):
            shown[key] = param
        else:
            return None
    try:
        reason = translate(value["msgid"], lang, **shown)
    except (KeyError, IndexError, ValueError):  # a parameter the template lacks: not ours after all
        return None
    return advised(reason, value["advice"], lang) if "advice" in value else reason


def stored_text(value: str | None, lang: str | None = None) -> str:
    """What `to_store` kept, as shown in `lang` (default: the current language); "" for nothing.
    Control characters come out as escapes (`safe_text.visible`): a remote server wrote some of it."""
    if not value:
        return ""
    lang = lang or get_language()
    if value.startswith(_PREFIX):
        try:
            shown = _decoded(json.loads(value), lang)
        except ValueError:
            shown = None
        if shown is not None:
            return visible(shown)
    current = _current_id(value)
    return visible(translate(current, lang) if _known(current) else value)
