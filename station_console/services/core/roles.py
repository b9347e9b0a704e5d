"""Role checks, called at the top of every manager-only service function (not only hidden buttons)."""

from __future__ import annotations

from db.models import Role
from station_console.errors import PermissionDenied
from station_console.i18n import N_, _
from station_console.services.core.station import Station

# What a clerk may not do; the names are shown in the refusal.
MANAGER_ACTIONS = {
    "close_day": N_("close the day"),
    "settings": N_("change settings"),
    "shelves": N_("edit shelves"),
    "override": N_("override a missing scan"),
    "write_off": N_("write off a parcel"),
    "undo_pickup": N_("undo a pickup"),
    "export": N_("export full data"),
    "clerks": N_("manage clerks"),
    "carriers": N_("edit carriers"),
    "delete_person": N_("delete a person's data"),
    "recipients": N_("edit the recipient directory"),
    "waive_fee": N_("waive a storage fee"),
    "drop_event": N_("drop a carrier event"),
    "tariffs": N_("edit tariffs"),
    "checklist": N_("edit the inspection checklist"),
    "refund": N_("refund a send"),
    "waybill_stock": N_("import waybill numbers"),
}


def is_manager(station: Station) -> bool:
    return station.clerk_role == Role.MANAGER


def require_signed_in(station: Station) -> None:
    """Refuse when nobody is signed in: every state change names its clerk."""
    if station.clerk_id is None:
        raise PermissionDenied(N_("Nobody is signed in. Sign in first."), code="not_signed_in")


def require_manager(station: Station, action: str) -> None:
    """Refuse unless the signed-in clerk is a manager."""
    if not is_manager(station):
        raise PermissionDenied(
            N_("Only a manager can {action}. Ask a manager to sign in."),
            code="manager_only",
            action=_(MANAGER_ACTIONS.get(action, action)),
        )
