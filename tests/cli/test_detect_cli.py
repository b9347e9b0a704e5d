"""`station detect` and `station carriers ...` through the real CLI on a fresh database."""

from __future__ import annotations

import json

from click.testing import CliRunner, Result

from station_console.cli import cli


def run(db_url: str, *args: str, input: str | None = None) -> Result:
    """As the manager (carrier edits are a manager's; detection needs no sign-in)."""
    return CliRunner().invoke(
        cli, ["--db", db_url, "--lang", "en", "--clerk", "Boss", "--pin", "2580", *args], input=input
    )


def lines(result: Result) -> list[dict]:
    return [json.loads(line) for line in result.stdout.splitlines()]


def test_detect_json_one_object_per_input_and_exit_0(db_url: str) -> None:
    result = run(db_url, "detect", "--json", "SF1234567890123", "EE123456785CN", " 1z5r89390357567127\r\n")
    assert result.exit_code == 0, result.output
    sf, ee, ups = lines(result)
    assert sf == {
        "input": "SF1234567890123",
        "waybill": "SF1234567890123",
        "candidates": [{"carrier": "SF", "name": "SF Express", "checksum": None}],
        "conflict": False,
        "error": None,
    }
    assert [(c["carrier"], c["checksum"]) for c in ee["candidates"]] == [("EMS", True), ("S10", True)]
    assert ups["waybill"] == "1Z5R89390357567127" and ups["candidates"][0]["carrier"] == "UPS"


def test_any_rejected_input_makes_exit_1_and_every_line_is_still_printed(db_url: str) -> None:
    result = run(db_url, "detect", "--json", "SF1234567890123", "12", "SF-1")
    assert result.exit_code == 1
    ok, short, bad = lines(result)
    assert ok["error"] is None
    assert short["waybill"] == "12" and "too short" in short["error"]
    assert bad["waybill"] is None and "characters no carrier uses" in bad["error"]


def test_batch_orders_candidates_and_flags_conflicts(db_url: str) -> None:
    result = run(db_url, "detect", "--json", "--batch", "yunda", "431234567890120", "SF1234567890123")
    assert result.exit_code == 0
    both, other = lines(result)
    assert [c["carrier"] for c in both["candidates"]][:2] == ["YUNDA", "STO"] and both["conflict"] is False
    assert other["conflict"] is True and other["error"] is None


def test_an_unknown_batch_carrier_is_refused(db_url: str) -> None:
    result = run(db_url, "detect", "--batch", "NOPE", "SF1234567890123")
    assert result.exit_code == 1
    assert "No carrier with code NOPE" in result.stderr


def test_plain_output_and_stdin(db_url: str) -> None:
    result = run(db_url, "detect", input="431234567890120\n1Z5R89390357567128\n")
    assert result.exit_code == 1
    first, second = result.stdout.splitlines()
    assert first == "431234567890120: STO (STO Express); also fits YUNDA"
    assert second.startswith("1Z5R89390357567128: rejected:") and "check digit of UPS" in second


def test_plain_output_in_chinese_joins_its_parts_as_chinese_does(db_url: str) -> None:
    """A check digit and the other carriers are whole messages joined in the language's way: a
    half-width space glued before a Chinese part read "（顺丰） 校验位正确"."""
    given = "431234567890120\n1Z5R89390357567127\n"
    result = CliRunner().invoke(cli, ["--db", db_url, "--lang", "zh", "detect"], input=given)
    sto, checked = result.stdout.splitlines()
    assert sto == "431234567890120：STO（申通快递）；也符合 YUNDA"
    assert checked == "1Z5R89390357567127：UPS（UPS），校验位正确"


def test_detect_speaks_chinese(db_url: str) -> None:
    result = CliRunner().invoke(cli, ["--db", db_url, "--lang", "zh", "detect", "--json", "JT0001234567890"])
    assert lines(result)[0]["candidates"][0]["name"] == "极兔速递"


def test_carriers_list_add_edit(db_url: str) -> None:
    listed = json.loads(run(db_url, "carriers", "list", "--json").stdout)
    assert [c["code"] for c in listed][:2] == ["SF", "ZTO"] and len(listed) == 16
    added = run(
        db_url,
        "carriers",
        "add",
        "--code",
        "KDN",
        "--name-en",
        "Kuaidi Nine",
        "--name-zh",
        "快递九",
        "--short",
        "K9",
        "--pattern",
        "^KD[0-9]{11}$",
        "--checksum",
        "luhn",
        "--fee",
        "35",
        "--json",
    )
    assert added.exit_code == 0, added.output
    assert json.loads(added.stdout)["patterns"] == [{"regex": "^KD[0-9]{11}$", "checksum": "luhn"}]
    found = lines(run(db_url, "detect", "--json", "KD79927398713", "KD79927398710"))
    assert found[0]["candidates"] == [{"carrier": "KDN", "name": "Kuaidi Nine", "checksum": True}]
    assert "check digit of KDN" in found[1]["error"]
    edited = run(db_url, "carriers", "edit", "kdn", "--fee", "40", "--add-pattern", "^KDX[0-9]{8}$", "--json")
    assert edited.exit_code == 0, edited.output
    row = json.loads(edited.stdout)
    assert row["fee_cents"] == 40 and [p["regex"] for p in row["patterns"]] == [
        "^KD[0-9]{11}$",
        "^KDX[0-9]{8}$",
    ]
    assert lines(run(db_url, "detect", "--json", "KDX12345678"))[0]["candidates"][0]["carrier"] == "KDN"
    off = run(db_url, "carriers", "edit", "KDN", "--inactive")
    assert off.exit_code == 0 and "KDN" in off.stdout
    assert run(db_url, "detect", "KDX12345678").exit_code == 1
    plain = run(db_url, "carriers", "list").stdout
    assert "KDN" in plain and "(inactive)" in plain
    chinese = (
        CliRunner()
        .invoke(cli, ["--db", db_url, "--lang", "zh", "--clerk", "Boss", "--pin", "2580", "carriers", "list"])
        .stdout
    )
    # Each language spaces its own bracket: no half-width space before a full-width one.
    assert "$（已停用）" in chinese and " （" not in chinese, chinese


def test_carrier_refusals_exit_1_without_a_traceback(db_url: str) -> None:
    duplicate = run(db_url, "carriers", "add", "--code", "SF", "--name-en", "x", "--name-zh", "y", "--json")
    assert duplicate.exit_code == 1
    assert json.loads(duplicate.stdout) == {
        "error": "carrier_exists",
        "message": "Carrier SF already exists.",
    }
    bad = run(db_url, "carriers", "edit", "SF", "--pattern", "^SF[")
    assert bad.exit_code == 1 and "cannot be used" in bad.stderr and "Traceback" not in bad.output
    missing = run(db_url, "carriers", "edit", "NOPE", "--fee", "1")
    assert missing.exit_code == 1 and "No carrier with code NOPE" in missing.stderr


def test_carriers_list_in_chinese_keeps_its_fee_column_in_line(db_url: str) -> None:
    """Chinese names of two, four and five characters and Latin ones: each fee ends at the same
    terminal column."""
    from station_console.text_columns import display_width

    result = CliRunner().invoke(
        cli, ["--db", db_url, "--lang", "zh", "--clerk", "Boss", "--pin", "2580", "carriers", "list"]
    )
    assert result.exit_code == 0, result.output
    ends = {display_width(line[: line.index("  ^")]) for line in result.stdout.splitlines() if "  ^" in line}
    assert "菜鸟" in result.stdout and "UPS" in result.stdout
    assert len(ends) == 1, result.stdout


def test_a_phone_is_rejected_as_check_in_rejects_it_masked_and_blank_lines_are_skipped(db_url: str) -> None:
    """A mobile passing DHL Express's check digit was printed as a DHL waybill, the whole number with
    it; a blank line between the numbers piped in was a rejected empty waybill."""
    result = run(db_url, "detect", input="SF1234567890123\n\n13812345606\n  \n+86 138 1234 5678\n")
    assert result.exit_code == 1
    assert result.stdout.splitlines() == [
        "SF1234567890123: SF (SF Express)",
        "138****5606: rejected: 138****5606 looks like a mobile number, not a waybill.",
        "138****5678: rejected: 138****5678 looks like a mobile number, not a waybill.",
    ]
    found = lines(run(db_url, "detect", "--json", "13812345606"))
    assert [(f["input"], f["waybill"]) for f in found] == [("138****5606", None)]
    assert "13812345606" not in json.dumps(found) and "mobile number" in found[0]["error"]


def test_batch_dhl_tells_a_dhl_waybill_shaped_as_a_mobile_as_one(db_url: str) -> None:
    """`--batch DHL` rejected a DHL Express waybill starting 13-19 as a phone: the clerk said the
    numbers are DHL's. Without the batch, or with another, or failing the check digit, still a phone."""
    told = run(db_url, "detect", "--batch", "DHL", "13812345606")
    assert told.exit_code == 0, told.output
    assert told.stdout.startswith("13812345606: DHL (")
    for args in (("13812345606",), ("--batch", "SF", "13812345606"), ("--batch", "DHL", "13812345607")):
        result = run(db_url, "detect", *args)
        assert result.exit_code == 1 and "looks like a mobile number" in result.stdout, args
