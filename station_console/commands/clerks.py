"""`station clerk ...`, `station audit ...` and `station privacy ...`."""

from __future__ import annotations

import os
import sys
from datetime import date
from pathlib import Path

import click

from station_console.cli_help import argument, group, option
from station_console.commands._file_paths import WRITTEN_FILE
from station_console.commands._support import CliApp, emit_json, fail, pass_app
from station_console.commands._typed_values import DAY, ROW_ID
from station_console.errors import Refused, StationError
from station_console.i18n import N_, _, _n, label_of
from station_console.safe_text import visible
from station_console.text_columns import pad, table_lines

# Services and hardware are imported inside each command, not here: cli.LazyGroup imports every
# command module for any `station` call, and a command should load only what it runs (CLI start-up).


def register(cli: click.Group) -> None:
    cli.add_command(clerk_group)
    cli.add_command(audit_group)
    cli.add_command(privacy_group)


# --- clerks ------------------------------------------------------------------------------------------


@group("clerk")
def clerk_group() -> None:
    """Clerks and their PINs. The first clerk added to a new station is its manager."""


def _new_pin(app: CliApp, given: str | None) -> str:
    """The PIN for a new clerk: --pin, else $STATION_PIN when nobody is signed in (first run), else asked."""
    if given:
        return given
    env = os.environ.get("STATION_PIN")
    if env and not app.clerk_name:
        return env
    if not sys.stdin.isatty():
        raise Refused(N_("Give the new PIN with --pin."), code="pin_required")
    return str(click.prompt(_("New PIN"), hide_input=True, confirmation_prompt=True, err=True))


def _warn_new_pin_on_command_line(given: str | None) -> None:
    """A new PIN given with --pin is as public as the signing-in one (`ps`, the shell's history):
    warned about the same way, naming the hidden prompt (twice typed) that takes it instead."""
    if given is None:
        return
    said = _(
        "warning: a new PIN given with --pin can be read by anyone on this machine (ps) and stays in the "
        "shell's history; leave --pin out to be asked for it."
    )
    click.echo(f"station: {said}", err=True)


@clerk_group.command("add")
@argument("name")
@option(
    "--role",
    type=click.Choice(["clerk", "manager"]),
    default="clerk",
    show_default=True,
    help="The new clerk's role: clerk, or manager.",
)
@option("--pin", "new_pin", metavar="PIN", help="The new clerk's PIN (4-12 digits); asked for if left out.")
@option("--json", "as_json", is_flag=True, help="Print the clerk as JSON.")
@pass_app
def clerk_add(app: CliApp, name: str, role: str, new_pin: str | None, as_json: bool) -> None:
    """Add a clerk (a manager does this; on a new station the first one becomes the manager)."""
    from station_console.services.people import clerks
    from station_console.services.people.event_detail_labels import ROLE_LABELS

    _warn_new_pin_on_command_line(new_pin)  # first: the PIN is public already, refused or not
    station = app.station
    clerks.check_may_add(station)  # a clerk is refused before being asked for a PIN
    info = clerks.add_clerk(station, name, _new_pin(app, new_pin), role=role)
    if as_json:
        emit_json(info.to_json())
        return
    click.echo(_("Added {name} ({role})", name=info.name, role=label_of(ROLE_LABELS, info.role)))


@clerk_group.command("list")
@option("--json", "as_json", is_flag=True, help="One JSON array of clerks.")
@pass_app
def clerk_list(app: CliApp, as_json: bool) -> None:
    """Every clerk, with role, state and last sign-in."""
    from station_console.services.core.local_times import short_when
    from station_console.services.people import clerks
    from station_console.services.people.event_detail_labels import ROLE_LABELS

    rows = clerks.list_clerks(app.station)
    if as_json:
        emit_json([r.to_json() for r in rows])
        return
    zone, now = app.station.zone(), app.station.now()
    table = []
    for r in rows:
        last = r.last_sign_in_at.astimezone(zone).strftime("%Y-%m-%d %H:%M") if r.last_sign_in_at else "-"
        state = _("active") if r.active else _("deactivated")
        if r.locked_until is not None and r.locked_until > now:
            # A lock may run past midnight (up to a day): its time alone would read as today's.
            state = _("locked until {time}", time=short_when(r.locked_until, zone, now))
        table.append([visible(r.name), label_of(ROLE_LABELS, r.role), state, last])
    for line in table_lines(table):
        click.echo(line)


@clerk_group.command("pin")
@argument("name")
@option("--pin", "new_pin", metavar="PIN", help="The new PIN; asked for if left out.")
@pass_app
def clerk_pin(app: CliApp, name: str, new_pin: str | None) -> None:
    """Change NAME's PIN: your own (signed in as NAME), or anyone's as a manager."""
    from station_console.services.people import clerks

    _warn_new_pin_on_command_line(new_pin)  # first: the PIN is public already, refused or not
    station = app.station
    own = bool(app.clerk_name) and app.clerk_name.strip().lower() == name.strip().lower()  # type: ignore[union-attr]
    clerks.check_may_change_pin(station, name, own_with_old_pin=own)  # refused before the PIN is asked
    pin = new_pin or _new_pin(app, None)
    clerks.change_pin(station, name, pin, old_pin=app.pin if own else None)
    click.echo(_("PIN changed for {name}", name=name))


@clerk_group.command("role")
@argument("name")
@argument("role", type=click.Choice(["clerk", "manager"]))
@pass_app
def clerk_role(app: CliApp, name: str, role: str) -> None:
    """Make NAME a clerk or a manager (manager). The last manager stays one until another is made."""
    from station_console.services.people import clerks
    from station_console.services.people.event_detail_labels import ROLE_LABELS

    info = clerks.set_role(app.station, name, role)
    click.echo(_("{name} is now a {role}.", name=info.name, role=label_of(ROLE_LABELS, info.role)))


@clerk_group.command("deactivate")
@argument("name")
@pass_app
def clerk_deactivate(app: CliApp, name: str) -> None:
    """Stop NAME from signing in (manager). Their past events keep their name."""
    from station_console.services.people import clerks

    clerks.set_active(app.station, name, False)
    click.echo(_("{name} can no longer sign in", name=name))


@clerk_group.command("unlock")
@argument("name")
@pass_app
def clerk_unlock(app: CliApp, name: str) -> None:
    """End NAME's lock-out after too many wrong PINs (manager)."""
    from station_console.services.people import clerks

    info, ended = clerks.unlock(app.station, name)
    if ended:
        click.echo(_("{name} can sign in again.", name=info.name))
    else:
        click.echo(_("{name} was not locked: nothing to do.", name=info.name))


@clerk_group.command("activate")
@argument("name")
@pass_app
def clerk_activate(app: CliApp, name: str) -> None:
    """Let a deactivated clerk sign in again (manager)."""
    from station_console.services.people import clerks

    clerks.set_active(app.station, name, True)
    click.echo(_("{name} can sign in again.", name=name))


# --- audit -------------------------------------------------------------------------------------------


@group("audit")
def audit_group() -> None:
    """The audit trail: verify its hash chain, a parcel's timeline, a clerk's activity, one event whole."""


@audit_group.command("verify")
@option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
@pass_app
def audit_verify(app: CliApp, as_json: bool) -> None:
    """Check every event's hash and link. Exit 0 when the chain holds, 1 naming the first bad event."""
    from station_console.services.people.audit_trail import verify

    result = verify(app.station)
    if as_json:
        emit_json(result.to_json())
    elif result.ok:
        click.echo(result.message())
    else:
        click.echo(f"station: {result.message()}", err=True)
    sys.exit(0 if result.ok else 1)


def _print_entries(app: CliApp, entries: list, *, show_waybill: bool) -> None:  # type: ignore[type-arg]
    from station_console.services.people.audit_trail import kind_label
    from station_console.services.people.event_details import details_text

    zone = app.station.zone()
    table = []
    for e in entries:
        when = e.at.astimezone(zone).strftime("%Y-%m-%d %H:%M:%S")
        who = f"{e.clerk or '-'}@{e.counter or '-'}"
        where = f"{e.waybill} " if show_waybill and e.waybill else ""
        details = details_text(
            e.kind, e.details, zone=zone, waybill=e.waybill, clerk=e.clerk, carrier_name=e.carrier_name
        )
        table.append([str(e.id), when, kind_label(e.kind), who, where + details])
    for line in table_lines(table, right={0}):
        click.echo(line)


@audit_group.command("show")
@argument("event_id", type=ROW_ID, metavar="ID")
@option("--json", "as_json", is_flag=True, help="The event as JSON, its details as stored.")
@pass_app
def audit_show(app: CliApp, event_id: int, as_json: bool) -> None:
    """One event whole, by its ID (the first column of timeline and activity, which cut long details):
    each detail on its own line, phones masked as stored."""
    from station_console.services.people.audit_trail import audit_event, kind_label
    from station_console.services.people.event_details import Detail, event_details, label

    e = audit_event(app.station, event_id)
    if as_json:
        emit_json(e.to_json())
        return
    zone = app.station.zone()
    when = e.at.astimezone(zone).strftime("%Y-%m-%d %H:%M:%S")
    click.echo(f"{e.id}  {when}  {kind_label(e.kind)}  {visible(e.clerk or '-')}@{visible(e.counter or '-')}")
    shown = event_details(
        e.kind,
        e.details,
        zone=zone,
        waybill=e.waybill,
        clerk=e.clerk,
        carrier_name=e.carrier_name,
        whole=True,
    )
    if e.waybill:
        shown.insert(0, Detail("waybill", label("waybill"), visible(e.waybill)))
    for detail in shown:
        click.echo(f"  {detail.text()}")


@audit_group.command("timeline")
@argument("waybill")
@option("--json", "as_json", is_flag=True, help="One JSON array of events.")
@pass_app
def audit_timeline(app: CliApp, waybill: str, as_json: bool) -> None:
    """Every event of the parcel(s) with WAYBILL, oldest first: when, what, who, at which counter."""
    from station_console.services.people.audit_trail import parcel_timeline

    entries = parcel_timeline(app.station, waybill)
    if as_json:
        emit_json([e.to_json() for e in entries])
        return
    _print_entries(app, entries, show_waybill=False)


@audit_group.command("activity")
@argument("name")
@option(
    "--day",
    type=DAY,
    metavar="YYYY-MM-DD",
    help="One business day (default: recent events).",
)
@option(
    "--limit", type=click.IntRange(1, 100_000), default=200, show_default=True, help="Newest events shown."
)
@option("--json", "as_json", is_flag=True, help="Counts and events as JSON.")
@pass_app
def audit_activity(app: CliApp, name: str, day: date | None, limit: int, as_json: bool) -> None:
    """What clerk NAME did: counts by kind, then the newest events."""
    from station_console.services.people.audit_trail import clerk_activity, kind_label

    activity = clerk_activity(app.station, name, day=day, limit=limit)
    if as_json:
        emit_json(activity.to_json())
        return
    if not activity.counts and not activity.entries:
        click.echo(_("No events of {name}.", name=name))
        return
    for kind, count in activity.counts.items():
        click.echo(f"{pad(kind_label(kind), 20)} {count:>6}")
    click.echo("")
    _print_entries(app, activity.entries, show_waybill=True)


# --- privacy -----------------------------------------------------------------------------------------


@group("privacy")
def privacy_group() -> None:
    """Personal data: purge old phone numbers, export or delete one person's data."""


@privacy_group.command("purge")
@option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
@pass_app
def privacy_purge(app: CliApp, as_json: bool) -> None:
    """Clear full phone numbers of parcels that left the station more than phone_purge_days ago, and the
    names, addresses and ID digits of sends older than send_record_keep_days."""
    from station_console.services.people.privacy import purge_phones

    station = app.station
    try:
        result = purge_phones(station)
    except StationError as exc:
        fail(exc, as_json=as_json)
        return
    if as_json:
        emit_json(result.to_json())
        return
    click.echo(
        _n(
            "Purged {n} full phone number (parcels gone for {days} days or more)",
            "Purged {n} full phone numbers (parcels gone for {days} days or more)",
            result.purged,
            n=result.purged,
            days=result.days,
        )
    )
    click.echo(
        _(
            "Purged {sends} and {senders} (sends gone for {days} or more)",
            sends=_n("{n} send record", "{n} send records", result.sends, n=result.sends),
            senders=_n("{n} sender", "{n} senders", result.senders, n=result.senders),
            days=_n("{n} day", "{n} days", result.send_days, n=result.send_days),
        )
    )


@privacy_group.command("export")
@argument("phone")
@option(
    "-o",
    "--output",
    type=WRITTEN_FILE,
    help="Write the JSON to this file (default: standard output).",
)
@pass_app
def privacy_export(app: CliApp, phone: str, output: Path | None) -> None:
    """Everything the station holds about the person with full number PHONE, as JSON (manager)."""
    from station_console.services.people.person_export import export_person, export_person_to

    station = app.station
    if output is None:
        try:  # said once, on stderr, as every command without --json says a refusal (it was twice)
            data = export_person(station, phone)
        except StationError as exc:
            fail(exc)
            return
        emit_json(data)
        return
    data = export_person_to(station, phone, output)  # 0600, whole or not at all, and audited so
    click.echo(
        _n(
            "Wrote {n} parcel to {path}",
            "Wrote {n} parcels to {path}",
            len(data["parcels"]),
            n=len(data["parcels"]),
            path=output,
        ),
        err=True,
    )


@privacy_group.command("delete")
@argument("phone")
@option("--yes", is_flag=True, help="Do not ask for confirmation.")
@option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
@pass_app
def privacy_delete(app: CliApp, phone: str, yes: bool, as_json: bool) -> None:
    """Blank the phone, email and name of the person with full number PHONE on all their parcels, and on
    their sends as far as the real-name period allows (manager)."""
    from station_console.services.people.privacy import delete_person

    station = app.station
    if not yes and sys.stdin.isatty():
        click.confirm(_("Delete this person's phone, email and name from all their parcels?"), abort=True)
    try:
        result = delete_person(station, phone)
    except StationError as exc:
        fail(exc, as_json=as_json)
        return
    if as_json:
        emit_json(result.to_json())
        return
    click.echo(
        _n(
            "Deleted the person's data from {n} parcel",
            "Deleted the person's data from {n} parcels",
            result.parcels,
            n=result.parcels,
        )
    )
    if result.senders or result.sends or result.sends_kept:
        click.echo(
            _(
                "Sends: {sends} cleared, {kept} kept until their real-name period ends; "
                "{senders} taken off the sender list",
                sends=result.sends,
                kept=result.sends_kept,
                senders=_n("{n} sender", "{n} senders", result.senders, n=result.senders),
            )
        )
