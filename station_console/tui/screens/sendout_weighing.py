"""Send-out's weight: F8 reads the counter's scale on a worker (a parcel still moving keeps the read
waiting, up to its 5 s), and a typed weight is the clerk's, recorded as manual.

A reading that comes late goes only to the form that asked: the next sender (Esc, a send accepted, another
clerk signing in) drops the read on its way, and a weight typed into the field while the scale settled
stays, the line saying the reading was not taken. A refusal said while the scale settled stays first
over the reading's line (`StatusLine.show_read`).

A mixin of `SendoutScreen` (its `call`, `form`, `message`, `say`): named methods, as a plain
mixin has no decorated-handler table of its own.
"""

from __future__ import annotations

from typing import Any

from station_console.i18n import _
from station_console.services.sendout.weighing import Weight, read_scale
from station_console.tui.widgets.plain import Label


class Weighing:
    scale_weight: Weight | None = None  # the last stable scale reading shown in the field
    _asked_over: str | None = None  # the weight field as F8 found it, while its read is on its way

    def action_weigh(self) -> None:
        screen: Any = self
        self._asked_over = screen.form.value("so-weight")
        screen.say(_("Weighing: keep the parcel still..."))
        scale = screen.app.counter_settings.scale
        screen.call("weigh", lambda: read_scale(scale), exclusive=True, for_form=True)

    def done_weigh(self, weight: Weight) -> None:
        screen: Any = self
        asked_over, self._asked_over = self._asked_over, None
        if asked_over is not None and screen.form.value("so-weight") != asked_over:
            screen.message.show_read(
                _("The scale's reading came after you typed a weight: kept yours."),
                warn=True,
                under_refusal=True,
            )
            return
        self.scale_weight = weight
        screen.form.set_value("so-weight", kg(weight.grams))
        screen.query_one("#so-weight-source", Label).update(_("scale"))
        # A read's answer: a refusal said while the scale settled stays first, this below it.
        screen.message.show_read(
            _("Weighed {kg} kg on the scale.", kg=kg(weight.grams)), ok=True, under_refusal=True
        )

    def weight_typed(self, value: str) -> None:
        """The weight field changed: a value other than the scale's reading makes the weight manual."""
        screen: Any = self
        weighed = self.scale_weight
        if weighed is not None and value != kg(weighed.grams):
            self.scale_weight = None  # the clerk overwrote the scale's reading: a manual weight
            screen.query_one("#so-weight-source", Label).update(_("typed"))

    def form_weight(self) -> Weight:
        """The scale's reading in the field, else the typed weight (refused when not a weight)."""
        from station_console.services.sendout import inputs

        screen: Any = self
        if self.scale_weight is not None:
            return self.scale_weight
        return Weight.typed(inputs.grams_from_kg(screen.form.value("so-weight")))

    def forget_weighing(self) -> None:
        """The form is cleared for the next sender: a read on its way was the last parcel's, and goes
        nowhere (sent `for_form`)."""
        self.scale_weight, self._asked_over = None, None


def kg(grams: int) -> str:
    return f"{grams / 1000:.3f}"
