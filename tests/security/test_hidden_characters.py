"""Characters a person cannot see: shown as escapes on their way to a screen, out of typed text, and
the rule one for the console and the hardware layer. A zero-width space in a stored name made it look
like another; a device setting with a control character in it was quoted with the character dropped."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from hardware.messages import typed
from station_console.safe_text import clean, has_hidden, pasted_line, printable, visible
from station_console.services.scan.waybill import clean_waybill

ZERO_WIDTH = ["\u200b", "\u200c", "\u200d", "\u2060", "\u2063", "\u180e"]
# What `visible` already wrote out: the BOM, the bidi embeddings, overrides and isolates.
BIDI_AND_BOM = ["\ufeff", "\u202a", "\u202e", "\u2066", "\u2069"]


@pytest.mark.parametrize("char", ZERO_WIDTH + BIDI_AND_BOM)
def test_two_names_that_differ_by_an_invisible_character_look_different(char: str) -> None:
    stored = f"张{char}三"
    shown = visible(stored)
    assert shown == f"张\\u{ord(char):04x}三" and shown != visible("张三")
    assert has_hidden(stored)


@pytest.mark.parametrize("char", ZERO_WIDTH)
def test_typed_text_loses_a_zero_width_character_without_a_space(char: str) -> None:
    assert clean(f"张{char}三") == "张三"
    assert printable(f"张{char}三") == "张三"
    assert pasted_line(f"张{char}三") == "张三"


def test_a_soft_hyphen_is_an_invisible_character_too() -> None:
    """`Zhang\\u00adSan` printed as `ZhangSan` and was stored so: two names that look the same."""
    stored = "Zhang\u00adSan"
    assert visible(stored) == "Zhang\\xadSan" and has_hidden(stored)
    assert (
        clean(stored) == "ZhangSan" and pasted_line(stored) == "ZhangSan" and printable(stored) == "ZhangSan"
    )
    assert typed(stored) == "Zhang\\xadSan"


@pytest.mark.parametrize("char", ["\x85", "\u2028", "\u2029", "\x0b", "\x0c"])
def test_a_paste_reads_a_line_separator_inside_its_line_as_a_space(char: str) -> None:
    """A NEL, a line or paragraph separator, a vertical tab or a form feed pasted between two words
    joined them (`张三李四`); typed text (`clean`) already read it as a space."""
    assert pasted_line(f"张三{char}李四") == "张三 李四" == clean(f"张三{char}李四")


def test_only_what_is_shown_changes_a_search_reads_the_text() -> None:
    """`visible` is for the screen: the cleaning a lookup reads by is the same with or without it."""
    assert clean("ZTO") == "ZTO" and visible("ZTO") == "ZTO"
    assert clean_waybill("SF\u200b1234567890123") == ("SF1234567890123", None)


@pytest.mark.parametrize(
    ("pasted", "line"),
    [
        ("0112345\x1d10ABC", "011234510ABC"),  # a GS1 separator: part of the code, not a line end
        ("a\x1cb\x1ec", "abc"),  # FS, RS
        ("a\x85b", "a b"),  # NEL: it parted two words, as `clean` reads it
        ("a\u2028b\u2029c", "a b c"),  # the line and paragraph separators
        ("first\r\nsecond", "first"),
        ("first\rsecond", "first"),
        ("first\nsecond", "first"),
    ],
)
def test_a_paste_ends_at_a_line_break_only(pasted: str, line: str) -> None:
    """Python's `splitlines` ends a line at GS, FS, RS, NEL and the separators too: a pasted GS1 code
    came in as its first element only."""
    assert pasted_line(pasted) == line


def test_a_scan_keeps_its_code_across_gs1_separators() -> None:
    """The rule `safe_text` states: a scan's separators go, its letters and digits stay."""
    assert clean_waybill("]C1JT\x1d0000000000009\r") == ("JT0000000000009", None)


def test_typed_shows_what_the_device_sent() -> None:
    """A device setting quoted in a refusal: its control characters written out, not dropped."""
    assert typed("tspl\x00\x1b[2J") == "tspl\\x00\\x1b[2J"
    assert typed("enter\r") == "enter\\x0d"
    assert typed("\x1d\x85\u2028\u200b") == "\\x1d\\x85\\u2028\\u200b"
    assert typed("  前台 \t lp  ") == "前台 lp"
    assert typed(None) == "" and typed("   ") == ""


def test_typed_writes_out_what_visible_writes_out() -> None:
    every_hidden = (
        "".join(chr(c) for c in [*range(0x20), *range(0x7F, 0xA0)] if chr(c) not in "\t\n")
        + "\u061c\u200e\u200f\u202a\u202e\u2066\u2069\u2028\u2029\ufeff"
        + "".join(ZERO_WIDTH)
    )
    assert typed(f"a{every_hidden}b", 10_000) == visible(f"a{every_hidden}b")
    assert "\\x0a" in typed("a\nb")  # one line: a new line too


def test_typed_is_cut_never_inside_an_escape() -> None:
    assert typed("x" * 90) == "x" * 40
    assert typed("abc" + "\x00" * 20, 10) == "abc\\x00"
    assert typed("abcdefghi\x00", 10) == "abcdefghi"


def test_no_docstring_holds_a_hidden_character() -> None:
    """A docstring naming an escape spells it with two backslashes in the source: with one, `\\x1b` or
    `\\u202e` is the character itself, which `help()` and pydoc send to the terminal (an RLO turns the
    line round)."""
    root = Path(__file__).resolve().parents[2]
    found = []
    for folder in ("station_console", "hardware", "db", "scripts", "tests"):
        for path in sorted((root / folder).rglob("*.py")):
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
                    doc = ast.get_docstring(node, clean=False)
                    if doc and has_hidden(doc):
                        found.append(f"{path.relative_to(root)}: {getattr(node, 'name', 'module')}")
    assert found == []
