"""An event's details as a clerk reads them: labels in the console's language for every key the
services write, codes by their catalogue's label, a check-in's shelf and layer as one location, no
internal ids; and nothing stored can break the line it is shown on."""

from __future__ import annotations

import ast
import json
import sqlite3
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from conftest import isolate
from pickup_helpers import receive, zto
from shelf_helpers import as_manager, events
from station_helpers import act_as_new_clerk, new_database_file
from test_printing import dummy_printer, jobs

from db.models import EventKind, Role
from db.models.sendout import SendEvent
from station_console.cli import cli
from station_console.i18n import set_language
from station_console.safe_text import has_hidden
from station_console.services.checkin.transaction import undo_last
from station_console.services.core.station import Station
from station_console.services.exceptions import problems
from station_console.services.people import clerks
from station_console.services.people.audit_trail import KIND_LABELS, kind_label
from station_console.services.people.event_detail_labels import HIDDEN, LABELS
from station_console.services.people.event_details import LINE_CUT, VALUE_CUT, details_text, event_details
from station_console.services.pickup import handover
from station_console.services.pickup.undo import undo_pickup
from station_console.services.printing import sending
from station_console.services.scan.carriers import update_carrier
from station_console.services.shelves.moves import move_parcel

SERVICES = Path(__file__).resolve().parents[2] / "station_console" / "services"


def shown(kind: str, details: dict[str, Any], **kw: Any) -> dict[str, str]:
    """label -> value, as a screen shows them."""
    return {d.label: d.value for d in event_details(kind, details, **kw)}


def last(station: Station, kind: str) -> dict[str, Any]:
    return dict(events(station, kind)[-1].details)


def test_a_check_in_reads_as_the_clerk_knows_it_in_english_and_chinese(station: Station) -> None:
    done = receive(station, 1, phone="13812344719")
    details = last(station, EventKind.CHECKED_IN)
    assert details["shelf"] == done.shelf and details["raw"] == done.waybill  # what the trail keeps
    location = f"{done.shelf}-{done.layer}"
    en = shown(EventKind.CHECKED_IN, details)
    assert en == {
        "pickup code": done.pickup_code,
        "location": location,
        "carrier": "ZTO",
        "size": done.size,
        "phone": "138****4719",
        "waybill": zto(1),
    }
    set_language("zh")
    zh = details_text(EventKind.CHECKED_IN, details, waybill=zto(1))  # the screen shows the waybill
    assert (
        zh
        == f"取件码：{done.pickup_code}  位置：{location}  手机号：138****4719  快递公司：ZTO  尺寸：{done.size}"
    )
    for raw in ("checked_in", "code=", "shelf", "layer", "raw", "False", "redelivery"):
        assert raw not in zh


def test_the_scan_as_typed_shows_only_where_it_differs_from_the_waybill() -> None:
    details = {"raw": "]C1SF1234567890123", "waybill": "SF1234567890123", "code": "1-1-1001"}
    assert shown(EventKind.CHECKED_IN, details)["as scanned"] == "]C1SF1234567890123"
    same = {**details, "raw": "SF1234567890123"}
    assert "as scanned" not in shown(EventKind.CHECKED_IN, same)


def test_a_pickup_a_move_and_an_undo(station: Station) -> None:
    first, second = receive(station, 1, phone="13812345678"), receive(station, 2, phone="13812345678")
    handover.confirm_pickup(station, [first.parcel_id], method="code", scanned=[first.waybill])
    picked = last(station, EventKind.PICKED_UP)
    assert shown(EventKind.PICKED_UP, picked, waybill=first.waybill) == {
        "pickup code": first.pickup_code,
        "how": "by pickup code",
    }  # scanned, as every handover is: nothing to say
    set_language("zh")
    assert shown(EventKind.PICKED_UP, picked, waybill=first.waybill) == {
        "取件码": first.pickup_code,
        "方式": "凭取件码",
    }
    unscanned = {**picked, "scanned": False, "override_reason": "scanner broken", "method": "override"}
    assert shown(EventKind.PICKED_UP, unscanned)["已扫描"] == "否"
    assert shown(EventKind.PICKED_UP, unscanned)["方式"] == "未扫描放行"

    set_language("en")
    moved = move_parcel(station, second.waybill, "OV-1")
    move = shown(EventKind.MOVED, last(station, EventKind.MOVED), waybill=second.waybill)
    assert move["moved from"] == f"{second.shelf}-{second.layer}" and move["moved to"] == "OV-1"
    assert move["pickup code"] == moved.pickup_code and move["old pickup code"] == second.pickup_code
    third = receive(station, 3)
    undo_last(station)
    undone = details_text(EventKind.CHECKIN_UNDONE, last(station, EventKind.CHECKIN_UNDONE))
    assert undone == f"pickup code: {third.pickup_code}  waybill: {third.waybill}"


def test_an_undone_pickup_that_queued_its_label_again_says_so(station: Station) -> None:
    """Handed out before its label printed (the label was withdrawn), then put back: the undo queued its
    label again, and the trail line says so with the job's number, as the print queue lists it. One
    whose label had printed says nothing of a label."""
    labelled, unlabelled = receive(station, 1), receive(station, 2)
    sending.process_queue(station, dummy_printer(), limit=1)  # the second one's label waits
    assert [j.status for j in jobs(station)] == ["printed", "queued"]
    for done in (labelled, unlabelled):
        handover.confirm_pickup(station, [done.parcel_id], method="code", scanned=[done.waybill])
        undo_pickup(as_manager(station), done.parcel_id)
    printed, queued = events(station, EventKind.PICKUP_UNDONE)
    job = queued.details["job_id"]
    assert job == jobs(station)[-1].id and "job_id" not in printed.details
    assert shown(EventKind.PICKUP_UNDONE, queued.details)["label queued again"] == f"#{job}"
    assert "label" not in details_text(EventKind.PICKUP_UNDONE, printed.details)
    set_language("zh")
    line = details_text(EventKind.PICKUP_UNDONE, queued.details, waybill=unlabelled.waybill)
    assert line.startswith(f"取件码：{unlabelled.pickup_code}  ") and f"标签已重新排队：#{job}" in line


def test_problems_and_a_write_off_show_the_problems_label(station: Station) -> None:
    done = receive(station, 1)
    problems.mark(station, done.waybill, "wrong_address", "Building 7, not 17")
    marked = last(station, EventKind.PROBLEM_MARKED)
    assert shown(EventKind.PROBLEM_MARKED, marked, waybill=done.waybill) == {
        "problem": "wrong address",
        "note": "Building 7, not 17",
    }
    as_manager(station)
    problems.write_off(station, done.waybill, "lost")
    set_language("zh")
    off = shown(EventKind.WRITTEN_OFF, last(station, EventKind.WRITTEN_OFF), waybill=done.waybill)
    assert off["问题"] == "地址错误" and off["原因"] == "lost"
    assert off["位置"] == f"{done.shelf}-{done.layer}"


def test_clerk_events_leave_the_clerk_id_out(new_station: Station) -> None:
    station = new_station
    clerks.create_first_manager(station, "Wang", "9071")
    clerks.sign_in(station, "Wang", "9071")
    clerks.add_clerk(station, "Li", "1357")
    clerks.sign_out(station, reason="lock")
    added = last(station, EventKind.CLERK_CHANGED)
    assert "clerk_id" in added
    assert details_text(EventKind.CLERK_CHANGED, added) == "clerk: Li  change: added  role: clerk"
    set_language("zh")
    assert details_text(EventKind.CLERK_CHANGED, added) == "店员：Li  变更：新增  角色：店员"
    assert details_text(EventKind.SIGNED_OUT, last(station, EventKind.SIGNED_OUT)) == "原因：锁屏"
    # The audit dialog shows who acted in a column of its own.
    assert details_text(EventKind.SIGNED_IN, last(station, EventKind.SIGNED_IN), clerk="Wang") == ""


def test_a_carrier_edit_names_the_fields_as_the_carrier_editor_does(station: Station) -> None:
    act_as_new_clerk(station, "Boss", Role.MANAGER)
    update_carrier(station, "SF", {"fee_cents": 75, "active": False})
    changed = last(station, EventKind.CARRIER_CHANGED)
    assert set(changed["changed"]) == {"fee_cents", "active"}  # what the trail keeps: keys, old and new
    assert details_text(EventKind.CARRIER_CHANGED, changed).endswith("changed: Fee (cents), Active")
    set_language("zh")
    assert details_text(EventKind.CARRIER_CHANGED, changed).endswith("更改项：费用（分）、启用")


def test_a_shelf_edit_reads_each_field_old_and_new(station: Station) -> None:
    """A shelf's or a layer's edit recorded only the new value (a carrier's records old and new): a
    capacity lowered left no trace of what it was. Each field now reads by its label, old → new."""
    from station_console.services.shelves import edits

    as_manager(station)
    edits.edit(station, "3-2", capacity_units=50, accepts_sizes="SM", note="by the door")
    layer, shelf = events(station, EventKind.SHELF_CHANGED)[-2:]
    assert layer.details["changed"] == {"capacity_units": [40, 50], "accepts_sizes": ["SML", "SM"]}
    assert shelf.details["changed"] == {"note": [None, "by the door"]}
    assert details_text(EventKind.SHELF_CHANGED, layer.details).endswith(
        "capacity: 40 → 50  sizes taken: SML → SM"
    )
    assert details_text(EventKind.SHELF_CHANGED, shelf.details).endswith("note: not set → by the door")
    set_language("zh")
    assert "40 → 50" in details_text(EventKind.SHELF_CHANGED, layer.details)
    assert "未设置 → by the door" in details_text(EventKind.SHELF_CHANGED, shelf.details)


def test_lists_read_as_lists_and_settings_by_their_titles() -> None:
    changed = {"changed": ["notify_channel", "reminder_policy", "wedge_prefix", "gone_setting"]}
    assert (
        details_text(EventKind.SETTINGS_CHANGED, changed)
        == "changed: Notification channel, Overdue reminders, Prefix, gone_setting"
    )
    set_language("zh")
    assert (
        details_text(EventKind.SETTINGS_CHANGED, changed) == "更改项：通知方式、超期提醒、前缀、gone_setting"
    )
    close = {"day": "2026-11-29", "sha256": "ab" * 32, "balanced": True}
    assert details_text(EventKind.DAY_CLOSED, close) == "营业日：2026-11-29  已平账：是"
    assert (
        details_text(EventKind.DAY_CLOSED, {**close, "balanced": False}) == "营业日：2026-11-29  已平账：否"
    )


def test_amounts_weights_counts_and_numbered_things() -> None:
    fee = {"waybill": "X", "amount_cents": 1250, "rule": "3 free days", "days": 2, "method": "qr"}
    assert shown(EventKind.FEE_PAID, fee, waybill="X") == {
        "amount": "12.50 CNY",
        "fee rule": "3 free days",
        "days": "2",
        "how": "QR code",
    }
    take = {"stocktake": 4, "scope": "3", "counts": {"match": 5, "missing": 1, "extra": 0}}
    set_language("zh")
    assert shown(EventKind.STOCKTAKE_CLOSED, take) == {
        "盘库": "#4",
        "范围": "3",
        "盘点结果": "相符 5、缺失 1",
    }
    # A stray checked in at the close was never on record here: not checked in "again" (重新入库).
    fixed = {"stocktake": 4, "fixes": {"rechecked": 1, "put_back": 2}}
    assert shown(EventKind.STOCKTAKE_CLOSED, fixed)["处理"] == "入库（本站无记录） 1、放回货架（未通知） 2"
    set_language("en")
    assert shown(EventKind.STOCKTAKE_CLOSED, fixed)["fixes"] == (
        "checked in (not on record here) 1, put back, no message 2"
    )
    set_language("zh")
    send = {"send_id": 9, "status": "accepted", "weight_g": 1200, "id_type": "passport", "currency": "CNY"}
    assert shown(SendEvent.SEND_ACCEPTED, {**send, "price_cents": 1800}) == {
        "状态": "在柜台",
        "重量": "1200 克",
        "证件": "护照",
        "价格": "18.00 元",
    }


def test_an_unknown_key_still_shows_and_nothing_crashes() -> None:
    odd = {"mystery": {"a": [1, None, True]}, "other": None, "n": 0, "when": 3.5}
    assert details_text("some_future_kind", odd) == "mystery: a 1, yes  n: 0  when: 3.5"
    assert kind_label("some_future_kind") == "some_future_kind"
    assert details_text(EventKind.CHECKED_IN, {}) == ""


@pytest.mark.parametrize(
    "value",
    [
        "[/]",
        "[bold red]shout[/bold red] [@click=app.quit]x[/]",
        "\x1b[2J\x1b[31mred\x07 \u202eevil",
        "x" * 5000,
        "line one\nline two\ttab",
    ],
)
def test_hostile_values_come_out_as_one_short_visible_line(value: str) -> None:
    for kind, key in ((EventKind.PROBLEM_MARKED, "note"), (EventKind.CHECKED_IN, "mystery")):
        details = {key: value, "waybill": value, "code": "1-1-1001"}
        (note, *_rest) = [d for d in event_details(kind, details) if d.key == key]
        assert len(note.value) <= VALUE_CUT and "\n" not in note.value and not has_hidden(note.value)
        line = details_text(kind, {**details, "reason": value, "changed": [value] * 3})
        assert len(line) <= LINE_CUT and "\n" not in line and not has_hidden(line)
    assert "[/]" in details_text(EventKind.PROBLEM_MARKED, {"note": "[/]"})  # shown as typed


def test_a_whole_event_cuts_no_value_yet_stays_one_visible_line_each() -> None:
    note = "crushed corner; " * 20 + "\x1b[2Jend\nof note"
    path = "/srv/fonts/" + "very-long-folder-name/" * 5 + "NotoSansCJK.ttc"
    for kind, details in (
        (EventKind.PROBLEM_MARKED, {"note": note, "masked_phone": "138****5678"}),
        (EventKind.COUNTER_SETTINGS_CHANGED, {"changed": {"label_font": ["auto", path]}}),
    ):
        cut_down = event_details(kind, details)
        whole = event_details(kind, details, whole=True)
        assert [d.label for d in whole] == [d.label for d in cut_down]
        longest = max(whole, key=lambda d: len(d.value)).value
        assert max(len(d.value) for d in cut_down) <= VALUE_CUT and "…" in " ".join(d.value for d in cut_down)
        assert "…" not in longest and len(longest) > VALUE_CUT
        assert all("\n" not in d.value and not has_hidden(d.value) for d in whole)
    assert event_details(EventKind.PROBLEM_MARKED, {"note": note}, whole=True)[0].value.endswith(
        "\\x1b[2Jend of note"
    )
    changed = event_details(
        EventKind.COUNTER_SETTINGS_CHANGED, {"changed": {"label_font": ["auto", path]}}, whole=True
    )
    assert changed[0].value.endswith(f"→ {path}")


@pytest.mark.parametrize(
    ("moment", "day"), [("9999-12-31T23:59:00+00:00", "12-31"), ("0001-01-01T00:00:00+00:00", "01-01")]
)
def test_a_moment_at_the_edge_of_the_calendar_is_shown_not_raised(moment: str, day: str) -> None:
    """A stored moment that the station's zone would push past year 1 or 9999 (a restored or edited
    database) is shown as stored: the audit dialog and the timeline must not fail on it."""
    from zoneinfo import ZoneInfo

    for zone in (ZoneInfo("Asia/Shanghai"), ZoneInfo("America/New_York")):
        (shown_at,) = event_details(EventKind.CLERK_UNLOCKED, {"locked_until": moment}, zone=zone)
        assert day in shown_at.value, shown_at


def test_every_event_kind_has_a_label() -> None:
    for kind in [*EventKind, *SendEvent]:
        assert kind in KIND_LABELS, kind
    set_language("zh")
    assert kind_label(EventKind.CHECKED_IN) == "已入库"


def _literal_keys(node: ast.AST) -> set[str]:
    if not isinstance(node, ast.Dict):
        return set()
    keys = set()
    for key, value in zip(node.keys, node.values, strict=True):
        if isinstance(key, ast.Constant) and isinstance(key.value, str):
            keys.add(key.value)
        elif key is None:  # **other
            keys |= _literal_keys(value)
    return keys


def written_keys() -> dict[str, str]:
    """Every key the services write into a `details=` dict they spell out: in the call, in the
    variable it passes (assigned or set by `details["key"] = ...`), or in the helper it calls."""
    found: dict[str, str] = {}
    for path in SERVICES.rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        helpers = {
            fn.name: set().union(
                *(_literal_keys(r.value) for r in ast.walk(fn) if isinstance(r, ast.Return) and r.value)
            )
            for fn in ast.walk(tree)
            if isinstance(fn, ast.FunctionDef)
        }
        for fn in ast.walk(tree):
            if not isinstance(fn, ast.FunctionDef):
                continue
            names: set[str] = set()
            for call in (n for n in ast.walk(fn) if isinstance(n, ast.Call)):
                for kw in call.keywords:
                    if kw.arg != "details":
                        continue
                    where = f"{path.relative_to(SERVICES)}:{call.lineno}"
                    if isinstance(kw.value, ast.Name):
                        names.add(kw.value.id)
                    elif isinstance(kw.value, ast.Call) and isinstance(kw.value.func, ast.Name):
                        found.update(dict.fromkeys(helpers.get(kw.value.func.id, set()), where))
                    found.update(dict.fromkeys(_literal_keys(kw.value), where))
            for node in ast.walk(fn):
                if not isinstance(node, ast.Assign | ast.AnnAssign):
                    continue
                targets = node.targets if isinstance(node, ast.Assign) else [node.target]
                value = node.value
                for target in targets:
                    where = f"{path.relative_to(SERVICES)}:{node.lineno}"
                    if isinstance(target, ast.Name) and target.id in names and value is not None:
                        found.update(dict.fromkeys(_literal_keys(value), where))
                    if (
                        isinstance(target, ast.Subscript)
                        and isinstance(target.value, ast.Name)
                        and target.value.id in names
                        and isinstance(target.slice, ast.Constant)
                    ):
                        found[str(target.slice.value)] = where
    return found


def test_every_key_a_service_writes_has_a_label_or_is_left_out_on_purpose() -> None:
    found = written_keys()
    assert {"raw", "code", "shelf", "changed", "send_id", "weight_g", "override_reason"} <= set(found)
    unlabelled = {key: where for key, where in found.items() if key not in LABELS and key not in HIDDEN}
    assert not unlabelled, f"give these details keys a label in event_detail_labels.LABELS: {unlabelled}"


def test_every_key_of_a_demo_week_reads_in_chinese(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """`station init --demo` writes a week of every kind of parcel event: none of their keys is shown
    as stored, and every kind has its label."""
    isolate(monkeypatch, tmp_path)
    monkeypatch.setenv("STATION_DEMO_SCALE", "0.05")
    path = tmp_path / "demo.sqlite3"
    url = new_database_file(path)
    result = CliRunner().invoke(cli, ["--db", url, "init", "--demo"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    with sqlite3.connect(path) as db:
        rows = [
            (kind, json.loads(details))
            for kind, details in db.execute("SELECT kind, details FROM parcel_event")
        ]
    kinds = {kind for kind, _d in rows}
    assert {"checked_in", "picked_up", "returned", "written_off", "day_closed", "settings_changed"} <= kinds
    keys = {key for _k, details in rows for key in details}
    assert not keys - set(LABELS) - HIDDEN
    set_language("zh")
    for kind, details in rows:
        line = details_text(kind, details)
        assert kind_label(kind) != kind
        for key in details:  # a stored key shows only as part of a value (a waybill holding "code"?)
            assert f"{key}：" not in line and f"{key}=" not in line


@pytest.mark.parametrize(
    ("kind", "details", "zh"),
    [
        (EventKind.DELIVERY_FAILED, {"run": 2, "reason": "not_home"}, "派送批次：DR000002  原因：家中无人"),
        (EventKind.RETURN_BATCH_OPENED, {"batch": 3, "carrier": "ZTO"}, "快递公司：ZTO  批次：RB000003"),
        (EventKind.PICKED_UP, {"left_return_batch": 3}, "移出退回批次：RB000003"),
        (EventKind.CHECKED_IN, {"courier_batch": 1}, "快递员批次：HB000001"),
        (SendEvent.SEND_HANDED_OVER, {"batch_id": 4}, "交接批次：SB000004"),
        (EventKind.STOCKTAKE_CLOSED, {"stocktake": 4}, "盘库：#4"),
        (
            EventKind.MOVED,
            {"from": "1-1", "to": "2-4", "reason": "layer_move"},
            "原位置：1-1  新位置：2-4  原因：整层移库",
        ),
        (EventKind.DOOR_REQUESTED, {"code": "1-1-1001", "source": "phone"}, "取件码：1-1-1001  来源：电话"),
        (EventKind.CHECKED_IN, {"prealert": 7, "prealert_status": "not_received"}, "预到货：未到货"),
        (
            EventKind.RECIPIENTS_IMPORTED,
            {"source": "hr", "added": 4, "updated": 0, "issues": 0},
            "来源：hr  新增：4",
        ),
        (
            EventKind.CLERK_CHANGED,
            {"clerk": "Wang", "clerk_id": 1, "change": "created", "first_run": True},
            "店员：Wang  变更：新增  首次启动",
        ),
        (
            SendEvent.SENDER_SAVED,
            {"sender_id": 3, "masked_phone": "138****5678", "changed": ["created"]},
            "手机号：138****5678  更改项：新增",
        ),
        (
            EventKind.NOTIFIED,
            {"notification": 5, "kind": "checkin", "channel": "smtp"},
            "通知：到件通知  渠道：电子邮件",
        ),
    ],
)
def test_codes_read_by_their_catalogues_label(kind: str, details: dict[str, Any], zh: str) -> None:
    set_language("zh")
    assert details_text(kind, details) == zh


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_a_dismissed_refusal_does_not_call_its_refusal_code_a_pickup_code(lang: str) -> None:
    from station_console.services.people.event_details import event_details

    set_language(lang)
    shown = event_details(
        EventKind.REFUSAL_DISMISSED,
        {"kind": "duplicate", "code": "outgoing_send", "waybill": "SF1234567890123"},
    )
    assert [d.key for d in shown] == ["kind", "waybill"]
    assert "outgoing_send" not in " ".join(d.value for d in shown)


def test_a_carrier_reads_by_its_short_name_as_the_lists_show_it(station: Station) -> None:
    """The trail keeps the carrier's code; the timeline and the audit trail name it as every list does
    (YD, not YUNDA), in both languages; a carrier the table does not know shows by its code."""
    from station_console.services.checkin.transaction import check_in
    from station_console.services.core import audit
    from station_console.services.people import audit_trail
    from station_console.services.shelves.search import timeline

    done = check_in(station, "308696896812488", carrier="YUNDA", phone="13812344719")
    entry = audit_trail.parcel_timeline(station, done.waybill)[0]
    assert entry.details["carrier"] == "YUNDA" and entry.carrier_name == "YD"
    assert [e.carrier_name for e in timeline(station, done.waybill).events] == ["YD"]
    assert shown(entry.kind, entry.details, carrier_name=entry.carrier_name)["carrier"] == "YD"
    set_language("zh")
    line = details_text(entry.kind, entry.details, carrier_name=entry.carrier_name)
    assert "快递公司：YD" in line and "YUNDA" not in line
    station.run(
        lambda session: audit.record(session, station, EventKind.CHECKED_IN, details={"carrier": "GONE"})
    )
    gone = audit_trail.clerk_activity(station, "Tester").entries[0]
    assert gone.details == {"carrier": "GONE"} and gone.carrier_name is None
    assert details_text(gone.kind, gone.details, carrier_name=gone.carrier_name) == "快递公司：GONE"
