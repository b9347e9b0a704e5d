"""`station notify` (run the sender) and `station outbox` (list, resend). Recipients shown masked."""

from __future__ import annotations

import sys

import click

from station_console.cli_help import argument, command, group, option
from station_console.commands._support import (
    NOT_ALL_SENT,
    PARTLY_DONE,
    CliApp,
    emit_json,
    fail,
    pass_app,
    repeat,
)
from station_console.commands._typed_values import ROW_ID
from station_console.errors import StationError
from station_console.i18n import N_, _, _n, label_of
from station_console.logs import setup_logging
from station_console.text_columns import table_lines

# Services and hardware are imported inside each command, not here: cli.LazyGroup imports every
# command module for any `station` call, and a command should load only what it runs (CLI start-up).

HEADERS = (
    N_("Id"),
    N_("Kind"),
    N_("Status"),
    N_("Tries"),
    N_("Code"),
    N_("Recipient"),
    N_("Queued"),
    N_("Error"),
)
STATUSES = ("queued", "sending", "sent", "failed", "cancelled")


def register(cli: click.Group) -> None:
    cli.add_command(notify_command)
    cli.add_command(outbox)


@command("notify")
@option(
    "--once",
    is_flag=True,
    help=(
        "One pass over the outbox, then exit: 0 nothing waits for a retry; 4 some messages wait for a "
        "retry or were given up on in this pass; 3 customer messages are off (notification channel "
        "none) while some are held in the outbox."
    ),
)
@option("--interval", default=10.0, show_default=True, help="Seconds between passes (without --once).")
@option("--json", "as_json", is_flag=True, help="Each pass's outcome as JSON.")
@pass_app
def notify_command(app: CliApp, once: bool, interval: float, as_json: bool) -> None:
    """Send what waits in the outbox (and queue today's reminders) through the chosen channel.

    With --once it exits 0 when no message waits for a retry, and 4 when some do (the channel down:
    tried now, or not due again yet) or were given up on in this pass, as `events send --once` does;
    3 when customer messages are off (notification channel none) and some are held in the outbox: none
    goes out until a channel is chosen, then those whose parcel is still on the shelf do.
    """
    from station_console.services import notify

    setup_logging()
    not_all_sent = held = False
    said_held = 0  # between passes, said again only when it changed

    def one_pass() -> None:
        nonlocal not_all_sent, held, said_held
        result = notify.run_once(app.station)
        # Messages off: nothing is retried, so what waits is counted as held, not as waiting.
        waiting = 0 if result.off else notify.waiting(app.station)
        not_all_sent, held = bool(waiting or result.gave_up), bool(result.held)
        if as_json:
            emit_json(
                {"channel": app.station.settings().notify_channel, **result.as_json(), "waiting": waiting}
            )
        elif result.off:
            if once or result.held != said_held:
                said_held = result.held
                click.echo(
                    _n(
                        "Customer messages are off (notification channel: none): {n} message held in the "
                        "outbox, not sent. Choose a channel in Settings to send it.",
                        "Customer messages are off (notification channel: none): {n} messages held in the "
                        "outbox, not sent. Choose a channel in Settings to send them.",
                        result.held,
                        n=result.held,
                    ),
                    err=bool(result.held),
                )
        elif result.sent or result.failed or result.gave_up or result.reminders or once:
            click.echo(
                _(
                    "Sent {messages} for {parcels}; {waiting} waiting for a retry, {gave_up} failed for good;"
                    " {reminders} queued",
                    messages=_n("{n} message", "{n} messages", result.messages, n=result.messages),
                    parcels=_n("{n} parcel", "{n} parcels", len(result.sent), n=len(result.sent)),
                    waiting=waiting,
                    gave_up=len(result.gave_up),
                    reminders=_n("{n} reminder", "{n} reminders", result.reminders, n=result.reminders),
                )
            )
            if result.error:
                click.echo(f"  {result.error}", err=True)

    repeat(app, one_pass, once=once, interval=interval, as_json=as_json)
    if once and held:
        # Customers are not being told, and no retry changes that until a channel is chosen: a cron job
        # must notice, as `events send --once` exits for a target that cannot be used.
        sys.exit(PARTLY_DONE)
    if once and not_all_sent:
        # Waiting for a retry is by design, but a cron job must tell it from "all sent".
        sys.exit(NOT_ALL_SENT)


@group(invoke_without_command=True)
@option("--status", type=click.Choice(STATUSES), help="Only messages in this state.")
@option(
    "--limit",
    default=100,
    show_default=True,
    help="How many messages to show: failed ones first, then newest first.",
)
@option("--json", "as_json", is_flag=True, help="The messages as JSON.")
@click.pass_context
def outbox(ctx: click.Context, status: str | None, limit: int, as_json: bool) -> None:
    """List the notification outbox (recipients masked)."""
    if ctx.invoked_subcommand is not None:
        return
    from station_console.services import notify
    from station_console.services.notify.templates import KIND_LABELS

    app = ctx.find_object(CliApp)
    assert app is not None  # the root command always sets it
    try:
        rows = notify.list_outbox(app.station, status=status, limit=limit)
    except StationError as exc:
        fail(exc, as_json=as_json)
    if as_json:
        emit_json({"messages": [r.as_json() for r in rows]})
        return
    if not rows:
        click.echo(_("The outbox is empty."))
        return
    zone = app.station.zone()
    table = [
        [
            str(r.id),
            label_of(KIND_LABELS, r.kind),
            r.shown_status(),
            str(r.attempts),
            r.pickup_code or "",
            r.recipient,
            r.created_at.astimezone(zone).strftime("%m-%d %H:%M"),
            r.last_error or "",
        ]
        for r in rows
    ]
    header = [_(h) for h in HEADERS]
    for line in table_lines([header, *table]):
        click.echo(line)


@outbox.command("resend")
@argument("message_id", type=ROW_ID, metavar="ID")
@option("--json", "as_json", is_flag=True, help="The queued message as JSON.")
@pass_app
def resend(app: CliApp, message_id: int, as_json: bool) -> None:
    """Queue a failed (or sent) message again; the next sender pass sends it."""
    from station_console.services import notify

    try:
        note = notify.resend(app.station, message_id)
    except StationError as exc:
        fail(exc, as_json=as_json)
    if as_json:
        emit_json({"id": note.id, "status": note.status})
        return
    click.echo(_("Message {id} queued again", id=message_id))
