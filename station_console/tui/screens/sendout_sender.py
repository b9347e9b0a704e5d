"""Send-out's returning sender: Enter on the sender's phone (or a phone scanned into it) looks the phone
up; a sender found fills the name and the document type, unless the clerk typed another name meanwhile
(theirs stays, and the line names the one on file). A refusal said while the lookup runs (a scan) stays
first over its answer, said on the line below (`StatusLine.show_read`). Keys typed right behind the
phone's Enter wait for the answer (up to the calls' fail-safe). The focus moves on only from the
phone field: on a slower database the clerk may have gone on to another field, and their typing must stay
there. A lookup that answers after the form was cleared for the next sender goes nowhere.

A mixin of `SendoutScreen` (its `call`, `form`, `message`): named methods, as a plain mixin has no
decorated-handler table of its own.
"""

from __future__ import annotations

from typing import Any

from textual.widgets import Input, Select

from station_console.i18n import N_, _, _n
from station_console.services.sendout import senders

# Said once the sender's name is in and their document checked: the lookup's line asked for those, and
# stayed while the clerk went on to the recipient and the parcel.
SENDER_DONE = N_("Sender {name} checked: now the recipient and the parcel.")


class SenderLookup:
    _filled_name = ""  # the name the last lookup put in the field (not typed by the clerk)
    _asks_for_sender = False  # the line shows the lookup's answer, which asks for the name and the ID

    def sender_filled(self) -> None:
        """A sender field changed: once the name is in and the document checked (its type, its number,
        ticked as seen), the lookup's line, which asked for them, gives way to what is left to do."""
        screen: Any = self
        form = screen.form
        if not self._asks_for_sender:
            return
        party = form.party()
        if party.name.strip() and party.id_type and (party.id_number or "").strip() and party.id_seen:
            self._asks_for_sender = False
            screen.message.show_read(_(SENDER_DONE, name=party.name.strip()), ok=True)

    def find_sender(self, typed: str) -> None:
        screen: Any = self
        phone = typed.strip()
        if phone:
            # For this sender's form: Esc for the next sender before it answers drops it (`new_form`).
            # Keys and pastes right behind the phone's Enter wait for its answer, the focus on to the
            # name: given out when the Enter alone was answered, a name went into the phone field.
            screen.call(
                "sender",
                lambda: senders.find_sender(screen.station, phone),
                exclusive=True,
                for_form=True,
                holds_keys=True,
            )

    def done_sender(self, found: senders.SenderInfo | None) -> None:
        screen: Any = self
        self._asks_for_sender = True
        if found is None:
            screen.message.show_read(_("New sender: take the name and check the ID."), under_refusal=True)
            self._focus_after_lookup("#so-name")
            self.sender_filled()  # all given while it was looked up: nothing left to ask
            return
        typed = screen.form.value("so-name").strip()
        if typed and typed != found.name and typed != self._filled_name:
            # The clerk typed a name while the lookup ran: theirs stays, and they choose. A name an
            # earlier lookup filled in (the phone corrected since) is the console's: it gives way.
            screen.message.show_read(
                _n(
                    "On file for this phone: {name} ({sends} send). You typed {typed}: check which is right.",
                    "On file for this phone: {name} ({sends} sends). You typed {typed}: check which is right.",
                    found.sends,
                    name=found.name,
                    sends=found.sends,
                    typed=typed,
                ),
                warn=True,
                under_refusal=True,
            )
            self._focus_after_lookup("#so-name")
            return
        screen.form.set_value("so-name", found.name)
        self._filled_name = screen.form.value("so-name").strip()
        if found.id_type:
            screen.query_one("#so-idtype", Select).value = found.id_type
        on_file = f" ****{found.id_last4}" if found.id_last4 else ""
        # A name blanked past the real-name period is left out with its space (as on paper).
        said = (
            _n(
                "Returning sender {name} ({sends} send); ID on file{on_file}: check the document.",
                "Returning sender {name} ({sends} sends); ID on file{on_file}: check the document.",
                found.sends,
                name=found.name.strip(),
                sends=found.sends,
                on_file=on_file,
            )
            if found.name.strip()
            else _n(
                "Returning sender ({sends} send); ID on file{on_file}: check the document.",
                "Returning sender ({sends} sends); ID on file{on_file}: check the document.",
                found.sends,
                sends=found.sends,
                on_file=on_file,
            )
        )
        screen.message.show_read(
            said,
            ok=True,
            under_refusal=True,
        )
        self._focus_after_lookup("#so-idnum")
        self.sender_filled()

    def _focus_after_lookup(self, selector: str) -> None:
        """The lookup's next field, unless the clerk went on to another field while it ran (a slow
        database): the focus taken from under their typing would send the rest into the wrong field."""
        screen: Any = self
        if screen.focused is None or screen.focused.id == "so-phone":
            screen.query_one(selector, Input).focus()
