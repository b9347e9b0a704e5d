"""The station's and the counter's settings refused by field, each with why: numbers out of their range
(or given as true or false), a currency, a pickup code layout, values that would break the station or
mean nothing; values that mean something kept, and a bad one already stored falling back to its default.
How a refusal reads in general (each kind of error, its field's name) is test_validation_reasons.py."""

from __future__ import annotations

from types import UnionType
from typing import Any, Union, get_args, get_origin

import pytest
from pydantic import BaseModel, ValidationError
from sqlmodel import Session, SQLModel

from db.engine import create_station_engine
from db.models import Setting
from station_console import settings_checks
from station_console.i18n import translate
from station_console.services.core.settings import STATION_KEY, load_station_settings
from station_console.settings import CounterSettings, EventTarget, FeeRule, PreAlertSource, StationSettings
from station_console.validation_reasons import InvalidValue, error_field, validation_reason


def test_every_whole_number_station_setting_has_limits() -> None:
    """A 500-digit or negative lock-out, port or code range is refused, not saved."""
    unbounded = [
        name
        for name, field in StationSettings.model_fields.items()
        if field.annotation is int
        and not (
            any(hasattr(m, "ge") or hasattr(m, "gt") for m in field.metadata)
            and any(hasattr(m, "le") or hasattr(m, "lt") for m in field.metadata)
        )
    ]
    assert unbounded == []


@pytest.mark.parametrize(
    ("given", "field", "english", "chinese"),
    [
        ({"pin_fail_limit": 0}, "pin_fail_limit", "Must be at least 1", "不能小于 1"),
        ({"smtp_port": 70000}, "smtp_port", "Must be at most 65535", "不能大于 65535"),
        ({"code_seq_min": -1}, "code_seq_min", "Must be at least 0", "不能小于 0"),
        (
            {"code_seq_min": 5000, "code_seq_max": 4000},
            "code_seq_max",
            "Must be greater than First SEQ number (5000)",
            "必须大于取件码起始序号（5000）",
        ),
    ],
)
def test_a_station_number_out_of_its_range_is_refused_with_why(
    given: dict[str, int], field: str, english: str, chinese: str
) -> None:
    with pytest.raises(ValidationError) as refused:
        StationSettings.model_validate(given)
    (error,) = refused.value.errors()
    assert error_field(error) == field
    assert (validation_reason(error, "en"), validation_reason(error, "zh")) == (english, chinese)


def test_a_currency_is_three_letters_a_lower_case_one_read_as_its_code() -> None:
    """`[b]`, `123` and `C Y` were saved as the station's currency (only the length was checked) and
    then stood after every fee and price; `cny` did not read as CNY (no 元, and a CNY tariff refused)."""
    assert StationSettings(currency=" cny ").currency == "CNY"
    for typed in ("[b]", "123", "C Y", "元元元"):
        with pytest.raises(ValidationError) as refused:
            StationSettings(currency=typed)
        assert (
            validation_reason(refused.value.errors()[0], "en") == "A currency is a 3-letter code such as CNY."
        )
        assert validation_reason(refused.value.errors()[0], "zh") == "币种是 CNY 这样的 3 个字母的代码。"


@pytest.mark.parametrize(
    "typed",
    [
        "",
        "{shelf}-{layer}",
        "{foo}-{seq}",
        "{shelf}-{seq}-{seq}",
        "{seq:04d}",
        "{seq}}",
        "{shelf.__class__}{seq}",
    ],
)
def test_a_pickup_code_layout_without_its_seq_or_with_other_braces_is_refused(typed: str) -> None:
    """`{foo}-{seq}` was saved and every check-in then failed on it as a bug; `` gave every parcel the
    same empty code and `{shelf}-{layer}` one code a layer: the SEQ is what tells a layer's codes apart,
    and a placeholder the lookup cannot read back is not a code a customer can give."""
    with pytest.raises(ValidationError) as refused:
        StationSettings(code_template=typed)
    assert validation_reason(refused.value.errors()[0], "en") == (
        "A pickup code layout has {seq} once, and {shelf} and {layer} at most once each: no other braces."
    )
    assert StationSettings(code_template="A{shelf}/{layer}/{seq}").code_template == "A{shelf}/{layer}/{seq}"


@pytest.mark.parametrize(
    ("field", "typed", "reason"),
    [
        ("station_name", "   ", "A station needs a name."),
        (
            "size_units",
            {"S": -1, "M": 2, "L": 4, "XL": 8},
            "Room per size gives S, M, L and XL each a whole number from 1 to 100.",
        ),
        ("size_units", {}, "Room per size gives S, M, L and XL each a whole number from 1 to 100."),
        (  # a tick is no room, though Python counts True as 1
            "size_units",
            {"S": True, "M": 2, "L": 4, "XL": 8},
            "Room per size gives S, M, L and XL each a whole number from 1 to 100.",
        ),
        (
            "size_units",
            {"S": 1, "M": 2, "L": 4},
            "Room per size gives S, M, L and XL each a whole number from 1 to 100.",
        ),
        (
            "size_units",
            {"S": 1, "M": 2, "L": 4, "XL": 8, "XXL": 9},
            "Room per size gives S, M, L and XL each a whole number from 1 to 100.",
        ),
        ("xl_zone", "basement", "A zone is main, floor or overflow: the zones a shelf can be in."),
        ("overflow_zone", "", "A zone is main, floor or overflow: the zones a shelf can be in."),
        (
            "webhook_url",
            "ftp://sms.example.com/send",
            "A URL starts with http:// or https:// and names a server.",
        ),
        ("webhook_url", "sms.example.com/send", "A URL starts with http:// or https:// and names a server."),
        ("webhook_url", "https://", "A URL starts with http:// or https:// and names a server."),
        (
            "smtp_host",
            "smtp example com",
            "An SMTP server is a host name or an IP address, such as smtp.example.com.",
        ),
        (
            "smtp_host",
            "smtp://mail.example.com",
            "An SMTP server is a host name or an IP address, such as smtp.example.com.",
        ),
        ("smtp_from", "station", "A sender address looks like station@example.com."),
        ("smtp_from", "a@b@c", "A sender address looks like station@example.com."),
        ("smtp_from", "st ation@example.com", "A sender address looks like station@example.com."),
    ],
)
def test_settings_that_break_the_station_or_mean_nothing_are_refused_by_field(
    field: str, typed: Any, reason: str
) -> None:
    """An empty name headed every label, a negative or missing size's room broke the layer pick, a zone
    no shelf can be in left XL parcels with no layer, and a webhook, SMTP server or sender that is not
    one failed every message later instead of at the save."""
    with pytest.raises(ValidationError) as refused:
        StationSettings(**{field: typed})
    error = refused.value.errors()[0]
    assert error["loc"] == (field,)
    assert validation_reason(error, "en") == reason
    assert validation_reason(error, "zh") != reason  # the Chinese catalogue has it


def test_a_size_s_room_given_as_true_is_refused_by_the_check_itself() -> None:
    """`settings_checks.size_units` is the rule, called as it is (not only after pydantic's int)."""
    with pytest.raises(InvalidValue):
        settings_checks.size_units({"S": True, "M": 2, "L": 4, "XL": 8})
    assert settings_checks.size_units({"XL": 8, "L": 4, "M": 2, "S": 1}) == {"S": 1, "M": 2, "L": 4, "XL": 8}


@pytest.mark.parametrize(
    ("field", "typed"),
    [
        ("station_name", " 幸福里驿站 "),
        ("size_units", {"S": 1, "M": 3, "L": 5, "XL": 10}),
        ("xl_zone", "overflow"),
        ("webhook_url", "https://sms.example.com:8443/send?k=1"),
        ("webhook_url", ""),
        ("smtp_host", "smtp.exmail.qq.com"),
        ("smtp_host", "192.168.1.20"),
        ("smtp_host", ""),
        ("smtp_from", "Parcel Station <station@example.com>"),
        ("smtp_from", ""),
    ],
)
def test_settings_that_mean_something_are_kept(field: str, typed: Any) -> None:
    kept = getattr(StationSettings(**{field: typed}), field)
    assert kept == (typed.strip() if isinstance(typed, str) else typed)


def test_a_bad_value_already_stored_falls_back_to_its_default(tmp_path: Any) -> None:
    """Stored around the console or by an older version: each bad value loads as its default, the
    others as stored, so one of them never stops the station."""
    engine = create_station_engine(f"sqlite:///{tmp_path / 'settings.sqlite3'}")
    SQLModel.metadata.create_all(engine, tables=[SQLModel.metadata.tables["setting"]])
    stored = {
        "station_name": "",
        "size_units": {"S": -1},
        "xl_zone": "basement",
        "overflow_zone": "attic",
        "webhook_url": "ftp://x",
        "smtp_host": "a b",
        "smtp_from": "nobody",
        "currency": "HKD",
    }
    with Session(engine) as session:
        session.add(Setting(key=STATION_KEY, value=stored))
        session.commit()
        loaded = load_station_settings(session)
    engine.dispose()
    defaults = StationSettings()
    assert loaded.currency == "HKD"
    for field in stored.keys() - {"currency"}:
        assert getattr(loaded, field) == getattr(defaults, field), field


def _number_fields(model: type[BaseModel]) -> list[tuple[str, type]]:
    """Every field of `model` that holds a number (an empty one allowed too), by what it holds."""
    found: list[tuple[str, type]] = []
    for name, field in model.model_fields.items():
        union = get_origin(field.annotation) in (Union, UnionType)  # `int | None`, not `dict[str, int]`
        kinds = {field.annotation, *(get_args(field.annotation) if union else ())}
        found += [(name, kind) for kind in (int, float) if kind in kinds]
    return found


NUMBER_FIELDS = [
    (model, name, kind)
    for model in (StationSettings, CounterSettings, FeeRule, EventTarget, PreAlertSource)
    for name, kind in _number_fields(model)
]


@pytest.mark.parametrize(("model", "field", "kind"), NUMBER_FIELDS, ids=lambda v: getattr(v, "__name__", v))
def test_a_number_setting_given_as_true_or_false_is_refused_not_taken_as_1_or_0(
    model: type[BaseModel], field: str, kind: type
) -> None:
    """bool is an int in Python, and pydantic took `code_seq_min = true` as 1 (a float setting as 1.0):
    a tick is no number, in a file, a form or JSON alike."""
    base = {"name": "a"} if model is FeeRule else {}
    for tick in (True, False):
        with pytest.raises(ValidationError) as refused:
            model.model_validate({**base, field: tick})
        (error,) = refused.value.errors()
        assert error["loc"] == (field,)
        english = "Must be a whole number" if kind is int else "Must be a number"
        assert (validation_reason(error, "en"), validation_reason(error, "zh")) == (
            english,
            translate(english, "zh"),
        )
        assert translate(english, "zh") != english


def test_the_number_settings_are_all_found() -> None:
    """The test above reads the fields off the models: it must see the ones it is about."""
    names = {name for _model, name, _kind in NUMBER_FIELDS}
    assert {"code_seq_min", "cap_cents", "wedge_min_length", "busy_wait_s", "timeout_s"} <= names
