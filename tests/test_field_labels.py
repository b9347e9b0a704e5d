"""Every setting has a title a clerk reads, in English and Chinese, and a place inside a setting reads as
a path of titles; the Python names stay the keys."""

from __future__ import annotations

import typing
from collections import Counter

import pytest
from pydantic import BaseModel
from rich.cells import cell_len

from station_console.field_labels import FieldLabel, choice_label, field_label, where_label
from station_console.i18n import catalog, set_language
from station_console.settings import (
    CounterSettings,
    EventTarget,
    FeeRule,
    PreAlertSource,
    StationSettings,
    setting_label,
)

MODELS: list[type[BaseModel]] = [StationSettings, CounterSettings, FeeRule, EventTarget, PreAlertSource]
LABEL_CELLS = 26  # the Settings form's label column (settings.tcss: width 27, padding 1)


def test_the_models_cover_every_nested_model_of_the_settings() -> None:
    """A table setting added with a row model of its own must be titled too: it joins MODELS."""
    nested = {
        arg
        for model in (StationSettings, CounterSettings)
        for field in model.model_fields.values()
        for arg in getattr(field.annotation, "__args__", ())
        if isinstance(arg, type) and issubclass(arg, BaseModel)
    }
    assert nested and nested <= set(MODELS)


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m.__name__)
def test_every_field_has_a_title_translated_into_chinese(model: type[BaseModel]) -> None:
    zh = catalog("zh")
    untitled = [name for name, field in model.model_fields.items() if not field.title]
    assert untitled == [], f"{model.__name__}: fields without Field(title=N_(...))"
    untranslated = [f.title for f in model.model_fields.values() if f.title not in zh]
    assert untranslated == [], "titles without a zh translation (locale/zh/settings.toml)"


# Choice values that read the same in every language: the size classes.
SHOWN_AS_THEY_ARE = {"S", "M", "L", "XL"}


@pytest.mark.parametrize("model", [StationSettings, CounterSettings], ids=lambda m: m.__name__)
def test_every_choice_of_a_choice_setting_has_a_label_translated_into_chinese(model: type[BaseModel]) -> None:
    """A choice setting's values are keys (counter.toml, the CLI); the Settings screen lists their labels.
    (The row models' choices are typed inside a JSON table, as keys.)"""
    zh = catalog("zh")
    for name, field in model.model_fields.items():
        annotations = (field.annotation, *typing.get_args(field.annotation))
        literals = [a for a in annotations if typing.get_origin(a) is typing.Literal]
        for value in {str(v) for lit in literals for v in typing.get_args(lit)} - SHOWN_AS_THEY_ARE:
            english = choice_label(model, name, value, "en")
            assert english != value, (
                f"{model.__name__}.{name}: {value!r} has no label (json_schema_extra=choices)"
            )
            assert english in zh, f"{english!r}: no zh translation"


def test_a_choice_reads_as_its_label_and_an_unknown_value_as_itself() -> None:
    assert choice_label(StationSettings, "shelf_policy", "least_filled", "en") == "Spread evenly"
    assert choice_label(StationSettings, "shelf_policy", "least_filled", "zh") == "均匀分散"
    assert (
        choice_label(StationSettings, "verification_policy", "tail_and_name", "zh") == "手机尾号，再核对姓名"
    )
    assert choice_label(StationSettings, "shelf_policy", "sideways", "zh") == "sideways"
    assert choice_label(StationSettings, "default_size", "XL", "zh") == "XL"
    assert choice_label(StationSettings, "no_such_field", "x", "zh") == "x"


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m.__name__)
def test_no_two_fields_of_a_model_read_the_same(model: type[BaseModel]) -> None:
    for lang in ("en", "zh"):
        titles = Counter(field_label(model, name, lang) for name in model.model_fields)
        assert [t for t, n in titles.items() if n > 1] == [], lang


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_a_settings_title_and_its_key_fit_their_column_on_one_line_each(lang: str) -> None:
    """Chinese characters take two cells: a title or key past the column would wrap and unalign the rows
    (a longer one needs a wider column in settings.tcss, or a shorter title)."""
    long = {
        text: cell_len(text)
        for model in (StationSettings, CounterSettings)
        for name in model.model_fields
        for text in (field_label(model, name, lang), name)
        if cell_len(text) > LABEL_CELLS
    }
    assert long == {}


def test_a_label_is_in_the_asked_language_else_the_consoles() -> None:
    assert field_label(StationSettings, "station_name", "zh") == "驿站名称"
    assert field_label(StationSettings, "station_name", "en") == "Station name"
    set_language("zh")
    try:
        assert field_label(StationSettings, "opening_hours") == "营业时间"
        assert setting_label("code_seq_min") == "取件码起始序号"
        assert FieldLabel(CounterSettings, "counter").message() == "柜台名称"
    finally:
        set_language("en")
    assert FieldLabel(CounterSettings, "counter").message() == "Counter name"


def test_setting_label_names_station_and_counter_settings_and_keeps_an_unknown_name() -> None:
    assert setting_label("timezone", "zh") == "时区"
    assert setting_label("wedge_prefix", "zh") == "前缀"  # a counter setting
    assert setting_label("storage_fee_rules", "en") == "Storage fee rules"
    assert setting_label("no_such_setting", "zh") == "no_such_setting"
    assert field_label(FeeRule, "no_such_field", "zh") == "no_such_field"


def test_a_place_reads_as_a_path_of_titles() -> None:
    def where(*loc: str | int, lang: str = "zh") -> str:
        return where_label(loc, StationSettings, lang)

    assert (
        where("storage_fee_rules", 0, "cap_cents") == "第 1 条超期保管费规则 · 费用上限（分）"
    )  # int | None
    assert where("storage_fee_rules", 0, "cap_cents", lang="en") == "Storage fee rule 1 · Fee cap (cents)"
    assert where("size_units", "XL") == "各尺寸占用容量 XL"  # a mapping of plain values
    assert where("prealert_sources", "pdd", "carrier") == "预到货来源 pdd · 默认快递公司"
    assert (
        where("storage_fee_rules", 0, "nonsense") == "第 1 条超期保管费规则 · nonsense"
    )  # not ours: as given
    assert where() == "?" and where_label((), None) == "?"
    assert where_label(("rules", 0, "x"), None) == "rules 1 · x"  # no model: names as given, counted from 1


def test_a_typed_key_in_a_place_is_cleaned_and_cut() -> None:
    hostile = "\x1b[2J[b]" + "k" * 500
    label = where_label(("carrier_event_targets", hostile, "url"), StationSettings, "en")
    assert "\x1b" not in label and label.startswith("Carrier event targets [b]kkk")
    assert label.endswith(" · Webhook URL") and len(label) < 80


def test_a_list_item_is_counted_from_1_in_its_keys_too() -> None:
    """`storage_fee_rules.1.free_days` named rule 2 by Python's index from 0: the keys leave the index
    out, as a `[[storage_fee_rules]]` table writes them, and the label counts the rule as a manager does."""

    def keyed(lang: str) -> str:
        return where_label(("storage_fee_rules", 1, "free_days"), StationSettings, lang, keyed=True)

    assert keyed("en") == "Storage fee rule 2 · Free days (storage_fee_rules.free_days)"
    assert keyed("zh") == "第 2 条超期保管费规则 · 免费天数（storage_fee_rules.free_days）"
    assert where_label(("rules", 1), None, "en") == "rules 2"  # no model: an index still counts from 1


@pytest.mark.parametrize(
    ("name", "en", "zh"),
    [
        ("wedge_min_length", "Shortest code (wedge_min_length)", "最短条码长度（wedge_min_length）"),
        (  # parentheses of its own: the key after a comma, never "(ms) (wedge_rejoin_ms)"
            "wedge_rejoin_ms",
            "Split scan wait (ms), key wedge_rejoin_ms",
            "断码续接等待（毫秒），键 wedge_rejoin_ms",
        ),
    ],
)
def test_a_keyed_label_holds_one_pair_of_parentheses(name: str, en: str, zh: str) -> None:
    assert where_label((name,), CounterSettings, "en", keyed=True) == en
    assert where_label((name,), CounterSettings, "zh", keyed=True) == zh


def test_a_device_key_its_label_names_already_is_not_said_twice() -> None:
    from hardware.config_keys import config_key
    from hardware.messages import Message
    from station_console.i18n import shown

    def said(key: str, lang: str) -> str:
        return shown(Message("{key} = 1", key=config_key(key)), lang)

    assert said("dpi", "en") == "Resolution (dpi) = 1"  # not "Resolution (dpi) (dpi)"
    assert said("dpi", "zh") == "分辨率（dpi） = 1"
    assert said("timeout", "en") == "Timeout (s) = 1"
    assert said("timeout", "zh") == "超时（秒），键 timeout = 1"
    assert said("port", "zh") == "端口（port） = 1"
    assert said("layout", "en") == "Keyboard layout (layout) = 1"
