"""Settings > Clerks: who may sign in at this station, their roles, and their activity (manager)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import partial
from typing import Any, ClassVar, TypeVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal
from textual.widgets import Button, Input, Select

from db.models import Role
from station_console import name_limit
from station_console.i18n import N_, _, sentences
from station_console.services.core.local_times import short_when
from station_console.services.people import clerks, pins
from station_console.tui.door_scans_held import held_scans, left_by
from station_console.tui.role_keys import role_key
from station_console.tui.screens.base import ModeScreen, open_over
from station_console.tui.screens.calls import ServiceCalls
from station_console.tui.screens.clerk_activity import ClerkActivityScreen
from station_console.tui.screens.clerk_forms import reset_pin_form, role_choice_form, role_question
from station_console.tui.screens.confirm_dialog import ConfirmDialog, ask
from station_console.tui.screens.unsaved import SAVING, KeepsEdits
from station_console.tui.widgets.fitted_table import Cells, FittedTable
from station_console.tui.widgets.fixed_input import FixedInput
from station_console.tui.widgets.paged_select import PagedSelect
from station_console.tui.widgets.status_line import StatusLine

T = TypeVar("T")


class ClerkList(FittedTable):
    """The clerks, the name in the room the other columns leave: a name of the 64 characters one may
    take widened its column as much, and at 80 columns the last sign-in went off the screen's edge."""

    COLUMNS = (N_("Name"), N_("Role"), N_("Active"), N_("Last sign-in"))
    KEYS = ("name", "role", "active", "last")
    FILLS_ROOM_LEFT = 0
    FILL_MIN = 12  # a name cut shorter than this no longer tells two clerks apart

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.clerks: list[tuple[str | None, Cells]] = []  # key (the name), cells in COLUMNS' order

    def show(self, rows: list[tuple[str | None, Cells]]) -> None:
        self.clerks = rows
        self.lay_out()

    def table_rows(self) -> list[tuple[str | None, Cells]]:
        return list(self.clerks)

    def wanted(self, rows: list[Cells]) -> Sequence[int]:
        return (1, 2, 3, 0)  # the name last: it takes the room the others leave, cut if need be


class ClerkAdminScreen(KeepsEdits, ServiceCalls, ModeScreen):
    MODE_TITLE = N_("Clerks")
    EDITS = "#clerk-form"
    SAVE_CALL = "act"  # a clerk added, (de)activated, unlocked or given another role
    DEFAULT_CSS = """
    ClerkAdminScreen #clerk-form { height: auto; padding: 0 1; }
    ClerkAdminScreen #clerk-form Input { width: 1fr; }
    ClerkAdminScreen #clerk-form Select { width: 20; }
    ClerkAdminScreen #clerk-list { height: 1fr; }
    ClerkAdminScreen #clerk-status { height: auto; min-height: 2; max-height: 4; padding: 0 1; }  /* wraps, read whole */
    ClerkAdminScreen #clerk-status.-error { background: $error; color: $text; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "leave", N_("Back"), id="clerks.back"),
        Binding("f7", "toggle_active", N_("Activate / deactivate"), id="clerks.toggle"),
        Binding("f8", "activity", N_("Activity"), id="clerks.activity"),
        Binding(
            "f9", "unlock", N_("Unlock"), id="clerks.unlock", tooltip=N_("End a lock-out after wrong PINs")
        ),
        Binding("f10", "reset_pin", N_("PIN"), id="clerks.pin", tooltip=N_("Reset a forgotten PIN")),
        Binding("f11", "change_role", N_("Role"), id="clerks.role", tooltip=N_("Make a clerk or a manager")),
    ]

    # Each clerk as the list shows them: F7 asks for the other state than the one shown, so two managers
    # deactivating one clerk at once both leave them deactivated (a flip of the state read at the write
    # put back what the other had just done).
    shown: dict[str, clerks.ClerkInfo]

    def compose_body(self) -> ComposeResult:
        with Horizontal(id="clerk-form"):
            # Refused as typed or pasted, as the first start's dialog does, not only on save.
            yield FixedInput(placeholder=_("full name"), id="c-name", max_length=name_limit.NAME_MAX)
            yield FixedInput(
                placeholder=_("PIN ({min} to {max} digits)", min=pins.PIN_MIN, max=pins.PIN_MAX),
                password=True,
                id="c-pin",
                max_length=pins.PIN_MAX,
                restrict=r"[0-9]*",
                takes=_("digits"),
            )
            yield PagedSelect(
                [(_("clerk"), Role.CLERK.value), (_("manager"), Role.MANAGER.value)],
                value=Role.CLERK.value,
                allow_blank=False,
                id="c-role",
            )
            yield Button(_("Add clerk"), id="c-add", variant="primary")
        yield ClerkList(id="clerk-list")
        yield StatusLine(id="clerk-status")

    def on_mount(self) -> None:
        super().on_mount()
        self.shown = {}
        self.call_after_refresh(self.remember_saved)

    def came_to_front(self) -> None:
        """Shown, the first time or back from a dialog or another mode: the list read (a clerk may have
        been deactivated, added or locked out at another counter meanwhile, say while this console was
        locked: the next clerk signing in was shown them as they were)."""
        super().came_to_front()
        self.refresh_list()

    def refresh_list(self) -> None:
        self.call("list", partial(clerks.list_clerks, self.station), exclusive=True)

    def done_list(self, found: list[clerks.ClerkInfo]) -> None:
        rows: list[tuple[str | None, Cells]] = []
        self.shown = {info.name: info for info in found}
        zone, now = self.station.zone(), self.station.now()
        for info in found:
            last = (
                info.last_sign_in_at.astimezone(zone).strftime("%m-%d %H:%M") if info.last_sign_in_at else "-"
            )
            active = "✓" if info.active else "✗"
            if info.locked_until is not None and info.locked_until > now:
                # A lock may run past midnight (up to a day): its time alone would read as today's.
                active = _("locked until {time}", time=short_when(info.locked_until, zone, now))
            rows.append((info.name, (Text(info.name), _(info.role), active, last)))
        self.query_one("#clerk-list", ClerkList).show(rows)

    def _say(self, text: str, *, error: bool = False) -> None:
        self.query_one("#clerk-status", StatusLine).say(text, error=error)
        if error:
            self.app.bell()

    def _act(self, fn: Callable[[], T], said: Callable[[T], str]) -> None:
        """Change a clerk in a worker; then the list again and what was done (`said` of the answer)."""
        if self.save_waits():
            return
        self._said: Callable[[Any], str] = said
        self.call("act", fn)

    def done_act(self, answer: object) -> None:
        said = self._said(answer)  # first: a manager who made themself a clerk reads the list as one
        self.refresh_list()
        self._say(said)

    def say_saving(self, text: str = SAVING) -> None:
        self._say(_(text))

    def failed(self, tag: str, text: str) -> None:
        self._say(text, error=True)
        self.edits_not_saved()

    def _selected(self) -> str | None:
        return self.query_one("#clerk-list", ClerkList).cursor_key()

    @on(Input.Submitted, "#c-name")
    def _to_pin(self) -> None:
        self.query_one("#c-pin", Input).focus()

    @on(Input.Submitted, "#c-pin")
    @on(Button.Pressed, "#c-add")
    def add(self) -> None:
        """The clerk typed, by Enter in the PIN (the form's last field) or the button; the service says
        what is missing."""
        name_input, pin_input = self.query_one("#c-name", Input), self.query_one("#c-pin", Input)
        role_select = self.query_one("#c-role", Select)
        typed_name, pin, role = name_input.value, pin_input.value, str(role_select.value)

        def added(info: clerks.ClerkInfo) -> str:
            # The whole form cleared, ready for the next clerk: a name kept would be added twice by
            # the next PIN typed, and a manager's role kept would make the next one a manager unasked.
            # A name or role changed while the add was written is the next clerk's, kept (not saved);
            # digits typed into the hidden PIN meanwhile are joined to the one sent, so they go, said.
            next_name = name_input.value if name_input.value != typed_name else ""
            next_role = role_select.value if str(role_select.value) != role else Role.CLERK.value
            pin_typed = pin_input.value not in ("", pin)
            name_input.value = pin_input.value = ""
            role_select.value = Role.CLERK.value
            self.edits_saved()
            name_input.value, role_select.value = next_name, next_role
            name_input.focus()
            if pin_typed:
                return _(
                    "Clerk {name} added. The PIN typed while it was being added was cleared: type it again.",
                    name=info.name,
                )
            return _("Clerk {name} added.", name=info.name)

        self._act(partial(clerks.add_clerk, self.station, typed_name.strip(), pin, role=role), added)

    def save_now(self) -> None:
        self.add()

    @role_key("clerks.toggle")
    def action_toggle_active(self) -> None:
        name = self._selected()
        if name is None or name not in self.shown:
            return
        active = not self.shown[name].active
        toggle = partial(self._act, partial(clerks.set_active, self.station, name, active), self._toggled)
        if active:  # letting them sign in again disturbs nobody: at once
            toggle()
            return
        # Asked first: an F7 pressed by mistake (say around Ctrl+S, which adds a clerk) deactivated
        # whoever was highlighted, signed out at their counter. An ordinary question, keys typed ahead
        # (a Ctrl+L) taken as meant, not a weighty one: F7 undoes it.
        ask(
            self,
            ConfirmDialog(
                _("Deactivate clerk {name}?", name=name),
                _(
                    "{name} can no longer sign in, and is signed out at any counter where they are "
                    "signed in now. F7 lets them sign in again.\n\nYes deactivates them; No changes nothing.",
                    name=name,
                ),
                what=N_("a clerk being deactivated"),
            ),
            toggle,
            no=N_("Not deactivated: nothing changed."),
            say=self._say,
        )

    def _toggled(self, info: clerks.ClerkInfo) -> str:
        if info.active:
            return _("{name} can sign in.", name=info.name)
        said = _("{name} can no longer sign in.", name=info.name)
        # Door delivery's scans they left with a fee unsettled would wait for them for good: this
        # manager's now, said here and again at Door delivery.
        held, manager = held_scans(self.app), self.station.clerk_id
        if manager is not None and (scans := held.hand_over(info.id, info.name, manager)):
            said = sentences(said, left_by(info.name, scans))
        return said

    @role_key("clerks.unlock")
    def action_unlock(self) -> None:
        name = self._selected()
        if name is None:
            return
        self._act(
            partial(clerks.unlock, self.station, name),
            lambda done: (
                _("{name} can sign in again.", name=done.clerk.name)
                if done.ended
                else _("{name} was not locked: nothing to do.", name=done.clerk.name)
            ),
        )

    @role_key("clerks.pin")
    def action_reset_pin(self) -> None:
        name = self._selected()
        if name is None or name not in self.shown:
            return

        def reset(done: bool | None) -> None:
            if done:
                self.refresh_list()  # a lock-out the reset ended
                self._say(_("PIN of {name} reset: they sign in with the new one.", name=name))
            else:
                self._say(_("PIN not reset: nothing changed."))

        open_over(self, reset_pin_form(self.station, name), self.askers_own(reset))

    @role_key("clerks.role")
    def action_change_role(self) -> None:
        name = self._selected()
        if name is None or name not in self.shown:
            return
        info = self.shown[name]

        def chosen(values: dict[str, Any] | None) -> None:
            if values is None:
                self._say(_("Role not changed: nothing changed."))
                return
            role = str(values["role"])
            change = partial(self._act, partial(clerks.set_role, self.station, name, role), self._role_set)
            if role == info.role:  # the service says they have it already
                change()
                return
            own = info.id == self.station.clerk_id
            ask(
                self,
                role_question(info, role, own=own),
                change,
                no=N_("Role not changed: nothing changed."),
                say=self._say,
            )

        open_over(self, role_choice_form(info), self.askers_own(chosen))

    def _role_set(self, info: clerks.ClerkInfo) -> str:
        if info.id == self.station.clerk_id and not info.is_manager:
            # Their own role, taken from them: this console acts as a clerk from now on, as their next
            # sign-in would (elsewhere the standing check locks them out: core/standing.py).
            clerks.act_as(self.station, info)
            self.app.refresh_bindings()
            return _("You are a clerk now: another manager manages the clerks.")
        if info.is_manager:
            return _("{name} is a manager now, from their next sign-in.", name=info.name)
        return _("{name} is a clerk now.", name=info.name)

    def action_activity(self) -> None:
        open_over(self, ClerkActivityScreen(clerk=self._selected() or ""))
