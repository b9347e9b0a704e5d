"""Door delivery's scans that found a storage fee due and were not scanned out, kept by the console
(not the screen) for the clerk who scanned them: the console locked before the fee was asked, or the
question closed when another clerk signed in. Each clerk is told theirs once back at Door delivery.

A clerk who never comes back (deactivated) would leave them unsaid: when a manager deactivates them
here (Settings > Clerks) the manager is told and they become the manager's; a manager at Door delivery
takes over those of any clerk deactivated elsewhere. Scanning them again asks the fee, settled (paid,
or waived by a manager) as the scan-out service allows.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from station_console.i18n import _n, listed, sentences


@dataclass
class DoorScansHeld:
    # Scanned, the console locked before the fee was asked: by clerk id.
    not_taken: dict[int, list[str]] = field(default_factory=dict)
    # Scanned, the fee question closed by another clerk's sign-in: by clerk id.
    fees_left: dict[int, list[str]] = field(default_factory=dict)
    # Taken over by a manager (their id) from clerks who can no longer sign in: by that clerk's name.
    handed: dict[int, dict[str, list[str]]] = field(default_factory=dict)

    def of(self, clerk: int) -> list[str]:
        """What this clerk scanned and left unsettled, not yet said to them."""
        return [*self.not_taken.get(clerk, []), *self.fees_left.get(clerk, [])]

    def others(self, clerk: int | None) -> set[int]:
        """The other clerks holding scans."""
        return {c for c in (*self.not_taken, *self.fees_left) if c != clerk and self.of(c)}

    def hand_over(self, clerk: int, name: str, to: int) -> list[str]:
        """A deactivated clerk's scans, now the manager `to`'s to settle."""
        scans = [*self.not_taken.pop(clerk, []), *self.fees_left.pop(clerk, [])]
        if scans:
            self.handed.setdefault(to, {}).setdefault(name, []).extend(scans)
        return scans

    def handed_said(self, to: int | None) -> str:
        """What this manager took over, said once ("" when nothing)."""
        handed = self.handed.pop(to, {}) if to is not None else {}
        return sentences(*(left_by(name, scans) for name, scans in handed.items()))


def left_by(name: str, scans: list[str]) -> str:
    return _n(
        "Not scanned out, left by {clerk}, who can no longer sign in: {scans} owes a storage fee. "
        "Scan it again at Door delivery to settle it.",
        "Not scanned out, left by {clerk}, who can no longer sign in: {scans} owe storage fees. "
        "Scan them again at Door delivery to settle them.",
        len(scans),
        clerk=name,
        scans=listed(scans),
    )


def held_scans(app: Any) -> DoorScansHeld:
    """The console's one record of them (made on first use)."""
    held = getattr(app, "door_scans_held", None)
    if held is None:
        held = DoorScansHeld()
        app.door_scans_held = held
    return held
