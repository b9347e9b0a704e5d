"""Which printers this counter has, and which parcel the clerk means: helpers of the print queue."""

from __future__ import annotations

import re
import unicodedata
from typing import Any

from sqlmodel import col, select

from db.models import Parcel, ParcelStatus
from station_console.errors import NotFound, Refused
from station_console.i18n import N_
from station_console.services.core.roles import require
from station_console.services.core.station import Station

# -- finding a parcel by what the clerk typed --------------------------------------------------------

_DASHES = re.compile(r"[\s\-\u2010-\u2015\u2212\uff0d\u30fc]+")


def find_parcel_id(station: Station, ref: str) -> int:
    """The parcel on the shelf with this pickup code, else the parcel with this waybill (on the shelf
    first, else the newest). Full-width characters, other dashes and leading zeros do not matter."""
    require(station, "view")
    text = unicodedata.normalize("NFKC", ref).strip().upper()
    parts = [p for p in _DASHES.split(text) if p]
    code = "-".join(p.lstrip("0") or "0" if p.isdigit() else p for p in parts)
    waybill = "".join(parts)
    with station.read() as session:
        on_shelf = select(Parcel.id).where(Parcel.status == ParcelStatus.ON_SHELF)
        for candidate in dict.fromkeys((text, code)):
            found = session.exec(on_shelf.where(Parcel.pickup_code == candidate)).first()
            if found is not None:
                return found
        rows = [
            (pid, status)
            for pid, status in session.exec(
                select(Parcel.id, Parcel.status)
                .where(Parcel.waybill == waybill)
                .order_by(col(Parcel.checked_in_at).desc())
            ).all()
            if pid is not None
        ]
    if rows:
        return next((pid for pid, status in rows if status == ParcelStatus.ON_SHELF), rows[0][0])
    raise NotFound(N_("No parcel on the shelf with code or waybill {ref}"), code="parcel_not_found", ref=ref)


# -- configured printers ---------------------------------------------------------------------------


def printer_for(counter_settings: Any, name: str | None = None) -> Any:
    """The counter's printer called `name`, or its default printer (a hardware.printers.Printer)."""
    from hardware.printers.factory import make_printer  # see configured_printers

    printers: dict[str, dict[str, Any]] = counter_settings.printers
    if name:
        if name not in printers:
            raise NotFound(N_("No printer named {name} on this counter"), code="no_printer", name=name)
        return _make(make_printer, printers[name], name)
    if counter_settings.printer:
        return _make(
            make_printer, counter_settings.printer, str(counter_settings.printer.get("name", "default"))
        )
    if len(printers) == 1:
        only = next(iter(printers))
        return _make(make_printer, printers[only], only)
    raise Refused(N_("No printer is configured on this counter"), code="no_printer")


def configured_printers(counter_settings: Any) -> list[Any]:
    """Every printer of this counter: the default one first."""
    if not counter_settings.printer and not counter_settings.printers:
        return []  # nothing configured: do not load the renderers at all
    # The factory loads every printer language (escpos, fpdf, PIL: ~0.2 s): only when a printer is
    # built, in the print worker's thread, never on the console's start-up path.
    from hardware.printers.factory import make_printer

    out = []
    if counter_settings.printer:
        out.append(
            _make(
                make_printer, counter_settings.printer, str(counter_settings.printer.get("name", "default"))
            )
        )
    out += [
        _make(make_printer, cfg, name)
        for name, cfg in counter_settings.printers.items()
        if name not in {p.name for p in out}
    ]
    return out


def _make(factory: Any, config: dict[str, Any], name: str) -> Any:
    try:
        return factory(config, name=name)
    except ValueError as exc:
        raise Refused(
            N_("Printer {name} is misconfigured: {reason}"), code="bad_printer", name=name, reason=str(exc)
        ) from exc
