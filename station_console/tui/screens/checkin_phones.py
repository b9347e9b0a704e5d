"""The check-in screen's phone and recipient panel: a phone typed, or a person picked from the directory
(Ctrl+N), goes to the parcel shown beside the Phone field and no other; "who is this?" (Ctrl+W) lists
named parcels nobody matched."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from textual import on, work
from textual.message import Message
from textual.widgets import DataTable, Input

from station_console.errors import StationError
from station_console.i18n import _, sentences
from station_console.logs import mask_text
from station_console.safe_text import cut
from station_console.services.checkin.phones import parse_phone
from station_console.services.checkin.recipient import recipient_notes
from station_console.services.core.db_errors import PASSING_CODES
from station_console.services.shelves.lists import masked_phones
from station_console.tui.screens.base import open_over
from station_console.tui.screens.checkin_attention import Attention
from station_console.tui.screens.checkin_questions import CheckinQuestions
from station_console.tui.screens.checkin_state import shown_parcel
from station_console.tui.screens.checkin_twice import same_parcel
from station_console.tui.screens.checkin_writer import CheckinWriter
from station_console.tui.widgets.tail_table import tail

if TYPE_CHECKING:
    from station_console.tui.screens.checkin_recipient import Picked


class CheckinPhones(CheckinQuestions):
    # The parcel whose phone a refused scan left in the field to be checked (its scan: the writer's
    # answer, or its double read's, puts the same parcel in hand anew), what was left there, and the
    # keys the scan took back out of it.
    _checking: tuple[str, str, str] | None = None

    @dataclass
    class Phones(Message):
        masked: dict[int, str | None]

    def _settle_phone_field(self) -> None:
        """A scan arrived while the Phone field holds something: a valid phone goes to the parcel it
        was typed for; anything else is cleared, with a warning (never kept for the next parcel)."""
        field = self.query_one("#phone", Input)
        text = field.value.strip()
        field.value = ""
        dropped = self._drop_if_not_kept(text)
        if not text or self.quick:
            return
        try:
            parse_phone(text)
        except StationError:
            text = cut(mask_text(text), 24)
            if self.current is None:
                why = _("Phone field held {text}: not a phone, cleared.", text=text)
                hint = _("Type the phone again · Ctrl+X dismiss")
            else:
                # The scan that settled it made another parcel current: the warning names the one the
                # phone was typed for, which now waits without one (F9).
                why = _(
                    "Phone field held {text} for {parcel}: not a phone, cleared.",
                    text=text,
                    parcel=shown_parcel(self.current),
                )
                hint = _("F9 adds its phone · Ctrl+X dismiss")
            self._attention(Attention("phone", "phone_invalid", why, hint))
            return
        if dropped:
            # Named masked, as every phone on the screens is.
            why = _(
                "Phone {text} was left by the refused scan, retyped or not completed: cleared.",
                text=cut(mask_text(text), 24),
            )
            self._attention(
                Attention(
                    "phone", "no_parcel", why, _("Scan its parcel again, then the phone · Ctrl+X dismiss")
                )
            )
            return
        if self.current is None:
            why = _("Phone {text} had no parcel: cleared.", text=cut(mask_text(text), 24))
            self._attention(
                Attention("phone", "no_parcel", why, _("Type it after its scan · Ctrl+X dismiss"))
            )
            return
        self._send_phone(text)

    def _phone_to_check(self, taken_back: str) -> bool:
        """A refused scan took the last key (or two) typed into Phone back out as its possible head:
        the phone typed for the parcel shown stays there, neither sent nor cleared. The clerk checks it
        and it goes to that parcel with the next scan or Enter, as it would have without the refusal."""
        field = self.query_one("#phone", Input)
        kept = field.value.strip()
        checking = bool(taken_back and self.focused is field and kept and self.current)
        before = self._checking
        if checking and before is not None and same_parcel(before[0], self.current):
            # Refused again while a kept phone is checked: kept anew only as its completion so far. A
            # phone typed over it may be the refused parcel's, and is settled (dropped) as it stands.
            checking = (kept + taken_back).startswith(before[1])
        if checking and self.current is not None:
            self._checking = (self.current.raw, kept, taken_back)
        # Else a kept phone still to check stays so, for the settle that follows to judge.
        return checking

    def _drop_if_not_kept(self, text: str) -> bool:
        """The phone kept after a refused scan goes to its parcel only as the clerk completed it (what was
        kept, and more; as it was only when it cannot be a phone cut short). Retyped otherwise, it may well
        be the refused parcel's phone: it goes to no parcel (the clerk is told to scan the parcel again),
        never to the one shown. An emptied field is no retyped phone yet: the parcel stays shown and the
        check stays for what is typed next (F8 with the kept phone deleted cleared it without a word)."""
        checking, self._checking = self._checking, None
        if not text:
            self._checking = checking
            return False
        if checking is None or not same_parcel(checking[0], self.current):
            return False
        _parcel, kept, taken = checking
        if text.startswith(kept) and not (text == kept and _may_be_cut_short(kept, taken)):
            return False
        self.current = None
        self._show_current()
        return True

    def action_toggle_quick(self) -> None:
        if not self.quick:
            # Quick mode disables Phone and drops what is in it at the next scan: a phone typed for the
            # parcel shown goes to it now (a kept one as its check says), or is said cleared.
            self._settle_phone_field()
            # Nor can a phone come now for the parcel whose label waits for one: it prints now, before
            # the next parcel's (a quick scan lets no held label go), not when its wait runs out.
            self.writer.submit(self.writer.let_label_go)
        self.quick = not self.quick
        self.query_one("#phone", Input).disabled = self.quick
        self.set_class(self.quick, "-quick")
        self.query_one("#scan", Input).focus()
        self._refresh_status()

    def size_refusal(self) -> str | None:
        """Size's words for a key it does not take. Tab moves the focus on from Phone to Size (a
        scanner's Tab ends its scan, a clerk's own goes on), and a phone typed there was refused as
        any letter: the clerk is told where it goes. Quick mode has no Phone field: the usual words."""
        if self.quick:
            return None
        return _("Size takes S, M, L or XL only. A phone goes in the Phone field (Shift+Tab).")

    @on(Input.Submitted, "#size")
    def _size_entered(self, event: Input.Submitted) -> None:
        """Enter in Size checks nothing in (the size waits for the next scan): said, not silent, with
        where a phone goes when the clerk meant one."""
        text = _("Size goes with the next scan: scan the parcel.")
        if not self.quick:
            text = sentences(text, _("A phone goes in the Phone field (Shift+Tab)."))
        self._say(text, warn=True)

    @on(Input.Submitted, "#phone")
    def _phone_entered(self, event: Input.Submitted) -> None:
        text = event.value.strip()
        if not text:
            return  # Enter on an empty field answers nothing (a stray Enter must not resolve a question)
        if event.input.value.strip() != text:
            return  # a scan came first and took this phone to its parcel: never a second parcel
        if self.current is not None:
            # With no parcel in hand (its check-in refused), a kept phone stays to be checked, as it
            # stays in the field: Ctrl+Y's retry may put its parcel back in hand.
            self._drop_if_not_kept(text)
        if self.current is None:
            self._refuse_text(
                _("The last scan was refused: scan the parcel again, then type its phone.")
                if self.last_scan_refused
                else _("Scan the parcel first: a phone goes to the parcel just scanned.")
            )
            return
        try:
            parse_phone(text)
        except StationError as exc:
            self._refuse_text(exc.message())  # kept in the field to correct
            return
        event.input.value = ""
        self._send_phone(text)
        self.query_one("#scan", Input).focus()

    def _send_phone(self, text: str) -> None:
        if self.current is not None:
            self.writer.submit(self.writer.set_phone, self.current.seq, text, by=self.signed_in())

    @on(CheckinWriter.PhoneSaved)
    def _phone_saved(self, message: CheckinWriter.PhoneSaved) -> None:
        table = self.query_one("#ci-table", DataTable)
        if str(message.parcel_id) in table.rows:
            table.update_cell(str(message.parcel_id), "phone", tail(message.masked))
        self.show_let_go(table, message.parcel_id)
        code = next((r.pickup_code for r in reversed(self.results) if r.parcel_id == message.parcel_id), "")
        notes = [_("Phone {masked} saved for {code}.", masked=message.masked, code=code)]
        self._answer(sentences(*notes, *recipient_notes(message)), warn=message.consent_missing)
        self._refresh_status()

    kept_pick: Picked | None = None  # a pick refused: the next Ctrl+N offers it again

    def action_pick_recipient(self) -> None:
        """Like a phone, the person a parcel is for goes to the parcel shown (the one just scanned),
        which the finder names: the clerk sees which parcel it is before picking."""
        current = self.current
        if current is None:
            self._refuse_text(
                _("The last scan was refused: scan the parcel again, then choose its recipient.")
                if self.last_scan_refused
                else _("Scan the parcel first: a recipient goes to the parcel just scanned.")
            )
            return
        # On demand: the finder (and the directory's matching) load when a recipient is first looked for.
        from station_console.tui.screens.checkin_recipient import RecipientPicker

        def chosen(picked: Picked | None) -> None:
            self.query_one("#scan" if self.quick else "#phone", Input).focus()
            if picked is not None:
                self.kept_pick = None
                self.writer.submit(self.writer.recipient, current.seq, picked, by=self.signed_in())

        kept = self.kept_pick
        open_over(self, RecipientPicker(shown_parcel(current), kept.name if kept else ""), chosen)

    @on(CheckinWriter.RecipientRefused)
    def _recipient_refused(self, message: CheckinWriter.RecipientRefused) -> None:
        """Said with who was not saved (the refusal names the parcel); they are kept for Ctrl+N."""
        self.kept_pick = message.picked
        who = message.picked.name
        text = sentences(message.refusal.text, _("{who} was not saved as its recipient.", who=who))
        hint = _("Ctrl+N offers {who} again · Ctrl+X dismiss", who=who)
        self._attention(Attention("recipient", message.refusal.code, text, hint, by=message.by))

    @on(CheckinWriter.RecipientSaved)
    def _recipient_saved(self, message: CheckinWriter.RecipientSaved) -> None:
        table = self.query_one("#ci-table", DataTable)
        if message.masked and str(message.parcel_id) in table.rows:
            table.update_cell(str(message.parcel_id), "phone", tail(message.masked))
        code = next((r.pickup_code for r in reversed(self.results) if r.parcel_id == message.parcel_id), "")
        notes = [_("{code} is for {who}.", code=code, who=message.who)]
        self._answer(sentences(*notes, *recipient_notes(message)), warn=message.consent_missing)
        self._refresh_status()

    def action_who_is_this(self) -> None:
        # On demand: the dialog module loads when it is first asked for.
        from station_console.tui.screens.recipient_dialogs import WhoIsThisDialog

        open_over(self, WhoIsThisDialog(), lambda _done: self.phones_set_elsewhere())

    def phones_set_elsewhere(self) -> None:
        """A dialog set phones (F9's list, a "who is this?" match): the rows shown read theirs again."""
        self._refresh_status()
        table = self.query_one("#ci-table", DataTable)
        self._read_phones([int(str(key.value)) for key in table.rows])

    @work(thread=True, exclusive=True, exit_on_error=False, group="checkin-phones")
    def _read_phones(self, ids: list[int]) -> None:
        try:
            self.post_message(self.Phones(masked_phones(self.station, ids)))
        except Exception:
            return  # a busy database: the rows keep what they showed

    @on(Phones)
    def _phones(self, message: Phones) -> None:
        table = self.query_one("#ci-table", DataTable)
        for pid, masked in message.masked.items():
            if masked and str(pid) in table.rows:
                table.update_cell(str(pid), "phone", tail(masked))

    @on(CheckinWriter.PhoneKept)
    def _phone_kept(self, message: CheckinWriter.PhoneKept) -> None:
        self._answer(
            _(
                "Phone {masked} kept: it goes with its parcel when Ctrl+Y tries it again.",
                masked=message.masked,
            ),
            warn=True,
        )

    @on(CheckinWriter.PhoneRefused)
    def _phone_refused(self, message: CheckinWriter.PhoneRefused) -> None:
        """Said with the phone, masked, and the parcel it was for: it left its field when sent, and the
        clerk has scanned on since (a busy database names neither)."""
        refusal, hint = message.refusal, _("Ctrl+X dismiss")
        code = next((r.pickup_code for r in reversed(self.results) if r.parcel_id == message.parcel_id), "")
        text = refusal.text
        if message.masked and code:
            text = sentences(
                text, _("Phone {masked} was not saved for {code}.", masked=message.masked, code=code)
            )
            if refusal.code in PASSING_CODES:
                hint = _("F9 adds it once the database answers · Ctrl+X dismiss")
        elif message.masked:
            text = sentences(text, _("Phone {masked} was not saved.", masked=message.masked))
        self._attention(Attention("phone", refusal.code, text, hint, by=message.by))


def _may_be_cut_short(kept: str, taken: str) -> bool:
    """The phone kept as it was (not completed) may be the clerk's phone less the keys the scan took
    back, and still read as a phone: a virtual number's extension (`17012345678-846` of `-8462`), a
    foreign number. When it and it with those keys are both phones, which one the clerk meant cannot
    be told. (Kept whole, with the scan's own head taken back, it plus those keys is none.)"""
    if not taken:
        return False
    try:
        parse_phone(kept)
    except StationError:
        return False  # not a phone as it is: refused as one wherever it goes
    for end in range(1, len(taken) + 1):
        try:
            parse_phone(kept + taken[:end])
        except StationError:
            continue
        return True
    return False
