"""Every message the console can show has its Simplified Chinese translation."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from station_console.i18n import _, catalog, set_language, translate

PACKAGE = Path(__file__).resolve().parents[1] / "station_console"
SOURCES = [PACKAGE, PACKAGE.parent / "hardware", PACKAGE.parent / "db"]
MARKERS = {"_", "N_"}


def message_ids() -> dict[str, str]:
    """Every literal first argument of `_()` / `N_()` in the code, with where it was seen."""
    found: dict[str, str] = {}
    for root in SOURCES:
        for path in root.rglob("*.py"):
            tree = ast.parse(path.read_text(encoding="utf-8"))
            for node in ast.walk(tree):
                if (
                    isinstance(node, ast.Call)
                    and isinstance(node.func, ast.Name)
                    and node.func.id in MARKERS
                    and node.args
                    and isinstance(node.args[0], ast.Constant)
                    and isinstance(node.args[0].value, str)
                ):
                    found.setdefault(node.args[0].value, f"{path.relative_to(root.parent)}:{node.lineno}")
    return found


def test_the_scan_finds_messages() -> None:
    assert len(message_ids()) > 10


def test_every_message_has_a_chinese_translation() -> None:
    zh = catalog("zh")
    missing = {msgid: where for msgid, where in message_ids().items() if msgid not in zh}
    assert not missing, "messages without a zh translation:\n" + "\n".join(
        f"  {where}: {msgid!r}" for msgid, where in sorted(missing.items(), key=lambda kv: kv[1])
    )


def test_translations_keep_their_placeholders() -> None:
    zh = catalog("zh")
    bad = [
        msgid
        for msgid, text in zh.items()
        if set(re.findall(r"{(\w+)}", msgid)) != set(re.findall(r"{(\w+)}", text))
    ]
    assert not bad, f"placeholders differ in: {bad}"


def test_translation_follows_the_current_language() -> None:
    set_language("zh")
    assert _("Check-in") == "入库"
    set_language("en")
    assert _("Check-in") == "Check-in"
    assert translate("Check-in", "zh") == "入库"


def test_unknown_language_is_refused() -> None:
    with pytest.raises(ValueError):
        set_language("fr")
