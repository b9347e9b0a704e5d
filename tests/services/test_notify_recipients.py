"""Messages to people in the directory: their choice and how to change it, their language, their opt-out."""

from __future__ import annotations

from checkin_helpers import configure
from conftest import FakeClock
from notify_helpers import zto
from recipient_helpers import act_as

from db.models import Role
from station_console.services import notify
from station_console.services.checkin.transaction import check_in
from station_console.services.core.station import Station
from station_console.services.notify.channels import DummyChannel
from station_console.services.recipients import consent, directory
from station_console.services.recipients.consent import Choice


def person(station: Station, name: str, phone: str, **values: str) -> int:
    return directory.add(station, {"name": name, "phones": phone, **values}).id


def test_a_directory_recipient_reads_their_choice_and_how_to_change_it(
    station: Station, clock: FakeClock
) -> None:
    act_as(station, Role.MANAGER)
    configure(station, notify_language="en", recipients_contact="call 0571-8888 8888")
    zhang = person(station, "张三", "13812345678")
    consent.record(station, zhang, Choice(consent="granted", delivery_preference="station"), channel="app")
    check_in(station, zto(1), batch="ZTO", recipient_id=zhang)
    check_in(station, zto(2), batch="ZTO", phone="13900000000")  # not in the directory
    clock.advance(seconds=121)
    channel = DummyChannel()
    notify.run_once(station, channel)
    by_to = {m.to: m.body for m in channel.sent}
    assert "Your delivery choice on record: pickup at the station." in by_to["13812345678"]
    assert "To change it, or to stop reminders: call 0571-8888 8888." in by_to["13812345678"]
    assert "delivery choice" not in by_to["13900000000"]


def test_no_choice_on_record_says_so_in_the_recipients_own_language(
    station: Station, clock: FakeClock
) -> None:
    act_as(station, Role.MANAGER)
    configure(station, notify_language="both")
    ada = person(station, "Ada", "13812345678", language="en")
    li = person(station, "李雷", "13987654321", language="zh")
    check_in(station, zto(1), batch="ZTO", recipient_id=ada)
    check_in(station, zto(2), batch="ZTO", recipient_id=li)
    clock.advance(seconds=121)
    channel = DummyChannel()
    notify.run_once(station, channel)
    by_to = {m.to: m for m in channel.sent}
    english, chinese = by_to["13812345678"], by_to["13987654321"]
    assert "No delivery choice on record" in english.body and "驿站" not in english.body
    assert "取件码" in chinese.body and "Pickup code" not in chinese.body
    assert "如需更改" in chinese.body  # how to change it, in Chinese


def test_reminders_respect_an_opt_out(station: Station, clock: FakeClock) -> None:
    act_as(station, Role.MANAGER)
    quiet = person(station, "王五", "13812345678")
    loud = person(station, "赵六", "13987654321")
    consent.record(station, quiet, Choice(reminders_opt_out=True), channel="sms")
    check_in(station, zto(1), batch="ZTO", recipient_id=quiet)
    check_in(station, zto(2), batch="ZTO", recipient_id=loud)
    check_in(station, zto(3), batch="ZTO", phone="13700000000")
    channel = DummyChannel()
    clock.advance(seconds=121)
    notify.run_once(station, channel)  # the arrival messages go to everyone
    assert len(channel.sent) == 3
    clock.advance(hours=49)
    assert notify.run_once(station, channel).reminders == 2
    reminded = sorted(m.to for m in channel.sent if m.kind == "reminder")
    assert reminded == ["13700000000", "13987654321"]
