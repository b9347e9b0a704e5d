"""Inspection (验视): the prohibited and restricted items a clerk checks a parcel against.

The checklist is data (data/checklist.toml, then a manager's versions). A send is accepted only when
the clerk ticked every item of the current version as checked; the version and the ticks are stored
with the send. A parcel that fails is refused with its reason, and that is recorded too.
"""

from __future__ import annotations

import json
import tomllib
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlmodel import Session

from db.models import SendEvent
from station_console.errors import Refused
from station_console.i18n import N_, get_language
from station_console.parse_errors import json_error, toml_error
from station_console.safe_text import cut
from station_console.services.core.free_text import text_field
from station_console.services.core.roles import require_manager
from station_console.services.core.station import Station
from station_console.services.sendout import rules

MAX_ITEMS = 60


@dataclass(frozen=True)
class Item:
    id: str
    zh: str
    en: str

    def text(self, lang: str | None = None) -> str:
        return self.zh if (lang or get_language()) == "zh" else self.en


@dataclass(frozen=True)
class Checklist:
    version: int
    sha256: str
    items: tuple[Item, ...]

    @property
    def ids(self) -> list[str]:
        return [item.id for item in self.items]

    def to_json(self) -> dict[str, Any]:
        return {
            "version": self.version,
            "sha256": self.sha256,
            "items": [{"id": i.id, "zh": i.zh, "en": i.en} for i in self.items],
        }


def parse_items(body: dict[str, Any]) -> tuple[Item, ...]:
    raw = body.get("items") if isinstance(body, dict) else None
    if not isinstance(raw, list) or not 1 <= len(raw) <= MAX_ITEMS:
        raise Refused(N_("The checklist needs 1 to {max} items."), code="bad_checklist", max=MAX_ITEMS)
    items: list[Item] = []
    for entry in raw:
        if not isinstance(entry, dict):
            raise Refused(N_("Each checklist item needs an id, zh and en."), code="bad_checklist")
        item_id = text_field(str(entry.get("id", "")), "id", limit=32)
        if not item_id.replace("_", "").isalnum() or item_id in {i.id for i in items}:
            raise Refused(
                N_("Checklist item ids must be unique words: {id}."), code="bad_checklist", id=item_id
            )
        items.append(
            Item(
                item_id,
                text_field(str(entry.get("zh", "")), "zh", limit=120),
                text_field(str(entry.get("en", "")), "en", limit=120),
            )
        )
    return tuple(items)


def builtin_version() -> rules.RuleVersion:
    """The built-in checklist (version 0)."""
    return rules.builtin_version(rules.CHECKLIST, "", rules.builtin("checklist.toml"))


def current_in(session: Session) -> Checklist:
    found = rules.latest(session, rules.CHECKLIST, "") or builtin_version()
    return Checklist(found.version, found.sha256, parse_items(found.body))


def versions_in(session: Session) -> list[rules.RuleVersion]:
    """Every version of the checklist, newest first: the stored ones, then the built-in one they
    replaced (the sends before them were inspected with it), as a tariff's history keeps its own."""
    return rules.versions(session, rules.CHECKLIST, "", builtin_version())


def history(station: Station) -> list[rules.RuleVersion]:
    with station.read() as session:
        return versions_in(session)


def current(station: Station) -> Checklist:
    with station.read() as session:
        return current_in(session)


def verify(checklist: Checklist, checked: Iterable[str]) -> dict[str, Any]:
    """The inspection record of an accepted send; refused unless every item was ticked."""
    ticked = set(checked)
    missing = [item for item in checklist.items if item.id not in ticked]
    if missing:
        raise Refused(
            N_("Inspection not finished: check {items}."),
            code="inspection_incomplete",
            items=cut("; ".join(item.text() for item in missing), 300),
        )
    return {
        "checklist_version": checklist.version,
        "checklist_sha256": checklist.sha256,
        "checked": checklist.ids,
    }


def stored_body(items: tuple[Item, ...]) -> dict[str, Any]:
    """What a checklist version stores: its items, cleaned, and nothing else of the file."""
    return {"items": [{"id": i.id, "zh": i.zh, "en": i.en} for i in items]}


def body_from_text(text: str, fmt: str, name: str) -> dict[str, Any]:
    """A checklist's data from a file's text: JSON when `fmt` is "json", else TOML ([[items]] id, zh,
    en); `name` is the file's, for the refusal."""
    try:
        body = json.loads(text) if fmt == "json" else tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise Refused(
            N_("Cannot read {path}: {reason}"), code="bad_file", path=name, reason=toml_error(exc)
        ) from exc
    except ValueError as exc:
        raise Refused(
            N_("Cannot read {path}: {reason}"), code="bad_file", path=name, reason=json_error(exc)
        ) from exc
    return body if isinstance(body, dict) else {}  # a JSON list: no items, refused as such


def set_checklist(
    station: Station, body: dict[str, Any], *, based_on: int | None = None
) -> rules.RuleVersion:
    """A manager stores a new checklist version (checked first; unchanged: nothing written).

    `based_on`: the version the manager saw it replace (0: the built-in list); refused when another
    version was stored since, checked in the write's own transaction, so that manager's list is not
    replaced unseen."""
    require_manager(station, "checklist")
    clean_body = stored_body(parse_items(body))

    def work(session: Session) -> rules.RuleVersion:
        previous = rules.latest(session, rules.CHECKLIST, "")
        now = current_in(session)
        if based_on is not None and now.version != based_on:
            raise Refused(
                N_(
                    "The inspection checklist: another counter or command saved a new version while this "
                    "one was being made, so nothing was saved. Look at the version saved now, then import "
                    "yours again if it should replace it."
                ),
                code="checklist_saved_meanwhile",
            )
        if now.sha256 == rules.body_hash(clean_body):
            raise Refused(
                N_("The checklist is unchanged (version {version})."), code="unchanged", version=now.version
            )
        if previous is None:
            previous = builtin_version()
        return rules.store(
            session,
            station,
            rules.CHECKLIST,
            "",
            clean_body,
            event=SendEvent.CHECKLIST_CHANGED,
            previous=previous,
        )

    return station.run(work)
