"""Carrier events: queued with the change, delivered exactly once through a failing, hanging, recovering
receiver; a dead-letter list with audited retry and drop; withdrawn or corrected when undone."""

from __future__ import annotations

import json
import shutil
import threading
from pathlib import Path
from typing import Any

import pytest
from alembic import command
from conftest import FakeClock
from event_webhook import outbox, zto_webhook
from held_sends import HeldSend, stopped_mid_send
from pickup_helpers import as_clerk, configure, events, receive, zto
from sqlalchemy import event

from db.migrate import alembic_config
from db.models import EventKind, Setting
from station_console.errors import PermissionDenied, Refused
from station_console.i18n import set_language
from station_console.services.carrier_events import dead_letters, folders, sender
from station_console.services.carrier_events.channels import EventChannelError, FileChannel, body_of
from station_console.services.checkin.transaction import check_in, undo_last
from station_console.services.core.station import Station
from station_console.services.people.event_details import details_text
from station_console.services.pickup.handover import confirm_pickup
from station_console.settings import EventTarget


@pytest.fixture
def webhook(station: Station, monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    with zto_webhook(station, monkeypatch, max_attempts=5) as rx:
        yield rx


def test_nothing_is_queued_for_a_carrier_without_a_target(station: Station) -> None:
    receive(station, 1)
    assert outbox(station) == []
    assert sender.run_once(station).sent == []


def test_each_event_arrives_exactly_once_through_failure_timeout_and_recovery(
    station: Station, clock: FakeClock, webhook
) -> None:  # type: ignore[no-untyped-def]
    done = [receive(station, n, phone="5678") for n in (1, 2, 3)]
    queued = outbox(station)
    assert [(e.kind, e.waybill) for e in queued] == [("checked_in", zto(n)) for n in (1, 2, 3)]
    assert queued[0].payload["pickup_code"] == done[0].pickup_code
    assert "5678" not in json.dumps([e.payload for e in queued])  # nothing personal leaves

    webhook.script = ["fail"]  # 503
    first = sender.run_once(station)
    assert first.sent == [] and first.failed == [queued[0].id] and "503" in first.errors["ZTO"]
    assert [e.status for e in outbox(station)] == ["failed", "queued", "queued"]  # the rest waits its turn
    assert sender.run_once(station).sent == []  # not due yet: nothing newer overtakes it

    clock.advance(seconds=1)
    webhook.script = ["hang"]  # the receiver keeps it but answers after the sender stopped waiting
    second = sender.run_once(station)
    assert second.failed == [queued[0].id] and second.sent == []
    assert webhook.keys() == [queued[0].idempotency_key]

    clock.advance(seconds=2)
    third = sender.run_once(station)
    assert third.sent == [e.id for e in queued]
    assert webhook.keys() == [e.idempotency_key for e in queued]  # each once, in order
    assert [key for key, _ in webhook.requests].count(queued[0].idempotency_key) == 3
    assert webhook.bad_signatures == 0
    assert all(e.status == "sent" and e.channel == "webhook" for e in outbox(station))
    assert sender.run_once(station).sent == []  # nothing goes twice

    confirm_pickup(station, [done[0].parcel_id], method="code", scanned=[zto(1)])
    assert sender.run_once(station).sent
    assert [(e["kind"], e["waybill"]) for e in webhook.accepted][-1] == ("picked_up", zto(1))


def test_a_refused_event_goes_to_the_dead_letter_list_then_retry_or_drop(
    station: Station, clock: FakeClock, webhook
) -> None:  # type: ignore[no-untyped-def]
    receive(station, 1)
    receive(station, 2)
    webhook.script = ["refuse"]  # 400: retrying cannot help
    result = sender.run_once(station)
    first, second = outbox(station)
    assert first.id is not None
    assert result.dead == [first.id] and result.sent == [second.id]  # the next one went on
    dead = dead_letters.list_events(station, status="dead")
    assert [(row.id, row.waybill, row.last_error) for row in dead] == [
        (first.id, zto(1), "The receiver answered HTTP 400 Bad Request")
    ]

    clerk = as_clerk(station, "ann")
    dead_letters.retry(clerk, first.id)
    retried = events(clerk, "carrier_event_retried")[-1]
    assert retried.details["event"] == first.id and retried.details["was"] == "dead"
    # The trail names the state it was in as the dead-letter list does, in the reader's language.
    assert "was: dead letter" in details_text(EventKind.CARRIER_EVENT_RETRIED, retried.details)
    set_language("zh")
    assert "原状态：死信" in details_text(EventKind.CARRIER_EVENT_RETRIED, retried.details)
    set_language("en")
    assert sender.run_once(station).sent == [first.id]
    assert webhook.keys() == [second.idempotency_key, first.idempotency_key]
    with pytest.raises(Refused):
        dead_letters.retry(clerk, first.id)  # sent: nothing to retry

    receive(station, 3)
    webhook.script = ["refuse"]
    third_id = sender.run_once(station).dead[0]
    with pytest.raises(PermissionDenied):
        dead_letters.drop(clerk, third_id, "the carrier has no such parcel")
    boss = as_clerk(station, "boss", role="manager")
    with pytest.raises(Refused):
        dead_letters.drop(boss, third_id, " ")
    assert dead_letters.drop(boss, third_id, "the carrier has no such parcel").status == "dropped"
    dropped = events(boss, "carrier_event_dropped")[-1]
    assert dropped.clerk_id == boss.clerk_id and dropped.details["reason"] == "the carrier has no such parcel"
    assert sender.run_once(station).sent == []
    assert dead_letters.counts(station) == {"sent": 2, "dropped": 1}


def test_exhausted_retries_make_an_event_dead(station: Station, clock: FakeClock, webhook) -> None:  # type: ignore[no-untyped-def]
    configure(station, carrier_event_max_attempts=2)
    receive(station, 1)
    webhook.script = ["fail", "fail"]
    assert sender.run_once(station).failed
    clock.advance(seconds=5)
    assert sender.run_once(station).dead
    assert outbox(station)[0].attempts == 2


def test_a_sender_cut_off_mid_send_never_delivers_twice(station: Station, clock: FakeClock, webhook) -> None:  # type: ignore[no-untyped-def]
    receive(station, 1)
    channels = sender.Channels(station)
    claimed = sender.claim(station, channels, sender.PassResult())
    channels.get("ZTO").send(claimed[0].key, claimed[0].kind, claimed[0].body)  # ... and the PC dies here
    assert outbox(station)[0].status == "sending"
    assert sender.run_once(station).sent == []  # within its lease: left alone
    clock.advance(minutes=3)
    result = sender.run_once(station)
    assert result.recovered == [claimed[0].id] and result.sent == [claimed[0].id]
    assert webhook.keys() == [claimed[0].key]  # sent twice, kept once


def test_file_channel_for_manual_upload_and_its_crash_rule(
    station: Station, clock: FakeClock, tmp_path: Path
) -> None:
    folder = tmp_path / "upload"
    configure(station, carrier_event_targets={"*": EventTarget(channel="file", folder=str(folder))})
    receive(station, 1)
    receive(station, 2)
    channels = sender.Channels(station)
    claimed = sender.claim(station, channels, sender.PassResult())
    channel = channels.get("ZTO")
    assert isinstance(channel, FileChannel)
    channel.send(claimed[0].key, claimed[0].kind, claimed[0].body)  # written, then the crash
    clock.advance(minutes=3)
    result = sender.run_once(station)
    assert result.recovered == [c.id for c in claimed] and result.sent == [claimed[1].id]
    lines = (folder / f"ZTO-{station.business_day().isoformat()}.jsonl").read_text().splitlines()
    assert [json.loads(line)["event_id"] for line in lines] == [c.key for c in claimed]
    assert all(e.status == "sent" for e in outbox(station))


def test_an_event_folder_gone_after_events_went_there_waits_for_it_as_a_printer_does(
    station: Station, clock: FakeClock, tmp_path: Path
) -> None:
    """A share not mounted: its folder was created again in the empty mount point and the events marked
    sent into it, never to reach the carrier. A folder not there at setup is still made (above)."""
    folder = tmp_path / "share" / "events"
    configure(station, carrier_event_targets={"*": EventTarget(channel="file", folder=str(folder))})
    receive(station, 1)
    assert len(sender.run_once(station).sent) == 1 and folder.is_dir()
    shutil.rmtree(folder)  # the share unmounted
    receive(station, 2)
    result = sender.run_once(station)
    said = f"Folder {folder} not found: check that its drive or network share is connected"
    assert result.sent == [] and result.errors == {"ZTO": said} and result.unusable == ["ZTO"]
    assert not folder.exists()
    waiting = [e for e in outbox(station) if e.status != "sent"]
    assert len(waiting) == 1 and waiting[0].status == "failed"
    folder.mkdir()  # mounted again: the event goes out on its retry
    clock.advance(hours=1)
    assert sender.run_once(station).sent == [waiting[0].id]
    lines = (folder / f"ZTO-{station.business_day().isoformat()}.jsonl").read_text().splitlines()
    assert [json.loads(line)["event_id"] for line in lines] == [waiting[0].idempotency_key]


def test_a_target_moved_to_a_new_folder_makes_it_and_only_a_folder_once_used_waits(
    station: Station, clock: FakeClock, tmp_path: Path
) -> None:
    """Events went out into one folder; the target changed to a folder not made yet: it is made, as at
    the first use (it waited for a manager, any event sent by file counting every folder as used).
    Missing once used, the new folder waits and says so; so does the old one, set back."""
    old, new = tmp_path / "share" / "old", tmp_path / "share" / "new"
    configure(station, carrier_event_targets={"*": EventTarget(channel="file", folder=str(old))})
    receive(station, 1)
    assert len(sender.run_once(station).sent) == 1 and old.is_dir()
    configure(station, carrier_event_targets={"*": EventTarget(channel="file", folder=str(new))})
    receive(station, 2)
    result = sender.run_once(station)
    assert len(result.sent) == 1 and result.errors == {} and new.is_dir()
    lines = (new / f"ZTO-{station.business_day().isoformat()}.jsonl").read_text().splitlines()
    assert [json.loads(line)["waybill"] for line in lines] == [zto(2)]
    shutil.rmtree(new)  # the share unmounted
    receive(station, 3)
    said = f"Folder {new} not found: check that its drive or network share is connected"
    assert sender.run_once(station).errors == {"ZTO": said} and not new.exists()
    shutil.rmtree(old)
    configure(station, carrier_event_targets={"*": EventTarget(channel="file", folder=str(old))})
    clock.advance(hours=1)
    said = f"Folder {old} not found: check that its drive or network share is connected"
    assert sender.run_once(station).errors == {"ZTO": said} and not old.exists()


def test_the_upgrade_counts_every_folder_the_version_before_judged_used(
    station: Station, clock: FakeClock, tmp_path: Path
) -> None:
    """A database from before the record: events went out by file into ZTO's folder and JT's. The
    upgrade starts the record from that version's judgement (every chosen folder used), so when ZTO's
    event goes out first after it, JT's share unmounted is still a share: its event waits and says so,
    never written into the empty mount point as into a new folder."""
    zto_folder, jt_folder = tmp_path / "share" / "zto", tmp_path / "mnt" / "jt"
    targets = {
        "ZTO": EventTarget(channel="file", folder=str(zto_folder)),
        "JT": EventTarget(channel="file", folder=str(jt_folder)),
    }
    configure(station, carrier_event_targets=targets)
    receive(station, 1)
    check_in(station, "JT0001234567890")
    assert len(sender.run_once(station).sent) == 2 and jt_folder.is_dir()
    config = alembic_config(station.engine)
    command.downgrade(config, "0026")
    with station.read() as session:
        assert session.get(Setting, folders.KEY) is None  # as that version left it
    command.upgrade(config, "head")
    receive(station, 2)
    assert len(sender.run_once(station).sent) == 1  # ZTO's goes out first, into its own folder
    shutil.rmtree(jt_folder)  # JT's share not connected
    check_in(station, "JT0001234567891")
    said = f"Folder {jt_folder} not found: check that its drive or network share is connected"
    assert sender.run_once(station).errors == {"JT": said} and not jt_folder.exists()


def test_a_station_that_never_sent_by_file_makes_its_first_folder_after_the_upgrade(
    station: Station, tmp_path: Path
) -> None:
    """No event ever went out by file before the upgrade: no folder counts as used, and the first
    event makes its chosen folder, as at any first use."""
    folder = tmp_path / "share" / "events"
    config = alembic_config(station.engine)
    command.downgrade(config, "0026")
    command.upgrade(config, "head")
    configure(station, carrier_event_targets={"*": EventTarget(channel="file", folder=str(folder))})
    receive(station, 1)
    assert len(sender.run_once(station).sent) == 1 and folder.is_dir()
    with station.read() as session:
        assert folders.once_used(session, folder) and not folders.once_used(session, tmp_path / "other")


def test_a_webhook_without_a_secret_keeps_its_events_and_says_why(station: Station) -> None:
    configure(
        station, carrier_event_targets={"ZTO": EventTarget(channel="webhook", url="http://127.0.0.1:9/")}
    )
    receive(station, 1)
    result = sender.run_once(station)
    assert result.sent == [] and "secret" in result.errors["ZTO"] and result.unusable == ["ZTO"]
    assert outbox(station)[0].status == "queued" and outbox(station)[0].attempts == 0


def test_one_carriers_outage_does_not_hold_up_another(
    station: Station, clock: FakeClock, tmp_path: Path
) -> None:
    class Down:
        name, idempotent = "webhook", True

        def send(self, event_id: str, kind: str, body: bytes) -> None:
            raise EventChannelError("connection refused")

    configure(station, carrier_event_targets={"*": EventTarget(channel="file", folder=str(tmp_path))})
    receive(station, 1)  # ZTO
    check_in(station, "SF1234567890123")
    result = sender.run_once(station, channels={"ZTO": Down()})  # type: ignore[dict-item]
    statuses = {e.waybill: e.status for e in outbox(station)}
    assert statuses == {zto(1): "failed", "SF1234567890123": "sent"} and result.errors == {
        "ZTO": "connection refused"
    }


def test_undone_check_in_withdraws_its_event_or_corrects_it(station: Station, webhook) -> None:  # type: ignore[no-untyped-def]
    receive(station, 1)
    undo_last(station)
    assert [e.status for e in outbox(station)] == ["cancelled"]
    receive(station, 2)
    sender.run_once(station)
    undo_last(station)
    assert [(e.kind, e.status) for e in outbox(station)][1:] == [
        ("checked_in", "sent"),
        ("checkin_undone", "queued"),
    ]
    sender.run_once(station)
    assert [e["kind"] for e in webhook.accepted] == ["checked_in", "checkin_undone"]


def test_the_body_is_what_is_signed() -> None:
    body = body_of({"b": 1, "a": "中"})
    assert body == '{"a":"中","b":1}'.encode()


def test_what_went_wrong_is_read_in_the_readers_language(station: Station, clock: FakeClock, webhook) -> None:  # type: ignore[no-untyped-def]
    """Our sentences are kept by message id (a receiver's refusal, the note a recovered event gets, a
    refusal naming a state) and read in English or Chinese; the receiver's own words stay data."""
    receive(station, 1)
    webhook.script = ["refuse"]
    dead_id = sender.run_once(station).dead[0]
    set_language("zh")
    (row,) = dead_letters.list_events(station, status="dead")
    assert row.last_error == "接收方回复 HTTP 400 Bad Request"

    receive(station, 2)
    channels = sender.Channels(station)
    (claimed,) = sender.claim(station, channels, sender.PassResult())
    clock.advance(minutes=3)  # the sender died mid-send: its lease runs out
    sender.recover_stale(station, channels, sender.PassResult())
    (recovered,) = dead_letters.list_events(station, status="failed")
    assert (
        recovered.id == claimed.id
        and recovered.last_error == "发送时中断：已用同一标识重发，接收方只会保留一次"
    )
    set_language("en")
    (recovered,) = dead_letters.list_events(station, status="failed")
    assert recovered.last_error == (
        "Interrupted while sending: sent again with the same key, so the receiver keeps it once"
    )

    boss = as_clerk(station, "boss", role="manager")
    dead_letters.drop(boss, dead_id, "no such parcel")
    with pytest.raises(Refused) as refused:
        dead_letters.retry(boss, dead_id)
    assert refused.value.message("en") == (
        f"Carrier event {dead_id} is dropped: only dead or failed events can be retried."
    )
    assert refused.value.message("zh") == f"快递公司事件 {dead_id} 状态为 已放弃：只能重试死信或失败的事件。"


def test_a_file_lying_where_the_event_folder_should_be_is_said_so_in_the_readers_language(
    station: Station, tmp_path: Path
) -> None:
    """The system said "File exists" (English on a Chinese screen, and not what is wrong)."""
    folder = tmp_path / "upload"
    folder.write_text("not a folder")
    configure(station, carrier_event_targets={"*": EventTarget(channel="file", folder=str(folder))})
    receive(station, 1)
    path = folder / f"ZTO-{station.business_day().isoformat()}.jsonl"
    set_language("zh")  # the pass's own words (the console's toast) read the reason in Chinese too
    result = sender.run_once(station)
    assert result.errors == {
        "ZTO": f"无法写入事件文件 {path}：所在文件夹的位置上是一个同名文件，而不是文件夹"
    }
    assert result.unusable == ["ZTO"]  # no retry helps until the file is moved: not a receiver down
    (row,) = dead_letters.list_events(station)
    assert row.last_error == f"无法写入事件文件 {path}：所在文件夹的位置上是一个同名文件，而不是文件夹"
    set_language("en")
    (row,) = dead_letters.list_events(station)
    assert row.last_error == f"Cannot write the event file {path}: a file is where its folder should be"


def test_a_target_that_cannot_be_used_says_why_in_the_console_language(station: Station) -> None:
    configure(station, carrier_event_targets={"ZTO": EventTarget(channel="webhook", url="")})
    receive(station, 1)
    assert sender.run_once(station).errors == {"ZTO": "No webhook URL for ZTO"}
    set_language("zh")
    assert sender.run_once(station).errors == {"ZTO": "ZTO 没有设置 Webhook 地址"}


@pytest.mark.postgres_only
def test_the_sender_claiming_an_event_as_a_manager_drops_it_never_loses_either(
    station: Station, webhook
) -> None:  # type: ignore[no-untyped-def]
    """The counter's sender claims the event (its own connection, to its commit) after the manager's
    drop read it and before it writes: the sender passes over the event the drop holds, or the drop
    finds it sending. Never an event sent to the carrier that reads dropped."""
    receive(station, 1)
    [queued] = outbox(station)
    boss = as_clerk(station, "boss", role="manager")
    main = threading.get_ident()
    claimed: list[list[int]] = []

    def claim_first(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        if threading.get_ident() == main and statement.startswith(("INSERT", "UPDATE")) and not claimed:
            pass_ = sender.PassResult()
            worker = threading.Thread(
                target=lambda: claimed.append(
                    [c.id for c in sender.claim(station, sender.Channels(station, None), pass_)]
                )
            )
            worker.start()
            worker.join(timeout=60)

    event.listen(station.engine, "before_cursor_execute", claim_first)
    try:
        outcome = dead_letters.drop(boss, queued.id or 0, "the carrier has no such parcel").status
    except Refused as exc:
        outcome = exc.code
    finally:
        event.remove(station.engine, "before_cursor_execute", claim_first)
    assert (claimed, outcome) in (([[]], "dropped"), ([[queued.id]], "not_droppable"))
    assert outbox(station)[0].status == ("sending" if claimed == [[queued.id]] else "dropped")


def test_a_pass_stopped_while_sending_sends_that_event_and_leaves_the_rest_queued(
    station: Station, tmp_path: Path
) -> None:
    """The console quitting: the event in hand is sent and marked; the others wait, no attempt
    counted, and the next pass sends them, in order."""
    held = HeldSend()
    got: list[str] = []

    class Slow:
        name, idempotent = "webhook", True

        def send(self, event_id: str, kind: str, body: bytes) -> None:
            held.hold()
            got.append(json.loads(body)["waybill"])

    configure(station, carrier_event_targets={"*": EventTarget(channel="file", folder=str(tmp_path))})
    for n in range(4):
        receive(station, n)
    channel: Any = Slow()
    result = stopped_mid_send(
        held, lambda going: sender.run_once(station, channels={"ZTO": channel}, should_continue=going)
    )
    assert len(result.sent) == 1 and got == [zto(0)]
    assert [(e.status, e.attempts) for e in outbox(station)] == [("sent", 0)] + [("queued", 0)] * 3
    assert len(sender.run_once(station, channels={"ZTO": channel}).sent) == 3
    assert got == [zto(n) for n in range(4)]
