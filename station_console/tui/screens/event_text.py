"""An event's details laid out for a narrow pane: whole details to a line, each line indented."""

from __future__ import annotations

from rich.cells import cell_len


def packed(items: list[str], width: int, *, indent: str = "  ") -> str:
    """`items` two spaces apart, as many to a line as `width` cells take, each line indented: a
    detail is never split over two lines unless it alone is wider."""
    lines: list[str] = []
    for item in items:
        if lines and cell_len(f"{indent}{lines[-1]}  {item}") <= width:
            lines[-1] = f"{lines[-1]}  {item}"
        else:
            lines.append(item)
    return "".join(f"{indent}{line}\n" for line in lines)
