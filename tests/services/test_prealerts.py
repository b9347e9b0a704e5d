"""Pre-alert import: headings in Chinese and English, GBK and JSON, mappings per source, bad rows by line,
duplicates, waybills already on the shelf, unknown carriers; the check-in they fill; their phones' purge."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import FakeClock
from pickup_helpers import as_clerk, configure, events, parcel, receive, zto
from prealert_helpers import ZH_HEADINGS, sign_in, stored, write_csv, write_json, zh_rows
from sqlmodel import select

from db.models import PreAlertImport
from station_console.errors import NotFound, Refused
from station_console.i18n import set_language
from station_console.services.checkin.transaction import check_in
from station_console.services.core.station import Station
from station_console.services.people.person_export import export_person
from station_console.services.people.privacy import delete_person, purge_phones
from station_console.services.prealerts.importer import CHUNK, import_file
from station_console.services.prealerts.listing import list_imports, list_prealerts
from station_console.services.prealerts.watch import import_folder, report_lines
from station_console.settings import PreAlertSource


@pytest.fixture(autouse=True)
def _clerk(station: Station) -> None:
    sign_in(station)


def test_an_import_needs_somebody_signed_in_the_watched_folder_does_not(
    station: Station, tmp_path: Path
) -> None:
    from dataclasses import replace

    from station_console.errors import PermissionDenied

    nobody = replace(station, clerk_id=None, clerk_role=None)
    path = write_csv(tmp_path / "a.csv", ZH_HEADINGS, zh_rows([1]))
    with pytest.raises(PermissionDenied):
        import_file(nobody, path)
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    path.replace(inbox / "a.csv")
    assert [r.loaded for r in import_folder(nobody, inbox, settle_s=0).imported] == [1]
    assert events(station, "prealerts_imported")[-1].clerk_id is None  # an unattended duty, by counter


def test_chinese_headings_in_gbk_load_without_a_mapping(station: Station, tmp_path: Path) -> None:
    path = write_csv(
        tmp_path / "zto.csv", ZH_HEADINGS + ["备注"], [r + ["放门口"] for r in zh_rows([1, 2])], "gbk"
    )
    report = import_file(station, path)
    assert (report.rows_read, report.loaded, report.issues) == (2, 2, [])
    assert report.columns == {"waybill": "运单号", "carrier": "快递公司", "phone": "手机", "name": "姓名"}
    assert report.unknown_headings == ["备注"] and report.unknown_headings_more == 0
    first = stored(station)[0]
    assert (first.waybill, first.phone_tail, first.masked_phone) == (zto(1), "0001", "170****5678-0001")
    assert first.phone_full == "17012345678-0001" and first.recipient_name == "收件人1" and first.line == 2
    imported = events(station, "prealerts_imported")[-1]
    assert imported.details["loaded"] == 2 and "5678" not in json.dumps(imported.details)


def test_excels_unicode_text_loads_as_the_directory_and_typed_files_do(
    station: Station, tmp_path: Path
) -> None:
    """Excel's "Unicode text" (UTF-16 with its mark, tab-separated): the shared decoding reads it, but
    every other byte of it is a NUL, so it was refused as "not a CSV or JSON file" before being read."""
    rows = "\r\n".join("\t".join(row) for row in [ZH_HEADINGS, *zh_rows([1, 2])]) + "\r\n"
    path = tmp_path / "zto.txt"
    path.write_bytes(rows.encode("utf-16"))  # little-endian with its mark, as Windows writes it
    report = import_file(station, path)
    assert (report.rows_read, report.loaded, report.issues) == (2, 2, [])
    assert [p.waybill for p in stored(station)] == [zto(1), zto(2)]


@pytest.mark.parametrize(
    ("name", "codec", "lead"),
    [("platform.txt", "utf-16", ""), ("platform.tsv", "utf-16-be", "\r\n  "), ("platform.csv", "gbk", " \n")],
)
def test_json_is_told_from_csv_by_its_text_not_its_first_byte(
    station: Station, tmp_path: Path, name: str, codec: str, lead: str
) -> None:
    """A JSON file without .json was told by its first byte: UTF-16's mark (or a NUL) is no "[", and the
    file was read as a CSV of one heading. Its decoded text's first character that is not blank says."""
    doc = [{"运单号": zto(n), "快递公司": "中通", "手机": f"1701234567{n}"} for n in (1, 2)]
    data = (lead + json.dumps(doc, ensure_ascii=False)).encode(codec)
    if codec == "utf-16-be":
        data = b"\xfe\xff" + data  # big-endian with its mark
    (tmp_path / name).write_bytes(data)
    report = import_file(station, tmp_path / name)
    assert (report.rows_read, report.loaded, report.issues) == (2, 2, [])
    assert [p.waybill for p in stored(station)] == [zto(1), zto(2)]


def test_english_json_with_an_items_list(station: Station, tmp_path: Path) -> None:
    doc = {
        "items": [
            {
                "Waybill No": "SF1234567890123",
                "Carrier": "SF Express",
                "Mobile": "13812345678",
                "Weight (g)": 850,
            },
            {"waybill_no": "YT1234567890123", "courier": "yto", "Size": "大"},  # headings may vary per item
            "not a parcel",
        ]
    }
    report = import_file(station, write_json(tmp_path / "platform.json", doc))
    assert report.loaded == 1  # "waybill_no" is a second waybill heading: only the first one is read
    assert [(i.line, i.kind) for i in report.issues] == [(2, "bad"), (3, "bad")]
    sf = stored(station)[0]
    assert (sf.waybill, sf.masked_phone, sf.weight_g) == ("SF1234567890123", "138****5678", 850)


def test_bad_rows_are_reported_by_line_and_the_good_ones_load(station: Station, tmp_path: Path) -> None:
    rows = [
        [zto(1), "中通快递", "13812345678", "张三"],  # line 2: good
        ["ZTO-??", "中通", "13812345678", "李四"],  # 3: not a waybill
        [zto(3), "顺风快递", "13812345678", "王五"],  # 4: no such carrier
        [zto(4), "中通", "1381234567890123456", "赵六"],  # 5: not a phone (and reported masked)
        [zto(1), "中通", "13812345678", "张三"],  # 6: twice in the file
        [zto(6), "ZTO Express", "", ""],  # 7: good, no phone
        [zto(7), "中通", "13812345678", "x" * 200 + "\x1b[31m"],  # 8: good, name cleaned and cut
    ]
    report = import_file(station, write_csv(tmp_path / "mixed.csv", ZH_HEADINGS, rows))
    assert report.loaded == 3
    assert [(i.line, i.kind, i.waybill) for i in report.issues] == [
        (3, "bad", "ZTO-??"),
        (4, "bad", zto(3)),
        (5, "bad", zto(4)),
        (6, "duplicate", zto(1)),
        (8, "cut", zto(7)),  # loaded, its name cut: said on its line, never silently
    ]
    messages = [i.message() for i in report.issues]
    assert messages[4] == "name cut to 64 characters (it had 200)"  # its colour code gone whole
    assert "unknown carrier 顺风快递" in messages[1] and "also on line 2" in messages[3]
    assert messages[2] == "phone ****3456 is not a phone number."
    set_language("zh")
    assert "未知的快递公司" in report.issues[1].message()
    set_language("en")
    lines = report_lines(report, "zh")
    assert lines[1] == "第 3 行：ZTO-?? 含有快递公司不用的字符：-?。"  # its waybill once, in the reason
    assert lines[2].startswith(f"第 4 行：{zto(3)} ") and lines[4] == f"第 6 行：{zto(1)} 与第 2 行重复"
    names = [p.recipient_name for p in stored(station)]
    assert names[2] is not None and len(names[2]) == 64 and "\x1b" not in names[2]
    assert list_imports(station)[0].bad == 3


def test_a_coloured_name_loads_without_its_colour_codes(station: Station, tmp_path: Path) -> None:
    """A name copied from a coloured terminal loses its escape sequences whole, as a typed one does:
    dropping only the ESC left `[31m` and `[0m` in the name shown at check-in and pickup."""
    rows = [
        [zto(1), "中通", "13812345678", "\x1b[31m张三\x1b[0m"],
        [zto(2), "中通", "13812345679", "李\x1b]0;title\x07四 [/]"],
    ]
    report = import_file(station, write_csv(tmp_path / "coloured.csv", ZH_HEADINGS, rows))
    assert report.loaded == 2
    assert [p.recipient_name for p in stored(station)] == ["张三", "李四 [/]"]  # markup is data: kept


def test_duplicates_across_pre_alerts_and_a_waybill_already_on_the_shelf(
    station: Station, tmp_path: Path
) -> None:
    import_file(station, write_csv(tmp_path / "a.csv", ZH_HEADINGS, zh_rows([1, 2])))
    on_shelf = receive(station, 3)
    report = import_file(station, write_csv(tmp_path / "b.csv", ZH_HEADINGS, zh_rows([2, 3, 4])))
    first_import = list_imports(station)[-1].id
    assert report.loaded == 1
    assert [(i.line, i.kind) for i in report.issues] == [(2, "duplicate"), (3, "on_shelf")]
    assert report.issues[0].message() == f"already pre-alerted (import {first_import}, line 3)"
    assert report.issues[1].message() == f"already on the shelf at {on_shelf.pickup_code}"


def test_unknown_carrier_and_unclear_numbers_without_a_carrier_column(
    station: Station, tmp_path: Path
) -> None:
    path = write_csv(tmp_path / "n.csv", ["waybill"], [["SF1234567890123"], ["431234567890123"]])
    report = import_file(station, path)
    assert report.loaded == 1  # SF is unmistakable; a 15-digit 43... fits STO and YUNDA
    assert report.issues[0].params["candidates"] == "STO, YUNDA"
    again = import_file(
        station, write_csv(tmp_path / "m.csv", ["waybill"], [["431234567890124"]]), carrier="YUNDA"
    )
    assert again.loaded == 1
    with pytest.raises(NotFound) as unknown:
        import_file(station, path, carrier="NOPE")
    assert unknown.value.code == "unknown_carrier"


def test_a_source_mapping_names_the_columns_nobody_recognises(station: Station, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "pdd.csv", ["包裹编号", "联系方式"], [[zto(1), "13812345678"]])
    with pytest.raises(Refused) as no_column:
        import_file(station, path)
    assert no_column.value.code == "no_waybill_column" and "包裹编号" in no_column.value.message()
    configure(
        station,
        prealert_sources={
            "pdd": PreAlertSource(columns={"waybill": "包裹编号", "phone": "联系方式"}, carrier="ZTO")
        },
    )
    report = import_file(station, path, source="pdd")
    assert report.loaded == 1 and stored(station)[0].masked_phone == "138****5678"
    with pytest.raises(Refused) as wrong:
        import_file(station, path, mapping={"waybill": "单号"})
    assert wrong.value.code == "bad_mapping"


def test_garbage_files_are_refused_whole(station: Station, tmp_path: Path) -> None:
    binary = tmp_path / "x.csv"
    binary.write_bytes(b"\x00\x01\x02PK\x03\x04" * 100)
    broken = tmp_path / "y.json"
    broken.write_text('{"items": [', encoding="utf-8")
    empty = tmp_path / "z.csv"
    empty.write_text("", encoding="utf-8")
    codes = []
    for path in (binary, broken, empty, tmp_path / "missing.csv"):
        with pytest.raises(Refused) as refused:
            import_file(station, path)
        codes.append(refused.value.code)
    assert codes == ["not_a_table", "bad_json", "empty_file", "no_file"]
    assert stored(station) == []


def test_a_cell_past_the_csv_readers_limit_refuses_the_file_in_the_clerks_words(
    station: Station, tmp_path: Path
) -> None:
    """A 200,000-character cell (past the csv module's 128 KB field limit) was the reader's English
    error, an unexpected error at the counter; now the file is refused whole, by its line."""
    path = write_csv(tmp_path / "huge.csv", ZH_HEADINGS, zh_rows([1]) + [[zto(2), "中通", "", "x" * 200_000]])
    for language, said in (
        ("en", "not CSV this console can read at line 3"),
        ("zh", "第 3 行无法按 CSV 读取"),
    ):
        set_language(language)
        with pytest.raises(Refused) as refused:
            import_file(station, path, dry_run=True)
        assert refused.value.code == "bad_csv" and said in refused.value.message()
    assert stored(station) == []


def test_strict_and_dry_run_load_nothing(station: Station, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "s.csv", ZH_HEADINGS, zh_rows([1]) + [["bad!", "中通", "", ""]])
    assert import_file(station, path, strict=True).loaded == 0
    dry = import_file(station, path, dry_run=True)
    assert dry.loaded == 0 and dry.count("bad") == 1 and dry.to_load == 1
    # Strict loads nothing when a row is refused, so its dry run would load nothing either.
    strict_dry = import_file(station, path, strict=True, dry_run=True)
    assert strict_dry.to_load == 0 and strict_dry.to_json()["would_load"] == 0
    assert stored(station) == []
    with station.read() as session:
        assert session.exec(select(PreAlertImport)).all() == []


def test_a_pre_alerted_waybill_fills_the_check_in(station: Station, tmp_path: Path) -> None:
    rows = [
        [zto(1), "中通", "17012345678-0421", "王芳", "L"],
        [zto(2), "中通", "13912345678", "李雷", ""],
        [zto(3), "中通", "13912340000", "", ""],
    ]
    import_file(station, write_csv(tmp_path / "p.csv", ZH_HEADINGS + ["尺寸"], rows))
    privacy = check_in(
        station, zto(1)
    )  # a privacy waybill: nothing typed, the number comes from the pre-alert
    assert privacy.prealerted and privacy.masked_phone == "170****5678-0421" and privacy.size == "L"
    filled = parcel(station, privacy.parcel_id)
    assert (filled.phone_full, filled.phone_tail, filled.recipient_name) == (
        "17012345678-0421",
        "0421",
        "王芳",
    )
    tail_only = check_in(station, zto(2), phone="5678")  # the tail matches: the full number is kept
    assert parcel(station, tail_only.parcel_id).phone_full == "13912345678"
    typed = check_in(station, zto(3), phone="13800001111")  # the clerk's own number wins
    assert parcel(station, typed.parcel_id).phone_full == "13800001111"
    assert events(station, "checked_in")[-3].details["prealert"] == stored(station)[0].id
    plain = receive(station, 9)
    assert not plain.prealerted and "prealert" not in events(station, "checked_in")[-1].details
    assert [r.state for r in list_prealerts(station)] == ["received", "received", "received"]


def test_pre_alert_phones_go_by_the_privacy_rules(station: Station, clock: FakeClock, tmp_path: Path) -> None:
    configure(station, phone_purge_days=30)
    import_file(station, write_csv(tmp_path / "p.csv", ZH_HEADINGS, zh_rows([1, 2, 3])))
    check_in(station, zto(1))
    assert purge_phones(station).prealerts == 1  # checked in: the parcel has the number now
    kept = [p.phone_full for p in stored(station)]
    assert kept == [None, "17012345678-0002", "17012345678-0003"]
    clock.advance(days=31)
    purge_phones(station)
    assert [p.phone_full for p in stored(station)] == [None, None, None]
    assert all(p.masked_phone for p in stored(station))  # the masked form stays
    boss = as_clerk(station, "boss", role="manager")
    import_file(
        station, write_csv(tmp_path / "q.csv", ZH_HEADINGS, [[zto(8), "中通", "13688889999", "钱七"]])
    )
    exported = export_person(boss, "13688889999")  # only pre-alerted, no parcel yet: still a person
    assert [(a["waybill"], a["recipient_name"]) for a in exported["prealerts"]] == [(zto(8), "钱七")]
    assert exported["parcels"] == [] and "13688889999" not in str(exported["prealerts"])
    delete_person(boss, "13688889999")  # and deleted
    last = stored(station)[-1]
    assert (last.phone_full, last.masked_phone, last.recipient_name) == (None, None, None)


@pytest.mark.sqlite_only
@pytest.mark.parametrize(
    "n", [pytest.param(2 * CHUNK + 1, id="1801"), pytest.param(50_000, id="50000", marks=pytest.mark.slow)]
)
def test_a_big_file_loads_whole(station: Station, tmp_path: Path, n: int) -> None:
    """One transaction, every row checked against what is open and on the shelf in chunks of CHUNK
    waybills: `make test` crosses two chunk boundaries; `make soak` loads the 50,000-row file whose
    figure is printed (pytest -s) and kept in the README. Not a timed test."""
    rows = [[f"75{i:012d}", "中通", f"1{3 + i % 6}{i:09d}", f"收件人{i}"] for i in range(n)]
    path = write_csv(tmp_path / "big.csv", ZH_HEADINGS, rows)
    report = import_file(station, path)
    print(f"\n{n:,}-row pre-alert file: {report.seconds:.2f} s ({n / report.seconds:,.0f} rows/s)")
    assert (report.rows_read, report.loaded, report.issues) == (n, n, [])
    assert len(list_prealerts(station, limit=n + 1)) == n


def test_a_pre_alerted_phone_in_the_directory_links_its_recipient(station: Station, tmp_path: Path) -> None:
    from station_console.services.recipients import directory

    boss = as_clerk(station, "boss", role="manager")
    li = directory.add(boss, {"name": "李雷", "phones": "13912345678", "building": "A3", "room": "502"}).id
    rows = [
        [zto(1), "中通", "13912345678", "李*"],  # the directory's number: its person, and its spelling
        [zto(2), "中通", "17012345678-0002", "韩梅梅"],  # a virtual number nobody in the directory has
        [zto(3), "中通", "13912345678", "李*"],
    ]
    import_file(station, write_csv(tmp_path / "p.csv", ZH_HEADINGS, rows))
    linked = check_in(station, zto(1))  # nothing typed
    assert (linked.prealerted, linked.recipient_id) == (True, li)
    got = parcel(station, linked.parcel_id)
    assert (got.recipient_id, got.recipient_name, got.phone_full) == (li, "李雷", "13912345678")
    assert events(station, "checked_in")[-1].details["recipient"] == li
    stranger = check_in(station, zto(2))
    assert stranger.prealerted and stranger.recipient_id is None
    assert parcel(station, stranger.parcel_id).recipient_name == "韩梅梅"
    tail = check_in(station, zto(3), phone="5678")  # a typed tail the pre-alert completes
    assert tail.recipient_id == li and parcel(station, tail.parcel_id).phone_full == "13912345678"


def test_an_import_of_a_previewed_file_refuses_it_changed_and_loads_it_unchanged(
    station: Station, tmp_path: Path
) -> None:
    path = write_csv(tmp_path / "p.csv", ZH_HEADINGS, zh_rows([1, 2]))
    seen = import_file(station, path, dry_run=True)
    assert (seen.carriers, seen.loaded, stored(station)) == ({"ZTO": 2}, 0, [])
    write_csv(path, ZH_HEADINGS, zh_rows([3]))  # the sender's newer file, under the same name
    with pytest.raises(Refused) as changed:
        import_file(station, path, expect_digest=seen.digest)
    assert changed.value.code == "file_changed" and stored(station) == []
    write_csv(path, ZH_HEADINGS, zh_rows([1, 2]))  # the bytes previewed again
    assert import_file(station, path, expect_digest=seen.digest).loaded == 2


def test_a_typed_path_is_the_users_and_a_folder_is_refused_in_the_clerks_words(
    station: Station, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HOME", str(tmp_path))
    write_csv(tmp_path / "p*.csv", ZH_HEADINGS, zh_rows([1]))  # a path is data: `*` is no pattern
    assert import_file(station, Path("~/p*.csv")).loaded == 1
    with pytest.raises(Refused) as folder:
        import_file(station, Path("~"))
    assert folder.value.message() == f"{tmp_path} is a folder: type the path of a file."


def test_the_files_imported_say_who_imported_them_and_how_many_arrived(
    station: Station, tmp_path: Path
) -> None:
    import_file(station, write_csv(tmp_path / "a.csv", ZH_HEADINGS, zh_rows([1, 2, 3])))
    receive(station, 2, "")  # one of its parcels checked in
    nobody_dir = tmp_path / "inbox"
    nobody_dir.mkdir()
    write_csv(nobody_dir / "b.csv", ZH_HEADINGS, zh_rows([4]))
    from dataclasses import replace

    import_folder(replace(station, clerk_id=None, clerk_role=None), nobody_dir, settle_s=0)
    rows = list_imports(station)
    assert [(r.file_name, r.clerk, r.loaded, r.matched) for r in rows] == [
        ("b.csv", None, 1, 0),
        ("a.csv", "ann", 3, 1),
    ]


def test_headings_no_field_reads_past_the_first_twelve_are_counted_not_dropped(
    station: Station, tmp_path: Path
) -> None:
    """A spreadsheet's fifteen extra columns: the report listed twelve and said nothing of the other
    three, as if the file had twelve."""
    extra = [f"备注{n}" for n in range(15)]
    path = write_csv(tmp_path / "wide.csv", ZH_HEADINGS + extra, [r + [""] * 15 for r in zh_rows([1])])
    report = import_file(station, path)
    assert report.loaded == 1
    assert report.unknown_headings == extra[:12]
    shown = report.to_json()
    assert (shown["unknown_headings"], shown["unknown_headings_more"]) == (extra[:12], 3)
