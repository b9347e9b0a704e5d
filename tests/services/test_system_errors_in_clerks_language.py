"""A file or pattern refused for a reason only the system or a library put into words (an OSError, a
broken zip, a regex `re` will not compile) is refused in the clerk's language with what to do; the
library's English goes to the log, never to the screen."""

from __future__ import annotations

import logging
import re
import zipfile
from pathlib import Path

import pytest

from station_console.errors import Refused
from station_console.safe_text import cut
from station_console.services.core import typed_files
from station_console.services.recipients import xlsx
from station_console.services.scan import carriers
from station_console.services.sendout import rule_files

# Latin words in a Chinese message: the library's English leaking through (a path or a regex is data).
_ENGLISH = re.compile(r"[A-Za-z]{4,}")


def _english_words(text: str, *data: str) -> list[str]:
    for kept in data:
        text = text.replace(kept, "")
    return _ENGLISH.findall(text.replace("XLSX", "").replace("Excel", "").replace("xlsx", ""))


def test_a_rule_file_the_disk_will_not_give_is_refused_in_chinese_and_logged_as_the_system_said(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    path = tmp_path / "tariff.toml"
    path.write_text("x = 1\n", encoding="utf-8")

    opened = typed_files.open_file

    def broken(file: Path, flags: int) -> int:
        if file == path:  # only the rule file
            raise OSError(5, "Input/output error")
        return opened(file, flags)

    monkeypatch.setattr(typed_files, "open_file", broken)
    with caplog.at_level(logging.WARNING), pytest.raises(Refused) as refused:
        rule_files.read_text(path, tuple(rule_files.TARIFF_FORMATS))
    zh = refused.value.message("zh")
    assert zh.startswith(f"无法读取 {path}：所在磁盘或网络共享没有响应。请检查是否已连接"), zh
    assert _english_words(zh, str(path)) == [], zh
    assert "Input/output error" in caplog.text  # the system's words, for whoever reads the log


def test_a_file_that_is_no_workbook_is_refused_in_chinese_saying_how_to_save_it(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    path = tmp_path / "people.xlsx"
    path.write_bytes(b"name,phone\nLi,13812345678\n")
    with caplog.at_level(logging.WARNING), pytest.raises(Refused) as refused:
        list(xlsx.rows(path))
    zh = refused.value.message("zh")
    assert zh == "people.xlsx 不是 XLSX 工作簿。请用 Excel 或 WPS 打开，另存为 .xlsx 工作簿后重新导入。", zh
    assert "File is not a zip file" in caplog.text


def test_a_workbook_missing_its_parts_is_refused_as_damaged_in_chinese(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    path = tmp_path / "people.xlsx"
    with zipfile.ZipFile(path, "w") as book:
        book.writestr("[Content_Types].xml", "<Types/>")  # a zip, but no xl/workbook.xml
    with caplog.at_level(logging.WARNING), pytest.raises(Refused) as refused:
        list(xlsx.rows(path))
    zh = refused.value.message("zh")
    assert zh.startswith("people.xlsx 已损坏：工作簿中有部分内容缺失或无法读取。请用 Excel 或 WPS"), zh
    assert _english_words(zh, "people.xlsx") == [], zh
    assert "workbook.xml" in caplog.text


@pytest.mark.parametrize(
    ("regex", "said"),
    [
        ("^KD[0-9", "不是有效的正则表达式：请检查第 4 个字符附近"),
        ("^(KD)?$", "会匹配空运单号：请让它至少匹配一个字符"),
        ("^(A|A)+B$", "某些输入匹配太慢"),
        ("A" * 201, "超过 200 个字符：请缩短"),
    ],
)
def test_a_carrier_pattern_that_cannot_be_used_says_why_in_chinese(regex: str, said: str) -> None:
    with pytest.raises(Refused) as refused:
        carriers.validate_patterns([{"regex": regex}])
    assert refused.value.code == "bad_pattern"
    zh = refused.value.message("zh")
    shown = cut(regex, 60)  # a long pattern is quoted cut, with its sign
    assert zh.startswith(f"运单号规则 {shown} 无法使用：") and said in zh, zh
    assert _english_words(zh, shown) == [], zh
    assert "cannot be used: it " in refused.value.message("en")  # English reads as a sentence too
