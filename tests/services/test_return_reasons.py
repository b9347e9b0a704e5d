"""A return batch takes only parcels with a reason to go back: due for return, a problem recorded, or
recalled by its carrier or sender (recorded as its problem as it goes in)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from shelf_helpers import events, parcel, place, wb
from sqlmodel import Session, select

from db.models import EventKind, Parcel, PrintJob
from hardware.printers.textfit import columns
from station_console.errors import Refused
from station_console.services.core.station import Station
from station_console.services.exceptions import problems, return_batch_parcels, return_reasons, returns
from station_console.settings import CounterSettings


def test_a_fresh_parcel_with_no_problem_is_refused_and_nothing_changes(station: Station, clock) -> None:
    pid = place(station, wb(1), "5-1", at=clock.now - timedelta(days=6, hours=23))
    batch = returns.open_batch(station, "JT")
    for add in (
        lambda: return_batch_parcels.add(station, batch.id, wb(1)),
        lambda: return_batch_parcels.add_many(station, batch.id, [wb(1)]),
        lambda: returns.open_batch_with(station, "JT", [wb(1)]),
    ):
        with pytest.raises(Refused) as exc:
            add()
        assert exc.value.code == "not_due_for_return"
    assert exc.value.reason() == (
        f"{wb(1)} is not due for return (its carrier's parcels go back after 7 days on the shelf) "
        "and has no problem recorded."
    )
    assert "return it as recalled" in exc.value.message()
    assert (
        exc.value.reason("zh") == f"{wb(1)} 未到退回期限（该快递公司的包裹在架 7 天后才退回），也未登记问题。"
    )
    p = parcel(station, pid)
    assert (p.return_batch_id, p.problem_kind, p.status) == (None, None, "on_shelf")
    assert returns.get(station, batch.id).count == 0
    assert events(station, EventKind.RETURN_BATCH_ADDED) == []
    assert len(returns.list_batches(station)) == 1  # open_batch_with left no batch behind


def test_a_parcel_due_for_return_and_a_problem_parcel_go_in(station: Station, clock) -> None:
    overdue = place(station, wb(1), "5-1", at=clock.now - timedelta(days=7, hours=1))
    damaged = place(station, wb(2), "5-1")
    problems.mark(station, wb(2), "damaged", "box crushed")
    batch = returns.open_batch(station, "JT")
    return_batch_parcels.add(station, batch.id, wb(1))
    return_batch_parcels.add(station, batch.id, wb(2))
    assert parcel(station, overdue).return_batch_id == batch.id
    assert parcel(station, overdue).problem_kind is None  # its age is its reason
    assert parcel(station, damaged).problem_kind == "damaged"
    assert returns.get(station, batch.id).count == 2


def test_a_recalled_parcel_goes_in_with_its_problem_recorded_in_one_step(station: Station) -> None:
    pid = place(station, wb(1), "5-1")
    batch = returns.open_batch(station, "JT")
    row = return_batch_parcels.add(station, batch.id, wb(1), recalled=True, note="SF called at 10:20")
    p = parcel(station, pid)
    assert (p.return_batch_id, p.problem_kind, p.problem_note) == (batch.id, "recalled", "SF called at 10:20")
    assert row.problem_kind == "recalled"
    (marked,) = events(station, EventKind.PROBLEM_MARKED)
    assert (marked.parcel_id, marked.details["kind"], marked.clerk_id) == (pid, "recalled", station.clerk_id)
    assert len(events(station, EventKind.RETURN_BATCH_ADDED)) == 1


def test_a_recall_replaces_another_problem_and_keeps_it_in_its_note_and_trail(station: Station) -> None:
    """One problem kind per parcel: a wrong-address parcel added as recalled kept its wrong address, so
    pickup read only that note and handed it over. The recall replaces it, nothing of it lost."""
    from station_console.services.pickup.handover import confirm_pickup

    pid = place(station, wb(1), "5-1")
    problems.mark(station, wb(1), "wrong_address", "Building 3, not 5")
    batch = returns.open_batch(station, "JT")
    return_batch_parcels.add(station, batch.id, wb(1), recalled=True, note="Sender called")
    p = parcel(station, pid)
    assert (p.problem_kind, p.problem_note) == (
        "recalled",
        "Sender called. Was flagged wrong address: Building 3, not 5",
    )
    _first, recalled = events(station, EventKind.PROBLEM_MARKED)
    assert (recalled.details["previous"], recalled.details["previous_note"]) == (
        "wrong_address",
        "Building 3, not 5",
    )
    with pytest.raises(Refused) as exc:
        confirm_pickup(station, [pid], method="code", scanned=[wb(1)])
    assert exc.value.code == "recalled"
    assert parcel(station, pid).status == "on_shelf"


@pytest.mark.parametrize("how", ["add", "add_many", "open_batch_with"])
def test_a_recall_flags_a_parcel_past_its_threshold_and_its_note_keeps_the_age(
    station: Station, clock, how: str
) -> None:
    """Said recalled, it is recalled whatever other reason it has: one past its threshold kept its age
    as its only reason, so a customer who came first still took it. Its age goes in the note, which
    the manifest prints after "recalled"."""
    from station_console.services.pickup.handover import confirm_pickup

    pid = place(station, wb(1), "5-1", at=clock.now - timedelta(days=9, hours=2))
    batch = returns.open_batch(station, "JT")
    if how == "add":
        return_batch_parcels.add(station, batch.id, wb(1), recalled=True, note="Sender called")
    elif how == "add_many":
        return_batch_parcels.add_many(station, batch.id, [wb(1)], recalled=True, note="Sender called")
    else:
        batch = returns.open_batch_with(station, "JT", [wb(1)], recalled=True, note="Sender called")
    p = parcel(station, pid)
    assert (p.return_batch_id, p.problem_kind, p.problem_note) == (
        batch.id,
        "recalled",
        "Sender called. Due for return: on the shelf 9 days.",
    )
    with pytest.raises(Refused) as exc:
        confirm_pickup(station, [pid], method="code", scanned=[wb(1)])
    assert exc.value.code == "recalled"


def test_a_parcel_in_the_batch_for_its_age_is_flagged_recalled_where_it_is(station: Station, clock) -> None:
    pid = place(station, wb(1), "5-1", at=clock.now - timedelta(days=8))
    batch = returns.open_batch(station, "JT")
    return_batch_parcels.add(station, batch.id, wb(1))
    assert parcel(station, pid).problem_kind is None
    return_batch_parcels.add(station, batch.id, wb(1), recalled=True)
    p = parcel(station, pid)
    assert (p.return_batch_id, p.problem_kind, p.problem_note) == (
        batch.id,
        "recalled",
        "Due for return: on the shelf 8 days.",
    )
    assert len(events(station, EventKind.RETURN_BATCH_ADDED)) == 1  # flagged, not added twice
    with pytest.raises(Refused) as exc:  # recalled already: nothing more to do
        return_batch_parcels.add(station, batch.id, wb(1), recalled=True)
    assert exc.value.code == "already_in_batch"


def test_the_age_note_is_in_the_clerks_language(station: Station, clock) -> None:
    from station_console.i18n import set_language

    pid = place(station, wb(1), "5-1", at=clock.now - timedelta(days=8))
    batch = returns.open_batch(station, "JT")
    set_language("zh")
    try:
        return_batch_parcels.add(station, batch.id, wb(1), recalled=True)
    finally:
        set_language("en")
    assert parcel(station, pid).problem_note == "已到退回期限：在架8天。"


@pytest.mark.parametrize(
    ("lang", "note", "reads"),
    [
        ("en", "sender, by phone", "sender, by phone. Due for return: on the shelf 8 days."),
        ("en", "The sender called!", "The sender called! Due for return: on the shelf 8 days."),
        ("zh", "寄件人来电", "寄件人来电。已到退回期限：在架8天。"),
    ],
)
def test_the_recall_note_and_the_age_read_as_two_sentences(
    station: Station, clock, lang: str, note: str, reads: str
) -> None:
    """The manifest prints the note after "recalled": the clerk's note and the age run together
    ("sender, by phone Due for return...") read as one garbled sentence."""
    from station_console.i18n import set_language

    pid = place(station, wb(1), "5-1", at=clock.now - timedelta(days=8))
    batch = returns.open_batch(station, "JT")
    set_language(lang)
    try:
        return_batch_parcels.add(station, batch.id, wb(1), recalled=True, note=note)
    finally:
        set_language("en")
    assert parcel(station, pid).problem_note == reads


def test_a_note_at_its_limit_still_leaves_the_age_whole(station: Station, clock) -> None:
    """The note is shortened, not the age after it: cut at the end, a full-length note left no trace of
    how long the parcel waited."""
    pid = place(station, wb(1), "5-1", at=clock.now - timedelta(days=8))
    batch = returns.open_batch(station, "JT")
    note = "x" * return_reasons.RECALL_NOTE.limit
    return_batch_parcels.add(station, batch.id, wb(1), recalled=True, note=note)
    kept = parcel(station, pid).problem_note or ""
    assert return_reasons.RECALL_NOTE.limit - 1 <= len(kept) <= return_reasons.RECALL_NOTE.limit
    assert kept.endswith("x… Due for return: on the shelf 8 days.")


def _manifest(station: Station, batch_id: int) -> PrintJob:
    office = CounterSettings(printers={"office": {"language": "pdf", "transport": "dummy"}})
    job_id = returns.print_manifest(station, batch_id, office)
    with station.read() as s:
        return s.exec(select(PrintJob).where(PrintJob.id == job_id)).one()


def _flag(station: Station, pid: int, kind: str, note: str) -> None:
    """As a stocktake flags it, or as an older row holds a note (stored before notes were cleaned)."""

    def work(session: Session) -> None:
        p = session.get(Parcel, pid)
        assert p is not None
        p.problem_kind, p.problem_note = kind, note
        session.add(p)

    station.run(work)


def _manifest_reasons(station: Station, batch_id: int, lang: str) -> dict[str, str]:
    from station_console.services.printing import render

    job = _manifest(station, batch_id)
    return {row[1]: row[-1] for row in render.manifest_document(station, job.payload, lang).rows}


LONG_NOTE = (
    "[bold]寄件人张三来电 sender Zhang called, asked for it back; 请退回给寄件人，地址已变更 " + "x" * 140
)


def test_the_manifest_keeps_what_a_recall_adds_after_a_long_note(station: Station, clock) -> None:
    """The manifest's cell holds a note's first 80 columns: a long note kept only the clerk's words,
    and the age or the replaced problem said after them, which the recall keeps whole in the note, never
    reached the courier's paper. The note is shortened before its last sentence instead."""
    place(station, wb(1), "5-1", at=clock.now - timedelta(days=8, hours=1))
    place(station, wb(2), "5-1")
    problems.mark(station, wb(2), "wrong_address", "Building 5 does not exist. " + "y" * 150)
    batch = returns.open_batch(station, "JT")
    return_batch_parcels.add(station, batch.id, wb(1), recalled=True, note=LONG_NOTE)
    return_batch_parcels.add(station, batch.id, wb(2), recalled=True, note=LONG_NOTE)
    reasons = _manifest_reasons(station, batch.id, "en")
    assert reasons[wb(1)].startswith("recalled: [bold]寄件人张三来电 sender")
    assert reasons[wb(1)].endswith("… Due for return: on the shelf 8 days.")
    assert reasons[wb(2)].startswith("recalled: [bold]寄件人张三来电 sen")
    assert "… Was flagged wrong address: Building 5" in reasons[wb(2)]
    for reason in reasons.values():
        assert columns(reason) <= columns("recalled: ") + 80


def test_the_manifest_keeps_a_chinese_recalls_age_after_a_long_note(station: Station, clock) -> None:
    """A Chinese clerk's note, shortened to leave the age whole, runs into it with no space
    ("…已到退回期限"): the manifest still shortens the note, not the age."""
    from station_console.i18n import set_language

    place(station, wb(1), "5-1", at=clock.now - timedelta(days=8, hours=1))
    batch = returns.open_batch(station, "JT")
    set_language("zh")
    try:
        return_batch_parcels.add(station, batch.id, wb(1), recalled=True, note="寄件人来电要求退回" * 55)
    finally:
        set_language("en")
    reason = _manifest_reasons(station, batch.id, "zh")[wb(1)]
    assert reason.startswith("拦截召回：寄件人来电要求退回")
    assert reason.endswith("…已到退回期限：在架8天。")


def test_overdue_early_ones_go_back_recalled_and_the_due_ones_for_their_age(station: Station, clock) -> None:
    """Overdue's Yes names only the parcels not yet due as recalled; the due ones picked with them go
    back for their age, nobody having said they were recalled."""
    due = place(station, wb(1), "5-1", at=clock.now - timedelta(days=8))
    early = place(station, wb(2), "5-1", at=clock.now - timedelta(days=2))
    returns.open_batch_with(station, "JT", [wb(1), wb(2)], recalled=True, recalled_refs=[wb(2)])
    assert (parcel(station, due).problem_kind, parcel(station, early).problem_kind) == (None, "recalled")
    assert parcel(station, due).return_batch_id == parcel(station, early).return_batch_id is not None


def test_a_stocktake_put_back_stays_when_recalled(station: Station) -> None:
    """Only a manager resolves a put-back (its note is the clue to a parcel handed to the wrong person):
    a recall does not write over it."""
    pid = place(station, wb(1), "5-1")
    _flag(station, pid, "put_back", "left 10:00 by Li")  # as a stocktake flags it
    batch = returns.open_batch(station, "JT")
    return_batch_parcels.add(station, batch.id, wb(1), recalled=True)
    assert (parcel(station, pid).problem_kind, parcel(station, pid).problem_note) == (
        "put_back",
        "left 10:00 by Li",
    )


def test_a_put_back_in_the_batch_recalled_again_is_told_why_and_what_to_do(station: Station) -> None:
    """A put-back parcel already in the batch, returned as recalled: the refusal said only that it is
    in the batch, not why it was not flagged recalled (its put-back stays) nor that nothing is left to
    do but take it out if it should stay; in Chinese too. Nothing changes."""
    from station_console.i18n import set_language

    pid = place(station, wb(1), "5-1")
    _flag(station, pid, "put_back", "left 10:00 by Li")  # as a stocktake flags it
    batch = returns.open_batch(station, "JT")
    return_batch_parcels.add(station, batch.id, wb(1), recalled=True)
    added = len(events(station, EventKind.RETURN_BATCH_ADDED))
    with pytest.raises(Refused) as exc:
        return_batch_parcels.add(station, batch.id, wb(1), recalled=True)
    assert exc.value.code == "already_in_batch"
    said = exc.value.message()
    assert said.startswith(f"{wb(1)} is already in this batch") and "put-back flag" in said, said
    assert "Nothing to do" in said and "remove it from the batch" in said, said
    set_language("zh")
    try:
        assert "盘点放回标记" in exc.value.message() and "移出本批次" in exc.value.message()
    finally:
        set_language("en")
    assert parcel(station, pid).problem_kind == "put_back"
    assert len(events(station, EventKind.RETURN_BATCH_ADDED)) == added


def test_a_recall_refused_for_another_reason_records_no_problem(station: Station) -> None:
    place(station, wb(1), "5-1")
    place(station, "SF1234567890123", "5-1", carrier="SF")
    batch = returns.open_batch(station, "JT")
    with pytest.raises(Refused) as exc:
        return_batch_parcels.add_many(station, batch.id, [wb(1), "SF1234567890123"], recalled=True)
    assert exc.value.code == "wrong_carrier"
    assert events(station, EventKind.PROBLEM_MARKED) == []
    assert problems.list_problems(station) == []


@pytest.mark.parametrize(("lang", "reason"), [("en", "recalled"), ("zh", "拦截召回")])
def test_the_manifest_says_a_recalled_parcel_was_recalled(station: Station, lang: str, reason: str) -> None:
    place(station, wb(1), "5-1")
    batch = returns.open_batch(station, "JT")
    return_batch_parcels.add(station, batch.id, wb(1), recalled=True)
    assert _manifest_reasons(station, batch.id, lang) == {wb(1): reason}


@pytest.mark.parametrize(
    ("lang", "recalled", "refused"),
    [
        ("en", "recalled: the sender, by phone", "refused: not ordered"),
        ("zh", "拦截召回：the sender, by phone", "拒收：not ordered"),
    ],
)
def test_the_manifest_says_who_recalled_a_parcel_and_why_one_was_refused(
    station: Station, clock, lang: str, recalled: str, refused: str
) -> None:
    """The courier taking the batch needs a recall's note (who asked for it back) and a refusal's; a
    put-back's note names the clerks it left with and a missing one's the counter's search: not theirs."""
    from station_console.services.printing import render

    for n in range(1, 6):
        place(station, wb(n), "5-1", at=clock.now - timedelta(days=8) if n == 5 else None)
    problems.mark(station, wb(2), "refused", "not ordered")
    _flag(station, 3, "put_back", "left 10:00 by Li")
    _flag(station, 4, "missing", "Not found at stocktake 3")
    batch = returns.open_batch(station, "JT")
    return_batch_parcels.add(station, batch.id, wb(1), recalled=True, note="the sender, by phone")
    for n in range(2, 6):
        return_batch_parcels.add(station, batch.id, wb(n))
    job = _manifest(station, batch.id)
    assert {p["waybill"]: p["note"] for p in job.payload["parcels"]} == {
        wb(1): "the sender, by phone",
        wb(2): "not ordered",
        wb(3): None,
        wb(4): None,
        wb(5): None,
    }
    document = render.manifest_document(station, job.payload, lang)
    reasons = {row[1]: row[-1] for row in document.rows}
    assert (reasons[wb(1)], reasons[wb(2)]) == (recalled, refused)
    assert "Li" not in reasons[wb(3)] and "stocktake" not in reasons[wb(4)]
    assert reasons[wb(5)] == ("uncollected for 8 days" if lang == "en" else "滞留8天")


def test_a_hostile_recall_note_prints_as_plain_text_that_fits_its_column(station: Station) -> None:
    """Markup stays text, a terminal escape is dropped, and a long note (a run of letters too) is cut:
    on a 58 mm roll every line keeps to the roll, and the job keeps at most 200 characters of it."""
    from hardware.printers.escpos import ROLL_CHARS
    from hardware.printers.roll_table import roll_table
    from hardware.printers.textfit import columns
    from station_console.services.printing import render

    pid = place(station, wb(1), "5-1")
    batch = returns.open_batch(station, "JT")
    return_batch_parcels.add(station, batch.id, wb(1), recalled=True, note="the sender")
    note = "[bold red]Boss[/] \x1b[31mred\x1b[0m " + "x" * 300
    _flag(station, pid, "recalled", note)
    job = _manifest(station, batch.id)
    (row,) = job.payload["parcels"]
    assert row["note"].startswith("[bold red]Boss[/] red xxx") and len(row["note"]) == 200
    assert "\x1b" not in row["note"]
    document = render.manifest_document(station, job.payload, "en")
    cell = document.rows[0][-1]
    assert cell.startswith("recalled: [bold red]Boss[/] red xxxxxxxxxxxxxxxx xxx") and cell.endswith("…")
    assert columns(cell) <= len("recalled: ") + 80
    assert max(len(word) for word in cell.split()) <= 16
    for chars in ROLL_CHARS.values():
        lines = roll_table(document.columns, document.rows, document.aligns, chars)
        assert all(columns(line) <= chars for line in lines)
        assert len(lines) <= 10  # the heading and a row, not a page of x's
