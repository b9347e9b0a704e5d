"""A refusal quoting what was typed, written to a pipe: click strips escape sequences from what it echoes
where the output is no terminal, so `Unknown carrier \\x1b[31mZTO.` printed "Unknown carrier ZTO.", a
refusal of the very carrier it named. The control characters are written out in the message itself."""

from __future__ import annotations

import json

import pytest


@pytest.mark.parametrize(
    ("lang", "said"),
    [("en", "station: Unknown carrier \\x1b[31mZTO."), ("zh", "station: 未知快递公司 \\x1b[31mZTO。")],
)
def test_a_refusal_quoting_an_escape_sequence_shows_it_in_a_pipe(run, lang: str, said: str) -> None:  # type: ignore[no-untyped-def]
    refused = run("returns", "open", "\x1b[31mZTO", lang=lang)  # CliRunner: no terminal, as a pipe
    assert refused.exit_code == 1, refused.output
    assert refused.stderr.splitlines() == [said]
    answer = json.loads(run("returns", "open", "\x1b[31mZTO", "--json", lang=lang).stdout)
    assert answer["error"] == "unknown_carrier"
    assert answer["message"] == said.removeprefix("station: ")
    assert json.loads(run("returns", "list", "--json").stdout) == []  # nothing opened
