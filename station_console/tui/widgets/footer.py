"""The key footer, without Textual's footer's start-up cost.

Textual's `Footer` rebuilds all its keys each time a screen announces that its bindings may have changed
(mount, focus moves, a binding refresh): several times while the console starts, and at every focus change
after. Each new key is then restyled twice more as its `compact` flag starts at True and is bound to the
footer's False. With the check-in screen's twenty keys that was most of the console's time to first idle.
This footer gives each key its `compact` state before it mounts and rebuilds only when what the keys show
changed; it shows exactly what Textual's footer shows, in the console's language: a screen's own keys
arrive translated, but a Textual widget's (the open Select's "Dismiss menu") come with English ids.
A key the signed-in clerk may not use (a manager's, `role_keys`) is shown dimmed; pressed or clicked,
it still says why.

A screen's own keys come first, the modes' and the clerk's after them. The clerk sees every key of the
screen they are on: when those do not fit one row (check-in's, Settings', at 80 columns) the footer
draws its keys compact (Textual's `compact`: a cell less each) in a second row, a third if need be, and
the app's keys follow on the last row as far as they fit; the rest are left out, from the first that
would be cut on (a key shown reads whole: "^f Send-o" said nothing). The footer grows only for the
screen's own keys, never for the app's: on a wide terminal, or a screen with a few keys, it is one row
drawn as Textual draws it. Every key still works, and the key list (Ins, `screens/keys_list.py`), the
one app key never left out, comes first and lists every key.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from rich.cells import cell_len
from textual import events
from textual.app import ComposeResult
from textual.containers import HorizontalGroup
from textual.widget import Widget
from textual.widgets import Footer
from textual.widgets._footer import FooterKey

from station_console.i18n import _
from station_console.tui.role_keys import refused

KEYS_LIST = "keys_list"  # the app's action that lists every key (`screens/keys_list.py`)


# A footer part: its width drawn as usual, its width drawn compact, and whether it must be seen.
Part = tuple[int, int, bool]


def rows_of(parts: Sequence[tuple[int, bool]], width: int) -> tuple[int, ...]:
    """How many parts each row holds: `parts` are (width, must be seen) in the footer's order. A row
    is filled up to the first part that does not fit; the next row starts only for a part that must be
    seen (the screen's own keys, the key list), and the last row takes the rest (left out as they do
    not fit)."""
    rows = [0]
    used = 0
    for index, (cells, must) in enumerate(parts):
        if rows[-1] and used + cells > width:
            if not must:
                rows[-1] += len(parts) - index
                break
            rows.append(0)
            used = 0
        rows[-1] += 1
        used += cells
    return tuple(rows)


def laid_out(parts: Sequence[Part], width: int, *, compact: bool) -> tuple[bool, tuple[int, ...]]:
    """Whether the keys are drawn compact, and how many parts each row holds. Footer's usual look while
    the keys that must be seen fit one row; past that, compact (a cell less a key), in as few rows."""
    plain = rows_of([(usual, must) for usual, _dense, must in parts], width)
    if compact or len(plain) > 1:
        return True, rows_of([(dense, must) for _usual, dense, must in parts], width)
    return False, plain


def drawn_width(key: FooterKey, *, compact: bool) -> int:
    """The cells a key takes as Footer's styles draw it, known before it mounts: its key padded by one
    each side and its words followed by one (a key without words unpadded), or when compact both
    unpadded with a cell between them and one after the key."""
    drawn = cell_len(key.key_display) + int(compact)
    if key.description:
        drawn += cell_len(key.description) + (1 if compact else 3)
    return drawn


class StationFooter(Footer):
    """`Footer`, rebuilt only when the keys it would show differ from the ones it shows, in as many rows
    as the screen's own keys need."""

    DEFAULT_CSS = """
    StationFooter.-rows {
        layout: vertical;
        height: auto;
    }
    StationFooter > .footer-row {
        height: 1;
    }
    """

    _shown: object = None  # what the keys on screen were built from
    _parts: tuple[Part, ...] = ()  # the parts on screen, in order
    _rows: tuple[int, ...] = ()  # how many parts each row holds

    def __init__(self, *args: Any, compact: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, compact=compact, **kwargs)
        self._asked_compact = compact  # `compact` itself also follows the width (`laid_out`)

    def compose(self) -> ComposeResult:
        self._shown = self._what_to_show()
        parts = list(self._keys())
        # Sized from the words, before mount: only groups (none in the console) count as nothing here.
        must = self._must_be_seen()
        self._parts = tuple(
            (drawn_width(p, compact=False), drawn_width(p, compact=True), (p.key, p.action) in must)
            if isinstance(p, FooterKey)
            else (0, 0, False)
            for p in parts
        )
        compact, self._rows = laid_out(self._parts, self._width(), compact=self._asked_compact)
        # The look each key is bound to, set before mount: no restyle on the way there.
        self.set_reactive(Footer.compact, compact)
        self.set_class(compact, "-compact", update=False)
        self.set_class(len(self._rows) > 1, "-rows")
        for part in parts:
            if isinstance(part, FooterKey):
                part.set_reactive(FooterKey.compact, compact)
                part.set_class(compact, "-compact", update=False)
        if len(self._rows) == 1:
            yield from parts
            return
        start = 0
        for count in self._rows:
            yield HorizontalGroup(*parts[start : start + count], classes="footer-row")
            start += count

    def _keys(self) -> ComposeResult:
        """Footer's parts in the console's language, the key list's first."""
        not_theirs = self._shown[-1] if isinstance(self._shown, tuple) else frozenset()
        parts: list[Widget] = []
        for widget in super().compose():
            if isinstance(widget, FooterKey):
                widget.description = _(widget.description) if widget.description else ""
                if (widget.key, widget.action) in not_theirs:
                    # Dimmed as Textual dims a disabled key, but not disabled: a click still sends the
                    # key, and the screen says who may use it (a disabled key only rings the bell).
                    widget.add_class("-disabled", update=False)
            parts.append(widget)
        first = [p for p in parts if isinstance(p, FooterKey) and p.action == KEYS_LIST]
        yield from first + [p for p in parts if p not in first]

    def _must_be_seen(self) -> set[tuple[str, str]]:
        """The keys (key, action) of the screen the clerk is on (its own and its focused widget's: all
        but the app's), and the key list's."""
        if not self._bindings_ready or not self.is_attached:
            return set()
        app = self.app
        return {
            (binding.key, binding.action)
            for node, binding, _enabled, _tooltip in self.screen.active_bindings.values()
            if node is not app or binding.action == KEYS_LIST
        }

    def _width(self) -> int:
        # A footer composed as it mounts has no size yet: it spans the screen.
        return self.content_region.width or self.app.size.width

    async def recompose(self) -> None:
        if self._what_to_show() != self._shown:
            await super().recompose()
            self._fit_keys()

    def on_mount(self) -> None:  # Footer's own on_mount runs too (Textual calls each class's)
        self._fit_keys()

    async def on_resize(self, _event: events.Resize) -> None:
        if laid_out(self._parts, self._width(), compact=self._asked_compact) != (self.compact, self._rows):
            await super().recompose()  # the same keys, in other rows
        self._fit_keys()

    def _fit_keys(self) -> None:
        """Show the parts (keys, key groups) of each row that fit the footer's width, up to the first that
        does not: measured as they draw, not where the last layout put them (a rebuilt footer has no
        layout yet)."""
        width = self.content_region.width
        if not width:
            return  # not laid out yet: fitted when it is (a resize)
        rows = self.query_children(".footer-row") if self.has_class("-rows") else [self]
        for row in rows:
            used, fits = 0, True
            for part in row.children:
                styles = part.styles
                used += (
                    part.get_content_width(self.size, self.app.size)
                    + styles.gutter.width
                    + styles.margin.width
                )
                fits = fits and used <= width
                if part.display != fits:
                    part.display = fits

    def _what_to_show(self) -> object:
        """Everything a footer key is built from; None before the screen's bindings are ready. Last,
        the keys (key, action) the signed-in clerk may not use: another clerk signs in, the same keys
        are dimmed or not."""
        if not self._bindings_ready or not self.is_attached:
            return None
        app: Any = self.app
        shown = [active for active in self.screen.active_bindings.values() if active.binding.show]
        return (
            self._asked_compact,
            self.show_command_palette and app.ENABLE_COMMAND_PALETTE,
            tuple(
                (
                    binding.key,
                    app.get_key_display(binding),
                    binding.description,
                    binding.action,
                    binding.group,
                    enabled,
                    tooltip,
                    binding.tooltip,
                )
                for (_node, binding, enabled, tooltip) in shown
            ),
            frozenset((b.key, b.action) for (_node, b, _e, _t) in shown if refused(app, b.id)),
        )
