"""Free text a clerk types (a name, a reason, contents), read the one way every flow reads it.

A reason or a note (a write-off's reason, a problem note, a waiver's reason, ...) is stored with every
phone number in it masked, the way screens show a phone (`138****5678`, `****5678`): it goes into the
audit chain, which is never purged, and onto screens and exports. Names, addresses and contents a
carrier needs on a waybill are not notes, and a phone field is read by `checkin/phones.py`.

Which runs are phones is `station_console/phone_masking.py` (`mask_phones`): the log masks by the
same rule.
"""

from __future__ import annotations

from dataclasses import dataclass

from station_console.errors import Refused
from station_console.i18n import N_, Later, get_language, translate
from station_console.phone_masking import mask_phones
from station_console.safe_text import printable
from station_console.services.core.name_masking import has_letter


def says_something(text: str) -> bool:
    """The text has a letter, a digit or a CJK character: marks alone (`[/]`, `--`) say nothing, and a
    required reason or name of marks alone is refused (the one rule every such field reads by)."""
    return has_letter(text)


@dataclass(frozen=True)
class Phrase(Later):
    """A field's name, or what it takes ("a carrier's code, e.g. SF"), as a parameter of its refusal: an
    English message id, translated in the language the refusal is shown in."""

    msgid: str

    def message(self, lang: str | None = None) -> str:
        return translate(self.msgid, lang or get_language())


def text_field(
    text: str | None, label: str | Later, *, limit: int, required: bool = True, wanted: Phrase | None = None
) -> str:
    """Free text as data (`clean`, and any other character that prints nothing out); empty (when
    required: marks alone say nothing, `says_something`) or longer than `limit` is refused with the
    field's name, never cut silently. Marks alone (`[/]`) are refused as such, not as empty: the clerk
    typed something; `wanted` says what the field takes."""
    value = printable(text)
    if required and not value:
        raise Refused(N_("{field} is empty."), code="missing", field=label)
    if required and not says_something(value):
        # "missing" still: the field to put right is the same one an empty one names
        if wanted is None:
            raise Refused(
                N_("{field} has no letters or digits: marks alone say nothing."), code="missing", field=label
            )
        raise Refused(
            N_("{field} has no letters or digits: type {wanted}."), code="missing", field=label, wanted=wanted
        )
    if len(value) > limit:
        raise Refused(
            N_("{field} is longer than {limit} characters."), code="too_long", field=label, limit=limit
        )
    return value


def note_field(text: str | None, label: str | Later, *, limit: int, required: bool = True) -> str:
    """A reason or a note, refused like `text_field` (on what was typed), stored with its phones masked."""
    return mask_phones(text_field(text, label, limit=limit, required=required))


@dataclass(frozen=True)
class NoteRule(Later):
    """One reason or note field: its name (an English message id, translated where its refusal is
    shown), how long it may be (its column's length) and whether it may be left empty. The service
    reads with it, and a screen that asks for the text checks with it before closing its dialog, so
    both refuse the same text the same way."""

    label: str
    limit: int
    required: bool = True

    def read(self, text: str | None) -> str:
        """`text` as it is stored (`note_field`), refused with this field's name."""
        return note_field(text, self, limit=self.limit, required=self.required)

    def message(self, lang: str | None = None) -> str:
        return translate(self.label, lang or get_language())


REASON = NoteRule(N_("Reason"), 200)  # a manager's reason for an exception (write-off, waiver, ...)
NOTE = NoteRule(N_("Note"), 200, required=False)  # a note kept with a record (a shelf, a consent, ...)
