"""Every manager-only service refuses a clerk, whatever screen or command calls it, and writes nothing.

The check is in the service, not only a hidden button: each call below runs as a signed-in clerk and
must raise PermissionDenied with the database byte-for-byte as it was. Add a line here for each new
manager-only service.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

import pytest
from station_helpers import snapshot

from station_console.errors import PermissionDenied
from station_console.services.checkin.transaction import check_in
from station_console.services.core.station import Station
from station_console.services.people import clerks
from station_console.services.pickup.handover import confirm_pickup
from station_console.services.sendout import accept, inspection, payments
from station_console.services.sendout.weighing import Weight
from station_console.settings import CounterSettings

PHONE = "13812345678"


@pytest.fixture
def station(new_station: Station) -> Station:
    """A new station: these tests make their own clerks, from the first manager on."""
    return new_station


def _save_settings(st: Station, ids: dict[str, Any]) -> Any:
    from station_console.services.admin.settings import save_station_settings

    new = st.settings().model_copy(update={"station_name": "Hijacked"})
    return st.run(lambda session: save_station_settings(session, st, new))


def _call(module: str, name: str, *args: Any, **kwargs: Any) -> Callable[[Station, dict[str, Any]], Any]:
    """A call to `station_console.services.<module>.<name>(station, *args)`; "{on_shelf}" etc. are filled in."""

    def run(st: Station, ids: dict[str, Any]) -> Any:
        import importlib

        func = getattr(importlib.import_module(f"station_console.services.{module}"), name)
        filled = [
            a.format(**ids) if isinstance(a, str) else ids[a[0]] if isinstance(a, tuple) else a for a in args
        ]
        return func(st, *filled, **kwargs)

    return run


MANAGER_ONLY: dict[str, Callable[[Station, dict[str, Any]], Any]] = {
    "close_day": _call("day.close", "close_day", early=True),  # before closing time: confirmed
    "reopen_day": _call("day.close", "reopen_day", date(2026, 11, 24), "closed by mistake"),
    "save_station_settings": _save_settings,
    "add_carrier": _call(
        "scan.carriers", "add_carrier", {"code": "KDN", "name_en": "Kdn", "name_zh": "快递鸟"}
    ),
    "update_carrier": _call("scan.carriers", "update_carrier", "SF", {"fee_cents": 1}),
    "add_shelf": _call("shelves.layout", "add_shelf", "Z"),
    "add_layer": _call("shelves.layout", "add_layer", "1"),
    "edit_layer": _call("shelves.edits", "edit_layer", "1-1", capacity_units=1),
    "edit": _call("shelves.edits", "edit", "1-1", capacity_units=1, zone="floor"),
    "retire": _call("shelves.layout", "retire", "2"),
    "restore": _call("shelves.layout", "restore", "2"),
    "import_layout": _call("shelves.layout_csv", "import_layout", "label,zone,layers\nZ,main,3\n"),
    "override_pickup": lambda st, ids: confirm_pickup(
        st, [ids["on_shelf"]], method="code", override_reason="label torn off"
    ),
    "undo_pickup": _call("pickup.undo", "undo_pickup", ("picked",)),
    # A read for the undo alone: which picked-up parcel a waybill names (a clerk learned it all the same)
    "picked_up_parcel": _call("pickup.undo", "picked_up_parcel", "{picked_waybill}"),
    "write_off": _call("exceptions.problems", "write_off", "{on_shelf_waybill}", "lost"),
    "write_off_preview": _call("exceptions.problems", "write_off_preview", "{on_shelf_waybill}", "lost"),
    "export_person": _call("people.person_export", "export_person", PHONE),
    "delete_person": _call("people.privacy", "delete_person", PHONE),
    "add_clerk": _call("people.clerks", "add_clerk", "Zhao", "5836", role="manager"),
    "reset_pin": _call("people.clerks", "change_pin", "Wang", "0000"),
    "deactivate_clerk": _call("people.clerks", "set_active", "Wang", False),
    "refund_send": lambda st, ids: payments.refund(st, ids["send"], "changed their mind"),
    "set_tariff": _call("sendout.tariff", "set_tariff", "SF", {"currency": "CNY"}),
    "set_checklist": _call(
        "sendout.inspection", "set_checklist", {"items": [{"id": "x", "zh": "x", "en": "x"}]}
    ),
    "import_waybill_stock": _call("sendout.waybills", "import_stock", "SF", "SF1234567890125\n"),
    "waive_fee": lambda st, ids: _waive(st, ids["on_shelf"]),
    "drop_carrier_event": _call("carrier_events.dead_letters", "drop", 1, "the carrier has no such parcel"),
    "change_counter_settings": _call(
        "admin.counter", "change_counter_settings", CounterSettings(counter="x")
    ),
}


def _waive(st: Station, parcel_id: int) -> Any:
    from station_console.services.fees.ledger import Settlement, settle

    return settle(st, parcel_id, Settlement("waive", reason="regular customer"))


@pytest.fixture
def as_clerk(station: Station) -> tuple[Station, dict[str, Any]]:
    """A manager sets up a parcel on the shelf and one picked up; then the clerk Li signs in."""
    clerks.create_first_manager(station, "Wang", "9071")
    clerks.sign_in(station, "Wang", "9071")
    clerks.add_clerk(station, "Li", "1357")
    on_shelf = check_in(station, "SF1234567890123", phone=PHONE)
    picked = check_in(station, "JT1234567890123", phone=PHONE)
    confirm_pickup(station, [picked.parcel_id], method="code", scanned=[picked.waybill])
    sent = accept.accept(
        station,
        carrier="SF",
        party=accept.Party("Zhang San", "13700001111", "passport", "E12345678", id_seen=True),
        recipient=accept.Recipient("Wang Wu", "13987654321", "北京"),
        parcel=accept.Parcel("books"),
        checked=inspection.current(station).ids,
        weight=Weight.typed(800),
        payment=payments.Payment("cash"),
        waybill="SF1234567890124",
    )
    clerks.sign_in(station, "Li", "1357")
    assert station.clerk_role == "clerk"
    return station, {
        "on_shelf": on_shelf.parcel_id,
        "on_shelf_waybill": on_shelf.waybill,
        "picked": picked.parcel_id,
        "picked_waybill": picked.waybill,
        "send": sent.send_id,
    }


@pytest.mark.parametrize("action", sorted(MANAGER_ONLY))
def test_a_clerk_is_refused_and_nothing_is_written(
    as_clerk: tuple[Station, dict[str, Any]], action: str
) -> None:
    station, ids = as_clerk
    before = snapshot(station)
    with pytest.raises(PermissionDenied) as exc:
        MANAGER_ONLY[action](station, ids)
    assert exc.value.code == "manager_only"
    assert snapshot(station) == before


@pytest.mark.parametrize("action", ["close_day", "save_station_settings", "add_shelf", "export_person"])
def test_the_manager_is_allowed(as_clerk: tuple[Station, dict[str, Any]], action: str) -> None:
    station, ids = as_clerk
    clerks.sign_in(station, "Wang", "9071")
    before = snapshot(station)
    MANAGER_ONLY[action](station, ids)
    assert snapshot(station)["parcel_event"] != before["parcel_event"]  # done, and audited


def test_the_manager_reads_what_a_clerk_may_not(as_clerk: tuple[Station, dict[str, Any]]) -> None:
    station, ids = as_clerk
    clerks.sign_in(station, "Wang", "9071")
    assert MANAGER_ONLY["picked_up_parcel"](station, ids) == ids["picked"]
    row, reason = MANAGER_ONLY["write_off_preview"](station, ids)
    assert row.waybill == ids["on_shelf_waybill"] and reason == "lost"


def test_nobody_signed_in_is_refused_too(as_clerk: tuple[Station, dict[str, Any]]) -> None:
    station, ids = as_clerk
    clerks.act_as(station, None)
    for action in (
        "close_day",
        "save_station_settings",
        "add_shelf",
        "undo_pickup",
        "picked_up_parcel",
        "write_off",
        "write_off_preview",
        "refund_send",
    ):
        with pytest.raises(PermissionDenied):
            MANAGER_ONLY[action](station, ids)


# Reading parcels (waybills, codes, places, masked phones) needs a sign-in, whichever list asks: the
# check-in screen's counts and label states, the phone list, the print queue's codes.
SIGNED_IN_READS: dict[str, Callable[[Station, dict[str, Any]], Any]] = {
    "missing_phone": _call("shelves.lists", "missing_phone"),
    "missing_phone_count": _call("shelves.lists", "missing_phone_count"),
    "parcels_by_id": lambda st, ids: _lists().parcels_by_id(st, [ids["on_shelf"], ids["no_phone"]]),
    "masked_phones": lambda st, ids: _lists().masked_phones(st, [ids["on_shelf"]]),
    "rows_now": lambda st, ids: _lists().rows_now(st, [ids["on_shelf"]]),
    "pickup_codes": lambda st, ids: _queue_view().pickup_codes(st, [ids["on_shelf"]]),
    "handover_batch_view": lambda st, ids: _handover_batch(st, ids),
}


def _handover_batch(st: Station, ids: dict[str, Any]) -> Any:
    """The send-out handover batch with the fixture's send scanned, saved by the first read (as the clerk)."""
    from station_console.services.sendout import handover

    if "handover_batch" not in ids:
        ids["handover_batch"] = handover.scan(st, handover.open_batch(st, "SF"), "SF1234567890124").batch_id
    return handover.batch_view(st, ids["handover_batch"])


def _lists() -> Any:
    from station_console.services.shelves import lists

    return lists


def _queue_view() -> Any:
    from station_console.services.printing import queue_view

    return queue_view


@pytest.mark.parametrize("read", sorted(SIGNED_IN_READS))
def test_nobody_signed_in_reads_no_parcel(as_clerk: tuple[Station, dict[str, Any]], read: str) -> None:
    station, ids = as_clerk
    ids["no_phone"] = check_in(station, "YT1234567890123").parcel_id  # quick mode: its phone comes later
    assert SIGNED_IN_READS[read](station, ids)  # the clerk reads it
    clerks.act_as(station, None)
    with pytest.raises(PermissionDenied) as exc:
        SIGNED_IN_READS[read](station, ids)
    assert exc.value.code == "not_signed_in"
