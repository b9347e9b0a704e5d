"""Files the recipients import refuses whole, and says why: no id or name column, no header row, a
file it cannot read or one too big; nothing is imported."""

from __future__ import annotations

from pathlib import Path

import pytest
from recipient_helpers import HEADERS_ZH, PEOPLE, act_as, count, write_csv

from db.models import Recipient, Role
from station_console.errors import Refused
from station_console.services.core import typed_files
from station_console.services.core.station import Station
from station_console.services.recipients.importing import import_file


@pytest.fixture
def manager(station: Station) -> Station:
    act_as(station, Role.MANAGER, "boss")
    return station


def test_a_file_without_an_id_column_is_refused_with_the_headers(manager: Station, tmp_path: Path) -> None:
    with pytest.raises(Refused) as caught:
        import_file(manager, write_csv(tmp_path / "a.csv", [["姓名", "手机"], ["张三", "13812345678"]]))
    assert caught.value.code == "column_missing" and "姓名" in caught.value.message()
    assert count(manager, Recipient) == 0


def test_a_file_without_a_name_column_is_refused_in_the_callers_words(
    manager: Station, tmp_path: Path
) -> None:
    """The command line's --column by default; a caller with no such option gives its own words."""
    path = write_csv(tmp_path / "a.csv", [["学号", "手机"], ["00123", "13812345678"]])
    with pytest.raises(Refused) as cli:
        import_file(manager, path, dry_run=True)
    assert "--column name=HEADER" in cli.value.message("en")
    own = {"external_id": "No id column ({headers}).", "name": "No name column ({headers})."}
    with pytest.raises(Refused) as caught:
        import_file(manager, path, dry_run=True, no_column=own)
    assert caught.value.code == "column_missing" and caught.value.params["field"] == "name"
    assert caught.value.message("en") == "No name column (学号, 手机)."


def test_a_note_column_is_no_id_and_a_file_without_one_is_refused_naming_its_columns(
    manager: Station, tmp_path: Path
) -> None:
    """Ids are what an import keeps people by: with no id column nothing is imported, and the line says
    which columns the file has (the note's text never becomes anyone's id)."""
    rows = [["姓名", "手机", "note"], ["张三", "13812345678", "夜班"], ["李四", "13812345679", "夜班"]]
    with pytest.raises(Refused) as caught:
        import_file(manager, write_csv(tmp_path / "a.csv", rows), dry_run=True)
    assert caught.value.code == "column_missing"
    said = caught.value.message("en")
    assert said.startswith("The file has no id column") and "its columns: 姓名, 手机, note." in said
    assert "文件中没有编号列" in caught.value.message("zh") and "姓名、手机、note" in caught.value.message(
        "zh"
    )
    assert count(manager, Recipient) == 0


def test_files_we_cannot_read_are_refused(manager: Station, tmp_path: Path) -> None:
    old = tmp_path / "old.xls"
    old.write_bytes(b"\xd0\xcf\x11\xe0")
    for path, code in ((tmp_path / "missing.csv", "no_file"), (old, "xls_format")):
        with pytest.raises(Refused) as caught:
            import_file(manager, path)
        assert caught.value.code == code
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    with pytest.raises(Refused, match="empty"):
        import_file(manager, empty)


UNREADABLE = {
    "folder": ("{path} is a folder: type the path of a file.", "{path} 是文件夹：请输入文件的路径。"),
    "missing": ("No such file: {path}.", "找不到文件：{path}。"),
    "not allowed": (
        "{path} may not be read by this console: let it be read, or copy it elsewhere.",
        "本机没有读取 {path} 的权限：请开放读取权限，或把文件复制到别处。",
    ),
    "no answer": (
        "{path} could not be read: its disk or network share did not answer. Check that it is connected,"
        " then type the path again.",
        "无法读取 {path}：所在磁盘或网络共享没有响应。请检查是否已连接，然后重新输入路径。",
    ),
}


@pytest.mark.parametrize("case", list(UNREADABLE))
def test_a_path_it_cannot_read_is_refused_in_the_words_of_the_pre_alert_import(
    manager: Station, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, case: str
) -> None:
    """A folder, a missing file, one not to be read and one on a share that does not answer: the
    recipients import said 'No such file' of a folder, and the system's English of the rest."""
    from station_console.services.prealerts.importer import import_file as import_prealerts

    path = tmp_path if case == "folder" else tmp_path / "people.csv"
    if case in ("not allowed", "no answer"):
        write_csv(path, [HEADERS_ZH, *PEOPLE])
        error = PermissionError(13, "Permission denied") if case == "not allowed" else OSError(5, "I/O error")

        def open_file(*args: object) -> int:
            raise error

        monkeypatch.setattr(typed_files, "open_file", open_file)
    for read in (import_file, import_prealerts):
        with pytest.raises(Refused) as refused:
            read(manager, path)
        en, zh = (words.format(path=path) for words in UNREADABLE[case])
        assert (refused.value.message("en"), refused.value.message("zh")) == (en, zh), read
    assert count(manager, Recipient) == 0


def test_a_file_too_big_for_a_recipients_file_is_refused_naming_it(
    manager: Station, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from station_console.services.recipients import files

    path = write_csv(tmp_path / "people.csv", [HEADERS_ZH, *PEOPLE])
    monkeypatch.setattr(files, "MAX_BYTES", 1024 * 1024)
    path.write_bytes(path.read_bytes() + b"\n" * (1024 * 1024))
    with pytest.raises(Refused) as refused:
        import_file(manager, path)
    assert refused.value.message("en") == f"{path} is too big for a recipients file (over 1 MB)."
    assert refused.value.message("zh") == f"{path} 太大，不像收件人名录文件（超过 1 MB）。"
    assert count(manager, Recipient) == 0


def test_a_file_without_a_header_row_is_refused_without_showing_a_phone_in_its_first_row(
    manager: Station, tmp_path: Path
) -> None:
    """A directory saved without its header row: the refusal names the first row's cells as its columns,
    a phone among them masked, as every other cell of a file holding people is."""
    rows = [["00123", "张三", "13812345678"], ["00124", "李四", "13812345679"]]
    with pytest.raises(Refused) as caught:
        import_file(manager, write_csv(tmp_path / "a.csv", rows), dry_run=True)
    assert caught.value.code == "column_missing"
    for lang in ("en", "zh"):
        said = caught.value.message(lang)
        assert "138****5678" in said and "13812345678" not in said, said


def test_the_columns_a_refusal_names_are_quoted_as_a_pre_alerts_headings_are(
    manager: Station, tmp_path: Path
) -> None:
    """Headers were quoted at 40 characters each, up to 20 of them: a header row that is a line of
    anything came back near whole. Now as every import's headings are: the first twelve, each cut at 20
    characters with a sign (a phone masked), and how many more."""
    note = "call 13812345678 before you deliver, weekdays only"
    headers = ["姓名", note, *(f"h{n}" for n in range(14))]
    with pytest.raises(Refused) as caught:
        import_file(manager, write_csv(tmp_path / "a.csv", [headers, ["张三", *["x"] * 15]]), dry_run=True)
    said = caught.value.message("en")
    assert "its columns: 姓名, call 138****5678 be…, h0, h1," in said, said
    assert "h9 and 4 more. Nothing was imported" in said and "h10" not in said
    assert "13812345678" not in caught.value.message("zh")
    assert count(manager, Recipient) == 0
