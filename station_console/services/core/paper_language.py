"""The language a paper prints in: the one it was asked for in, kept in its print job's payload (`lang`),
so a manifest or receipt queued by `station --lang zh` prints in Chinese whichever console or command
sends the queue. Here, below every flow, so that each flow queuing a paper (fees too, which sits below
printing) keeps it the one way."""

from __future__ import annotations

from typing import Any

from station_console.i18n import get_language

# Stickers, drawn in their printer's language; every other job is a paper drawn in the language it was asked in.
LABEL_KINDS = ("label", "test", "waybill")


def with_language(kind: str, payload: dict[str, Any]) -> dict[str, Any]:
    """A paper's payload with the language it was asked for in (`lang`). A label is drawn in its
    printer's language (a sticker, read at the shelf), so it keeps none; a payload that says one (a
    copy of a paper) keeps it."""
    if kind in LABEL_KINDS or "lang" in payload:
        return payload
    return {**payload, "lang": get_language()}
