"""Finding fonts for rendered labels (PNG, PDF, bitmaps for printers without a CJK font).

A CJK font is looked for in the usual Debian/Ubuntu, macOS and Windows places, then via fontconfig.
When none exists, Chinese text cannot be drawn: `printable()` replaces it (captions fall back to their
English words in the print service) and `CJK_MISSING` says what to install.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from dataclasses import dataclass
from functools import cache
from pathlib import Path

CJK_MISSING = "No Chinese font found: Chinese text is printed in English. Install fonts-wqy-microhei."

_CJK_CANDIDATES = (
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc",
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/truetype/arphic/uming.ttc",
    "/usr/share/fonts/truetype/arphic/ukai.ttc",
    "/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf",
    "/System/Library/Fonts/PingFang.ttc",
    "/System/Library/Fonts/STHeiti Medium.ttc",
    "C:/Windows/Fonts/msyh.ttc",
    "C:/Windows/Fonts/simhei.ttf",
)
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


@cache
def cjk_font() -> FontFile | None:
    """A font with Simplified Chinese glyphs, or None. `$STATION_CJK_FONT` wins ("" disables)."""
    override = os.environ.get("STATION_CJK_FONT")
    if override is not None:
        return FontFile(Path(override)) if override and Path(override).is_file() else None
    for candidate in _CJK_CANDIDATES:
        if Path(candidate).is_file():
            return FontFile(Path(candidate))
    return _fontconfig(":lang=zh-cn")


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
    """`text` as a font without CJK glyphs can show it: CJK characters become '?'."""
    if cjk:
        return text
    return "".join("?" if ord(ch) >= 0x2E80 else ch for ch in text)
