"""A counter.toml someone broke by hand: `station` says which file and what is wrong, in one line."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

from station_console import cli
from station_console.errors import Refused
from station_console.settings import load_counter_settings


@pytest.mark.parametrize(
    ("text", "problem", "problem_zh"),
    [
        (
            b'counter = "front"\nlanguage = \n',
            "(not valid TOML (line 2, column 12))",
            "不是有效的 TOML（第 2 行，第 12 列）",
        ),
        (  # a value of the wrong type: the field by its title, and its key in the file
            b"counter = 5\n",
            "(Counter name (counter): Must be text)",
            "（柜台名称（counter）：必须是文本）",
        ),
        (
            b'wedge_rejoin_ms = "soon"\n',
            "Split scan wait (ms), key wedge_rejoin_ms: Must be a whole number",
            "断码续接等待（毫秒），键 wedge_rejoin_ms：必须是整数",
        ),
        (
            b'language = "fr"\n',
            "Language (language): Use en (English) or zh (Chinese)",
            "语言（language）：请使用 en（英文） 或 zh（中文）",
        ),
        (
            b"wedge_min_length = 0\n",
            "Shortest code (wedge_min_length): Must be at least 1",
            "最短条码长度（wedge_min_length）：不能小于 1",
        ),
        (b'counter = "\xff"\n', "(not UTF-8 text)", "不是 UTF-8 文本"),
        (  # a misspelt key: its setting would stay at the default (counter-1) unseen
            b'counter_name = "counter-2"\n',
            "(counter_name: no counter setting has this key; did you mean counter = ... at the top of the file?)",
            "（counter_name：柜台设置中没有这个键；是否想在文件顶层写 counter = ...？）",
        ),
        (
            b'counter = "front"\n[zz]\nq = 1\n',
            "(zz: no counter setting has this key)",
            "zz：柜台设置中没有这个键",
        ),
    ],
)
def test_a_broken_file_is_refused_with_where_and_what(
    tmp_path: Path, text: bytes, problem: str, problem_zh: str
) -> None:
    """Where and what, in the language the refusal is shown in (the reason is translated then)."""
    path = tmp_path / "counter.toml"
    path.write_bytes(text)
    with pytest.raises(Refused) as refused:
        load_counter_settings(path)
    assert refused.value.code == "bad_counter_settings"
    assert str(path) in refused.value.message("en") and problem in refused.value.message("en")
    zh = refused.value.message("zh")
    assert str(path) in zh and "无法使用" in zh and problem_zh in zh, zh


def test_station_prints_the_problem_not_an_unexpected_error(
    db_url: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    Path(os.environ["STATION_CONFIG"]).write_text("counter = [1, 2]\n", encoding="utf-8")
    monkeypatch.setattr(sys, "argv", ["station", "--db", db_url, "shelves", "map"])
    with pytest.raises(SystemExit) as exited:
        cli.main()
    assert exited.value.code == 1
    err = capsys.readouterr().err
    assert err.startswith("station: ") and "counter.toml cannot be used (Counter name (counter):" in err
    assert "unexpected" not in err
