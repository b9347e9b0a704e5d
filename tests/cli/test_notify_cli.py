"""`station notify --once`, `station outbox`, `station outbox resend` on a real SQLite file, file channel."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from conftest import FakeClock
from sqlmodel import Session, col, select
from station_helpers import act_as_new_clerk, configure

from db.models import Notification, Parcel, ParcelStatus, Role
from station_console.cli import cli
from station_console.services.admin.setup import init_station, open_station
from station_console.services.checkin.transaction import check_in
from station_console.services.notify.channels import FILE_NAME, FileChannel
from station_console.services.notify.sender import LEFT_NOTE
from station_console.stored_messages import to_store


@pytest.fixture
def db(tmp_path: Path, clock: FakeClock) -> str:
    url = f"sqlite:///{tmp_path / 'station.sqlite3'}"
    station = open_station(url)
    init_station(station, timezone="Asia/Shanghai")
    act_as_new_clerk(station, "Li", Role.CLERK, "2580")
    # Checked in ten minutes before the commands' clock, so the grouping window has passed for them.
    station.clock = lambda: clock.now - timedelta(minutes=10)
    check_in(station, "73" + "1" * 12, batch="ZTO", phone="13812345678")
    check_in(station, "73" + "2" * 12, batch="ZTO", phone="13812345678")
    check_in(station, "73" + "3" * 12, batch="ZTO", phone="5678")  # a privacy waybill: nothing to send
    check_in(station, "73" + "4" * 12, batch="ZTO", email="bob@example.com")  # the file channel takes it
    check_in(station, "73" + "5" * 12, batch="ZTO", phone="13987654321")
    station.engine.dispose()
    return url


LI_PIN = {"STATION_PIN": "2580"}  # not --pin: its warning would be in every output


def run(db: str, *args: str) -> Result:
    return CliRunner().invoke(
        cli, ["--db", db, "--lang", "en", "--clerk", "Li", *args], env=LI_PIN, catch_exceptions=False
    )


def test_notify_once_writes_one_message_per_recipient_and_outbox_lists_masked(db: str) -> None:
    result = run(db, "notify", "--once", "--json")
    assert result.exit_code == 0, result.output
    outcome = json.loads(result.output)
    assert outcome["messages"] == 3 and len(outcome["sent"]) == 4 and outcome["gave_up"] == []
    text = FileChannel().path.read_text(encoding="utf-8")
    assert FileChannel().path.name == FILE_NAME and text.count("=== ") == 3 and "13812345678" in text
    listing = run(db, "outbox")
    assert "138****5678" in listing.output and "13812345678" not in listing.output
    assert "139****4321" in listing.output and "13987654321" not in listing.output
    assert "13812345678" not in run(db, "outbox", "--json").output


def test_outbox_resend_requeues_a_sent_message_and_refuses_unknown(db: str) -> None:
    run(db, "notify", "--once")
    sent = json.loads(run(db, "outbox", "--status", "sent", "--json").output)["messages"]
    again = run(db, "outbox", "resend", str(sent[0]["id"]), "--json")
    assert json.loads(again.output) == {"id": sent[0]["id"], "status": "queued"}
    assert run(db, "notify", "--once", "--json").exit_code == 0
    assert FileChannel().path.read_text(encoding="utf-8").count("=== ") == 4  # three, and one again
    missing = run(db, "outbox", "resend", "999")
    assert missing.exit_code == 1 and "No message 999" in missing.output


def test_outbox_in_chinese_says_why_a_message_failed_in_chinese(db: str) -> None:
    """A note the sender stored (here: the parcel left the shelf before its message went) is kept by
    message id and listed in the language the command speaks, its status and kind too."""
    station = open_station(db)

    def fail_first(session: Session) -> None:
        note = session.exec(select(Notification).order_by(col(Notification.id))).first()
        assert note is not None
        note.status, note.last_error = "failed", to_store(LEFT_NOTE)
        session.add(note)

    station.run(fail_first)
    station.engine.dispose()
    listing = CliRunner().invoke(
        cli, ["--db", db, "--lang", "zh", "--clerk", "Li", "outbox"], env=LI_PIN, catch_exceptions=False
    )
    assert listing.exit_code == 0, listing.output
    assert "包裹已不在货架上" in listing.output and "失败" in listing.output and "到件通知" in listing.output
    assert "no longer on the shelf" not in listing.output and "failed" not in listing.output


def test_notify_once_exits_4_while_messages_wait_for_a_retry_and_0_once_all_went(db: str) -> None:
    """A cron job tells 'all sent' from 'the channel down for hours' by the exit status, as
    `events send --once` does: a directory where the message file goes fails each write (a retry)."""
    FileChannel().path.parent.mkdir(parents=True, exist_ok=True)
    FileChannel().path.mkdir()
    failed = run(db, "notify", "--once")
    assert failed.exit_code == 4, failed.output
    assert "Sent 0 messages for 0 parcels; 2 waiting for a retry, 0 failed for good" in failed.output
    # A pass before that retry is due tries the next message (failing too): both wait.
    again = run(db, "notify", "--once", "--json")
    assert again.exit_code == 4, again.output
    assert len(json.loads(again.output)["failed"]) == 1 and json.loads(again.output)["waiting"] == 3
    FileChannel().path.rmdir()
    station = open_station(db)

    def due_now(session: Session) -> None:
        for note in session.exec(select(Notification)).all():
            note.next_attempt_at = note.created_at
            session.add(note)

    station.run(due_now)
    station.engine.dispose()
    sent = run(db, "notify", "--once", "--json")
    assert sent.exit_code == 0, sent.output
    assert json.loads(sent.output)["waiting"] == 0 and len(json.loads(sent.output)["sent"]) == 4


def test_notify_once_exits_4_when_it_gave_up_on_a_message_in_its_pass(db: str) -> None:
    station = open_station(db)
    configure(station, notify_max_attempts=1)  # the first failure is the last
    station.engine.dispose()
    FileChannel().path.parent.mkdir(parents=True, exist_ok=True)
    FileChannel().path.mkdir()
    gave_up = run(db, "notify", "--once", "--json")
    assert gave_up.exit_code == 4, gave_up.output
    outcome = json.loads(gave_up.output)
    assert outcome["waiting"] == 0 and len(outcome["gave_up"]) == 2  # one message, two parcels
    # The next pass sends the rest and gives up on nothing: what failed for good is the outbox's to show.
    FileChannel().path.rmdir()
    assert run(db, "notify", "--once").exit_code == 0


def test_notify_once_with_a_folder_where_its_file_goes_exits_4_and_says_so_in_chinese(db: str) -> None:
    """A real failure: the message file cannot be written (a folder in its place). The pass exits 4 and
    its line reads as the events line does ('已发送 0 条事件；2 条等待重试'): each figure spaced from its
    words, where it said '已发送0条消息，涉及0 件；2条等待重试'."""
    FileChannel().path.mkdir(parents=True)
    result = CliRunner().invoke(cli, ["--db", db, "--lang", "zh", "notify", "--once"], catch_exceptions=False)
    assert result.exit_code == 4, result.output
    line, why = result.output.splitlines()
    assert line == "已发送 0 条消息，涉及 0 件；2 条等待重试，0 条已放弃；已排队 0 条提醒"
    assert (
        why
        == f"  无法写入消息文件 {FileChannel().path}：该位置上是一个文件夹。请将该文件夹移走。消息会保留并稍后重试。"
    )
    failed = json.loads(run(db, "outbox", "--status", "failed", "--json").output)["messages"]
    assert len(failed) == 2 and FileChannel().path.is_dir()  # kept to try again, nothing written


def test_with_messages_off_notify_says_they_are_held_exits_3_and_sends_them_once_a_channel_is_chosen(
    db: str,
) -> None:
    """`notify_channel = "none"` (the demo's): check-ins queue messages nothing sends. `notify --once`
    said "Sent 0 messages ...; 0 waiting" and exited 0, the outbox called them waiting. It says how many
    are held and exits 3 for a cron job; the outbox says held. A channel chosen later sends those whose
    parcel is still on the shelf and withdraws the rest."""
    station = open_station(db)
    configure(station, notify_channel="none")
    with station.read() as session:
        queued = session.exec(select(Notification).order_by(col(Notification.id))).all()
    assert len(queued) == 4 and {n.status for n in queued} == {"queued"}
    station.engine.dispose()

    outcome = run(db, "notify", "--once", "--json")
    assert outcome.exit_code == 3, outcome.output
    assert json.loads(outcome.output)["held"] == 4 and json.loads(outcome.output)["off"] is True
    said = run(db, "notify", "--once")
    assert said.exit_code == 3
    assert (
        "Customer messages are off (notification channel: none): 4 messages held in the outbox" in said.output
    )
    assert "Sent 0" not in said.output
    listing = run(db, "outbox")
    assert listing.output.count("held: messages off") == 4 and "waiting" not in listing.output
    assert [m["held"] for m in json.loads(run(db, "outbox", "--json").output)["messages"]] == [True] * 4
    assert not FileChannel().path.exists()

    def first_left(session: Session) -> None:  # its parcel picked up while messages were off
        parcel = session.get(Parcel, queued[0].parcel_id)
        assert parcel is not None
        parcel.status = ParcelStatus.PICKED_UP
        session.add(parcel)

    station.run(first_left)
    configure(station, notify_channel="file")
    station.engine.dispose()
    sent = run(db, "notify", "--once", "--json")
    assert sent.exit_code == 0, sent.output
    outcome = json.loads(sent.output)
    assert outcome["held"] == 0 and outcome["cancelled"] == [queued[0].id] and len(outcome["sent"]) == 3
    assert FileChannel().path.read_text(encoding="utf-8").count("=== ") == 3
    assert "held" not in run(db, "outbox").output


def test_with_messages_off_a_message_whose_parcel_left_is_not_counted_as_held(db: str) -> None:
    """A message failed and waiting for its retry stays so when its parcel leaves (only queued ones are
    withdrawn then). With messages off it was counted held, "choose a channel to send it", and kept
    `notify --once` at exit 3, though a channel chosen would withdraw it, never send it."""
    station = open_station(db)
    configure(station, notify_channel="none")

    def retry_then_left(session: Session) -> None:
        for note in session.exec(select(Notification)).all():
            note.status, note.next_attempt_at = "failed", note.created_at  # a retry to come
            parcel = session.get(Parcel, note.parcel_id)
            assert parcel is not None
            parcel.status = ParcelStatus.PICKED_UP
            session.add_all([note, parcel])

    station.run(retry_then_left)
    station.engine.dispose()
    outcome = run(db, "notify", "--once", "--json")
    assert json.loads(outcome.output)["held"] == 0 and outcome.exit_code == 0, outcome.output
    assert "held" not in run(db, "outbox").output
    assert [m["held"] for m in json.loads(run(db, "outbox", "--json").output)["messages"]] == [False] * 4
