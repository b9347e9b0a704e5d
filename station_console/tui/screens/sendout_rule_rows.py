"""Send-out rule data in rows and lines, the same on the Send-out rules screen's tables and in an
import's preview: a tariff's rates, destinations and terms, a version's line, the checklist's items.
Every value from a file is data: the screens show these rows as plain text."""

from __future__ import annotations

from datetime import tzinfo

from station_console.i18n import N_, _, label_of
from station_console.services.sendout.inspection import Item
from station_console.services.sendout.quote import ROUNDING_LABELS, kg, money
from station_console.services.sendout.regions import REMOTE, ZONE_LABELS
from station_console.services.sendout.rule_view import Version
from station_console.services.sendout.tariff import Tariff
from station_console.text_columns import table_lines
from station_console.tui.line_breaks import clauses_unbroken

# A weight and its price share a column and the destinations go under the table: six columns ran past
# the right edge of an 80-column screen (and wrapped into a jumble in the import's preview).
RATE_COLUMNS = (N_("Zone"), N_("First"), N_("Each further"))
RATE_NUMBERS = (1, 2)  # right-aligned: the prices line up
VERSION_COLUMNS = (N_("Version"), N_("Stored"), N_("By"), N_("SHA-256"))
ITEM_COLUMNS = (N_("Id"), N_("Chinese"), N_("English"))
STOCK_COLUMNS = (N_("Carrier"), N_("Unused numbers"))
SHA_SHOWN = 12


def _zone_name(table: Tariff, zone: str) -> str:
    return label_of(ZONE_LABELS, zone) if table.zoning == "province" else zone


def rate_rows(table: Tariff) -> list[list[str]]:
    """One row a zone: its name, the first weight with its price, each further step with its price
    (the prices padded to one width, so that they line up under each other)."""
    rates = table.rates.values()
    first = max((len(money(r.first_cents)) for r in rates), default=0)
    step = max((len(money(r.step_cents)) for r in rates), default=0)
    return [
        [
            _zone_name(table, zone),
            _("{kg} kg: {price}", kg=kg(rate.first_g), price=money(rate.first_cents).rjust(first)),
            _("{kg} kg: {price}", kg=kg(rate.step_g), price=money(rate.step_cents).rjust(step)),
        ]
        for zone, rate in table.rates.items()
    ]


def destination_lines(table: Tariff) -> list[str]:
    """A line for each zone that lists its destinations (a zone table's; a province tariff's remote
    provinces), under the rates: a list of places wraps as a sentence does."""
    where: dict[str, list[str]] = {}
    for destination, zone in table.zones.items():
        where.setdefault(zone, []).append(destination)
    if table.zoning == "province":
        where[REMOTE] = sorted(table.remote)
    return [
        _(
            "Destinations of {zone}: {destinations}",
            zone=_zone_name(table, zone),
            destinations=_(", ").join(where[zone]),
        )
        for zone in table.rates
        if where.get(zone)
    ]


def terms_line(table: Tariff) -> str:
    """The tariff's terms, each short clause held on one line: '抛重系数' broken across two lines
    read as two words, and a figure apart from its name as nothing."""
    return clauses_unbroken(
        _(
            "{currency}; {rounding}; minimum {minimum}; volumetric divisor "
            "{divisor}; insurance {permille}‰, at least {insurance_min}; {packaging} packaging items",
            currency=table.currency,
            rounding=label_of(ROUNDING_LABELS, table.rounding),
            minimum=money(table.minimum_cents),
            divisor=table.volumetric_divisor or _("none"),
            permille=f"{table.insurance_permille.normalize():f}",
            insurance_min=money(table.insurance_min_cents),
            packaging=len(table.packaging),
        )
    )


def stored_text(version: Version, zone: tzinfo) -> str:
    """When and by whom a version was stored; the built-in one says so."""
    if version.at is None:
        return _("built in")
    return version.at.astimezone(zone).strftime("%Y-%m-%d %H:%M")


def version_row(version: Version, zone: tzinfo) -> list[str]:
    return [str(version.version), stored_text(version, zone), version.by or "-", version.sha256[:SHA_SHOWN]]


def version_line(what: str, version: Version, zone: tzinfo) -> str:
    """`what` ("SF tariff", "Inspection checklist") with its version, when, who and its hash."""
    if version.at is None:
        return _("{what}: version 0, the built-in one · sha {sha}", what=what, sha=version.sha256[:SHA_SHOWN])
    return _(
        "{what}: version {version}, stored {when} by {who} · sha {sha}",
        what=what,
        version=version.version,
        when=stored_text(version, zone),
        who=version.by or "-",
        sha=version.sha256[:SHA_SHOWN],
    )


def item_rows(items: tuple[Item, ...]) -> list[list[str]]:
    return [[item.id, item.zh, item.en] for item in items]


def preview_lines(columns: tuple[str, ...], rows: list[list[str]], right: tuple[int, ...] = ()) -> list[str]:
    """A preview's table as aligned lines (a Chinese character takes two columns)."""
    return table_lines([[_(c) for c in columns], *rows], right=right)
