"""The stocktake's table at 80 columns in English, with another counter's long Scanned by cell: the
empty Problem column goes last (the module's stated order), so it never takes the room Scanned by
would fill. It did: Problem fitted in what the finding's columns left, and Scanned by, whose heading
no longer fitted beside it, was left out."""

from __future__ import annotations

from rich.text import Text
from textual.app import App, ComposeResult

from station_console.i18n import _, set_language
from station_console.tui.screens.stocktake_table import StocktakeTable
from tui import quiet

# Five finding columns 56 cells wide with their padding: Problem (9 with its padding) then leaves 13,
# short of Scanned by's heading with its padding and the table's own gap; without it, 22.
FINDING = (Text("Missing"), "SF1234567890123456", "1-1 layer 2", "1-12 layer 3", "on shelf", "")
OTHER_COUNTER = "demo-clerk at back-office-counter"


class OneTable(App[None]):
    def compose(self) -> ComposeResult:
        yield StocktakeTable(id="t")


async def test_another_counters_scanned_by_takes_the_room_an_empty_problem_column_took() -> None:
    set_language("en")
    app = OneTable()
    async with app.run_test(size=(80, 24)) as pilot:
        table = app.query_one(StocktakeTable)
        table.show([((*FINDING, "demo-clerk"), "demo-clerk"), ((*FINDING, OTHER_COUNTER), OTHER_COUNTER)])
        await quiet.settle(pilot)
        headings = [str(column.label) for column in table.columns.values()]
        assert headings[-1] == _("Scanned by") and _("Problem") not in headings, headings
        cells = [str(table.get_row_at(row)[-1]) for row in range(2)]
        assert cells[0] == "demo-clerk" and cells[1].startswith("demo-cler") and cells[1].endswith("…"), cells
        drawn = sum(column.get_render_width(table) for column in table.columns.values())
        assert drawn <= table.size.width - 2, drawn  # the scrollbar's room kept
