"""F11 refused for a field of the send form (the sender's document, the weight typed) closes the refusal
dialog: the form says why and the cursor is in the field at fault, which it could not reach under the
dialog; what was ticked comes back with the next F11. A refusal of the dialog's own input (its reason)
stays in the dialog. Nothing is written either way."""

from __future__ import annotations

import pytest
from sqlmodel import select
from textual.widgets import Input

from db.models import ParcelEvent
from station_console.services.core.station import Station
from station_console.services.sendout import accept
from station_console.tui.screens.form_dialog import FormDialog
from station_console.tui.widgets.tick import Tick
from tui import quiet
from tui.sendout_driver import at_sendout, fill, sends, text_of, until


def refusals_recorded(station: Station) -> list[ParcelEvent]:
    with station.read() as session:
        return list(session.exec(select(ParcelEvent).where(ParcelEvent.kind == "send_refused")).all())


async def test_f11_refused_for_the_senders_id_goes_to_its_field_with_the_keys_typed_behind(
    station: Station, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Nothing ticked, no reason: said in the dialog, which stays. Then the service refuses the document
    number: the dialog closes, the form says so, and the digits typed on behind Ctrl+S go into the
    number, not into the dialog's reason nor the field F11 was pressed in. F11 again brings back what
    was ticked."""
    async with at_sendout(station) as (app, pilot, screen):
        await fill(pilot, screen, **{"so-idnum": "123", "so-weight": "2"})
        screen.query_one("#so-contents", Input).focus()
        await quiet.press(pilot, "f11")
        await quiet.settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, FormDialog)
        await quiet.press(pilot, "ctrl+s")  # the dialog's own refusal
        await until(pilot, lambda: "Tick what was found" in str(dialog.query_one("#form-refused").render()))
        assert app.screen is dialog and dialog.focused is dialog.query_one("#form-found0")
        await quiet.press(pilot, "space")  # the first item found
        slow, asked, answer, _answered = quiet.held(accept.refuse)
        monkeypatch.setattr(accept, "refuse", slow)  # the service held like a slow database
        quiet.send_key(app, "ctrl+s")
        await until(pilot, asked.is_set)
        await quiet.type_on(app, "110105")
        answer.set()
        await until(pilot, lambda: "not a valid Resident ID" in text_of(screen, "#so-message"))
        await quiet.settle(pilot)
        assert app.screen is screen
        idnum = screen.query_one("#so-idnum", Input)
        assert screen.focused is idnum
        assert (idnum.value, screen.query_one("#so-contents", Input).value) == ("110105", "clothes")
        assert sends(station) == [] and refusals_recorded(station) == []
        await quiet.press(pilot, "f11")
        await quiet.settle(pilot)
        again = app.screen
        assert isinstance(again, FormDialog) and again is not dialog
        assert again.query_one("#form-found0", Tick).value is True
    assert sends(station) == []


async def test_f11_refused_for_a_typed_weight_goes_to_the_weight(station: Station) -> None:
    """A weight that is not one is refused as the dialog reads the form: the weight field, not the dialog."""
    async with at_sendout(station) as (app, pilot, screen):
        await fill(pilot, screen, **{"so-weight": "abc"})
        await quiet.press(pilot, "f11")
        await quiet.settle(pilot)
        app.screen.query_one("#form-reason").focus()
        await quiet.press(pilot, *"knife", "enter")
        await until(pilot, lambda: app.screen is screen)
        await quiet.settle(pilot)
        assert "abc" in text_of(screen, "#so-message")
        assert screen.focused is screen.query_one("#so-weight", Input)
    assert sends(station) == [] and refusals_recorded(station) == []
