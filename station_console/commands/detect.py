"""`station detect` and `station carriers list|add|edit`."""

from __future__ import annotations

import sys
from typing import Any

import click

from station_console.cli_help import argument, command, group, option
from station_console.commands._support import CliApp, emit_json, fail, pass_app
from station_console.errors import NotFound, StationError
from station_console.i18n import N_, _, clauses, get_language, listed
from station_console.text_columns import table_lines

# Services and hardware are imported inside each command, not here: cli.LazyGroup imports every
# command module for any `station` call, and a command should load only what it runs (CLI start-up).


def register(cli: click.Group) -> None:
    cli.add_command(detect)
    cli.add_command(carriers_group)


@command()
@option("--batch", metavar="CARRIER", help="The carrier being received; it wins when the number fits it.")
@option("--json", "as_json", is_flag=True, help="One JSON object per input line.")
@argument("waybills", nargs=-1)
@pass_app
def detect(app: CliApp, batch: str | None, as_json: bool, waybills: tuple[str, ...]) -> None:
    """Tell the carrier of each WAYBILL (or of each line on stdin). Exit 1 if any is rejected."""
    from station_console.services.scan.carriers import get_detector
    from station_console.services.scan.phone_scans import (
        mobile_shaped_waybill,
        phone_not_waybill,
        scanned_phone,
    )

    detector = get_detector(app.station)
    if batch is not None:
        batch = batch.strip().upper()
        if batch not in detector.carriers:
            fail(
                NotFound(N_("No carrier with code {carrier}."), code="carrier_not_found", carrier=batch),
                as_json=as_json,
            )
    if not waybills and sys.stdin.isatty():
        raise click.UsageError(_("Give one or more waybill numbers, or pipe them in one a line."))
    # A blank line between the numbers piped in is no number (it was a rejected empty waybill).
    inputs = waybills or tuple(line.rstrip("\r\n") for line in sys.stdin if line.strip())
    rejected = 0
    for raw in inputs:
        found = detector.detect(raw, batch=batch)
        phone = scanned_phone(raw, found.waybill)
        # `--batch DHL` says the numbers are DHL's: a DHL Express waybill shaped as a mobile is told as one.
        if phone is not None and mobile_shaped_waybill(found, batch) is None:
            # Refused as check-in refuses it, said masked: a file of phones piped in is not echoed whole.
            refusal = phone_not_waybill(phone, advice=None)
            shown = str(refusal.params["waybill"])
            rejected += 1
            if as_json:
                emit_json({**found.to_json(), "input": shown, "waybill": None, "error": refusal.message()})
            else:
                click.echo(_("{waybill}: rejected: {reason}", waybill=shown, reason=refusal.message()))
            continue
        rejected += found.error is not None
        if as_json:
            emit_json(found.to_json())
            continue
        shown = found.waybill or raw.strip()
        if found.error is not None:
            click.echo(_("{waybill}: rejected: {reason}", waybill=shown, reason=found.error.message()))
            continue
        best = found.candidates[0]
        # Whole messages joined as the language joins clauses: a half-width space glued before a Chinese
        # one read "…（顺丰） 校验位正确".
        if best.checksum:
            line = _(
                "{waybill}: {carrier} ({name}), check digit OK",
                waybill=shown,
                carrier=best.carrier,
                name=best.name(),
            )
        else:
            line = _("{waybill}: {carrier} ({name})", waybill=shown, carrier=best.carrier, name=best.name())
        others = [c.carrier for c in found.candidates[1:]]
        if others:
            line = clauses([line, _("also fits {carriers}", carriers=listed(others))])
        if found.conflict:
            line += "; " + _("not {batch}: confirm the carrier", batch=batch)
        click.echo(line)
    sys.exit(1 if rejected else 0)


@group("carriers")
def carriers_group() -> None:
    """The carrier table: names, waybill patterns, check-digit rules, fees."""


def _carrier_json(row: Any) -> dict[str, Any]:
    return row.model_dump(exclude={"id"})


@carriers_group.command("list")
@option("--json", "as_json", is_flag=True, help="One JSON array of carriers.")
@pass_app
def carriers_list(app: CliApp, as_json: bool) -> None:
    """Every carrier, in display order."""
    from station_console.services.scan.carriers import list_carriers

    rows = list_carriers(app.station)
    if as_json:
        emit_json([_carrier_json(row) for row in rows])
        return
    table = []
    for row in rows:
        patterns = "  ".join(
            p.get("regex", "") + (f" [{p['checksum']}]" if p.get("checksum") else "") for p in row.patterns
        )
        # One message with its bracket: Chinese takes no space before "（".
        shown = patterns if row.active else _("{patterns} (inactive)", patterns=patterns)
        table.append([row.code, _name(row), str(row.fee_cents), shown])
    for line in table_lines(table, right={2}):
        click.echo(line)


def _name(row: Any) -> str:
    return str(row.name_zh if get_language() == "zh" else row.name_en)


def _pattern_specs(patterns: tuple[str, ...], checksum: str | None) -> list[dict[str, Any]]:
    return [{"regex": regex, "checksum": checksum} for regex in patterns]


_FIELD_OPTIONS = [
    option("--name-en", help="English name."),
    option("--name-zh", help="Chinese name."),
    option("--short", "short_name", help="Short name printed on the label."),
    option("--fee", "fee_cents", type=int, help="Fee the carrier pays per parcel, in cents."),
    option("--sort-order", type=int, help="Position in lists."),
    option("--amber-hours", type=int, help="Overdue (amber) after this many hours."),
    option("--red-hours", type=int, help="Overdue (red) after this many hours."),
    option("--return-after-days", type=int, help="Return candidate after this many days."),
    option(
        "--pattern",
        "patterns",
        multiple=True,
        metavar="REGEX",
        help="Waybill pattern (repeatable); on edit, replaces the patterns.",
    ),
    option(
        "--checksum", metavar="RULE", help="Check-digit rule for the given patterns (e.g. s10, gs1_mod10)."
    ),
    option("--json", "as_json", is_flag=True, help="Print the carrier as JSON."),
]


def _with_fields(func: Any) -> Any:
    for add in reversed(_FIELD_OPTIONS):
        func = add(func)
    return func


def _changes(options: dict[str, Any]) -> dict[str, Any]:
    keys = (
        "name_en",
        "name_zh",
        "short_name",
        "fee_cents",
        "sort_order",
        "amber_hours",
        "red_hours",
        "return_after_days",
    )
    return {key: options[key] for key in keys if options.get(key) is not None}


def _done(row: Any, as_json: bool, message: str) -> None:
    if as_json:
        emit_json(_carrier_json(row))
    else:
        click.echo(message)


@carriers_group.command("add")
@option("--code", required=True, help="Carrier code, e.g. SF (2-16 letters, digits or _).")
@_with_fields
@pass_app
def carriers_add(
    app: CliApp, code: str, patterns: tuple[str, ...], checksum: str | None, as_json: bool, **options: Any
) -> None:
    """Add a carrier to the table."""
    from station_console.services.scan.carriers import add_carrier

    data = {"code": code, **_changes(options)}
    if patterns:
        data["patterns"] = _pattern_specs(patterns, checksum)
    try:
        row = add_carrier(app.station, data)
    except StationError as exc:
        fail(exc, as_json=as_json)
        return
    _done(row, as_json, _("Carrier {code} added.", code=row.code))


@carriers_group.command("edit")
@argument("code")
@_with_fields
@option("--add-pattern", "add_patterns", multiple=True, metavar="REGEX", help="Add a pattern (repeatable).")
@option("--active/--inactive", default=None, help="Offer the carrier at check-in, or not.")
@pass_app
def carriers_edit(
    app: CliApp,
    code: str,
    patterns: tuple[str, ...],
    add_patterns: tuple[str, ...],
    checksum: str | None,
    active: bool | None,
    as_json: bool,
    **options: Any,
) -> None:
    """Change a carrier's names, patterns, fee or state."""
    from station_console.services.scan.carriers import get_carrier, update_carrier

    changes = _changes(options)
    if active is not None:
        changes["active"] = active
    try:
        if patterns or add_patterns:
            kept = [] if patterns else list(get_carrier(app.station, code).patterns)
            changes["patterns"] = kept + _pattern_specs(patterns + add_patterns, checksum)
        row = update_carrier(app.station, code, changes)
    except StationError as exc:
        fail(exc, as_json=as_json)
        return
    _done(row, as_json, _("Carrier {code} updated.", code=row.code))
