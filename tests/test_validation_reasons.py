"""Pydantic's refusals as sentences in the reader's language: one per kind of error, English and Chinese,
with the limit or the choices it names; our own validators' messages translated after their values are
put in; what a person typed stays data."""

from __future__ import annotations

from typing import Any, Literal

import pytest
from pydantic import BaseModel, ConfigDict, Field, Json, TypeAdapter, ValidationError

from station_console.errors import Refused
from station_console.i18n import N_
from station_console.settings import CounterSettings, FeeRule, StationSettings
from station_console.validation_reasons import (
    InvalidValue,
    Reason,
    Reasons,
    Where,
    error_field,
    validation_reason,
)


class Probe(BaseModel):
    """One field per kind of refusal the settings can meet."""

    model_config = ConfigDict(extra="forbid")

    at_least: int = Field(1, ge=1)
    above: float = Field(1.0, gt=0)
    at_most: int = Field(1, le=10)
    below: int = Field(1, lt=10)
    number: float = 1.0
    flag: bool = True
    name: str = Field("x", min_length=1, max_length=5)
    code: str = Field("abc", min_length=3, pattern=r"^[a-z]+$")
    policy: Literal["keep_code", "new_code"] = "keep_code"
    rules: list[FeeRule] = []
    units: dict[str, int] = {}
    needed: int


def first_error(**data: Any) -> dict[str, Any]:
    data.setdefault("needed", 1)
    with pytest.raises(ValidationError) as refused:
        Probe.model_validate(data)
    return dict(refused.value.errors()[0])


CASES = [
    # (what is given, Pydantic's type, English, Chinese)
    ({"at_least": 0}, "greater_than_equal", "Must be at least 1", "不能小于 1"),
    ({"above": 0}, "greater_than", "Must be greater than 0", "必须大于 0"),
    ({"at_most": 11}, "less_than_equal", "Must be at most 10", "不能大于 10"),
    ({"below": 10}, "less_than", "Must be less than 10", "必须小于 10"),
    ({"at_least": "many"}, "int_parsing", "Must be a whole number", "必须是整数"),
    ({"at_least": 1.5}, "int_from_float", "Must be a whole number", "必须是整数"),
    ({"at_least": [1]}, "int_type", "Must be a whole number", "必须是整数"),
    ({"at_least": "9" * 5000}, "int_parsing_size", "The number is too large", "数字太大"),
    ({"number": "ten"}, "float_parsing", "Must be a number", "必须是数字"),
    ({"number": [1]}, "float_type", "Must be a number", "必须是数字"),
    ({"flag": "maybe"}, "bool_parsing", "Must be true or false", "必须是 true 或 false"),
    ({"flag": [1]}, "bool_type", "Must be true or false", "必须是 true 或 false"),
    ({"name": 5}, "string_type", "Must be text", "必须是文本"),
    ({"name": ""}, "string_too_short", "Must not be empty", "不能为空"),
    ({"code": "ab"}, "string_too_short", "Must have at least 3 characters", "至少 3 个字符"),
    ({"name": "abcdef"}, "string_too_long", "Must have at most 5 characters", "最多 5 个字符"),
    ({"code": "ABC"}, "string_pattern_mismatch", "Must match the pattern ^[a-z]+$", "必须符合格式 ^[a-z]+$"),
    (
        {"policy": "move"},
        "literal_error",
        "Use keep_code or new_code",
        "请使用 keep_code 或 new_code",
    ),
    ({"rules": {"name": "x"}}, "list_type", "Must be a list (JSON [...])", "必须是列表（JSON [...]）"),
    ({"rules": [5]}, "model_type", "Must be a JSON object ({...})", "必须是 JSON 对象（{...}）"),
    ({"units": [1]}, "dict_type", "Must be a JSON object ({...})", "必须是 JSON 对象（{...}）"),
    (
        {"rules": [{"name": "a", "days": 3}]},
        "extra_forbidden",
        "Not a known field: remove it",
        "不是可识别的字段：请删除",
    ),
    ({"extra": 1}, "extra_forbidden", "Not a known field: remove it", "不是可识别的字段：请删除"),
]


@pytest.mark.parametrize(("given", "kind", "english", "chinese"), CASES)
def test_each_kind_of_refusal_reads_in_english_and_chinese(
    given: dict[str, Any], kind: str, english: str, chinese: str
) -> None:
    error = first_error(**given)
    assert error["type"] == kind  # the case still tests what it says (a Pydantic upgrade may move it)
    assert validation_reason(error, "en") == english
    assert validation_reason(error, "zh") == chinese


def test_a_missing_value_and_the_field_it_belongs_to() -> None:
    with pytest.raises(ValidationError) as refused:
        Probe.model_validate({})
    error = refused.value.errors()[0]
    assert error["type"] == "missing" and error_field(error) == "needed"
    assert validation_reason(error, "en") == "A value is required"
    assert validation_reason(error, "zh") == "必须填写"


def test_a_refused_choice_says_what_each_value_means() -> None:
    """counter.toml and the command line take the values; the clerk reads what they mean beside them."""
    with pytest.raises(ValidationError) as refused:
        StationSettings.model_validate({"move_policy": "move"})
    error = dict(refused.value.errors()[0])
    assert error["type"] == "literal_error"
    assert validation_reason(error, "en", StationSettings) == (
        "Use keep_code (Keep the code) or new_code (New code and label)"
    )
    assert validation_reason(error, "zh", StationSettings) == (
        "请使用 keep_code（保留原取件码） 或 new_code（新取件码并补打标签）"
    )
    assert Reasons.of([error], StationSettings).message("en") == (
        "Pickup code on a move: Use keep_code (Keep the code) or new_code (New code and label)"
    )
    assert validation_reason(error, "en") == "Use keep_code or new_code"  # no model: no labels
    nested = {**error, "loc": ("rules", 0, "policy")}
    assert validation_reason(nested, "en", Probe) == "Use keep_code or new_code"  # a field without labels


def test_a_nested_field_is_named_by_its_path() -> None:
    error = first_error(rules=[{"name": "a", "free_days": -1}])
    assert error_field(error) == "rules 1 · free_days"  # no model: names as given, counted from 1
    assert validation_reason(error, "zh") == "不能小于 0"


def test_bad_json_says_where_in_the_text() -> None:
    with pytest.raises(ValidationError) as refused:
        TypeAdapter(Json[Any]).validate_python('[{"name": ')
    error = refused.value.errors()[0]
    assert error["type"] == "json_invalid"
    assert validation_reason(error, "en") == "Not valid JSON (line 1, column 10)"
    assert validation_reason(error, "zh") == "不是有效的 JSON（第 1 行，第 10 列）"
    assert validation_reason({"type": "json_invalid", "ctx": {}}, "zh") == "不是有效的 JSON"
    with pytest.raises(ValidationError) as refused:  # Pydantic counts bytes; a person, characters
        TypeAdapter(Json[Any]).validate_python('[\n {"name": "快递柜", "free_days": 3,')
    assert validation_reason(refused.value.errors()[0], "en") == "Not valid JSON (line 2, column 32)"


def test_our_own_validators_are_translated_after_their_values_are_put_in() -> None:
    with pytest.raises(ValidationError) as refused:
        StationSettings(timezone="Mars/Olympus")
    error = refused.value.errors()[0]
    assert error["type"] == "value_error"
    assert validation_reason(error, "en") == "Unknown time zone Mars/Olympus: use a name like Asia/Shanghai."
    assert validation_reason(error, "zh") == "未知时区 Mars/Olympus：请使用 Asia/Shanghai 这样的名称。"
    with pytest.raises(ValidationError) as refused:
        StationSettings(opening_hours="all day")
    assert validation_reason(refused.value.errors()[0], "zh") == "营业时间格式如 09:00-21:00。"


def test_a_typed_value_stays_data_cleaned_and_cut() -> None:
    """A zone typed with markup, an escape sequence and placeholders: quoted as text, one line, cut."""
    typed = "[/][b]x\x1b[31m{zone}" + "y" * 400
    with pytest.raises(ValidationError) as refused:
        StationSettings(timezone=typed)
    reason = validation_reason(refused.value.errors()[0], "zh")
    assert reason.startswith("未知时区 [/][b]x{zone}yyy") and "\x1b" not in reason
    assert len(reason) < 80


def test_a_text_setting_too_long_is_refused_not_cut() -> None:
    """5,000 characters (a number among them): refused as too long; a cut number would be another number."""
    for field in ("station_name", "code_seq_min"):
        with pytest.raises(ValidationError) as refused:
            StationSettings.model_validate({field: "9" * 5000})
        assert validation_reason(refused.value.errors()[0], "zh") == "最多 500 个字符"
    assert StationSettings(station_name=" a\tb " + "c" * 490).station_name == "a b " + "c" * 490


def test_a_typed_mapping_key_in_the_path_is_cleaned_and_cut() -> None:
    error = first_error(units={"\x1b[2J" + "k" * 5000: "many"})
    where = error_field(error)
    assert where.startswith("units · kkk") and "\x1b" not in where and len(where) == len("units · ") + 40


def test_an_unknown_kind_gets_a_general_sentence_never_pydantics_english() -> None:
    error = {"type": "url_parsing", "loc": ("webhook_url",), "msg": "Input should be a valid URL", "ctx": {}}
    assert validation_reason(error, "en") == "This value cannot be used here"
    assert validation_reason(error, "zh") == "此处不能使用这个值"
    plain_value_error = {"type": "value_error", "ctx": {"error": ValueError("some English")}}
    assert validation_reason(plain_value_error, "zh") == "此处不能使用这个值"


def test_a_reason_in_a_refusal_is_translated_when_the_refusal_is_shown() -> None:
    error = first_error(at_least=0)
    refusal = Refused(
        N_("Invalid value for {field}: {reason}"), field=error_field(error), reason=Reason(error)
    )
    assert refusal.message("en") == "Invalid value for at_least: Must be at least 1"
    assert refusal.message("zh") == "“at_least”的值无效：不能小于 1"  # a model without titles: its keys
    with pytest.raises(ValidationError) as refused:
        Probe.model_validate({"at_least": 0, "flag": "maybe", "needed": 1})
    assert (
        Reasons.of(refused.value.errors()).message("zh") == "at_least：不能小于 1；flag：必须是 true 或 false"
    )


def test_an_invalid_value_is_still_a_value_error_with_english_for_logs() -> None:
    invalid = InvalidValue(N_("Unknown time zone {zone}: use a name like Asia/Shanghai."), zone="X")
    assert isinstance(invalid, ValueError)
    assert str(invalid) == "Unknown time zone X: use a name like Asia/Shanghai."
    assert invalid.message("zh") == "未知时区 X：请使用 Asia/Shanghai 这样的名称。"


def test_a_refused_setting_is_named_by_its_title_in_the_readers_language() -> None:
    """Given the model that refused it, a field reads as a clerk names it, a nested one by its path of
    titles (an item of a list by its number from 1); the key may follow for whoever edits a file."""
    with pytest.raises(ValidationError) as refused:
        StationSettings.model_validate({"station_name": "x" * 600})
    (error,) = refused.value.errors()
    assert (error_field(error, StationSettings, "en"), error_field(error, StationSettings, "zh")) == (
        "Station name",
        "驿站名称",
    )
    assert error_field(error) == "station_name"  # no model, no titles: the key as it is
    assert error_field(error, StationSettings, "zh", keyed=True) == "驿站名称（station_name）"

    with pytest.raises(ValidationError) as refused:
        StationSettings.model_validate({"storage_fee_rules": [{"name": "a"}, {"name": "b", "free_days": -1}]})
    (error,) = refused.value.errors()
    assert error_field(error, StationSettings, "en") == "Storage fee rule 2 · Free days"
    assert error_field(error, StationSettings, "zh") == "第 2 条超期保管费规则 · 免费天数"
    assert error_field(error, StationSettings, "en", keyed=True) == (
        "Storage fee rule 2 · Free days (storage_fee_rules.free_days)"
    )

    with pytest.raises(ValidationError) as refused:
        StationSettings.model_validate({"carrier_event_targets": {"SF": {"timeout_s": 0}}})
    (error,) = refused.value.errors()
    assert error_field(error, StationSettings, "zh") == "快递公司事件去向 SF · 超时（秒）"


def test_a_refusal_names_its_field_in_the_language_it_is_shown_in() -> None:
    with pytest.raises(ValidationError) as refused:
        FeeRule.model_validate({"name": "a", "free_days": -1})
    (error,) = refused.value.errors()
    refusal = Refused(
        N_("Invalid value for {field}: {reason}"), field=Where(error, FeeRule), reason=Reason(error)
    )
    assert refusal.message("en") == "Invalid value for Free days: Must be at least 0"
    assert refusal.message("zh") == "“免费天数”的值无效：不能小于 0"
    with pytest.raises(ValidationError) as refused:
        CounterSettings.model_validate({"wedge_min_length": 0, "language": "fr"})
    reasons = Reasons.of(refused.value.errors(), CounterSettings, keyed=True)
    assert reasons.message("zh") == (
        "语言（language）：请使用 en（英文） 或 zh（中文）；最短条码长度（wedge_min_length）：不能小于 1"
    )
