"""counter.toml is written by one service, which checks the role first (`services/admin/counter.py`):
no other module of the console, its commands, devices, database layer or scripts calls, imports or
names the file's writer, so no screen or command can change this counter's printers and scanner
without a manager."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).parents[1]
WRITER = "save_counter_settings"
# Where the writer is defined, and the one service that calls it.
ALLOWED = {"station_console/counter_settings.py", "station_console/services/admin/counter.py"}


def names_the_writer(node: ast.AST) -> bool:
    if isinstance(node, ast.Name):
        return node.id == WRITER
    if isinstance(node, ast.Attribute):
        return node.attr == WRITER
    if isinstance(node, ast.alias):
        return node.name == WRITER
    if isinstance(node, ast.Constant):  # getattr(module, "save_counter_settings")
        return node.value == WRITER
    return False


def test_only_the_counter_service_writes_counter_toml() -> None:
    files = [
        p for top in ("station_console", "hardware", "db", "scripts") for p in (ROOT / top).rglob("*.py")
    ]
    assert len(files) > 200
    found = []
    for path in sorted(files):
        name = path.relative_to(ROOT).as_posix()
        if name in ALLOWED:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if names_the_writer(node):
                found.append(f"{name}:{getattr(node, 'lineno', '?')}")
    assert found == []
