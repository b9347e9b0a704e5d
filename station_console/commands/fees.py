"""`station fees ...`: the storage-fee table (list, set, remove), a parcel's fee, payments and waivers."""

from __future__ import annotations

from typing import Any

import click

from station_console.cli_help import argument, group, option
from station_console.commands._support import CliApp, emit_json, pass_app
from station_console.commands.printing import NAMED_PRINTER
from station_console.commands.shelves import attempt
from station_console.i18n import N_, _, _n, label_of

# Services and hardware are imported inside each command, not here: cli.LazyGroup imports every
# command module for any `station` call, and a command should load only what it runs (CLI start-up).

METHODS = click.Choice(["cash", "qr", "account"])


def register(cli: click.Group) -> None:
    cli.add_command(fees)


@group()
def fees() -> None:
    """Storage fees: the rule table, what a parcel owes, payments and waivers."""


def _rule_line(rule: Any, settings: Any) -> str:
    from station_console.field_labels import field_label
    from station_console.services.fees.rules import money

    scope = _(", ").join(
        _("{label}: {value}", label=field_label(type(rule), name), value=getattr(rule, name))
        for name in ("size", "carrier", "recipient_type")
        if getattr(rule, name)
    ) or _("every parcel")
    text = _(
        "{name}: {scope}; free days: {free}, then {per_day} a day",
        name=rule.name,
        scope=scope,
        free=rule.free_days,
        per_day=money(rule.per_day_cents, settings),
    )
    if rule.cap_cents is not None:
        text += _("; at most {cap}", cap=money(rule.cap_cents, settings))
    if rule.return_after_days:
        text += _("; back to the sender from day {day}", day=rule.return_after_days + 1)
    return text


@fees.command("list")
@option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
@pass_app
def fees_list(app: CliApp, as_json: bool) -> None:
    """The rule table; the most specific rule that matches a parcel prices it."""
    settings = app.station.settings()
    if as_json:
        emit_json({"rules": [r.model_dump() for r in settings.storage_fee_rules]})
        return
    for rule in settings.storage_fee_rules:
        click.echo(_rule_line(rule, settings))
    if not settings.storage_fee_rules:
        click.echo(_("No fee rules: storage is free."))


# A rule's fields by the option that sets them: a refusal names what the manager typed.
OPTIONS = {
    "size": "--size",
    "carrier": "--carrier",
    "recipient_type": "--recipient-type",
    "free_days": "--free-days",
    "per_day_cents": "--per-day",
    "cap_cents": "--cap",
    "return_after_days": "--return-after",
}


@fees.command("set")
@argument("name")
@option("--size", type=click.Choice(["S", "M", "L", "XL"]), help="Only parcels of this size.")
@option("--carrier", help="Only this carrier's parcels (code).")
@option("--recipient-type", help="Only recipients of this type.")
@option(
    "--free-days",
    type=click.IntRange(0, 365),
    default=3,
    show_default=True,
    help="Days free of charge, the check-in day being day 1.",
)
@option("--per-day", default="1.00", show_default=True, help="Fee per day after the free days.")
@option("--cap", help="Most one parcel is charged (default: no cap).")
@option("--return-after", type=click.IntRange(1, 365), help="Days until it goes back to the sender.")
@pass_app
def fees_set(
    app: CliApp,
    name: str,
    size: str | None,
    carrier: str | None,
    recipient_type: str | None,
    free_days: int,
    per_day: str,
    cap: str | None,
    return_after: int | None,
) -> None:
    """Add the rule NAME, or replace it (manager)."""
    from pydantic import ValidationError

    from station_console.errors import Refused
    from station_console.name_limit import within_limit
    from station_console.services.core.money import parse_cents
    from station_console.services.core.roles import require
    from station_console.services.fees.rules import money, with_rule
    from station_console.settings import FeeRule
    from station_console.settings_rows import CAP_MOST_CENTS, PER_DAY_MOST_CENTS
    from station_console.validation_reasons import Reason, Where

    # A manager's, said before what is wrong with the rule, as every manager command says it (the save
    # checks it again); then amounts are refused as the service's money parser says it (a full
    # sentence, the reader's language), before the rule's own checks, whose wording is a settings field's.
    attempt(lambda: require(app.station, "settings"))
    currency = app.station.settings().currency

    def build() -> Any:
        # A rule's name is a typed name: refused in the one words every name too long gets (it read
        # "Invalid value for Rule name: Must have at most 64 characters", the settings field's).
        within_limit(name.strip())
        try:
            return FeeRule(
                name=name.strip(),
                size=size,
                carrier=carrier.strip().upper() if carrier else None,
                recipient_type=recipient_type.strip() if recipient_type else None,
                free_days=free_days,
                per_day_cents=parse_cents(per_day, most=PER_DAY_MOST_CENTS, currency=currency),
                cap_cents=parse_cents(cap, most=CAP_MOST_CENTS, currency=currency) if cap else None,
                return_after_days=return_after,
            )
        except ValidationError as exc:
            first: dict[str, Any] = dict(exc.errors()[0])
            loc, ctx = first.get("loc") or ("",), first.get("ctx")
            option = OPTIONS.get(str(loc[-1]))
            if option in ("--per-day", "--cap") and ctx:
                # The rule keeps cents; the manager typed money, so the limits read as money too.
                settings = app.station.settings()
                first["ctx"] = {k: money(v, settings) if isinstance(v, int) else v for k, v in ctx.items()}
            raise Refused(
                N_("Invalid value for {field}: {reason}"),
                code="bad_rule",
                field=option or Where(first, FeeRule),
                reason=Reason(first, FeeRule),
            ) from exc

    rule = attempt(build)
    _save(app, lambda settings: with_rule(settings, rule))
    click.echo(_rule_line(rule, app.station.settings()))


@fees.command("remove")
@argument("name")
@pass_app
def fees_remove(app: CliApp, name: str) -> None:
    """Remove the rule NAME (manager)."""
    from station_console.services.core.roles import require
    from station_console.services.fees.rules import without_rule

    attempt(lambda: require(app.station, "settings"))  # before "no rule named", as `fees set` says it
    _save(app, lambda settings: without_rule(settings, name))
    click.echo(_("Fee rule {name} removed.", name=name))


def _save(app: CliApp, change: Any) -> None:
    from station_console.services.admin.settings import save_station_settings

    station = app.station
    read = station.settings()
    new = attempt(lambda: change(read))
    # Only the fee table: a setting another counter saved since the read above keeps its new value,
    # and a fee table saved since is refused (its change would be lost under this one's).
    only = {"storage_fee_rules"}
    attempt(
        lambda: station.run(
            lambda session: save_station_settings(session, station, new, only=only, based_on=read)
        )
    )


@fees.command("due")
@argument("ref")
@option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
@pass_app
def fees_due(app: CliApp, ref: str, as_json: bool) -> None:
    """What the parcel REF (pickup code or waybill) owes now, and from when its fee runs."""
    from station_console.services.fees.ledger import quotes
    from station_console.services.fees.rules import money
    from station_console.services.shelves.search import find_parcel_id

    parcel_id = attempt(lambda: find_parcel_id(app.station, ref), as_json=as_json)
    fee = quotes(app.station, [parcel_id]).get(parcel_id)
    if as_json:
        emit_json({"parcel_id": parcel_id, "fee": fee.to_json() if fee else None})
        return
    if fee is None:
        click.echo(_("No fee rule applies to this parcel."))
        return
    settings = app.station.settings()
    click.echo(
        _(
            "Owed now: {owed} ({charged} of {stored} on the shelf; rule {rule}); the fee runs from {start}",
            owed=money(fee.owed_cents, settings),
            charged=_n("{n} day charged", "{n} days charged", fee.chargeable_days, n=fee.chargeable_days),
            stored=fee.days_stored,
            rule=fee.rule,
            start=fee.fee_starts.isoformat(),
        )
    )


@fees.command("pay")
@argument("ref")
@option("--method", type=METHODS, required=True, help="How the customer paid.")
@option("--expect", help="The amount the customer was shown; refused if the fee is now different.")
@pass_app
def fees_pay(app: CliApp, ref: str, method: str, expect: str | None) -> None:
    """Record the payment of a parcel's fee before its handover."""
    from station_console.services.core.money import PAYMENT_METHOD_LABELS, parse_cents
    from station_console.services.fees.ledger import Settlement, settle
    from station_console.services.fees.rules import money
    from station_console.services.shelves.search import find_parcel_id

    parcel_id = attempt(lambda: find_parcel_id(app.station, ref))
    currency = app.station.settings().currency
    expected = attempt(lambda: parse_cents(expect, currency=currency)) if expect else None
    paid = attempt(lambda: settle(app.station, parcel_id, Settlement(method, expected_cents=expected)))
    click.echo(
        _(
            "Paid: {amount} by {method}.",
            amount=money(paid, app.station.settings()),
            method=label_of(PAYMENT_METHOD_LABELS, method),
        )
    )
    click.echo(receipt_line(app))


def receipt_line(app: CliApp) -> str:
    """What becomes of the receipt a payment queued: printing, or why it waits in the queue (no
    printer here takes receipts, or a printer's setting to fix)."""
    from station_console.services.fees.receipts import FEE_RECEIPT_PRINTING
    from station_console.services.printing.printers import receipt_waits

    waits = receipt_waits(app.counter_settings)
    return _(FEE_RECEIPT_PRINTING) if waits is None else waits.message()


@fees.command("receipt")
@argument("ref")
@NAMED_PRINTER
@option("--json", "as_json", is_flag=True, help="Print the queued job as JSON.")
@pass_app
def fees_receipt(app: CliApp, ref: str, printer_name: str | None, as_json: bool) -> None:
    """Print a storage fee receipt again, marked as a copy: REF is its number (FR000012, as printed
    or scanned from its barcode), or a parcel's pickup code or waybill for that parcel's last one."""
    from station_console.commands.printing import job_json
    from station_console.services.fees.receipts import reprint, reprint_number
    from station_console.services.printing.printers import check_printable, receipt_printer
    from station_console.services.shelves.receipt_refs import receipt_ref

    # A receipt or a parcel that is not there is said before any printer.
    named = attempt(lambda: receipt_ref(app.station, ref), as_json=as_json)
    by_number, parcel_id = named.by_number, named.parcel_id
    attempt(lambda: check_printable(app.counter_settings, "receipt", printer=printer_name), as_json=as_json)
    goes_to = printer_name or receipt_printer(app.counter_settings)

    def queue() -> Any:
        if by_number:
            return reprint_number(app.station, ref, printer=printer_name, goes_to=goes_to)
        return reprint(app.station, parcel_id, printer=printer_name, goes_to=goes_to)

    job = attempt(queue, as_json=as_json)
    if as_json:
        emit_json({**job_json(job), "receipt_number": job.payload.get("number")})
        return
    click.echo(_("Receipt {number} queued as print job {job}.", number=job.payload.get("number"), job=job.id))


@fees.command("waive")
@argument("ref")
@option("--reason", required=True, help="Why the fee is waived (kept in the audit trail).")
@pass_app
def fees_waive(app: CliApp, ref: str, reason: str) -> None:
    """Waive what a parcel owes so far (manager, with a reason)."""
    from station_console.services.core.roles import require
    from station_console.services.fees.ledger import WAIVE, Settlement, settle
    from station_console.services.fees.rules import money
    from station_console.services.shelves.search import find_parcel_id

    # A manager's, said before the parcel is looked up (nobody was told to sign in to look up parcels,
    # a clerk that no parcel matched); `settle` checks it again.
    attempt(lambda: require(app.station, "waive_fee"))
    parcel_id = attempt(lambda: find_parcel_id(app.station, ref))
    waived = attempt(lambda: settle(app.station, parcel_id, Settlement(WAIVE, reason=reason)))
    click.echo(_("Waived: {amount}.", amount=money(waived, app.station.settings())))
