"""Finding fonts for rendered labels (PNG, PDF, bitmaps for printers without a CJK font).

The counter's `label_font` setting chooses the Chinese font (`use_cjk_font`): "auto" (the default) takes
the machine's own CJK font (the usual Debian/Ubuntu, macOS and Windows places, then fontconfig) and
else the one bundled in `fontdata/` (a GB 2312 subset of Noto Sans CJK SC Bold: rarer hanzi outside
GB 2312 draw as a box); "bundled" always takes the bundled one; anything else is the path of a font
file (`path#N` for face N of a .ttc collection). `$STATION_CJK_FONT` overrides the setting ("" means no
CJK font). When there is none, Chinese text cannot be drawn: `printable()` replaces it (captions fall
back to their English words in the print service) and `CJK_MISSING` says so.
"""

from __future__ import annotations

import logging
import os
import shutil
import subprocess
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from hardware.printers.textfit import plain

CJK_MISSING = (
    "No Chinese font found: Chinese text is printed in English. Set label_font in counter.toml to a "
    "font file, or to auto."
)
BUNDLED_CJK = Path(__file__).parent / "fontdata" / "NotoSansCJKsc-Bold-GB2312.ttf"

log = logging.getLogger("station.printers.fonts")

# (path, face): Noto's collections hold JP, KR, SC, TC, HK in that order; face 2 is Simplified Chinese.
_CJK_CANDIDATES = (
    ("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc", 0),
    ("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc", 0),
    ("/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc", 2),
    ("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc", 2),
    ("/usr/share/fonts/truetype/arphic/uming.ttc", 0),
    ("/usr/share/fonts/truetype/arphic/ukai.ttc", 0),
    ("/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf", 0),
    ("/System/Library/Fonts/PingFang.ttc", 0),
    ("/System/Library/Fonts/STHeiti Medium.ttc", 0),
    ("C:/Windows/Fonts/msyh.ttc", 0),
    ("C:/Windows/Fonts/simhei.ttf", 0),
)
_choice = "auto"
_LATIN_CANDIDATES = (
    "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf",
    "/usr/share/fonts/TTF/DejaVuSans-Bold.ttf",
    "/Library/Fonts/Arial Bold.ttf",
    "C:/Windows/Fonts/arialbd.ttf",
)


@dataclass(frozen=True)
class FontFile:
    path: Path
    index: int = 0  # face number inside a .ttc collection

    @property
    def is_collection(self) -> bool:
        return self.path.suffix.lower() in (".ttc", ".otc")


def use_cjk_font(choice: str) -> None:
    """Apply the counter's `label_font` setting: "auto", "bundled", or a font file (`path#N`)."""
    global _choice
    _choice = choice.strip() or "auto"
    cjk_font.cache_clear()


@cache
def cjk_font() -> FontFile | None:
    """The font Chinese text is drawn with (see the module docstring), or None."""
    choice = os.environ.get("STATION_CJK_FONT", _choice)
    if choice == "":
        return None
    if choice == "bundled":
        return _bundled()
    if choice != "auto":
        chosen = _font_file(choice)
        if chosen is not None:
            return chosen
        log.warning("label_font %r is not a font file; using the automatic choice", choice)
    return _system_cjk() or _bundled()


def _font_file(choice: str) -> FontFile | None:
    """`path`, or `path#N` for face N of a collection, when that file exists."""
    path, face = choice, 0
    head, sep, tail = choice.rpartition("#")
    if sep and tail.isdigit():
        path, face = head, int(tail)
    file = Path(path).expanduser()
    return FontFile(file, face) if file.is_file() else None


def _system_cjk() -> FontFile | None:
    for candidate, face in _CJK_CANDIDATES:
        if Path(candidate).is_file():
            return FontFile(Path(candidate), face)
    return _fontconfig(":lang=zh-cn")


def _bundled() -> FontFile | None:
    return FontFile(BUNDLED_CJK) if BUNDLED_CJK.is_file() else None


@cache
def latin_font() -> FontFile | None:
    for candidate in _LATIN_CANDIDATES:
        if Path(candidate).is_file():
            return FontFile(Path(candidate))
    return _fontconfig("sans:bold")


def label_font() -> FontFile | None:
    """The font labels are drawn with: the CJK font when there is one (it has Latin glyphs too)."""
    return cjk_font() or latin_font()


def _fontconfig(pattern: str) -> FontFile | None:
    if shutil.which("fc-match") is None:
        return None
    try:
        out = subprocess.run(
            ["fc-match", "-f", "%{file}\n%{index}", pattern],
            capture_output=True,
            text=True,
            timeout=5,
            check=False,
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return None
    lines = out.splitlines()
    if not lines or not Path(lines[0]).is_file():
        return None
    if pattern.startswith(":lang") and "dejavu" in lines[0].lower():
        return None  # fontconfig's "best" match has no Chinese glyphs
    index = int(lines[1]) if len(lines) > 1 and lines[1].isdigit() else 0
    return FontFile(Path(lines[0]), index)


def has_cjk(text: str) -> bool:
    return any(ord(ch) >= 0x2E80 for ch in text)


def printable(text: str, *, cjk: bool) -> str:
    """`text` as a font shows it on one line (`plain`); without CJK glyphs, CJK characters become '?'."""
    text = plain(text)
    if cjk:
        return text
    return "".join("?" if ord(ch) >= 0x2E80 else ch for ch in text)
