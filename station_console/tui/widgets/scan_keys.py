"""A widget's keys shown to the counter's wedge decoder, which tells a scanner's burst by its speed: the
one way a name field (`NameInput`), a drop-down's open list (`PagedSelect`) and a tick box
(`NoScanTick`) find a scan typed into them, each then taking its keys back its own way."""

from __future__ import annotations

from typing import Any

from textual import events

from hardware.scanners.wedge import Scan, WedgeDecoder, WedgeOutput

# The keys a scan may end with: its own, stopped where it ends a scan, so it sends or ticks nothing.
TERMINATORS = ("enter", "tab", "ctrl+m", "ctrl+j", "ctrl+i")


def decoder_for(app: Any) -> WedgeDecoder | None:
    """The decoder as the counter's scanner settings say (None for an app without them)."""
    settings = getattr(app, "counter_settings", None)
    return WedgeDecoder.from_settings(settings) if settings is not None else None


def scans_in(decoder: WedgeDecoder, event: events.Key) -> list[Scan]:
    """The scans `event` completes."""
    return [out for out in decoded(decoder, event) if isinstance(out, Scan)]


def decoded(decoder: WedgeDecoder, event: events.Key) -> list[WedgeOutput]:
    """What `event` settles: scans, a person's keys, scanner output that is no whole code."""
    token = event.character if event.is_printable and event.character else event.key
    return decoder.feed(token, event.time)
