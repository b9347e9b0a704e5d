"""An Input whose typing does not lay out the whole screen: every text field of the console.

Textual's Input sets its scroll extent (`virtual_size`, a layout reactive) to the text's width on every
change of its value, so each key typed into a field asked for a layout of the whole screen: ten to twenty
milliseconds a key on the check-in and send-out screens, though the field's own size is fixed by its
CSS. Here a value's change repaints the field only; the field still scrolls with its text (the extent is
read directly). A field sized by its content (`width: auto`, `height: auto`) is laid out as before.
"""

from __future__ import annotations

from typing import Any

from textual.widgets import Input


class FixedInput(Input):
    _value_changing = False

    def _watch_value(self, value: str) -> None:
        self._value_changing = True
        try:
            super()._watch_value(value)
        finally:
            self._value_changing = False

    def refresh(
        self, *regions: Any, repaint: bool = True, layout: bool = False, recompose: bool = False
    ) -> Any:
        if self._value_changing and not self.styles.auto_dimensions:
            layout = False  # only the text's extent changed, not the field's place or size
        return super().refresh(*regions, repaint=repaint, layout=layout, recompose=recompose)
