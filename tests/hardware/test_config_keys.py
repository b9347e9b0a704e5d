"""A device's settings keys as a person reads them (hardware/config_keys.py): every key a printer, scanner
or scale reads from its entry has its label, and a refusal names its key through `config_key` (`目标
[target]`), never spelled into its sentence, so the sentence and the label cannot drift apart."""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from pathlib import Path

from hardware.config_keys import KEY_LABELS

HARDWARE = Path(__file__).resolve().parents[2] / "hardware"
ENTRIES = ("config", "options")  # what a device's settings entry is called where it is read
READERS = ("usb_id", "whole", "decimal")  # hardware/config_values.py: (entry, key, ...)


def _calls() -> Iterator[tuple[ast.Module, ast.Call]]:
    for path in sorted(HARDWARE.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Call):
                yield tree, node


def _text(node: ast.expr) -> str | None:
    return node.value if isinstance(node, ast.Constant) and isinstance(node.value, str) else None


def _keys_read() -> set[str]:
    keys: set[str] = set()
    for path in sorted(HARDWARE.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            entry = None
            if isinstance(node, ast.Subscript) and isinstance(node.value, ast.Name):
                entry, key = node.value.id, _text(node.slice)
            elif (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr == "get"
                and isinstance(node.func.value, ast.Name)
                and node.args
            ):
                entry, key = node.func.value.id, _text(node.args[0])
            if entry in ENTRIES and key:
                keys.add(key)
    for _tree, call in _calls():
        name = call.func.id if isinstance(call.func, ast.Name) else ""
        if name == "config_key" and call.args:
            keys.add(_text(call.args[0]) or "")
        elif name in READERS and len(call.args) > 1:
            keys.add(_text(call.args[1]) or "")
    return keys - {""}


def test_every_key_a_device_reads_has_its_label() -> None:
    keys = _keys_read()
    assert {"target", "dpi", "kind", "port", "baud", "layout", "pattern", "settle", "vendor"} <= keys
    assert sorted(keys - set(KEY_LABELS)) == []


def _constants(tree: ast.Module) -> dict[str, str]:
    """A module's NAME = N_("...") constants."""
    found = {}
    for node in tree.body:
        if isinstance(node, ast.Assign) and isinstance(node.value, ast.Call) and node.value.args:
            text = _text(node.value.args[0])
            for target in node.targets:
                if isinstance(target, ast.Name) and text:
                    found[target.id] = text
    return found


def test_a_refusal_names_its_key_through_config_key() -> None:
    sentences = []
    for tree, call in _calls():
        if not (isinstance(call.func, ast.Name) and call.func.id == "ConfigError" and call.args):
            continue
        first = call.args[0]
        if isinstance(first, ast.Call) and first.args:
            sentences.append(_text(first.args[0]))
        elif isinstance(first, ast.Name):
            sentences.append(_constants(tree).get(first.id))
    assert len(sentences) > 25 and None not in sentences  # every sentence was found
    spelled = [s for s in sentences if s and re.match(r"[a-z_]+( = |: )", s)]
    assert spelled == []
