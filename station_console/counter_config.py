"""Where this counter's settings file is, and the one value the console needs before loading it.

Apart from `settings.py` (pydantic, a tenth of a second to import): the console draws its sign-in
dialog in the counter's language before the counter settings are loaded and checked, which happens in
a worker with the station.
"""

from __future__ import annotations

import os
import tomllib
from pathlib import Path

from platformdirs import user_config_dir

from station_console.i18n import LANGUAGES

APP_NAME = "station-console"


def config_path() -> Path:
    override = os.environ.get("STATION_CONFIG")
    if override:
        return Path(override)

    return Path(user_config_dir(APP_NAME, appauthor=False)) / "counter.toml"


def configured_language(path: Path | None = None) -> str | None:
    """The counter's `language` as its file says, if it is one the console speaks (else None: the
    locale's). The whole file is checked when the settings load; this is only the dialog's language."""
    try:
        data = tomllib.loads((path or config_path()).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    language = data.get("language")
    return language if language in LANGUAGES else None
