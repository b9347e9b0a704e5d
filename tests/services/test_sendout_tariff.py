"""Tariffs as data and the quote's arithmetic: zones, rounding, minimum, volumetric weight, surcharges,
and a manager's edits as audited versions."""

from __future__ import annotations

import threading
from dataclasses import replace
from typing import Any

import pytest
from sendout_helpers import as_manager, events, staff
from sqlalchemy import event
from station_helpers import configure

from station_console.errors import NotFound, PermissionDenied, Refused
from station_console.services.core.station import Station
from station_console.services.sendout import quote, regions, rules, tariff
from station_console.services.sendout.quote import price, steps_for, volumetric_grams


def table(**changes: Any) -> dict[str, Any]:
    """A simple province tariff: same 10.00 for 1 kg then 2.00/kg, near 12/3, far 15/5, remote 20/10."""
    body: dict[str, Any] = {
        "currency": "CNY",
        "zoning": "province",
        "remote": ["新疆", "西藏"],
        "volumetric_divisor": 6000,
        "rounding": "up",
        "grace_g": 0,
        "minimum_cents": 0,
        "insurance_permille": 5,
        "insurance_min_cents": 100,
        "packaging": {"box": 300},
        "rates": {
            "same": {"first_g": 1000, "first_cents": 1000, "step_g": 1000, "step_cents": 200},
            "near": {"first_g": 1000, "first_cents": 1200, "step_g": 1000, "step_cents": 300},
            "far": {"first_g": 1000, "first_cents": 1500, "step_g": 1000, "step_cents": 500},
            "remote": {"first_g": 1000, "first_cents": 2000, "step_g": 1000, "step_cents": 1000},
        },
    }
    body.update(changes)
    return body


def quote_of(station: Station, body: dict[str, Any] | None = None, **kw: Any) -> quote.Quote:
    kw.setdefault("destination", "广东")
    kw.setdefault("weight_g", 1000)
    return price(station, tariff.parse("SF", body or table()), **kw)


@pytest.mark.parametrize(
    ("destination", "zone", "total"),
    [
        ("广东", "same", 1000),
        ("广东省深圳市南山区", "same", 1000),  # an address starts with its province
        ("湖南", "near", 1200),
        ("Guangxi", "near", 1200),
        ("北京", "far", 1500),
        ("黑龙江省", "far", 1500),
        ("新疆", "remote", 2000),
        ("新疆维吾尔自治区乌鲁木齐市", "remote", 2000),
        ("XZ", "remote", 2000),
        ("内蒙", "far", 1500),  # the common short form of 内蒙古
    ],
)
def test_zone_from_the_station_province(station: Station, destination: str, zone: str, total: int) -> None:
    q = quote_of(station, destination=destination)
    assert (q.origin, q.zone, q.total_cents) == ("广东", zone, total)


def test_the_origin_is_a_station_setting(station: Station) -> None:
    configure(station, send_origin="新疆")
    q = quote_of(station, destination="新疆")
    assert q.zone == "same"  # a remote province sends to itself at the same-province rate
    assert quote_of(station, destination="西藏").zone == "remote"
    assert quote_of(station, destination="甘肃").zone == "near"


def test_neighbours_are_symmetric_data() -> None:
    table_ = regions.provinces()
    assert len(table_) == 34
    for p in table_.values():
        for n in p.neighbours:
            assert p.name in table_[n].neighbours, (p.name, n)


@pytest.mark.parametrize("text", ["", "Atlantis", "12345", "广"])
def test_unknown_destinations_are_refused(station: Station, text: str) -> None:
    with pytest.raises(Refused) as exc:
        quote_of(station, destination=text)
    assert exc.value.code == "unknown_destination"


@pytest.mark.parametrize(
    ("extra", "rounding", "grace", "steps"),
    [
        (0, "up", 0, 0),
        (1, "up", 0, 1),  # one gram over the first weight is a whole step
        (1000, "up", 0, 1),
        (1001, "up", 0, 2),
        (1040, "up", 50, 1),  # within the grace
        (1051, "up", 50, 2),
        (499, "nearest", 0, 0),
        (500, "nearest", 0, 1),  # half a step rounds up
        (1499, "nearest", 0, 1),
        (1999, "down", 0, 1),
        (-300, "up", 0, 0),  # below the first weight
    ],
)
def test_step_rounding(extra: int, rounding: str, grace: int, steps: int) -> None:
    assert steps_for(extra, 1000, rounding, grace) == steps


def test_additional_weight_is_charged_in_rounded_steps(station: Station) -> None:
    q = quote_of(station, destination="北京", weight_g=2300)
    assert [(line.code, line.amount_cents) for line in q.lines] == [
        ("zone", 0),
        ("weight", 0),
        ("first", 1500),
        ("additional", 1000),  # 1.3 kg more: 2 steps of 1 kg at 5.00
    ]
    assert (q.total_cents, q.chargeable_g, q.billed_g) == (2500, 2300, 3000)
    assert "in 2 steps of 1 kg" in q.lines[3].text("en") and "part steps rounded up" in q.lines[3].text("en")
    one = quote_of(station, destination="北京", weight_g=1800).lines[3]
    assert "in 1 step of 1 kg" in one.text("en") and "按 1 个 1 千克计" in one.text("zh")


def test_the_weight_line_names_the_weight_the_price_is_for(station: Station) -> None:
    """0.8 kg is priced as the first 1 kg: the line said "Charged 0.8 kg" ("计费 0.8 千克")."""
    light = quote_of(station, destination="北京", weight_g=800)
    assert (light.total_cents, light.billed_g) == (1500, 1000)
    weight = light.lines[1]
    assert weight.text("en") == "Weighed 0.8 kg, charged as 1 kg"
    assert weight.text("zh") == "实重 0.8 千克，按 1 千克计费"
    assert (weight.text("en", short=True), weight.text("zh", short=True)) == ("Charged 1 kg", "计费 1 千克")
    # Part steps not charged: 1.3 kg is charged as 1 kg.
    down = quote_of(station, table(rounding="down"), destination="北京", weight_g=1300).lines[1]
    assert down.text("en", short=True) == "Charged 1 kg"
    big = quote_of(station, destination="广东", weight_g=700, dims_mm=(401, 300, 300)).lines[1]
    assert (
        big.text("en").endswith("= 6.015 kg; charged as 7 kg")
        and big.text("en", short=True) == "Charged 7 kg"
    )
    assert big.text("zh").endswith("按 7 千克计费")
    # A quote saved before (a receipt printed again) reads as it was written.
    saved = quote.QuoteLine.from_json(
        {"code": "weight", "amount": 0, "params": {"chargeable": "0.8", "actual": "0.8"}}
    )
    assert saved.text("en") == "Chargeable weight 0.8 kg (actual 0.8 kg)"


def test_minimum_freight_tops_up(station: Station) -> None:
    q = quote_of(station, table(minimum_cents=1800), destination="广东", weight_g=300)
    assert [(line.code, line.amount_cents) for line in q.lines][-1] == ("minimum", 800)
    assert q.total_cents == 1800
    assert quote_of(station, table(minimum_cents=1800), destination="北京", weight_g=2500).total_cents == 2500


def test_volumetric_weight_wins_when_larger(station: Station) -> None:
    assert volumetric_grams((300, 200, 100), 6000) == 1000  # 30x20x10 cm / 6000 = 1 kg exactly
    assert volumetric_grams((301, 200, 100), 6000) == 1004  # rounded up to the gram
    light_big = quote_of(station, destination="广东", weight_g=700, dims_mm=(400, 300, 300))
    assert (light_big.volumetric_g, light_big.chargeable_g) == (6000, 6000)
    assert light_big.total_cents == 1000 + 5 * 200
    working = light_big.lines[1].text("en")
    assert "volumetric 40x30x30 cm / 6000 = 6 kg" in working and "actual 0.7 kg" in working
    heavy_small = quote_of(station, destination="广东", weight_g=3000, dims_mm=(100, 100, 100))
    assert (heavy_small.volumetric_g, heavy_small.chargeable_g, heavy_small.total_cents) == (167, 3000, 1400)
    no_divisor = quote_of(station, table(volumetric_divisor=0), weight_g=700, dims_mm=(400, 300, 300))
    assert no_divisor.volumetric_g is None and no_divisor.total_cents == 1000


def test_insurance_and_packaging(station: Station) -> None:
    q = quote_of(station, declared_value_cents=100_000, insured=True, packaging="box")
    assert [(line.code, line.amount_cents) for line in q.lines][-2:] == [
        ("insurance", 500),
        ("packaging", 300),
    ]
    assert q.total_cents == 1800
    small = quote_of(station, declared_value_cents=5_000, insured=True)
    assert small.lines[-1].amount_cents == 100  # 0.5% of 50.00 is 0.25: the minimum applies
    odd = quote_of(station, table(insurance_permille=3), declared_value_cents=12_345, insured=True)
    assert odd.lines[-1].amount_cents == 100  # 37.035 cents rounds up to 38, still under the minimum
    assert quote_of(station, declared_value_cents=100_000).total_cents == 1000  # declared, not insured
    with pytest.raises(Refused) as exc:
        quote_of(station, packaging="gift wrap")
    assert exc.value.code == "unknown_packaging"


@pytest.mark.parametrize(
    ("weight_g", "dims"),
    [(0, None), (-5, None), (100_001, None), (1000, (0, 10, 10)), (1000, (3001, 10, 10))],
)
def test_impossible_weights_and_sizes_are_refused(station: Station, weight_g: int, dims: Any) -> None:
    with pytest.raises(Refused):
        quote_of(station, weight_g=weight_g, dims_mm=dims)


def test_a_zone_table_tariff_for_a_western_carrier(station: Station) -> None:
    ups = tariff.load(station, "UPS")
    q = price(station, ups, destination="us", weight_g=1200)
    assert (q.destination, q.zone, q.total_cents) == ("US", "americas", 21000 + 2 * 5000)
    assert price(station, ups, destination="香港", weight_g=500).zone == "asia"  # a province's code
    with pytest.raises(Refused) as exc:
        price(station, ups, destination="BR", weight_g=500)
    assert "BR" in exc.value.message() and "US" in exc.value.message()


@pytest.mark.parametrize(
    ("changes", "words"),
    [
        ({"rounding": "sometimes"}, "rounding"),
        ({"zoning": "galaxy"}, "zoning"),
        ({"currency": "yuan"}, "currency"),
        ({"rates": {}}, "rates"),
        ({"remote": ["Atlantis"]}, "Atlantis"),
        ({"minimum_cents": -1}, "minimum_cents"),
        ({"minimum_cents": 12.5}, "minimum_cents"),
        ({"packaging": {"box": "3 yuan"}}, "packaging"),
    ],
)
def test_a_bad_table_is_refused_naming_the_key(changes: dict[str, Any], words: str) -> None:
    with pytest.raises(Refused) as exc:
        tariff.parse("SF", table(**changes))
    assert exc.value.code == "bad_tariff" and words in exc.value.message()


def test_a_province_tariff_needs_every_zone() -> None:
    body = table()
    del body["rates"]["remote"]
    with pytest.raises(Refused, match="remote"):
        tariff.parse("SF", body)


def test_every_builtin_table_parses() -> None:
    for code, body in rules.builtin("tariffs.toml").items():
        assert tariff.parse(code, body).rates


def test_the_manager_edits_a_tariff_as_a_new_audited_version(station: Station) -> None:
    staff(station)
    before = quote.quote(station, "SF", destination="北京", weight_g=1000)
    assert before.tariff_version == 0  # the built-in table
    with pytest.raises(PermissionDenied):
        tariff.set_tariff(station, "SF", table())
    as_manager(station)
    v1 = tariff.set_tariff(station, "sf", table())
    assert (v1.version, v1.scope) == (1, "SF")
    after = quote.quote(station, "SF", destination="北京", weight_g=1000)
    assert (after.tariff_version, after.total_cents) == (1, 1500)
    with pytest.raises(Refused) as exc:
        tariff.set_tariff(station, "SF", table())
    assert exc.value.code == "unchanged"
    v2 = tariff.set_tariff(station, "SF", table(minimum_cents=2000))
    assert v2.version == 2
    changes = [e.details for e in events(station, "tariff_changed")]
    assert [(c["version"], c["previous_version"]) for c in changes] == [(1, 0), (2, 1)]
    assert changes[1]["previous_sha256"] == v1.sha256
    # Newest first, down to the built-in table the sends before version 1 were priced with.
    assert [v.version for v in tariff.history(station, "SF")] == [2, 1, 0]
    assert tariff.load(station, "SF", version=1).minimum_cents == 0  # old versions stay readable
    assert tariff.load(station, "SF", version=0).sha256 == tariff.history(station, "SF")[-1].sha256


def test_a_tariff_made_from_a_version_another_manager_replaced_is_refused(station: Station) -> None:
    """Two managers each make a table from version 0; the second to store is refused (its table would
    replace the first's unseen) and stores nothing; made again from version 1 it is stored as 2."""
    staff(station)
    as_manager(station)
    there = replace(station, counter="counter-2", _cached=None)
    tariff.set_tariff(there, "SF", table(minimum_cents=800), based_on=0)
    with pytest.raises(Refused) as exc:
        tariff.set_tariff(station, "SF", table(grace_g=50), based_on=0)
    assert exc.value.code == "tariff_saved_meanwhile"
    assert "SF tariff: another counter or command saved a change" in exc.value.message()
    assert [v.version for v in tariff.history(station, "SF")] == [1, 0]
    assert len(events(station, "tariff_changed")) == 1
    again = tariff.set_tariff(station, "SF", table(minimum_cents=800, grace_g=50), based_on=1)
    assert again.version == 2


@pytest.mark.postgres_only
def test_two_tariffs_stored_at_once_give_one_version_and_one_refusal(
    station: Station, monkeypatch: pytest.MonkeyPatch
) -> None:
    """PostgreSQL: the other counter stores its version (own connection, to its commit) after this one
    checked the version it was made from and before it inserts the next: the two inserts race for
    version 1. The loser starts again, sees version 1 and refuses, never a database error or a lost one."""
    staff(station)
    as_manager(station)
    there = replace(station, counter="counter-2", _cached=None)
    main = threading.get_ident()
    theirs: list[object] = []

    def store_theirs_first(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        if threading.get_ident() == main and statement.startswith("INSERT INTO send_rule") and not theirs:
            worker = threading.Thread(
                target=lambda: theirs.append(
                    tariff.set_tariff(there, "SF", table(minimum_cents=800), based_on=0)
                )
            )
            worker.start()
            worker.join(timeout=60)

    event.listen(station.engine, "before_cursor_execute", store_theirs_first)
    try:
        with pytest.raises(Refused) as exc:
            tariff.set_tariff(station, "SF", table(grace_g=50), based_on=0)
    finally:
        event.remove(station.engine, "before_cursor_execute", store_theirs_first)
    assert exc.value.code == "tariff_saved_meanwhile"
    assert [getattr(v, "version", v) for v in theirs] == [1]
    history = tariff.history(station, "SF")
    assert [(v.version, v.body["minimum_cents"]) for v in history[:-1]] == [(1, 800)]
    assert [v.version for v in history] == [1, 0]


def test_a_tariff_in_another_currency_is_refused(station: Station) -> None:
    staff(station)
    as_manager(station)
    with pytest.raises(Refused) as exc:
        tariff.set_tariff(station, "SF", table(currency="USD"))
    assert "CNY" in exc.value.message()


def test_csv_rates_over_the_current_table() -> None:
    text = "zone,first_g,first_cents,step_g,step_cents\nsame,500,800,500,100\nnear,500,900,500,150\nfar,500,1000,500,200\nremote,500,2000,500,800\n"
    body = tariff.body_from_text(text, "csv", "SF", table())
    parsed = tariff.parse("SF", body)
    assert parsed.rates["same"] == tariff.Rate(500, 800, 500, 100) and parsed.insurance_min_cents == 100
    with pytest.raises(Refused, match="line 2"):
        tariff.body_from_text(
            "zone,first_g,first_cents,step_g,step_cents\nsame,1kg,8,1,1\n", "csv", "SF", table()
        )
    zoned = tariff.body_from_text(
        "zone,first_g,first_cents,step_g,step_cents,destinations\nasia,500,100,500,50,JP;KR\n",
        "csv",
        "UPS",
        {"currency": "CNY"},
    )
    assert tariff.parse("UPS", zoned).zones == {"JP": "asia", "KR": "asia"}


@pytest.mark.parametrize(
    ("name", "shown"),
    [
        ("L" * 5000, "LLLLLLLLLLLLLLLLLLLL…"),
        ("\x1b[31mzz\x1b[0m", "\\x1b[31mzz\\x1b[0m"),
        ("bell\x07", "bell\\x07"),
    ],
)
def test_a_zone_or_destination_that_cannot_be_read_whole_is_refused(name: str, shown: str) -> None:
    header = "zone,first_g,first_cents,step_g,step_cents,destinations\n"
    as_zone = tariff.body_from_text(
        f'{header}"{name}",500,100,500,50,JP\n', "csv", "UPS", {"currency": "CNY"}
    )
    as_destination = tariff.body_from_text(
        f'{header}asia,500,100,500,50,"{name}"\n', "csv", "UPS", {"currency": "CNY"}
    )
    for body in (as_zone, as_destination):
        with pytest.raises(Refused) as exc:
            tariff.parse("UPS", body)
        assert exc.value.code == "bad_tariff" and shown in exc.value.message()
    assert tariff.parse(
        "UPS", tariff.body_from_text(f"{header}{'z' * 40},1,1,1,1,JP\n", "csv", "UPS", {"currency": "CNY"})
    )


def test_no_tariff_for_a_carrier_without_one(station: Station) -> None:
    with pytest.raises(NotFound) as exc:
        quote.quote(station, "AMAZON", destination="北京", weight_g=1000)
    assert exc.value.code == "no_tariff"
