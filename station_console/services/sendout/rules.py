"""Versioned rule data (tariff tables, the inspection checklist): the built-in version 0 from the
package's data files, then each manager's edit as a new `SendRule` row with its SHA-256, audited."""

from __future__ import annotations

import hashlib
import json
import tomllib
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from importlib import resources
from typing import Any

from sqlalchemy import func
from sqlmodel import Session, col, select

from db import fast
from db.models import SendRule
from station_console.services.core import audit
from station_console.services.core.station import Station

TARIFF, CHECKLIST = "tariff", "checklist"


@dataclass(frozen=True)
class RuleVersion:
    kind: str
    scope: str
    version: int  # 0: the built-in data
    body: dict[str, Any]
    sha256: str
    created_at: datetime | None
    created_by: int | None

    def to_json(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "scope": self.scope,
            "version": self.version,
            "sha256": self.sha256,
            "created_at": self.created_at.isoformat() if self.created_at else None,
            "created_by": self.created_by,
        }


def body_hash(body: dict[str, Any]) -> str:
    canonical = json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


@cache
def builtin(name: str) -> dict[str, Any]:
    """A packaged data file (`tariffs.toml`, `checklist.toml`), parsed once."""
    text = (resources.files("station_console") / "data" / name).read_text(encoding="utf-8")
    return tomllib.loads(text)


def latest(session: Session, kind: str, scope: str) -> RuleVersion | None:
    row = session.exec(
        select(SendRule)
        .where(SendRule.kind == kind, SendRule.scope == scope)
        .order_by(col(SendRule.version).desc())
        .limit(1)
    ).first()
    return _of(row) if row else None


def history(session: Session, kind: str, scope: str) -> list[RuleVersion]:
    rows = session.exec(
        select(SendRule)
        .where(SendRule.kind == kind, SendRule.scope == scope)
        .order_by(col(SendRule.version).desc())
    ).all()
    return [_of(r) for r in rows]


def versions(session: Session, kind: str, scope: str, builtin: RuleVersion | None) -> list[RuleVersion]:
    """Every version, newest first: the stored ones, then the built-in one they replaced (version 0;
    what came before them was priced or inspected with it), when the package has one."""
    return history(session, kind, scope) + ([builtin] if builtin else [])


def at_version(session: Session, kind: str, scope: str, version: int) -> RuleVersion | None:
    row = session.exec(
        select(SendRule).where(SendRule.kind == kind, SendRule.scope == scope, SendRule.version == version)
    ).first()
    return _of(row) if row else None


def store(
    session: Session,
    station: Station,
    kind: str,
    scope: str,
    body: dict[str, Any],
    *,
    event: str,
    previous: RuleVersion | None,
) -> RuleVersion:
    """Add the next version in the caller's transaction, with its audit event. The caller checked roles."""
    top = session.exec(
        select(func.max(SendRule.version)).where(SendRule.kind == kind, SendRule.scope == scope)
    ).one()
    row = SendRule(
        kind=kind,
        scope=scope,
        version=int(top or 0) + 1,
        body=body,
        sha256=body_hash(body),
        created_at=station.now(),
        created_by=station.clerk_id,
    )
    fast.insert(session, row)
    audit.record(
        session,
        station,
        event,
        details={
            "scope": scope,
            "version": row.version,
            "sha256": row.sha256,
            "previous_version": previous.version if previous else None,
            "previous_sha256": previous.sha256 if previous else None,
        },
    )
    return _of(row)


def _of(row: SendRule) -> RuleVersion:
    return RuleVersion(
        kind=row.kind,
        scope=row.scope,
        version=row.version,
        body=dict(row.body),
        sha256=row.sha256,
        created_at=row.created_at,
        created_by=row.created_by,
    )


def builtin_version(kind: str, scope: str, body: dict[str, Any]) -> RuleVersion:
    return RuleVersion(kind, scope, 0, body, body_hash(body), None, None)
