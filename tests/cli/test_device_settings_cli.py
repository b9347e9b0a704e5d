"""A device setting in counter.toml (or typed on the command line) that the console cannot use: `station
print`, `station print-queue --process`, `station label`, `station scan-test` and `station scale read`
refuse it with the setting's own reason, in the language the command speaks."""

from __future__ import annotations

import json
import os
from pathlib import Path

from click.testing import CliRunner

from station_console.cli import cli


def counter_toml(text: str) -> None:
    Path(os.environ["STATION_CONFIG"]).write_text(text, encoding="utf-8")


def checkin(run) -> str:  # type: ignore[no-untyped-def]
    result = run("checkin", "SF1234567890123", "--phone", "13812345678", "--json")
    assert result.exit_code == 0, result.output
    return str(json.loads(result.output)["pickup_code"])


def test_print_refuses_a_misconfigured_printer_in_the_clerks_language(run) -> None:  # type: ignore[no-untyped-def]
    code = checkin(run)
    counter_toml('[printers.counter]\nlanguage = "tspl"\ntransport = "dummy"\ndpi = 250\n')
    english = run("print", code, "--printer", "counter")
    assert english.exit_code == 1
    # What is wrong and where to fix it, as the whole counter's `print-queue` says it: once.
    assert english.output == (
        "station: Printer counter is misconfigured: Resolution (printers.counter.dpi) = 250: use 203 or 300. "
        "Fix it in Settings > Printers (F8).\n"
    )
    chinese = run("print", code, "--printer", "counter", "--json", lang="zh")
    assert chinese.exit_code == 1
    doc = json.loads(chinese.stdout)
    assert doc == {
        "error": "bad_printer",
        "message": "打印机 counter 配置有误：分辨率（printers.counter.dpi） = 250：请使用 203 或 300。"
        "请在“设置 > 打印机”（F8）中改正。",
    }


def test_print_queue_refuses_the_default_printers_bad_gap_in_chinese(run) -> None:  # type: ignore[no-untyped-def]
    counter_toml('[printer]\nlanguage = "tspl"\ntransport = "dummy"\ngap_mm = "wide"\n')
    result = run("print-queue", "--process", lang="zh")
    assert result.exit_code == 1
    assert (
        "打印机 default 配置有误：间隙（毫米），键 printer.gap_mm = wide：标签间隙，单位毫米，0（连续纸）到 20"
        in result.output
    )
    assert "the gap between stickers" not in result.output


def test_label_refuses_a_size_too_small_to_read_in_chinese(run) -> None:  # type: ignore[no-untyped-def]
    code = checkin(run)
    result = run("label", code, "--size", "30x20", "--out", "-", lang="zh")
    assert result.exit_code == 1
    assert "无法生成该标签：尺寸（size） = 30x20：太小，文字无法看清；最小约 32x24 毫米" in result.output


def test_scan_test_refuses_a_bad_scanner_setting_in_chinese() -> None:
    counter_toml('[scanner]\nkind = "hid"\nlayout = "dvorak"\n')
    result = CliRunner().invoke(cli, ["--lang", "zh", "scan-test"])
    assert result.exit_code == 1
    assert (
        "station: 扫码枪配置有误：键盘布局（scanner.layout） = dvorak：未知的键盘布局；请使用 us, de, fr 之一"
        in result.output
    )
    english = CliRunner().invoke(cli, ["--lang", "en", "scan-test"])
    assert (
        "station: The scanner is misconfigured: Keyboard layout (scanner.layout) = dvorak: unknown keyboard "
        "layout; use one of us, de, fr" in english.output
    )


def test_scan_test_refuses_a_bad_scanner_setting_under_json_as_one_document() -> None:
    """Under --json the refusal was on stderr alone, stdout empty: a script had no document to read."""
    counter_toml('[scanner]\nkind = "hid"\nlayout = "dvorak"\n')
    result = CliRunner().invoke(cli, ["--lang", "zh", "scan-test", "--json"])
    assert result.exit_code == 1
    said = "扫码枪配置有误：键盘布局（scanner.layout） = dvorak：未知的键盘布局；请使用 us, de, fr 之一"
    assert json.loads(result.stdout) == {"error": "bad_scanner", "message": said}
    assert result.stderr == f"station: {said}\n"


def test_scale_read_refuses_a_bad_scale_setting_in_chinese() -> None:
    counter_toml('[scale]\nkind = "serial"\nport = "/dev/ttyUSB0"\nprotocol = "regex"\npattern = "ww("\n')
    result = CliRunner().invoke(cli, ["--lang", "zh", "scale", "read"])
    assert result.exit_code == 1
    assert "秤配置有误：正则表达式（scale.pattern）：不是有效的正则表达式（第 3 个字符处）" in result.output
    typed = CliRunner().invoke(cli, ["--lang", "zh", "scale", "read", "--config", '{"kind": "balance"}'])
    assert typed.exit_code == 1
    assert (
        "秤配置有误：类型（scale.kind） = balance：未知的秤类型；请使用 hidpos, serial, dummy 之一"
        in typed.output
    )


def test_scan_test_and_scale_read_name_whose_port_is_missing() -> None:
    counter_toml('[scanner]\nkind = "serial"\n\n[scale]\nkind = "serial"\n')
    scanner = CliRunner().invoke(cli, ["--lang", "en", "scan-test"])
    assert scanner.exit_code == 1
    assert (
        "station: The scanner is misconfigured: Port (scanner.port): a serial scanner needs its port, e.g. "
        "/dev/ttyACM0" in scanner.output
    )
    scale = CliRunner().invoke(cli, ["--lang", "zh", "scale", "read"])
    assert scale.exit_code == 1
    assert "秤配置有误：端口（scale.port）：串口秤需要设置端口，例如 /dev/ttyUSB0" in scale.output


def test_print_says_a_wrong_parcel_before_a_misconfigured_printer(run) -> None:  # type: ignore[no-untyped-def]
    counter_toml('[printers.counter]\nlanguage = "tspl"\ntransport = "dummy"\ndpi = 250\n')
    wrong = run("print", "9-9-9999", "--printer", "counter", "--json")
    assert wrong.exit_code == 1
    assert json.loads(wrong.stdout)["error"] != "bad_printer", wrong.stdout
    assert "9-9-9999" in json.loads(wrong.stdout)["message"]


def test_a_printer_name_no_printer_can_have_is_refused_on_one_short_line(run) -> None:  # type: ignore[no-untyped-def]
    """A name pasted 5,000 characters long was said twice over (10,000 characters); a line break in a
    quoted name split the one-line refusal. Both are refused by the rule, the name cut and escaped."""
    rule = (
        "its name is not one a printer can have: 1 to 40 printable characters, no control characters or "
        "line breaks. Fix it in Settings > Printers (F8).\n"
    )
    for key, shown in (("P" * 5000, "P" * 40 + "…"), ("front\\ndesk", "front\\x0adesk")):
        counter_toml(f'[printers."{key}"]\nlanguage = "tspl"\ntransport = "dummy"\n')
        refused = run("print-queue", "--process")
        assert refused.exit_code == 1
        assert refused.output == f"station: Printer {shown} is misconfigured: {rule}", refused.output
    chinese = run("print-queue", "--process", "--json", lang="zh")
    assert json.loads(chinese.stdout) == {
        "error": "bad_printer",
        "message": "打印机 front\\x0adesk 配置有误：其名称不可用：打印机名称为 1 到 40 个可打印字符，不能含控制字符或换行。"
        "请在“设置 > 打印机”（F8）中改正。",
    }
