"""Importing the recipient directory: encodings, leading zeros, duplicates, renamed columns, upserts
(files refused whole: test_recipients_import_refused_files.py)."""

from __future__ import annotations

from pathlib import Path

import pytest
from recipient_helpers import (
    HEADERS_ZH,
    PEOPLE,
    act_as,
    count,
    phones_of,
    recipient,
    write_csv,
    write_xlsx,
)
from sqlmodel import select

from db.models import EventKind, Parcel, ParcelEvent, Recipient, RecipientConsent, Role
from station_console.errors import PermissionDenied, Refused
from station_console.i18n import set_language
from station_console.services.core.station import Station
from station_console.services.recipients import directory
from station_console.services.recipients.import_summary import summary_lines
from station_console.services.recipients.importing import ImportResult, import_file
from station_console.services.recipients.parsing import Issue, saved_mappings


@pytest.fixture
def manager(station: Station) -> Station:
    act_as(station, Role.MANAGER, "boss")
    return station


def test_a_gbk_csv_from_excel_keeps_chinese_names_and_leading_zeros(manager: Station, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "名单.csv", [HEADERS_ZH, *PEOPLE], encoding="gbk")
    result = import_file(manager, path)
    assert (result.encoding, result.added, result.updated, result.issues) == ("gb18030", 4, 0, [])
    assert result.columns == {
        "external_id": "学号",
        "name": "姓名",
        "phone": "手机",
        "building": "楼栋",
        "unit": "单元",
        "room": "房间",
    }
    zhang = recipient(manager, "00123")
    assert (zhang.name, zhang.building, zhang.unit, zhang.room, zhang.floor) == ("张三", "A3", "2", "502", 5)
    assert recipient(manager, "00124").floor == 12
    assert phones_of(manager, "00126") == ["13600002222"]
    shown = directory.get(manager, "00123")
    assert shown.phones == ("138****5678",) and shown.source == "directory"


def test_a_cell_pasted_in_colour_is_imported_without_its_colour_codes(
    manager: Station, tmp_path: Path
) -> None:
    coloured = [[c if n != 1 else f"\x1b[31m{c}\x1b[0m" for n, c in enumerate(row)] for row in PEOPLE]
    import_file(manager, write_csv(tmp_path / "名单.csv", [HEADERS_ZH, *coloured]))
    assert recipient(manager, "00123").name == "张三"


@pytest.mark.parametrize(
    ("encoding", "delimiter", "expected"),
    [("utf-8-sig", ",", "utf-8-sig"), ("utf-8", ";", "utf-8"), ("utf-16", "\t", "utf-16")],
)
def test_other_encodings_and_separators(
    manager: Station, tmp_path: Path, encoding: str, delimiter: str, expected: str
) -> None:
    rows = [["ID", "Name", "Phone", "Building", "Room"], ["007", "王五", "13511112222", "C", "210"]]
    path = write_csv(tmp_path / "people.csv", rows, encoding=encoding, delimiter=delimiter)
    result = import_file(manager, path)
    assert (result.encoding, result.added) == (expected, 1)
    assert recipient(manager, "007").name == "王五"


def test_xlsx_numbers_keep_their_zeros_and_phones_their_digits(manager: Station, tmp_path: Path) -> None:
    rows: list[list[object]] = [
        ["工号", "姓名", "手机号码", "部门"],
        [123, "赵六", 13812345678, "财务部"],
        ["00007", "钱七", "139 8765 4321", "人事部"],
        [9.0, "孙八", 13600001111.0, None],
    ]
    path = write_xlsx(tmp_path / "staff.xlsx", rows, formats={(2, 1): "000000", (4, 1): "0000"})
    result = import_file(manager, path)
    assert (result.encoding, result.added, result.issues) == ("xlsx", 3, [])
    assert recipient(manager, "000123").name == "赵六"
    assert recipient(manager, "00007").department == "人事部"
    assert recipient(manager, "0009").name == "孙八"
    assert phones_of(manager, "000123") == ["13812345678"]
    assert phones_of(manager, "0009") == ["13600001111"]


def test_a_title_row_above_the_headers_is_skipped(manager: Station, tmp_path: Path) -> None:
    path = write_csv(
        tmp_path / "t.csv", [["2026级学生名单", "", ""], ["学号", "姓名", "宿舍号"], ["1", "周九", "304"]]
    )
    result = import_file(manager, path)
    assert (result.added, result.columns) == (1, {"external_id": "学号", "name": "姓名", "room": "宿舍号"})


def test_duplicate_ids_count_once_and_name_clashes_are_reported(manager: Station, tmp_path: Path) -> None:
    rows = [
        HEADERS_ZH,
        ["001", "张伟", "13800000001", "A", "", "101"],
        ["002", "张伟", "13800000002", "B", "", "202"],
        ["001", "张伟伟", "13800000003", "A", "", "103"],
    ]
    result = import_file(manager, write_csv(tmp_path / "d.csv", rows))
    assert result.added == 2
    assert result.duplicates == [{"line": 4, "external_id": "001", "first_line": 2}]
    assert result.clashes == [{"name": "张伟", "external_ids": ["001", "002"]}]
    assert recipient(manager, "001").room == "101"  # the first row counts


def test_bad_rows_are_reported_by_line_and_the_rest_imported(manager: Station, tmp_path: Path) -> None:
    rows = [
        ["学号", "姓名", "手机", "配送方式"],
        ["1", "", "13800000001", ""],  # no name: skipped
        ["", "无号", "13800000002", ""],  # no id: skipped
        ["3", "吴十", "5678", "送货上门"],  # a tail is no directory phone: kept without it
        ["4", "郑一", "13800000004", "飞艇"],  # unknown choice: kept without it
    ]
    result = import_file(manager, write_csv(tmp_path / "b.csv", rows))
    assert result.added == 2
    assert [(i.line, i.code) for i in result.issues] == [
        (2, "name_empty"),
        (3, "no_external_id"),
        (4, "phone_partial"),
        (5, "bad_preference"),
    ]
    assert phones_of(manager, "3") == [] and recipient(manager, "3").delivery_preference == "door"
    assert recipient(manager, "4").delivery_preference is None


def test_a_bad_phone_on_a_known_persons_line_keeps_their_phones_and_the_rest_of_the_line(
    manager: Station, tmp_path: Path
) -> None:
    """The row is kept without the bad value, "left as it is in the directory": the phones too,
    which a bad cell used to replace with none."""
    import_file(manager, write_csv(tmp_path / "a.csv", [HEADERS_ZH, *PEOPLE]))
    again = [row[:] for row in PEOPLE]
    again[0][2] = "12345"  # 张三's phone mistyped
    again[0][5] = "608"  # and a real change on the same line
    again[1][2] = ""  # 李四's phone left empty: the file says they have none
    result = import_file(manager, write_csv(tmp_path / "b.csv", [HEADERS_ZH, *again]))
    assert [(i.line, i.code) for i in result.issues] == [(2, "phone_invalid")]
    assert phones_of(manager, "00123") == ["13812345678"] and recipient(manager, "00123").room == "608"
    assert phones_of(manager, "00124") == []
    assert {c["external_id"]: c["fields"] for c in result.changes} == {
        "00123": ["floor", "room"],
        "00124": ["phones"],
    }


def test_the_summary_says_what_became_of_a_line_with_a_bad_value(manager: Station, tmp_path: Path) -> None:
    """A bad phone's line is imported without it, a bad name's skipped: the reason alone left the
    manager to guess whether the person is in the directory."""
    rows = [["学号", "姓名", "手机"], ["7", "吴十", "12345"], ["8", "名" * 65, "13800000008"]]
    result = import_file(manager, write_csv(tmp_path / "a.csv", rows), dry_run=True)
    problems = [line for line in summary_lines(result) if line.startswith(("Line 2: A", "Line 3: N"))]
    assert problems == [
        "Line 2: A phone is its last 4 digits, an 11-digit mobile number, or + country code and number. "
        "The line is imported without its phones; a person already in the directory keeps theirs.",
        "Line 3: Name is longer than 64 characters. The line is skipped.",
    ]
    assert result.to_json()["issues"][0]["message"] == problems[0].removeprefix("Line 2: ")
    set_language("zh")
    said = [line for line in summary_lines(result) if line.startswith(("第 2 行：手", "第 3 行：姓"))]
    assert said == [
        "第 2 行：手机号应为 4 位尾号、11 位手机号码，或 + 国家代码加号码。"
        "此行导入时不含手机号；名录中已有的人保留原有的手机号。",
        "第 3 行：姓名 超过 64 个字符。此行已跳过。",
    ]


def test_the_summary_names_fields_by_their_labels_in_the_consoles_language(
    manager: Station, tmp_path: Path
) -> None:
    import_file(manager, write_csv(tmp_path / "a.csv", [HEADERS_ZH, *PEOPLE]))
    moved = [row[:] for row in PEOPLE]
    moved[0][5] = "608"
    moved[1][1] = "长" * 65
    set_language("zh")
    lines = summary_lines(import_file(manager, write_csv(tmp_path / "b.csv", [HEADERS_ZH, *moved])))
    assert lines[1] == "列对应：编号=学号、姓名=姓名、手机=手机、楼栋=楼栋、单元=单元、房间=房间"
    assert "00123：楼层、房间" in lines
    assert "第 3 行：姓名 超过 64 个字符。此行已跳过。" in lines
    assert not any(": " in line or "room" in line or "name" in line for line in lines)


def test_upsert_on_the_external_id_updates_only_what_changed(manager: Station, tmp_path: Path) -> None:
    import_file(manager, write_csv(tmp_path / "a.csv", [HEADERS_ZH, *PEOPLE]))
    moved = [row[:] for row in PEOPLE]
    moved[0][5] = "608"  # 张三 moved rooms
    moved[1][2] = "13911110000"  # 李四 changed phones
    result = import_file(manager, write_csv(tmp_path / "b.csv", [HEADERS_ZH, *moved]))
    assert (result.added, result.updated, result.unchanged) == (0, 2, 2)
    assert sorted(c["external_id"] for c in result.changes) == ["00123", "00124"]
    zhang = recipient(manager, "00123")
    assert (zhang.room, zhang.floor) == ("608", 6)
    assert " a3-2-608" in zhang.search_name and "502" not in zhang.search_name
    assert phones_of(manager, "00124") == ["13911110000"]
    assert count(manager, Recipient) == 4


def test_a_full_import_deactivates_the_missing_never_deletes_and_parcels_keep_them(
    manager: Station, tmp_path: Path
) -> None:
    from station_helpers import wb

    from station_console.services.checkin.transaction import check_in

    import_file(manager, write_csv(tmp_path / "a.csv", [HEADERS_ZH, *PEOPLE]))
    gone = recipient(manager, "00125")
    parcel_id = check_in(manager, wb(1), recipient_id=gone.id).parcel_id
    partial = import_file(manager, write_csv(tmp_path / "b.csv", [HEADERS_ZH, *PEOPLE[:2]]))
    assert partial.deactivated == 0 and recipient(manager, "00125").active
    full = import_file(manager, write_csv(tmp_path / "c.csv", [HEADERS_ZH, *PEOPLE[:2]]), full=True)
    assert (full.deactivated, full.unchanged) == (2, 2)
    assert not recipient(manager, "00125").active and recipient(manager, "00125").deactivated_at is not None
    assert count(manager, Recipient) == 4
    with manager.read() as session:
        parcel = session.get(Parcel, parcel_id)
        assert parcel is not None and parcel.recipient_id == gone.id
    back = import_file(manager, write_csv(tmp_path / "d.csv", [HEADERS_ZH, *PEOPLE]), full=True)
    assert (back.reactivated, back.deactivated) == (2, 0) and recipient(manager, "00125").active


def test_a_full_import_keeps_a_person_whose_row_it_left_out_and_refuses_a_file_listing_nobody(
    manager: Station, tmp_path: Path
) -> None:
    """A row left out for a bad value (a name past its column) still lists its person: a full import
    deactivated them as missing from the file. A header row alone, imported as the whole directory,
    deactivated everyone; it is refused, the preview as the write, and nothing changes."""
    import_file(manager, write_csv(tmp_path / "a.csv", [HEADERS_ZH, *PEOPLE]))
    long_name = [PEOPLE[1][0], "名" * 70, *PEOPLE[1][2:]]
    kept = import_file(
        manager, write_csv(tmp_path / "b.csv", [HEADERS_ZH, *PEOPLE[2:], long_name]), full=True
    )
    assert [issue.line for issue in kept.issues] == [len(PEOPLE)]  # the long name, reported by its line
    assert kept.deactivated == 1 and recipient(manager, PEOPLE[1][0]).active
    assert not recipient(manager, PEOPLE[0][0]).active  # the one the file does not list
    header_only = write_csv(tmp_path / "c.csv", [HEADERS_ZH])
    for dry_run in (True, False):
        with pytest.raises(Refused) as refused:
            import_file(manager, header_only, full=True, dry_run=dry_run)
        assert refused.value.code == "lists_nobody"
    assert [recipient(manager, row[0]).active for row in PEOPLE] == [False, True, True, True]
    assert import_file(manager, header_only).rows_read == 0  # not as the whole directory: nothing to do


def test_a_full_import_touches_only_its_own_source(manager: Station, tmp_path: Path) -> None:
    import_file(manager, write_csv(tmp_path / "s.csv", [HEADERS_ZH, *PEOPLE[:2]]), mapping="students")
    import_file(manager, write_csv(tmp_path / "t.csv", [HEADERS_ZH, *PEOPLE[2:]]), mapping="staff")
    directory.add(manager, {"name": "门卫老王", "phones": "13300000000"})
    result = import_file(
        manager, write_csv(tmp_path / "u.csv", [HEADERS_ZH, PEOPLE[0]]), mapping="students", full=True
    )
    assert result.deactivated == 1
    active = {r.name for r in directory.list_recipients(manager)}
    assert active == {"张三", "单田芳", "Tom Smith", "门卫老王"}


def test_a_dry_run_counts_everything_and_writes_nothing(manager: Station, tmp_path: Path) -> None:
    events_before = count(manager, ParcelEvent)
    result = import_file(manager, write_csv(tmp_path / "a.csv", [HEADERS_ZH, *PEOPLE]), dry_run=True)
    assert (result.added, result.dry_run) == (4, True)
    assert result.preview[0]["phones"] == ["138****5678"] and "13812345678" not in str(result.to_json())
    assert count(manager, Recipient) == 0 and count(manager, ParcelEvent) == events_before


@pytest.mark.parametrize("name", ["名单.csv", "名单.xlsx"])
def test_an_import_of_a_previewed_file_refuses_it_changed_and_writes_it_unchanged(
    manager: Station, tmp_path: Path, name: str
) -> None:
    write = write_xlsx if name.endswith(".xlsx") else write_csv
    path = write(tmp_path / name, [HEADERS_ZH, *PEOPLE])
    previewed = path.read_bytes()
    seen = import_file(manager, path, dry_run=True)
    write(path, [HEADERS_ZH, *PEOPLE[:1]])  # a newer export, saved under the same name
    with pytest.raises(Refused) as changed:
        import_file(manager, path, full=True, expect_digest=seen.digest)
    assert changed.value.code == "file_changed" and count(manager, Recipient) == 0
    assert (
        changed.value.message("en")
        == f"{name} changed after its preview: nothing was imported. Preview it again."
    )
    assert changed.value.message("zh") == f"{name} 在预览后被改动过：未导入任何内容。请重新预览。"
    # The bytes previewed, put back: saving the rows again would not do, an XLSX records its save time.
    path.write_bytes(previewed)
    assert import_file(manager, path, expect_digest=seen.digest).added == 4


def test_a_saved_mapping_survives_a_renamed_column(manager: Station, tmp_path: Path) -> None:
    first = [["Staff No.", "Full name", "Mobile No."], ["0042", "Ada Lovelace", "13812340000"]]
    result = import_file(
        manager,
        write_csv(tmp_path / "a.csv", first),
        mapping="hr",
        columns={"external_id": "Staff No.", "name": "Full name", "phone": "Mobile No."},
    )
    assert result.added == 1
    assert saved_mappings(manager)["hr"] == {
        "external_id": "Staff No.",
        "name": "Full name",
        "phone": "Mobile No.",
    }
    # Next term the phone column is called 手机号码; the saved mapping still finds id and name.
    second = [["Staff No.", "Full name", "手机号码"], ["0042", "Ada Lovelace", "13900000000"]]
    again = import_file(manager, write_csv(tmp_path / "b.csv", second), mapping="hr")
    assert [i.code for i in again.issues] == ["column_renamed"]
    assert again.updated == 1 and phones_of(manager, "0042") == ["13900000000"]


def test_the_column_a_renamed_one_is_read_from_is_quoted_cut(manager: Station, tmp_path: Path) -> None:
    """The heading a renamed column is now read from was quoted whole: a file's heading may be a line
    of anything with a phone word in it. It is quoted as every import's headings are."""
    first = [["Staff No.", "Full name", "Mobile No."], ["0042", "Ada Lovelace", "13812340000"]]
    columns = {"external_id": "Staff No.", "name": "Full name", "phone": "Mobile No."}
    import_file(manager, write_csv(tmp_path / "a.csv", first), mapping="hr", columns=columns)
    heading = "手机号码（必填，请填写本人常用号码，如 13812345678，以便通知取件）"
    second = [["Staff No.", "Full name", heading], ["0042", "Ada Lovelace", "13900000000"]]
    again = import_file(manager, write_csv(tmp_path / "b.csv", second), mapping="hr", dry_run=True)
    assert [i.code for i in again.issues] == ["column_renamed"]
    said = again.issues[0].message("en")
    assert said.endswith("phone is read from 手机号码（必填，请填写本人常用号码，如…"), said


def test_consent_and_choice_columns_are_recorded_with_the_import_channel(
    manager: Station, tmp_path: Path
) -> None:
    rows = [
        ["学号", "姓名", "同意驿站代收", "配送方式"],
        ["1", "甲", "是", "驿站"],
        ["2", "乙", "否", "送货上门"],
    ]
    result = import_file(manager, write_csv(tmp_path / "c.csv", rows))
    assert result.choices == 2
    first = recipient(manager, "1")
    assert (first.consent, first.consent_channel, first.consent_by) == ("granted", "import", manager.clerk_id)
    assert recipient(manager, "2").delivery_preference == "door"
    with manager.read() as session:
        history = session.exec(select(RecipientConsent)).all()
    assert sorted((h.consent, h.channel) for h in history) == [("granted", "import"), ("refused", "import")]
    again = import_file(manager, write_csv(tmp_path / "d.csv", rows))
    assert (again.choices, again.unchanged) == (0, 2)


def test_only_a_manager_imports_and_one_event_records_it(station: Station, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "a.csv", [HEADERS_ZH, *PEOPLE])
    act_as(station, Role.CLERK, "li")
    with pytest.raises(PermissionDenied):
        import_file(station, path)
    act_as(station, Role.MANAGER, "boss")
    import_file(station, path, mapping="campus")
    with station.read() as session:
        events = session.exec(
            select(ParcelEvent).where(ParcelEvent.kind == EventKind.RECIPIENTS_IMPORTED)
        ).all()
    assert len(events) == 1 and events[0].details["added"] == 4 and events[0].details["source"] == "campus"
    assert "张三" not in str(events[0].details)  # names are personal data: never in the audit trail


def test_an_import_that_writes_nobody_records_nothing(manager: Station, tmp_path: Path) -> None:
    """Every row refused (no name), or each person as the directory has them: an import of it wrote an
    audit event for nothing."""
    refused = write_csv(tmp_path / "r.csv", [["学号", "姓名"], ["1", ""], ["2", ""]])
    preview = import_file(manager, refused, dry_run=True)
    assert preview.writes_nothing and [i.code for i in preview.issues] == ["name_empty", "name_empty"]
    assert import_file(manager, refused, expect_digest=preview.digest).writes_nothing
    path = write_csv(tmp_path / "a.csv", [HEADERS_ZH, *PEOPLE])
    assert not import_file(manager, path, dry_run=True).writes_nothing
    import_file(manager, path)
    assert import_file(manager, path).writes_nothing  # the same file again: nobody changes
    with manager.read() as session:
        events = session.exec(
            select(ParcelEvent).where(ParcelEvent.kind == EventKind.RECIPIENTS_IMPORTED)
        ).all()
    assert [e.details["added"] for e in events] == [4]
    assert count(manager, Recipient) == 4


def test_the_summary_counts_one_thing_in_the_singular() -> None:
    result = ImportResult(
        "directory", "a.csv", "utf-8", {}, full=False, dry_run=False, rows_read=1, choices=1
    )
    result.issues = [Issue(line, "bad", "Bad line") for line in (2, 3)]
    lines = summary_lines(result, shown=1)
    assert lines[0] == "a.csv (utf-8): 1 row, source directory import"
    assert "1 consent or choice" in lines[2] and lines[-1] == "... and 1 more problem (--json lists them all)"
    set_language("zh")
    assert "同意意见或收件方式 1" in summary_lines(result, shown=1)[2]


def test_the_summary_says_every_line_of_the_file_one_way(manager: Station, tmp_path: Path) -> None:
    """A row as read, a repeated id and a problem: each "Line n:" ("第 n 行："), from one message."""
    rows = [["学号", "姓名"], ["001", "张伟"], ["001", "张伟伟"], ["002", ""]]
    result = import_file(manager, write_csv(tmp_path / "a.csv", rows), dry_run=True)
    lines = [line for line in summary_lines(result) if "line" in line.lower()]
    assert lines == [
        "Line 2: 001 张伟 -",
        "Line 3: id 001 again (first on line 2): skipped",
        "Line 4: A recipient needs a name. The line is skipped.",
    ]
    set_language("zh")
    lines = [line for line in summary_lines(result) if line.startswith("第")]
    assert lines[:2] == ["第 2 行：001 张伟 -", "第 3 行：编号 001 重复（首次出现在第 2 行）：已跳过"]
    assert lines[2].startswith("第 4 行：") and len(lines) == 3


def test_the_summary_lists_repeats_and_problems_as_one_list_in_line_order(
    manager: Station, tmp_path: Path
) -> None:
    """A problem above a repeated id comes before it, one below it after: the file read top to bottom."""
    rows = [["学号", "姓名"], ["001", "张伟"], ["002", ""], ["001", "张伟伟"], ["003", ""]]
    result = import_file(manager, write_csv(tmp_path / "a.csv", rows), dry_run=True)
    said = [line for line in summary_lines(result) if line.startswith(("Line 3", "Line 4", "Line 5"))]
    assert said == [
        "Line 3: A recipient needs a name. The line is skipped.",
        "Line 4: id 001 again (first on line 2): skipped",
        "Line 5: A recipient needs a name. The line is skipped.",
    ]
    cut = summary_lines(result, shown=2)  # the first two by line, the rest counted
    assert cut[-3:] == [
        "Line 3: A recipient needs a name. The line is skipped.",
        "Line 4: id 001 again (first on line 2): skipped",
        "... and 1 more problem (--json lists them all)",
    ]


def test_a_long_cell_refused_is_quoted_cut_with_a_sign_and_its_phone_masked(
    manager: Station, tmp_path: Path
) -> None:
    """A cell that is no delivery choice is quoted by its start and "…", a phone in it masked first:
    20 characters with no sign read as the whole cell, and the cut fell inside the phone."""
    rows = [
        ["学号", "姓名", "手机", "配送方式"],
        ["5", "王五", "13800000005", "call 13812345678 before noon"],
    ]
    result = import_file(manager, write_csv(tmp_path / "c.csv", rows))
    assert [i.code for i in result.issues] == ["bad_preference"]
    said = result.issues[0].message()
    assert said.startswith("Unknown delivery choice call 138****5678 be…: ") and "1234" not in said


def test_an_imported_id_is_not_cleared_or_changed_so_the_next_import_makes_no_duplicate(
    manager: Station, tmp_path: Path
) -> None:
    path = write_csv(tmp_path / "名单.csv", [HEADERS_ZH, *PEOPLE[:1]])
    import_file(manager, path)
    with pytest.raises(Refused) as info:
        directory.edit(manager, "00123", {"external_id": ""})
    assert info.value.code == "imported_id_required" and "00123" in info.value.message()
    assert info.value.message("zh").startswith("编号 00123 来自名录导入：")
    assert recipient(manager, "00123").external_id == "00123"
    assert import_file(manager, path).added == 0 and count(manager, Recipient) == 1
    # Nor changed to another id: the file still lists 00123, and would add a second 张三.
    with pytest.raises(Refused) as changed:
        directory.edit(manager, "00123", {"external_id": "00999"})
    assert (
        changed.value.code == "imported_id_required" and "changing or clearing it" in changed.value.message()
    )
    assert directory.edit(manager, "00123", {"external_id": "00123"}).external_id == "00123"
    assert import_file(manager, path).added == 0 and count(manager, Recipient) == 1
    # A person typed in by hand has no import to match them: their id may be cleared.
    typed = directory.add(manager, {"external_id": "9001", "name": "王五", "phones": "13500001111"})
    assert directory.edit(manager, typed.id, {"external_id": ""}).external_id in (None, "")
