"""A person's name has one limit (`name_limit.NAME_MAX`) and one refusal naming it, in every service
that takes a typed name: a proxy, a runner, a courier who signed for returns, a clerk."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from shelf_helpers import place, wb
from station_helpers import act_as_new_clerk

from db.models import Role
from station_console import name_limit
from station_console.errors import Refused
from station_console.services.core.station import Station
from station_console.services.delivery import runs
from station_console.services.exceptions import return_batch_parcels, returns
from station_console.services.people import clerks
from station_console.services.pickup import proxy
from station_console.settings import StationSettings


def _proxy(_station: Station, name: str) -> object:
    return proxy.checked(proxy.Proxy(name=name, phone_tail="5678"), StationSettings())


def _runner(_station: Station, name: str) -> object:
    return runs.runner_of(name)


def _signer(station: Station, name: str) -> object:
    if not returns.list_batches(station, status="open"):
        place(station, wb(1), "5-1")
        return_batch_parcels.add(station, returns.open_batch(station, "JT").id, wb(1), recalled=True)
    return returns.close(station, returns.list_batches(station, status="open")[0].id, name)


def _clerk(station: Station, name: str) -> object:
    act_as_new_clerk(station, f"Boss {len(name)}", Role.MANAGER)  # a manager adds clerks
    return clerks.add_clerk(station, name, "1357")


TAKERS: dict[str, Callable[[Station, str], object]] = {
    "proxy": _proxy,
    "runner": _runner,
    "returns signer": _signer,
    "clerk": _clerk,
}


@pytest.mark.parametrize("taker", TAKERS.values(), ids=TAKERS.keys())
def test_a_name_past_the_one_limit_is_refused_naming_it(
    station: Station, monkeypatch: pytest.MonkeyPatch, taker: Callable[[Station, str], object]
) -> None:
    # A limit other than 64: a service with its own 64 (or its own words for it) shows here.
    monkeypatch.setattr(name_limit, "NAME_MAX", 40)
    with pytest.raises(Refused) as refused:
        taker(station, "Wang " + "x" * 36)  # 41 characters
    assert refused.value.message("en") == "A name is at most 40 characters."
    assert refused.value.message("zh") == "姓名最多 40 个字符。"
    taker(station, "Wang " + "x" * 35)  # 40: taken
