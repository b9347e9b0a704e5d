"""Send-out's waybill number: scanned anywhere on the screen (a pre-printed waybill offers its carrier),
typed, or F9 for the next number from the station's stock or the e-waybill service. A phone scanned or
typed at a scanner's speed goes into the phone field that has the focus, never into the waybill. A
number typed or scanned that is shaped as a mobile but passes the chosen carrier's check (a DHL Express
waybill) is refused naming the carrier: Ctrl+Y accepts the send with it as that carrier's waybill.

A mixin of `SendoutScreen` (its `call`, `form`, `setup`, `say`, `message`, `refuse_text`, `find_sender`):
named methods, as a plain mixin has no decorated-handler table of its own.
"""

from __future__ import annotations

import unicodedata
from typing import Any

from textual.widgets import Input, Select

from station_console.errors import StationError
from station_console.i18n import N_, _
from station_console.services.checkin.carrier_choice import phone_not_waybill
from station_console.services.core.phone_shapes import phone_shaped
from station_console.services.scan.carriers import get_detector
from station_console.services.scan.phone_scans import mobile_shaped_waybill, unconfirmed_waybill
from station_console.services.scan.waybill import normalise

SOURCES = ("entered", "stock", "provider")
WAYBILL_WANTED = N_("The waybill number is needed: scan or type it here, or F9 for the next number.")
PHONE_FIELDS = ("so-phone", "so-to-phone")
SOURCE_TEXT = {
    "entered": N_("scan or type the number"),
    "stock": N_("next number from the station's stock"),
    "provider": N_("number from the e-waybill service"),
}
NOTHING_TO_CONFIRM = N_("Nothing to confirm: Ctrl+Y confirms a waybill F10 refused as a mobile number.")


class WaybillSource:
    source = "entered"  # where the send's number comes from: one of SOURCES
    # The carrier and number F10 refused as a mobile that carrier takes: Ctrl+Y confirms these only.
    confirmable: tuple[str, str] | None = None

    def offer_confirm(self, exc: StationError, carrier: str | None, waybill: str) -> str | None:
        """F10's refusal of a mobile-shaped number the carrier takes: what to say (naming the carrier
        and Ctrl+Y), remembered for Ctrl+Y; None for any other refusal."""
        detected = exc.params.get("detected")
        if exc.code != "phone_not_waybill" or not detected or not carrier:
            self.confirmable = None
            return None
        self.confirmable = (carrier, waybill)
        return exc.reason()  # its sentence names Ctrl+Y, as check-in's does

    def action_confirm_waybill(self) -> None:
        """Ctrl+Y: the number F10 refused as a mobile is the carrier's waybill; accepted as one, if the
        carrier and the number are still those refused (an edit since asks F10 again)."""
        screen: Any = self
        now = (screen.form.carrier, screen.form.value("so-waybill").strip())
        if self.confirmable is None or self.confirmable != now or self.source != "entered":
            screen.say(_(NOTHING_TO_CONFIRM), warn=True)
            return
        screen.accept_send(waybill_confirmed=True)

    def waybill_entered(self) -> None:
        """The waybill is the number in the field (scanned or typed), not one F9 chose to take."""
        screen: Any = self
        self.source = "entered"
        screen.query_one("#so-waybill", Input).placeholder = _(SOURCE_TEXT["entered"])

    def waybill_wanted(self, typed: str) -> bool:
        """Enter in the waybill field with no number and none to come from F9: the cursor stays and the
        line says so (True). Every send needs one, and a clerk's Enter there is most often the one
        before typing it: moved on to Payment, a drop-down that takes no letters, the number typed
        next was lost without a word."""
        if typed.strip() or self.source != "entered":
            return False
        screen: Any = self
        screen.say(_(WAYBILL_WANTED), warn=True)
        return True

    def waybill_typed(self, typed: str) -> None:
        """A key typed into the waybill field (a paste, a scan): the line asking for the number gives way
        to what it showed before, as the clerk is typing it; any other line stays."""
        if typed.strip():
            screen: Any = self
            screen.message.unsay(_(WAYBILL_WANTED))

    def action_number(self) -> None:
        screen: Any = self
        offered = [s for s in SOURCES if s != "provider" or screen.app.counter_settings.ewaybill]
        self.source = (
            offered[(offered.index(self.source) + 1) % len(offered)] if self.source in offered else "entered"
        )
        if self.source != "entered":
            screen.form.set_value("so-waybill", "")
        screen.query_one("#so-waybill", Input).placeholder = _(SOURCE_TEXT[self.source])
        screen.say(_("Waybill: {source}.", source=_(SOURCE_TEXT[self.source])))

    def take_scan(self, code: str) -> None:
        """A scan anywhere on this screen is the waybill being stuck on the parcel; a phone is not."""
        screen: Any = self
        if phone_shaped(code):
            self.scanned_phone(code)
            return
        result = normalise(code)
        if result.waybill is None:
            screen.refuse_text(result.error.message() if result.error else _("That scan is not a waybill."))
            return
        self.waybill_entered()
        screen.form.set_value("so-waybill", result.waybill)
        screen.say(_("Waybill {waybill} scanned.", waybill=result.waybill), ok=True)
        if screen.form.carrier is None:  # a pre-printed waybill names its carrier: offer it
            waybill = result.waybill
            screen.call("detected", lambda: get_detector(screen.station).detect(waybill), for_form=True)

    def scanned_phone(self, code: str) -> None:
        """A phone typed at a scanner's speed, or a scanned phone barcode: into the phone field that has
        the focus, as if typed there and Enter pressed; anywhere else it is refused, never a waybill."""
        screen: Any = self
        field = screen.focused
        if not isinstance(field, Input) or field.id not in PHONE_FIELDS:
            carrier = screen.form.carrier
            if carrier is None:
                screen.refuse_text(phone_not_waybill(code).message())
                return
            # The chosen carrier may take this shape (a DHL Express waybill's barcode): refused as a
            # typed one is, naming the carrier, for the clerk to confirm with Ctrl+Y.
            station = screen.station

            def carrier_takes() -> tuple[str, str, str | None]:
                detection = get_detector(station).detect(code, batch=carrier)
                return code, carrier, mobile_shaped_waybill(detection, carrier)

            screen.call("scanned_phone", carrier_takes, for_form=True)
            return
        screen.form.set_value(field.id, unicodedata.normalize("NFKC", code).strip())
        if field.id == "so-phone":
            screen.find_sender(field.value)
        else:
            screen.focus_next()

    def done_scanned_phone(self, found: tuple[str, str, str | None]) -> None:
        screen: Any = self
        code, carrier, waybill = found
        offer = None
        if waybill is not None and screen.form.carrier == carrier:
            exc = unconfirmed_waybill(waybill, carrier)
            offer = self.offer_confirm(exc, carrier, waybill)
        if offer is None:
            screen.refuse_text(phone_not_waybill(code).message())
            return
        assert waybill is not None
        self.waybill_entered()
        screen.form.set_value("so-waybill", waybill)
        screen.refuse_text(offer)

    def done_detected(self, detection: Any) -> None:
        screen: Any = self
        offered = {code for code, _name in screen.setup.carriers} if screen.setup else set()
        best = detection.best
        if screen.form.carrier is None and best is not None and best.carrier in offered:
            screen.query_one("#so-carrier", Select).value = best.carrier
