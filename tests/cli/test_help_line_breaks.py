"""Chinese help breaks its lines by the console's and the printouts' one rule (`hardware.line_breaks`):
a number kept with its measure word, no Chinese character of a run left alone on a line, and a token
to type (`external_id=工号`) kept whole where the line has another place to break."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from click.testing import CliRunner

from station_console.cli import cli
from station_console.help_layout import wrap
from station_console.i18n import set_language
from station_console.text_columns import display_width


@pytest.fixture(autouse=True)
def _english_locale(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    for var in ("LC_ALL", "LC_MESSAGES", "LANGUAGE"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("LANG", "C.UTF-8")
    monkeypatch.setenv("STATION_DB", "sqlite:////nonexistent/folder/station.db")  # help opens none
    yield
    set_language("en")


def zh_help(*args: str, width: int) -> list[str]:
    """The lines of `station --lang zh ARGS --help` on a terminal `width` columns wide."""
    result = CliRunner().invoke(
        cli, ["--lang", "zh", *args, "--help"], prog_name="station", terminal_width=width
    )
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert max(display_width(line) for line in lines) <= width
    return [line.strip() for line in lines]


def test_a_number_stays_with_its_measure_word_and_no_character_is_left_alone() -> None:
    # 60 columns: "免费保管的天数（入库当天算第 1 天）。" fills the option's column right at the "1".
    fees_set = zh_help("fees", "set", width=60)
    pairs = list(zip(fees_set, fees_set[1:], strict=False))  # each line with the next
    days = ("--free-days 整数       免费保管的天数（入库当天算第", "1 天）。  [默认：3；0<=x<=365]")
    assert days in pairs  # was "第 1" / "天）。"
    # "计费" was "计" / "费。": one character of the word alone at a line's end.
    fees_due = zh_help("fees", "due", width=60)
    assert fees_due[2:4] == ["指定包裹（取件码或运单号）现在应付多少，以及从何时开始", "计费。"]


def test_a_token_to_type_is_kept_whole_where_the_line_breaks_elsewhere() -> None:
    # The rule alone lets a line break where Chinese meets Latin ("手机" / "/phone", "external_id=" /
    # "工号）"); help breaks there only when the line has no other place. It was "手" / "机/phone".
    prealerts = zh_help("prealert", "import", width=80)
    assert prealerts[2:4] == [
        "导入 CSV 或 JSON 预到货文件；常见列名（运单号/waybill、快递公司/carrier、",
        "手机/phone、姓名/name）无需映射。有问题的行会连同行号报告。",
    ]
    column = "从等号后的列读取等号前的字段（例如 external_id=工号）；每个字段写一次。"
    assert wrap(column, 50) == ["从等号后的列读取等号前的字段（例如", "external_id=工号）；每个字段写一次。"]
    # An option longer than the line runs past its end whole, to be copied: printouts cut such a run.
    option = "配合 --close-and-apply-every-fix：对每次扫描应用此处理。"
    assert wrap(option, 16) == ["配合", "--close-and-apply-every-fix：", "对每次扫描应用此", "处理。"]
