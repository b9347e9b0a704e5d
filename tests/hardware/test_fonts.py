"""Which Chinese font labels and PDFs use: the machine's own, else the bundled subset, or the setting's."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from fontTools.ttLib import TTFont
from PIL import Image, ImageDraw, ImageFont

from hardware.printers import fonts

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def choosing(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The real choice, not the tests' pinned one; restored afterwards."""
    monkeypatch.delenv("STATION_CJK_FONT", raising=False)
    fonts.use_cjk_font("auto")
    yield
    fonts.use_cjk_font("auto")


@pytest.fixture
def system_font(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A machine whose only CJK font is at one of the usual places."""
    path = tmp_path / "wqy-microhei.ttc"
    shutil.copyfile(fonts.BUNDLED_CJK, path)
    monkeypatch.setattr(fonts, "_CJK_CANDIDATES", ((str(path), 0),))
    return path


@pytest.fixture
def bare_machine(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(fonts, "_CJK_CANDIDATES", ())
    monkeypatch.setattr(fonts, "_fontconfig", lambda pattern: None)


def test_auto_prefers_the_machines_own_font(choosing: None, system_font: Path) -> None:
    assert fonts.cjk_font() == fonts.FontFile(system_font, 0)


def test_auto_falls_back_to_the_bundled_font_on_a_bare_machine(choosing: None, bare_machine: None) -> None:
    assert fonts.cjk_font() == fonts.FontFile(fonts.BUNDLED_CJK, 0)


def test_the_setting_chooses_bundled_or_a_file_and_a_face(
    choosing: None, system_font: Path, tmp_path: Path
) -> None:
    fonts.use_cjk_font("bundled")
    assert fonts.cjk_font() == fonts.FontFile(fonts.BUNDLED_CJK, 0)
    fonts.use_cjk_font(f"{system_font}#2")
    assert fonts.cjk_font() == fonts.FontFile(system_font, 2)
    other = tmp_path / "shop#1 font.ttf"  # a '#' in the name is not a face number
    shutil.copyfile(fonts.BUNDLED_CJK, other)
    fonts.use_cjk_font(str(other))
    assert fonts.cjk_font() == fonts.FontFile(other, 0)


def test_a_missing_font_file_falls_back_and_says_so(
    choosing: None, bare_machine: None, caplog: pytest.LogCaptureFixture
) -> None:
    fonts.use_cjk_font("/nowhere/simhei.ttf")
    assert fonts.cjk_font() == fonts.FontFile(fonts.BUNDLED_CJK, 0)
    assert "/nowhere/simhei.ttf" in caplog.text


def test_the_environment_overrides_the_setting(choosing: None, monkeypatch: pytest.MonkeyPatch) -> None:
    fonts.use_cjk_font("bundled")
    monkeypatch.setenv("STATION_CJK_FONT", "")
    fonts.cjk_font.cache_clear()
    assert fonts.cjk_font() is None


def test_the_counter_setting_reaches_the_font_choice(
    choosing: None, system_font: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from station_console.commands._support import CliApp

    config = tmp_path / "counter.toml"
    config.write_text('label_font = "bundled"\n', encoding="utf-8")
    monkeypatch.setenv("STATION_CONFIG", str(config))
    CliApp(lang="en").counter_settings  # noqa: B018  loaded (a command loads them at once)
    assert fonts.cjk_font() == fonts.FontFile(fonts.BUNDLED_CJK, 0)


def test_the_bundled_font_has_every_chinese_character_of_the_catalogs() -> None:
    """When this fails, run scripts/subset_cjk_font.py again (its docstring says how)."""
    cmap = TTFont(fonts.BUNDLED_CJK, lazy=True).getBestCmap()
    sources = [
        *(ROOT / "station_console" / "locale").rglob("*.toml"),
        ROOT / "station_console/data/carriers.json",
    ]
    text = "".join(path.read_text(encoding="utf-8") for path in sources)
    missing = sorted({ch for ch in text if fonts.has_cjk(ch) and ord(ch) not in cmap})
    assert missing == []
    assert all(ord(ch) in cmap for ch in "取件码顺丰圆通申通韵达邮政张王李赵刘陈杨黄")


def test_the_bundled_font_draws_ink_and_a_box_for_what_it_lacks() -> None:
    face = ImageFont.truetype(str(fonts.BUNDLED_CJK), 48)

    def ink(text: str) -> int:
        img = Image.new("L", (200, 64), 255)
        ImageDraw.Draw(img).text((0, 0), text, font=face, fill=0)
        return img.histogram()[0]

    assert ink("取") > 200  # a real glyph
    assert ink("喆") > 50  # outside GB 2312: a box, never silently nothing
