"""Chinese text wrapped as it is typeset: no line starts with closing punctuation.

Textual (through Rich) breaks wide text between any two characters, so a line could start with "、",
"。" or "）", and neither offers a hook for where a line may break. `typeset(text)` gives a renderable
that lays each paragraph out with `help_layout.wrap` (the `station` command's help rules) at the width
it is drawn at, every time, so a column that changes width stays right. Text with no wide character is
left to Textual, as before.
"""

from __future__ import annotations

from rich.console import Console, ConsoleOptions, RenderResult
from rich.measure import Measurement
from rich.text import Text

from station_console.help_layout import wrap
from station_console.safe_text import visible
from station_console.text_columns import display_width


class Typeset:
    """`text` as literal, visible text, broken into lines by Chinese rules at the width it gets."""

    def __init__(self, text: str) -> None:
        self.text = visible(text)

    def lines(self, width: int) -> list[str]:
        return [line for paragraph in self.text.split("\n") for line in (wrap(paragraph, width) or [""])]

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        # Lines that fit are kept as they are; a word wider than the column folds, as Textual would.
        yield Text("\n".join(self.lines(options.max_width)))  # its end "\n": Textual counts lines by them

    def __rich_measure__(self, console: Console, options: ConsoleOptions) -> Measurement:
        widest = max((display_width(line) for line in self.text.split("\n")), default=0)
        return Measurement(min(2, widest), min(widest, options.max_width))


def typeset(text: str) -> Typeset | Text:
    if all(display_width(ch) < 2 for ch in text):
        return Text(visible(text), end="")  # English: Textual's own wrapping, unchanged
    return Typeset(text)
