"""The write side of the Pickup mode: hand over (a storage fee settled first, in its dialog, then in the
same transaction), override with a reason, undo, a proxy who collects; and what every part of the
screen shares (the listed parcels, the progress digits, the message line).

Writes are `ServiceCalls` writes like every screen's (a refusal of the clerk as deactivated meanwhile
locks the console); the UI thread never waits on them.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial
from typing import Any

from textual import on, work
from textual.message import Message
from textual.widgets import Digits

from station_console import name_limit
from station_console.errors import StationError
from station_console.i18n import N_, _, _n, listed, sentences
from station_console.services.core.recalls import is_recalled
from station_console.services.fees.ledger import (
    PAY_METHODS,
    FeeGivenBack,
    Settlement,
    give_back_lines,
    quotes,
)
from station_console.services.fees.rules import FeeQuote
from station_console.services.pickup import handover, undo
from station_console.services.pickup.lookup import Lookup, PickupRow, lookup
from station_console.services.pickup.proxy import Allowed, Proxy, check_for, checked
from station_console.tui.role_keys import role_key
from station_console.tui.screens.base import ModeScreen, open_over
from station_console.tui.screens.calls import STILL_WRITING, ServiceCalls
from station_console.tui.screens.confirm_dialog import ConfirmDialog, ask
from station_console.tui.screens.pickup_fees import (
    FeeDialog,
    ReceiptNews,
    account_holder,
    fee_line,
    owed,
    parcels_named,
    receipt_news,
    receipt_said,
)
from station_console.tui.screens.pickup_tables import ParcelList, RecentList, group_marks
from station_console.tui.widgets.plain import Static
from station_console.tui.widgets.status_line import StatusLine
from station_console.tui.widgets.wedge import KeyRouter

# Handover refusals that mean a listed parcel left the shelves after the lookup.
LEFT_MEANWHILE = ("not_on_shelf", "out_for_delivery")
# The proxy form's field that each of the proxy check's refusals is about.
PROXY_FIELDS_AT_FAULT = {
    "proxy_name_required": "name",
    "too_long": "name",
    "proxy_tail_required": "phone",
    "proxy_phone_invalid": "phone",
    "proxy_id_invalid": "id_last4",
    "proxy_id_required": "id_last4",
    "proxy_not_allowed": "name",  # this person may not collect without the code
}


class PickupHandover(ServiceCalls, ModeScreen):
    @dataclass
    class FeesQuoted(Message):
        """The storage fee of the listed parcels, read in a thread after the lookup."""

        fees: dict[int, FeeQuote]
        parcel_ids: frozenset[int]  # the lookup it was read for (a late answer for another is dropped)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.lookup: Lookup | None = None
        self.scanned: dict[int, str] = {}  # parcel id -> waybill, in scan order
        # Recalled parcels scanned: never ticked, kept so a manager's Ctrl+O hands them over as scanned.
        self.recall_scanned: dict[int, str] = {}
        self.last_handover: list[int] = []
        self.router: KeyRouter | None = None
        self._subset_armed = False
        self._identity_checked = False  # the clerk confirmed the second check the policy asks for
        self.proxy: Proxy | None = None  # who collects for the recipient, when it is not themself
        # The parcels that proxy may collect: those whose codes they gave, and those of recipients who
        # allow proxies. The list shows only these while they are at the counter.
        self.proxy_parcels: frozenset[int] | None = None
        self.fees: dict[int, FeeQuote] = {}
        # A handover's fee dialog is open: a second F10 or Enter from a hurried clerk must not ask again
        # (nor, its write on its way, write again: `calling("handover")`).
        self._asking_fee = False
        # The message line shows a handover just done: F10 again is the same key bounced, not a
        # request to look someone up, and must not replace the acknowledgment with a refusal.
        self._acknowledged = False
        self._read_again_for = (
            "",
            "",
            False,
        )  # the lookup's query, why it is read again, and whether that is an error

    def chosen_rows(self) -> list[PickupRow]:
        """The customer's parcels: every listed one, or, when customers share a phone tail, the
        customers whose parcels have been scanned."""
        lk = self.lookup
        if lk is None:
            return []
        if lk.shape in ("code", "codes") or len(lk.groups) == 1:
            return list(lk.rows)
        seen = self.scanned.keys() | self.recall_scanned.keys()
        chosen = [g for g in lk.groups if any(r.parcel_id in seen for r in g)]
        return [r for g in chosen for r in g] if chosen else list(lk.rows)

    def active_rows(self) -> list[PickupRow]:
        """The parcels being handed over: the customer's, but a recalled one, which goes back
        (`recalled_rows`: only a manager's override hands it over)."""
        return [r for r in self.chosen_rows() if not is_recalled(r.problem_kind)]

    def recalled_rows(self) -> list[PickupRow]:
        return [r for r in self.chosen_rows() if is_recalled(r.problem_kind)]

    def _progress(self) -> tuple[int, int]:
        active = self.active_rows()
        done = sum(1 for r in active if r.parcel_id in self.scanned)
        self.query_one("#pk-done", Digits).update(str(done))
        self.query_one("#pk-total", Digits).update(str(len(active)))
        return done, len(active)

    def _hand_over(
        self,
        ids: list[int],
        method: str,
        scanned: list[str],
        *,
        override_reason: str | None = None,
        recall_reason: str | None = None,
    ) -> None:
        """Hand over; a storage fee due is settled first, in the dialog, and in the same transaction."""
        if self._asking_fee:
            return
        if self.calling("handover"):
            # One handover at a time. The same customer's F10 again is a bounce, left unsaid; the next
            # customer's is said, else the clerk reads its silence as their parcels handed over.
            if self.sent_for_another_form("handover"):
                self.still_writing("handover")
            return

        def write(fee: Settlement | None) -> None:
            self._asking_fee = False
            proxy = self.proxy  # as sent: the next customer's (Esc) is not this handover's
            codes = self.lookup.codes if self.lookup else ()
            counter = self.app.counter_settings  # type: ignore[attr-defined]
            self.write(
                "handover",
                lambda: (
                    handover.confirm_pickup(
                        self.station,
                        ids,
                        method=method,
                        scanned=scanned,
                        override_reason=override_reason,
                        recall_reason=recall_reason,
                        proxy=proxy,
                        codes=codes,
                        fee=fee,
                    ),
                    receipt_news(counter) if fee is not None and fee.method in PAY_METHODS else None,
                ),
                # Esc and the next customer may come before its answer, then said as the previous
                # customer's (`sent_for_another_form`).
                stamped=True,
            )

        cents, since = owed(self.fees, ids)
        if not cents:
            write(None)
            return
        self._asking_fee = True

        def settled(fee: Settlement | None) -> None:
            if fee is None:
                self._asking_fee = False
            else:
                write(fee)

        handed = [row for row in self.lookup.rows if row.parcel_id in ids] if self.lookup else []
        dialog = FeeDialog(
            cents,
            since,
            self.station.settings(),
            account=account_holder(handed),
            parcels=parcels_named(self.fees, handed),
        )
        if not open_over(self, dialog, settled):
            # Pickup was no longer on top (the clerk left): nothing handed over, and F10 asks again
            # on coming back, not refused as a handover under way.
            self._asking_fee = False
            self._say(_("Not handed over yet: F10 asks for the storage fee."), warn=True)

    @role_key("pickup.undo")
    def action_undo(self) -> None:
        # Read first, whichever pickup it is: the question names the parcels and the fee to give back.
        # Keys typed right behind wait for the question (an Enter answers its No), not for Pickup.
        ids = list(self.last_handover) or None
        self.ask_after("undo_recent", partial(undo.undo_preview, self.station, ids))

    def done_undo_recent(self, preview: undo.UndoPreview) -> None:
        if not self.asked_by_clerk_now():  # read across a lock: the next clerk undoes nothing unasked
            return
        ids = [item.parcel_id for item in preview.items]
        if not ids:
            self._say(_("No pickup to undo."), warn=True)
            return
        settings = self.station.settings()

        def undo_all() -> tuple[list[int], FeeGivenBack]:
            return ids, undo.undo_pickups(self.station, ids)

        def undo_them() -> None:
            self.write("undo", undo_all)

        zone = self.station.zone()
        rows = [
            [
                item.pickup_code,
                f"{item.carrier_name} {item.waybill}",
                item.handed_over_by or "-",
                item.picked_up_at.astimezone(zone).strftime("%H:%M"),
            ]
            for item in preview.items
        ]
        body = [
            *self._others_handover(preview.items),
            # A door delivery is undone here too (its parcel brought back): worded for both.
            _(
                "Only for parcels here at the counter (never taken away, or brought back from the door): "
                "they go back on their shelves under their old codes, and the pickup or delivery is "
                "taken back."
            ),
            *give_back_lines(preview.fee, settings),
        ]
        # One key would put parcels the customer carried away back on the books: asked first, naming
        # them (after a change of clerk, the last pickup may be another clerk's).
        ask(
            self,
            ConfirmDialog(
                _n(
                    "Undo the last pickup ({n} parcel)?",
                    "Undo the last pickup ({n} parcels)?",
                    len(ids),
                    n=len(ids),
                ),
                "\n".join(body),
                what=N_("a pickup being undone"),
                table=([_("Code"), _("Waybill"), _("Handed over by"), _("Time")], rows),
                weighty=True,  # gives a fee back, and puts parcels the customer carried off on the books
            ),
            undo_them,
            no=N_("Nothing undone: Ctrl+Z asks again."),
            say=partial(self._say, warn=True),
        )

    def _others_handover(self, items: list[undo.UndoItem]) -> list[str]:
        """The last pickup is the counter's, whoever handed it over: a manager undoes a clerk's mistake
        after that clerk locked. Said first when it is not the asker's own, so that Enter is not taken
        for undoing one's own handover."""
        me = self.station.clerk_id
        others = dict.fromkeys(
            item.handed_over_by or _("another clerk") for item in items if item.handed_over_by_id != me
        )
        if not others:
            return []
        return [_("Not your handover: handed over by {clerks}.", clerks=listed(others))]

    def action_proxy(self) -> None:
        if self.lookup is None:
            self._refuse(_("Look up a customer first."))
            return
        # On demand: the form module loads when a proxy first comes.
        from station_console.tui.screens.form_dialog import FormDialog, FormField

        settings = self.station.settings()  # cached: the form's check reads no database
        id_note = _("required here") if settings.proxy_id_check == "always" else _("optional")
        fields = [
            FormField("name", _("Proxy's name"), "", max_length=name_limit.NAME_MAX, no_scans=True),
            FormField("phone", _("Proxy's phone (last 4 digits)"), "", max_length=20),
            FormField("id_last4", _("Last 4 of their ID card ({note})", note=id_note), "", max_length=4),
        ]

        def check(values: dict[str, str]) -> Proxy:
            # The handover's own check, in the form: a wrong tail is corrected while the proxy is here.
            return checked(Proxy(values["name"], values["phone"], values["id_last4"] or None), settings)

        lookup_now = self.lookup
        # A recalled parcel counts: its code still releases it to the proxy, for a manager's override.
        chosen = {r.parcel_id for r in self.chosen_rows()}
        customers = [
            [r.parcel_id for r in g] for g in lookup_now.groups if any(r.parcel_id in chosen for r in g)
        ]

        def allowed(proxy: Proxy) -> Allowed:
            # On the worker: whether the recipients allow proxies is in the directory.
            return check_for(self.station, proxy, customers, codes=lookup_now.codes)

        def given(answer: Allowed | None) -> None:
            if answer is None or self.lookup is not lookup_now:
                return
            proxy = answer.proxy
            self.proxy, self.proxy_parcels = proxy, frozenset(answer.parcel_ids)
            listed = len(self.lookup.rows)
            self.show_for_proxy()
            said = _(
                "Proxy: {name} ****{tail}. Scan the parcels; F10 hands them over.",
                name=proxy.name,
                tail=proxy.phone_tail,
            )
            left = listed - len(self.lookup.rows)
            if left:
                # Not named, nor whose: the proxy is at the counter, and a tail may list another customer's.
                said = sentences(
                    said,
                    _n(
                        "{n} other parcel is not listed: a proxy needs its own pickup code.",
                        "{n} other parcels are not listed: a proxy needs their own pickup codes.",
                        left,
                        n=left,
                    ),
                )
            self._say(said, warn=True)

        form = FormDialog(
            _("Someone collects for the recipient"),
            fields,
            check=check,
            submit=allowed,
            at_fault=PROXY_FIELDS_AT_FAULT,
            # Without the code the recipient's choice refuses whoever the proxy is: Esc just closes.
            refused_whatever_typed={"proxy_not_allowed"},
            what=N_("a proxy's details"),
        )
        # Checked on a worker: answered after a lock and another clerk's sign-in, the proxy is not theirs.
        open_over(self, form, self.askers_own(given))

    def for_proxy(self, found: Lookup) -> Lookup:
        """`found` as the proxy may see it: only the parcels they may collect."""
        may = self.proxy_parcels
        return found if may is None else found.for_proxy(may)

    def _show_lookup(self, *, say: bool = True) -> None:
        raise NotImplementedError  # the screen's (pickup.py): the list, its notes and its check line

    def show_for_proxy(self) -> None:
        """The list narrowed to the proxy's parcels, the ticks kept on those still listed."""
        if self.lookup is None:
            return
        self.lookup = self.for_proxy(self.lookup)
        listed = {r.parcel_id for r in self.lookup.rows}
        self.scanned = {pid: waybill for pid, waybill in self.scanned.items() if pid in listed}
        self.recall_scanned = {pid: wb for pid, wb in self.recall_scanned.items() if pid in listed}
        self._subset_armed = False
        self._show_lookup(say=False)
        table = self.query_one(ParcelList)
        for row in self.lookup.rows:
            if row.parcel_id in self.scanned:
                table.tick(row)
        self._progress()

    def done_handover(self, answer: tuple[list[int], ReceiptNews | None]) -> None:
        parcel_ids, receipt = answer
        count = len(parcel_ids)
        self.last_handover = list(parcel_ids)
        # Written, so said; but the clerk went on to the next customer meanwhile (Esc, their code):
        # their list stays up, not cleared as the last customer's.
        gone_on = self.sent_for_another_form("handover")
        if not gone_on:
            self._clear_state()
        said = (
            _n(
                "Handed over to the previous customer: {n} parcel.",
                "Handed over to the previous customer: {n} parcels.",
                count,
                n=count,
            )
            if gone_on  # the next customer's list is up: they are being served already
            else _n(
                "Handed over: {n} parcel. Ready for the next customer.",
                "Handed over: {n} parcels. Ready for the next customer.",
                count,
                n=count,
            )
        )
        self._say(sentences(said, *receipt_said(receipt)), ok=True)
        self._acknowledged = not gone_on
        self._refresh_recent()

    def done_undo(self, undone: tuple[list[int], FeeGivenBack]) -> None:
        parcel_ids, given = undone
        self.last_handover = []
        back = _n(
            "Back on the shelf: {n} parcel.",
            "Back on the shelf: {n} parcels.",
            len(parcel_ids),
            n=len(parcel_ids),
        )
        # The money goes back too: the drawer's cash, a QR refund, the account credited.
        self._say(sentences(back, *give_back_lines(given, self.station.settings())), warn=True)
        self._refresh_recent()

    def call_refused(self, tag: str, exc: StationError) -> None:
        super().call_refused(tag, exc)  # said (`handover_failed` for a handover)
        if tag != "handover" or self.sent_for_another_form("handover"):
            return  # the next customer's list is up: not read again for the last one's refusal
        if exc.code in ("fee_due", "fee_changed"):
            self._quote_fees()  # midnight passed, or the fee was not read yet: show what is due now
        if exc.code in LEFT_MEANWHILE:
            # Another counter (or a door run) took a listed parcel since the lookup.
            self.read_again(exc.message(), error=True)

    def handover_failed(self, text: str) -> None:
        """The handover was refused, or failed (`text`: the refusal, or the calm line for a bug)."""
        if self.sent_for_another_form("handover"):
            # The next customer's list is up: the refusal says whose handover it was.
            self._refuse(_("The previous customer's handover was refused: {reason}", reason=text))
        else:
            self._refuse(text)

    def still_writing(self, tag: str) -> None:
        """Said on the message line, where the clerk looks, not in a toast."""
        self._refuse(_(STILL_WRITING))

    def read_again(self, why: str, *, error: bool) -> None:
        """List this customer's parcels as they are now, keeping the clerk's ticks on those still here,
        so F10 hands over the rest; `why` stays on screen. Not counted as a guess: they were found."""
        if self.lookup is None:
            return
        self._read_again_for = (self.lookup.query, why, error)
        self.call("still_here", partial(lookup, self.station, self.lookup.query, counted=False))

    @work(thread=True, exclusive=True, exit_on_error=False, group="pickup-fees")
    def _quote_fees(self) -> None:
        if self.lookup is None:
            return
        ids = [r.parcel_id for r in self.lookup.rows]
        try:
            found = quotes(self.station, ids)
        except StationError:
            return  # shown again at the handover, which checks the fee itself
        self.post_message(PickupHandover.FeesQuoted(found, frozenset(ids)))

    @on(FeesQuoted)
    def _fees_quoted(self, message: FeesQuoted) -> None:
        ids = [r.parcel_id for r in self.lookup.rows] if self.lookup else []
        if message.parcel_ids != frozenset(ids):
            return
        self.fees = message.fees
        groups = self.lookup.groups if self.lookup else ()
        marks = group_marks(self.lookup) if self.lookup else {}
        # A recalled parcel goes back: F10 charges only the others, so the line counts only them.
        customers = [
            (marks[g[0].parcel_id], [r.parcel_id for r in g if not is_recalled(r.problem_kind)])
            for g in groups
        ]
        line = fee_line(self.fees, customers, self.station.settings())
        self.query_one("#pk-fee", Static).update(line)

    def _clear_state(self) -> None:
        self.new_form()  # the customer's view goes: what was read for it on its way goes nowhere
        self.lookup, self.scanned, self._subset_armed, self._identity_checked = None, {}, False, False
        self.recall_scanned = {}
        self.proxy, self.proxy_parcels = None, None
        self.fees = {}
        self.query_one("#pk-fee", Static).update("")
        self.set_class(False, "-wrong")
        self.query_one(ParcelList).clear()
        self.query_one("#pk-check", Static).update("")
        self._progress()

    def _refresh_recent(self) -> None:
        self.call("recent", partial(handover.recent_pickups, self.station, limit=30))

    def done_recent(self, rows: list[Any]) -> None:
        self.query_one(RecentList).show(rows, self.station.zone(), self.station.now())

    def _refuse(self, text: str) -> None:
        self.app.bell()
        self._say(text, error=True)

    def _say(self, text: str, *, error: bool = False, warn: bool = False, ok: bool = False) -> None:
        self._acknowledged = False
        self.query_one("#pk-message", StatusLine).say(text, error=error, warn=warn, ok=ok)
