"""`station prealert import`, `list` and `imports` through click: a carrier's pre-alert file loaded,
reported by line, and the parcels it names checked in."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from cli import carrierdata_cli_helpers as shared
from cli.carrierdata_cli_helpers import write, zto

pytestmark = pytest.mark.new_station  # its own manager, boss, made as a first run
run, boss = shared.run, shared.boss  # the shared fixtures, as the tests name them


def test_import_list_and_check_in_a_pre_alerted_privacy_waybill(run, boss, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    csv_text = (
        "运单号,快递公司,手机,姓名\n"
        + "".join(f"{zto(n)},中通,17012345678-{n:04d},王{n}\n" for n in (1, 2))
        + "NOT A WAYBILL,中通,,\n"
    )
    nobody = run("prealert", "import", str(write(tmp_path / "a.csv", csv_text, "gbk")), clerk=None)
    assert nobody.exit_code == 1
    result = run("prealert", "import", str(write(tmp_path / "a.csv", csv_text, "gbk")), clerk=boss)
    assert result.exit_code == 0, result.output
    assert "a.csv: 2 of 3 rows loaded, 1 bad" in result.output and "Line 4: NOT A WAYBILL" in result.output
    listed = json.loads(run("prealert", "list", "--json").output)["prealerts"]
    assert [(p["waybill"], p["masked_phone"], p["state"]) for p in listed] == [
        (zto(2), "170****5678-0002", "expected"),
        (zto(1), "170****5678-0001", "expected"),
    ]
    assert "17012345678" not in run("prealert", "list").output  # masked everywhere

    checked = run("checkin", zto(1), "--json")  # no --phone: the pre-alert gives it
    data = json.loads(checked.output)
    assert data["prealerted"] and data["masked_phone"] == "170****5678-0001"
    assert run("checkin", zto(2)).output.count("Pre-alerted: phone 170****5678-0002") == 1
    strict = run("prealert", "import", str(write(tmp_path / "b.csv", csv_text)), "--strict", clerk=boss)
    assert strict.exit_code == 1 and "0 of 3 rows loaded" in strict.output
    assert run("prealert", "import", str(tmp_path / "nope.csv"), clerk=boss).exit_code == 1


def test_an_import_report_says_one_duplicate_in_the_singular(run, boss, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    csv_text = "运单号,快递公司,手机\n" + f"{zto(5)},中通,13812345678\n" * 2
    result = run("prealert", "import", str(write(tmp_path / "d.csv", csv_text)), clerk=boss)
    assert "d.csv: 1 of 2 rows loaded, 0 bad, 1 duplicate, 0 on the shelf" in result.output, result.output
    assert "1 loaded, 0 bad, 1 duplicate, 0 on the shelf" in run("prealert", "imports").output
    assert "错误 0，重复 1，已在货架 0" in run("prealert", "imports", lang="zh").output
    one = run(
        "prealert",
        "import",
        str(write(tmp_path / "e.csv", csv_text.splitlines()[0] + "\n" + f"{zto(6)},中通,\n")),
    )
    assert "e.csv: 1 of 1 row loaded, 0 bad, 0 duplicates" in one.output, one.output


@pytest.mark.parametrize(
    ("lang", "before", "summary"),
    [
        (
            "en",
            "d.csv: already loaded on 2026-11-25 02:00 by boss (import 1).",
            "d.csv: 0 of 2 rows loaded, 0 bad, 2 duplicates, 0 on the shelf",
        ),
        ("zh", "d.csv：已于 2026-11-25 02:00 由 boss 导入（导入 1）。", "d.csv：2 行中已导入 0 行"),
    ],
)
def test_a_file_imported_again_by_hand_says_once_when_and_by_whom_it_was_loaded(  # type: ignore[no-untyped-def]
    run, boss, tmp_path: Path, lang: str, before: str, summary: str
) -> None:
    """The folder watch says of a file loaded before when and by whom; the same file imported by hand
    said only a duplicate per row. Now it says that too, once at the top, and its rows as before."""
    path = write(
        tmp_path / "d.csv", "运单号,快递公司,手机\n" + f"{zto(5)},中通,13812345678\n{zto(6)},中通,\n"
    )
    first = run("prealert", "import", str(path))
    assert first.exit_code == 0 and "already loaded" not in first.output, first.output
    again = run("prealert", "import", str(path), lang=lang)
    lines = again.output.splitlines()
    assert again.exit_code == 0 and lines[0] == before, again.output
    assert lines[1].startswith(summary) and len(lines) == 5, again.output  # the two rows' lines, the time
    assert sum(before in line for line in lines) == 1
    assert json.loads(run("prealert", "import", str(path), "--json").output)["loaded_before"] == 1


def test_the_imports_list_says_who_imported_each_file_and_how_many_arrived(run, boss, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    csv_text = "运单号,快递公司,手机\n" + "".join(f"{zto(n)},中通,13812345678\n" for n in (7, 8))
    assert run("prealert", "import", str(write(tmp_path / "w.csv", csv_text))).exit_code == 0
    assert run("checkin", zto(7), "--phone", "5678").exit_code == 0
    listed = run("prealert", "imports").output
    assert " boss " in listed and "2 loaded, 0 bad, 0 duplicates, 0 on the shelf; 1 arrived so far" in listed
    assert "；已到货 1" in run("prealert", "imports", lang="zh").output


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_a_name_longer_than_its_column_is_loaded_cut_and_said_on_its_line(  # type: ignore[no-untyped-def]
    run, boss, tmp_path: Path, lang: str
) -> None:
    long_name = "王" * 5000
    csv_text = (
        f"运单号,快递公司,手机,姓名\n{zto(7)},中通,13812345678,{long_name}\n{zto(8)},中通,13812345679,李四\n"
    )
    result = run("prealert", "import", str(write(tmp_path / "n.csv", csv_text)), "--strict", lang=lang)
    assert result.exit_code == 0, result.output  # a cut name is not a refused row: --strict loads it
    said = {
        "en": f"Line 2: {zto(7)} name cut to 64 characters (it had 5000)",
        "zh": f"{zto(7)} 姓名过长，已截为 64 个字（原有 5000 个字）",
    }[lang]
    assert said in result.output, result.output
    assert "Line 3" not in result.output and "第 3 行" not in result.output
    again = csv_text.replace(zto(7), zto(9))  # the first row new, the second pre-alerted already
    data = json.loads(
        run("prealert", "import", str(write(tmp_path / "m.csv", again)), "--dry-run", "--json").output
    )
    assert data["cut"] == 1 and [i["kind"] for i in data["issues"]] == ["cut", "duplicate"]
    listed = json.loads(run("prealert", "list", "--json").output)["prealerts"]
    assert len(listed) == 2


@pytest.mark.parametrize(
    ("lang", "summary"),
    [("en", "d.csv: 2 of 3 rows to import, 1 bad"), ("zh", "d.csv：3 行中可导入 2 行，错误 1")],
)
def test_a_dry_run_says_what_it_would_import_and_imports_nothing(  # type: ignore[no-untyped-def]
    run, boss, tmp_path: Path, lang: str, summary: str
) -> None:
    csv_text = "运单号,快递公司,手机,姓名\n" + "".join(f"{zto(n)},中通,1381234567{n},王{n}\n" for n in (1, 2))
    result = run(
        "prealert",
        "import",
        str(write(tmp_path / "d.csv", csv_text + "NOT A WAYBILL,中通,,\n")),
        "--dry-run",
        lang=lang,
    )
    assert result.exit_code == 0, result.output
    assert summary in result.output, result.output
    assert (
        "Line 4" in result.output or "第 4 行" in result.output
    )  # the refused row, as a real import says it
    assert "(import" not in result.output and "（导入" not in result.output
    assert json.loads(run("prealert", "list", "--json").output)["prealerts"] == []


def test_a_dry_runs_json_counts_the_rows_it_would_import(run, boss, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """`loaded` stays 0 (nothing is), and `would_load` says what the text's "2 of 3 rows to import"
    says; a real import has nothing it only would load."""
    csv_text = "运单号,快递公司,手机,姓名\n" + "".join(f"{zto(n)},中通,1381234567{n},王{n}\n" for n in (1, 2))
    path = write(tmp_path / "w.csv", csv_text + "NOT A WAYBILL,中通,,\n")
    data = json.loads(run("prealert", "import", str(path), "--dry-run", "--json").output)
    assert (data["dry_run"], data["rows_read"], data["loaded"], data["would_load"]) == (True, 3, 0, 2)
    assert json.loads(run("prealert", "list", "--json").output)["prealerts"] == []
    real = json.loads(run("prealert", "import", str(path), "--json", clerk=boss).output)
    assert (real["dry_run"], real["loaded"], real["would_load"]) == (False, 2, None)


def test_a_clerks_import_of_the_stations_secrets_settings_or_database_quotes_nothing(  # type: ignore[no-untyped-def]
    run, boss, db_url: str, tmp_path: Path
) -> None:
    """`station prealert import` took any path: secrets.toml's first line came back as the headings it
    lacked, and with `--map waybill=<its first line>` every later line as a bad row. Now the station's
    own files are refused unread as such, and a file of no pre-alert's kind (/etc/passwd) as that."""
    from station_console.counter_config import config_path
    from station_console.secrets_file import secrets_path
    from station_console.services.admin.setup import open_station
    from station_console.services.people.clerks import add_clerk, sign_in

    station = open_station(db_url)
    sign_in(station, *boss)
    add_clerk(station, "Wu", "3719")
    station.engine.dispose()
    secret = 'audit_key = "0123456789abcdef0123456789abcdef"\nsmtp_password = "hunter2-at-the-counter"\n'
    write(secrets_path(), secret).chmod(0o600)
    write(config_path(), 'counter = "front"\n# hunter2-at-the-counter\n')
    database = Path(db_url.removeprefix("sqlite:///"))
    first_line = secret.splitlines()[0]
    for path, said in (
        (secrets_path(), "is one of this station's own files"),
        (config_path(), "is one of this station's own files"),
        (database, "is one of this station's own files"),
        (Path("/etc/passwd"), "was not read: the kinds of file taken here are .csv, .tsv, .txt, .json."),
    ):
        for mapping in ((), ("--map", f"waybill={first_line}")):
            done = run("prealert", "import", str(path), *mapping, "--json", clerk=("Wu", "3719"))
            assert done.exit_code == 1 and said in done.output, done.output
            assert "hunter2" not in done.output and "0123456789" not in done.output.replace(first_line, "")
            assert "root:" not in done.output
