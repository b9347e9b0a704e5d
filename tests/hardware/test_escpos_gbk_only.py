"""A receipt roll printer's Chinese font is GBK: a character GB18030 sends in four bytes (an emoji, a rare
character, "¥") printed as garbage and pushed the rest of its line out of its column. Each prints as a
full-width "？" instead, in the two columns the table gave it."""

from __future__ import annotations

import re

import pytest

from hardware.printers import Document, escpos
from hardware.printers.label import Media
from hardware.printers.textfit import columns, gbk_printable

CJK_TEXT = re.compile(rb"\x1c&(.*?)\x1c\.\n", re.DOTALL)


def printed_lines(data: bytes) -> list[str]:
    """The lines printed in Chinese mode, read as a GBK-only printer reads them (strictly: a byte
    sequence outside GBK fails here as it prints garbage there)."""
    return [m.group(1).decode("gbk") for m in CJK_TEXT.finditer(data)]


@pytest.mark.parametrize("paper", [58, 80])
def test_characters_outside_gbk_print_as_a_full_width_question_mark_in_their_column(paper: int) -> None:
    doc = Document(
        "receipt",
        "取件凭条",
        columns=["收件人", "取件码"],
        rows=[["王😀", "1-1-1"], ["𠀀明", "1-1-2"], ["李雷", "1-1-3"]],
        footer=["谢谢 👍 ¥"],
    )
    lines = printed_lines(escpos.render_document(doc, Media(paper_mm=paper)))
    rows = {line.split()[0]: line for line in lines if "1-1-" in line}
    assert set(rows) == {"王？", "？明", "李雷"}
    # The code column starts where it does on a row of plain Chinese.
    starts = {columns(line[: line.index("1-1-")]) for line in rows.values()}
    assert len(starts) == 1
    assert "谢谢 ？ ？" in lines


def test_gbk_printable_keeps_gbk_text_and_the_columns_it_takes() -> None:
    assert gbk_printable("王明，SF123·…") == "王明，SF123·…"
    for text in ("😀", "𠀀", "¥", "e\u0301", "👍🏽"):
        replaced = gbk_printable(text)
        assert columns(replaced) == columns(text)
        replaced.encode("gbk")  # nothing outside GBK is left
