"""Pre-alert rows in a carrier's terms: a row naming its carrier is checked by that carrier's formats and
check digit alone, a dropped file's report says to name it, cells quoted cut, phones in the waybill column
refused masked, a DHL waybill shaped as a mobile taken where the file says DHL."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from pickup_helpers import zto
from prealert_helpers import ZH_HEADINGS, sign_in, stored, write_csv
from sqlmodel import select

from db.models import PreAlertImport
from station_console.errors import Refused
from station_console.services.core.station import Station
from station_console.services.prealerts.importer import import_file
from station_console.services.prealerts.listing import list_prealerts
from station_console.services.prealerts.watch import import_folder, report_lines


@pytest.fixture(autouse=True)
def _clerk(station: Station) -> None:
    sign_in(station)


@pytest.mark.parametrize(
    ("lang", "says"),
    [
        ("en", "Line 2: 730000000000017 does not fit ZTO's waybill format."),
        ("zh", "第 2 行：730000000000017 不符合 ZTO 的运单号格式。"),
    ],
)
def test_a_row_naming_its_carrier_is_refused_in_that_carriers_terms(
    station: Station, tmp_path: Path, lang: str, says: str
) -> None:
    """A ZTO row whose number fits no ZTO format was refused for another carrier's check digit."""
    report = import_file(
        station, write_csv(tmp_path / "z.csv", ZH_HEADINGS, [["730000000000017", "ZTO", "", ""]])
    )
    assert [(i.line, i.kind, i.params.get("carrier")) for i in report.issues] == [(2, "bad", "ZTO")]
    assert report_lines(report, lang)[1] == says


def test_a_row_naming_a_carrier_whose_check_digit_it_fails_says_that_carriers_alone(
    station: Station, tmp_path: Path
) -> None:
    rows = [["RB123456786GB", "S10", "", ""]]
    report = import_file(station, write_csv(tmp_path / "s.csv", ZH_HEADINGS, rows))
    assert [i.message() for i in report.issues] == ["RB123456786GB fails the check digit of S10."]


def test_a_dropped_files_report_says_to_name_the_carrier_in_the_file(
    station: Station, tmp_path: Path
) -> None:
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    write_csv(inbox / "n.csv", ["waybill"], [["SF1234567890123"], ["431234567890123"]])
    import_folder(station, inbox, settle_s=0)
    text = (inbox / "imported" / "n.csv.report.txt").read_text(encoding="utf-8")
    assert "--carrier" not in text
    assert (
        "Line 3: 431234567890123 no carrier given and the number fits STO, YUNDA: name its carrier in the "
        "file's carrier column." in text
    )


def test_a_cell_or_heading_too_long_to_quote_whole_is_quoted_cut_with_a_sign(
    station: Station, tmp_path: Path
) -> None:
    """A refusal quotes a long cell by its start and "…" (a phone in it masked first), and a long list of
    headings by the first twelve, each cut, and how many more: 20 characters or 12 headings with no sign
    read as all the file holds."""
    note = "call 13812345678 before you deliver, weekdays only"  # a note in the carrier column
    report = import_file(station, write_csv(tmp_path / "c.csv", ZH_HEADINGS, [[zto(1), note, "", ""]]))
    assert report.issues[0].message() == "unknown carrier call 138****5678 be…"
    headings = ["a heading far too long to be shown whole", *(f"h{n}" for n in range(14))]
    with pytest.raises(Refused) as no_column:
        import_file(station, write_csv(tmp_path / "h.csv", headings, [["x"] * 15]))
    said = no_column.value.message()
    assert said.startswith("No waybill column found (headings: a heading far too l…, h0, h1,")
    assert "h10 and 3 more)." in said and "h11" not in said


def test_a_file_read_with_its_first_line_mapped_as_the_waybill_never_has_a_line_echoed_whole(
    station: Station, tmp_path: Path
) -> None:
    """A settings-like file of an accepted kind, its first line mapped as the waybill heading: each later
    line was a bad waybill, echoed up to 40 characters twice over (as written, then cleaned), so a line
    of a secret came back whole. Now what a row's refusal quotes of a cell is cut at 20 characters."""
    lines = [
        'audit_key = "0123456789abcdef0123456789abcdef"',
        'smtp_password = "hunter2-at-the-counter"',
        'webhook_secret = "whsec-ABCDEFGHIJKLMNOPQRSTUV"',
    ]
    path = tmp_path / "settings.txt"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    report = import_file(station, path, mapping={"waybill": lines[0]}, dry_run=True)
    assert [i.line for i in report.issues] == [2, 3]
    shown = "\n".join(report_lines(report, "en") + report_lines(report, "zh"))
    shown += json.dumps([i.to_json() for i in report.issues], ensure_ascii=False)
    for secret in ("hunter2-at-the-counter", "whsec-ABCDEFGHIJKLMNOPQRSTUV", "at-the-counter", "ABCDEFGHIJ"):
        assert secret not in shown, shown
    assert report_lines(report, "en")[1] == (
        'Line 2: smtp_password = "hu… smtp_password="hunt… has characters no carrier uses: "-=_.'
    )


def test_a_file_without_a_heading_row_is_refused_without_showing_a_phone_in_its_first_row(
    station: Station, tmp_path: Path
) -> None:
    """A file saved without its heading row: the refusal lists the first row's cells as its headings,
    each cut, and a phone among them masked, as every other cell of a file holding people is."""
    path = write_csv(tmp_path / "h.csv", [zto(1), "13812345678", "张三"], [[zto(2), "13812345679", "李四"]])
    with pytest.raises(Refused) as refused:
        import_file(station, path)
    assert refused.value.code == "no_waybill_column"
    for lang in ("en", "zh"):
        said = refused.value.message(lang)
        assert "138****5678" in said and "13812345678" not in said, said


def test_a_row_naming_a_carrier_whose_formats_its_number_does_not_fit_is_refused(
    station: Station, tmp_path: Path
) -> None:
    """An SF number on a row that says YTO fits SF's format alone: loaded as YTO's, it was expected in a
    YTO courier's batch and missing there, and never matched the SF parcel it was."""
    rows = [["SF1234567890123", "YTO", "13812345678", ""], ["YT9100000000001", "圆通", "", ""]]
    report = import_file(station, write_csv(tmp_path / "x.csv", ZH_HEADINGS, rows))
    assert [(i.line, i.kind, i.code, i.params.get("carrier")) for i in report.issues] == [
        (2, "bad", "not_carrier_format", "YTO")
    ]
    assert [p.waybill for p in list_prealerts(station)] == ["YT9100000000001"]


def test_a_phone_in_the_waybill_column_is_refused_masked_and_stored_nowhere(
    station: Station, tmp_path: Path
) -> None:
    """A file's phone in its waybill column (columns shifted, a platform's export) loaded as a DHL
    pre-alert when it passed DHL's check digit, and any other was kept whole in the stored report. A
    row saying DHL may hold a DHL waybill of that shape (the next test); one saying another does not."""
    rows = [
        [zto(1), "中通", "13812345678", "张三"],  # line 2: good
        ["13812345606", "中通", "", ""],  # 3: a mobile that passes DHL Express's check digit, not DHL's row
        ["138 1234 5678", "中通", "", ""],  # 4: one written in groups
    ]
    report = import_file(station, write_csv(tmp_path / "shifted.csv", ZH_HEADINGS, rows))
    assert report.loaded == 1 and [p.waybill for p in stored(station)] == [zto(1)]
    assert [(i.line, i.code, i.waybill) for i in report.issues] == [
        (3, "phone_not_waybill", "138****5606"),
        (4, "phone_not_waybill", "138****5678"),
    ]
    assert report.issues[0].message() == "138****5606 looks like a mobile number, not a waybill."
    with station.read() as session:
        kept = json.dumps(session.exec(select(PreAlertImport.report)).one(), ensure_ascii=False)
    assert "13812345606" not in kept and "1234 5678" not in kept and "138****5678" in kept


def test_a_phone_among_other_words_in_the_waybill_column_is_quoted_masked(
    station: Station, tmp_path: Path
) -> None:
    """A waybill cell holding a note with a phone (`张三 13812345678 北京路`): its reason said it masked,
    but the row's waybill as written was quoted whole beside it, on the report, in its JSON and in the
    stored report."""
    rows = [
        [zto(1), "中通", "", ""],
        ["张三 13812345678 北京路", "中通", "", ""],
        ["客户13987654321", "中通", "", ""],
    ]
    report = import_file(station, write_csv(tmp_path / "notes.csv", ZH_HEADINGS, rows))
    assert [(i.line, i.waybill) for i in report.issues] == [
        (3, "张三 138****5678 北京路"),
        (4, "客户139****4321"),
    ]
    shown = "\n".join(report_lines(report, "en") + report_lines(report, "zh"))
    shown += json.dumps([i.to_json() for i in report.issues], ensure_ascii=False)
    with station.read() as session:
        shown += json.dumps(session.exec(select(PreAlertImport.report)).one(), ensure_ascii=False)
    assert "13812345678" not in shown and "13987654321" not in shown, shown
    assert "138****5678" in shown


def test_a_dhl_waybill_shaped_as_a_mobile_loads_where_the_file_says_dhl(
    station: Station, tmp_path: Path
) -> None:
    """An 11-digit DHL Express waybill starting 13-19 was refused as a phone even in a row saying DHL:
    such a parcel's pre-alert could not be loaded. The row's carrier column, or the import's carrier,
    says DHL: it loads; a mobile failing DHL's check digit, or in a row of no carrier, stays a phone."""
    rows = [
        ["13812345606", "DHL", "13912345678", "张三"],  # line 2: DHL's, its check digit right
        ["13812345607", "DHL", "", ""],  # 3: fails DHL's check digit: a phone
        ["15912345606", "", "", ""],  # 4: passes DHL's check digit, no carrier said: a phone
    ]
    report = import_file(station, write_csv(tmp_path / "dhl.csv", ZH_HEADINGS, rows))
    assert [p.waybill for p in stored(station)] == ["13812345606"]
    assert [(i.line, i.code) for i in report.issues] == [(3, "phone_not_waybill"), (4, "phone_not_waybill")]
    path = write_csv(tmp_path / "dhl-only.csv", ["waybill"], [["15012345600"]])
    again = import_file(station, path, carrier="DHL")
    assert again.loaded == 1 and not again.issues


@pytest.mark.parametrize(
    ("lang", "says"),
    [("en", "Line 3: no waybill number."), ("zh", "第 3 行：没有运单号。")],
)
def test_a_row_with_an_empty_waybill_cell_says_so_not_that_nothing_was_scanned(
    station: Station, tmp_path: Path, lang: str, says: str
) -> None:
    """A file's row is no scan: its empty waybill cell was refused as 'Nothing was scanned.'"""
    rows = [["YT5550000000001", "YTO", "13811112222", ""], ["", "YTO", "13811113333", "王五"]]
    report = import_file(station, write_csv(tmp_path / "e.csv", ZH_HEADINGS, rows))
    assert [(i.line, i.kind, i.code) for i in report.issues] == [(3, "bad", "no_waybill")]
    assert report_lines(report, lang)[1] == says
