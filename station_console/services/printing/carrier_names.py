"""A carrier as paper names it: its display name in the printout's language (顺丰速运 / SF Express), the
name the screens give it, for the customer and the courier who read the paper. The short name (SF, J&T)
stays the parcel sticker's, where the clerk reads it beside the pickup code.

A queued job keeps both names (`names_kept`): it is drawn later, in the language it was queued in.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from db.models import Carrier
from station_console.services.scan.detect import shown_name


def names_kept(carrier: Carrier | None) -> dict[str, str]:
    """The names a print job's payload keeps for `carrier` (none for no carrier)."""
    return {"en": carrier.name_en, "zh": carrier.name_zh} if carrier else {}


def carrier_on_paper(names: Mapping[str, Any] | None, lang: str, fallback: str) -> str:
    """The name kept in `names` for `lang`; `fallback` where there is none: the carrier's code, or for a
    job queued before jobs kept names, what such a job printed."""
    names = names or {}
    name = shown_name(str(names.get("en") or ""), str(names.get("zh") or ""), lang)
    return name.strip() or fallback


def carrier_named(carrier: Carrier | None, lang: str, fallback: str = "") -> str:
    """A carrier row's name on paper in `lang`, its code where it has none (`fallback` for no carrier)."""
    if carrier is None:
        return fallback
    return carrier_on_paper(names_kept(carrier), lang, carrier.code)
