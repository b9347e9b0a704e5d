"""The check-in screen's open questions: a refused scan goes to the "needs attention" list, with what
the clerk can do about it (Ctrl+Y do it, Ctrl+B keep the batch carrier, Ctrl+X dismiss, recorded).

A scan refused because the database was busy or away is tried again by Ctrl+Y, as it was scanned
(its size, batch, carrier answer, courier batch, and a phone typed for it since): the check-in's own
duplicate check refuses it if the waybill came in meanwhile.
"""

from __future__ import annotations

from dataclasses import replace

from textual import on
from textual.widgets import Input

from station_console.i18n import _, sentences
from station_console.safe_text import cut
from station_console.services.checkin.carrier_choice import PHONE_FIELD
from station_console.services.checkin.transaction import CheckinResult
from station_console.services.core.db_errors import LASTING_CODES, PASSING_CODES
from station_console.tui.screens.calls import STILL_WRITING
from station_console.tui.screens.checkin_attention import Attention, AttentionList
from station_console.tui.screens.checkin_state import CheckinState
from station_console.tui.screens.checkin_twice import (
    is_double_read,
    rescan_in_hand,
    same_parcel,
    twice_line,
)
from station_console.tui.screens.checkin_writer import CheckinWriter, Refusal, ScanRequest, signed_in

# The reprint of a parcel scanned twice answers for no needs-attention item (their ids start at 1).
NO_ITEM = 0
# Refusal code -> needs-attention kind (anything else is "refused").
KIND_OF = {
    "carrier_conflict": "conflict",
    "duplicate": "duplicate",
    "outgoing_send": "send",
    "no_room": "no_room",
    "no_layer": "no_layer",
    "no_code": "no_code",
}


class CheckinQuestions(CheckinState):
    def _scanned_again(self, raw: str, key_time: float) -> bool:
        """The parcel in hand scanned again (checkin_twice.py): sent for the writer to answer, and
        nothing else changes, not the Phone field, its focus, nor the size typed for the next parcel."""
        current = self.current
        if current is None or not same_parcel(raw, current):
            return False
        request = ScanRequest(
            raw=raw,
            seq=next(self._seq),
            batch=self.batch_carrier,
            key_time=key_time,
            courier_batch=self.courier_batch,
            again_of=current.seq,
            by=self.signed_in(),
        )
        self._rescans[request.seq] = request
        self.writer.submit(self.writer.check_in, request, hold_label=not self.quick)
        return True

    def _in_hand_after_answer(self) -> None:
        """The parcel in hand undone (or its check-in refused): nothing is in hand, or its scan again if
        one is on its way (scanned before the answer came: it checks in anew, and a phone typed now is
        its)."""
        self.current = rescan_in_hand(self.current, self._rescans)
        if self.current is not None:
            self._last_seq = self.current.seq

    @on(CheckinWriter.ScanRefused)
    def _scan_refused(self, message: CheckinWriter.ScanRefused) -> None:
        request, refusal = message.request, message.refusal
        self._rescans.pop(request.seq, None)
        twice = self._checked_in_result(message.again_parcel)
        if twice is not None and is_double_read(request, refusal, message.again_parcel):
            if request.item is not None:  # Ctrl+Y's retry of it, once the database let it through
                self.query_one(AttentionList).remove_item(request.item)
            # Calm whether the parcel is still in hand or the next one was scanned right behind it.
            in_hand = self.current is not None and self.current.result is twice
            waits = in_hand and not self.quick and self._without_phone(twice.parcel_id)
            self._answer(twice_line(twice, waits_for_phone=waits))
            self.twice_parcel = None if waits else twice.parcel_id
            return  # the big code is this parcel's: it checked in at the first read
        kept = self._big_refused()
        if self.current is not None and self.current.seq == request.seq:
            # Its scan again on its way (a double read) may still check it in (the database busy a
            # moment): that scan is the parcel in hand then, as after an undo.
            self._in_hand_after_answer()
            self.last_scan_refused = self.current is None
            self._show_current()
            if self.current is None:
                self.query_one("#scan", Input).focus()
        if request.item is None:
            self.refused += 1
        if refusal.code in ("courier_batch_closed", "no_courier_batch"):
            self.courier_batch = None  # closed at another counter: scans go on without it
            self.refresh_batches()
        kind = KIND_OF.get(refusal.code, "refused")
        waybill = cut(str(refusal.params.get("waybill") or request.raw), 40)
        # A question's hint says what to do: the service's advice would say it a second time, and push
        # the hint out of the message box.
        text = refusal.reason or refusal.text if kind != "refused" else refusal.text
        if refusal.code == "phone_not_waybill":
            # This screen's own advice (quick mode hides the Phone field the service's names): in the
            # hint, or beside the reason when the hint offers the carrier that would take the number.
            detected = refusal.params.get("detected")
            text = sentences(refusal.reason, self._phone_advice()) if detected else refusal.reason
        if waybill not in text:
            # A refusal about the database, not the number, names no parcel: the row must, or the
            # clerk with several in hand cannot tell which to set aside or scan again.
            text = _("{waybill}: {reason}", waybill=waybill, reason=text)
        item = Attention(
            kind,
            refusal.code,
            text,
            self._hint(kind, refusal, request),
            waybill=waybill,
            request=request,
            by=request.by,
        )
        if kind == "conflict" or refusal.code == "phone_not_waybill":
            # A mobile number a carrier would take: Ctrl+Y checks it in as that carrier's waybill.
            item.detected = str(refusal.params.get("detected") or "")
        elif kind == "duplicate":
            item.parcel_id = refusal.params.get("parcel_id")
        if request.item is not None:
            self.query_one(AttentionList).remove_item(request.item)
        self._attention(item)
        if kept:
            self._said_with_late_code()
        self._refresh_status()

    def _checked_in_result(self, parcel_id: int | None) -> CheckinResult | None:
        """This session's check-in of the parcel, if it has one."""
        return next((r for r in reversed(self.results) if r.parcel_id == parcel_id), None)

    def _hint(self, kind: str, refusal: Refusal, request: ScanRequest) -> str:
        if refusal.code == "phone_not_waybill":
            if refusal.params.get("detected"):
                return _(
                    "Ctrl+Y: it is a {detected} waybill · Ctrl+X dismiss",
                    detected=refusal.params.get("detected", "?"),
                )
            # The sentence the row says beside a carrier's offer, as a hint: without its full stop.
            return _("{advice} · Ctrl+X dismiss", advice=self._phone_advice().rstrip(".。"))
        if refusal.code == "phone_invalid":
            # A landline scanned (a scan carries no phone of its own: a phone refused here is the scan):
            # its row says a mobile is needed; the hint says where it goes (quick mode has no Phone).
            if self.quick:
                return _("{advice} · Ctrl+X dismiss", advice=self._phone_advice().rstrip(".。"))
            return _("Type the customer's mobile in the phone field · Ctrl+X dismiss")
        if kind == "conflict":
            return _(
                "Ctrl+Y: use {detected} · Ctrl+B: keep {batch}",
                detected=refusal.params.get("detected", "?"),
                batch=request.batch or "?",
            )
        if kind == "duplicate":
            return _("Ctrl+Y: reprint its label · Ctrl+X dismiss")
        if kind == "send":
            return _("Put it with the outgoing parcels · Ctrl+X dismiss")
        if kind == "no_room":
            return _("Free a layer, then Ctrl+Y: try again · Ctrl+X dismiss")
        if kind == "no_code":
            return _(
                "A manager raises the Last SEQ number in Settings (Ctrl+S), Pickup codes, then Ctrl+Y "
                "· Ctrl+X dismiss"
            )
        if kind == "no_layer":
            return _(
                "A manager adds a layer in Shelves (F4, then F12), then Ctrl+Y: try again · Ctrl+X dismiss"
            )
        if refusal.code == "bad_size":
            # The number was fine and Size is cleared: the size goes in again, then the scan.
            return _("Type S, M, L or XL in Size, then scan the parcel again · Ctrl+X dismiss")
        # The number was fine; the database was not: nothing to check or type.
        if refusal.code in PASSING_CODES:
            return _("Ctrl+Y try again · Ctrl+X dismiss")
        # Every carrier off: the number may be fine, and the refusal says what a manager does.
        if refusal.code in LASTING_CODES or refusal.code == "no_carriers":
            return _("Scan it again once that is fixed · Ctrl+X dismiss")
        return _("Check the number, or type it into the scan field · Ctrl+X dismiss")

    def _phone_advice(self) -> str:
        """Where a phone goes on this screen, for a phone scanned where a waybill goes."""
        if self.quick:
            return _("Quick mode has no Phone field: F9 adds phones later, F8 shows it.")
        return _(PHONE_FIELD)

    def signed_in(self) -> tuple[int, str] | None:
        """The clerk signed in now (id and name), whose a scan sent or an item listed now is."""
        return signed_in(self.station, self.app)

    def _attention(self, item: Attention) -> None:
        item.at = self.station.now().astimezone(self.station.zone()).strftime("%H:%M:%S")
        if item.by is None:  # a refusal of what was sent is its sender's, set from what was sent
            item.by = self.signed_in()
        self.query_one(AttentionList).add(item)
        self.app.bell()
        self._say(said(item), error=True)
        self.said_item = item.id

    @on(AttentionList.Settled)
    def _settled(self, message: AttentionList.Settled) -> None:
        """The item the standing refusal names is put right by something other than the clerk's key (its
        double read checked it in, a retry of it, a later scan of its waybill): the refusal would tell
        the clerk to do what is done, so it goes. A newer refusal, about something else, stays."""
        if message.item.id == self.said_item:
            self.said_item = None
            if self.message.withdraw(said(message.item)):
                self.fit_message_box()

    def action_move_item(self, delta: int) -> None:
        self.query_one(AttentionList).move(delta)

    def drop_clerks_lines(self, *, refusal_only: bool = False) -> None:
        super().drop_clerks_lines(refusal_only=refusal_only)
        if not refusal_only:
            self.twice_parcel = None  # its line went: the next clerk is offered no reprint unsaid

    def action_resolve(self) -> None:
        if self.twice_parcel is not None and self.said_item is None:
            # The calm line of a parcel scanned twice offers its reprint; a refusal standing over it (an
            # item named first) is what Ctrl+Y answers instead. Once: Ctrl+Y twice prints one label.
            parcel, self.twice_parcel = self.twice_parcel, None
            self.writer.submit(self.writer.reprint, NO_ITEM, parcel)
            return
        item = self.query_one(AttentionList).selected()
        if item is None:
            return
        if item.trying:  # Ctrl+Y twice: the second would check in a duplicate, or print a second label
            self._say(_(STILL_WRITING), warn=True)
            return
        if item.kind == "conflict" and item.request is not None:
            self._retry(item, carrier=item.detected or None)
        elif item.code == "phone_not_waybill" and item.detected and item.request is not None:
            self._retry(item, carrier=item.detected)
        elif item.kind in ("no_room", "no_code", "no_layer") and item.request is not None:
            self._retry(item, carrier=item.request.carrier)
        elif item.kind == "refused" and item.code in PASSING_CODES and item.request is not None:
            self._say(_("Trying {waybill} again...", waybill=item.waybill))
            self._retry(item, carrier=item.request.carrier)
        elif item.kind == "duplicate" and item.parcel_id is not None:
            item.trying = True  # its answer removes the item, or its refusal lets Ctrl+Y try again
            self.writer.submit(self.writer.reprint, item.id, item.parcel_id)
        else:
            self._say(_("Nothing to do for this one but dismiss it (Ctrl+X) once it is handled."), warn=True)

    def action_keep_batch(self) -> None:
        item = self.query_one(AttentionList).selected()
        if item is not None and item.trying:
            self._say(_(STILL_WRITING), warn=True)
        elif item is not None and item.kind == "conflict" and item.request is not None:
            self._retry(item, carrier=item.request.batch)

    def _retry(self, item: Attention, *, carrier: str | None) -> None:
        request = item.request
        if request is None:
            return
        item.trying = True  # its answer replaces or removes the item
        again = replace(request, carrier=carrier, key_time=0.0, item=item.id, by=self.signed_in())
        self.writer.submit(self.writer.check_in, again, hold_label=not self.quick)

    def action_dismiss_item(self) -> None:
        attention = self.query_one(AttentionList)
        item = attention.selected()
        if item is None:
            return
        attention.remove_item(item.id)
        self.writer.submit(self.writer.dismiss, item.kind, item.code, item.waybill, item.length)
        self._say(_("Dismissed; it stays in the audit trail."))

    @on(CheckinWriter.Reprinted)
    def _reprinted(self, message: CheckinWriter.Reprinted) -> None:
        self.query_one(AttentionList).remove_item(message.item)
        self._answer(_("Label queued again (job {job}).", job=message.job_id))

    @on(CheckinWriter.ActionRefused)
    def _action_refused(self, message: CheckinWriter.ActionRefused) -> None:
        for item in self.query_one(AttentionList).items:
            if item.id == message.item:
                item.trying = False  # refused: Ctrl+Y may ask again
        self.app.bell()
        self._say(message.refusal.text, error=True)

    @on(CheckinWriter.Crashed)
    def _crashed(self, message: CheckinWriter.Crashed) -> None:
        for item in self.query_one(AttentionList).items:
            item.trying = False  # whichever retry this was, it will not answer: Ctrl+Y may send it again
        self._attention(Attention("error", "unexpected", message.text, _("Ctrl+X dismiss"), by=message.by))


def said(item: Attention) -> str:
    """What the message line says of a needs-attention item: what happened, and the key that resolves it."""
    return f"{item.text}\n{item.hint}"
