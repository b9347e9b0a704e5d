"""Customer notifications: the outbox, templates, channels, the sender and reminders.

A service queues a message in its own transaction (`outbox.py`); `run_once` delivers them. No Textual
here. The names below are loaded on first use: check-in imports `outbox` on the console's start-up
path, while the channels (smtplib, urllib) are needed only by the sender, in its worker thread.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from station_console.services.notify.channels import (
        Channel,
        ChannelError,
        DummyChannel,
        FileChannel,
        SmtpChannel,
        WebhookChannel,
        make_channel,
    )
    from station_console.services.notify.listing import OutboxRow, list_outbox
    from station_console.services.notify.reminders import queue_reminders
    from station_console.services.notify.sender import PassResult, held, resend, run_once, waiting
    from station_console.services.notify.templates import Item, Message, render

_EXPORTS = {
    "Channel": "channels",
    "ChannelError": "channels",
    "DummyChannel": "channels",
    "FileChannel": "channels",
    "SmtpChannel": "channels",
    "WebhookChannel": "channels",
    "make_channel": "channels",
    "OutboxRow": "listing",
    "list_outbox": "listing",
    "queue_reminders": "reminders",
    "PassResult": "sender",
    "held": "sender",
    "resend": "sender",
    "waiting": "sender",
    "run_once": "sender",
    "Item": "templates",
    "Message": "templates",
    "render": "templates",
}

__all__ = [
    "Channel",
    "ChannelError",
    "DummyChannel",
    "FileChannel",
    "Item",
    "Message",
    "OutboxRow",
    "PassResult",
    "SmtpChannel",
    "WebhookChannel",
    "held",
    "list_outbox",
    "make_channel",
    "queue_reminders",
    "render",
    "resend",
    "run_once",
    "waiting",
]


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(import_module(f"{__name__}.{module}"), name)
