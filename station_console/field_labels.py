"""A settings field as a person reads it: its title in the reader's language, not its Python name.

Each field of the settings models carries its title where it is defined, `Field(title=N_("Station
name"))`, a message id translated when shown; `field_label` gives it, and the name itself for a field
without one (or no field of that name). `where_label` names a place inside a value, as a Pydantic
error's `loc` gives it: `storage_fee_rules.0.free_days` reads "Storage fee rule 1 · Free days" (each
field by its title, a list's item by its number from 1, a mapping's key as typed). The Python names
stay the keys of counter.toml, the database and the CLI; the Settings screen shows them beneath.

Plain Python without pydantic (a model is anything with `model_fields`), so every layer may import it.
"""

from __future__ import annotations

import types
import typing
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from station_console.i18n import N_, Later, get_language, keyed_label, translate
from station_console.safe_text import clean

FIELD_MAX = 80  # a place can hold typed mapping keys: cut like other typed text
KEY_MAX = 40  # one typed mapping key
SEPARATOR = " · "


def _field(model: Any, name: object) -> Any:
    fields = getattr(model, "model_fields", None)
    return fields.get(name) if isinstance(fields, Mapping) and isinstance(name, str) else None


def field_label(model: Any, name: str, lang: str | None = None) -> str:
    """Field `name` of `model` as its title says, in `lang` (default: the console's language)."""
    title = getattr(_field(model, name), "title", None)
    return translate(title, lang or get_language()) if title else name


def _contents(annotation: Any) -> tuple[str | None, Any]:
    """What a field holds, for the next step of a path: ("list", item), ("dict", value) or (None, the
    annotation itself), the `X | None` of an optional field taken as X."""
    if typing.get_origin(annotation) in (typing.Union, types.UnionType):
        inner = [arg for arg in typing.get_args(annotation) if arg is not type(None)]
        annotation = inner[0] if len(inner) == 1 else None
    origin, args = typing.get_origin(annotation), typing.get_args(annotation)
    if origin in (list, tuple, set, frozenset) and args:
        return "list", args[0]
    if origin is dict and len(args) == 2:
        return "dict", args[1]
    return None, annotation


def where_label(
    loc: Sequence[str | int], model: Any = None, lang: str | None = None, *, keyed: bool = False
) -> str:
    """The place `loc` (a Pydantic error's) as a person reads it, in `lang`; with `keyed`, its keys
    follow ("Printer · Device (printer.device)", `keyed_label`), for whoever edits a file or a command
    by its keys. A list's item is named by its number from 1, as a manager counts rules ("Storage fee
    rule 2"), never by Python's index from 0: the keys leave the index out (`storage_fee_rules.free_days`,
    as a `[[storage_fee_rules]]` table writes them), the label says which item. "?" for no place."""
    lang = lang or get_language()
    path = clean(".".join(str(part) for part in loc if not isinstance(part, int)), FIELD_MAX)
    parts: list[str] = []
    current, container = model, None  # `current`: the model the next part is a field of
    item: str | None = None  # the item label ("Storage fee rule {n}") of the list just named
    for part in loc:
        if isinstance(part, int) and parts and container != "dict":  # a list's item: counted from 1
            parts[-1] = translate(item, lang, n=part + 1) if item else f"{parts[-1]} {part + 1}"
            container, item = None, None
            continue
        if container is not None and parts:  # a mapping's key, as typed
            parts[-1] = f"{parts[-1]} {clean(str(part), KEY_MAX)}"
            container = None
            continue
        field = _field(current, part)
        if field is None:
            parts.append(clean(str(part), KEY_MAX))
            current, container = None, None
            continue
        parts.append(field_label(current, str(part), lang))
        extra = getattr(field, "json_schema_extra", None)
        item = extra.get("item") if isinstance(extra, Mapping) else None
        container, current = _contents(field.annotation)
    label = clean(SEPARATOR.join(parts), FIELD_MAX)
    if not label:
        return "?"
    if keyed and model is not None and label != path:
        return keyed_label(label, path, lang)
    return label


def choices(**labels: str) -> dict[str, Any]:
    """A choice field's values as a person reads them (message ids), for `Field(json_schema_extra=...)`:
    `choices(least_filled=N_("Spread evenly"))`. The values stay the keys of counter.toml and the CLI."""
    return {"choices": labels}


def choice_label(model: Any, name: str, value: object, lang: str | None = None) -> str:
    """Value `value` of field `name` as its choice label says, in `lang`; the value itself otherwise
    (sizes S to XL, say, read the same in every language)."""
    labels = choice_labels(model, name)
    label = labels.get(str(value)) if labels is not None else None
    return translate(label, lang or get_language()) if isinstance(label, str) else str(value)


def field_at(loc: Sequence[str | int], model: Any) -> tuple[Any, str] | None:
    """The model and the field name a Pydantic error's `loc` ends at (`storage_fee_rules.0.size`: the
    fee rule model and `size`); None when it ends elsewhere (an item, a key) or the model is unknown."""
    current, container, found = model, None, None
    for part in loc:
        if container is not None:  # an item of the list or mapping just named
            container, found = None, None
            continue
        field = _field(current, part)
        if field is None:
            return None
        found = (current, str(part))
        container, current = _contents(field.annotation)
    return found


def choice_labels(model: Any, name: str) -> Mapping[str, str] | None:
    """The choice labels (message ids) of field `name` of `model`, if it has them."""
    extra = getattr(_field(model, name), "json_schema_extra", None)
    labels = extra.get("choices") if isinstance(extra, Mapping) else None
    return labels if isinstance(labels, Mapping) else None


def choices_text(
    values: Sequence[str], labels: Mapping[str, str] | None = None, lang: str | None = None
) -> str:
    """Values to choose from, each with what it means where its label (a message id) says more than the
    value: "en (English) or zh (Chinese)", in Chinese "en（英文） 或 zh（中文）". The value stays: it is
    what counter.toml and the command line take."""
    lang = lang or get_language()
    shown = []
    for value in values:
        label = translate(labels[value], lang) if labels and value in labels else value
        shown.append(
            value if label == value else translate(N_("{value} ({label})"), lang, value=value, label=label)
        )
    if len(shown) < 2:
        return "".join(shown)
    return translate(
        N_("{some} or {last}"), lang, some=translate(N_(", "), lang).join(shown[:-1]), last=shown[-1]
    )


@dataclass(frozen=True)
class Choices(Later):
    """`choices_text` as a parameter of a refusal: translated when the refusal is shown."""

    values: tuple[str, ...]
    labels: Mapping[str, str] | None = None

    def message(self, lang: str | None = None) -> str:
        return choices_text(self.values, self.labels, lang)


@dataclass(frozen=True)
class FieldLabel(Later):
    """A field's label as a parameter of a message: translated when the message is shown."""

    model: Any
    name: str

    def message(self, lang: str | None = None) -> str:
        return field_label(self.model, self.name, lang)
