"""What the Pickup mode's hand-over keys ask before a handover: F10 (or Enter on a complete set) has
the clerk confirm who is here when a phone tail or waybill alone found them, and again before handing
over only some of the listed parcels; Ctrl+O is a manager's handover of what a scan cannot (a label
that will not scan, a recalled parcel), with one reason.

A layer between `pickup_handover.py` (the writes) and the screen (`pickup.py`: the lookup and the scans).
"""

from __future__ import annotations

from collections.abc import Sequence

from station_console.i18n import N_, LaterList, _, clauses, listed
from station_console.services.core.free_text import REASON
from station_console.services.core.roles import refusal
from station_console.services.pickup.lookup import CHECK_LABELS, PickupRow, contact_on_record
from station_console.tui.role_keys import role_key
from station_console.tui.screens.base import open_over
from station_console.tui.screens.pickup_dialogs import ReasonDialog
from station_console.tui.screens.pickup_handover import PickupHandover

# Names a shared phone's check line lists before it counts the rest: at 80x24 it keeps to a line or two.
NAMES_SHOWN = 3


def customer_text(rows: Sequence[PickupRow]) -> str:
    """One customer as the clerk checks them: each masked phone their parcels came with (a directory
    person's may have come with different phones of theirs), then each name (`138****1111 / 139****2222 ·
    张三`). People sharing a phone are one customer here, each named: the clerk checks whoever is here
    against their own name (`136****5678 · 李四、王五`). Never a whole number: rows carry only the masked one.
    With no phone and no name on their parcels, what is on the parcel: its carrier and its waybill's last
    four (`SF, waybill 0017`), not a "-" to check."""
    if not contact_on_record(rows):
        return " / ".join(
            dict.fromkeys(
                _("{carrier}, waybill {tail}", carrier=r.carrier_name, tail=r.waybill[-4:]) for r in rows
            )
        )
    phones = " / ".join(dict.fromkeys(r.masked_phone or "-" for r in rows))
    names = tuple(dict.fromkeys(name for r in rows if (name := (r.recipient_name or "").strip())))
    return f"{phones} · {LaterList(names, at_most=NAMES_SHOWN).message()}" if names else phones


class HandoverChecks(PickupHandover):
    """The hand-over keys' questions and checks; the handover itself is `PickupHandover._hand_over`."""

    def action_confirm(self) -> None:
        if self.lookup is None and self._acknowledged:
            return  # the handover's key pressed twice: its acknowledgment stays on the screen
        if self.lookup is None:
            self._refuse(_("Look up a customer first."))
            return
        active = self.active_rows()
        ready = [r for r in active if r.parcel_id in self.scanned]
        if not ready:
            self._refuse(_("Scan each parcel before handing it over."))
            return
        if self.lookup.needs_second_check and not self._identity_checked:
            # Policy: a phone tail (or waybill) alone is not enough; the clerk confirms who is here.
            self._identity_checked = True
            check, who = self._check_text(ready), self._who(ready)
            # Enter on the empty box hands over only a complete set, so it is offered only then.
            if len(ready) == len(active):
                said = _("{check} ({who}). Checked? Press Enter or F10 again.", check=check, who=who)
            else:
                said = _("{check} ({who}). Checked? Press F10 again.", check=check, who=who)
            self._say(said, warn=True)
            self._asked_again()
            return
        if len(ready) < len(active) and not self._subset_armed:
            self._subset_armed = True
            self._say(
                _(
                    "Only {done} of {total} scanned. Press F10 again to hand over just these.",
                    done=len(ready),
                    total=len(active),
                ),
                warn=True,
            )
            self._asked_again()
            return
        method = self.lookup.method if self.lookup else "code"
        self._hand_over([r.parcel_id for r in ready], method, [r.waybill for r in ready])

    def _asked_again(self) -> None:
        # A double tap would answer the question before the clerk has read it: the same key right
        # after goes nowhere, as a dialog's answer repeated does.
        guard = getattr(self.app, "key_bounce", None)
        if guard is not None:
            guard.asked(self)

    def override_action(self) -> str:
        """The role table's action Ctrl+O does on this list: a recalled parcel's handover if it has one
        (the recall needs the manager's reason too), else the missing-scan override."""
        return "hand_over_recalled" if self.recalled_rows() else "override"

    @role_key("pickup.override", said_as=lambda screen: screen.override_action())
    def action_override(self) -> None:
        """A manager hands over what a scan cannot: a parcel whose label will not scan, and a recalled
        one (scanned or not), with one reason that the handover records for each."""
        active, held = self.active_rows(), self.recalled_rows()
        seen = {**self.scanned, **self.recall_scanned}
        missing = [r for r in active + held if r.parcel_id not in seen]
        if not missing and not held:
            self._say(_("Nothing to override: every parcel is scanned."), warn=True)
            return
        # The role alone; the override's write checks it all.
        refused = refusal(self.station, self.override_action())
        if refused is not None:
            self._refuse(refused.message())
            return
        method = self.lookup.method if self.lookup else "code"
        rows = active + held

        def given(reason: str | None) -> None:
            if reason:
                scanned = [r.waybill for r in rows if r.parcel_id in seen]
                self._hand_over(
                    [r.parcel_id for r in rows],
                    method,
                    scanned,
                    override_reason=reason if missing else None,
                    recall_reason=reason if held else None,
                )

        titles = []
        if missing:
            waybills = listed(r.waybill for r in missing)
            titles.append(_("Hand over without a scan: {waybills}", waybills=waybills))
        if held:
            waybills = listed(r.waybill for r in held)
            titles.append(_("Hand over though recalled: {waybills}", waybills=waybills))
        open_over(
            self,
            ReasonDialog(
                # Each title is a clause with no full stop of its own: run together as sentences, a
                # parcel neither scanned nor released read as one title ("…：123拦截件仍出库：123").
                clauses(titles),
                _("Reason (e.g. label torn, barcode unreadable)")
                if not held
                else _("Reason (e.g. the sender called the recall off)"),
                rule=REASON,
                what=N_("a handover without a scan") if not held else N_("a handover of a recalled parcel"),
            ),
            given,
        )

    def _check_text(self, rows: list[PickupRow]) -> str:
        check = self.lookup.second_check if self.lookup else None
        return _(CHECK_LABELS[check]) if check else ""

    def _who(self, rows: list[PickupRow]) -> str:
        """The customers of `rows`, each as the check line shows them (shown as text)."""
        ids = {r.parcel_id for r in rows}
        groups = self.lookup.groups if self.lookup else (tuple(rows),)
        return _("; ").join(
            customer_text(mine) for g in groups if (mine := [r for r in g if r.parcel_id in ids])
        )
