"""The message file (the file channel) not written: what went wrong by the system error's kind, what puts
it right, in the reader's words; 'tried again' only of a message that will be."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from checkin_helpers import configure
from conftest import FakeClock
from notify_helpers import checkin
from sqlmodel import select

from db.models import Notification, NotificationStatus
from station_console.services import notify
from station_console.services.core.station import Station
from station_console.services.notify.channels import FileChannel
from station_console.stored_messages import stored_text

RETRIED_EN = " The messages wait and are tried again."
RETRIED_ZH = "消息会保留并稍后重试。"


def rows(station: Station) -> list[Notification]:
    return station.run(lambda s: list(s.exec(select(Notification)).all()))


def failing_write(monkeypatch: pytest.MonkeyPatch, error: OSError) -> None:
    from station_console.services.notify import channels

    def not_written(path: Path) -> Any:
        raise error

    monkeypatch.setattr(channels, "open_private_append_text", not_written)


@pytest.mark.parametrize(
    ("error", "en", "zh"),
    [
        (
            OSError(28, "No space left on device"),
            "the disk is full. Make room on its disk.",
            "磁盘已满。请腾出磁盘空间。",
        ),
        (
            PermissionError(13, "Permission denied"),
            "this user may not write there (permission denied). Let this console write there.",
            "当前用户没有写入权限。请允许本机写入该位置。",
        ),
        (
            IsADirectoryError(21, "Is a directory"),
            "a folder is in its place. Move that folder away.",
            "该位置上是一个文件夹。请将该文件夹移走。",
        ),
        (
            NotADirectoryError(20, "Not a directory"),
            "a file is where its folder should be. Move that file away.",
            "其所在文件夹的位置上是一个文件。请将该文件移走。",
        ),
        (OSError(5, "Input/output error"), "EIO.", "EIO。"),  # no words of ours: its name, for the log's line
    ],
)
def test_a_message_file_not_written_says_what_went_wrong_by_its_kind_and_that_it_is_tried_again(
    station: Station, clock: FakeClock, monkeypatch: pytest.MonkeyPatch, error: OSError, en: str, zh: str
) -> None:
    """It told 'make room on its disk, or let this console write there' of a folder in the file's place too."""
    failing_write(monkeypatch, error)
    checkin(station, 1)
    clock.advance(seconds=121)
    result = notify.run_once(station)
    assert len(result.failed) == 1
    [row] = rows(station)
    path = FileChannel().path
    assert row.status == NotificationStatus.FAILED and row.next_attempt_at is not None  # tried again
    said_en = f"Cannot write the message file {path}: {en}{RETRIED_EN}"
    assert stored_text(row.last_error, "en") == said_en and result.error == said_en
    assert stored_text(row.last_error, "zh") == f"无法写入消息文件 {path}：{zh}{RETRIED_ZH}"


def test_a_message_given_up_on_is_not_said_to_be_tried_again(
    station: Station, clock: FakeClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    configure(station, notify_max_attempts=1)  # the first failure is the last
    failing_write(monkeypatch, IsADirectoryError(21, "Is a directory"))
    checkin(station, 1)
    clock.advance(seconds=121)
    result = notify.run_once(station)
    assert len(result.gave_up) == 1 and not result.failed
    [row] = rows(station)
    path = FileChannel().path
    assert row.status == NotificationStatus.FAILED and row.next_attempt_at is None  # given up
    said_en = f"Cannot write the message file {path}: a folder is in its place. Move that folder away."
    assert stored_text(row.last_error, "en") == said_en and result.error == said_en
    assert (
        stored_text(row.last_error, "zh")
        == f"无法写入消息文件 {path}：该位置上是一个文件夹。请将该文件夹移走。"
    )
