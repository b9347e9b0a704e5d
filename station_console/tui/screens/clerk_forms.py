"""Settings > Clerks' dialogs for the highlighted clerk (manager): their PIN reset (the new one twice,
unseen) and their role changed (a choice, then a yes/no question naming the clerk, the old role and the
new). The service decides who may, and refuses what it must (`clerks.change_pin`, `clerks.set_role`).
Every name shown here is data, never markup (the dialogs show it as text)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from db.models import Role
from station_console.i18n import N_, _
from station_console.services.people import clerks
from station_console.tui.screens.confirm_dialog import ConfirmDialog
from station_console.tui.screens.form_dialog import FormDialog, FormField
from station_console.tui.screens.own_pin import AT_FAULT, new_pin_fields, typed_twice

if TYPE_CHECKING:
    from station_console.services.core.station import Station


def reset_pin_form(station: Station, name: str) -> FormDialog[bool]:
    """A form that answers True once the service reset `name`'s PIN; it stays open on a refusal (a weak
    PIN, the two typed differently) with the cursor in the PIN at fault."""

    def reset(values: dict[str, Any]) -> bool:
        clerks.change_pin(station, name, values["new"])
        return True

    return FormDialog(
        _("Reset the PIN of {name}", name=name),
        new_pin_fields(),
        _(
            "For a forgotten PIN: {name} can sign in with the new one only. A lock-out after wrong PINs ends too.",
            name=name,
        ),
        check=typed_twice,
        submit=reset,
        at_fault=AT_FAULT,
        keeps_edits=False,  # PINs typed are not kept behind a question: Esc clears them at once
        what=N_("a PIN reset"),
    )


def role_choice_form(info: clerks.ClerkInfo) -> FormDialog[dict[str, Any]]:
    """The role to give `info`'s clerk, the other one than theirs chosen as it opens (the form answers
    {"role": ...}; a choice of the role they have is the service's to refuse)."""
    other = Role.CLERK.value if info.is_manager else Role.MANAGER.value
    field = FormField(
        "role",
        _("New role"),
        other,
        options=((_("clerk"), Role.CLERK.value), (_("manager"), Role.MANAGER.value)),
    )
    return FormDialog(
        _("Change the role of {name}", name=info.name),
        [field],
        _("{name} is a {role} now.", name=info.name, role=_(info.role)),
        keeps_edits=False,  # one choice, made again in a moment: Esc asks nothing
        what=N_("a role change"),
    )


def role_question(info: clerks.ClerkInfo, role: str, *, own: bool) -> ConfirmDialog:
    """Whether to give `info`'s clerk `role`, naming them, their role and the new one; No has the focus,
    so Enter pressed twice from the choice changes nothing. `own`: the manager signed in is that clerk."""
    if role == Role.MANAGER:
        question = _("Make {name} a manager?", name=info.name)
        body = _(
            "{name} is a clerk now. As a manager they can manage clerks, close and reopen the day, change "
            "settings and undo pickups, from their next sign-in.\n\nYes makes them a manager; No changes "
            "nothing.",
            name=info.name,
        )
    elif own:
        question = _("Make yourself ({name}) a clerk?", name=info.name)
        body = _(
            "You are a manager now. As a clerk you can no longer manage clerks, close the day or change "
            "settings, from now on: only another manager can make you a manager again.\n\nYes makes you "
            "a clerk; No changes nothing."
        )
    else:
        question = _("Make {name} a clerk?", name=info.name)
        body = _(
            "{name} is a manager now. As a clerk they can no longer manage clerks, close the day or change "
            "settings; signed in at a counter now, they are asked to sign in again.\n\nYes makes them a "
            "clerk; No changes nothing.",
            name=info.name,
        )
    return ConfirmDialog(question, body, what=N_("a role change"))
