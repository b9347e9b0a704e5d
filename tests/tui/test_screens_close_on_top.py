"""Every screen of the console closes only from the top of its stack (`ClosesOnlyOnTop`)."""

from __future__ import annotations

import importlib
import pkgutil

from textual.screen import Screen

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
    found = set()
    for sub in cls.__subclasses__():
        found |= {sub, *_subclasses(sub)}
    return found
