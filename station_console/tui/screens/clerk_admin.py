"""Settings > Clerks: who may sign in at this station, their roles, and their activity (manager)."""

from __future__ import annotations

from typing import Any, ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal
from textual.widgets import Button, DataTable, Input, Select

from db.models import Role
from station_console.errors import StationError
from station_console.i18n import N_, _
from station_console.services.people import clerks
from station_console.tui.screens.base import ModeScreen, report_unexpected
from station_console.tui.screens.clerk_activity import ClerkActivityScreen
from station_console.tui.widgets.plain import Static, Table


class ClerkAdminScreen(ModeScreen):
    MODE_TITLE = N_("Clerks")
    DEFAULT_CSS = """
    ClerkAdminScreen #clerk-form { height: auto; padding: 0 1; }
    ClerkAdminScreen #clerk-form Input { width: 1fr; }
    ClerkAdminScreen #clerk-form Select { width: 20; }
    ClerkAdminScreen #clerk-list { height: 1fr; }
    ClerkAdminScreen #clerk-status { height: 2; padding: 0 1; }
    ClerkAdminScreen #clerk-status.error { background: $error; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "app.pop_screen", N_("Back"), id="clerks.back"),
        Binding("f7", "toggle_active", N_("Activate / deactivate"), id="clerks.toggle"),
        Binding("f8", "activity", N_("Activity"), id="clerks.activity"),
        Binding(
            "f9", "unlock", N_("Unlock"), id="clerks.unlock", tooltip=N_("End a lock-out after wrong PINs")
        ),
    ]

    def compose_body(self) -> ComposeResult:
        with Horizontal(id="clerk-form"):
            yield Input(placeholder=_("name"), id="c-name")
            yield Input(placeholder=_("PIN (4 to 8 digits)"), password=True, id="c-pin")
            yield Select(
                [(_("clerk"), Role.CLERK.value), (_("manager"), Role.MANAGER.value)],
                value=Role.CLERK.value,
                allow_blank=False,
                id="c-role",
            )
            yield Button(_("Add clerk"), id="c-add", variant="primary")
        yield Table(id="clerk-list", cursor_type="row")
        yield Static(id="clerk-status")

    def on_mount(self) -> None:
        super().on_mount()
        table = self.query_one("#clerk-list", DataTable)
        table.add_columns(_("Name"), _("Role"), _("Active"), _("Last sign-in"))
        self.refresh_list()

    def refresh_list(self) -> None:
        table = self.query_one("#clerk-list", DataTable)
        table.clear()
        zone = self.station.zone()
        for info in clerks.list_clerks(self.station):
            last = (
                info.last_sign_in_at.astimezone(zone).strftime("%m-%d %H:%M") if info.last_sign_in_at else "-"
            )
            active = "✓" if info.active else "✗"
            if info.locked_until is not None and info.locked_until > self.station.now():
                active = _("locked until {time}", time=info.locked_until.astimezone(zone).strftime("%H:%M"))
            table.add_row(Text(info.name), _(info.role), active, last, key=info.name)

    def _say(self, text: str, *, error: bool = False) -> None:
        status = self.query_one("#clerk-status", Static)
        status.update(text)
        status.set_class(error, "error")
        if error:
            self.app.bell()

    def _guarded(self, action: Any) -> None:
        try:
            action()
        except StationError as exc:
            self._say(exc.message(), error=True)
        except Exception as exc:  # a bug: logged, one calm line on screen
            self._say(report_unexpected(self, exc), error=True)

    def _selected(self) -> str | None:
        table = self.query_one("#clerk-list", DataTable)
        if table.row_count == 0:
            return None
        return str(table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value)

    @on(Button.Pressed, "#c-add")
    def add(self) -> None:
        name = self.query_one("#c-name", Input).value.strip()
        pin_input = self.query_one("#c-pin", Input)
        role = str(self.query_one("#c-role", Select).value)

        def work() -> None:
            info = clerks.add_clerk(self.station, name, pin_input.value, role=role)
            pin_input.value = ""
            self.refresh_list()
            self._say(_("Clerk {name} added.", name=info.name))

        self._guarded(work)

    def action_toggle_active(self) -> None:
        name = self._selected()
        if name is None:
            return

        def work() -> None:
            current = clerks.get_clerk(self.station, name)
            info = clerks.set_active(self.station, name, not current.active)
            self.refresh_list()
            self._say(
                _("{name} can sign in.", name=name)
                if info.active
                else _("{name} can no longer sign in.", name=name)
            )

        self._guarded(work)

    def action_unlock(self) -> None:
        name = self._selected()
        if name is None:
            return

        def work() -> None:
            info = clerks.unlock(self.station, name)
            self.refresh_list()
            self._say(_("{name} can sign in again", name=info.name))

        self._guarded(work)

    def action_activity(self) -> None:
        self.app.push_screen(ClerkActivityScreen(clerk=self._selected() or ""))
