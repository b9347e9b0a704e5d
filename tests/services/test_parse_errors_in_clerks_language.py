"""A file a parser refuses (tariff TOML or CSV, checklist TOML or JSON, pre-alert JSON, recipients CSV) is
refused in the clerk's language with the line and column to look at: Python's parsers word their
errors in English, which a Chinese screen quoted as it was."""

from __future__ import annotations

from pathlib import Path

import pytest

from station_console.errors import Refused
from station_console.services.prealerts import parse as prealerts
from station_console.services.recipients import files as recipients
from station_console.services.sendout import inspection, tariff


def refused(call, *args) -> Refused:  # type: ignore[no-untyped-def]
    with pytest.raises(Refused) as exc:
        call(*args)
    return exc.value


def test_a_tariff_that_is_not_toml_says_where_in_chinese() -> None:
    error = refused(tariff.body_from_text, "zone 1\n", "toml", "SF", None)
    assert error.code == "bad_tariff"
    assert error.message("zh") == "资费：不是有效的 TOML（第 1 行第 6 列）：请检查这一行"
    assert error.message("en") == "Tariff: not valid TOML at line 1, column 6: check that line"


def test_a_tariff_cut_short_says_to_check_its_last_lines() -> None:
    error = refused(tariff.body_from_text, 'zone = "', "toml", "SF", None)  # tomllib: "(at end of document)"
    assert error.message("zh") == "资费：不是有效的 TOML：文件在中途结束，请检查最后几行"


def test_a_tariff_csv_the_reader_refuses_says_the_line_in_chinese() -> None:
    """A cell past the csv reader's 128 KB limit was its English error: an unexpected error at the
    rules screen."""
    text = "zone,first_g,first_cents,step_g,step_cents,destinations\nA,1000,1200,1000,200,广东\n"
    error = refused(
        tariff.body_from_text, text + "B,1000,1200,1000,200," + "x" * 200_000 + "\n", "csv", "SF", None
    )
    assert error.code == "bad_tariff"
    assert error.message("zh") == "资费：第 3 行无法按 CSV 读取：请检查这一行"


def test_a_tariff_csv_row_past_its_last_column_is_refused_by_its_line() -> None:
    """Destinations split by an unquoted comma: the cells past the header's were dropped unseen (广西
    not zoned at all)."""
    text = "zone,first_g,first_cents,step_g,step_cents,destinations\nA,1000,1200,1000,200,广东,广西\n"
    error = refused(tariff.body_from_text, text, "csv", "SF", None)
    assert error.code == "bad_tariff"
    assert error.message("zh") == "资费：CSV 第 2 行在最后一列之后还有内容。"
    assert error.message("en") == "Tariff: CSV line 2 has a value past its last column."


def test_a_checklist_in_toml_or_json_says_where_in_chinese() -> None:
    toml = refused(inspection.body_from_text, "[[items]]\nid = \n", "toml", "list.toml")
    assert toml.message("zh") == "无法读取 list.toml：不是有效的 TOML（第 2 行第 6 列）：请检查这一行"
    json = refused(inspection.body_from_text, '{"items": [\n  {"id": 1,}\n]}', "json", "list.json")
    assert json.message("zh") == "无法读取 list.json：不是有效的 JSON（第 2 行第 12 列）：请检查这一行"


def test_a_prealert_file_that_is_not_json_says_where_in_chinese(tmp_path: Path) -> None:
    path = tmp_path / "bag.json"
    path.write_text('[\n  {"waybill": "SF1"\n]', encoding="utf-8")
    error = refused(prealerts.read_table, path)
    assert error.code == "bad_json"
    assert error.message("zh") == "无法读取 bag.json：不是有效的 JSON（第 3 行第 1 列）：请检查这一行"


def test_a_recipients_csv_the_reader_refuses_says_the_line_in_chinese(tmp_path: Path) -> None:
    path = tmp_path / "people.csv"
    path.write_text('name,phone\nWang,13812345678\nLi,"' + "x" * 200_000 + '"\n', encoding="utf-8")
    error = refused(recipients.read_table, path)
    assert error.code == "bad_csv"
    assert error.message("zh") == "无法读取 CSV 文件：第 3 行无法按 CSV 读取：请检查这一行"
