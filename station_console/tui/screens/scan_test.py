"""Scan test: what a keyboard-wedge scanner really sends, key by key, with the time between keys.

The clerk scans a few barcodes into the capture panel and sees every key, the gap before it, where each
burst ended, and what the wedge decoder makes of it with the settings on the right (prefix, suffix,
terminator, thresholds). "Suggest" measures the scanner's own key gaps over the bursts seen so far and
fills the settings (`hardware.scanners.wedge.propose`); Save writes them to this counter's settings.
A scanner that can send a prefix makes intake exact: the help line says how.
"""

from __future__ import annotations

import asyncio
import logging
import re
from dataclasses import dataclass
from functools import partial
from typing import Any, ClassVar

from pydantic import ValidationError
from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.message import Message
from textual.widgets import DataTable, Input, Select

from hardware.scanners.factory import KIND_LABELS as SCANNER_KINDS
from hardware.scanners.wedge import Partial, Scan, Typed, WedgeDecoder, WedgeOutput, propose
from station_console.i18n import N_, _, _n, label_of
from station_console.services.admin.counter import change_counter_settings
from station_console.services.core.station import Station
from station_console.settings import CounterSettings
from station_console.tui.one_shot import call_after
from station_console.tui.role_keys import role_key
from station_console.tui.screens.base import ModeScreen
from station_console.tui.screens.calls import STILL_WRITING, ServiceCalls
from station_console.tui.widgets.fixed_input import FixedInput
from station_console.tui.widgets.paged_select import PagedSelect
from station_console.tui.widgets.plain import Label, Static, Table
from station_console.tui.widgets.status_line import StatusLine
from station_console.validation_reasons import error_field, validation_reason

BURST_GAP_S = 0.25  # a pause this long starts a new burst in the summary
TERMINATORS = {"enter": N_("Enter"), "tab": N_("Tab"), "none": N_("none (idle timeout)")}
# The number fields: widget id -> (counter setting, label).
NUMBERS = {
    "max_gap": ("wedge_max_key_gap_ms", N_("Largest gap inside a scan (ms)")),
    "idle": ("wedge_idle_timeout_ms", N_("Idle timeout (ms)")),
    "rejoin": ("wedge_rejoin_ms", N_("Wait for the rest of a split scan (ms)")),
    "min_length": ("wedge_min_length", N_("Shortest code")),
}
FIELDS = {
    "prefix": ("wedge_prefix", N_("Prefix")),
    "suffix": ("wedge_suffix", N_("Suffix")),
    "terminator": ("wedge_terminator", N_("Terminator")),
    **NUMBERS,
}
_PASS_THROUGH = ("escape", "shift+tab")  # keys the capture leaves to the screen, with every F-key
# A scanner types no F-key: F1-F6 change mode and F7 clears, as everywhere, while the box has the focus.
_FUNCTION_KEY = re.compile(r"f\d+")


def key_label(key: str) -> str:
    """A key as the clerk should see it: control characters by name, space visible."""
    names = {" ": "␠ space", "\x1d": "GS (0x1D)", "\r": "CR", "\n": "LF", "\t": "TAB"}
    if key in names:
        return names[key]
    if len(key) == 1 and not key.isprintable():
        return f"0x{ord(key):02X}"
    return key if len(key) == 1 else f"<{key}>"


class KeyCapture(Static, can_focus=True):
    """Takes every key (Enter and Tab too) so the scanner's whole output can be seen."""

    DEFAULT_CSS = """
    KeyCapture { height: 3; border: round $secondary; content-align: center middle; }
    KeyCapture:focus { border: round $accent; background: $boost; }
    """

    @dataclass
    class Pressed(Message):
        key: str
        time: float

    def on_key(self, event: events.Key) -> None:
        if (
            event.key in _PASS_THROUGH
            or _FUNCTION_KEY.fullmatch(event.key)
            or (event.key.startswith("ctrl+") and event.key not in ("ctrl+j", "ctrl+m"))
        ):
            return
        event.prevent_default()
        event.stop()
        token = event.character if event.is_printable and event.character else event.key
        self.post_message(KeyCapture.Pressed(token, event.time))


class ScanTestScreen(ServiceCalls, ModeScreen):
    MODE_TITLE = N_("Scan test")
    WAIT_LINE = "#st-status"
    CSS_PATH = "scan_test.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "back", N_("Back"), id="scan_test.back", tooltip=N_("Back to settings")),
        # F7, not Ctrl+L (the console's lock from every screen) nor Ctrl+K (a field's delete-to-end).
        Binding("f7", "clear", N_("Clear"), id="scan_test.clear", tooltip=N_("Forget the keys seen so far")),
        Binding(
            "ctrl+g",
            "suggest",
            N_("Suggest"),
            id="scan_test.suggest",
            tooltip=N_("Fill the settings from the last burst"),
        ),
        Binding("ctrl+s", "save", N_("Save"), id="scan_test.save", tooltip=N_("Save the wedge settings")),
    ]

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.keys: list[tuple[str, float]] = []  # every key seen, with its time
        self.results: list[WedgeOutput] = []
        self._decoder: WedgeDecoder | None = None
        self._timer: asyncio.TimerHandle | None = None

    @property
    def counter(self) -> CounterSettings:
        return getattr(self.app, "counter_settings", None) or CounterSettings()

    def compose_body(self) -> ComposeResult:
        c = self.counter
        with Horizontal(id="scan-test"):
            with Vertical(id="st-left"):
                yield Static(
                    _(
                        "Scan a few barcodes while the box below is highlighted. Every key is listed "
                        "with the time since the key before it; Ctrl+G measures them and suggests settings. "
                        "Exact intake: program the scanner to send a prefix such as ~ (its manual has an "
                        "'add prefix' code), scan here to see it, and enter it as Prefix."
                    ),
                    classes="help",
                )
                yield Static(self._configured_scanner(), id="st-scanner", classes="help")
                yield KeyCapture(_("scan here"), id="capture")
                yield Table(id="keys", cursor_type="none", zebra_stripes=True)
            # Scrolls: at 80x24 its last fields are below the fold, and the focus brings each into view.
            with VerticalScroll(id="st-right", can_focus=False):
                yield Static(id="summary")
                yield Static(id="decoded")
                yield Label(_(FIELDS["prefix"][1]))
                yield FixedInput(c.wedge_prefix, id="prefix")
                yield Label(_(FIELDS["suffix"][1]))
                yield FixedInput(c.wedge_suffix, id="suffix")
                yield Label(_(FIELDS["terminator"][1]))
                yield PagedSelect(
                    [(_(label), t) for t, label in TERMINATORS.items()],
                    value=c.wedge_terminator,
                    allow_blank=False,
                    id="terminator",
                )
                for widget_id, (name, label) in NUMBERS.items():
                    yield Label(_(label))
                    yield FixedInput(str(getattr(c, name)), id=widget_id, type="integer")
                yield StatusLine(id="st-status")

    def _configured_scanner(self) -> str:
        """Which scanner this counter has, by its kind's label: this test reads a keyboard wedge only."""
        kind = str(self.counter.scanner.get("kind", "wedge"))
        if kind == "wedge":
            return _("This counter's scanner: {kind}.", kind=label_of(SCANNER_KINDS, kind))
        return _(
            "This counter's scanner: {kind}. This test reads a keyboard-wedge scanner; "
            "`station scan-test` reads this one.",
            kind=label_of(SCANNER_KINDS, kind),
        )

    def on_mount(self) -> None:
        super().on_mount()
        table = self.query_one("#keys", DataTable)
        table.add_columns("#", _("Key"), _("Gap (ms)"))
        self.query_one("#capture").focus()
        self._refresh_summary()

    # -- keys -----------------------------------------------------------------------------------

    @on(KeyCapture.Pressed)
    def _pressed(self, message: KeyCapture.Pressed) -> None:
        self.record_key(message.key, message.time)

    def record_key(self, key: str, t: float) -> None:
        """List one key and feed it to the decoder (public: tests give their own times)."""
        gap = (t - self.keys[-1][1]) * 1000 if self.keys else None
        self.keys.append((key, t))
        table = self.query_one("#keys", DataTable)
        table.add_row(str(len(self.keys)), key_label(key), "" if gap is None else f"{gap:.0f}")
        table.scroll_end(animate=False)
        decoder = self.decoder()
        self._take(decoder.feed(key, t))
        self._arm(t)
        self._refresh_summary()

    def _arm(self, now: float) -> None:
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        deadline = self.decoder().deadline()
        if deadline is not None:
            # Behind the keys already received (see KeyRouter._flush_in_turn).
            def in_turn() -> None:
                self.app.call_later(lambda: self.call_later(self.flush, deadline + 0.001))

            self._timer = call_after(self, max(0.0, deadline - now) + 0.005, in_turn)

    def flush(self, t: float) -> None:
        self._take(self.decoder().flush(t))
        self._arm(t)
        self._refresh_summary()

    def _take(self, outputs: list[WedgeOutput]) -> None:
        self.results.extend(outputs)

    # -- settings -------------------------------------------------------------------------------

    def decoder(self) -> WedgeDecoder:
        if self._decoder is None:
            s = self.form_settings()
            self._decoder = WedgeDecoder.from_settings(s)
        return self._decoder

    def form_settings(self) -> CounterSettings:
        """The counter settings with the wedge fields as typed on this screen (invalid: unchanged)."""

        c = self.counter
        numbers = {}
        for name, text in self._typed_numbers().items():
            try:
                numbers[name] = int(text) if text.isdigit() else getattr(c, name)
            except ValueError:  # "²" is a digit; 5,000 digits are more than int() reads
                numbers[name] = getattr(c, name)
        terminator = self.query_one("#terminator", Select).value
        return c.model_copy(
            update={
                "wedge_prefix": self.query_one("#prefix", Input).value,
                "wedge_suffix": self.query_one("#suffix", Input).value,
                "wedge_terminator": terminator if terminator in TERMINATORS else c.wedge_terminator,
                **numbers,
            }
        )

    def _typed_numbers(self) -> dict[str, str]:
        """The number fields as typed, by setting name."""
        return {
            name: self.query_one(f"#{wid}", Input).value.strip() for wid, (name, _label) in NUMBERS.items()
        }

    @on(Input.Changed)
    @on(Select.Changed)
    def _settings_changed(self) -> None:
        self._decoder = None  # rebuilt from the form on the next key

    def bursts(self) -> list[list[tuple[str, float]]]:
        groups: list[list[tuple[str, float]]] = []
        for key, t in self.keys:
            if not groups or t - groups[-1][-1][1] > BURST_GAP_S:
                groups.append([])
            groups[-1].append((key, t))
        return groups

    def suggestion(self) -> dict[str, Any] | None:
        """Settings measured from the bursts seen: the scanner's key gap with room, its terminator."""
        found = propose(self.bursts())
        if found is None:
            return None
        return {
            "terminator": found.terminator,
            "max_gap": found.max_gap_ms,
            "idle": max(80, found.max_gap_ms * 3),
            "min_length": found.min_length,
        }

    def _refresh_summary(self) -> None:
        bursts = self.bursts()
        summary = self.query_one("#summary", Static)
        if not bursts:
            summary.update(_("No keys yet."))
        else:
            burst = bursts[-1]
            gaps = [(b[1] - a[1]) * 1000 for a, b in zip(burst, burst[1:], strict=False)]
            summary.update(
                _n(
                    "Last burst: {n} key in {total} ms, largest gap {gap} ms, ended with {end}",
                    "Last burst: {n} keys in {total} ms, largest gap {gap} ms, ended with {end}",
                    len(burst),
                    n=len(burst),
                    total=f"{(burst[-1][1] - burst[0][1]) * 1000:.0f}",
                    gap=f"{max(gaps):.0f}" if gaps else "0",
                    end=key_label(burst[-1][0]),
                )
            )
        lines = []
        for out in self.results[-6:]:
            if isinstance(out, Scan):
                lines.append(_("scan: {code}", code=out.code))
            elif isinstance(out, Typed):
                lines.append(_("typed: {keys}", keys=" ".join(key_label(k) for k in out.keys)))
            elif isinstance(out, Partial):
                lines.append(_("refused ({reason}): {text}", reason=out.reason, text=out.text))
        self.query_one("#decoded", Static).update("\n".join(lines))

    # -- actions --------------------------------------------------------------------------------

    def action_clear(self) -> None:
        self.keys.clear()
        self.results.clear()
        self._decoder = None
        self.query_one("#keys", DataTable).clear()
        self._refresh_summary()
        self.query_one("#capture").focus()

    def action_suggest(self) -> None:
        status = self.query_one("#st-status", StatusLine)
        found = self.suggestion()
        if found is None:
            status.say(_("Scan a barcode first."))
            return
        self.query_one("#terminator", Select).value = found["terminator"]
        self.query_one("#max_gap", Input).value = str(found["max_gap"])
        self.query_one("#idle", Input).value = str(found["idle"])
        self.query_one("#min_length", Input).value = str(found["min_length"])
        status.say(_("Suggested settings filled in; Ctrl+S saves them."))
        self.query_one("#capture").focus()

    @role_key("scan_test.save")
    def action_save(self) -> None:
        if self.calling("save"):  # the file is being written: a second save waits for its answer
            self.still_writing("save")
            return
        try:  # the numbers as typed: the decoder's fallback to the saved value is no answer here
            new = CounterSettings.model_validate(
                {**self.form_settings().model_dump(), **self._typed_numbers()}
            )
        except ValidationError as exc:
            error = exc.errors()[0]
            name = error["loc"][0] if error["loc"] else None
            widget_id = next((wid for wid, (field, _label) in FIELDS.items() if field == name), None)
            field = _(FIELDS[widget_id][1]) if widget_id else error_field(error, CounterSettings)
            self.failed(
                "save", _("Not saved: {field}: {reason}", field=field, reason=validation_reason(error))
            )
            if widget_id:
                self.query_one(f"#{widget_id}").focus()
            return
        self._saving = new
        # A file write: off the UI thread.
        self.write("save", partial(save_or_say_why, self.station, new))

    def done_save(self, refused: str | None) -> None:
        if refused is not None:
            self.failed("save", refused)
            return
        self.app.counter_settings = self._saving  # type: ignore[attr-defined]
        self.query_one("#st-status", StatusLine).say(_("Wedge settings saved."))

    def failed(self, tag: str, text: str) -> None:
        self.query_one("#st-status", StatusLine).say(text, error=True)
        self.app.bell()

    def still_writing(self, tag: str) -> None:
        self.failed(tag, _(STILL_WRITING))

    def action_back(self) -> None:
        # Not while the settings are being written: their answer puts them to use at this console.
        if not self.stays_for_answer("save"):
            self.dismiss()


def save_or_say_why(station: Station, new: CounterSettings) -> str | None:
    """None once saved; why the file could not be written. A refused role comes back as a refusal."""
    try:
        change_counter_settings(station, new)
    except OSError as exc:
        # The system's words are English on a Chinese screen: the log keeps them.
        logging.getLogger(__name__).warning("counter settings not written: %s", exc)
        if isinstance(exc, PermissionError):
            return _(
                "Not saved: this console may not write its settings folder. Let it be written, then save again."
            )
        return _("Not saved: the settings folder could not be written. Check the disk, then save again.")
    return None
