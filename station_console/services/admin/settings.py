"""Changing the station settings: manager only, and every change recorded in the audit trail."""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

from pydantic import ValidationError
from sqlalchemy import event
from sqlmodel import Session, col, select

from db.models import Carrier, EventKind, Setting
from station_console.errors import Refused
from station_console.field_labels import FieldLabel
from station_console.i18n import N_
from station_console.services.core import audit
from station_console.services.core.roles import require_manager
from station_console.services.core.settings import STATION_KEY, load_station_settings
from station_console.services.core.station import Station
from station_console.settings import StationSettings
from station_console.validation_reasons import Reason, Where


def save_station_settings(
    session: Session,
    station: Station,
    new: StationSettings,
    *,
    only: Collection[str] | None = None,
    based_on: StationSettings | None = None,
    checked: Collection[str] | None = None,
) -> None:
    """Store `new` and record what changed; the caller owns the transaction. Manager only.

    `only`: the fields this save changes (a manager's form: those edited there); every other field
    keeps what is stored now, which another counter may have saved since the form was read. None: all
    of `new` (a command that read the settings a moment ago).
    `based_on`: the settings `new` was made from (an edit of one entry in a table); refused when one of
    the saved fields is no longer stored as it was there, so another manager's change is not lost.
    `checked`: the fields compared with `based_on` (None: every field saved); a form's tables, whose
    edit replaces every row, where a one-value field edited there is saved over a newer value."""
    require_manager(station, "settings")

    # Locked until the commit (PostgreSQL; SQLite's write transaction holds the file): a save at another
    # counter waits, then reads this one's fields, and keeps them.
    session.get(Setting, STATION_KEY, with_for_update=True)
    old = load_station_settings(session)
    if based_on is not None:
        saved = only if only is not None else StationSettings.model_fields
        _refuse_if_saved_meanwhile(old, based_on, saved if checked is None else checked)
    if only is not None:
        new = _over(old, new, only)
    _check_rule_carriers(session, old, new)
    changed = {k: v for k, v in new.model_dump().items() if old.model_dump().get(k) != v}
    row = session.get(Setting, STATION_KEY) or Setting(key=STATION_KEY)
    row.value = new.model_dump(mode="json")
    session.add(row)
    if changed:
        audit.record(session, station, EventKind.SETTINGS_CHANGED, details={"changed": sorted(changed)})
    # The cache takes them once they are committed, and keeps the old ones on a rollback: cleared here,
    # the console's UI thread read them from the database until a worker did, and on a failed save
    # went on without them.
    event.listen(session, "after_commit", lambda _session: station.use_settings(new), once=True)


def _refuse_if_saved_meanwhile(
    stored: StationSettings, read: StationSettings, fields: Collection[str]
) -> None:
    """Compare and set: the fields saved are still stored as they were read."""
    now, then = stored.model_dump(), read.model_dump()
    changed = [name for name in fields if now.get(name) != then.get(name)]
    if changed:
        raise Refused(
            N_(
                "{field}: another counter or command saved a change while this one was being made, so "
                "nothing was saved. Make the change again: it starts from what is saved now."
            ),
            code="settings_saved_meanwhile",
            field=FieldLabel(StationSettings, changed[0]),
        )


def _over(stored: StationSettings, new: StationSettings, fields: Collection[str]) -> StationSettings:
    """`stored` with `fields` as in `new`, checked together (a range's two ends may come one from each)."""
    values: dict[str, Any] = stored.model_dump()
    changed = new.model_dump()
    values.update({name: changed[name] for name in fields})
    try:
        return StationSettings.model_validate(values)
    except ValidationError as exc:
        first = dict(exc.errors()[0])
        raise Refused(
            N_("Invalid value for {field}: {reason}"),
            code="bad_setting",
            field=Where(first, StationSettings),
            reason=Reason(first, StationSettings),
        ) from exc


def _check_rule_carriers(session: Session, old: StationSettings, new: StationSettings) -> None:
    """A fee rule for a carrier the station does not know would never price a parcel: refused. Only
    a carrier newly named is looked up (an old rule's carrier stays as it was saved)."""
    before = {r.carrier for r in old.storage_fee_rules}
    named = {r.carrier for r in new.storage_fee_rules if r.carrier and r.carrier not in before}
    if not named:
        return
    known = set(session.exec(select(Carrier.code).where(col(Carrier.code).in_(named))).all())
    unknown = sorted(named - known)
    if unknown:
        raise Refused(N_("Unknown carrier {carrier}."), code="unknown_carrier", carrier=", ".join(unknown))
