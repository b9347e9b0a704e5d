"""Dialogs and panes name a carrier as the counter's lists do, by its short name (the label's): who is
this?, the return and send-out handover batches, the courier batch at check-in, the pre-alert problems."""

from __future__ import annotations

from pathlib import Path

from prealert_helpers import ZH_HEADINGS, sign_in, write_csv, zh_rows
from sendout_helpers import as_manager, send, staff
from station_helpers import short_names

from station_console.services.checkin.transaction import check_in
from station_console.services.core.station import Station
from station_console.services.exceptions import returns
from station_console.services.prealerts import batches
from station_console.services.prealerts.importer import import_file
from station_console.services.prealerts.listing import list_prealerts
from station_console.services.recipients import matching
from station_console.services.sendout import handover as send_handover
from station_console.services.sendout.waiting import at_counter


def test_every_dialog_and_pane_names_the_carrier_by_its_short_name(station: Station, tmp_path: Path) -> None:
    """Who-is-this, the return and send-out handover batches, the courier batch at check-in and the
    pre-alert problems carry the short name beside the code (the code stays for filters and JSON)."""
    sign_in(station)
    import_file(station, write_csv(tmp_path / "zto.csv", ZH_HEADINGS, zh_rows([1])))  # names ZTO 中通
    short_names(station)
    check_in(station, "73000000000001", recipient_name="张三")
    assert [(r.carrier, r.carrier_name) for r in matching.unmatched(station)] == [("ZTO", "短ZTO")]
    staff(station)
    as_manager(station)
    assert returns.open_batch(station, "ZTO").carrier_name == "短ZTO"
    waybill = send(station).waybill or ""
    assert [(w.carrier, w.carrier_name, w.count) for w in at_counter(station)] == [("SF", "短SF", 1)]
    opened = send_handover.open_batch(station, "SF")
    assert (opened.carrier, opened.carrier_name) == ("SF", "短SF")
    scanned = send_handover.scan(station, opened, waybill)
    assert send_handover.batch_view(station, scanned.batch_id).carrier_name == "短SF"
    sign_in(station)
    assert batches.open_batch(station, "ZTO").carrier_name == "短ZTO"
    assert [(r.carrier, r.carrier_name) for r in list_prealerts(station)] == [("ZTO", "短ZTO")]
