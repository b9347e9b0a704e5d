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
    ("text", "problem"),
    [
        ('counter = "front"\nlanguage = \n', "line 2"),  # not TOML
        ("counter = 5\n", "counter: Input should be a valid string"),  # a value of the wrong type
        ('counter = "front"\nwedge_rejoin_ms = "soon"\n', "wedge_rejoin_ms"),
    ],
)
def test_a_broken_file_is_refused_with_where_and_what(tmp_path: Path, text: str, problem: str) -> None:
    path = tmp_path / "counter.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(Refused) as refused:
        load_counter_settings(path)
    assert refused.value.code == "bad_counter_settings"
    assert str(path) in refused.value.message("en") and problem in refused.value.message("en")
    assert str(path) in refused.value.message("zh") and "无法使用" in refused.value.message("zh")


def test_station_prints_the_problem_not_an_unexpected_error(
    db_url: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    Path(os.environ["STATION_CONFIG"]).write_text("counter = [1, 2]\n", encoding="utf-8")
    monkeypatch.setattr(sys, "argv", ["station", "--db", db_url, "shelves", "map"])
    with pytest.raises(SystemExit) as exited:
        cli.main()
    assert exited.value.code == 1
    err = capsys.readouterr().err
    assert err.startswith("station: ") and "counter.toml cannot be used (counter:" in err
    assert "unexpected" not in err
