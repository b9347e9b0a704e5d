"""Help text laid out by terminal columns, not characters.

click wraps and aligns help by `len()`: a line of Chinese comes out twice as wide as the terminal
allows, and a Chinese metavar pushes the option column out of line. This formatter measures with
`display_width`, and breaks a line where the console's and the printouts' one rule lets it
(`hardware.line_breaks`). Text with no wide character is laid out by click itself, exactly as before.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

import click

from hardware.line_breaks import CLOSING, break_lines, is_wide
from station_console.click_words import click_gettext
from station_console.text_columns import display_width, pad


def wrap(text: str, width: int) -> list[str]:
    """`text` (one paragraph) in lines of at most `width` columns, broken where the console's and the
    printouts' one rule lets a line break (`hardware.line_breaks`): between Chinese characters, never
    before a closing mark or "·", never between a number and its unit (3 件, 2-16 个). Spaces within a
    line stay as they are (click puts two before `[required]`). A word longer than a line overflows
    rather than being cut: an option or a path is copied whole from help."""
    text = text.replace("\n", " ").strip()

    def fits(line: str) -> bool:
        return display_width(line) <= width

    return break_lines(text, fits, avoid=_inside_tokens(text), fold=False)


def _inside_tokens(text: str) -> set[int]:
    """Where a line of help breaks only if it has nowhere else: inside a word mostly of narrow
    characters (a token to type: `external_id=工号`, `account（月结账户）`), and where a word's Latin
    text meets its Chinese (`手机/phone`); after a Chinese punctuation mark a line may break."""
    avoid: set[int] = set()
    for found in re.finditer(r"\S+", text):
        word = found.group()
        wide = [is_wide(ch) for ch in word]
        narrow = 2 * sum(wide) <= len(word)
        for i in range(1, len(word)):
            after_mark = wide[i - 1] and word[i - 1] in CLOSING
            if not after_mark and (narrow or wide[i - 1] != wide[i]):
                avoid.add(found.start() + i)
    return avoid


def shorten(text: str, limit: int) -> str:
    """A command's help in the list of commands: its first sentence, cut to `limit` columns."""
    first = text.partition("\n\n")[0]
    first = " ".join(first.split())
    end = first.find("。")
    if end >= 0:
        first = first[: end + 1]
    if display_width(first) <= limit:
        return first
    cut = ""
    for ch in first:
        if display_width(cut + ch) > limit - 3:
            break
        cut += ch
    return cut.rstrip() + "..."


class WideHelpFormatter(click.HelpFormatter):
    """click's help formatter, measuring text in terminal columns (English text: click's own layout)."""

    def _wrapped(self, text: str, width: int, first: str, rest: str) -> str:
        """Paragraphs of `text` wrapped to `width` columns, the first line led by `first`."""
        out: list[str] = []
        for paragraph in re.split(r"\n\s*\n", text):
            lines = wrap(paragraph, max(width - display_width(rest), 10)) or [""]
            lead = first if not out else rest
            out.append("\n".join([lead + lines[0], *(rest + line for line in lines[1:])]))
        return "\n\n".join(out)

    def write_usage(self, prog: str, args: str = "", prefix: str | None = None) -> None:
        if prefix is None:
            usage = click_gettext("Usage:")
            prefix = usage if usage.endswith("：") else f"{usage} "  # a full-width colon has its space
        if _narrow(prefix, prog, args):
            super().write_usage(prog, args, prefix)
            return
        lead = f"{prefix:>{self.current_indent}}{prog} "
        if not args:
            self.write(lead.rstrip(" ") + "\n")
            return
        if self.width - self.current_indent >= display_width(lead) + 20:
            indent = " " * display_width(lead)
            self.write(self._wrapped(args, self.width - self.current_indent, lead, indent) + "\n")
        else:
            indent = " " * (max(self.current_indent, display_width(prefix)) + 4)
            self.write(lead + "\n" + self._wrapped(args, self.width, indent, indent) + "\n")

    def write_heading(self, heading: str) -> None:
        if _narrow(heading):
            super().write_heading(heading)
        else:
            self.write(f"{'':>{self.current_indent}}{heading}：\n")

    def write_text(self, text: str) -> None:
        if _narrow(text):
            super().write_text(text)
            return
        indent = " " * self.current_indent
        self.write(self._wrapped(text, self.width, indent, indent) + "\n")

    def write_dl(self, rows: Iterable[tuple[str, str]], col_max: int = 30, col_spacing: int = 2) -> None:
        rows = list(rows)
        if _narrow(*(text for row in rows for text in row)):
            super().write_dl(rows, col_max, col_spacing)
            return
        first_col = min(max((display_width(term) for term, _help in rows), default=0), col_max)
        indent = " " * self.current_indent
        hang = " " * (self.current_indent + first_col + col_spacing)
        text_width = max(self.width - first_col - col_spacing - 2, 10)
        for term, help_text in rows:
            lines = self._help_lines(_chinese_extra(help_text), text_width)
            if not lines:
                self.write(f"{indent}{term}\n")
            elif display_width(term) <= first_col:
                self.write(f"{indent}{pad(term, first_col + col_spacing)}{lines[0]}\n")
                self._write_lines(hang, lines[1:])
            else:
                self.write(f"{indent}{term}\n")
                self._write_lines(hang, lines)

    @staticmethod
    def _help_lines(text: str, width: int) -> list[str]:
        lines: list[str] = []
        for paragraph in re.split(r"\n\s*\n", text) if text else []:
            if lines:
                lines.append("")
            lines.extend(wrap(paragraph, width))
        return lines

    def _write_lines(self, hang: str, lines: Sequence[str]) -> None:
        for line in lines:
            self.write(f"{hang}{line}\n" if line else "\n")


# What click appends to an option's help itself: `  [default: 5; 1<=x<=50]`, joined by "; ".
_EXTRA = re.compile(r"(  \[)([^\[\]]*)(\])$")


def _chinese_extra(text: str) -> str:
    """click's `[默认：5; 1<=x<=50]` with a Chinese semicolon (this text has wide characters)."""
    return _EXTRA.sub(lambda m: m.group(1) + m.group(2).replace("; ", "；") + m.group(3), text)


def _narrow(*texts: str) -> bool:
    """English (no wide character): laid out by click itself, exactly as it always was."""
    return all(display_width(text) == len(text) for text in texts)
