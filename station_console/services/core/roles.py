"""Who may do what: one table of the station's actions, each with the one role it needs.

Every service checks its action with `require()` at the top (not only a hidden button or a CLI flag),
so a screen, a command and a script are held to the same rule. Nobody signed in is nobody: an action
that needs a sign-in refuses an anonymous caller, and a manager action refuses a clerk and nobody alike.

Each action also names the `station` commands and the console keys (binding ids) that do it, so that
every command and every key has exactly one stated role; `tests/security/test_roles.py` walks them all,
and the README's "Security model" shows this table (`markdown_table()`).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from db.models import Role
from station_console.errors import PermissionDenied
from station_console.i18n import N_, _
from station_console.services.core.standing import check_still_active, has_no_clerk
from station_console.services.core.station import Station


class Need(StrEnum):
    NOBODY = "no sign-in needed"
    SIGNED_IN = "anyone signed in"
    MANAGER = "manager"


@dataclass(frozen=True)
class Action:
    need: Need
    label: str  # English message id, shown in a refusal ("Only a manager can {label}")
    commands: tuple[str, ...] = ()  # `station` command paths ("clerk add"; "init --demo" for a flag)
    keys: tuple[str, ...] = ()  # console binding ids
    first_run: bool = False  # also allowed to anyone on a new station that has no clerk yet


_MOVE_KEYS = (
    *("app.quit", "app.lock", "app.activity", "activity.close"),
    *(f"mode.{m}" for m in ("checkin", "pickup", "sendout", "shelves", "parcels", "reports", "settings")),
    *("settings.carriers", "settings.printers", "settings.clerks", "settings.outbox", "settings.scan_test"),
    *("settings.recipients", "shelves.overdue", "shelves.problems", "shelves.returns", "shelves.delivery"),
    *("overdue.back", "problems.back", "returns.back", "carriers.back", "clerks.back", "outbox.back"),
    *(
        "printers.back",
        "printers.queue",
        "printqueue.back",
        "edit.back",
        "phones.close",
        "phones.up",
        "phones.down",
        "move.cancel",
        "batch.cancel",
        "stclose.cancel",
    ),
    *("carrier_form.cancel", "pickup.reason.cancel", "recipients.back", "delivery.back", "handover.back"),
    *("picker.cancel", "who.close", "form.cancel", "sendout.clear"),
    # A yes/no question only answers for the action that asked it; that action checks its own role.
    *("confirm.yes", "confirm.no", "courier.cancel", "pickup.fee.cancel"),
    *("unsaved.save", "unsaved.discard", "unsaved.stay"),  # the screen's own save checks its role
    "form.save",  # a form's OK by key: the key that opened the form, and its service, check the role
    *(
        "settings.carrier_events",
        "settings.sendout_rules",
        "settings.prealerts",
        "prealerts.back",
        "rules.back",
        "events.back",
        "checkin.up",
        "checkin.down",
        "close.cancel",
        "reopen.cancel",
        "app.keys",  # the key list: what each key does, not doing it
        "keys.close",
    ),
)
_VIEW_KEYS = (
    *("parcels.search", "parcels.next", "parcels.previous", "reports.prev", "reports.next", "reports.reload"),
    *("shelves.reload", "overdue.toggle", "overdue.candidates", "clerks.activity"),
    *("outbox.filter", "outbox.refresh", "delivery.reload", "events.filter", "events.refresh"),
    "printqueue.refresh",
    "prealerts.refresh",
)

ACTIONS: dict[str, Action] = {
    # --- no sign-in: nothing personal is shown and nothing of the station changes --------------------
    "setup": Action(Need.NOBODY, N_("create or upgrade the database"), commands=("init", "db upgrade")),
    "db_check": Action(Need.NOBODY, N_("check the database file"), commands=("db check",)),
    "devices": Action(Need.NOBODY, N_("list devices"), commands=("devices",)),
    "scan_test": Action(
        Need.NOBODY,
        N_("test a scanner"),
        commands=("scan-test",),
        keys=("scan_test.back", "scan_test.clear", "scan_test.suggest"),
    ),
    "detect": Action(Need.NOBODY, N_("tell a waybill's carrier"), commands=("detect",)),
    "carriers_view": Action(Need.NOBODY, N_("read the carrier table"), commands=("carriers list",)),
    "audit_verify": Action(Need.NOBODY, N_("verify the audit trail"), commands=("audit verify",)),
    "bench": Action(Need.NOBODY, N_("run the benchmarks"), commands=("bench",)),
    "scale": Action(Need.NOBODY, N_("read the scale"), commands=("scale read",)),
    "sendout_setup": Action(
        Need.NOBODY,
        N_("read the send-out prices, checklist and waybill stock"),
        commands=(
            "sendout quote",
            "sendout tariff show",
            "sendout tariff history",
            "sendout checklist show",
            "sendout checklist history",
        )
        + ("sendout stock list",),
        keys=("rules.tariffs", "rules.checklist", "rules.stock"),
    ),
    # Duties that run in the background, locked console or not: deliver what a signed-in clerk
    # queued (messages, labels, carrier events), purge the phone numbers the privacy setting says are
    # due, and load the pre-alert files carriers drop in the watched folder.
    "background": Action(
        Need.NOBODY,
        N_("send queued messages and labels, purge phone numbers that are due"),
        commands=("notify", "privacy purge", "events send", "prealert watch"),
    ),
    "fee_rules": Action(Need.NOBODY, N_("read the storage fee rules"), commands=("fees list",)),
    # --- anyone signed in: the counter's daily work, and reading parcels (codes, masked phones) ----
    "move_around": Action(Need.SIGNED_IN, N_("move around the console"), keys=_MOVE_KEYS),
    "view": Action(
        Need.SIGNED_IN,
        N_("look up parcels and figures"),
        commands=(
            "parcels",
            "search",
            "parcel",
            "shelves",
            "overdue",
            "problems",
            "returns list",
            "returns show",
            "report",
            "audit timeline",
            "audit activity",
            "audit show",
            "clerk list",
            "outbox",
            "label",
            "print-queue",
            "sendout list",
            "recipients list",
            "recipients show",
            "recipients match",
            "recipients unmatched",
            "recipients report",
            "recipients mappings",
            "delivery waiting",
            "delivery runs",
            "delivery show",
            "prealert list",
            "prealert missing",
            "prealert imports",
            "handover show",
            "handover list",
            "fees due",
            "events list",
        ),
        keys=_VIEW_KEYS,
    ),
    "checkin": Action(
        Need.SIGNED_IN,
        N_("check in parcels"),
        commands=("checkin",),
        keys=("checkin.batch", "checkin.quick", "checkin.phones", "checkin.keep", "checkin.clear")
        + ("checkin.recipient", "checkin.resolve", "checkin.dismiss"),
    ),
    "undo_checkin": Action(
        Need.SIGNED_IN, N_("undo a check-in"), commands=("undo-checkin",), keys=("checkin.undo",)
    ),
    "reprint": Action(
        Need.SIGNED_IN,
        N_("reprint a label or receipt"),
        commands=("print", "sendout reprint", "fees receipt"),
        keys=("printqueue.retry", "printqueue.cancel"),
    ),
    "test_print": Action(Need.SIGNED_IN, N_("print a test label"), keys=("printers.test",)),
    "pickup": Action(
        Need.SIGNED_IN,
        N_("hand out parcels"),
        commands=("pickup",),
        keys=("pickup.confirm", "pickup.clear", "pickup.proxy"),
    ),
    "move": Action(Need.SIGNED_IN, N_("move parcels"), commands=("move",), keys=("shelves.move",)),
    "stocktake": Action(
        Need.SIGNED_IN,
        N_("take stock"),
        commands=("stocktake",),
        keys=("shelves.stocktake", "stocktake.pause", "stocktake.close", "stclose.confirm"),
    ),
    "returns": Action(
        Need.SIGNED_IN,
        N_("return parcels to a courier"),
        commands=("returns open", "returns add", "returns remove", "returns manifest", "returns close"),
        keys=("overdue.batch", "returns.manifest", "returns.close", "returns.remove", "returns.recall"),
    ),
    "problems": Action(
        Need.SIGNED_IN,
        N_("mark and resolve problem parcels"),
        commands=("problem",),
        keys=("problems.mark", "problems.resolve", "checkin.damaged"),
    ),
    "notify": Action(
        Need.SIGNED_IN,
        N_("resend a message or send reminders"),
        commands=("outbox resend",),
        keys=("outbox.resend", "overdue.remind"),
    ),
    "send": Action(
        Need.SIGNED_IN,
        N_("accept or refuse parcels to send"),
        commands=("sendout new", "sendout refuse", "sendout sender"),
        keys=(
            "sendout.weigh",
            "sendout.number",
            "sendout.accept",
            "sendout.confirm_waybill",
            "sendout.refuse",
        ),
    ),
    "send_handover": Action(
        Need.SIGNED_IN,
        N_("hand sends to a courier"),
        commands=("sendout handover", "sendout manifest"),
        keys=("sendout.handover", "handover.close"),
    ),
    "consent": Action(
        Need.SIGNED_IN,
        N_("record a recipient's consent and choices"),
        commands=("recipients consent",),
        keys=("recipients.consent",),
    ),
    "link_recipient": Action(
        Need.SIGNED_IN,
        N_("link a parcel to a recipient"),
        commands=("recipients link",),
        keys=("checkin.who", "recipients.who"),
    ),
    "door_delivery": Action(
        Need.SIGNED_IN,
        N_("run door deliveries"),
        commands=(
            "delivery request",
            "delivery cancel",
            "delivery plan",
            "delivery sheet",
            "delivery out",
            "delivery delivered",
            "delivery failed",
            "delivery close",
        ),
        keys=("delivery.request", "delivery.plan", "delivery.sheet", "delivery.delivered", "delivery.failed")
        + ("delivery.close",),
    ),
    "prealerts": Action(
        Need.SIGNED_IN, N_("import pre-alerts"), commands=("prealert import",), keys=("prealerts.import",)
    ),
    "courier_batch": Action(
        Need.SIGNED_IN,
        N_("receive a courier's batch"),
        commands=("handover open", "handover close", "handover receipt"),
        keys=("checkin.courier", "checkin.close_batch"),
    ),
    "fees": Action(
        Need.SIGNED_IN,
        N_("take storage fee payments"),
        commands=("fees pay",),
        keys=("pickup.fee.cash", "pickup.fee.qr", "pickup.fee.account"),
    ),
    "carrier_events": Action(
        Need.SIGNED_IN, N_("retry a carrier event"), commands=("events retry",), keys=("events.retry",)
    ),
    "change_own_pin": Action(
        Need.SIGNED_IN, N_("change your own PIN"), commands=("clerk pin",), keys=("app.pin",)
    ),
    "export_report": Action(
        Need.SIGNED_IN, N_("export a report"), keys=("reports.pdf", "reports.csv", "reports.json")
    ),
    # --- manager ---------------------------------------------------------------------------------
    "close_day": Action(
        Need.MANAGER, N_("close the day"), commands=("close-day",), keys=("reports.close", "close.yes")
    ),
    "reopen_day": Action(
        Need.MANAGER, N_("reopen a closed day"), commands=("reopen-day",), keys=("reports.reopen",)
    ),
    "settings": Action(
        Need.MANAGER,
        N_("change settings"),
        commands=("fees set", "fees remove", "scan-test --save"),
        keys=("settings.save", "printers.save", "printers.default", "printers.delete", "scan_test.save"),
    ),
    "shelves": Action(
        Need.MANAGER,
        N_("edit shelves"),
        commands=("shelves import", "shelves add", "shelves add-layer", "shelves edit", "shelves retire"),
        keys=("shelves.edit", "edit.save", "edit.add_shelf", "edit.add_layer", "edit.retire", "edit.restore")
        + ("edit.import",),
    ),
    "override": Action(Need.MANAGER, N_("override a missing scan"), keys=("pickup.override",)),
    # A parcel its carrier or sender asked back leaves to the customer only on a manager's word and
    # reason (Pickup's Ctrl+O, which a clerk has not); resolving the recall instead is anyone's. Door
    # delivery's Ctrl+O records one the runner had handed over before the recall was heard of.
    "hand_over_recalled": Action(
        Need.MANAGER, N_("hand over a recalled parcel"), keys=("delivery.override_recall",)
    ),
    "write_off": Action(
        Need.MANAGER, N_("write off a parcel"), commands=("write-off",), keys=("problems.write_off",)
    ),
    "undo_pickup": Action(
        Need.MANAGER, N_("undo a pickup"), commands=("undo-pickup",), keys=("pickup.undo",)
    ),
    # A stocktake's extra recorded as picked up, returned or written off: back on a shelf with a new code
    # and no message, undoing that record as "undo a pickup" and "write off" would.
    "put_back": Action(
        Need.MANAGER, N_("put back a parcel recorded as having left"), commands=("stocktake --fix put-back",)
    ),
    # A 'found after it left' flag: the parcel may have been handed to the wrong person, so clearing it
    # is the manager's check, as putting it back was; the service refuses a clerk.
    "resolve_put_back": Action(Need.MANAGER, N_("resolve a 'found after it left' flag")),
    "export": Action(Need.MANAGER, N_("export full data"), commands=("privacy export",)),
    "delete_person": Action(Need.MANAGER, N_("delete a person's data"), commands=("privacy delete",)),
    "clerks": Action(
        Need.MANAGER,
        N_("manage clerks"),
        commands=("clerk add", "clerk deactivate", "clerk activate", "clerk unlock", "clerk role"),
        keys=("clerks.toggle", "clerks.unlock", "clerks.pin", "clerks.role"),
        first_run=True,
    ),
    "carriers": Action(
        Need.MANAGER,
        N_("edit carriers"),
        commands=("carriers add", "carriers edit"),
        keys=("carriers.add", "carriers.edit", "carrier_form.save"),
    ),
    "recipients": Action(
        Need.MANAGER,
        N_("edit the recipient directory"),
        commands=("recipients add", "recipients edit", "recipients deactivate", "recipients activate")
        + ("recipients import",),
        keys=("recipients.add", "recipients.edit", "recipients.import", "recipients.toggle"),
    ),
    "refund": Action(
        Need.MANAGER, N_("refund a send"), commands=("sendout refund",), keys=("sendout.refund",)
    ),
    "waive_fee": Action(
        Need.MANAGER, N_("waive a storage fee"), commands=("fees waive",), keys=("pickup.fee.waive",)
    ),
    "drop_event": Action(
        Need.MANAGER, N_("drop a carrier event"), commands=("events drop",), keys=("events.drop",)
    ),
    "tariffs": Action(
        Need.MANAGER, N_("edit tariffs"), commands=("sendout tariff set",), keys=("rules.import_tariff",)
    ),
    "checklist": Action(
        Need.MANAGER,
        N_("edit the inspection checklist"),
        commands=("sendout checklist set",),
        keys=("rules.import_checklist",),
    ),
    "waybill_stock": Action(
        Need.MANAGER,
        N_("import waybill numbers"),
        commands=("sendout stock import",),
        keys=("rules.import_stock",),
    ),
    "backup": Action(Need.MANAGER, N_("back up the database"), commands=("backup",)),
    "restore": Action(Need.MANAGER, N_("restore a backup"), commands=("restore",)),
    "demo": Action(Need.MANAGER, N_("add demo parcels"), commands=("init --demo",), first_run=True),
}


def is_manager(station: Station) -> bool:
    return station.clerk_id is not None and station.clerk_role == Role.MANAGER


def refusal(station: Station, action: str) -> PermissionDenied | None:
    """Why whoever `station` acts as may not do `action` by their role (an unknown action needs a
    manager), or None; reads nothing, so the console asks it on the UI thread, for its keys and lines.
    The service's `require` refuses the same and reads whether the clerk still stands."""
    spec = ACTIONS.get(action) or Action(Need.MANAGER, action)
    if spec.need is Need.SIGNED_IN and station.clerk_id is None:
        return PermissionDenied(
            N_("Nobody is signed in: sign in to {action}."), code="not_signed_in", action=_(spec.label)
        )
    if spec.need is Need.MANAGER and not is_manager(station):
        return PermissionDenied(
            N_("Only a manager can {action}. Ask a manager to sign in."),
            code="manager_only",
            action=_(spec.label),
        )
    return None


def require(station: Station, action: str) -> None:
    """Refuse unless whoever `station` acts as may do `action` (`refusal`), and a signed-in clerk whose
    account a manager deactivated since (core/standing.py)."""
    spec = ACTIONS.get(action)
    if spec is not None and spec.need is Need.NOBODY:
        return
    refused = refusal(station, action)
    if refused is not None and refused.code == "not_signed_in":
        if has_no_clerk(station):  # nobody to sign in as: say how the first one is made
            raise PermissionDenied(
                N_(
                    "Nobody is signed in, and this station has no clerk yet: make its manager with"
                    " `station clerk add NAME --role manager`, or start the console (`station`)."
                ),
                code="not_signed_in",
            )
        raise refused
    # A clerk deactivated at another counter since signing in here is refused, whatever the role.
    check_still_active(station)
    if refused is not None:
        raise refused


def require_manager(station: Station, action: str) -> None:
    """Refuse unless the signed-in clerk is a manager (a manager action of the table, or any other)."""
    spec = ACTIONS.get(action)
    if spec is not None and spec.need is not Need.MANAGER:
        raise ValueError(f"{action} is not a manager action")
    require(station, action)


def markdown_table() -> str:
    """The table as the README shows it: who may do what, and through which commands and keys."""
    lines = ["| action | who | `station` commands | console keys |", "|---|---|---|---|"]
    for spec in ACTIONS.values():
        who = spec.need.value + (" (anyone on a new station)" if spec.first_run else "")
        commands = ", ".join(f"`{c}`" for c in spec.commands) or "-"
        keys = ", ".join(f"`{k}`" for k in spec.keys) or "-"
        lines.append(f"| {spec.label} | {who} | {commands} | {keys} |")
    return "\n".join(lines)
