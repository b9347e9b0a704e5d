"""Every screen of the console closes only from the top of its stack (`ClosesOnlyOnTop`), and opens a
dialog only over itself (`open_over`)."""

from __future__ import annotations

import ast
import importlib
import pkgutil
from pathlib import Path

from textual.screen import Screen

from station_console import tui
from station_console.tui import app as console_app
from station_console.tui import screens
from station_console.tui.screens.base import ClosesOnlyOnTop


def test_every_screen_closes_only_from_the_top() -> None:
    """Textual's `dismiss` pops whatever is on top: a dialog answered twice, or a worker's answer
    after the clerk moved on, closed the screen under it. A new screen class gets the guard too."""
    for module in pkgutil.iter_modules(screens.__path__):
        importlib.import_module(f"{screens.__name__}.{module.name}")
    ours = [
        cls
        for cls in _subclasses(Screen)
        if cls.__module__.startswith("station_console.") and cls is not console_app.StartScreen
    ]
    assert len(ours) > 30
    assert [cls.__name__ for cls in ours if not issubclass(cls, ClosesOnlyOnTop)] == []


def _subclasses(cls: type) -> set[type]:
    found: set[type] = set()
    subs: list[type] = cls.__subclasses__()
    for sub in subs:
        found |= {sub, *_subclasses(sub)}
    return found


# Where a screen may be opened over whatever is on top: the helper itself, and the app's own (the
# sign-in that locks the console, the damaged database (`device_threads.py`), the clerk's activity,
# and the question about unsaved edits the app asks as the clerk leaves).
OPENS_OVER_ANY = {"app.py", "clerk_session.py", "device_threads.py", "screens/base.py", "screens/unsaved.py"}


def test_a_screen_opens_a_dialog_only_through_open_over() -> None:
    """Textual's `push_screen` opens over whatever is on top: a worker's answer after the clerk moved
    on opened its dialog over another mode's screen, and a second queued key a second copy."""
    root = Path(tui.__file__).parent
    found = []
    for path in sorted(root.rglob("*.py")):
        name = path.relative_to(root).as_posix()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Attribute) and node.attr == "push_screen" and name not in OPENS_OVER_ANY:
                found.append(f"{name}:{node.lineno}")
    assert found == []
