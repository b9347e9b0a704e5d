"""This console PC's settings (`CounterSettings`) and their file, `counter.toml` in the user config folder.

Apart from the station's settings (`settings.py`, which re-exports these): they live in a file on this
PC, not in the database, and are read, checked and refused on their own.
"""

from __future__ import annotations

import difflib
import os
import tomllib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import tomli_w
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from station_console import settings_checks
from station_console.counter_config import config_path
from station_console.errors import Refused
from station_console.field_labels import choices, choices_text
from station_console.i18n import N_, Later, get_language, translate
from station_console.parse_errors import toml_at
from station_console.private_files import private_dir
from station_console.safe_text import clean
from station_console.validation_reasons import InvalidValue, Reasons, not_too_long

COUNTER_MAX = 32  # characters of a counter's name: the counter columns' width


class CounterSettings(BaseModel):
    """This console PC. Stored in `counter.toml` in the user config folder."""

    model_config = ConfigDict(extra="ignore", validate_assignment=True)

    @field_validator("*", mode="before")
    @classmethod
    def _not_too_long(cls, value: Any) -> Any:
        """Not cleaned like the station's text: a scanner's prefix may be a space."""
        return not_too_long(value)

    _numbers = field_validator("*", mode="before")(settings_checks.number_typed)

    counter: str = Field(
        "counter-1",
        title=N_("Counter name"),
        description=N_("This counter's name, recorded on every event."),
        # As long as the station opens under (`services/admin/setup.validate_counter`): a longer one
        # saved in Settings left the console and every command on this PC refusing to start.
        max_length=COUNTER_MAX,
    )
    language: Literal["en", "zh"] | None = Field(
        None,
        title=N_("Language"),
        description=N_("Console language; not set: the computer's own."),
        json_schema_extra=choices(en=N_("English"), zh=N_("Chinese")),
    )
    printer: dict[str, Any] = Field(
        default_factory=dict,
        title=N_("Label printer"),
        description=N_("Default label printer: language, transport, target, size, dpi."),
    )
    printers: dict[str, dict[str, Any]] = Field(
        default_factory=dict,
        title=N_("Printers"),
        description=N_("Named printers configured on this counter."),
    )
    label_font: str = Field(
        "auto",
        title=N_("Label font"),
        description=N_(
            "Chinese font for labels and PDFs: auto (this PC's own, else the bundled one), bundled, "
            "or the path of a font file."
        ),
    )
    scanner: dict[str, Any] = Field(
        default_factory=dict,
        title=N_("Scanner"),
        description=N_("Scanner: kind (wedge, hid, serial, dummy) and its options."),
    )
    busy_wait_s: float = Field(
        5.0,
        ge=0,
        le=60,
        title=N_("Busy database wait (s)"),
        description=N_("Seconds a change waits for a database another program holds before it is refused."),
    )
    scale: dict[str, Any] = Field(
        default_factory=dict,
        title=N_("Scale"),
        description=N_("Scale: kind (hidpos, serial, dummy) and its options; empty: weights are typed."),
    )
    ewaybill: dict[str, Any] = Field(
        default_factory=dict,
        title=N_("E-waybill provider"),
        description=N_("E-waybill provider: kind (file, fake) and its options."),
    )
    waybill_printer: str = Field(
        "",
        title=N_("Waybill printer"),
        description=N_("Named printer for 76x130 or 100x150 waybill labels; empty: pre-printed waybills."),
    )
    # Bounds: a negative or zero time, or a minute-long gap, makes every key a person's or a scanner's.
    wedge_max_key_gap_ms: int = Field(
        30,
        ge=1,
        le=1000,
        title=N_("Largest key gap (ms)"),
        description=N_("Keys closer than this are a scanner, not a person typing."),
    )
    wedge_min_length: int = Field(
        6,
        ge=1,
        le=100,
        title=N_("Shortest code"),
        description=N_("Shortest code (prefix and suffix removed) a wedge burst must carry to be a scan."),
    )
    wedge_prefix: str = Field(
        "",
        max_length=16,
        title=N_("Prefix"),
        description=N_(
            "Characters the wedge scanner sends before each code; required and stripped. With one, scan "
            "intake is exact: program the scanner with its manual's 'add prefix' code (e.g. ~), check "
            "with Scan test (F9) or `station scan-test`, then enter the same characters here."
        ),
    )
    wedge_suffix: str = Field(
        "",
        max_length=16,
        title=N_("Suffix"),
        description=N_("Characters the wedge scanner sends after each code (before the terminator)."),
    )
    wedge_terminator: Literal["enter", "tab", "none"] = Field(
        "enter",
        title=N_("Terminator"),
        description=N_("Key that ends a wedge scan; none: the scan ends after the idle timeout."),
        json_schema_extra=choices(enter=N_("Enter"), tab=N_("Tab"), none=N_("None")),
    )
    wedge_idle_timeout_ms: int = Field(
        80,
        ge=1,
        le=10_000,
        title=N_("Idle timeout (ms)"),
        description=N_(
            "Silence that ends a scan with no terminator; a pause shorter than this mid-scan "
            "does not split it."
        ),
    )
    wedge_rejoin_ms: int = Field(
        400,
        ge=0,
        le=10_000,
        title=N_("Split scan wait (ms)"),
        description=N_(
            "A scan that stops mid-code (a busy PC or USB hub: 10-300 ms) waits this long for its "
            "rest; if none comes it is refused as a partial scan, never typed into a field."
        ),
    )


@dataclass(frozen=True)
class UnknownKeys(Later):
    """Keys a counter.toml holds that no counter setting has, each with the keys it may have meant."""

    keys: tuple[str, ...]

    def message(self, lang: str | None = None) -> str:
        lang = lang or get_language()
        known = list(CounterSettings.model_fields)
        return translate(N_("; "), lang).join(self._one(key, known, lang) for key in self.keys)

    @staticmethod
    def _one(key: str, known: list[str], lang: str) -> str:
        shown = clean(key, 40)  # typed into the file: data
        meant = difflib.get_close_matches(key, known, n=3, cutoff=0.6)
        if not meant:
            return translate(N_("{key}: no counter setting has this key"), lang, key=shown)
        # Every setting is a key at the top of the file: the key meant is shown as it is written there
        # ("counter = ..."), so a clerk can mend the line at once; a bare "counter" read as a section.
        return translate(
            N_("{key}: no counter setting has this key; did you mean {keys} at the top of the file?"),
            lang,
            key=shown,
            keys=choices_text([f"{name} = ..." for name in meant], None, lang),
        )


def load_counter_settings(path: Path | None = None) -> CounterSettings:
    """This counter's settings (the defaults when it has no file). A file that is not TOML, holds a
    value the counter cannot use or a key no setting has (a misspelt one would leave its setting at the
    default unseen) is refused with where and what, so whoever edited it can mend it."""
    path = path or config_path()
    data: dict[str, Any] = {}
    problem: Later
    try:
        if path.exists():
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        unknown = [key for key in data if key not in CounterSettings.model_fields]
        if not unknown:
            return CounterSettings.model_validate(data)
        # A misspelt key was ignored, its default used: `counter_name` ran a console as counter-1.
        problem = UnknownKeys(tuple(unknown[:5]))
    except tomllib.TOMLDecodeError as exc:
        at = toml_at(exc)
        problem = (
            InvalidValue(N_("not valid TOML (line {line}, column {column})"), line=at[0], column=at[1])
            if at
            else InvalidValue(N_("not valid TOML"))
        )
    except UnicodeDecodeError:
        problem = InvalidValue(N_("not UTF-8 text"))
    except ValidationError as exc:
        # The first few, each by its label and its key in the file: enough to start mending.
        problem = Reasons.of(exc.errors()[:5], CounterSettings, keyed=True)
    raise Refused(
        N_("{file} cannot be used ({problem}). Correct it, or move it away to start from the defaults."),
        code="bad_counter_settings",
        file=str(path),
        problem=problem,
    )


def save_counter_settings(
    settings: CounterSettings, path: Path | None = None, *, before_rename: Callable[[], None] | None = None
) -> None:
    """Write the file whole: a temporary file beside it, flushed to disk, then renamed over it, so a
    crash or a full disk leaves the old file or the new one, never half of one. `before_rename` runs
    once the new text is safely on disk and before it replaces the old (the audit event's commit): if
    it raises, the file stays as it was. Called by `services/admin/counter.py` alone, which checks the
    role first."""
    path = path or config_path()
    private_dir(path.parent)  # the folder secrets.toml shares
    tmp = path.with_suffix(".tmp")
    try:
        with open(tmp, "w", encoding="utf-8") as out:
            out.write(tomli_w.dumps(settings.model_dump(exclude_none=True)))
            out.flush()
            os.fsync(out.fileno())
        if before_rename is not None:
            before_rename()
        tmp.replace(path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
