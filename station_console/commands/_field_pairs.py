"""FIELD=VALUE pairs typed on the command line (`recipients add --set`, `recipients import --column`)."""

from __future__ import annotations

import click

from station_console.i18n import _


def field_pairs(values: tuple[str, ...], option: str) -> dict[str, str]:
    """Each `FIELD=VALUE` as field -> value, both stripped; one without `=` or a field is a usage error
    on `option`."""
    out = {}
    for value in values:
        field, sep, text = value.partition("=")
        if not sep or not field.strip():
            raise click.BadParameter(_("Use FIELD=VALUE, e.g. room=502"), param_hint=option)
        out[field.strip()] = text.strip()
    return out
