"""Money typed on the command line, each option read by the one money parser with its own limit:
`sendout quote/new --value`, `sendout new --expect`, `fees set --per-day/--cap`, `fees pay --expect`."""

from __future__ import annotations

import json

import pytest

from cli.conftest import AS_MANAGER
from cli.sendout_cli_helpers import ID

NO_AMOUNT = [
    ("1e9", "Not an amount of money: 1e9."),
    ("-1", "Not an amount of money: -1."),
    ("0.001", "An amount has at most two decimals: 0.001."),
    ("[/]", "Not an amount of money: [/]."),
]
HUGE = "9" * 5000
QUOTE = ["sendout", "quote", "--carrier", "SF", "--to", "新疆", "--weight", "1.2", "--json"]


def message(result) -> str:  # type: ignore[no-untyped-def]
    assert result.exit_code == 1, result.output
    return str(json.loads(result.stdout)["message"])


def test_a_declared_value_is_read_as_any_amount_up_to_its_limit(run) -> None:  # type: ignore[no-untyped-def]
    # It read a 5000-digit value as "An amount such as 12.50", and 2,000,000 as "cannot be negative".
    for typed, most in ((HUGE, f"{'9' * 19}…"), ("2000000", "2000000.")):
        said = message(run(*QUOTE, "--value", typed))
        assert said == f"An amount must be at most 1000000.00 CNY: {most}", said
    for typed, said in NO_AMOUNT:
        assert message(run(*QUOTE, "--value", typed)) == said
    taken = run(*QUOTE, "--value", "１２.５", "--insure")
    assert taken.exit_code == 0, taken.output
    insurance = [line for line in json.loads(taken.stdout)["lines"] if line["code"] == "insurance"]
    assert "declared 12.50" in insurance[0]["text"]


def test_an_expected_total_is_read_as_any_amount(run, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("STATION_SENDER_ID", ID)
    send = [
        *("sendout", "new", "--sender-name", "Zhang San", "--sender-phone", "13812345678"),
        *("--id-type", "resident", "--id-seen", "--to-name", "Wang Wu", "--to-phone", "13987654321"),
        *("--to", "新疆", "--address", "人民路 88 号", "--contents", "clothes", "--carrier", "SF"),
        *("--weight", "1.2", "--checked", "all", "--waybill", "SF1234567890123", "--pay", "cash", "--json"),
    ]
    said = message(run(*send, "--expect", HUGE))
    assert said == f"An amount must be at most 100000000.00 CNY: {'9' * 19}…", said
    for typed, said in NO_AMOUNT:
        assert message(run(*send, "--expect", typed)) == said
    # Taken as 12.50, which is not the price (44.00): refused as a changed price, nothing sent.
    assert "44.00" in message(run(*send, "--expect", "１２.５"))
    assert run(*send, "--value", "１２.５").exit_code == 0


def test_fee_amounts_are_read_as_any_amount_up_to_their_limits(run) -> None:  # type: ignore[no-untyped-def]
    fees = [*AS_MANAGER, "fees", "set", "x"]
    for option, most in (("--per-day", "10000.00"), ("--cap", "100000000.00")):
        refused = run(*fees, option, HUGE)
        assert refused.exit_code == 1
        assert refused.output == f"station: An amount must be at most {most} CNY: {'9' * 19}…\n", (
            refused.output
        )
        for typed, said in NO_AMOUNT:
            refused = run(*fees, option, typed)
            assert (refused.exit_code, refused.output) == (1, f"station: {said}\n")
    assert run(*fees, "--free-days", "0", "--per-day", "１２.５", "--cap", "１００").exit_code == 0
    assert (
        run("fees", "list").output
        == "x: every parcel; free days: 0, then 12.50 CNY a day; at most 100.00 CNY\n"
    )
    code = json.loads(run("checkin", "73000000000001", "--phone", "5678", "--json").output)["pickup_code"]
    for typed, said in [(HUGE, f"An amount must be at most 100000000.00 CNY: {'9' * 19}…"), *NO_AMOUNT]:
        refused = run("fees", "pay", code, "--method", "cash", "--expect", typed)
        assert (refused.exit_code, refused.output) == (1, f"station: {said}\n")
    paid = run("fees", "pay", code, "--method", "cash", "--expect", "１２.５")
    assert paid.exit_code == 0, paid.output
    assert "12.50" in paid.output
