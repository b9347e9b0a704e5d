"""A send's weight: read from the counter's scale (accepted only when the scale says it is stable),
or typed by the clerk, which the send record and the day report mark as manual."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from hardware.messages import Message, reason_of
from station_console.errors import Refused, StationError
from station_console.i18n import N_, LaterText, in_section
from station_console.safe_text import cut
from station_console.services.sendout.quote import MAX_WEIGHT_G, kg


class ScaleUnavailable(StationError):
    code = "no_scale"


@dataclass(frozen=True)
class Weight:
    grams: int
    manual: bool
    device: str | None = None
    stable: bool = True

    @classmethod
    def typed(cls, grams: int) -> Weight:
        return cls(grams, manual=True)

    def require_usable(self) -> None:
        if not self.manual and not self.stable:
            raise Refused(N_("The scale is not stable yet: wait, then weigh again."), code="not_stable")

    def to_json(self) -> dict[str, Any]:
        return {"grams": self.grams, "manual": self.manual, "device": self.device}


def read_scale(config: dict[str, Any], *, timeout_s: float = 5.0, backend: Any = None) -> Weight:
    """One stable reading from the scale `config` describes (CounterSettings.scale)."""
    from hardware.scales.base import ScaleError
    from hardware.scales.factory import make_scale

    if not config or config.get("kind") in (None, "", "none"):
        raise ScaleUnavailable(N_("No scale is configured on this counter: type the weight."))
    try:
        scale = make_scale(config, backend=backend)
    except ValueError as exc:  # the setting's own reason, translated where the refusal is shown
        reason = in_section(reason_of(exc), "scale")  # "Port (scale.port)", not the scanner's port
        raise ScaleUnavailable(
            N_("The scale is misconfigured: {reason}"),
            reason=LaterText(reason if isinstance(reason, Message) else cut(reason, 120)),
        ) from exc
    try:
        reading = scale.read_stable(timeout_s)
    except ScaleError as exc:  # the scale's reason, as a refusal translated where it is shown
        raise ScaleUnavailable(exc.message.msgid, code=exc.code, **exc.message.params) from exc
    finally:
        scale.close()
    if reading.grams > MAX_WEIGHT_G:
        # Refused at the read, not later at the quote: a weight no send can have never reaches the form
        # as "weighed" (a heavy parcel, or a number garbled on the scale's line).
        raise ScaleUnavailable(
            N_(
                "The scale reads {weight} kg, more than a send may weigh ({max} kg): check the parcel and the scale."
            ),
            code="scale_too_heavy",
            weight=cut(kg(reading.grams), 12),
            max=kg(MAX_WEIGHT_G),
        )
    return Weight(reading.grams, manual=False, device=reading.source, stable=reading.stable)
