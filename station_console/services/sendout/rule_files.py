"""A manager's send-out rule files, named by a path typed at the console: a carrier's tariff, the
inspection checklist, waybill stock.

The file is read here, off the screen's thread, and refused with nothing stored when it is a folder,
missing, larger than a rule file can be, or no text (read in UTF-8 or GBK, `typed_files.decode_text`).
What it holds goes through the same parsers and checks as `station sendout ...`: a tariff and a
checklist are previewed first (what would be stored, and the version it replaces), then stored by
`tariff.set_tariff` and `inspection.set_checklist`; stock is imported whole or not at all by
`waybills.import_stock`.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from station_console.errors import Refused
from station_console.i18n import N_
from station_console.services.core.roles import require_manager
from station_console.services.core.station import Station
from station_console.services.core.typed_files import read_typed_file
from station_console.services.sendout import inspection, rules, tariff, waybills

# A tariff or a checklist is a few KB; a stock file of `waybills.MAX_IMPORT` numbers about 2 MB.
MAX_BYTES = 4 * 1024 * 1024
TARIFF_FORMATS = {".toml": "toml", ".csv": "csv"}
# The kinds each file is read in (any other is refused unread): a checklist is TOML, or JSON by its
# suffix; stock is one number a line, or a CSV's first column.
CHECKLIST_KINDS = (".toml", ".json")
STOCK_KINDS = (".csv", ".txt")


def read_text(path: Path, kinds: tuple[str, ...]) -> str:
    """A rule or stock file's text, of one of `kinds`; a `Refused` saying what is wrong with it
    (`read_typed_file`)."""
    return read_typed_file(
        path,
        kinds=kinds,
        max_bytes=MAX_BYTES,
        too_large=N_("{path} is larger than {mb} MB: not a rule or stock file."),
    )


@dataclass(frozen=True)
class TariffPreview:
    carrier: str
    body: dict[str, Any]  # what `set_tariff` is given on confirm
    table: tariff.Tariff  # the body as checked: what the screen shows
    replaces: int | None  # the version it replaces (0: the built-in one), None: the carrier had none


def preview_tariff(station: Station, carrier: str, path: Path) -> TariffPreview:
    """What storing `path` as `carrier`'s tariff would store: a TOML table, or CSV rates over the
    current table (as `station sendout tariff set`). Nothing is written."""
    require_manager(station, "tariffs")
    code = carrier.strip().upper()
    body, base = tariff_body(station, code, path)
    table = tariff.checked(station, code, body)
    if base is not None and base.sha256 == rules.body_hash(body):
        raise Refused(
            N_("The {carrier} tariff is unchanged (version {version})."),
            code="unchanged",
            carrier=table.carrier,
            version=base.version,
        )
    return TariffPreview(table.carrier, body, table, base.version if base else None)


def tariff_body(station: Station, code: str, path: Path) -> tuple[dict[str, Any], rules.RuleVersion | None]:
    """`path`'s table for carrier `code`: a .toml file's, or a .csv file's rates over the current
    table, with the version it was made over (None: the carrier had none). Any other file is refused
    unread (the screen and `station sendout tariff set` alike). A manager's, before the file is read."""
    require_manager(station, "tariffs")
    fmt = TARIFF_FORMATS.get(path.suffix.lower(), "")
    text = read_text(path, tuple(TARIFF_FORMATS))  # another kind: refused unread, as every typed file
    with station.read() as session:
        base = tariff.current_version(session, code)
    return tariff.body_from_text(text, fmt, code, base.body if base else None), base


@dataclass(frozen=True)
class ChecklistPreview:
    body: dict[str, Any]  # what `set_checklist` is given on confirm
    items: tuple[inspection.Item, ...]
    replaces: int


def checklist_body(station: Station, path: Path) -> dict[str, Any]:
    """`path`'s checklist as `station sendout checklist set` stores it (TOML, or JSON by its suffix). A
    manager's, before the file is read: a clerk learns nothing of it."""
    require_manager(station, "checklist")
    fmt = "json" if path.suffix.lower() == ".json" else "toml"
    return inspection.body_from_text(read_text(path, CHECKLIST_KINDS), fmt, str(path))


def preview_checklist(station: Station, path: Path) -> ChecklistPreview:
    """What storing `path` (TOML [[items]] id, zh, en; or JSON) as the checklist would store."""
    require_manager(station, "checklist")
    fmt = "json" if path.suffix.lower() == ".json" else "toml"
    items = inspection.parse_items(
        inspection.body_from_text(read_text(path, CHECKLIST_KINDS), fmt, path.name)
    )
    body = inspection.stored_body(items)
    now = inspection.current(station)
    if now.sha256 == rules.body_hash(body):
        raise Refused(
            N_("The checklist is unchanged (version {version})."), code="unchanged", version=now.version
        )
    return ChecklistPreview(body, items, now.version)


def import_stock(station: Station, carrier: str, path: Path) -> waybills.ImportResult:
    """`path`'s waybill numbers into `carrier`'s stock: every line valid, or nothing imported."""
    require_manager(station, "waybill_stock")  # before the file is read: a clerk learns nothing of it
    return waybills.import_stock(station, carrier, read_text(path, STOCK_KINDS), source=path.name)
