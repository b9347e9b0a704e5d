"""`station scale read`: one stable reading from the counter's scale (or the one given)."""

from __future__ import annotations

import json
from typing import Any

import click

from station_console.cli_help import group, option
from station_console.commands._support import CliApp, device_text, emit_json, fail, pass_app
from station_console.errors import Refused, StationError
from station_console.i18n import N_, _


def register(cli: click.Group) -> None:
    cli.add_command(scale)


@group()
def scale() -> None:
    """The counter's scale (settings: `scale` in counter.toml)."""


@scale.command("read")
@option(
    "--config",
    "config_text",
    metavar="JSON",
    help='A scale to use instead of the configured one, e.g. \'{"kind": "serial", "port": "/dev/ttyUSB0"}\'.',
)
@option(
    "--timeout",
    "timeout_s",
    type=click.FloatRange(0.1, 60),
    default=5.0,
    show_default=True,
    help="Seconds to wait for a stable reading.",
)
@option("--json", "as_json", is_flag=True, help="Print the reading as JSON.")
@pass_app
def read(app: CliApp, config_text: str | None, timeout_s: float, as_json: bool) -> None:
    """Print one stable reading; exit 1 with the reason when there is no scale or it does not settle."""
    from hardware.scales.factory import KIND_LABELS as SCALE_KINDS
    from station_console.services.sendout.weighing import read_scale

    app.sign_in_if_asked()
    config: dict[str, Any] = app.counter_settings.scale
    if config_text:
        try:
            config = json.loads(config_text)
        except ValueError:  # under --json a refusal like any other: the one document on stdout
            fail(
                Refused(
                    N_("--config is not JSON: give the scale's settings as one JSON object."),
                    code="config_not_json",
                ),
                as_json=as_json,
            )
            return
    try:
        weight = read_scale(config, timeout_s=timeout_s)
    except StationError as exc:
        fail(exc, as_json=as_json)
        return
    if as_json:
        emit_json({"grams": weight.grams, "kg": weight.grams / 1000, "stable": True, "source": weight.device})
    else:
        click.echo(
            _(
                "{kg} kg (stable, {source})",
                kg=f"{weight.grams / 1000:.3f}",
                source=device_text(weight.device or "", SCALE_KINDS),
            )
        )
