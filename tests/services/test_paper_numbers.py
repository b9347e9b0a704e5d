"""A delivery run and every kind of batch is named to a person by the number its printout shows (DR000002,
HB000001, SB000001, RB000001): in refusals, in the audit trail, on the screens and in the CLI, never by its
bare id ("delivery run 2"), in either language."""

from __future__ import annotations

from pathlib import Path

import pytest
from prealert_helpers import ZH_HEADINGS, sign_in, write_csv, zh_rows
from sendout_helpers import as_manager, events, send, staff

from db.models import EventKind
from db.models.sendout import SendEvent
from station_console.errors import StationError
from station_console.services.checkin.transaction import check_in
from station_console.services.core.station import Station
from station_console.services.delivery import runs
from station_console.services.exceptions import return_batch_parcels, returns
from station_console.services.people.event_details import details_text
from station_console.services.prealerts import batches
from station_console.services.prealerts.importer import import_file
from station_console.services.sendout import handover as send_handover


def _refusal(call: object) -> StationError:
    with pytest.raises(StationError) as refused:
        call()  # type: ignore[operator]
    return refused.value


def test_a_run_or_batch_not_there_is_named_as_its_paper_would_name_it(
    station: Station, tmp_path: Path
) -> None:
    sign_in(station)
    staff(station)
    as_manager(station)
    named = {
        "DR000042": _refusal(lambda: runs.view(station, 42)),
        "HB000042": _refusal(lambda: batches.get(station, 42)),
        "SB000042": _refusal(lambda: send_handover.batch_view(station, 42)),
        "RB000042": _refusal(lambda: returns.get(station, 42)),
    }
    for number, refusal in named.items():
        assert number in refusal.message("en") and number in refusal.message("zh"), refusal.message("en")
        assert " 42" not in refusal.message("en")


def test_a_closed_batch_refuses_by_its_printed_number_and_the_trail_names_it_so(
    station: Station, tmp_path: Path
) -> None:
    sign_in(station)
    import_file(station, write_csv(tmp_path / "zto.csv", ZH_HEADINGS, zh_rows([1])))
    courier = batches.open_batch(station, "ZTO")
    batches.close_batch(station, courier.id, "李师傅", print_receipt=False)
    closed = _refusal(lambda: batches.close_batch(station, courier.id, "李师傅", print_receipt=False))
    assert courier.label in closed.message("en") and courier.label in closed.message("zh")
    check_in(station, "73000000000001", recipient_name="张三")
    staff(station)
    as_manager(station)
    back = returns.open_batch(station, "ZTO")
    return_batch_parcels.add(station, back.id, "73000000000001", recalled=True)
    returns.close(station, back.id, "王师傅")
    after_close = _refusal(lambda: return_batch_parcels.add(station, back.id, "73000000000001"))
    assert back.number == f"RB{back.id:06d}" and back.number in after_close.message("en")
    assert back.number in after_close.message("zh")
    send(station)
    handed = send_handover.scan(station, send_handover.open_batch(station, "SF"), "SF1234567890123").batch
    sb = f"SB{handed.batch_id:06d}"
    send_handover.close_batch(station, handed.batch_id, courier_name="小李", print_manifest=False)
    late = _refusal(lambda: send_handover.scan(station, handed, "SF1"))
    assert sb in late.message("en")

    def trail(kind: str) -> str:
        return details_text(kind, events(station, kind)[-1].details)

    assert courier.label in trail(EventKind.COURIER_BATCH_OPENED)
    assert back.number in trail(EventKind.RETURN_BATCH_ADDED)
    assert sb in trail(SendEvent.HANDOVER_OPENED)
    assert sb in trail(SendEvent.HANDOVER_CLOSED)
