"""The storage fee at the Pickup counter: what the listed parcels owe, and the dialog that settles it
before the handover (cash, QR, account; or a manager's waiver with a reason)."""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any, ClassVar, Protocol

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.widgets import Input

from station_console.errors import Refused, StationError
from station_console.i18n import N_, _
from station_console.safe_text import cut
from station_console.services.core.free_text import REASON
from station_console.services.fees.ledger import WAIVE, Settlement
from station_console.services.fees.receipts import FEE_RECEIPT_PRINTING
from station_console.services.fees.rules import FeeQuote, money
from station_console.settings import StationSettings
from station_console.tui.parcel_names import parcel_named
from station_console.tui.role_keys import role_key
from station_console.tui.screens.pickup_dialogs import pasted, rule_input, say_too_long, taken
from station_console.tui.screens.question_keys import QuestionDialog, SaysStrayInput, said_line
from station_console.tui.screens.typed_dialog import TypedDialog, keys_line
from station_console.tui.widgets.fixed_input import FixedInput
from station_console.tui.widgets.plain import Static

# What a clerk is told of a fee receipt queued where the printers could not be read (a bug, logged).
RECEIPT_QUEUED = N_("The fee receipt is in the print queue.")


@dataclass(frozen=True)
class ReceiptNews:
    """The fee receipt a payment queued: printing (`waits` None), or why it waits in the queue."""

    waits: StationError | None = None


def receipt_news(counter_settings: Any) -> ReceiptNews:
    """What becomes of the fee receipt a payment queued, in the words `station fees pay` says it:
    printing, or why it waits in the queue (no printer here takes receipts, or a printer's setting to
    fix; the payment stands). Called in the write's worker (the printers load off the UI thread)."""
    from station_console.services.printing.printers import receipt_waits

    try:
        return ReceiptNews(receipt_waits(counter_settings))
    except Exception:  # a bug reading the printers is not the payment's: said as where the paper is
        logging.getLogger("station.tui").exception("the receipt printers could not be read")
        return ReceiptNews(Refused(RECEIPT_QUEUED, code="receipt_queued"))


def receipt_said(news: ReceiptNews | None) -> list[str]:
    """The clerk told of the fee receipt (None: no money taken, no receipt)."""
    if news is None:
        return []
    return [_(FEE_RECEIPT_PRINTING) if news.waits is None else news.waits.message()]


def owed(fees: dict[int, FeeQuote], parcel_ids: Iterable[int]) -> tuple[int, date | None]:
    """(cents owed by these parcels now, the first day any of them was charged)."""
    due = [fees[pid] for pid in parcel_ids if pid in fees and fees[pid].owed_cents]
    return sum(q.owed_cents for q in due), min((q.fee_starts for q in due), default=None)


def fee_line(
    fees: dict[int, FeeQuote], customers: Sequence[tuple[str, list[int]]], settings: StationSettings
) -> str:
    """One line for the screen: the fee due and since when, or when it will start. `customers`: each
    customer's mark (A, B; "" for one) and parcels. Customers sharing a phone tail each owe their own,
    and F10 asks only the one handed to: a sum of both read as one customer's fee."""
    ids = [pid for _mark, group in customers for pid in group]
    cents, since = owed(fees, ids)
    by_customer = [(mark, owed(fees, group)[0]) for mark, group in customers if mark]
    if len([c for _mark, c in by_customer if c]) > 1:
        return _(
            "Storage fee due, by customer: {amounts} (charged since {start}).",
            amounts="  ".join(f"{mark} {money(c, settings)}" for mark, c in by_customer if c),
            start=since.isoformat() if since else "-",
        )
    if cents:
        return _(
            "Storage fee due: {amount} (charged since {start}). F10 asks how it is paid.",
            amount=money(cents, settings),
            start=since.isoformat() if since else "-",
        )
    coming = [fees[pid] for pid in ids if pid in fees and fees[pid].per_day_cents]
    if coming:
        start = min(q.fee_starts for q in coming)
        return _("No storage fee yet; it starts on {start}.", start=start.isoformat())
    return ""


def parcels_named(fees: dict[int, FeeQuote], rows: Iterable[Any]) -> list[str]:
    """The parcels of a handover that owe a fee now, named (`parcel_named`)."""
    return [
        parcel_named(row.pickup_code, row.carrier_name, row.waybill)
        for row in rows
        if row.parcel_id in fees and fees[row.parcel_id].owed_cents
    ]


class Recorded(Protocol):
    """A parcel as recorded: a pickup's row, a door delivery's fee due."""

    @property
    def recipient_name(self) -> str | None: ...

    @property
    def masked_phone(self) -> str | None: ...


def account_holder(rows: Iterable[Recorded]) -> str:
    """Whose account "3 account" puts the fee on: each customer handed to, by the name and masked phone
    their parcels were recorded with ("" when none has either). The fee ledger keeps no account
    reference, so the clerk sees whose it is before pressing 3. A directory person's parcels (a
    pickup row's `recipient_id`) are one account however many of their phones they came with: the
    name once, then each phone (`张三 138****1111 / 139****2222`), as the check line shows them."""
    seen: dict[object, tuple[dict[str, None], dict[str, None]]] = {}  # customer -> (names, phones)
    for row in rows:
        person = getattr(row, "recipient_id", None)  # a door delivery's fee due has none
        key = ("person", person) if person is not None else (row.recipient_name, row.masked_phone)
        names, phones = seen.setdefault(key, ({}, {}))
        names.update({row.recipient_name: None} if row.recipient_name else {})
        phones.update({row.masked_phone: None} if row.masked_phone else {})
    shown = (" ".join(filter(None, (" / ".join(n), " / ".join(p)))) for n, p in seen.values())
    return _(", ").join(who for who in shown if who)


def fee_found_under_a_question(app: Any, scanned: str) -> str:
    """What a scan whose storage fee was found while another question is open over its screen (the
    first of two scans' fees, on a busy database) is told: not asked under that question, and not
    dropped unseen either. Said on the question on top, with the bell; returned for the screen's line."""
    said = _(
        "Not scanned out: {scan} owes a storage fee, found while another question was open. Scan it again.",
        scan=cut(scanned, 40),
    )
    if isinstance(top := app.screen, SaysStrayInput):
        top.say_under(said)
    return said


class FeeDialog(QuestionDialog[Settlement | None], TypedDialog[Settlement | None]):
    """Settle the fee shown: 1 cash, 2 QR, 3 account, W waive (a manager, with a reason, sent by Enter
    or Ctrl+S); Esc cancels. Ctrl+S pays nothing: a payment has its own key. A scan while it asks is
    one scan, said as not taken (`QuestionDialog`): its digits were the keys, a 3 in a waybill put the
    fee on the customer's account."""

    what = N_("a storage fee payment")
    # A payment or a waiver moves money: a 1 typed before the fee was shown does not record cash.
    takes_keys_typed_ahead = False

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("1", "pay('cash')", N_("Cash"), id="pickup.fee.cash"),
        Binding("2", "pay('qr')", N_("QR"), id="pickup.fee.qr"),
        Binding("3", "pay('account')", N_("Account"), id="pickup.fee.account"),
        Binding(
            "w", "waive", N_("Waive"), id="pickup.fee.waive", tooltip=N_("Manager: waive it, with a reason")
        ),
        Binding(
            "escape", "cancel", N_("Cancel"), id="pickup.fee.cancel", tooltip=N_("Back, nothing handed over")
        ),
    ]

    def __init__(
        self,
        cents: int,
        since: date | None,
        settings: StationSettings,
        *,
        account: str | None = None,
        parcels: Sequence[str] = (),
    ) -> None:
        """`account`: whose account 3 puts it on (`account_holder`); None where it is not known.
        `parcels`: the parcels that owe it, named (`parcel_named`): with two fee scans close together
        the clerk sees which one is asked about."""
        super().__init__()
        self.cents, self.since, self.settings = cents, since, settings
        self.account = account
        self.parcels = list(parcels)

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            amount, start = money(self.cents, self.settings), self.since.isoformat() if self.since else "-"
            yield Static(
                _(
                    "Storage fee due for {parcels}: {amount} (charged since {start})",
                    parcels=_(", ").join(self.parcels),
                    amount=amount,
                    start=start,
                )
                if self.parcels
                else _("Storage fee due: {amount} (charged since {start})", amount=amount, start=start),
                classes="dialog-title",
            )
            if self.account is not None:
                # Wrapped in the dialog's width: a label sized to its text was cut at the edge, and
                # a person with several phones or customers sharing a tail lost the last ones.
                yield Static(
                    _("3 puts it on the account of: {who}", who=self.account)
                    if self.account
                    else _("3 puts it on an account with no name or phone on record."),
                    id="fee-account",
                )
            yield keys_line(N_("1 cash · 2 QR · 3 account · W waive (manager) · Esc cancel"))
            yield said_line()

    def action_pay(self, method: str) -> None:
        self.dismiss(Settlement(method, expected_cents=self.cents))

    @role_key("pickup.fee.waive")
    async def action_waive(self) -> None:
        # Mounted only now: while no field is there, the number keys choose the payment.
        if not self.query("#fee-reason"):
            reason = rule_input(REASON, "fee-reason", placeholder=_("why the fee is waived"))
            await self.query_one(".dialog", Vertical).mount(
                reason, Static(id="fee-reason-refused"), keys_line(N_("Enter or Ctrl+S: waive · Esc: cancel"))
            )
        self.query_one("#fee-reason", Input).focus()

    @on(FixedInput.TooLong, "#fee-reason")
    def _too_long(self, event: FixedInput.TooLong) -> None:
        say_too_long(self.query_one("#fee-reason-refused", Static), event, _(REASON.label))

    @on(FixedInput.Pasted, "#fee-reason")
    def _pasted(self) -> None:
        pasted(
            REASON, self.query_one("#fee-reason", Input).value, self.query_one("#fee-reason-refused", Static)
        )

    @on(Input.Submitted, "#fee-reason")
    def action_send(self) -> None:
        reasons = list(self.query("#fee-reason").results(Input))
        if not reasons:
            return  # W not pressed: nothing typed to send (a payment has its own key)
        value = reasons[0].value
        if taken(REASON, value, self.query_one("#fee-reason-refused", Static)):
            self.dismiss(Settlement(WAIVE, reason=value.strip(), expected_cents=self.cents))

    def action_cancel(self) -> None:
        self.dismiss(None)

    def failed(self, tag: str, text: str) -> None:
        """A key refused (W, for a clerk): said in the dialog, which stays open for a payment."""
        self.app.bell()
        if said := self.query("#fee-refused"):
            said.first(Static).update(text)
        else:
            self.query_one(".dialog", Vertical).mount(Static(text, id="fee-refused"))
