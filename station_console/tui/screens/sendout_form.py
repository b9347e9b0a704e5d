"""The send-out counter's form: who sends (and their document), to whom, what, the inspection
checklist, carrier, weight, waybill number and payment, read into the service's dataclasses.

Every text field is a `WedgeInput`, so a scan reaches the screen's scan handler wherever the focus is.
The ID number field is masked on screen and emptied as soon as the send is recorded.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from rich.text import Text
from textual import events, on
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.message import Message
from textual.widgets import Checkbox, Select, SelectionList
from textual.widgets._select import SelectOverlay

from station_console import name_limit
from station_console.i18n import N_, _
from station_console.safe_text import clean
from station_console.services.core.money import parse_cents
from station_console.services.sendout import inputs
from station_console.services.sendout.accept import MAX_DECLARED_CENTS, Parcel, Party, Recipient
from station_console.services.sendout.identity import ID_TYPE_SHORT
from station_console.services.sendout.inspection import Checklist
from station_console.services.sendout.payments import METHOD_LABELS, Payment
from station_console.tui.widgets.form_scroll import FormScroll
from station_console.tui.widgets.plain import Label, plain
from station_console.tui.widgets.routed_choice import RoutedChoice
from station_console.tui.widgets.tick import RoutedTick, TickList
from station_console.tui.widgets.wedge import RoutedKeys, WedgeInput

PHONE_CHARS = r"[0-9+\-\s()*#]*"
_MOVES = frozenset({"tab", "shift+tab"})


class FormInput(WedgeInput):
    """A wedge input in a form a clerk moves through with Tab.

    The shared router holds Tab like any key while it decides whether a burst is a scan, and a Tab it
    replays can land after the next keys (the first characters of the next field went into the last
    one). Unless the scanner itself ends codes with Tab, a Tab with nothing held is a person's: it
    moves the focus at once.
    """

    async def _on_key(self, event: events.Key) -> None:
        router = self.router
        if (
            event.key in _MOVES
            and router is not None
            and router.decoder.terminator != "tab"
            and not router.decoder.pending
        ):
            event.prevent_default()
            event.stop()
            if event.key == "tab":
                self.screen.focus_next()
            else:
                self.screen.focus_previous()
        # Otherwise Textual goes on to WedgeInput's and Input's own key handlers (one per class).


QUOTE_FIELDS = {"so-dest", "so-weight", "so-dims", "so-value", "so-carrier", "so-pack", "so-insure"}


class CheckList(RoutedKeys, TickList[str]):
    pass


class Choice(RoutedChoice):
    """The form's drop-downs. A key one has no use for (a letter, a digit: the waybill typed on after a
    Tab too many) was dropped without a word, a closed Select taking none: it posts `Typed`, for the
    screen to say what this one takes, by `field` (its name, a msgid) and its options."""

    @dataclass
    class Typed(Message):
        choice: Choice

    def __init__(self, *args: Any, field: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.field = field

    def key_reached(self, event: events.Key) -> None:
        if not self.expanded and event.is_printable and event.character not in (None, " "):
            self.post_message(self.Typed(self))

    def option_labels(self) -> list[str]:
        """What its list offers, as shown (the blank left out)."""
        labels = [
            prompt.plain if isinstance(prompt, Text) else str(prompt)
            for prompt, value in self._options
            if value is not Select.BLANK
        ]
        return [label for label in labels if label]


class CarrierChoice(Choice):
    """The carrier's drop-down; `picked`: the clerk chose from its list since the form was cleared (the
    carrier kept from the last send chosen again, too: no value changes, so no `Changed` says it)."""

    picked = False

    @on(SelectOverlay.UpdateSelection)
    def _picked(self) -> None:
        self.picked = True


def _row(label: str) -> Label:
    return Label(label, classes="field-label")


def phone_field(placeholder: str, widget_id: str) -> FormInput:
    return FormInput(
        placeholder=placeholder,
        id=widget_id,
        restrict=PHONE_CHARS,
        takes=_("a phone number"),
        max_length=24,
    )


class SendForm(FormScroll):
    """The fields of one send; `party()`, `recipient()`, `parcel()` read them (refusing bad input)."""

    currency = "CNY"  # the station's, once the counter's setup is read: a refused amount says it
    kept_carrier: str | None = None  # the carrier the last send left chosen as the form was cleared

    def compose(self) -> ComposeResult:
        with Horizontal(classes="so-row"):
            yield _row(_("Sender"))
            yield phone_field(_("phone + Enter"), "so-phone")
            yield FormInput(placeholder=_("full name"), id="so-name", max_length=name_limit.NAME_MAX)
        with Horizontal(classes="so-row"):
            yield _row(_("ID"))
            yield Choice(
                [(_(label), key) for key, label in ID_TYPE_SHORT.items()],
                field=N_("ID document"),
                id="so-idtype",
                prompt=_("document"),
            )
            yield FormInput(
                placeholder=_("ID no."),
                tooltip=_("ID number (only the last 4 are kept)"),
                id="so-idnum",
                password=True,
                max_length=24,
            )
            yield RoutedTick(_("document seen"), id="so-seen")
        with Horizontal(classes="so-row"):
            yield _row(_("To"))
            yield FormInput(placeholder=_("full name"), id="so-to-name", max_length=name_limit.NAME_MAX)
            yield phone_field(_("phone"), "so-to-phone")
            yield FormInput(placeholder=_("province"), id="so-dest", max_length=32)
        with Horizontal(classes="so-row"):
            yield _row("")
            yield FormInput(placeholder=_("address"), id="so-address", max_length=200)
        with Horizontal(classes="so-row"):
            yield _row(_("Contents"))
            yield FormInput(placeholder=_("contents"), id="so-contents", max_length=120)
            yield FormInput(value="1", id="so-count", restrict=r"[0-9]*", takes=_("digits"), max_length=3)
            yield FormInput(
                placeholder=_("value ¥"),
                id="so-value",
                restrict=r"[0-9.,]*",
                takes=_("a number"),
                max_length=10,
            )
            yield RoutedTick(_("insure"), id="so-insure")
        yield Label(
            _("Inspection: tick each item you have made sure is not inside"),
            id="so-check-title",
            classes="so-section",
        )
        yield CheckList(id="so-check")
        with Horizontal(classes="so-row"):
            yield _row(_("Carrier"))
            yield CarrierChoice([], field=N_("Carrier"), id="so-carrier", prompt=_("carrier"))
            yield Choice([], field=N_("Packaging"), id="so-pack", prompt=_("no packaging"))
        with Horizontal(classes="so-row"):
            yield _row(_("Weight"))
            yield FormInput(
                placeholder=_("kg (F8 weighs)"),
                id="so-weight",
                restrict=r"[0-9.,]*",
                takes=_("a number"),
                max_length=8,
            )
            yield FormInput(placeholder=_("LxWxH cm"), id="so-dims", max_length=20)
            yield Label("", id="so-weight-source")
        with Horizontal(classes="so-row"):
            yield _row(_("Waybill"))
            yield FormInput(
                placeholder=_("scan the waybill, or F9 for the next number"), id="so-waybill", max_length=40
            )
        with Horizontal(classes="so-row"):
            yield _row(_("Payment"))
            yield Choice(
                [(_(label), key) for key, label in METHOD_LABELS.items()],
                field=N_("Payment"),
                id="so-pay",
                value="cash",
                allow_blank=False,
            )
            yield FormInput(placeholder=_("QR ref or account"), id="so-ref", max_length=64)

    # -- filling ---------------------------------------------------------------------------------

    def value(self, field: str) -> str:
        return self.query_one(f"#{field}", WedgeInput).value

    def set_value(self, field: str, text: str) -> None:
        self.query_one(f"#{field}", WedgeInput).value = clean(text)  # stored text as typed text

    def show_checklist(self, checklist: Checklist) -> None:
        box: SelectionList[str] = self.query_one("#so-check", SelectionList)
        box.clear_options()
        box.add_options([(plain(item.text()), item.id) for item in checklist.items])  # data, not markup

    def show_carriers(self, carriers: list[tuple[str, str]], packaging: list[str]) -> None:
        select: Select[str] = self.query_one("#so-carrier", Select)
        current = select.value
        select.set_options([(plain(label), code) for label, code in carriers])  # data, not markup
        if current in {code for _label, code in carriers}:
            select.value = current
        self.show_packaging(packaging)

    def show_packaging(self, names: list[str]) -> None:
        self.query_one("#so-pack", Select).set_options([(Text(name), name) for name in names])

    def clear(self) -> None:
        """Ready for the next sender (the carrier stays: the next customer often wants the same)."""
        for field in self.query(WedgeInput):
            field.value = ""
        self.set_value("so-count", "1")
        for box in self.query(Checkbox):
            box.value = False
        self.query_one("#so-check", SelectionList).deselect_all()
        self.query_one("#so-idtype", Select).clear()
        self.query_one("#so-pack", Select).clear()
        self.query_one("#so-pay", Select).value = "cash"
        self.query_one("#so-weight-source", Label).update("")
        self.kept_carrier = self.carrier
        self.query_one(CarrierChoice).picked = False

    def held(self) -> tuple[object, ...]:
        """Everything `clear` empties (not the carrier, which stays): a form that holds what it held
        when cleared has nothing typed in it."""
        return (
            tuple(field.value for field in self.query(WedgeInput)),
            tuple(box.value for box in self.query(Checkbox)),
            tuple(self.query_one("#so-check", SelectionList).selected),
            *(self.query_one(f"#{key}", Select).value for key in ("so-idtype", "so-pack", "so-pay")),
        )

    # -- reading ---------------------------------------------------------------------------------

    @property
    def carrier(self) -> str | None:
        value = self.query_one("#so-carrier", Select).value
        return value if isinstance(value, str) else None

    @property
    def chosen_carrier(self) -> str | None:
        """The carrier chosen for this send: not the one kept from the last send, unless the clerk chose
        it again (a parcel refused at inspection is recorded under no carrier rather than the last one)."""
        carrier = self.carrier
        if carrier == self.kept_carrier and not self.query_one(CarrierChoice).picked:
            return None
        return carrier

    @property
    def packaging(self) -> str | None:
        value = self.query_one("#so-pack", Select).value
        return value if isinstance(value, str) else None

    def party(self) -> Party:
        id_type = self.query_one("#so-idtype", Select).value
        return Party(
            name=self.value("so-name"),
            phone=self.value("so-phone"),
            id_type=id_type if isinstance(id_type, str) else None,
            id_number=self.value("so-idnum") or None,
            id_seen=self.query_one("#so-seen", Checkbox).value,
        )

    def recipient(self) -> Recipient:
        return Recipient(
            name=self.value("so-to-name"),
            phone=self.value("so-to-phone"),
            destination=self.value("so-dest"),
            address=self.value("so-address"),
        )

    def dims(self) -> tuple[int, int, int] | None:
        text = self.value("so-dims").strip()
        return inputs.dims_mm(text) if text else None

    def declared_value(self) -> int:
        """The declared value typed, in cents; none typed: 0."""
        return parse_cents(self.value("so-value"), most=MAX_DECLARED_CENTS, currency=self.currency, blank=0)

    def parcel(self) -> Parcel:
        return Parcel(
            contents=self.value("so-contents"),
            item_count=inputs.count(self.value("so-count") or "1"),
            declared_value_cents=self.declared_value(),
            insured=self.query_one("#so-insure", Checkbox).value,
            packaging=self.packaging,
            dims_mm=self.dims(),
        )

    def checked(self) -> list[str]:
        return list(self.query_one("#so-check", SelectionList).selected)

    def payment(self) -> Payment:
        method = self.query_one("#so-pay", Select).value
        return Payment(str(method), self.value("so-ref").strip() or None)

    def quote_inputs(self) -> dict[str, Any] | None:
        """What a quote needs, when the clerk has given enough of it; None otherwise (no error yet)."""
        if not self.carrier or not self.value("so-dest").strip() or not self.value("so-weight").strip():
            return None
        return {
            "carrier": self.carrier,
            "destination": self.value("so-dest"),
            "weight_g": inputs.grams_from_kg(self.value("so-weight")),
            "dims_mm": self.dims(),
            "declared_value_cents": self.declared_value(),
            "insured": self.query_one("#so-insure", Checkbox).value,
            "packaging": self.packaging,
        }
