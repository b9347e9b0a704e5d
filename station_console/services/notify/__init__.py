"""Customer notifications: templates, channels, the outbox sender and reminders.

Check-in queues rows in the outbox (`services.outbox`); `run_once` delivers them. No Textual here.
"""

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
from station_console.services.notify.sender import PassResult, resend, run_once
from station_console.services.notify.templates import Item, Message, render

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
    "list_outbox",
    "make_channel",
    "queue_reminders",
    "render",
    "resend",
    "run_once",
]
