"""`station events` through click: carrier events sent, listed, retried and dropped, and what
`send --once` exits with."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from cli import carrierdata_cli_helpers as shared
from cli.carrierdata_cli_helpers import zto
from station_console.services.admin.setup import open_station
from station_console.text_columns import display_width

pytestmark = pytest.mark.new_station  # its own manager, boss, made as a first run
run, boss = shared.run, shared.boss  # the shared fixtures, as the tests name them


def _webhook_for_zto(db_url: str, url: str) -> None:
    _event_targets(db_url, {"ZTO": {"channel": "webhook", "url": url, "timeout_s": 2}})


def _event_targets(db_url: str, targets: dict[str, object]) -> None:
    from sqlmodel import Session

    from db.models import Setting
    from station_console.services.core.settings import STATION_KEY, load_station_settings

    station = open_station(db_url)

    def target(session: Session) -> None:
        row = session.get(Setting, STATION_KEY)
        assert row is not None
        settings = load_station_settings(session).model_dump(mode="json")
        settings["carrier_event_targets"] = targets
        row.value = settings
        session.add(row)

    station.run(target)
    station.engine.dispose()


def test_events_send_list_retry_and_drop(run, boss, db_url: str, tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    _event_targets(db_url, {"ZTO": {"channel": "webhook", "url": "http://127.0.0.1:9/x"}})
    run("checkin", zto(1))
    no_secret = run("events", "send", "--once")
    assert "ZTO: No secret for ZTO: add it under [carrier_event_secrets]" in no_secret.output
    assert no_secret.exit_code == 3  # done, but ZTO could send nothing: a cron job must notice
    as_json = run("events", "send", "--once", "--json")
    assert as_json.exit_code == 3 and json.loads(as_json.output)["unusable"] == ["ZTO"]
    assert "ZTO：ZTO 没有密钥" in run("events", "send", "--once", lang="zh").output
    monkeypatch.setenv("STATION_EVENT_SECRET_ZTO", "k")
    down = run("events", "send", "--once", "--json")
    assert down.exit_code == 4  # a receiver that is down is retried, and a cron job can tell
    sent = json.loads(down.output)
    assert sent["failed"] and "127.0.0.1:9" in sent["errors"]["ZTO"]  # nothing listens on port 9
    assert sent["unusable"] == []
    event_id = str(sent["failed"][0])
    listed = run("events", "list", "--status", "failed").output
    assert "arrived" in listed and "Cannot reach the receiver http://127.0.0.1:9/x: " in listed
    # In Chinese: the state, the kind and our sentence; the carrier code, waybill and the system's words
    # are data. Columns line up by terminal width (a Chinese character takes two).
    header, row = run("events", "list", "--status", "failed", lang="zh").output.splitlines()
    assert "已到站" in row and "失败" in row and "无法连接接收方 http://127.0.0.1:9/x：" in row
    assert "checked_in" not in row and "failed" not in row and "Cannot reach" not in row
    for title, cell in (("事件", "已到站"), ("状态", "失败"), ("错误", "无法连接")):
        assert display_width(header[: header.index(title)]) == display_width(row[: row.index(cell)])
    assert run("events", "retry", event_id, clerk=None).exit_code == 1  # nobody signed in
    assert run("events", "retry", event_id, clerk=boss).exit_code == 0
    assert run("events", "drop", event_id, "--reason", "test station", clerk=None).exit_code == 1
    assert run("events", "drop", event_id, "--reason", "test station", clerk=boss).exit_code == 0
    assert json.loads(run("events", "list", "--json").output)["events"][0]["status"] == "dropped"


def test_events_send_once_exits_4_while_events_wait_for_a_retry(run, db_url: str, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """A receiver down exited 0: a cron job could not tell "all sent" from "down for the third hour".
    Events left waiting (tried and failed, held behind one that failed, or not due again yet) exit 4."""
    from cli.event_receiver_here import receiver

    monkeypatch.setenv("STATION_EVENT_SECRET_ZTO", "k")
    with receiver("k", ["fail"]) as rx:
        _webhook_for_zto(db_url, rx.url)
        run("checkin", zto(1))
        run("checkin", zto(2))
        down = run("events", "send", "--once")
        assert down.exit_code == 4, down.output
        assert "Sent 0 events; 2 waiting for a retry, 0 dead-lettered" in down.output
        # The next pass, before the retry is due, tries nothing: the events still wait.
        later = run("events", "send", "--once", "--json")
        assert later.exit_code == 4 and json.loads(later.output)["waiting"] == 2
        assert "2 条等待重试" in run("events", "send", "--once", lang="zh").output
        assert rx.keys() == []


def test_events_send_once_exits_3_for_events_whose_carriers_target_was_removed(  # type: ignore[no-untyped-def]
    run, db_url: str, monkeypatch
) -> None:
    """Events queued while ZTO had a target, the targets removed since: nothing will ever send them,
    yet the pass said they waited for a retry and exited 4."""
    from cli.event_receiver_here import receiver

    monkeypatch.setenv("STATION_EVENT_SECRET_ZTO", "k")
    with receiver("k", ["fail"]) as rx:
        _webhook_for_zto(db_url, rx.url)
        run("checkin", zto(1))
        run("checkin", zto(2))
    _event_targets(db_url, {})
    stuck = run("events", "send", "--once")
    assert stuck.exit_code == 3, stuck.output
    assert "Sent 0 events; 0 waiting for a retry, 0 dead-lettered" in stuck.output
    assert (
        "ZTO: 2 events cannot be sent, as the carrier has no usable event target: drop them" in stuck.output
    )
    said = run("events", "send", "--once", "--json")
    assert said.exit_code == 3
    outcome = json.loads(said.output)
    assert outcome["waiting"] == 0 and outcome["stranded"] == {"ZTO": 2} and outcome["unusable"] == ["ZTO"]
    assert "ZTO：2 条事件无法发送" in run("events", "send", "--once", lang="zh").output
    # Another carrier's target is set, ZTO's still not: ZTO's events are still no retry's to send.
    _event_targets(db_url, {"SF": {"channel": "file"}})
    other = run("events", "send", "--once")
    assert other.exit_code == 3 and "0 waiting for a retry" in other.output, other.output


def test_events_send_once_exits_4_when_an_event_is_dead_lettered_and_0_when_all_went(  # type: ignore[no-untyped-def]
    run, db_url: str, monkeypatch
) -> None:
    from cli.event_receiver_here import receiver

    monkeypatch.setenv("STATION_EVENT_SECRET_ZTO", "k")
    with receiver("k", ["refuse"]) as rx:  # 400: no retry helps
        _webhook_for_zto(db_url, rx.url)
        run("checkin", zto(1))
        refused = run("events", "send", "--once")
        assert refused.exit_code == 4, refused.output
        assert "Sent 0 events; 0 waiting for a retry, 1 dead-lettered" in refused.output
        run("checkin", zto(2))
        sent = run("events", "send", "--once")
        assert sent.exit_code == 0, sent.output  # the dead letter of the pass before is not this pass's
        assert "Sent 1 event; 0 waiting for a retry, 0 dead-lettered" in sent.output
        assert len(rx.keys()) == 1


def test_events_list_counts_the_try_that_went_through(run, db_url: str, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """A sent event's Tries is the send that went through (it read 0: the failures)."""
    _event_targets(db_url, {"*": {"channel": "file", "folder": str(tmp_path)}})
    run("checkin", zto(1))
    assert json.loads(run("events", "send", "--once", "--json").output)["sent"]
    header, row = run("events", "list").output.splitlines()
    assert "Tries" in header and " sent " in row and row.split()[-1] == "1", row


def test_events_list_names_the_event_a_held_back_one_waits_behind(run, db_url: str, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """A parcel's pickup behind its dead-lettered arrival is not sent, and the listing says behind
    which event it waits (it read "queued", and the next pass sent it)."""
    from sqlmodel import Session, select

    from db.models import CarrierEvent

    _event_targets(db_url, {"*": {"channel": "file", "folder": str(tmp_path)}})
    run("checkin", zto(1))
    station = open_station(db_url)

    def arrival_refused_then_picked_up(session: Session) -> int:
        arrival = session.exec(select(CarrierEvent)).one()
        arrival.status, arrival.attempts, arrival.next_attempt_at = "dead", 1, None
        session.add(arrival)
        pickup = CarrierEvent(
            carrier_id=arrival.carrier_id,
            parcel_id=arrival.parcel_id,
            kind="picked_up",
            waybill=arrival.waybill,
            at=arrival.at,
            idempotency_key="pickup-1",
            payload=arrival.payload,
            status="queued",
            next_attempt_at=arrival.at,
            created_at=arrival.at,
        )
        session.add(pickup)
        assert arrival.id is not None
        return arrival.id

    arrival_id = station.run(arrival_refused_then_picked_up)
    station.engine.dispose()
    assert json.loads(run("events", "send", "--once", "--json").output)["sent"] == []
    pickup_row, arrival_row = run("events", "list").output.splitlines()[1:]
    assert f"waiting behind event {arrival_id}" in pickup_row and "dead letter" in arrival_row
    assert f"排在事件 {arrival_id} 之后等待" in run("events", "list", lang="zh").output.splitlines()[1]
    listed = json.loads(run("events", "list", "--json").output)["events"]
    assert [e["waiting_behind"] for e in listed] == [arrival_id, None]


def test_events_send_once_exits_3_when_the_event_folder_is_a_file(run, db_url: str, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """A file where the folder should be is no receiver that is down: no retry writes there until someone
    moves it, so a cron job is told as for a target that cannot be used (3), not a wait (4)."""
    folder = tmp_path / "upload"
    folder.write_text("not a folder")
    _event_targets(db_url, {"*": {"channel": "file", "folder": str(folder)}})
    run("checkin", zto(1))
    blocked = run("events", "send", "--once", "--json")
    assert blocked.exit_code == 3, blocked.output
    assert json.loads(blocked.output)["unusable"] == ["ZTO"]
