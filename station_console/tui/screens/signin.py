"""Sign-in: a dialog over the console at start and on lock; on a new station it creates the manager.

On a new station it also asks for the station's time zone (the machine's by default) and opening
hours: they define the business day and its closing time. It cannot be dismissed without signing in
(the app's mode keys do not reach past a modal screen), only the app's quit key works. Wrong name and
wrong PIN read the same.

At start (`opening=True`) it is drawn before the station is open: the clerk types the name and PIN
while the database opens in a worker ("Opening the database..."), and a sign-in asked for meanwhile goes
ahead once it is open; a new station's fields are added then, keeping what was typed.
"""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING, Any

from textual import events, on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widget import Widget
from textual.widgets import Input

from hardware.scanners.wedge import WedgeDecoder
from station_console import name_limit
from station_console.errors import StationError
from station_console.i18n import N_, _
from station_console.tui.screens.base import Dialog
from station_console.tui.screens.calls import ServiceCalls
from station_console.tui.widgets.fixed_input import FixedInput
from station_console.tui.widgets.name_input import NameInput
from station_console.tui.widgets.plain import Label, Static
from station_console.tui.widgets.scan_keys import decoder_for

if TYPE_CHECKING:
    from textual.widget import AwaitMount

    from station_console.services.people.clerks import ClerkInfo


class SignInScreen(ServiceCalls, Dialog["ClerkInfo"]):
    CSS_PATH = "signin.tcss"
    CLERKS_OWN = False
    # Typed as the console starts, before it takes the terminal: each Enter arrives as a newline.
    NEWLINE_IS_ENTER = True

    def __init__(
        self,
        *,
        first_run: bool = False,
        name: str = "",
        opening: bool = False,
        locked: bool = False,
        said: str = "",
    ) -> None:
        # Locked: over a screen a clerk was using, with customers' names and codes on it: opaque.
        classes = {"-locked": locked, "-new-station": first_run}
        super().__init__(id="signin", classes=" ".join(c for c, on in classes.items() if on) or None)
        self.first_run = first_run
        self.preset_name = name
        self.opening = opening  # the station is still opening: sign-in waits for it
        # A burst of keys into the PIN is a parcel scanned (a numeric waybill tried as a PIN counts towards
        # the clerk's lock-out), unless its keys came before the dialog was drawn: typed as the console
        # started. Into the name, only over a console that was running (`locked`): see `compose`.
        self.locked = locked
        self._asked_while_opening = False
        # Keys typed behind the PIN's Enter while the station opens wait (`TypeAhead`) until the fields
        # that come with it are ready (`_let_keys_go`), not only until it is open.
        self._keys_wait = False
        self.said = said  # why the console locked, when it was not the clerk's choice
        # The fields the refusal on show is about: a change in one of them takes it away (it would go on
        # saying the PINs differ as the clerk types them again).
        self._refused_fields: frozenset[str] = frozenset()
        self._drawn_at: float | None = None  # when it was mounted, by the keys' clock

    @property
    def station(self) -> Any:
        app: Any = self.app
        return app.station

    def compose(self) -> ComposeResult:
        # The title, and why it refused with the keys under the fields, stay in view (docked); the fields
        # between them scroll, with a scroll bar, only on a terminal smaller than 80x24: a new station's
        # five fields stand one under the other with their names beside them, without gaps, to fit it.
        with Vertical(id="signin-box"):
            yield Label(self._title(), id="signin-title", classes="form-head")
            with VerticalScroll(id="signin-fields", can_focus=False):
                if self.first_run:
                    yield from self._manager_hints()
                # As the console starts the name field is a plain one: a waybill scanned into it names no
                # clerk, so the sign-in it goes with is refused as a wrong name or PIN and counts towards
                # nobody's lock-out (the PIN field is where a scan does harm).
                yield field_row(
                    _("Name"),
                    (NameInput if self.locked else FixedInput)(
                        self.preset_name,
                        placeholder=self._placeholder(_("Name")),
                        id="signin-name",
                        max_length=name_limit.NAME_MAX,
                    ),
                )
                yield field_row(_("PIN"), self._pin())
                if self.first_run:
                    yield from self._new_station_fields()
            with Vertical(classes="form-foot"):
                yield Static(self.said, id="signin-error")
                yield Static(_("Opening the database...") if self.opening else "", id="signin-status")
                yield Static(
                    _("Enter: next field, then sign in · Ctrl+Q: quit"), id="signin-keys", classes="hint"
                )

    def _pin(self) -> FixedInput:
        """The PIN field, which takes no scan; as the console starts, what was typed before the dialog
        was drawn is the clerk's, however fast it arrives (`keeps_typed_ahead`)."""
        pin = pin_field(
            self._placeholder(_("PIN")), "signin-pin", no_scans=True, keeps_typed_ahead=not self.locked
        )
        if self.opening and isinstance(pin, NameInput):
            # The counter's scanner settings load with the station: the scanner's defaults until then.
            pin.decoder = WedgeDecoder()
        return pin

    def _title(self) -> str:
        return _("New station: create the manager") if self.first_run else _("Sign in")

    def _placeholder(self, text: str) -> str:
        """A field's name in it while empty; a new station's fields have theirs beside them."""
        return "" if self.first_run else text

    def _manager_hints(self) -> list[Widget]:
        return [
            Static(_("The manager closes days, edits settings and adds clerks."), classes="hint"),
            Static(_("The time zone and opening hours define the business day."), classes="hint"),
        ]

    def _new_station_fields(self) -> list[Widget]:
        """A new station's: the PIN again (taking no scan, as the PIN), its time zone and opening hours.
        Added once the station is open, the second PIN takes the keys typed behind the PIN's Enter
        meanwhile: typed before the dialog was drawn, they are the clerk's however fast (as the PIN's)."""
        settings = self.station.settings()
        return [
            # As the PIN: a scan into it is taken back out, not compared as the PIN typed again.
            field_row(
                _("PIN again"),
                pin_field(
                    "",
                    "signin-pin2",
                    no_scans=True,
                    keeps_typed_ahead=not self.locked,
                    drawn_at=self._drawn_at,
                ),
            ),
            # A new station's zone is the machine's unless `station init --timezone` said otherwise.
            field_row(_("Time zone"), FixedInput(settings.timezone, id="signin-zone", max_length=64)),
            field_row(
                _("Opening hours"), FixedInput(settings.opening_hours, id="signin-hours", max_length=32)
            ),
        ]

    @property
    def holds_type_ahead(self) -> bool:
        """Keys typed after the PIN's Enter wait for the station to open (`TypeAhead`): on a new station
        they are the second PIN, for the field that comes then. Then they wait for the sign-in's answer
        (`holds_keys`): given at once, a waybill pasted right behind the PIN's Enter went into the PIN
        field and closed with the dialog, unsaid; now it reaches the screen signed in to."""
        return self._keys_wait or super().holds_type_ahead

    def station_opened(self, first_run: bool) -> None:
        """The station is open: a new one gets its fields (what was typed stays); a sign-in asked for
        meanwhile goes ahead."""
        self.opening = False
        self.query_one("#signin-status", Static).update("")
        for pin in self.query(NameInput):
            pin.decoder = decoder_for(self.app)  # the counter's own scanner settings, read by now
        if first_run and not self.first_run:
            self.first_run = True
            self.add_class("-new-station")
            for field in self.query(Input):
                field.placeholder = ""
            self.query_one("#signin-title", Label).update(self._title())
            fields = self.query_one("#signin-fields", VerticalScroll)
            fields.mount_all(self._manager_hints(), before="#signin-name-row")
            mounted = fields.mount_all(self._new_station_fields(), after="#signin-pin-row")
            if self._asked_while_opening:
                # Once its row is mounted: a field inside a row not yet mounted does not take the focus.
                self.call_later(self._focus_once_mounted, mounted, "#signin-pin2")
            else:
                self._let_keys_go()
        elif self._asked_while_opening:
            self.attempt()
            self._let_keys_go()
        self._asked_while_opening = False

    async def _focus_once_mounted(self, mounted: AwaitMount, selector: str) -> None:
        try:
            await mounted
            self.query_one(selector, Input).focus()
        finally:
            self._let_keys_go()  # whatever happened: the keys are never held for ever

    def _let_keys_go(self) -> None:
        self._keys_wait = False
        app: Any = self.app
        app.type_ahead.let_go()

    def on_mount(self, event: events.Mount) -> None:
        self._drawn_at = event.time
        target = "#signin-pin" if self.preset_name else "#signin-name"
        self.query_one(target, Input).focus()

    def on_unmount(self) -> None:
        # Closed with keys held behind its PIN's Enter (`station --clerk` signed in as it opened): they
        # go on to what is on top now, not held for a dialog that will never let them go.
        self._let_keys_go()

    @on(Input.Submitted, "#signin-name")
    def _name_done(self) -> None:
        self.query_one("#signin-pin", Input).focus()

    @on(Input.Submitted, "#signin-pin")
    def _pin_done(self) -> None:
        if self.opening:
            self._asked_while_opening = self._keys_wait = True
            self.query_one("#signin-status", Static).update(_("Signing in once the database is open..."))
        elif self.first_run:
            self.query_one("#signin-pin2", Input).focus()
        else:
            self.attempt()

    @on(Input.Submitted, "#signin-pin2")
    def _pin2_done(self) -> None:
        if self.query_one("#signin-pin", Input).value != self.query_one("#signin-pin2", Input).value:
            self._show_error(_("The two PINs differ."), about=PINS)
            return
        self._clear_error()
        self.query_one("#signin-zone", Input).focus()

    @on(Input.Submitted, "#signin-zone")
    def _zone_done(self) -> None:
        self.query_one("#signin-hours", Input).focus()

    @on(Input.Submitted, "#signin-hours")
    def _hours_done(self) -> None:
        self.attempt()

    def attempt(self) -> None:
        """Check what was typed (in a worker); on success close with the clerk, else say why, clear the PIN.
        Once: an Enter that bounces or is pressed again while the first is checked waits for its answer
        (a second sign-in would be recorded twice, and a new station's second manager refused)."""
        if self.calling("sign_in"):
            return
        name = self.query_one("#signin-name", Input).value
        pin = self.query_one("#signin-pin", Input).value
        station = self.station
        # Imported here: the dialog is drawn before the station (and SQLAlchemy) is loaded.
        from station_console.services.admin import setup
        from station_console.services.people import clerks

        if not self.first_run:
            if self._missing_name_or_pin(name, pin):
                return
            self.call("sign_in", partial(clerks.sign_in, station, name, pin), holds_keys=True)
            return
        if pin != self.query_one("#signin-pin2", Input).value:
            self._show_error(_("The two PINs differ."), about=PINS)
            return
        zone = self.query_one("#signin-zone", Input).value
        hours = self.query_one("#signin-hours", Input).value

        def first_manager() -> ClerkInfo:
            setup.station_basics(zone, hours)  # checked before anything is created
            # Made already when a try of this dialog made it and then failed (a busy database at the
            # sign-in) or another counter did: signed in with the same name and PIN, not refused again.
            if clerks.needs_first_manager(station):
                clerks.create_first_manager(station, name, pin)
            info = clerks.sign_in(station, name, pin)
            setup.set_station_basics(station, zone, hours)
            station.settings()  # read again here, not by the screens that follow
            return info

        self.call("sign_in", first_manager, holds_keys=True)

    def _missing_name_or_pin(self, name: str, pin: str) -> bool:
        """An empty name or PIN is never a clerk's: tried, it was a wrong PIN counted towards the
        lock-out, and a refused PIN is emptied, so an Enter pressed twice counted one wrong PIN twice.
        A refusal on show stays (the second Enter would hide "Wrong name or PIN.")."""
        if name.strip() and pin:
            return False
        missing = "#signin-pin" if name.strip() else "#signin-name"
        if name.strip().isdigit():  # a PIN typed into the name field: out of view, as refused
            missing = "#signin-name"
            with self.prevent(Input.Changed):
                self.query_one(missing, Input).value = ""
        if str(self.query_one("#signin-error", Static).render()).strip():
            self.query_one(missing, Input).focus()
        else:
            self._show_error(_(NAME_AND_PIN_NEEDED), at_fault=missing, about=frozenset({missing[1:]}))
        return True

    def done_sign_in(self, info: ClerkInfo) -> None:
        self.dismiss(info)

    def call_refused(self, tag: str, exc: StationError) -> None:
        # A zone or hours refused keep the PINs, and the focus goes to the field to correct.
        at_fault = {"bad_timezone": "#signin-zone", "bad_hours": "#signin-hours"}.get(exc.code)
        self._show_error(exc.message(), at_fault=at_fault, about=REFUSAL_FIELDS.get(exc.code, frozenset()))

    def failed(self, tag: str, text: str) -> None:
        """A bug (logged by now): one calm line in the dialog."""
        self._show_error(text)

    def _show_error(
        self, text: str, *, at_fault: str | None = None, about: frozenset[str] = frozenset()
    ) -> None:
        self.query_one("#signin-error", Static).update(text)
        self._refused_fields = about
        if at_fault:
            self.query_one(at_fault, Input).focus()
            return
        name = self.query_one("#signin-name", Input)
        # Digits refused as a name are a PIN typed into the name field (its focus after a lock): they go
        # as the PIN does, and the name is typed again. A name of letters stays, for the PIN to retry.
        pin_as_name = "signin-name" in about and name.value.strip().isdigit()
        for field in self.query(Input):
            if field.value and (field.password or (field is name and pin_as_name)):
                # Emptied by the dialog, not corrected by the clerk: the refusal stays.
                with self.prevent(Input.Changed):
                    field.value = ""
        (name if pin_as_name else self.query_one("#signin-pin", Input)).focus()

    def _clear_error(self) -> None:
        self._refused_fields = frozenset()
        self.query_one("#signin-error", Static).update("")

    def on_name_input_scan_typed(self, event: NameInput.ScanTyped) -> None:
        """A parcel scanned while locked, taken back out of the field: not a name, nor a PIN tried. Its
        code is not quoted: the sign-in is for whoever comes to the counter next."""
        event.stop()
        self.app.bell()
        self.query_one("#signin-error", Static).update(_(SCAN_NOT_SIGNED_IN))
        self._refused_fields = frozenset({event.field.id or ""})

    @on(Input.Changed)
    def _field_changed(self, event: Input.Changed) -> None:
        """A field the refusal is about, changed: its line goes. One about none (the database busy)
        stays until the next try."""
        if event.input.id in self._refused_fields:
            self._clear_error()


NAME_AND_PIN_NEEDED = N_("Type your name and PIN, then Enter.")
SCAN_NOT_SIGNED_IN = N_("A scan is not a name or a PIN, and was not taken: sign in, then scan it again.")
# The fields each refusal is about, by its code: the line goes once one of them is typed in.
PINS = frozenset({"signin-pin", "signin-pin2"})
REFUSAL_FIELDS = {
    "bad_name": frozenset({"signin-name"}),
    "bad_pin_format": PINS,
    "weak_pin": PINS,
    "bad_credentials": frozenset({"signin-name", "signin-pin"}),
    "clerk_locked": frozenset({"signin-name"}),
    "clerk_inactive": frozenset({"signin-name"}),
    "bad_timezone": frozenset({"signin-zone"}),
    "bad_hours": frozenset({"signin-hours"}),
}


def field_row(label: str, field: Input) -> Horizontal:
    """A field with its name beside it (shown on a new station's, where the placeholder goes once typed in)."""
    return Horizontal(Label(label, classes="field-name"), field, id=f"{field.id}-row", classes="field-row")


def pin_field(
    placeholder: str,
    widget_id: str,
    *,
    no_scans: bool = False,
    keeps_typed_ahead: bool = False,
    drawn_at: float | None = None,
) -> FixedInput:
    """A PIN typed unseen: 4 to 12 digits. `no_scans`: a scan is taken back out (`NameInput`, with
    `keeps_typed_ahead` and `drawn_at` as they say), its Enter trying nothing."""
    common: dict[str, Any] = {
        "placeholder": placeholder,
        "password": True,
        "id": widget_id,
        "max_length": 12,
        "restrict": r"[0-9]*",
        "takes": _("digits"),
    }
    if no_scans:
        return NameInput(keeps_typed_ahead=keeps_typed_ahead, drawn_at=drawn_at, **common)
    return FixedInput(**common)
