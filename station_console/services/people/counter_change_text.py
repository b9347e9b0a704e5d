"""A change of this counter's settings (counter.toml) as a clerk reads it in the audit trail: each
setting by its title, a device's option by the label the Printers screen gives it (`Label printer ·
Target`), and its old value and new one (`30 → 50`)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from hardware.config_keys import KEY_LABELS
from station_console.counter_settings import CounterSettings
from station_console.field_labels import SEPARATOR, choice_label, field_label
from station_console.i18n import _
from station_console.safe_text import visible

VALUE_CUT = 36  # old and new each, so both fit on one detail line


def setting_name(name: str) -> str:
    """`printers.office.target` as `Printers office · Target`; a key no table knows reads as itself."""
    top, *below = name.split(".")
    head = field_label(CounterSettings, top) if top in CounterSettings.model_fields else visible(top)
    if top == "printers" and below:  # a printer's name, typed by whoever set it up
        head, below = f"{head} {visible(below[0])}", below[1:]
    return SEPARATOR.join([head, *(_(KEY_LABELS[k]) if k in KEY_LABELS else visible(k) for k in below)])


def old_to_new(name: str, change: Any, *, whole: bool = False) -> str:
    """`[old, new]` as `old → new`; a stored value of another shape as it is. `whole`: not cut."""
    if not isinstance(change, list | tuple) or len(change) != 2:
        return _value(name, change, whole)
    return f"{_value(name, change[0], whole)} → {_value(name, change[1], whole)}"


def change_lines(changed: Mapping[str, Any], *, whole: bool = False) -> list[tuple[str, str]]:
    """Each changed setting's name and its `old → new` (`whole`: values not cut)."""
    return [
        (setting_name(str(name)), old_to_new(str(name), change, whole=whole))
        for name, change in changed.items()
    ]


def _value(name: str, value: Any, whole: bool = False) -> str:
    if value is None or value == "" or value == []:
        return _("not set")
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, list):
        text = _(", ").join(str(v) for v in value)
    elif "." not in name and name in CounterSettings.model_fields:
        text = choice_label(CounterSettings, name, value)  # a choice's label (English, Chinese...)
    else:
        text = str(value)
    one_line = " ".join(visible(text).split())
    return one_line if whole or len(one_line) <= VALUE_CUT else one_line[: VALUE_CUT - 1] + "…"
