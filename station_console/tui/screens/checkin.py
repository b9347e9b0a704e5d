"""The Check-in mode (入库): the console opens here.

Scan -> one `check_in` call with the phone and size typed for this parcel. Scans are told from typing by
key timing (`KeyRouter`), so a scan lands here wherever the focus is. Service calls run one at a time,
in scan order, on a single writer thread, so the UI never waits on the database and a burst of scans is
never reordered. Refusals are shown in place with a bell and the one key that resolves them.
"""

from __future__ import annotations

import asyncio
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from functools import partial
from typing import TYPE_CHECKING, Any, ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.widgets import DataTable, Digits, Input, Label, Static

from station_console.errors import StationError
from station_console.i18n import N_, _
from station_console.services.checkin.phones import parse_phone
from station_console.services.checkin.transaction import CheckinResult, check_in, undo_last
from station_console.services.printing.jobs import reprint
from station_console.services.scan.carriers import get_detector
from station_console.services.shelves.lists import LABEL_LABELS, label_status, missing_phone_count
from station_console.tui.scanner_bridge import ScannerBridge
from station_console.tui.screens.base import report_unexpected
from station_console.tui.screens.checkin_batch import BINDINGS as COURIER_BINDINGS
from station_console.tui.screens.checkin_batch import CourierBatchScreen
from station_console.tui.screens.checkin_dialogs import NO_BATCH, BatchPicker, MissingPhones, carrier_choices
from station_console.tui.widgets.wedge import KeyRouter, WedgeInput

if TYPE_CHECKING:
    from station_console.tui.screens.checkin_recipient import Picked

TABLE_ROWS = 200  # this session's newest check-ins kept on screen
DIGITS_CHARS = set("0123456789-ABCDEF")
PHONE_CHARS = r"[0-9+*xX#,()\s\-转]*"


@dataclass(frozen=True)
class ScanRequest:
    raw: str
    phone: str | None
    size: str | None
    batch: str | None
    carrier: str | None = None
    key_time: float = 0.0
    recipient: Picked | None = None  # who it is for, when the clerk found them (Ctrl+N)
    courier_batch: int | None = None  # the courier's batch open on this screen


class CheckinScreen(CourierBatchScreen):
    MODE_TITLE = N_("Check-in")
    CSS_PATH = "checkin.tcss"

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("f7", "pick_batch", "Batch", id="checkin.batch", tooltip="Choose the carrier being received"),
        Binding("f8", "toggle_quick", "Quick mode", id="checkin.quick", tooltip="Scan only; phones later"),
        Binding(
            "f9",
            "missing_phones",
            "Add phones",
            id="checkin.phones",
            tooltip="Parcels checked in without a phone",
        ),
        Binding("ctrl+z", "undo", "Undo last", id="checkin.undo", tooltip="Undo your last check-in"),
        Binding(
            "ctrl+n",
            "pick_recipient",
            N_("Recipient"),
            id="checkin.recipient",
            tooltip=N_("Find who it is for: name, initials (zs), room (3-502)"),
        ),
        Binding(
            "ctrl+w",
            "who_is_this",
            N_("Who is this?"),
            id="checkin.who",
            tooltip=N_("Parcels with a name, no match"),
        ),
        Binding(
            "ctrl+r",
            "reprint",
            "Reprint",
            id="checkin.reprint",
            show=False,
            tooltip="Reprint the label of the parcel already on the shelf",
        ),
        Binding(
            "ctrl+b",
            "keep_batch",
            "Keep batch",
            id="checkin.keep",
            show=False,
            tooltip="Check in with the batch carrier anyway",
        ),
        Binding("escape", "clear", "Clear", id="checkin.clear", show=False, tooltip="Clear the message"),
        *COURIER_BINDINGS,
    ]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.batch_carrier: str | None = None
        self.quick = False
        self.count = 0
        self.results: list[CheckinResult] = []
        self._undone: set[int] = set()  # rows that say "undone", not their cancelled label's status
        self.latencies: list[float] = []  # scan (terminator key) to row on screen, seconds
        self._conflict: tuple[ScanRequest, str] | None = None  # (request, detected carrier)
        self._reprint: int | None = None
        self._writer = ThreadPoolExecutor(max_workers=1, thread_name_prefix="checkin")
        self.recipient: Picked | None = None  # goes with the next scan
        self.router: KeyRouter | None = None

    def compose_body(self) -> ComposeResult:
        with Horizontal(id="ci-status"):
            yield Static(id="ci-batch")
            yield Static(id="ci-quick")
            yield Static(id="ci-missing")
        yield from self.compose_batch_panel()
        with Horizontal(id="ci-fields"):
            yield Label(_("Scan"), classes="field-label")
            yield WedgeInput(placeholder=_("scan, or type a waybill and Enter"), id="scan")
            yield Label(_("Phone"), classes="field-label phone")
            yield WedgeInput(
                placeholder=_("last 4 digits or full"),
                id="phone",
                classes="phone",
                max_length=24,
                restrict=PHONE_CHARS,  # letters of a split scan never land here
            )
            yield Label(_("Size"), classes="field-label")
            yield WedgeInput(id="size", max_length=2, restrict=r"[SMLXsmlx]*")
        with Horizontal(id="ci-last"):
            with Vertical(id="ci-big"):
                yield Digits("", id="ci-code")
                yield Static("", id="ci-where")
            yield Static(_("Ready: scan a parcel."), id="ci-message")
        yield DataTable(id="ci-table", cursor_type="row", zebra_stripes=True)

    def on_mount(self) -> None:
        app: Any = self.app
        self.router = KeyRouter.from_settings(self, app.counter_settings)
        for field in self.query(WedgeInput):
            field.router = self.router
        self.query_one("#size", Input).placeholder = self.station.settings().default_size
        table = self.query_one(DataTable)
        table.can_focus = False  # focus stays in the fields; the table only shows
        for key, title in (
            ("n", "#"),
            ("code", _("Code")),
            ("where", _("Location")),
            ("carrier", _("Carrier")),
            ("waybill", _("Waybill")),
            ("phone", _("Phone")),
            ("label", _("Label")),
        ):
            table.add_column(title, key=key)
        self._refresh_status()
        self._writer.submit(self._warm_up)
        self.set_interval(3.0, self._refresh_labels)
        self.refresh_batches()
        self.set_interval(5.0, self.refresh_batches)  # other counters' couriers
        self.query_one("#phone", Input).focus()

    def _warm_up(self) -> None:
        """Build the carrier detector now, not during the first scan burst."""
        get_detector(self.station)

    def on_unmount(self) -> None:
        self._writer.shutdown(wait=True)

    # -- scans ---------------------------------------------------------------------------------

    @on(KeyRouter.Scanned)
    def _scanned(self, event: KeyRouter.Scanned) -> None:
        event.stop()
        self.submit(event.code, key_time=event.key_time)

    @on(ScannerBridge.Scanned)
    def _device_scanned(self, event: ScannerBridge.Scanned) -> None:
        event.stop()
        self.submit(event.code, key_time=time.monotonic())

    @on(Input.Submitted, "#scan")
    def _typed_waybill(self, event: Input.Submitted) -> None:
        text = event.value.strip()
        event.input.value = ""
        if text:
            self.submit(text, key_time=time.monotonic())
        elif self._conflict is not None:
            self._resolve_conflict(keep_batch=False)

    @on(Input.Submitted, "#phone")
    def _phone_entered(self, event: Input.Submitted) -> None:
        if not event.value.strip():
            if self._conflict is not None:
                self._resolve_conflict(keep_batch=False)  # Enter accepts the detected carrier
            return
        try:
            masked = parse_phone(event.value).masked
        except StationError as exc:
            self._refuse(exc)
            return
        self._say(_("Phone {masked} goes with the next scan.", masked=masked))

    def submit(self, raw: str, *, key_time: float = 0.0) -> None:
        """One scan: take this parcel's phone and size from the fields and check it in."""
        phone_field, size_field = self.query_one("#phone", Input), self.query_one("#size", Input)
        phone = None if self.quick else (phone_field.value.strip() or None)
        size = size_field.value.strip().upper() or None
        phone_field.value, size_field.value = "", ""
        recipient, self.recipient = self.recipient, None
        self._run(
            ScanRequest(
                raw=raw,
                phone=phone,
                size=size,
                batch=self.batch_carrier,
                key_time=key_time,
                recipient=recipient,
                courier_batch=self.courier_batch,
            )
        )

    def _run(self, request: ScanRequest) -> None:
        self.run_worker(self._check_in(request), group="checkin", exit_on_error=False)

    async def _check_in(self, req: ScanRequest) -> None:
        call = partial(
            check_in,
            self.station,
            req.raw,
            batch=req.batch,
            carrier=req.carrier,
            phone=req.phone,
            size=req.size,
            recipient_id=req.recipient.recipient_id if req.recipient else None,
            recipient_name=req.recipient.name
            if req.recipient and req.recipient.recipient_id is None
            else None,
            courier_batch=req.courier_batch,
        )
        try:
            result = await asyncio.get_running_loop().run_in_executor(self._writer, call)
        except StationError as exc:
            self._refused_scan(req, exc)
        except Exception as exc:
            self.app.bell()
            self._say(report_unexpected(self, exc), error=True)
        else:
            self._checked_in(result, req.key_time)

    def _checked_in(self, result: CheckinResult, key_time: float) -> None:
        self.count += 1
        self.results.append(result)
        self._conflict = self._reprint = None
        table = self.query_one(DataTable)
        table.add_row(
            self.count,
            result.pickup_code,
            result.location,
            result.carrier,
            result.waybill,
            result.masked_phone or "-",
            _(LABEL_LABELS["queued"]),
            key=str(result.parcel_id),
        )
        table.sort("n", reverse=True)
        if table.row_count > TABLE_ROWS:
            table.remove_row(str(self.results[-TABLE_ROWS - 1].parcel_id))
        code = result.pickup_code.upper()
        self.query_one("#ci-code", Digits).update(code if set(code) <= DIGITS_CHARS else "")
        where = _(
            "{code}   shelf {shelf} · layer {layer}",
            code=result.pickup_code,
            shelf=result.shelf,
            layer=result.layer,
        )
        self.query_one("#ci-where", Static).update(where)
        notes = [_("{carrier} {waybill} checked in.", carrier=result.carrier, waybill=result.waybill)]
        if result.redelivery:
            notes.append(_("Re-delivery: this waybill was here before."))
        if result.overflow:
            notes.append(_("The shelves are full: this parcel went to the overflow zone."))
        if result.consent_missing:
            notes.append(_("No consent on record to hold parcels at the station: ask the recipient."))
        if result.wants_door:
            notes.append(_("The recipient chose door delivery: it goes on the next run."))
        self._say(" ".join(notes), warn=result.overflow or result.redelivery or result.consent_missing)
        if key_time:
            self.call_after_refresh(lambda: self.latencies.append(time.monotonic() - key_time))
        if self.quick or result.masked_phone is None:
            self._refresh_status()
        if self.courier_batch is not None:
            self.refresh_batches()

    def _refused_scan(self, req: ScanRequest, exc: StationError) -> None:
        phone_field = self.query_one("#phone", Input)
        if req.phone and not phone_field.value and not exc.code.startswith("phone_"):
            phone_field.value = req.phone  # it belonged to the refused parcel: keep it for the retry
        if req.recipient is not None and self.recipient is None:
            self.recipient = req.recipient  # so was its recipient
        hint = ""
        if exc.code == "carrier_conflict":
            self._conflict = (req, str(exc.params.get("detected", "")))
            hint = _(
                "Enter: use {detected} · Ctrl+B: keep {batch}",
                detected=exc.params.get("detected", "?"),
                batch=req.batch or "?",
            )
        elif exc.code == "duplicate":
            self._reprint = exc.params.get("parcel_id")
            hint = _("Ctrl+R: reprint its label")
        elif exc.code in ("courier_batch_closed", "no_courier_batch"):
            self.courier_batch = None  # closed at another counter: scans go on without it
            self.refresh_batches()
        elif exc.code in ("unknown_format", "check_digit", "too_short", "too_long"):
            hint = _("Check the number, or type it into the scan field.")
        self._refuse(exc, hint)

    def _resolve_conflict(self, *, keep_batch: bool) -> None:
        if self._conflict is None:
            return
        req, detected = self._conflict
        self._conflict = None
        carrier = req.batch if keep_batch else detected
        phone_field = self.query_one("#phone", Input)
        phone = req.phone or phone_field.value.strip() or None
        phone_field.value = ""
        self._run(
            ScanRequest(
                raw=req.raw,
                phone=phone,
                size=req.size,
                batch=req.batch,
                carrier=carrier,
                recipient=req.recipient,
                courier_batch=req.courier_batch,
            )
        )

    # -- actions -------------------------------------------------------------------------------

    def action_keep_batch(self) -> None:
        self._resolve_conflict(keep_batch=True)

    def action_reprint(self) -> None:
        if self._reprint is None:
            return

        try:
            job = reprint(self.station, self._reprint)
        except StationError as exc:
            self._refuse(exc)
            return
        except Exception as exc:
            self._say(report_unexpected(self, exc), error=True)
            return
        self._reprint = None
        self._say(_("Label queued again (job {job}).", job=job.id))

    def action_undo(self) -> None:
        try:
            result = undo_last(self.station)
        except StationError as exc:
            self._refuse(exc)
            return
        except Exception as exc:
            self._say(report_unexpected(self, exc), error=True)
            return
        table = self.query_one(DataTable)
        self._undone.add(result.parcel_id)
        if str(result.parcel_id) in table.rows:
            table.update_cell(str(result.parcel_id), "label", _("undone"))
        self.query_one("#ci-code", Digits).update("")
        self.query_one("#ci-where", Static).update("")
        self._say(
            _(
                "Undone: {waybill} ({code}) is no longer checked in.",
                waybill=result.waybill,
                code=result.pickup_code,
            ),
            warn=True,
        )
        self._refresh_status()

    def action_pick_batch(self) -> None:
        def chosen(code: str | None) -> None:
            if code is not None:
                self.batch_carrier = None if code == NO_BATCH else code
                self._refresh_status()

        self.app.push_screen(
            BatchPicker(carrier_choices(get_detector(self.station)), self.batch_carrier), chosen
        )

    def action_toggle_quick(self) -> None:
        self.quick = not self.quick
        self.query_one("#phone", Input).disabled = self.quick
        self.set_class(self.quick, "-quick")
        self.query_one("#scan" if self.quick else "#phone", Input).focus()
        self._refresh_status()

    def action_missing_phones(self) -> None:
        def closed(done: int | None) -> None:
            self._refresh_status()
            self.query_one("#scan" if self.quick else "#phone", Input).focus()

        self.app.push_screen(MissingPhones(self.station), closed)

    def action_pick_recipient(self) -> None:
        # On demand: the finder (and the directory's matching) load when a recipient is first looked for.
        from station_console.tui.screens.checkin_recipient import RecipientPicker

        def chosen(picked: Picked | None) -> None:
            self.query_one("#scan" if self.quick else "#phone", Input).focus()
            if picked is None:
                return
            self.recipient = picked
            if picked.masked_phone and not self.quick:
                # The masked form only: check-in takes the full number from the directory.
                self.query_one("#phone", Input).value = picked.masked_phone
            note = _("For {who}: goes with the next scan.", who=picked.describe())
            if picked.consent_missing and picked.recipient_id is not None:
                note += " " + _("No consent on record to hold parcels at the station: ask the recipient.")
            self._say(note, warn=picked.consent_missing and picked.recipient_id is not None)

        self.app.push_screen(RecipientPicker(), chosen)

    def action_who_is_this(self) -> None:
        # On demand: the dialog module loads when it is first asked for.
        from station_console.tui.screens.recipient_dialogs import WhoIsThisDialog

        self.app.push_screen(WhoIsThisDialog(), lambda _done: self._refresh_status())

    def action_clear(self) -> None:
        self._conflict = self._reprint = None
        self.recipient = None
        self._say(_("Ready: scan a parcel."))

    # -- display -------------------------------------------------------------------------------

    def _refuse(self, exc: StationError, hint: str = "") -> None:
        self.app.bell()
        self._say(f"{exc.message()}\n{hint}".strip(), error=True)

    def _say(self, text: str, *, error: bool = False, warn: bool = False) -> None:
        message = self.query_one("#ci-message", Static)
        message.update(text)
        message.set_class(error, "-error")
        message.set_class(warn and not error, "-warn")

    def on_live_bridge_changed(self, message: object) -> None:
        self._refresh_status()  # another counter's work changes the counts shown here
        self.refresh_batches()

    def batch_changed(self) -> None:
        self._refresh_status()

    def say_batch(self, text: str, *, error: bool = False) -> None:
        if error:
            self.app.bell()
        self._say(text, error=error)

    def _refresh_status(self) -> None:
        batch = self.batch_carrier or _("any")
        self.query_one("#ci-batch", Static).update(_("Batch: {batch}  [F7]", batch=batch))
        state = _("on") if self.quick else _("off")
        self.query_one("#ci-quick", Static).update(_("Quick mode: {state}  [F8]", state=state))
        try:
            missing = missing_phone_count(self.station)
        except Exception as exc:
            self._say(report_unexpected(self, exc), error=True)
            return
        self.query_one("#ci-missing", Static).update(_("Without phone: {n}  [F9]", n=missing))

    def _refresh_labels(self) -> None:
        ids = [r.parcel_id for r in self.results[-TABLE_ROWS:] if r.parcel_id not in self._undone]
        try:
            statuses = label_status(self.station, ids)
        except Exception:
            return  # a busy database: try again on the next tick
        table = self.query_one(DataTable)
        for pid, status in statuses.items():
            if str(pid) in table.rows:
                table.update_cell(str(pid), "label", _(LABEL_LABELS.get(status, status)))
