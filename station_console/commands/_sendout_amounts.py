"""The send-out commands' money and sizes: typed (`--value`, `--dims`) as the send-out form reads them,
shown as 12.50, and a quote's working printed line by line.

Shared by `sendout.py` (quote, list, refund) and `_sendout_accept.py` (new, refuse): the part cannot
take them from `sendout.py`, which registers it (no import cycles).
"""

from __future__ import annotations

from typing import Any

import click

from station_console.commands._support import CliApp
from station_console.i18n import _
from station_console.text_columns import pad

# Services are imported inside each function, as in every command module (CLI start-up).


def money(cents: int) -> str:
    from station_console.services.sendout.quote import money as fmt

    return fmt(cents)


def amount_text(cents: int, currency: str) -> str:
    """A sum in a sentence, in the console's language with its currency (`12.00 元`)."""
    from station_console.services.core.money import amount

    return amount(cents, currency)


def typed_dims(text: str | None) -> tuple[int, int, int] | None:
    """`--dims` (LxWxH in cm) in millimetres; not given: None (no volumetric weight)."""
    from station_console.services.sendout.inputs import dims_mm

    return dims_mm(text) if text else None


def declared_cents(app: CliApp, text: str | None) -> int:
    """`--value` in cents, as the send-out form reads it; not given: 0."""
    from station_console.services.core.money import parse_cents
    from station_console.services.sendout.accept import MAX_DECLARED_CENTS

    currency = app.station.settings().currency
    return parse_cents(text or "", most=MAX_DECLARED_CENTS, currency=currency, blank=0)


def show_quote(data: dict[str, Any]) -> None:
    """A quote's working, a line per charge, and its total (`quote`, and `new` once it is paid)."""
    for line in data["lines"]:
        amount = money(line["amount"]) if line["amount"] else ""
        click.echo(f"  {pad(line['text'], 70)} {amount:>10}")
    # The total with its currency after it, its figure under the figures above (`44.00 元`, `44.00 CNY`).
    total = amount_text(data["total"], data["currency"])
    click.echo(f"  {pad(_('Total'), 70)} {money(data['total']):>10}{total[len(money(data['total'])) :]}")
