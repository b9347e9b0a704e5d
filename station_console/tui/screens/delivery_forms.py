"""Door delivery's forms: plan a run (F7), a parcel back from the run delivered (F9: who received it;
refused at once for one still recalled; Ctrl+O: a manager's, for a recalled one the runner had handed over, with why) or not (F10: why), and a parcel asked to the door (F12). Each form writes on a worker (`FormDialog`'s
`submit`); what it wrote is said on the screen's status line. Keys typed right behind the Enter that
sends one (the next scan) wait for its answer (`holds_keys`): given at once, they went to the form about
to close and were lost.

A mixin of `DeliveryScreen` (its `station`, `say`, `reload`, the run on screen and the parcel just
scanned back): named methods, as a plain mixin has no decorated-handler table of its own.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from station_console import name_limit
from station_console.i18n import N_, _, _n
from station_console.services.core.free_text import NOTE, REASON, NoteRule
from station_console.services.delivery import requests, runs, scan_back
from station_console.services.notify.templates import FAIL_REASONS
from station_console.tui.role_keys import role_key
from station_console.tui.screens.base import open_over
from station_console.tui.screens.form_dialog import FormDialog, FormField

# A manager's reason to record a recalled parcel delivered (Ctrl+O): required, as the service's
# refusal without one says; named as the form's field is.
RECALL_WHY = NoteRule(N_("Why delivered though recalled"), REASON.limit)


class DeliveryForms:
    run_id: int | None  # the run on screen
    # By the clerk who scanned it: the run and the parcel just scanned back (`Back`: its waybill, and
    # whether it was recalled when read), waiting for F9 / F10. Another clerk signing in after a lock is
    # not offered it (they would record the last clerk's delivery as their own); its clerk, back, finds
    # it waiting as they left it.
    backs: dict[int | None, tuple[int, Any]]

    @property
    def back_scanned(self) -> Any:
        """The `Back` the clerk signed in now scanned on the run shown, waiting for F9 / F10 (or None)."""
        screen: Any = self
        kept = self.backs.get(screen.station.clerk_id)
        return kept[1] if kept is not None and kept[0] == self.run_id else None

    @property
    def back(self) -> str | None:
        """The waybill the clerk signed in now scanned back on the run shown, waiting for F9 / F10."""
        scanned = self.back_scanned
        return None if scanned is None else str(scanned.waybill)

    def show_run(self, run_id: int | None) -> None:
        """Another run on screen: the parcel scanned back on the last one is not this run's to settle,
        and a scan-out answering for the last run lands as that run's (`ServiceCalls.new_form`)."""
        screen: Any = self
        self.run_id = run_id
        self.backs.pop(screen.station.clerk_id, None)
        screen.new_form()

    def action_plan(self) -> None:
        screen: Any = self
        fields = [
            FormField("runner", _("Runner"), "", max_length=name_limit.NAME_MAX, no_scans=True),
            FormField("building", _("Only this building (empty: all)"), "", max_length=32),
        ]

        def check(values: dict[str, Any]) -> tuple[str, str | None]:
            return runs.runner_of(values["runner"]), values["building"].strip() or None

        def plan(planned: tuple[str, str | None]) -> runs.RunView:
            runner, building = planned
            return runs.plan(screen.station, runner, building=building)

        form = FormDialog(
            _("Plan a door delivery run"),
            fields,
            check=check,
            submit=plan,
            at_fault={"name_required": "runner", "nothing_waiting": "building"},
            what=N_("a delivery run being planned"),
        )
        open_over(screen, form, self._planned)

    def _planned(self, run: runs.RunView | None) -> None:
        """The plan form's answer: the run as written (None: Esc)."""
        screen: Any = self
        if run is None:
            return
        self.show_run(run.id)
        screen.say(
            _n(
                "Run {number}: {count} parcel. F8 prints the sheet; scan it out.",
                "Run {number}: {count} parcels. F8 prints the sheet; scan each one out.",
                len(run.stops),
                number=run.number,
                count=len(run.stops),
            ),
            ok=True,
        )
        screen.reload()

    def _back_waybill(self) -> str | None:
        screen: Any = self
        if self.back is None:
            screen.say(_("Scan the parcel that came back first."), error=True)
        return self.back

    def action_delivered(self) -> None:
        """The delivered form; for a parcel read as recalled when it came back, read again first: the
        line told the clerk F9 is refused for it, and the form then took the receiver only to refuse it
        at Ctrl+S. Still recalled, it is refused at once; a recall resolved meanwhile opens the form."""
        screen: Any = self
        scanned, run_id = self.back_scanned, self.run_id
        if scanned is None or run_id is None or not scanned.recalled:
            self._delivered_form(recalled=False)
            return
        waybill = str(scanned.waybill)
        screen.ask_after(
            "delivered_asked",
            # No longer out on the run (another counter recorded it): refused with why, not as recalled.
            lambda: (waybill, scan_back.recalled_back(screen.station, run_id, waybill)),
            about=self._scanned_back(),
            for_form=True,
        )

    def done_delivered_asked(self, answer: tuple[str, bool]) -> None:
        screen: Any = self
        waybill, is_recalled = answer
        if not screen.asked_by_clerk_now() or waybill != self.back:
            return  # another parcel scanned back meanwhile, or another clerk: F9 again asks
        if is_recalled:
            screen.say_back(self.back_scanned, refused=True)
            return
        kept = self.backs.get(screen.station.clerk_id)
        if kept is not None:  # resolved meanwhile: its line need not refuse F9 again
            self.backs[screen.station.clerk_id] = (kept[0], replace(kept[1], recalled=False))
        self._delivered_form(recalled=False)

    @role_key("delivery.override_recall")
    def action_delivered_recalled(self) -> None:
        """A manager records a recalled parcel delivered: the runner had handed it over before hearing
        of the recall. The delivered form, with the reason its event keeps (the service checks the role
        again), once a read says the parcel is recalled: asked why for one that is not, the manager's
        reason had been thrown away (the service refuses it now, `not_recalled`). Keys typed behind
        Ctrl+O wait for the form."""
        screen: Any = self
        waybill, run_id = self._back_waybill(), self.run_id
        if waybill is None or run_id is None:
            return
        screen.ask_after(
            "override_asked",
            # As F9's: one no longer out on the run is refused with why, not opened for its write to refuse.
            lambda: (waybill, scan_back.recalled_back(screen.station, run_id, waybill)),
            about=self._scanned_back(),
            for_form=True,
        )

    def _scanned_back(self) -> object:
        """The scan-back F9 / Ctrl+O reads for, by identity: pressed again while its read is on its way,
        nothing is read (the second answer's form could not open over the first's); a parcel scanned
        back since is another scan, whose key reads for it."""
        screen: Any = self
        return self.backs.get(screen.station.clerk_id)

    def done_override_asked(self, answer: tuple[str, bool]) -> None:
        screen: Any = self
        waybill, is_recalled = answer
        if not screen.asked_by_clerk_now() or waybill != self.back:
            return  # another parcel scanned back meanwhile, or another clerk: Ctrl+O again asks
        if not is_recalled:
            screen.say(
                _(
                    "{waybill} is not recalled: Ctrl+O is only for a recalled parcel. F9 records it "
                    "delivered.",
                    waybill=waybill,
                ),
                error=True,
            )
            return
        self._delivered_form(recalled=True)

    def _delivered_form(self, *, recalled: bool) -> None:
        screen: Any = self
        waybill, run_id = self._back_waybill(), self.run_id
        if waybill is None or run_id is None:
            return
        # Asked first: it is what this form is opened for, and the one field a refusal is about.
        why = FormField("why", _(RECALL_WHY.label), "", max_length=RECALL_WHY.limit, no_scans=True)
        fields = ([why] if recalled else []) + [
            FormField(
                "received_by",
                _("Received by (a name, or 'self')"),
                "",
                max_length=name_limit.NAME_MAX,
                no_scans=True,
            ),
            FormField(
                "signature",
                _("Signature name (if signed)"),
                "",
                max_length=name_limit.NAME_MAX,
                no_scans=True,
            ),
            FormField("photo", _("Photo file (if taken)"), "", max_length=200),
        ]

        def check(values: dict[str, Any]) -> tuple[scan_back.Receipt, str | None]:
            reason = RECALL_WHY.read(values["why"]) if recalled else None
            receipt = scan_back.receipt_of(
                values["received_by"], values["signature"] or None, values["photo"] or None
            )
            return receipt, reason

        def deliver(checked: tuple[scan_back.Receipt, str | None]) -> Any:
            receipt, reason = checked
            return scan_back.deliver(
                screen.station,
                run_id,
                waybill,
                received_by=receipt.received_by,
                signature_name=receipt.signature_name,
                photo_ref=receipt.photo_ref,
                recall_reason=reason,
            )

        title = (
            _("{waybill} delivered though recalled", waybill=waybill)
            if recalled
            else _("{waybill} delivered", waybill=waybill)
        )
        form = FormDialog(
            title,
            fields,
            check=check,
            submit=deliver,
            at_fault={
                "name_required": "received_by",
                "missing": "why",
                "too_long": "why",
                "not_recalled": "why",
            }
            if recalled
            else {"name_required": "received_by"},
            what=N_("a delivery's outcome"),
        )
        open_over(screen, form, self._settled)

    def action_failed(self) -> None:
        screen: Any = self
        waybill, run_id = self._back_waybill(), self.run_id
        if waybill is None or run_id is None:
            return
        fields = [
            FormField(
                "reason",
                _("Why"),
                "not_home",
                options=tuple((_(label), key) for key, label in FAIL_REASONS.items()),
            ),
            FormField("note", _("Note"), "", max_length=NOTE.limit, no_scans=True),
        ]

        def check(values: dict[str, Any]) -> tuple[str, str | None]:
            return scan_back.failure_of(values["reason"], values["note"] or None)

        def fail(failure: tuple[str, str | None]) -> Any:
            reason, note = failure
            return scan_back.fail(screen.station, run_id, waybill, reason=reason, note=note)

        title = _("{waybill} not delivered", waybill=waybill)
        form = FormDialog(title, fields, check=check, submit=fail, what=N_("a delivery's outcome"))
        open_over(screen, form, self._settled)

    def _settled(self, stop: Any) -> None:
        """The delivered or not-delivered form's answer: the stop as written (None: Esc)."""
        screen: Any = self
        if stop is None:
            return
        # Settled: nobody's to settle again (another clerk may have scanned the same parcel back).
        self.backs = {clerk: kept for clerk, kept in self.backs.items() if kept[1].waybill != stop.waybill}
        if stop.status == "failed":
            screen.say(
                _(
                    "{code} is back on {location}; the recipient is told.",
                    code=stop.pickup_code,
                    location=stop.shelf_location,
                ),
                warn=True,
            )
        else:
            screen.say(_("{code} delivered.", code=stop.pickup_code), ok=True)
        screen.reload()

    def action_request(self) -> None:
        screen: Any = self
        fields = [
            FormField("ref", _("Waybill or pickup code"), "", max_length=40),
            FormField("phone", _("Asked by phone"), False, switch=True),
        ]

        def request(values: dict[str, Any]) -> Any:
            if not values["ref"].strip():
                return None
            source = "phone" if values["phone"] else "counter"
            return requests.request(screen.station, values["ref"], source=source)

        # Its one text field keeps the cursor: every refusal is about the parcel it names.
        form = FormDialog(
            _("Door delivery for a parcel"),
            fields,
            submit=request,
            keeps_edits=False,  # a scanned code and a tick: scanned again in a moment, nothing to ask
            what=N_("a door delivery request"),
        )
        open_over(screen, form, self._requested)

    def _requested(self, stop: Any) -> None:
        """The request form's answer: the parcel's stop as written (None: Esc, or no parcel typed)."""
        screen: Any = self
        if stop is None:
            return
        screen.say(
            _("{code} waits for the next run ({address}).", code=stop.pickup_code, address=stop.address),
            ok=True,
        )
        screen.reload()
