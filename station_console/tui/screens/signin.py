"""Sign-in: a dialog over the console at start and on lock; on a new station it creates the manager.

On a new station it also asks for the station's time zone (the machine's by default) and opening
hours: they define the business day and its closing time. It cannot be dismissed without signing in
(the app's mode keys do not reach past a modal screen), only the app's quit key works. Wrong name and
wrong PIN read the same.
"""

from __future__ import annotations

from functools import partial
from typing import Any

from textual import on
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input

from station_console.errors import StationError
from station_console.i18n import _
from station_console.services.admin import setup
from station_console.services.people import clerks
from station_console.services.people.clerks import ClerkInfo
from station_console.tui.screens.base import report_unexpected
from station_console.tui.screens.calls import ServiceCalls
from station_console.tui.widgets.plain import Label, Static


class SignInScreen(ServiceCalls, ModalScreen[ClerkInfo]):
    CSS_PATH = "signin.tcss"

    def __init__(self, *, first_run: bool = False, name: str = "") -> None:
        super().__init__(id="signin")
        self.first_run = first_run
        self.preset_name = name

    @property
    def station(self) -> Any:
        app: Any = self.app
        return app.station

    def compose(self) -> ComposeResult:
        with Vertical(id="signin-box"):
            if self.first_run:
                yield Label(_("New station: create the manager"), id="signin-title")
                yield Static(_("The manager closes days, edits settings and adds clerks."), classes="hint")
            else:
                yield Label(_("Sign in"), id="signin-title")
            yield Input(self.preset_name, placeholder=_("Name"), id="signin-name", max_length=64)
            yield Input(
                placeholder=_("PIN"), password=True, id="signin-pin", max_length=12, restrict=r"[0-9]*"
            )
            if self.first_run:
                yield Input(
                    placeholder=_("PIN again"),
                    password=True,
                    id="signin-pin2",
                    max_length=12,
                    restrict=r"[0-9]*",
                )
                settings = self.station.settings()
                yield Label(_("Station time zone (defines the business day)"), classes="hint")
                # A new station's zone is the machine's unless `station init --timezone` said otherwise.
                yield Input(settings.timezone, id="signin-zone", max_length=64)
                yield Label(_("Opening hours"), classes="hint")
                yield Input(settings.opening_hours, id="signin-hours", max_length=32)
            yield Static("", id="signin-error")
            yield Static(_("Enter: next field, then sign in · Ctrl+Q: quit"), classes="hint")

    def on_mount(self) -> None:
        target = "#signin-pin" if self.preset_name else "#signin-name"
        self.query_one(target, Input).focus()

    @on(Input.Submitted, "#signin-name")
    def _name_done(self) -> None:
        self.query_one("#signin-pin", Input).focus()

    @on(Input.Submitted, "#signin-pin")
    def _pin_done(self) -> None:
        if self.first_run:
            self.query_one("#signin-pin2", Input).focus()
        else:
            self.attempt()

    @on(Input.Submitted, "#signin-pin2")
    def _pin2_done(self) -> None:
        if self.query_one("#signin-pin", Input).value != self.query_one("#signin-pin2", Input).value:
            self._show_error(_("The two PINs differ"))
            return
        self.query_one("#signin-error", Static).update("")
        self.query_one("#signin-zone", Input).focus()

    @on(Input.Submitted, "#signin-zone")
    def _zone_done(self) -> None:
        self.query_one("#signin-hours", Input).focus()

    @on(Input.Submitted, "#signin-hours")
    def _hours_done(self) -> None:
        self.attempt()

    def attempt(self) -> None:
        """Check what was typed (in a worker); on success close with the clerk, else say why, clear the PIN."""
        name = self.query_one("#signin-name", Input).value
        pin = self.query_one("#signin-pin", Input).value
        station = self.station
        if not self.first_run:
            self.call("sign_in", partial(clerks.sign_in, station, name, pin), exclusive=True)
            return
        if pin != self.query_one("#signin-pin2", Input).value:
            self._show_error(_("The two PINs differ"))
            return
        zone = self.query_one("#signin-zone", Input).value
        hours = self.query_one("#signin-hours", Input).value

        def first_manager() -> ClerkInfo:
            setup.station_basics(zone, hours)  # checked before anything is created
            clerks.create_first_manager(station, name, pin)
            info = clerks.sign_in(station, name, pin)
            setup.set_station_basics(station, zone, hours)
            station.settings()  # read again here, not by the screens that follow
            return info

        self.call("sign_in", first_manager, exclusive=True)

    def done_sign_in(self, info: ClerkInfo) -> None:
        self.dismiss(info)

    def on_service_calls_failed(self, message: ServiceCalls.Failed) -> None:
        message.stop()
        exc = message.error
        if isinstance(exc, StationError):
            self._show_error(exc.message(), keep_pins=exc.code in ("bad_timezone", "bad_hours"))
        else:
            self._show_error(report_unexpected(self, exc))  # type: ignore[arg-type]

    def _show_error(self, text: str, *, keep_pins: bool = False) -> None:
        self.query_one("#signin-error", Static).update(text)
        if keep_pins:
            self.query_one("#signin-zone", Input).focus()
            return
        for field in self.query(Input):
            if field.password:
                field.value = ""
        self.query_one("#signin-pin", Input).focus()
