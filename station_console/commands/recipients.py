"""`station recipients ...`: the recipient directory, consent and delivery choice, matching parcels."""

from __future__ import annotations

from typing import Any

import click

from station_console.cli_help import argument, group, option
from station_console.commands._field_pairs import field_pairs
from station_console.commands._support import CliApp, emit_json, pass_app
from station_console.commands.shelves import attempt
from station_console.i18n import N_, _, _n, label_of
from station_console.text_columns import table_lines

# Services and hardware are imported inside each command, not here: cli.LazyGroup imports every
# command module for any `station` call, and a command should load only what it runs (CLI start-up).

CHOICES = click.Choice(["station", "door", "locker", "proxy"])
CHANNELS = click.Choice(["counter", "phone", "sms", "app", "paper"])


def register(cli: click.Group) -> None:
    from station_console.commands import _recipients_import

    _recipients_import.register(recipients_group)
    cli.add_command(recipients_group)


@group("recipients")
def recipients_group() -> None:
    """The recipient directory (campus, compound, office): import, look up, edit, consent, matching."""


# -- reading ------------------------------------------------------------------------------------------


def _cells(view: Any) -> list[str]:
    from station_console.services.notify.templates import PREFERENCE_LABELS
    from station_console.services.recipients.fields import consent_label

    state = "" if view.active else "  " + _("deactivated")
    choice = label_of(PREFERENCE_LABELS, view.delivery_preference) if view.delivery_preference else "-"
    consent = consent_label(view.consent, recorded=view.consent_recorded)
    return [
        view.external_id or f"#{view.id}",
        view.shown_name,
        view.location or "-",
        ", ".join(view.phones) or "-",
        choice,
        consent + state,
    ]


def _line(view: Any) -> str:
    return table_lines([_cells(view)])[0]


@recipients_group.command("list")
@option("--building", help="Only this building.")
@option("--all", "include_inactive", is_flag=True, help="Deactivated people too.")
@option(
    "--limit",
    type=click.IntRange(1, 100_000),
    default=500,
    show_default=True,
    help="How many people to show.",
)
@option("--json", "as_json", is_flag=True, help="One JSON array (phones and e-mail masked).")
@pass_app
def list_command(
    app: CliApp, building: str | None, include_inactive: bool, limit: int, as_json: bool
) -> None:
    """People in the directory, by address; phones masked."""
    from station_console.services.recipients import directory

    rows = attempt(
        lambda: directory.list_recipients(
            app.station, building=building, include_inactive=include_inactive, limit=limit
        ),
        as_json=as_json,
    )
    if as_json:
        emit_json([r.to_json() for r in rows])
        return
    for line in table_lines([_cells(row) for row in rows]):
        click.echo(line)
    if not rows:
        click.echo(_("Nobody in the directory."))


@recipients_group.command("show")
@argument("ref")
@option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
@pass_app
def show_command(app: CliApp, ref: str, as_json: bool) -> None:
    """One person (external id, or #id) with their consent history."""
    from station_console.services.recipients import consent, directory
    from station_console.services.recipients.fields import CHANNEL_LABELS, LANGUAGE_LABELS, SOURCE_LABELS

    view = attempt(lambda: directory.get(app.station, ref), as_json=as_json)
    history = attempt(lambda: consent.history(app.station, view.id), as_json=as_json)
    if as_json:
        emit_json({**view.to_json(), "history": [h.to_json() for h in history]})
        return
    click.echo(_line(view))
    for label, value in (
        (_("E-mail"), view.email),
        (_("Department"), view.department),
        (_("Floor"), view.floor),
        (_("Language"), label_of(LANGUAGE_LABELS, view.language) if view.language else None),
        (_("Proxies allowed"), _("yes") if view.proxy_allowed else _("no")),
        (_("Reminders"), _("off") if view.reminders_opt_out else _("on")),
        (_("Source"), label_of(SOURCE_LABELS, view.source)),
    ):
        click.echo("  " + _("{label}: {value}", label=label, value=value if value is not None else "-"))
    zone = app.station.zone()
    for h in history:
        click.echo(
            f"  {h.at.astimezone(zone):%Y-%m-%d %H:%M} {label_of(CHANNEL_LABELS, h.channel)} " + h.told()
        )


@recipients_group.command("match")
@argument("text")
@option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
@pass_app
def match_command(app: CliApp, text: str, as_json: bool) -> None:
    """Who a typed name, pinyin initials (zs), unit or room (3-502), id or phone tail names."""
    from station_console.services.recipients import matching
    from station_console.services.recipients.consent import consent_tag

    found = attempt(lambda: matching.match(app.station, text), as_json=as_json)
    if as_json:
        emit_json([m.to_json() for m in found])
        return
    table = [
        [
            m.external_id or f"#{m.id}",
            m.name,
            m.location or "-",
            m.phone or "-",
            consent_tag(m.consent_state),
        ]
        for m in found
    ]
    for line in table_lines(table):
        click.echo(line)
    if not found:
        click.echo(_("Nobody matches."))


# -- changes ------------------------------------------------------------------------------------------


@recipients_group.command("add")
@option("--set", "values", multiple=True, metavar="FIELD=VALUE", help="name=..., phones=..., room=...")
@option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
@pass_app
def add_command(app: CliApp, values: tuple[str, ...], as_json: bool) -> None:
    """Add one person by hand (manager)."""
    from station_console.services.recipients import directory

    view = attempt(lambda: directory.add(app.station, field_pairs(values, "--set")), as_json=as_json)
    if as_json:
        emit_json(view.to_json())
    else:
        click.echo(_("Added: {line}", line=_line(view)))
        _echo_linked(view)


@recipients_group.command("edit")
@argument("ref")
@option("--set", "values", multiple=True, metavar="FIELD=VALUE", help="room=608, phones=138.../139...")
@option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
@pass_app
def edit_command(app: CliApp, ref: str, values: tuple[str, ...], as_json: bool) -> None:
    """Change fields of one person (manager); consent and choice: `recipients consent`."""
    from station_console.services.recipients import directory

    if not values:
        raise click.UsageError(_("Say what to change: --set FIELD=VALUE"))
    view = attempt(lambda: directory.edit(app.station, ref, field_pairs(values, "--set")), as_json=as_json)
    _echo_view(view, as_json)


@recipients_group.command("deactivate")
@argument("ref")
@pass_app
def deactivate_command(app: CliApp, ref: str) -> None:
    """Deactivate a person who left (manager); their parcels stay theirs, nothing is deleted."""
    from station_console.services.recipients import directory

    _echo_person(attempt(lambda: directory.set_active(app.station, ref, False)))


@recipients_group.command("activate")
@argument("ref")
@pass_app
def activate_command(app: CliApp, ref: str) -> None:
    """Bring a deactivated person back (manager)."""
    from station_console.services.recipients import directory

    _echo_person(attempt(lambda: directory.set_active(app.station, ref, True)))


@recipients_group.command("consent")
@argument("ref")
@option("--granted", is_flag=True, help="Consents to holding parcels at the station.")
@option("--refused", is_flag=True, help="Does not consent.")
@option("--withdrawn", is_flag=True, help="Takes back an earlier answer.")
@option("--choice", type=CHOICES, help="Delivery choice.")
@option("--reminders", type=click.Choice(["on", "off"]), help="Reminder messages.")
@option("--proxy", type=click.Choice(["allow", "deny"]), help="Someone else may collect without the code.")
@option("--channel", type=CHANNELS, required=True, help="How the recipient told the station.")
@option("--note", help="A short note (at most 200 characters).")
@option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
@pass_app
def consent_command(
    app: CliApp,
    ref: str,
    granted: bool,
    refused: bool,
    withdrawn: bool,
    choice: str | None,
    reminders: str | None,
    proxy: str | None,
    channel: str,
    note: str | None,
    as_json: bool,
) -> None:
    """Record what the recipient said: consent, delivery choice, reminders, proxies (with channel and clerk)."""
    from station_console.services.recipients import consent
    from station_console.services.recipients.consent import UNCHANGED, Choice

    # Flags of their own, not one shared value: two answers contradict each other, and the last typed
    # was recorded as if the other had not been.
    answers = [
        name
        for name, given in (("granted", granted), ("refused", refused), ("withdrawn", withdrawn))
        if given
    ]
    if len(answers) > 1:
        raise click.UsageError(_("Give one answer: --granted, --refused or --withdrawn."))
    answer = answers[0] if answers else None
    said = Choice(
        consent=UNCHANGED if answer is None else None if answer == "withdrawn" else answer,
        delivery_preference=UNCHANGED if choice is None else choice,
        reminders_opt_out=UNCHANGED if reminders is None else reminders == "off",
        proxy_allowed=UNCHANGED if proxy is None else proxy == "allow",
    )
    recorded = attempt(
        lambda: consent.record_answer(app.station, ref, said, channel=channel, note=note), as_json=as_json
    )
    if as_json:  # the person, and whether the answer changed anything (a repeat writes nothing)
        emit_json({**recorded.view.to_json(), "changed": recorded.changed})
    elif recorded.changed:
        _echo_person(recorded.view)
    else:  # the person's line alone would read as a change
        click.echo(recorded.unchanged_words(said))


def _echo_view(view: Any, as_json: bool) -> None:
    if as_json:
        emit_json(view.to_json())
    else:
        _echo_person(view)


def _echo_person(view: Any) -> None:
    """The person's line, then the parcels the change moved by phone (if any)."""
    click.echo(_line(view))
    _echo_linked(view)


def _echo_linked(view: Any) -> None:
    """The parcels on the shelves the change made this person's by their phone, or another's by a phone
    it took from them, if any."""
    from station_console.services.recipients.phone_links import linked_words

    if said := linked_words(view.parcels_linked, view.parcels_shared, view.parcels_left_to_other):
        click.echo(said)


@recipients_group.command("unmatched")
@option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
@pass_app
def unmatched_command(app: CliApp, as_json: bool) -> None:
    """Who is this? Parcels on the shelves with a name that matched no one or a phone people share."""
    from station_console.services.recipients import matching

    rows = attempt(lambda: matching.unmatched(app.station), as_json=as_json)
    if as_json:
        emit_json([r.to_json() for r in rows])
        return
    zone = app.station.zone()
    table = [
        [
            r.pickup_code,
            r.location,
            r.carrier,
            r.waybill,
            r.name or (_("phone shared") if r.shared_phone else "-"),
            r.masked_phone or "-",
            f"{r.checked_in_at.astimezone(zone):%m-%d %H:%M}",
        ]
        for r in rows
    ]
    for line in table_lines(table):
        click.echo(line)
    if not rows:
        click.echo(_("Every parcel with a name or a shared phone is matched."))


@recipients_group.command("link")
@argument("parcel")
@argument("ref")
@option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
@pass_app
def link_command(app: CliApp, parcel: str, ref: str, as_json: bool) -> None:
    """Say who a parcel on the shelf (waybill or code) is for: REF is an external id or #id."""
    from station_console.services.checkin.recipient import consent_note
    from station_console.services.recipients import matching
    from station_console.services.shelves.search import find_parcel_id

    station = app.station
    linked = attempt(lambda: matching.link(station, find_parcel_id(station, parcel), ref), as_json=as_json)
    if as_json:
        emit_json(linked.to_json())
        return
    if linked.already:
        click.echo(
            _(
                "{code} is already matched to {name}: nothing changed.",
                code=linked.pickup_code,
                name=linked.name,
            )
        )
        return
    click.echo(_("{code} is now matched.", code=linked.pickup_code))
    if linked.phone_added:
        click.echo(_("Phone {masked} from the directory.", masked=linked.masked_phone))
    if note := consent_note(linked.consent, wants_door=linked.wants_door):
        click.echo(note, err=True)


@recipients_group.command("report")
@option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
@pass_app
def report_command(app: CliApp, as_json: bool) -> None:
    """Consent coverage, delivery choices, and the parcels on the shelves by choice."""
    from station_console.services.notify.templates import PREFERENCE_LABELS
    from station_console.services.recipients import consent
    from station_console.text_columns import pad

    cover = attempt(lambda: consent.coverage(app.station), as_json=as_json)
    shelves = attempt(lambda: consent.parcels_by_preference(app.station), as_json=as_json)
    if as_json:
        emit_json({**cover, "parcels_by_preference": shelves})
        return
    click.echo(
        _n(
            "{active} person; consented {granted}, refused {refused}, withdrawn {withdrawn}, not asked {unknown} ({percent}% covered)",
            "{active} people; consented {granted}, refused {refused}, withdrawn {withdrawn}, not asked {unknown} ({percent}% covered)",
            cover["active"],
            active=cover["active"],
            percent=cover["coverage_percent"] if cover["coverage_percent"] is not None else "-",
            **cover["consent"],
        )
    )
    for key, label in (*PREFERENCE_LABELS.items(), ("unknown", N_("not stated"))):
        click.echo(
            f"  {pad(_(label), 30, left=True)} "
            + _(
                "{people}, {parcels} on the shelves",
                people=_n(
                    "{n} person", "{n} people", cover["by_preference"][key], n=cover["by_preference"][key]
                ),
                parcels=_n("{n} parcel", "{n} parcels", shelves[key], n=shelves[key]),
            )
        )
    click.echo(
        "  "
        + _n(
            "Not in the directory: {none} parcel; held without consent: {without}",
            "Not in the directory: {none} parcels; held without consent: {without}",
            shelves["none"],
            none=shelves["none"],
            without=shelves["without_consent"],
        )
    )
    click.echo("  " + _("Reminders turned off: {n}", n=cover["reminders_opt_out"]))
