"""`station events ...`: send the carrier outbox, list it (the dead-letter list), retry or drop an event."""

from __future__ import annotations

import sys

import click

from station_console.cli_help import argument, group, option
from station_console.commands._support import NOT_ALL_SENT, PARTLY_DONE, CliApp, emit_json, pass_app, repeat
from station_console.commands._typed_values import ROW_ID
from station_console.commands.shelves import attempt
from station_console.i18n import N_, _, _n
from station_console.logs import setup_logging
from station_console.text_columns import table_lines

# Services and hardware are imported inside each command, not here: cli.LazyGroup imports every
# command module for any `station` call, and a command should load only what it runs (CLI start-up).

STATUSES = click.Choice(["queued", "sending", "sent", "failed", "dead", "dropped", "cancelled"])
HEADERS = (
    N_("Id"),
    N_("Time"),
    N_("Carrier"),
    N_("Event"),
    N_("Waybill"),
    N_("Status"),
    N_("Tries"),
    N_("Error"),
)


def register(cli: click.Group) -> None:
    cli.add_command(events)


@group()
def events() -> None:
    """Events back to carriers and platforms: arrivals, pickups, returns, door deliveries."""


@events.command("send")
@option(
    "--once",
    is_flag=True,
    help=(
        "One pass over the outbox, then exit: 0 all sent; 4 some wait for a retry or were put on the "
        "dead-letter list in this pass; 3 a carrier could send nothing (its target or secret unusable, or "
        "removed while events were left for it)."
    ),
)
@option("--interval", default=10.0, show_default=True, help="Seconds between passes (without --once).")
@option("--json", "as_json", is_flag=True, help="Each pass's outcome as JSON.")
@pass_app
def events_send(app: CliApp, once: bool, interval: float, as_json: bool) -> None:
    """Deliver the queued events to each carrier's webhook or file (as the console does in the background).

    With --once it exits 0 when nothing is left to send, 4 when events wait for a retry (a receiver
    down: tried now, or not due again yet) or went to the dead-letter list in this pass, and 3 when a
    carrier could send nothing because its target cannot be used (a retry never helps until it is fixed),
    events left for a carrier whose target was removed counted there, not as waiting.
    """
    from station_console.services.carrier_events import sender

    setup_logging()
    unusable: list[str] = []
    not_all_sent = False

    def one_pass() -> None:
        nonlocal not_all_sent
        result = sender.run_once(app.station)
        # Events of a carrier with no usable target (its target removed since they were queued) wait
        # for nothing a retry does: counted apart, and as that carrier's fault, not as waiting.
        stranded = sender.stranded(app.station)
        waiting = max(0, sender.waiting(app.station) - sum(stranded.values()))
        unusable[:] = sorted({*result.unusable, *stranded})
        not_all_sent = bool(waiting or result.dead)
        if as_json:
            emit_json({**result.as_json(), "unusable": unusable, "waiting": waiting, "stranded": stranded})
        elif result.sent or result.failed or result.dead or result.errors or once:
            click.echo(
                _(
                    "Sent {sent}; {waiting} waiting for a retry, {dead} dead-lettered",
                    sent=_n("{n} event", "{n} events", len(result.sent), n=len(result.sent)),
                    waiting=waiting,
                    dead=len(result.dead),
                )
            )
            for carrier, error in sorted(result.errors.items()):
                click.echo("  " + _("{label}: {value}", label=carrier, value=error), err=True)
            for carrier, count in sorted(stranded.items()):
                click.echo(
                    "  "
                    + _(
                        "{carrier}: {events} cannot be sent, as the carrier has no usable event target: "
                        "drop them (station events drop ID --reason ...) or set its target again.",
                        carrier=carrier,
                        events=_n("{n} event", "{n} events", count, n=count),
                    ),
                    err=True,
                )

    repeat(app, one_pass, once=once, interval=interval, as_json=as_json)
    if once and unusable:
        # The pass is done, but a carrier could send nothing (its reason said above), or has events
        # left that nothing will ever send: a cron job or script must notice, as a retry never helps
        # until its target or secret is fixed (or the events dropped).
        sys.exit(PARTLY_DONE)
    if once and not_all_sent:
        # Waiting for a retry is by design, but a cron job must tell it from "all sent".
        sys.exit(NOT_ALL_SENT)


@events.command("list")
@option("--status", type=STATUSES, help="Only events in this state (dead: the dead-letter list).")
@option(
    "--limit",
    type=click.IntRange(1, 100_000),
    default=100,
    show_default=True,
    help="How many events to show, newest first.",
)
@option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
@pass_app
def events_list(app: CliApp, status: str | None, limit: int, as_json: bool) -> None:
    """The carrier outbox, newest first."""
    from station_console.services.carrier_events import dead_letters

    rows = dead_letters.list_events(app.station, status=status, limit=limit)
    if as_json:
        emit_json({"events": [r.to_json() for r in rows]})
        return
    if not rows:
        click.echo(_("No carrier events."))
        return
    zone = app.station.zone()
    table = [
        [
            str(r.id),
            r.at.astimezone(zone).strftime("%m-%d %H:%M"),
            r.carrier,
            _(dead_letters.KIND_LABELS.get(r.kind, r.kind)),
            r.waybill,
            r.status_text(),  # a held-back event names the one it waits behind
            str(r.tries),
            r.last_error or "",
        ]
        for r in rows
    ]
    for line in table_lines([[_(h) for h in HEADERS], *table]):
        click.echo(line)


@events.command("retry")
@argument("event_id", type=ROW_ID, metavar="ID")
@pass_app
def events_retry(app: CliApp, event_id: int) -> None:
    """Send a dead (or failed) event again at the next pass."""
    from station_console.services.carrier_events import dead_letters

    attempt(lambda: dead_letters.retry(app.station, event_id))
    click.echo(_("Event {id} queued again.", id=event_id))


@events.command("drop")
@argument("event_id", type=ROW_ID, metavar="ID")
@option("--reason", required=True, help="Why it will never be sent (kept in the audit trail).")
@pass_app
def events_drop(app: CliApp, event_id: int, reason: str) -> None:
    """Give up on an event for good (manager, with a reason)."""
    from station_console.services.carrier_events import dead_letters

    attempt(lambda: dead_letters.drop(app.station, event_id, reason))
    click.echo(_("Event {id} dropped.", id=event_id))
