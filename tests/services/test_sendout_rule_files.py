"""A rule or stock file named by a path at the console: refused when it is a folder, missing, too large
or no text (nothing stored), read in UTF-8 or GBK as directory and pre-alert files are; previewed by the
same parsers as the CLI; a manager's alone."""

from __future__ import annotations

from pathlib import Path

import pytest
from sendout_helpers import as_clerk, as_manager, staff

from station_console.errors import PermissionDenied, Refused
from station_console.services.core import typed_files
from station_console.services.core.station import Station
from station_console.services.sendout import inspection, rule_files, rules, tariff, waybills

RATES = "zone,first_g,first_cents,step_g,step_cents\n" + "".join(
    f"{zone},1000,{cents},1000,200\n"
    for zone, cents in (("same", 1100), ("near", 1400), ("far", 1900), ("remote", 2800))
)


def test_a_folder_a_missing_file_a_huge_one_and_no_text_are_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "big.csv").write_text("x" * 101)
    (tmp_path / "bin.csv").write_bytes(bytes(range(128, 200)))
    monkeypatch.setattr(rule_files, "MAX_BYTES", 100)
    for path, code in (
        (tmp_path, "is_folder"),
        (tmp_path / "gone.csv", "no_file"),
        (tmp_path / "big.csv", "file_too_large"),
        (tmp_path / "bin.csv", "bad_file"),
    ):
        with pytest.raises(Refused) as refused:
            rule_files.read_text(path, rule_files.STOCK_KINDS)
        assert refused.value.code == code, path


def test_a_file_of_no_text_or_not_readable_is_refused_in_the_clerks_words(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "bin.toml").write_bytes(bytes(range(128, 256)))
    with pytest.raises(Refused) as binary:
        rule_files.read_text(tmp_path / "bin.toml", rule_files.CHECKLIST_KINDS)
    assert binary.value.code == "bad_file"
    assert (
        binary.value.message("zh")
        == f"{tmp_path / 'bin.toml'} 既不是 UTF-8 也不是 GBK 文本：请另存为 UTF-8 编码后重新输入路径。"
    )

    def no_permission(*args: object, **kwargs: object) -> int:
        raise PermissionError(13, "Permission denied")

    (tmp_path / "locked.toml").write_text("[SF]\n")
    monkeypatch.setattr(typed_files, "open_file", no_permission)
    with pytest.raises(Refused) as locked:
        rule_files.read_text(tmp_path / "locked.toml", rule_files.CHECKLIST_KINDS)
    assert locked.value.code == "bad_file"
    assert locked.value.message("zh").startswith("本机没有读取") and "Permission" not in locked.value.message(
        "zh"
    )


def test_a_tariff_preview_is_the_clis_body_and_stores_nothing(station: Station, tmp_path: Path) -> None:
    staff(station)
    as_manager(station)
    (tmp_path / "sf.csv").write_text(RATES)
    shown = rule_files.preview_tariff(station, "sf", tmp_path / "sf.csv")
    with station.read() as session:
        base = tariff.current_version(session, "SF")
        assert rules.history(session, rules.TARIFF, "SF") == []
    assert base is not None
    assert shown.body == tariff.body_from_text(RATES, "csv", "SF", base.body)
    assert (shown.carrier, shown.replaces, shown.table.rates["same"].first_cents) == ("SF", 0, 1100)
    tariff.set_tariff(station, shown.carrier, shown.body)
    with pytest.raises(Refused) as unchanged:
        rule_files.preview_tariff(station, "SF", tmp_path / "sf.csv")
    assert unchanged.value.code == "unchanged"


def test_a_gbk_tariff_and_gbk_stock_are_read_as_directory_files_are(station: Station, tmp_path: Path) -> None:
    """Excel in China saves CSV in GBK: the directory and pre-alert imports read it, and so do the rule
    files now (they were refused as not UTF-8 text)."""
    staff(station)
    as_manager(station)
    (tmp_path / "sf.csv").write_bytes(
        (
            RATES.replace("step_cents\n", "step_cents,destinations\n", 1)
            + "far2,1000,2100,1000,300,新疆 西藏\n"
        )
        .replace("far,1000,1900,1000,200\n", "far,1000,1900,1000,200,广东;广西\n")
        .encode("gbk")
    )
    shown = rule_files.preview_tariff(station, "SF", tmp_path / "sf.csv")
    assert (shown.table.rates["far2"].first_cents, shown.body["zones"]) == (
        2100,
        {"广东": "far", "广西": "far", "新疆": "far2", "西藏": "far2"},
    )
    (tmp_path / "stock.csv").write_bytes(
        "运单号,备注\nSF0000000000011,新到\nSF0000000000022,\n".encode("gbk")
    )
    assert rule_files.import_stock(station, "SF", tmp_path / "stock.csv").imported == 2
    assert waybills.stock_left(station) == {"SF": 2}


def test_a_clerk_is_refused_every_preview_and_import(station: Station, tmp_path: Path) -> None:
    staff(station)
    as_clerk(station)
    (tmp_path / "sf.csv").write_text(RATES)
    (tmp_path / "checklist.json").write_text('{"items": [{"id": "a", "zh": "甲", "en": "A"}]}')
    for call in (
        lambda: rule_files.preview_tariff(station, "SF", tmp_path / "sf.csv"),
        lambda: rule_files.preview_checklist(station, tmp_path / "checklist.json"),
        lambda: rule_files.import_stock(station, "SF", tmp_path / "gone.csv"),  # before the file is read
    ):
        with pytest.raises(PermissionDenied) as denied:
            call()
        assert denied.value.code == "manager_only"
    assert inspection.current(station).version == 0 and waybills.stock_left(station) == {}


def test_a_checklist_preview_reads_json_as_the_cli_does(station: Station, tmp_path: Path) -> None:
    staff(station)
    as_manager(station)
    (tmp_path / "checklist.json").write_text('{"items": [{"id": "a", "zh": " 甲 ", "en": "A"}]}')
    shown = rule_files.preview_checklist(station, tmp_path / "checklist.json")
    assert shown.body == {"items": [{"id": "a", "zh": "甲", "en": "A"}]} and shown.replaces == 0
    (tmp_path / "list.json").write_text("[1, 2]")
    with pytest.raises(Refused) as refused:
        rule_files.preview_checklist(station, tmp_path / "list.json")
    assert refused.value.code == "bad_checklist"


def test_a_checklist_previewed_then_replaced_elsewhere_is_not_stored_over_theirs(
    station: Station, tmp_path: Path
) -> None:
    """The preview said it replaces version 0; another manager stored version 1 before Yes: storing it
    based on 0 is refused (theirs would go unseen), nothing written; previewed again, it replaces 1."""
    staff(station)
    as_manager(station)
    (tmp_path / "checklist.json").write_text('{"items": [{"id": "a", "zh": "甲", "en": "A"}]}')
    shown = rule_files.preview_checklist(station, tmp_path / "checklist.json")
    assert shown.replaces == 0
    inspection.set_checklist(station, {"items": [{"id": "b", "zh": "乙", "en": "B"}]}, based_on=0)
    with pytest.raises(Refused) as refused:
        inspection.set_checklist(station, shown.body, based_on=shown.replaces)
    assert refused.value.code == "checklist_saved_meanwhile"
    assert "another counter or command saved a new version" in refused.value.message()
    assert (inspection.current(station).version, inspection.current(station).ids) == (1, ["b"])
    again = rule_files.preview_checklist(station, tmp_path / "checklist.json")
    assert inspection.set_checklist(station, again.body, based_on=again.replaces).version == 2
