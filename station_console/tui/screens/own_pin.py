"""The signed-in clerk changes their own PIN: the current one, the new one twice (the app's Ctrl+P)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from station_console.errors import Refused
from station_console.i18n import N_, _
from station_console.services.people import clerks, pins
from station_console.tui.screens.form_dialog import FormDialog, FormField

if TYPE_CHECKING:
    from station_console.services.core.station import Station

# Where the cursor goes when the service refuses: the PIN it refused.
AT_FAULT = {
    "bad_credentials": "old",
    "clerk_locked": "old",
    "bad_pin_format": "new",
    "weak_pin": "new",
    "pins_differ": "again",
}


def typed_twice(values: dict[str, Any]) -> dict[str, Any]:
    if values["new"] != values["again"]:
        raise Refused(N_("The two PINs differ."), code="pins_differ")
    return values


def own_pin_form(station: Station) -> FormDialog[bool]:
    """A form that answers True once the service changed the PIN; it stays open on a refusal."""

    def change(values: dict[str, Any]) -> bool:
        clerks.change_own_pin(station, values["old"], values["new"])
        return True

    fields = [FormField("old", _("Current PIN"), pin=True), *new_pin_fields()]
    return FormDialog(
        _("Change your PIN"),
        fields,
        check=typed_twice,
        submit=change,
        at_fault=AT_FAULT,
        keeps_edits=False,  # PINs typed are not kept behind a question: Esc clears them at once
        what=N_("a PIN change"),
    )


def new_pin_fields() -> list[FormField]:
    """The new PIN, typed twice unseen (`typed_twice` checks they match): a clerk's own change and a
    manager's reset ask for it the same way."""
    return [
        FormField(
            "new",
            _("New PIN"),
            pin=True,
            placeholder=_("{min} to {max} digits", min=pins.PIN_MIN, max=pins.PIN_MAX),
        ),
        FormField("again", _("New PIN again"), pin=True),
    ]
