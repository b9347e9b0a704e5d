"""Settings > Recipients' forms that change a person: what they said (F7: consent, delivery choice,
reminders, proxies; any clerk's, named in the record), their details (F8) and a new person (F9), a
manager's (the service checks). Each form's answer is said on the screen's line, the person shown as
saved."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Any

from station_console.errors import Refused
from station_console.i18n import N_, _
from station_console.services.core.free_text import NOTE
from station_console.services.notify.templates import PREFERENCE_LABELS
from station_console.services.recipients import consent, directory
from station_console.services.recipients.consent import UNCHANGED, Choice
from station_console.services.recipients.fields import CHANNEL_LABELS, CONSENT_LABELS, FIELD_LABELS
from station_console.tui.role_keys import role_key
from station_console.tui.screens.base import open_over
from station_console.tui.screens.form_dialog import FormDialog, FormField

EDIT_FIELDS = tuple(FIELD_LABELS.items())
# The person form's field each refusal of a typed value is about (a value too long names its field).
PERSON_FIELDS_AT_FAULT = {
    "name_empty": "name",
    "bad_email": "email",
    "phone_partial": "phones",
    "phone_invalid": "phones",
    "bad_floor": "floor",
    "bad_language": "language",
    "external_id_taken": "external_id",
}
NOTHING_TO_SAVE = "nothing to save"  # the edit form's answer when every field is as it was


class PersonForms:
    """Mixed into the Recipients screen: the person shown (`_chosen`), its line (`say`) and what it
    does with a person saved (`done_changed`) are the screen's."""

    def action_consent(self) -> None:
        screen: Any = self
        view = screen._chosen()
        if view is None:
            return
        fields = [
            FormField(
                "consent",
                _("Consent to holding parcels at the station"),
                "keep",
                options=(
                    (_("unchanged"), "keep"),
                    (_(CONSENT_LABELS["granted"]), "granted"),
                    (_(CONSENT_LABELS["refused"]), "refused"),
                    (_("withdrawn"), "withdrawn"),
                ),
            ),
            FormField(
                "choice",
                _("Delivery choice"),
                "keep",
                options=(
                    (_("unchanged"), "keep"),
                    *((_(label), key) for key, label in PREFERENCE_LABELS.items()),
                ),
            ),
            FormField(
                "reminders",
                _("Reminders"),
                "keep",
                options=((_("unchanged"), "keep"), (_("on"), "on"), (_("off"), "off")),
            ),
            FormField(
                "proxy",
                _("Proxies allowed"),
                "keep",
                options=((_("unchanged"), "keep"), (_("yes"), "allow"), (_("no"), "deny")),
            ),
            FormField(
                "channel",
                _("How they told us"),
                "counter",
                options=tuple((_(label), key) for key, label in CHANNEL_LABELS.items() if key != "import"),
            ),
            FormField("note", _("Note"), "", max_length=NOTE.limit, no_scans=True),
        ]

        def check(values: dict[str, Any]) -> consent.Answer:
            said = Choice(
                consent=UNCHANGED
                if values["consent"] == "keep"
                else None
                if values["consent"] == "withdrawn"
                else values["consent"],
                delivery_preference=UNCHANGED if values["choice"] == "keep" else values["choice"],
                reminders_opt_out=UNCHANGED
                if values["reminders"] == "keep"
                else values["reminders"] == "off",
                proxy_allowed=UNCHANGED if values["proxy"] == "keep" else values["proxy"] == "allow",
            )
            return consent.answer_of(said, values["channel"], values["note"] or None)

        def record(answer: consent.Answer) -> directory.RecipientView | str:
            recorded = consent.record_answer(
                screen.station, view.id, answer.choice, channel=answer.channel, note=answer.note
            )
            return recorded.view if recorded.changed else recorded.unchanged_words(answer.choice)

        title = _("What {name} said", name=view.shown_name)
        form = FormDialog(title, fields, check=check, submit=record, what=N_("a recipient's consent"))
        open_over(screen, form, partial(self._saved, view))

    def _person_form(
        self,
        title: str,
        view: directory.RecipientView | None,
        check: Callable[[dict[str, Any]], dict[str, Any]],
        save: Callable[[dict[str, Any]], directory.RecipientView | str],
    ) -> None:
        screen: Any = self
        current = {
            "phones": " / ".join(view.phones) if view else "",  # masked: typed again to change them
            **({k: getattr(view, k) for k, _label in EDIT_FIELDS if k != "phones"} if view else {}),
        }
        fields = [
            # A value too long is refused on save with its field's name, the paste kept to shorten.
            FormField(key, _(label), "" if current.get(key) is None else current.get(key, ""), max_length=0)
            for key, label in EDIT_FIELDS
        ]
        note = _("Phones show masked: type the full numbers only to change them.") if view else ""
        form = FormDialog(
            title,
            fields,
            note,
            check=check,
            submit=save,
            at_fault=PERSON_FIELDS_AT_FAULT,
            what=N_("a recipient's details"),
        )
        open_over(screen, form, partial(self._saved, view))

    def _saved(
        self, shown: directory.RecipientView | None, saved: directory.RecipientView | str | None
    ) -> None:
        """A person's form's answer: the person as saved, nothing to save (NOTHING_TO_SAVE, or the
        service's words for it), or None (Esc). `shown`: the person as the form opened on them (None: a
        new one)."""
        screen: Any = self
        if isinstance(saved, str) and saved != NOTHING_TO_SAVE:  # the service's words for no change
            screen.say(saved)
            return
        # The service writes nothing when what was typed cleans to what is stored (a full-width digit,
        # the phones typed again as they are): the version tells, and "Saved" would say otherwise.
        if saved == NOTHING_TO_SAVE or (
            isinstance(saved, directory.RecipientView)
            and shown is not None
            and saved.version == shown.version
        ):
            screen.say(_("Nothing changed: nothing to save."))
        elif isinstance(saved, directory.RecipientView):
            screen.done_changed(saved)

    @role_key("recipients.edit")
    def action_edit(self) -> None:
        screen: Any = self
        view = screen._chosen()
        if view is None:
            return

        def check(values: dict[str, Any]) -> dict[str, Any]:
            before = {
                k: "" if getattr(view, k, None) is None else str(getattr(view, k)) for k, _l in EDIT_FIELDS
            }
            before["phones"] = " / ".join(view.phones)
            changes = {k: v for k, v in values.items() if str(v).strip() != before.get(k, "")}
            directory.parse_changes(changes)  # refused in the form; the service reads them again
            return changes

        def save(changes: dict[str, Any]) -> directory.RecipientView | str:
            # On the form's worker. Based on the person the form shows: refused if another counter
            # changed them since, and then the pane behind shows them as saved now (F8 starts from it).
            if not changes:
                return NOTHING_TO_SAVE
            try:
                return directory.edit(screen.station, view.id, changes, based_on=view)
            except Refused as exc:
                if exc.code == "recipient_saved_meanwhile":
                    screen.app.call_from_thread(screen.show, view.id)
                raise

        self._person_form(_("Edit {name}", name=view.shown_name), view, check, save)

    @role_key("recipients.add")
    def action_add(self) -> None:
        screen: Any = self

        def check(values: dict[str, Any]) -> dict[str, Any]:
            added = {k: v for k, v in values.items() if str(v).strip()}
            directory.parse_new(added)  # refused in the form; the service reads them again
            return added

        self._person_form(_("Add a person"), None, check, lambda added: directory.add(screen.station, added))
