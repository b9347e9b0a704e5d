"""A layer whose cursor's pickup code is taken finds its next free code, next-fit from the cursor, in a
few statements whatever the width of the SEQ range: not one statement a SEQ (9,000 for 1001-9999)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from checkin_helpers import configure, counts, keep_layers, layer_used, wb
from conftest import FakeClock
from sqlalchemy import event, insert
from sqlmodel import col, select

from db.models import CodeHold, Layer
from station_console.errors import Refused
from station_console.services.checkin.transaction import check_in
from station_console.services.core.station import Station

# What finding a code may cost a check-in beyond its usual statements, however wide the range.
FEW = 8


def hold(station: Station, seqs: range | list[int], *, days: int = 7) -> None:
    """Hold layer 1-1's codes of `seqs` back (as if their parcels left `days` before their end)."""
    now = station.now()
    rows = [
        {"code": f"1-1-{seq}", "released_at": now, "until": now + timedelta(days=days), "parcel_id": None}
        for seq in seqs
    ]

    def work(session: Any) -> None:
        session.execute(insert(CodeHold), rows)

    station.run(work)


def statements_of(station: Station, waybill: str) -> tuple[int, object]:
    """(statements one check-in of `waybill` ran, its result or its refusal)."""
    seen: list[str] = []

    def listen(_conn: Any, _cursor: Any, sql: str, *_args: Any) -> None:
        seen.append(sql)

    event.listen(station.engine, "before_cursor_execute", listen)
    try:
        try:
            outcome: object = check_in(station, waybill, hold_label=True)
        except Refused as exc:
            outcome = exc
    finally:
        event.remove(station.engine, "before_cursor_execute", listen)
    return len(seen), outcome


def cursor_of(station: Station) -> int:
    with station.read() as session:
        return int(session.exec(select(Layer.code_cursor).where(col(Layer.retired_at).is_(None))).one())


@pytest.fixture
def one_layer(station: Station) -> Station:
    """Layer 1-1 alone, the default range 1001-9999; one usual check-in done (its statement count known)."""
    keep_layers(station, {"1-1": 400})
    configure(station, code_seq_min=1001, code_seq_max=9999)
    assert check_in(station, wb(1), hold_label=True).pickup_code == "1-1-1001"
    return station


def usual(station: Station) -> int:
    """Statements of a check-in whose cursor's code is free (the usual one)."""
    n, outcome = statements_of(station, wb(2))
    assert getattr(outcome, "pickup_code", None) == "1-1-1002", outcome
    return n


def test_a_layer_with_one_free_code_far_from_its_cursor_finds_it_in_a_few_statements(
    one_layer: Station,
) -> None:
    base = usual(one_layer)
    hold(one_layer, [*range(1003, 9000), *range(9001, 10000)])  # all but 9000, the cursor at 1003
    n, outcome = statements_of(one_layer, wb(3))
    assert getattr(outcome, "pickup_code", None) == "1-1-9000", outcome
    assert n <= base + FEW, f"{n} statements (the usual check-in: {base})"
    assert cursor_of(one_layer) == 9001  # next-fit: the next check-in starts after it


def test_next_fit_takes_the_next_free_code_after_the_cursor_then_wraps(
    one_layer: Station, clock: FakeClock
) -> None:
    usual(one_layer)  # the cursor at 1003
    hold(one_layer, [s for s in range(1003, 10000) if s not in (1010, 5000, 7000)])
    hold(one_layer, [1010], days=1)
    # 1010 held back: the free codes after the cursor in order, not the lowest.
    assert check_in(one_layer, wb(3)).pickup_code == "1-1-5000"
    assert check_in(one_layer, wb(4)).pickup_code == "1-1-7000"
    clock.advance(days=2)  # 1010's cooldown over, the others' not
    assert check_in(one_layer, wb(5)).pickup_code == "1-1-1010"  # round past 9999
    with pytest.raises(Refused):
        check_in(one_layer, wb(6))


def test_an_exhausted_wide_range_is_refused_in_a_few_statements_and_writes_nothing(
    one_layer: Station,
) -> None:
    base = usual(one_layer)
    hold(one_layer, range(1003, 10000))
    before = (counts(one_layer), layer_used(one_layer, "1-1"), cursor_of(one_layer))
    n, outcome = statements_of(one_layer, wb(3))
    assert isinstance(outcome, Refused) and outcome.code == "no_code", outcome
    assert n <= base + FEW, f"{n} statements (the usual check-in: {base})"
    assert (counts(one_layer), layer_used(one_layer, "1-1"), cursor_of(one_layer)) == before
