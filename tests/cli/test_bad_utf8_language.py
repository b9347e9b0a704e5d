"""An argument that is not valid UTF-8 is refused before click reads anything, in the language the
command would have spoken: `--lang`, else $STATION_LANG (the counter's setting and the locale after)."""

from __future__ import annotations

import sys

import pytest

from station_console import cli, i18n

ZH = "station: 有参数不是有效的 UTF-8 文本；未做任何操作\n"
EN = "station: An argument is not valid UTF-8 text; nothing was done\n"


@pytest.mark.parametrize(
    ("args", "env", "says"),
    [
        (["--lang", "zh", "search", "\udcff\udcfe"], None, ZH),
        (["--lang=zh", "search", "\udcff"], "en", ZH),
        (["search", "\udcff"], "zh", ZH),
        (["--lang", "en", "search", "\udcff"], "zh", EN),
    ],
)
def test_the_refusal_speaks_the_chosen_language(
    args: list[str],
    env: str | None,
    says: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setattr(i18n, "_current", "en")  # restored after the test
    monkeypatch.setattr(sys, "argv", ["station", *args])
    if env is None:
        monkeypatch.delenv("STATION_LANG", raising=False)
    else:
        monkeypatch.setenv("STATION_LANG", env)
    with pytest.raises(SystemExit) as stopped:
        cli.main()
    assert stopped.value.code == 1
    assert capsys.readouterr().err == says
