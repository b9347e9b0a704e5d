"""Destinations: China's provinces (data/provinces.toml) and the zone a parcel travels to.

A clerk types a destination as a province's short or full name, its English name or code, or the
start of an address (`新疆乌鲁木齐市...`, `内蒙` for 内蒙古). Chinese carriers price by zone counted from
the station's province: the same province, a neighbour, farther, or a remote province the tariff lists.
"""

from __future__ import annotations

import tomllib
import unicodedata
from dataclasses import dataclass
from functools import cache
from importlib import resources

from station_console.errors import Refused
from station_console.i18n import N_
from station_console.safe_text import cut

SAME, NEAR, FAR, REMOTE = "same", "near", "far", "remote"
ZONE_LABELS = {
    SAME: N_("same province"),
    NEAR: N_("neighbouring province"),
    FAR: N_("far province"),
    REMOTE: N_("remote region"),
}


@dataclass(frozen=True)
class Province:
    name: str  # short name, the key: 新疆
    full: str  # 新疆维吾尔自治区
    en: str
    code: str
    neighbours: frozenset[str]


@cache
def provinces() -> dict[str, Province]:
    text = (resources.files("station_console") / "data" / "provinces.toml").read_text(encoding="utf-8")
    return {
        name: Province(name, row["full"], row["en"], row["code"], frozenset(row["neighbours"]))
        for name, row in tomllib.loads(text).items()
    }


def folded(text: str) -> str:
    """`text` as typed in any width (全角 digits, letters and spaces as ASCII), trimmed."""
    return unicodedata.normalize("NFKC", text or "").strip()


def find_province(text: str) -> Province | None:
    """The province `text` names or starts with; None when it names none (or several)."""
    raw = folded(text)
    if not raw:
        return None
    key = raw.casefold().replace(" ", "")
    table = provinces()
    for p in table.values():
        if raw in (p.name, p.full) or key in (p.en.casefold().replace(" ", ""), p.code.casefold()):
            return p
    # An address starts with its province: the longest name that fits wins (内蒙古 before 内蒙).
    for p in sorted(table.values(), key=lambda p: -len(p.full)):
        if raw.startswith(p.full) or raw.startswith(p.name):
            return p
    if len(raw) >= 2:
        hits = [p for p in table.values() if p.name.startswith(raw) or p.full.startswith(raw)]
        if len(hits) == 1:
            return hits[0]
    return None


def require_province(text: str) -> Province:
    found = find_province(text)
    if found is None:
        raise Refused(
            N_("Unknown destination {text}: give a province, e.g. 新疆 or Xinjiang."),
            code="unknown_destination",
            text=cut(folded(text), 40),
        )
    return found


def province_zone(origin: Province, dest: Province, remote: frozenset[str]) -> str:
    """same / near / far / remote, as Chinese carriers count it from the sending province."""
    if dest.name in remote and dest.name != origin.name:
        return REMOTE
    if dest.name == origin.name:
        return SAME
    if dest.name in origin.neighbours:
        return NEAR
    return FAR
