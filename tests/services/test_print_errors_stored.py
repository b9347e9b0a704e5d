"""Why a print job or a notification failed, stored for later and read in the reader's language.

A job that failed while the console spoke English is read later in Chinese (and the other way round);
rows stored before messages were kept by id (plain English) are shown as they are; a remote server's
answer is data, kept as it said it.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import FakeClock
from notify_helpers import checkin
from sendout_helpers import send, staff
from sqlmodel import col, select

from db.models import PrintJob
from hardware.messages import Message
from hardware.printers import DummyTransport, make_printer
from hardware.printers.transports import FileTransport, PrinterError
from station_console.errors import NotFound, Refused
from station_console.field_labels import FieldLabel
from station_console.i18n import LaterText, set_language, shown, translate
from station_console.safe_text import has_hidden
from station_console.services import notify
from station_console.services.core.station import Station
from station_console.services.notify import sender
from station_console.services.notify.channels import ChannelError, DummyChannel
from station_console.services.printing import sending
from station_console.settings import StationSettings
from station_console.stored_messages import MAX_LEN, stored_text, to_store


def stored_jobs(station: Station) -> list[PrintJob]:
    with station.read() as session:
        return list(session.exec(select(PrintJob).order_by(col(PrintJob.id))).all())


def test_a_message_is_stored_by_id_and_shown_in_either_language() -> None:
    message = Message(
        "Folder {folder} not found: check that its drive or network share is connected", folder="/x"
    )
    stored = to_store(message)
    assert json.loads(stored) == {"msgid": message.msgid, "params": {"folder": "/x"}}
    assert stored_text(stored, "en") == str(message)
    assert stored_text(stored, "zh") == "找不到文件夹 /x：检查其所在磁盘或网络共享是否已连接"


def test_a_message_inside_a_message_and_a_refusal_are_kept_by_id() -> None:
    inner = Message("{language} printers print labels only", language="zpl")
    stored = to_store(Message(sending.CANNOT_DRAW, reason=inner))
    assert stored_text(stored, "zh") == "无法生成此打印任务：zpl 打印机只能打印标签"
    gone = to_store(Message(sending.CANNOT_DRAW, reason=NotFound("Parcel {parcel} not found.", parcel=7)))
    assert stored_text(gone, "en") == "This job cannot be drawn: Parcel 7 not found."
    assert stored_text(gone, "zh") == "无法生成此打印任务：找不到包裹 7。"
    later = to_store(Message(sending.CANNOT_DRAW, reason=LaterText(inner)))
    assert stored_text(later, "zh") == "无法生成此打印任务：zpl 打印机只能打印标签"


def test_a_refusal_naming_a_setting_by_its_title_is_stored_with_the_title_not_pythons_repr() -> None:
    """A refusal's parameter that is itself a message with no id of its own (a setting's title, a
    list of reasons) is kept as its text, in the language of the moment it failed."""
    refusal = Refused(
        "Invalid value for {field}: {reason}", field=FieldLabel(StationSettings, "timezone"), reason="x"
    )
    set_language("zh")
    stored = to_store(Message(sending.CANNOT_DRAW, reason=refusal))
    set_language("en")
    assert "FieldLabel" not in stored and "<class" not in stored, stored
    assert stored_text(stored, "zh") == "无法生成此打印任务：“时区”的值无效：x"
    assert stored_text(stored, "en").startswith("This job cannot be drawn: Invalid value for ")


def test_old_rows_bare_ids_and_remote_answers_are_shown_as_they_are() -> None:
    assert stored_text("offline: dummy printer p1 is offline", "zh") == "offline: dummy printer p1 is offline"
    assert stored_text(sending.INTERRUPTED_NOTE, "zh") == "发送时中断：请检查是否已打印，如未打印请重打"
    assert stored_text(None) == "" and stored_text("") == ""
    # A server answering with JSON that looks like ours, but with an id we never wrote: its text, as data.
    spoof = '{"msgid": "{x.__class__}", "params": {"x": "y"}}'
    assert stored_text(spoof, "zh") == spoof and to_store(spoof) == spoof
    assert stored_text('{"msgid": broken', "zh") == '{"msgid": broken'


def test_a_refusal_stored_before_it_ended_in_its_stop_still_reads_in_the_readers_language() -> None:
    """Rows kept a refusal's id as it was then, without the full stop its id has now: read under the
    id with the stop, in Chinese too, alone, inside another message, or stored bare."""
    old = {"msgid": "Parcel {parcel} not found", "params": {"parcel": 7}}
    assert stored_text(json.dumps(old), "zh") == "找不到包裹 7。"
    assert stored_text(json.dumps(old), "en") == "Parcel 7 not found."
    inside = {"msgid": sending.CANNOT_DRAW, "params": {"reason": old}}
    assert stored_text(json.dumps(inside, ensure_ascii=False), "zh") == "无法生成此打印任务：找不到包裹 7。"
    assert stored_text("No phone number given", "zh") == translate("No phone number given.", "zh")
    assert stored_text("No phone number given", "zh").endswith("。")


def test_a_stored_message_never_outgrows_its_column() -> None:
    long = Message("The CUPS queue {queue} refused the job: {reason}", queue="q" * 200, reason="r" * 400)
    stored = to_store(long)
    assert len(stored) <= MAX_LEN and stored_text(stored, "zh").startswith("CUPS 队列 ")
    assert len(to_store(long, max_len=100)) == 100  # too long as JSON: its English, cut


def test_a_job_that_failed_in_english_is_read_later_in_chinese(station: Station) -> None:
    checkin(station, 1)
    DummyTransport.forget_all()
    printer = make_printer({"language": "tspl", "transport": "dummy", "target": "p1"}, name="default")
    printer.transport.fail_next(1, "offline")
    result = sending.process_queue(station, printer, lang="en")
    assert result.error_code == "offline" and isinstance(result.error, Message)
    assert result.error == "Dummy printer p1 is offline: check the printer's power and cable"
    (job,) = stored_jobs(station)
    assert job.status == "failed" and job.last_error is not None
    set_language("zh")
    assert stored_text(job.last_error) == "模拟打印机 p1 离线：检查打印机电源和连接线"
    assert stored_text(job.last_error, "en") == str(result.error)


def test_a_file_printer_whose_folder_is_gone_keeps_the_job_and_says_why(
    station: Station, tmp_path: Path
) -> None:
    checkin(station, 1)
    folder = f"{tmp_path}/labels/"
    printer = make_printer({"language": "tspl", "transport": "file", "target": folder}, name="default")
    assert isinstance(printer.transport, FileTransport)
    result = sending.process_queue(station, printer)
    assert result.printer_state == "offline" and not Path(folder).exists()
    (job,) = stored_jobs(station)
    assert job.status == "failed" and job.attempts == 1
    assert stored_text(job.last_error, "zh") == f"找不到文件夹 {folder}：检查其所在磁盘或网络共享是否已连接"


def test_a_file_printer_that_cannot_write_says_why_in_the_clerks_words(
    station: Station, tmp_path: Path
) -> None:
    """Not the system's English ("Not a directory"): the reason every file write gives, in the
    language of whoever reads it, live and stored."""
    checkin(station, 1)
    (tmp_path / "labels").write_text("")  # a file where the spool's folder should be
    spool = f"{tmp_path}/labels/spool.tspl"
    printer = make_printer({"language": "tspl", "transport": "file", "target": spool}, name="default")
    result = sending.process_queue(station, printer, lang="en")
    assert result.error is not None and result.printer_state == "misconfigured"
    assert shown(result.error, "en") == f"Cannot write {spool}: a file is where its folder should be"
    assert shown(result.error, "zh") == f"无法写入 {spool}：所在文件夹的位置上是一个同名文件，而不是文件夹"
    (job,) = stored_jobs(station)
    assert job.status == "failed"
    assert (
        stored_text(job.last_error, "zh")
        == f"无法写入 {spool}：所在文件夹的位置上是一个同名文件，而不是文件夹"
    )
    assert stored_text(job.last_error, "en") == f"Cannot write {spool}: a file is where its folder should be"


@pytest.mark.parametrize("under", ["labels", "labels/", "sub/labels.tspl"], ids=["spool", "folder", "deeper"])
def test_a_file_printer_under_a_file_is_said_misconfigured_not_offline(
    station: Station, tmp_path: Path, under: str
) -> None:
    """A file where the target's folder should be is said as such, in both languages, and the printer's
    state is its target, not 'offline' (that file is no drive gone): not 'not found (a folder, or a
    spool file ...)' nor 'Folder ... not found'."""
    checkin(station, 1)
    (tmp_path / "file.txt").write_text("notes")
    target = f"{tmp_path}/file.txt/{under}"
    printer = make_printer({"language": "tspl", "transport": "file", "target": target}, name="default")
    result = sending.process_queue(station, printer, lang="en")
    assert result.error is not None and result.printer_state == "misconfigured"
    assert shown(result.error, "en") == f"Cannot write {target}: a file is where its folder should be"
    assert shown(result.error, "zh") == f"无法写入 {target}：所在文件夹的位置上是一个同名文件，而不是文件夹"
    state = sending.PRINTER_STATES[result.printer_state]
    assert (translate(state, "en"), translate(state, "zh")) == ("wrong target", "目标路径有误")
    assert (tmp_path / "file.txt").read_text() == "notes"
    (job,) = stored_jobs(station)
    assert job.status == "failed"


def test_a_printer_error_from_before_keeps_working_as_text() -> None:
    exc = PrinterError("timeout", "printer did not answer in time")  # an id not in the catalog: as is
    assert exc.code == "timeout" and str(exc) == "timeout: printer did not answer in time"
    assert stored_text(to_store(exc.message), "zh") == "printer did not answer in time"


def test_the_outbox_says_why_in_the_readers_language(station: Station, clock: FakeClock) -> None:
    checkin(station, 1, phone=None, email="ann@example.com")
    clock.advance(seconds=121)
    notify.run_once(station, DummyChannel(address="phone"))
    (row,) = notify.list_outbox(station)
    assert row.last_error == "No address for the dummy channel"
    set_language("zh")
    (row,) = notify.list_outbox(station)
    assert row.last_error == "没有可用于dummy渠道的联系方式"


def test_a_servers_answer_stays_as_it_said_it(station: Station, clock: FakeClock) -> None:
    checkin(station, 1)
    clock.advance(seconds=121)
    channel = DummyChannel()
    channel.fail_with = [ChannelError("HTTP 502 [b]Bad Gateway[/b]")]
    notify.run_once(station, channel)
    set_language("zh")
    (row,) = notify.list_outbox(station)
    assert row.last_error == "HTTP 502 [b]Bad Gateway[/b]"


def test_a_servers_answer_cannot_drive_the_terminal_it_is_shown_on(
    station: Station, clock: FakeClock
) -> None:
    """An SMS gateway's reason phrase or an SMTP server's reply is whatever that server sent: the
    outbox screen and the CLI show its control characters as escapes, never send them to the terminal."""
    checkin(station, 1)
    clock.advance(seconds=121)
    channel = DummyChannel()
    channel.fail_with = [ChannelError("HTTP 502 \x1b[2J\x1b]0;owned\x07Bad \u202eGateway")]
    notify.run_once(station, channel)
    (row,) = notify.list_outbox(station)
    assert row.last_error is not None and not has_hidden(row.last_error), row.last_error
    assert row.last_error.startswith("HTTP 502 \\x1b[2J")
    # Our own message, with a parameter a server wrote: the same.
    ours = json.dumps({"msgid": "{device}: {reason}", "params": {"device": "lp", "reason": "\x1b[31mred"}})
    assert stored_text(ours, "zh") == "lp：\\x1b[31mred"


def test_an_interrupted_idempotent_send_is_noted_by_id(station: Station, clock: FakeClock) -> None:
    checkin(station, 1)
    clock.advance(seconds=121)
    channel = DummyChannel(idempotent=True)
    assert len(sender.claim(station, channel)) == 1  # committed "sending", then the process dies
    clock.advance(minutes=11)
    assert sender.recover_stale(station, channel)
    set_language("zh")
    row = notify.list_outbox(station)[0]
    assert row.last_error == "发送时中断：已用同一标识重发，顾客只会收到一次"


@pytest.mark.parametrize(
    ("printer", "zh"),
    [
        (
            {"language": "tspl", "size": "60x40"},
            "无法生成此打印任务：面单尺寸 60x40 毫米不可用：",
        ),
        ({"language": "escpos"}, "无法生成此打印任务：escpos 打印机不能打印面单："),
    ],
)
def test_a_waybill_printer_that_cannot_draw_the_waybill_says_so_later_in_chinese(
    station: Station, printer: dict[str, str], zh: str
) -> None:
    import station_console.services.sendout.drawing  # noqa: F401 - registers the send-out renderer

    counter = staff(station)
    send(counter, label_printer="waybill")
    DummyTransport.forget_all()
    waybill = make_printer({**printer, "transport": "dummy", "target": "wb"}, name="waybill")
    result = sending.process_queue(counter, waybill, lang="en")
    assert len(result.failed) == 1 and result.error_code is None  # the printer itself is fine
    # Ready if it took the send receipt; a printer sent nothing (the waybill cannot be drawn) is untried.
    assert result.printer_state == ("ready" if result.printed else "untried")
    (job,) = [j for j in stored_jobs(counter) if j.kind == "waybill"]
    assert job.status == "failed" and stored_text(job.last_error, "en").startswith(
        "This job cannot be drawn: "
    )
    assert stored_text(job.last_error, "zh").startswith(zh)


def test_a_refusal_with_advice_is_kept_by_id_and_read_whole_in_either_language() -> None:
    """A stocktake fix refused for want of room is read later with what to do, in Chinese too."""
    refusal = Refused(
        "No room for a size {size} parcel, not even in the overflow zone.",
        code="no_room",
        advice="Free a layer or add shelves, then scan again.",
        size="M",
    )
    stored = to_store(refusal)
    assert stored_text(stored, "en") == refusal.message("en")
    assert (
        stored_text(stored, "zh") == "没有空间存放 M 号包裹，临时区也已满。请腾出货架层或增加货架后重新扫描。"
    )
