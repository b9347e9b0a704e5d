"""The stocktake's close: which of the offered fixes to apply, ticked in a question over the Stocktake
screen (`stocktake.py`), Enter closing with the ticked ones."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical

from station_console.i18n import N_, _, _n
from station_console.tui.screens.base import translate_bindings
from station_console.tui.screens.question_keys import QuestionDialog, said_line
from station_console.tui.screens.typed_dialog import keys_line
from station_console.tui.widgets.plain import Static
from station_console.tui.widgets.tick import SpaceTick

# The fixes a close offers: its tick box, its key in the offer, ticked at first.
CLOSE_FIXES = (
    ("fix-relocate", "relocate", True),
    ("fix-missing", "mark_missing", True),
    ("fix-recheck", "recheck_in", False),
    ("fix-put-back", "put_back", False),
)


def fix_words(key: str, n: int) -> str:
    """What a fix offers to do, for its `n` parcels."""
    if key == "relocate":
        return _n(
            "Relocate {n} parcel to where it was found",
            "Relocate {n} parcels to where they were found",
            n,
            n=n,
        )
    if key == "mark_missing":
        return _n("Mark {n} unscanned parcel missing", "Mark {n} unscanned parcels missing", n, n=n)
    if key == "put_back":
        return _n(
            "Put back {n} parcel below: new code, no message sent",
            "Put back {n} parcels below: new codes, no message sent",
            n,
            n=n,
        )
    # An extra offered for check-in is one the station has no record of (one recorded as having left is
    # put back; an undone check-in counts as none): never checked in here, so not "again".
    return _n("Check in {n} parcel not on record here", "Check in {n} parcels not on record here", n, n=n)


class CloseDialog(QuestionDialog[dict[str, list[str]] | None]):
    """Which offered fixes to apply; Enter closes the stocktake, Escape goes back to scanning. A key it
    does not take, or a scan, is said in it (`QuestionDialog`)."""

    what = N_("the stocktake's close")
    # Its fixes (parcels marked missing, moved) and the close are not undone: only keys typed at it answer.
    takes_keys_typed_ahead = False

    CSS_PATH = "shelves.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", N_("Back"), id="stclose.cancel", tooltip=N_("Keep scanning")),
        Binding(
            "f8,enter",
            "confirm",
            N_("Close stocktake"),
            id="stclose.confirm",
            tooltip=N_("Apply the ticked fixes and close"),
        ),
    ]

    def __init__(
        self,
        offered: dict[str, list[str]],
        gone: list[str] | None = None,
        put_back_refused: str | None = None,
    ) -> None:
        """`gone`: a line for each extra recorded as having left, said under its put-back offer;
        `put_back_refused`: why the clerk may not tick that offer (dimmed), said under it."""
        super().__init__()
        self.offered = offered
        self.gone = gone or []
        self.put_back_refused = put_back_refused

    def compose(self) -> ComposeResult:
        with Vertical(id="st-close", classes="dialog"):
            yield Static(_("Close the stocktake"), classes="dialog-title")
            # Only the fixes there is something to do for ("Check in 0 extra parcels" was offered).
            for widget_id, key, ticked in CLOSE_FIXES:
                refused = key == "put_back" and self.put_back_refused is not None
                if self.offered.get(key):
                    words = fix_words(key, len(self.offered[key]))
                    yield SpaceTick(words, value=ticked and not refused, id=widget_id, disabled=refused)
                if key == "put_back" and self.offered.get(key):
                    yield Static("\n".join(self.gone), id="st-gone")
                    if refused:
                        yield Static(self.put_back_refused or "", id="st-put-back-refused")
                    # One not put back is not lost: the close flags it for the manager.
                    yield Static(
                        _("Any not put back is flagged 'found after it left' for a manager on Problems."),
                        id="st-gone-flagged",
                    )
            if not any(self.offered.get(key) for _id, key, _ticked in CLOSE_FIXES):
                yield Static(_("Nothing to fix: every parcel scanned is where it is on record."))
            yield said_line()
            yield keys_line(N_("Space: tick · Enter: close with the ticked · Esc: keep scanning"))

    def on_mount(self) -> None:
        translate_bindings(self)

    @on(SpaceTick.Typed)
    def _typed_into_tick(self, event: SpaceTick.Typed) -> None:
        """A hint, not a refusal: said on the dialog's own line, as forms say it. Left to the app's toast,
        at 80x24 it covered the dialog's keys line while it was up."""
        event.stop()
        self._say(Text(event.said(), style="yellow"))

    def taken_keys(self) -> set[str]:
        return super().taken_keys() | {"space"}  # a tick box's

    def action_confirm(self) -> None:
        def ticked(widget_id: str, key: str) -> list[str]:
            boxes = self.query(f"#{widget_id}").results(SpaceTick)
            return self.offered.get(key, []) if any(box.value and not box.disabled for box in boxes) else []

        self.dismiss(
            {
                "relocate": ticked("fix-relocate", "relocate"),
                "mark_missing": ticked("fix-missing", "mark_missing"),
                "recheck_in": ticked("fix-recheck", "recheck_in"),
                "put_back": ticked("fix-put-back", "put_back"),
            }
        )

    def action_cancel(self) -> None:
        self.dismiss(None)
