"""What the terminal shows inside a widget, cut by screen cells (a Chinese character takes two), and a
check that a widget's text is drawn whole there."""

from __future__ import annotations

from typing import Any

from textual.widget import Widget
from textual.widgets import Static


def drawn(app: Any, widget: Widget) -> str:
    """The rows the terminal shows now inside `widget`'s content region (inside its border and padding),
    each cut by cells, one after another."""
    region = widget.content_region
    rows = app.screen._compositor.render_strips()[region.y : region.bottom]
    return "".join(row.crop(region.x, region.right).text for row in rows)


def reads_whole(app: Any, widget: Static) -> str:
    """What `widget` says, checked to be drawn whole inside it (spaces and line ends aside, as a wrap
    drops them)."""
    said = str(widget.render())
    shown = drawn(app, widget)
    assert "".join(said.split()) in "".join(shown.split()), f"{said!r} drawn as {shown!r}"
    return said


def drawn_rows(app: Any, widget: Widget) -> list[str]:
    """The rows the terminal shows now inside `widget`'s content region, each cut by cells."""
    region = widget.content_region
    rows = app.screen._compositor.render_strips()[region.y : region.bottom]
    return [row.crop(region.x, region.right).text for row in rows]
