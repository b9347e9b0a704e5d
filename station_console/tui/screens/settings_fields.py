"""One settings field as a form widget, and back: the editor a field's type asks for, what it holds.

A field's form value is what its widget holds (a tick box's bool, a Select's option or None, an Input's
text), so Settings can keep what was typed in a section while another is shown, and turn it into the
model's value only when saving. Lists and mappings (fee rules, event targets) are edited as JSON.
"""

from __future__ import annotations

import json
import typing
from typing import Any

from pydantic import BaseModel, Json, TypeAdapter, ValidationError
from textual.widgets import Input, Select

from station_console.field_labels import choice_label, field_label
from station_console.i18n import _
from station_console.tui.widgets.fixed_input import FixedInput
from station_console.tui.widgets.paged_select import PagedSelect
from station_console.tui.widgets.tick import Tick
from station_console.validation_reasons import validation_reason

STATION, COUNTER = "st", "ct"  # widget id prefixes: #st-station_name, #ct-counter

FieldWidget = Input | Select[Any] | Tick
_JSON: TypeAdapter[Any] = TypeAdapter(Json[Any])  # JSON read by Pydantic: its refusal has a reason


class BadField(ValueError):
    """A form value that cannot become its field's value; says where (`loc`, a path of field names
    and item keys, as Pydantic gives it) and why. `name` is the top field: the one with the editor."""

    def __init__(self, loc: tuple[str | int, ...], reason: str) -> None:
        super().__init__(reason)
        self.loc, self.reason = loc, reason
        self.name = str(loc[0]) if loc else ""


def _annotation(model: type[BaseModel], name: str) -> Any:
    return model.model_fields[name].annotation


def _literal_options(annotation: Any) -> tuple[Any, ...] | None:
    """The choices of a `Literal[...]` field (also `Literal[...] | None`); None for any other type."""
    if typing.get_origin(annotation) is typing.Literal:
        return typing.get_args(annotation)
    for arg in typing.get_args(annotation):
        if typing.get_origin(arg) is typing.Literal:
            return typing.get_args(arg)
    return None


def _is_json(annotation: Any) -> bool:
    return typing.get_origin(annotation) in (dict, list)


def is_table(model: type[BaseModel], name: str) -> bool:
    """Field `name` is a table (its rows typed as JSON): a save replaces every row."""
    return _is_json(_annotation(model, name))


def form_value(model: type[BaseModel], name: str, value: Any) -> Any:
    """The form value that shows `value` (the field's value as `model_dump(mode="json")` gives it)."""
    annotation = _annotation(model, name)
    if annotation is bool:
        return bool(value)
    if _literal_options(annotation) is not None:
        return value
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False)
    return "" if value is None else str(value)


def field_widget(model: type[BaseModel], name: str, shown: Any, widget_id: str) -> FieldWidget:
    """The editor for field `name`, holding the form value `shown`."""
    annotation = _annotation(model, name)
    if annotation is bool:
        return Tick(value=bool(shown), id=widget_id, classes="value", field=field_label(model, name))
    options = _literal_options(annotation)
    if options is not None:
        return PagedSelect(
            [(choice_label(model, name, o), o) for o in options],
            value=shown if shown in options else Select.NULL,
            allow_blank=type(None) in typing.get_args(annotation),
            prompt=_("(not set)"),  # the blank is None: the field's default behaviour
            id=widget_id,
            classes="value",
        )
    return FixedInput(value=shown, id=widget_id, classes="value")


def held_value(widget: FieldWidget, shown: Any) -> Any:
    """What `widget` holds once it shows the form value `shown` (a Select's blank is not None)."""
    return Select.NULL if isinstance(widget, Select) and shown is None else shown


def widget_value(widget: FieldWidget) -> Any:
    """What a field's editor holds now, as a form value."""
    if isinstance(widget, Select):
        return None if widget.value is Select.NULL else widget.value
    return widget.value


def parsed(model: type[BaseModel], name: str, shown: Any) -> Any:
    """The value a form value stands for, for the model to validate; `BadField` if it cannot be one."""
    if not isinstance(shown, str):
        return shown
    text = shown.strip()
    annotation = _annotation(model, name)
    if not _is_json(annotation):
        return text
    if not text:  # an emptied table: no rows (the descriptions say "Empty: no fees")
        return [] if typing.get_origin(annotation) is list else {}
    try:
        return _JSON.validate_python(text)
    except ValidationError as exc:
        raise BadField((name,), validation_reason(exc.errors()[0])) from None
