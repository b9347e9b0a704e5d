"""5,000 characters typed where a shelf, a layer or a carrier is named: refused with the name quoted cut
(a label is at most 16 characters), as the other lookups quote it; the refusal repeated all of it, and
nothing is written."""

from __future__ import annotations

from pathlib import Path

import pytest
from station_helpers import file_snapshot

LONG = "名" * 5000


@pytest.mark.parametrize(
    ("args", "said"),
    [
        (("stocktake", LONG), "There is no shelf or layer 名名名"),
        (("stocktake", f"1-{LONG}"), "Shelf 1 has no layer 名名名"),
        (("sendout", "handover", LONG), "Unknown carrier 名名名"),
    ],
    ids=["shelf", "layer", "carrier"],
)
def test_a_long_name_is_quoted_cut(run, db_url: str, args: tuple[str, ...], said: str) -> None:  # type: ignore[no-untyped-def]
    database = Path(db_url.removeprefix("sqlite:///"))
    before = file_snapshot(database)
    result = run(*args)
    assert result.exit_code == 1, result.output
    line = next(line for line in result.output.splitlines() if said in line)
    # Cut to 20 characters: the shelf's refusal goes on to name the shelves to type instead.
    assert "…" in line and "名" * 20 not in line and len(line) < 200, line[:240]
    assert file_snapshot(database) == before
