"""Text for a person from the hardware layer, which imports nothing of station_console.

A device status detail is a `Message`: a `str` holding the English text, which also keeps its message
id (the English template) and parameters so the console can translate it where it shows it
(`station_console.i18n.shown`). `N_()` marks a message id for the catalog check in tests/test_i18n.py,
so every one of them has its Chinese translation.
"""

from __future__ import annotations

from typing import Any


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
