"""What every command shares: the opened station, JSON output, clean refusals."""

from __future__ import annotations

import json
import sys
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date
from functools import update_wrapper
from typing import TYPE_CHECKING, Any, Concatenate, NoReturn, ParamSpec, TypeVar

import click

from station_console.counter_config import configured_language
from station_console.errors import Refused, StationError
from station_console.i18n import N_, _, label_of, language_from_locale, set_language

if TYPE_CHECKING:
    from station_console.services.core.later_steps import StepFailed
    from station_console.services.core.station import Station
    from station_console.settings import CounterSettings

P = ParamSpec("P")
R = TypeVar("R")


@dataclass
class CliApp:
    """Global options, and the station opened on first use (migrated to head)."""

    db_url: str | None = None
    lang: str | None = None
    counter: str | None = None
    clerk_name: str | None = None
    pin: str | None = field(default=None, repr=False)
    _station: Station | None = field(default=None, repr=False)
    _counter_settings: CounterSettings | None = field(default=None, repr=False)

    def __post_init__(self) -> None:
        # The language now, from the file as it is: the console's sign-in dialog is drawn before the
        # counter settings are loaded (start-up time: pydantic), in a worker with the station.
        set_language(cli_language(self.lang))

    @property
    def counter_settings(self) -> CounterSettings:
        """Loaded on first use (a command loads them at once; the console beside the station)."""
        if self._counter_settings is None:
            # Imported here: start-up time (pydantic; the console's dialog is drawn without them).
            from hardware.printers.fonts import use_cjk_font
            from station_console.settings import load_counter_settings

            self._counter_settings = load_counter_settings()
            use_cjk_font(self._counter_settings.label_font)
        return self._counter_settings

    def ask_pin(self) -> None:
        """`--clerk` without a PIN: ask for it now (on the terminal), not when the station opens."""
        if self.clerk_name and self.pin is None:
            self.pin = _ask_pin(self.clerk_name)

    def sign_in_if_asked(self) -> None:
        """For a command that needs no station (a device read, the bench on its own data): a clerk
        given is signed in all the same, before the command does anything, as every command signs in.
        A script that passes --clerk/--pin (or $STATION_CLERK) to every command learns of a wrong PIN,
        which is refused and counted towards the lock-out, never passed over in silence."""
        # A database that is not there is refused, not created and seeded only to refuse the clerk.
        if self.clerk_name and self._station is None:
            self._open(create=False)

    @property
    def station(self) -> Station:
        return self._open(create=True)

    def _open(self, *, create: bool) -> Station:
        if self._station is None:
            # Imported here: start-up time (the console opens the station in a thread, after its first
            # draw, and this is SQLAlchemy, the models and the migrations check).
            from station_console.services.admin.setup import open_station

            self.ask_pin()
            self._station = open_station(
                self.db_url,
                counter=self.counter or self.counter_settings.counter,
                clerk_name=self.clerk_name,
                pin=self.pin,
                create=create,
            )
            self._station.busy_wait_s = self.counter_settings.busy_wait_s
            self._station.on_busy = _say_busy
        return self._station

    def close(self) -> None:
        if self._station is not None:
            self._station.engine.dispose()
            self._station = None


_pass_app = click.make_pass_decorator(CliApp)


def pass_app(command: Callable[Concatenate[CliApp, P], R]) -> Callable[P, R]:
    """Hand the command the CliApp, and say a refusal it lets through as a refusal of a `--json`
    command must be said: the one JSON document on stdout too (`fail`). Its sign-in is such a
    refusal (the station opens at the command's first use of it), as is a role or a row not found
    outside the command's own handling; said on stderr only, a script reading stdout had nothing.
    Once the command has written its document, a refusal is said on stderr alone: one document."""
    passed = _pass_app(command)

    def run(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return passed(*args, **kwargs)
        except StationError as exc:
            if json_asked(kwargs):
                # A command that wrote its document and then let a refusal through: said on stderr
                # only (exit 1), never a second document that a script's parser would choke on.
                fail(exc, as_json=not _json_written())
            raise  # without --json: `main` says it on stderr, as every other refusal

    return update_wrapper(run, command)


def cli_language(given: str | None) -> str:
    """The language of `station`: `--lang` (or $STATION_LANG), else the counter's setting as its
    file says, else the locale's."""
    return given or configured_language() or language_from_locale()


def _say_busy() -> None:
    click.echo(f"station: {_('The database is busy (another program holds it); retrying...')}", err=True)


def _ask_pin(name: str) -> str:
    """`--clerk` without `--pin` or $STATION_PIN: ask on a terminal, refuse otherwise."""
    if not sys.stdin.isatty():
        raise Refused(N_("--clerk needs the PIN: give --pin or set STATION_PIN."), code="pin_required")
    return str(click.prompt(_("PIN for {name}", name=name), hide_input=True, err=True))


def repeat(app: CliApp, one_pass: Callable[[], None], *, once: bool, interval: float, as_json: bool) -> None:
    """Run `one_pass` now, then every `interval` seconds until Ctrl+C (just once with `once`).

    The settings are read again between passes: a manager may have changed them meanwhile. A refusal
    (the database is gone) ends the command with its reason.
    """
    while True:
        try:
            one_pass()
        except StationError as exc:
            fail(exc, as_json=as_json)
        if once:
            return
        try:
            time.sleep(interval)
        except KeyboardInterrupt:
            return
        app.station.forget_settings()


def device_text(source: str, kinds: Mapping[str, str]) -> str:
    """A device as a scanner or a scale names the source of what it read (its kind, or `kind:where`:
    `serial:/dev/ttyUSB0`), its kind by its label ("serial port /dev/ttyUSB0"); JSON keeps the name."""
    kind, _colon, where = source.partition(":")
    return f"{label_of(kinds, kind)} {where}".rstrip() if kind in kinds else source


def json_value(value: Any) -> Any:
    """What JSON has no type for, as `emit_json` writes it: a time in ISO 8601 with its "T" and its
    offset kept ("2026-12-06T02:55:16.123456+00:00"), a day as YYYY-MM-DD, anything else as its text.
    `str` gave a time a space in place of the "T", which a script's ISO parser may refuse."""
    if isinstance(value, date):  # a datetime is a date too
        return value.isoformat()
    return str(value)


_JSON_WRITTEN = "station.json_written"


def json_asked(values: Mapping[str, Any]) -> bool:
    """Whether a command's option values ask it to answer in JSON: its --json, or a report's
    `--format json`."""
    return values.get("as_json") is True or values.get("fmt") == "json"


def emit_json(obj: Any) -> None:
    """One JSON document on stdout (times and dates in ISO 8601, Chinese unescaped)."""
    click.echo(json.dumps(obj, ensure_ascii=False, default=json_value))
    ctx = click.get_current_context(silent=True)
    if ctx is not None:
        ctx.meta[_JSON_WRITTEN] = True  # shared by the whole command line's contexts


def _json_written() -> bool:
    """Whether this command line has written a JSON document already."""
    ctx = click.get_current_context(silent=True)
    return ctx is not None and bool(ctx.meta.get(_JSON_WRITTEN))


# Exit statuses: 1 a refusal (nothing was done); 3 the command's change is made but a later step of
# it failed (its PDF not written), so a script does not take a closed batch for one still to close;
# 4 the command did its work but not all of it went through: some waits for a retry (a receiver down)
# or was given up on, so a cron job tells "all sent" from "down for hours".
PARTLY_DONE = 3
NOT_ALL_SENT = 4


def failed_step(failed: StepFailed) -> dict[str, str]:
    """A later step that failed, for a command's JSON beside what it did: why, and the command that
    does that step again."""
    return failed.to_json()


def say_done_but(done: str, failed: StepFailed) -> None:
    """What was done (committed), then what was not done and why and the command that does it again
    (`StepFailed.lines`, as the console says them), on stderr: `done_but`'s lines, for a command that
    goes on (the folder watch's next file and pass)."""
    for line in (done, *failed.lines()):
        click.echo(f"station: {line}", err=True)


def done_but(done: str, failed: StepFailed) -> NoReturn:
    """The command's change is made (committed) and a later step failed: `say_done_but`, then exit
    PARTLY_DONE, not a refusal's 1."""
    say_done_but(done, failed)
    sys.exit(PARTLY_DONE)


def fail(exc: StationError, *, as_json: bool = False) -> None:
    """Refuse: the reason on stderr (and as JSON on stdout if asked), exit 1."""
    if as_json:
        emit_json({"error": exc.code, "message": exc.message(), **exc.data})
    click.echo(f"station: {exc.message()}", err=True)
    sys.exit(1)
