"""Why a value was refused, in the reader's language: Pydantic's errors as translated sentences.

Pydantic explains a refusal in English ("Input should be greater than or equal to 1"). Each error it
reports also has a `type` and a `ctx` (the limit, the choices, the length), and `validation_reason` makes
one catalogued sentence of those, so a refused setting, fee rule or counter.toml reads in the clerk's
language; a type without a sentence of its own gets a general one, never Pydantic's English, and the
field is named by its title (`field_labels`), given the model that refused it. Our own
validators raise `InvalidValue`: a message id with parameters, filled after translation. What a
person typed is data: a sentence quotes it only as a parameter, cleaned and cut.

Plain Python without pydantic (the errors are dicts), so every layer may import it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from station_console.field_labels import FIELD_MAX as FIELD_MAX
from station_console.field_labels import choice_labels, choices_text, field_at, where_label
from station_console.i18n import N_, Later, get_language, shown_params, translate, translate_n
from station_console.safe_text import clean

TEXT_MAX = 500  # characters of one text setting

# One sentence per kind of refusal; `{limit}` and the like come from the error's ctx.
_SENTENCES = {
    "greater_than": (N_("Must be greater than {limit}"), "gt"),
    "greater_than_equal": (N_("Must be at least {limit}"), "ge"),
    "less_than": (N_("Must be less than {limit}"), "lt"),
    "less_than_equal": (N_("Must be at most {limit}"), "le"),
    "multiple_of": (N_("Must be a multiple of {limit}"), "multiple_of"),
    "string_too_long": (N_("Must have at most {limit} characters"), "max_length"),
    "string_pattern_mismatch": (N_("Must match the pattern {limit}"), "pattern"),
}
_FIXED = {
    "int_parsing": N_("Must be a whole number"),
    "int_type": N_("Must be a whole number"),
    "int_from_float": N_("Must be a whole number"),
    "int_parsing_size": N_("The number is too large"),
    "float_parsing": N_("Must be a number"),
    "float_type": N_("Must be a number"),
    "finite_number": N_("Must be a finite number"),
    "bool_parsing": N_("Must be true or false"),
    "bool_type": N_("Must be true or false"),
    "string_type": N_("Must be text"),
    "missing": N_("A value is required"),
    "extra_forbidden": N_("Not a known field: remove it"),
    "list_type": N_("Must be a list (JSON [...])"),
    "tuple_type": N_("Must be a list (JSON [...])"),
    "set_type": N_("Must be a list (JSON [...])"),
    "dict_type": N_("Must be a JSON object ({...})"),
    "model_type": N_("Must be a JSON object ({...})"),
    "model_attributes_type": N_("Must be a JSON object ({...})"),
    "json_type": N_("Must be JSON text"),
    "none_required": N_("Must be empty"),
}
GENERAL = N_("This value cannot be used here")
_JSON_AT = re.compile(r"line (\d+) column (\d+)")
_CHOICE_SPLIT = re.compile(r", | or ")  # Pydantic lists choices as "'a', 'b' or 'c'"


class InvalidValue(ValueError, Later):
    """A validator's refusal as a catalogued message: `InvalidValue(N_("Unknown time zone {zone}"),
        zone=clean(value, 40))`. Pydantic keeps it as the error's `ctx["error"]`; it is translated when
        shown, so a parameter is never translated (what was typed stays as typed) unless it is a message
    itself (a `Later`, such as another field's `FieldLabel`)."""

    def __init__(self, msgid: str, /, **params: Any) -> None:
        self.msgid, self.params = msgid, params
        super().__init__(self.message("en"))  # Pydantic's own `msg`, for logs

    def message(self, lang: str | None = None) -> str:
        lang = lang or get_language()
        params = shown_params(self.params, lang)
        return translate(self.msgid, lang, **params)


def not_too_long(value: Any) -> Any:
    """A text setting as given; refused past TEXT_MAX characters rather than cut (a cut number is
    another number, a cut path another file)."""
    if isinstance(value, str) and len(value) > TEXT_MAX:
        raise InvalidValue(N_("Must have at most {limit} characters"), limit=TEXT_MAX)
    return value


def _number(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return clean(str(value), 40)


def _characters(text: Any, line: int, column: int) -> int:
    """Pydantic counts a JSON error's column in UTF-8 bytes: in characters, as a person counts them."""
    if not isinstance(text, str):
        return column
    lines = text.split("\n")
    if not 1 <= line <= len(lines):
        return column
    return len(lines[line - 1].encode("utf-8")[:column].decode("utf-8", errors="ignore"))


def validation_reason(error: Mapping[str, Any], lang: str | None = None, model: Any = None) -> str:
    """One Pydantic error (an item of `ValidationError.errors()`) as a sentence in `lang` (default:
    the console's language). Given the model that was validated, a refused choice says what each
    value it takes means."""
    lang = lang or get_language()
    kind = str(error.get("type", ""))
    ctx: Mapping[str, Any] = error.get("ctx") or {}
    if kind == "value_error" and isinstance(ctx.get("error"), InvalidValue):
        return ctx["error"].message(lang)
    if kind in _FIXED:
        return translate(_FIXED[kind], lang)
    if kind in _SENTENCES and _SENTENCES[kind][1] in ctx:
        msgid, key = _SENTENCES[kind]
        return translate(msgid, lang, limit=_number(ctx[key]))
    if kind == "string_too_short" and "min_length" in ctx:
        count = int(ctx["min_length"])
        if count <= 1:
            return translate(N_("Must not be empty"), lang)
        return translate(N_("Must have at least {limit} characters"), lang, limit=count)
    if kind in ("too_short", "too_long") and ("min_length" in ctx or "max_length" in ctx):
        count = int(ctx.get("min_length", ctx.get("max_length", 0)))
        if kind == "too_short":
            return translate_n(
                "Must have at least {count} item",
                "Must have at least {count} items",
                count,
                lang,
                count=count,
            )
        return translate_n(
            "Must have at most {count} item", "Must have at most {count} items", count, lang, count=count
        )
    if kind in ("literal_error", "enum") and "expected" in ctx:
        values = [v.strip("'\"") for v in _CHOICE_SPLIT.split(clean(str(ctx["expected"]), 300))]
        field = field_at(tuple(error.get("loc", ())), model) if model is not None else None
        choices = choices_text(values, choice_labels(*field) if field else None, lang)
        return translate(N_("Use {choices}"), lang, choices=choices)
    if kind == "json_invalid":
        at = _JSON_AT.search(str(ctx.get("error", "")))
        if at:
            line, column = int(at[1]), _characters(error.get("input"), int(at[1]), int(at[2]))
            return translate(
                N_("Not valid JSON (line {line}, column {column})"), lang, line=line, column=column
            )
        return translate(N_("Not valid JSON"), lang)
    return translate(GENERAL, lang)


def error_field(
    error: Mapping[str, Any], model: Any = None, lang: str | None = None, *, keyed: bool = False
) -> str:
    """Where an error is. Given the model that was validated, as a person reads it, in `lang`
    (`field_labels.where_label`: "Storage fee rules 1 · Free days"; with `keyed`, the path follows in
    brackets); without one, its `loc` joined with dots (`storage_fee_rules.0.free_days`). Cleaned and
    cut (a mapping key in it was typed); "?" for the whole value."""
    return where_label(tuple(error.get("loc", ())), model, lang, keyed=keyed)


@dataclass(frozen=True)
class Reason(Later):
    """One error's reason, as a parameter of a refusal: translated when the refusal is shown."""

    error: Mapping[str, Any]
    model: Any = None

    def message(self, lang: str | None = None) -> str:
        return validation_reason(self.error, lang, self.model)


@dataclass(frozen=True)
class Where(Later):
    """Where one error is (`error_field`), as a parameter of a refusal: translated when it is shown."""

    error: Mapping[str, Any]
    model: Any = None
    keyed: bool = False

    def message(self, lang: str | None = None) -> str:
        return error_field(self.error, self.model, lang, keyed=self.keyed)


@dataclass(frozen=True)
class Reasons(Later):
    """Every error of a refusal as "field: reason; field: reason" (Chinese punctuation in Chinese),
    translated when shown; each field named as `error_field` names it, given the model that was
    validated."""

    errors: tuple[Mapping[str, Any], ...]
    model: Any = None
    keyed: bool = False

    @classmethod
    def of(cls, errors: Iterable[Mapping[str, Any]], model: Any = None, *, keyed: bool = False) -> Reasons:
        return cls(tuple(errors), model, keyed)

    def message(self, lang: str | None = None) -> str:
        lang = lang or get_language()
        return translate(N_("; "), lang).join(
            translate(
                N_("{label}: {value}"),
                lang,
                label=error_field(e, self.model, lang, keyed=self.keyed),
                value=validation_reason(e, lang, self.model),
            )
            for e in self.errors
        )
