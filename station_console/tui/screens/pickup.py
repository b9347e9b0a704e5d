"""The Pickup mode (出库): look a customer up, scan each fetched parcel, hand them over on one key.

The query box is always ready. A scan (wedge burst or device scanner) while a list is open checks that
parcel against it: a stranger turns the screen red, names where it belongs, rings the bell. An Enter'd
line that is one of the listed waybills ticks it too; any other line is a new query. Hand-over, override
and undo write through the service on a thread worker, which only posts a message back.

This module is the lookup and the scans against it; what the hand-over keys ask first (who is here, only
some scanned, a manager's reason) is `pickup_handover_checks.py`, over the write side (hand over, fees,
override, undo, proxy) and the state every part shares, `pickup_handover.py`; it inherits both.
"""

from __future__ import annotations

from functools import partial
from typing import Any, ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal
from textual.widgets import Digits

from station_console.i18n import N_, _, _n, label_of, listed, sentences
from station_console.services.core.recalls import day_of, is_recalled
from station_console.services.exceptions.problem_kinds import KIND_LABELS
from station_console.services.pickup import handover
from station_console.services.pickup.lookup import CHECK_LABELS, Lookup, PickupRow, lookup
from station_console.services.pickup.recalled import NOTICE
from station_console.services.scan.waybill import normalise as normalise_waybill
from station_console.tui.live_bridge import LiveBridge
from station_console.tui.screens.pickup_handover_checks import HandoverChecks, customer_text
from station_console.tui.screens.pickup_tables import ParcelList, RecentList, group_marks
from station_console.tui.screens.scans import TakesScans
from station_console.tui.widgets.plain import Label, Static
from station_console.tui.widgets.status_line import StatusLine
from station_console.tui.widgets.wedge import KeyRouter, WedgeInput


class PickupScreen(TakesScans, HandoverChecks):
    MODE_TITLE = N_("Pickup")
    CSS_PATH = "pickup.tcss"

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "f10",
            "confirm",
            N_("Hand over"),
            id="pickup.confirm",
            tooltip=N_("Mark the scanned parcels picked up"),
        ),
        Binding(
            "ctrl+o",
            "override",
            N_("Override"),
            id="pickup.override",
            tooltip=N_("Manager: hand over a parcel whose label will not scan, with a reason"),
        ),
        Binding(
            "ctrl+z",
            "undo",
            N_("Undo pickup"),
            id="pickup.undo",
            tooltip=N_("Manager: put the last pickup back on the shelf"),
        ),
        Binding(
            "f9",
            "proxy",
            N_("Proxy"),
            id="pickup.proxy",
            tooltip=N_("Someone collects for the recipient: record who"),
        ),
        Binding(
            "escape",
            "clear",
            N_("Next customer"),
            id="pickup.clear",
            tooltip=N_("Clear the list for the next customer"),
        ),
    ]

    def compose_body(self) -> ComposeResult:
        with Horizontal(id="pk-top"):
            yield Label(_("Customer"), classes="field-label")
            yield WedgeInput(
                placeholder=_("pickup code(s), phone tail, phone or waybill; scans check parcels"),
                id="pk-query",
            )
        with Horizontal(id="pk-middle"):
            with Horizontal(id="pk-progress"):
                yield Digits("0", id="pk-done")
                yield Static(_("of"), classes="pk-of")
                yield Digits("0", id="pk-total")
                yield Static(_("scanned"), classes="pk-of")
            yield StatusLine(_("Ready: ask for the pickup code."), id="pk-message")
        yield Static("", id="pk-check")
        yield Static("", id="pk-fee")
        yield ParcelList(id="pk-table")
        yield Static(_("This shift's pickups at this counter"), id="pk-recent-title")
        yield RecentList(id="pk-recent")

    def on_mount(self) -> None:
        super().on_mount()
        app: Any = self.app
        self.router = KeyRouter.from_settings(self, app.counter_settings)
        self.query_one("#pk-query", WedgeInput).router = self.router
        self._refresh_recent()
        self.query_one("#pk-query", WedgeInput).focus()

    @on(WedgeInput.Submitted, "#pk-query")
    def _submitted(self, event: WedgeInput.Submitted) -> None:
        text = event.value.strip()
        event.input.value = ""
        if not text:
            self._enter_on_empty()
        elif self.lookup is not None and self._listed(text) is not None:
            self.scan(text)
        else:
            self.look_up(text)

    def take_scan(self, code: str) -> None:
        self._scan_or_query(code)

    def refuse_scan(self, text: str) -> bool:
        """Said where the clerk looks, and nothing looked up."""
        self._refuse(text)
        return True

    def _scan_or_query(self, code: str) -> None:
        # While a customer is being served, every scan is a parcel check, never a new query.
        if self.lookup is not None:
            self.scan(code)
        else:
            self.look_up(code)

    def _listed(self, text: str) -> PickupRow | None:
        waybill = normalise_waybill(text).waybill
        return self.lookup.row_for_waybill(waybill) if self.lookup and waybill else None

    def look_up(self, query: str) -> None:
        self._clear_state()
        # Exclusive: a customer scanned while the last one's lookup runs replaces it, so the older answer,
        # landing last, never lists the wrong customer. Keys right behind the clerk's Enter wait for the
        # answer: F9 there said 'Look up a customer first.' to a customer being looked up.
        self.call("lookup", partial(lookup, self.station, query), exclusive=True, holds_keys=True)

    def done_lookup(self, found: Lookup) -> None:
        self.lookup = found
        self._show_lookup()

    def _say_answer(self, text: str, *, error: bool = False, warn: bool = False) -> None:
        """The lookup's answer; a refusal said while it ran stays first, the answer on the line below,
        so the clerk reads both, the refusal in its own style."""
        line = self.query_one("#pk-message", StatusLine)
        if line.refusal_stands:
            self._acknowledged = False
            line.show_read(text, under_refusal=True)
        else:
            self._say(text, error=error, warn=warn)

    def done_still_here(self, found: Lookup) -> None:
        """The customer's parcels read again (`read_again`): the clerk's ticks stay on those still here."""
        query, why, error = self._read_again_for
        if self.lookup is None or self.lookup.query != query:
            return  # the clerk has moved on to another customer
        self.lookup, self._subset_armed = self.for_proxy(found), False
        found = self.lookup
        here = {row.parcel_id for row in found.rows if not row.out_for_delivery}
        self.scanned = {pid: waybill for pid, waybill in self.scanned.items() if pid in here}
        self.recall_scanned = {pid: wb for pid, wb in self.recall_scanned.items() if pid in here}
        self._show_lookup(say=False)  # why the list changed is said instead, below
        table = self.query_one(ParcelList)
        for row in found.rows:
            if row.parcel_id in self.scanned:
                table.tick(row)
        self._progress()
        self._say_why_read_again(why, error=error)

    def nothing_still_here(self) -> None:
        query, why, error = self._read_again_for
        if self.lookup is None or self.lookup.query != query:
            return
        # None of this customer's parcels is left: the reason says where they went.
        self._clear_state()
        self._say_why_read_again(why, error=error)

    def _say_why_read_again(self, why: str, *, error: bool) -> None:
        """A handover refused (`error`) is said as any refusal; another counter's change goes below a
        refusal still standing (a wrong parcel scanned is what the clerk must deal with first)."""
        if error:
            self._say(why, error=True)
        else:
            self._acknowledged = False
            self.query_one("#pk-message", StatusLine).show_read(why, warn=True, under_refusal=True)

    def scan(self, text: str) -> None:
        assert self.lookup is not None
        row = self._listed(text)
        if row is None:  # not this customer's: a worker reads where it belongs, for the refusal
            # For this customer's list: the next customer's (Esc, a new lookup) is never refused by it.
            check = partial(handover.check_scan, self.lookup, text, self.station)
            self.call("scan", check, for_form=True)
        elif is_recalled(row.problem_kind):
            self._recalled_scan(row)
        else:
            self.done_scan(row)

    def _recalled_scan(self, row: PickupRow) -> None:
        """The customer's parcel, but its carrier or sender asked for it back: said as loudly as a
        stranger, and not ticked. Kept as scanned for a manager's override (Ctrl+O)."""
        self.recall_scanned[row.parcel_id] = row.waybill
        self.add_class("-wrong")
        self._refuse(
            sentences(
                self._recall_notice(row),
                _("Put it with the returns; a manager may hand it over anyway (Ctrl+O, with a reason)."),
            )
        )

    def _recall_notice(self, row: PickupRow) -> str:
        return _(NOTICE, waybill=row.waybill, date=day_of(self.station, row.problem_at))

    def done_scan(self, row: PickupRow) -> None:
        self.set_class(False, "-wrong")
        self._subset_armed = False
        already = row.parcel_id in self.scanned
        self.scanned[row.parcel_id] = row.waybill
        self.query_one(ParcelList).tick(row)
        done, total = self._progress()
        if already:
            self._say(_("{waybill} was already scanned.", waybill=row.waybill), warn=True)
        elif done == total:
            self._say(
                _n(
                    "{n} parcel scanned. Enter or F10 hands it over.",
                    "All {n} scanned. Enter or F10 hands them over.",
                    total,
                    n=total,
                ),
                ok=True,
            )
        else:
            self._say(
                _(
                    "{waybill} OK: {code} at {location}.",
                    waybill=row.waybill,
                    code=row.pickup_code,
                    location=row.location,
                ),
                ok=True,
            )

    def _enter_on_empty(self) -> None:
        if self.lookup is None:
            return
        done, total = self._progress()
        if done and done == total:
            self.action_confirm()
        elif not total and self.recalled_rows():  # only recalled parcels listed: no rest to scan
            self._say(self._count_note(0, len(self.recalled_rows())), warn=True)
        else:
            self._say(
                _(
                    "{done} of {total} scanned: scan the rest, or F10 to hand over only the scanned ones.",
                    done=done,
                    total=total,
                ),
                warn=True,
            )

    def action_clear(self) -> None:
        # The next customer starts from an empty box, not from what was half typed for the last one.
        self.query_one("#pk-query", WedgeInput).value = ""
        self.drop("lookup")  # a customer's lookup on its way would list them again
        self._clear_state()
        self._say(_("Ready: ask for the pickup code."))

    def clear_for_next_clerk(self) -> str:
        """A pickup code typed, or a customer's parcels listed: the next clerk starts from an empty box,
        not from the last clerk's customer (their name, phone and parcels). The shift's list stays."""
        self.drop("lookup")  # one on its way (or refused by the lock, to read again) lists nobody now
        if not self.query_one("#pk-query", WedgeInput).value and self.lookup is None:
            return ""
        self.action_clear()
        return _("the customer looked up on Pickup")

    def _show_lookup(self, *, say: bool = True) -> None:
        assert self.lookup is not None
        lk = self.lookup
        self.query_one(ParcelList).show(lk, self.station.zone())
        marks = group_marks(lk)
        _done, total = self._progress()
        notes = [self._count_note(total, len(lk.rows) - total)]
        if len(lk.groups) > 1 and lk.shape not in ("code", "codes"):
            notes.append(_("{n} customers share this number: check who is here.", n=len(lk.groups)))
        for old, new in lk.moved:
            notes.append(_("{old} moved to {new}.", old=old, new=new))
        if lk.missing:
            notes.append(_("Not found: {codes}", codes=listed(lk.missing)))
        # A flagged parcel (refused, wrong address, found after it left...) is said before it is
        # fetched: the handover does not stop it, the clerk checks it with the customer.
        # A recalled one is not handed over at all (the service refuses it): said as such.
        flagged = [row for row in lk.rows if row.problem_kind]
        for row in flagged:
            if is_recalled(row.problem_kind):
                notes.append(self._recall_notice(row))
                continue
            notes.append(
                _(
                    "{waybill} is flagged {kind}: check it with the customer before handing it over.",
                    waybill=row.waybill,
                    kind=label_of(KIND_LABELS, row.problem_kind or ""),
                )
            )
        if say:
            warn = bool(lk.missing or lk.moved or flagged) or len(lk.groups) > 1
            recalled = any(is_recalled(row.problem_kind) for row in flagged)
            self._say_answer(sentences(*notes), error=recalled, warn=warn)
        if self.station.settings().storage_fee_rules:
            self._quote_fees()
        if lk.second_check:
            who = _("; ").join(
                f"{marks[g[0].parcel_id] + ' ' if marks[g[0].parcel_id] else ''}{customer_text(g)}"
                for g in lk.groups
            )
            # Plain text: a name from a pre-alert file is data, never markup.
            self.query_one("#pk-check", Static).update(
                Text(_("{label}: {value}", label=_(CHECK_LABELS[lk.second_check]), value=who))
            )

    @staticmethod
    def _count_note(total: int, recalled: int) -> str:
        """How many parcels to fetch, as the counter counts them: a recalled one is listed, but it is not
        handed over (a manager's Ctrl+O aside), so neither counts it."""
        if total == 1:  # no order to fetch one in: its own sentence, as Chinese has one form for every count
            if recalled:
                return _("1 parcel to hand over: fetch it and scan it.")
            return _("1 parcel: fetch it and scan it.")
        if not recalled:
            return _n(
                "{n} parcel: fetch it and scan it.",
                "{n} parcels: fetch them in this order and scan each.",
                total,
                n=total,
            )
        if not total:
            return _n(
                "Nothing to hand over: {n} parcel listed, and it was recalled.",
                "Nothing to hand over: {n} parcels listed, all recalled.",
                recalled,
                n=recalled,
            )
        return _n(
            "{n} parcel to hand over: fetch it and scan it.",
            "{n} parcels to hand over: fetch them in this order and scan each.",
            total,
            n=total,
        )

    def on_live_bridge_changed(self, message: LiveBridge.Changed) -> None:
        """Another counter changed one of the listed parcels: the list is read again, ticks kept."""
        self._refresh_recent()
        if self.lookup is not None and message.parcel_ids & {r.parcel_id for r in self.lookup.rows}:
            self.read_again(
                _("Another counter just changed one of these parcels: the list shows them as they are now."),
                error=False,
            )

    def failed(self, tag: str, text: str) -> None:
        if tag == "scan":
            self._wrong(text)
        elif tag == "still_here":
            self.nothing_still_here()  # nothing of theirs is on the shelves now
        elif tag == "lookup":
            self.app.bell()
            self._say_answer(text, error=True)
        elif tag == "handover":
            self.handover_failed(text)
        else:
            self._refuse(text)

    def _wrong(self, text: str) -> None:
        self.add_class("-wrong")
        self._refuse(text)
