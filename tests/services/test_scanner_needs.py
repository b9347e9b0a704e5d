"""Which codes the station's scanner must read, said once a printer is saved and on Settings: a carrier
pattern of two unbounded runs (`^[A-Z]+-[0-9]+$`) allows a waybill too long for a QR code on the sticker,
and reading its labels' symbol raised, so Settings and every printer saved showed "an unexpected
error" instead."""

from __future__ import annotations

from station_helpers import act_as_new_clerk

from db.models import Role
from station_console.services.core.station import Station
from station_console.services.printing.printers import printer_for, qr_carriers, scanner_needs
from station_console.services.scan.carriers import add_carrier
from station_console.settings import CounterSettings

FRONT = {"language": "tspl", "transport": "dummy", "target": "front", "size": "40x30", "dpi": 203}


def test_a_carrier_whose_longest_waybill_fits_no_code_is_among_the_qr_carriers(station: Station) -> None:
    act_as_new_clerk(station, "Boss", Role.MANAGER)
    add_carrier(
        station, {"code": "LONG", "name_en": "Long Post", "name_zh": "长邮", "patterns": ["^[A-Z]+-[0-9]+$"]}
    )
    counter = CounterSettings(printers={"front": FRONT}, printer={"name": "front", **FRONT})
    # Its shorter waybills are QR codes on this sticker: the scanner must read them.
    assert "LONG" in qr_carriers(station, printer_for(counter, "front"))
    assert "LONG" in scanner_needs(station, counter)
