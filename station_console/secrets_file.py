"""This counter's secrets (SMTP password, webhook secret, the audit key): `secrets.toml` beside
counter.toml, readable by its owner alone."""

from __future__ import annotations

import stat
import tomllib
from pathlib import Path
from typing import Any

import tomli_w

from station_console.counter_config import config_path
from station_console.errors import Refused
from station_console.i18n import N_
from station_console.private_files import write_atomic


def secrets_path() -> Path:
    """This counter's secrets (SMTP password, webhook secret, the audit key), beside counter.toml."""
    return config_path().with_name("secrets.toml")


def load_secrets(path: Path | None = None) -> dict[str, Any]:
    """The secrets file's values ({} when there is none). A file others may read is refused: its
    secrets are no longer this counter's alone (chmod 600 it, and change what it holds)."""
    path = path or secrets_path()
    try:
        mode = stat.S_IMODE(path.stat().st_mode)
    except FileNotFoundError:
        return {}
    if mode & 0o077:
        raise Refused(
            N_(
                "{file} can be read by other users (mode {mode}); run: chmod 600 {file}, and change the secrets it holds."
            ),
            code="secrets_exposed",
            file=str(path),
            mode=f"{mode:o}",
        )
    return tomllib.loads(path.read_text(encoding="utf-8"))


def save_secret(name: str, value: str, path: Path | None = None) -> None:
    """Add or change one secret; the file is written whole, 0600, in a 0700 folder."""
    path = path or secrets_path()
    values = load_secrets(path)
    values[name] = value
    write_atomic(path, tomli_w.dumps(values))
