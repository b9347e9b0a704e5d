"""The header every mode shows: station, mode, clerk, counter, database, devices.

One line, fitted to its width: the mode, the devices, the clerk and the counter always; the database,
then the station's name, give way first (cut short, then left out), as what a clerk least needs: both
are the same at every counter of the station. What always stays, too long itself, stands one space
apart, then cuts the clerk's name short, then the devices' words, so the counter stays whole at 80
columns in every mode; only a terminal narrower still cuts the line at its end.
"""

from __future__ import annotations

from typing import Any

from rich.cells import cell_len
from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.events import Resize

from station_console.i18n import _
from station_console.safe_text import visible
from station_console.tui.widgets.plain import Static

# A device's state (its English msgid, as `set_device_state` was given it) as the header colours it:
# working, not known yet (a printer sent nothing since the start: print_worker.NOT_TRIED), or a fault. A state not named here
# reads as a fault: a new one is never shown as working by mistake.
FINE_STATES = frozenset({"ready", "connected", "wedge"})
UNKNOWN_STATES = frozenset({"not tried yet"})
# The station's name as the header's title shows it, at most this many cells: one named at length in
# Settings pushed the mode's name past the edge of an 80-column terminal.
NAME_CELLS = 32
# Less than this of the station's name or the database's label reads as nothing: the part goes instead.
NAME_MIN_CELLS = 8
DB_MIN_CELLS = 8
# Where nothing else gives way (a long mode's name beside a printer's words at 80 columns): the clerk's
# name down to its first letter and an ellipsis, and each device's words to no less than this.
CLERK_LAST_CELLS = 2
STATE_MIN_CELLS = 5
TITLE_GAP = "  ·  "  # between the station's name and the mode


class Summary(str):
    """A device state said in words of its own (several printers' states, already translated), with the
    kind the header colours it as."""

    kind: str

    def __new__(cls, text: str, kind: str) -> Summary:
        summary = super().__new__(cls, text)
        summary.kind = kind
        return summary


def state_kind(state: str) -> str:
    """`fine`, `unknown` or `fault`: the header's component class for `state` ends in it."""
    if isinstance(state, Summary):
        return state.kind
    if state in FINE_STATES:
        return "fine"
    return "unknown" if state in UNKNOWN_STATES else "fault"


def label(name: str) -> str:
    """A header field's name before its value: 'Printer: ', in Chinese with the Chinese colon ('打印机：'),
    as Chinese text has it everywhere else."""
    return _("{label}: ", label=name)


class StationHeader(Horizontal):
    COMPONENT_CLASSES = {"station-header--fine", "station-header--unknown", "station-header--fault"}
    DEFAULT_CSS = """
    StationHeader { height: 1; dock: top; background: $primary; color: $text; }
    StationHeader > #hdr-title { width: auto; text-style: bold; padding: 0 1; }
    StationHeader > #hdr-status { width: 1fr; padding: 0 1; text-align: right; text-wrap: nowrap; text-overflow: ellipsis; }
    StationHeader > .station-header--fine { color: $text-success; }
    StationHeader > .station-header--unknown { color: $text-muted; }
    StationHeader > .station-header--fault { color: $text-warning; text-style: bold; }
    """

    def __init__(self, mode_title: str, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.mode_title = mode_title

    def compose(self) -> ComposeResult:
        yield Static(id="hdr-title")
        yield Static(id="hdr-status")

    def on_mount(self) -> None:
        # The app's reactives: a clerk signing in or out, a device's state, the settings read again.
        self.watch(self.app, "clerk_name", self._changed, init=False)
        self.watch(self.app, "device_states", self._changed, init=False)
        self.watch(self.app, "station_settings", self._changed, init=False)
        self.refresh_status()

    def _changed(self, _value: object) -> None:
        self.refresh_status()

    def on_resize(self, event: Resize) -> None:
        self.refresh_status()  # what fits is worked out again for the new width

    def refresh_status(self) -> None:
        app: Any = self.app
        station = app.station
        clerk = getattr(app, "clerk_name", None) or _("not signed in")
        mode = Text(_(self.mode_title), style="bold")
        # The room left for the station's name (with its gap) and the database: the line's width less
        # the two parts' padding (a cell each side), the mode and what always stays.
        width = self.size.width or self.app.size.width
        status = self._fitted(clerk, width - 4 - mode.cell_len)
        room = width - 4 - mode.cell_len - status.cell_len
        # The settings the app holds (read in a worker), so a resize never reads the database here.
        settings = getattr(app, "station_settings", None) or station.settings()
        name = Text(visible(settings.name_shown()), "bold")
        name.truncate(NAME_CELLS, overflow="ellipsis")
        name_room = room - cell_len(TITLE_GAP)
        if name_room < min(name.cell_len, NAME_MIN_CELLS):
            title = mode
        else:
            name.truncate(name_room, overflow="ellipsis")
            title = Text.assemble(name, TITLE_GAP, mode)
            room -= cell_len(TITLE_GAP) + name.cell_len
        database = Text(f"  {label(_('DB'))}{visible(app.database_label)}")
        if room >= min(database.cell_len, cell_len(f"  {label(_('DB'))}") + DB_MIN_CELLS):
            database.truncate(room, overflow="ellipsis")
            status.append_text(database)
        self.query_one("#hdr-title", Static).update(title)
        self.query_one("#hdr-status", Static).update(status, layout=False)  # one line, its width fixed

    def _fitted(self, clerk: str, room: int) -> Text:
        """What always stays in `room` cells, if it can: its parts two spaces apart, else one; then the
        clerk's name cut, not under `NAME_MIN_CELLS`; then (a long mode's name beside a printer's words:
        Print queue, not tried yet) the name to its first letter and the devices' words cut, longest
        first. The counter stays whole: at 80 columns it lost a cell, cut at the line's end."""
        status = self._always(clerk, "  ")
        if status.cell_len <= room:
            return status
        status = self._always(clerk, " ")
        over = status.cell_len - room
        if over <= 0:
            return status
        needed = cell_len(visible(clerk)) - over
        status = self._always(clerk, " ", clerk_cells=max(needed, NAME_MIN_CELLS))
        if status.cell_len <= room:
            return status
        status = self._always(clerk, " ", clerk_cells=max(needed, CLERK_LAST_CELLS))
        over = status.cell_len - room
        if over <= 0:
            return status
        return self._always(clerk, " ", clerk_cells=CLERK_LAST_CELLS, states_over=over)

    def _always(self, clerk: str, gap: str, clerk_cells: int | None = None, states_over: int = 0) -> Text:
        """The devices, the clerk and the counter, `gap` apart; the clerk's name cut to `clerk_cells`
        when given, the devices' words `states_over` cells shorter in all (none under
        `STATE_MIN_CELLS`). The devices first: on a terminal too narrow even for that, the line is cut
        at its end, and a printer gone offline matters more than the counter."""
        app: Any = self.app
        status = Text()
        states = {
            device: Text(state if isinstance(state, Summary) else _(state))
            for device, state in app.device_states.items()
        }
        for said in sorted(states.values(), key=lambda text: -text.cell_len):
            cut = min(states_over, said.cell_len - STATE_MIN_CELLS)
            if cut > 0:
                said.truncate(said.cell_len - cut, overflow="ellipsis")
                states_over -= cut
        for device, state in app.device_states.items():
            status.append(label(_(device.capitalize())), style="")
            status.append(
                states[device].plain,
                style=self.get_component_rich_style(f"station-header--{state_kind(state)}"),
            )
            status.append(gap)
        name = Text(visible(clerk))
        if clerk_cells is not None:
            name.truncate(clerk_cells, overflow="ellipsis")
        status.append(label(_("Clerk")))
        status.append_text(name)
        status.append(f"{gap}{label(_('Counter'))}{visible(app.station.counter)}")
        return status
