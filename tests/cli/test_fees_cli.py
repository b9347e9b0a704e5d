"""`station fees` through click: storage fee rules set by a manager, kept against another counter's
save, and a fee paid (`fees pay`)."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from sqlmodel import select

from cli import carrierdata_cli_helpers as shared
from cli.carrierdata_cli_helpers import zto
from db.models import EventKind, ParcelEvent, PrintJob
from station_console.services.admin.setup import open_station

pytestmark = pytest.mark.new_station  # its own manager, boss, made as a first run
run, boss = shared.run, shared.boss  # the shared fixtures, as the tests name them


def test_fee_rules_need_a_manager_and_price_the_pickup(run, boss, db_url: str) -> None:  # type: ignore[no-untyped-def]
    refused = run("fees", "set", "standard", "--free-days", "0", "--per-day", "1.5", clerk=None)
    assert refused.exit_code == 1 and "manager" in refused.output
    assert run("fees", "set", "standard", "--free-days", "0", "--per-day", "1.5", clerk=boss).exit_code == 0
    bad = run("fees", "set", "x", "--per-day", "1.234", clerk=boss)
    assert bad.exit_code == 1 and "two decimals" in bad.output
    # Amounts too large are refused as the money parser refuses any amount: a full sentence, in the
    # reader's language (it read "Invalid value for --per-day: Must be at most 10000.00 CNY").
    for option, typed, most in (
        ("--per-day", "99999999999", "10000.00"),
        ("--cap", "99999999999", "100000000.00"),
    ):
        too_much = run("fees", "set", "x", option, typed, clerk=boss)
        assert too_much.exit_code == 1
        assert too_much.output == f"station: An amount must be at most {most} CNY: {typed}.\n", (
            too_much.output
        )
    zh = run("fees", "set", "x", "--per-day", "20000", clerk=boss, lang="zh")
    assert zh.exit_code == 1 and zh.output == "station: 金额不能大于 10000.00 元：20000。\n", zh.output
    assert "standard: every parcel; free days: 0, then 1.50 CNY a day" in run("fees", "list").output
    assert run("fees", "set", "big", "--size", "L", "--carrier", "zto", clerk=boss).exit_code == 0
    assert "big: Size: L, Carrier: ZTO; free days: 3" in run("fees", "list").output
    assert "big：尺寸：L、快递公司：ZTO；免费天数：3" in run("fees", "list", lang="zh").output
    assert run("fees", "remove", "big", clerk=boss).exit_code == 0
    unknown = run("fees", "set", "odd", "--carrier", "XXX", clerk=boss)
    assert unknown.exit_code == 1 and "Unknown carrier XXX" in unknown.output
    assert "odd" not in run("fees", "list").output

    code = json.loads(run("checkin", zto(1), "--phone", "5678", "--json").output)["pickup_code"]
    due = run("fees", "due", code)
    assert "Owed now: 1.50 CNY (1 day charged of 1 on the shelf" in due.output, due.output
    assert "计费 1 天" in run("fees", "due", code, lang="zh").output
    listed = run("pickup", code)
    assert "Storage fee due: 1.50 CNY" in listed.output
    blocked = run("pickup", code, "--confirm", zto(1))
    assert blocked.exit_code == 1 and "storage fee of 1.50 CNY is due" in blocked.output
    paid = run("pickup", code, "--confirm", zto(1), "--pay", "qr")
    assert paid.exit_code == 0 and "Picked up" in paid.output
    report = json.loads(run("report", "--format", "json").output)
    assert report["storage_fees"]["paid_cents"] == {"qr": 150}
    assert run("fees", "remove", "standard", clerk=boss).exit_code == 0
    assert "storage is free" in run("fees", "list").output


def test_a_fee_rule_saved_over_a_table_changed_meanwhile_is_refused(  # type: ignore[no-untyped-def]
    run, boss, db_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Another manager saves a rule between this command's read of the table and its save: this save
    is refused and the other rule stays (the table read before it was saved over it, losing it)."""
    from station_console.services.admin.settings import save_station_settings
    from station_console.services.fees import rules
    from station_console.settings import FeeRule

    assert run("fees", "set", "standard", "--free-days", "0", "--per-day", "1.5").exit_code == 0
    real = rules.with_rule

    def another_manager_meanwhile(settings, rule):  # type: ignore[no-untyped-def]
        other = open_station(db_url, clerk_name=boss[0], pin=boss[1])
        try:
            theirs = real(other.settings(), FeeRule(name="bulky", size="XL", free_days=1, per_day_cents=300))
            other.run(
                lambda session: save_station_settings(session, other, theirs, only={"storage_fee_rules"})
            )
        finally:
            other.engine.dispose()
        return real(settings, rule)

    monkeypatch.setattr(rules, "with_rule", another_manager_meanwhile)
    late = run("fees", "set", "cold", "--free-days", "1", "--per-day", "2")
    assert late.exit_code == 1, late.output
    assert (
        "Storage fee rules: another counter or command saved a change while this one was being made, so "
        "nothing was saved. Make the change again: it starts from what is saved now." in late.output
    ), late.output
    monkeypatch.setattr(rules, "with_rule", real)
    listed = run("fees", "list").output
    assert "standard:" in listed and "bulky:" in listed and "cold:" not in listed, listed
    assert run("fees", "set", "cold", "--free-days", "1", "--per-day", "2").exit_code == 0  # again: saved
    assert "bulky:" in run("fees", "list").output


@pytest.mark.parametrize("command", [("set", "standard", "--free-days", "2"), ("remove", "standard")])
def test_a_fee_rule_saved_keeps_what_another_counter_saved_since_it_was_read(  # type: ignore[no-untyped-def]
    run, boss, db_url: str, monkeypatch: pytest.MonkeyPatch, command: tuple[str, ...]
) -> None:
    """The command saved the whole settings it read a moment before: a station name another counter
    saved in that moment went back to the old one."""
    from station_console.services.admin.settings import save_station_settings
    from station_console.services.fees import rules

    assert run("fees", "set", "standard").exit_code == 0
    other = open_station(db_url, counter="counter-2", clerk_name=boss[0], pin=boss[1])

    def meanwhile(change):  # type: ignore[no-untyped-def]
        def changed(settings, *args):  # type: ignore[no-untyped-def]
            renamed = other.settings().model_copy(update={"station_name": "East Gate"})
            other.run(lambda s: save_station_settings(s, other, renamed, only={"station_name"}))
            return change(settings, *args)  # from the settings read before the rename

        return changed

    monkeypatch.setattr(rules, "with_rule", meanwhile(rules.with_rule))
    monkeypatch.setattr(rules, "without_rule", meanwhile(rules.without_rule))
    result = run("fees", *command)
    assert result.exit_code == 0, result.output
    other.engine.dispose()
    station = open_station(db_url)
    try:
        settings = station.settings()
        assert settings.station_name == "East Gate"
        assert [(r.name, r.free_days) for r in settings.storage_fee_rules] == (
            [("standard", 2)] if command[0] == "set" else []
        )
    finally:
        station.engine.dispose()


@pytest.mark.parametrize(
    ("lang", "says"), [("en", "Paid: 1.50 CNY by QR code."), ("zh", "已收费：1.50 元，付款方式：扫码。")]
)
def test_a_paid_fee_names_its_method_by_its_label(run, boss, lang: str, says: str) -> None:  # type: ignore[no-untyped-def]
    assert run("fees", "set", "standard", "--free-days", "0", "--per-day", "1.5", clerk=boss).exit_code == 0
    code = json.loads(run("checkin", zto(1), "--phone", "5678", "--json").output)["pickup_code"]
    paid = run("fees", "pay", code, "--method", "qr", lang=lang)
    assert paid.exit_code == 0 and paid.output.splitlines()[0] == says, paid.output


def test_a_paid_fee_says_its_receipt_and_prints_it_again_as_a_copy(run, boss) -> None:  # type: ignore[no-untyped-def]
    assert run("fees", "set", "standard", "--free-days", "0", "--per-day", "1.5", clerk=boss).exit_code == 0
    code = json.loads(run("checkin", zto(1), "--phone", "5678", "--json").output)["pickup_code"]
    paid = run("fees", "pay", code, "--method", "cash")
    assert paid.exit_code == 0, paid.output
    # No printer on this test counter: the receipt waits queued, and the clerk is told so.
    assert paid.output.splitlines()[1].startswith("No printer here takes receipts"), paid.output
    again = run("fees", "receipt", code, "--json")
    assert again.exit_code != 0 and "No printer is configured" in again.output, again.output


def test_a_rule_name_too_long_is_refused_as_every_name_is(run, boss) -> None:  # type: ignore[no-untyped-def]
    """A name of 65 characters read "Invalid value for Rule name: Must have at most 64 characters", the
    settings field's wording, not the one refusal every typed name gets."""
    name = "n" * 65
    for lang, says in (
        ("en", "station: A name is at most 64 characters.\n"),
        ("zh", "station: 姓名最多 64 个字符。\n"),
    ):
        refused = run("fees", "set", name, clerk=boss, lang=lang)
        assert (refused.exit_code, refused.output) == (1, says)
    assert name not in run("fees", "list").output


def test_a_fee_change_is_refused_as_a_managers_before_its_values_are_read(run, boss) -> None:  # type: ignore[no-untyped-def]
    """Nobody signed in, or a clerk, is told a manager is needed, as by every other manager command, not
    what is wrong with the amount, that no rule has that name, or that no parcel matches (nobody was
    told to sign in to look up parcels, a clerk "No parcel matches NOPE.")."""
    assert run("clerk", "add", "li", "--pin", "1357").exit_code == 0
    for clerk in (None, ("li", "1357")):
        for args, action in (
            (("fees", "set", "x", "--per-day", "abc"), "change settings"),
            (("fees", "remove", "no-such-rule"), "change settings"),
            (("fees", "waive", "NOPE", "--reason", "r"), "waive a storage fee"),
        ):
            refused = run(*args, clerk=clerk)
            assert (refused.exit_code, refused.output) == (
                1,
                f"station: Only a manager can {action}. Ask a manager to sign in.\n",
            ), (clerk, args)


def test_a_receipt_is_copied_by_its_number_and_audited_with_its_printer(run, db_url: str) -> None:  # type: ignore[no-untyped-def]
    """No --printer: the copy goes to the counter's printer that takes receipts, and its event says
    which. A number no receipt has: said, nothing queued, nothing audited."""
    Path(os.environ["STATION_CONFIG"]).write_text(
        '[printers.roll]\nlanguage = "pdf"\ntransport = "dummy"\ntarget = "roll"\n', encoding="utf-8"
    )
    assert run("fees", "set", "standard", "--free-days", "0", "--per-day", "1.5").exit_code == 0
    code = json.loads(run("checkin", zto(1), "--phone", "5678", "--json").output)["pickup_code"]
    paid = run("fees", "pay", code, "--method", "cash")
    assert paid.output.splitlines()[1] == "Fee receipt printing.", paid.output
    station = open_station(db_url)
    with station.read() as session:
        (receipt,) = [j for j in session.exec(select(PrintJob)) if j.payload.get("flow") == "fees"]
    number = receipt.payload["number"]
    again = run("fees", "receipt", number.lower())
    assert again.exit_code == 0 and again.output.startswith(f"Receipt {number} queued as print job"), (
        again.output
    )
    unknown = run("fees", "receipt", "FR999999", "--json")
    said = json.loads(unknown.stdout)
    assert unknown.exit_code == 1 and said == {
        "error": "no_fee_receipt",
        "message": "No storage fee receipt is numbered FR999999.",
    }
    with station.read() as session:
        events = session.exec(
            select(ParcelEvent).where(ParcelEvent.kind == EventKind.FEE_RECEIPT_REPRINTED)
        ).all()
    assert [e.details["printer"] for e in events] == ["roll"]
    station.engine.dispose()


@pytest.mark.parametrize(
    ("lang", "says"),
    [
        ("en", "FF000003 is a refund slip's number: refund slips are not printed again, only fee receipts"),
        ("zh", "FF000003 是退款单号：退款单不补打，只补打超期保管费收据（编号以 FR 开头）。"),
    ],
)
def test_a_refund_slips_number_is_said_as_one_not_as_no_parcel(run, lang: str, says: str) -> None:  # type: ignore[no-untyped-def]
    refused = run("fees", "receipt", "FF000003", lang=lang)
    assert refused.exit_code == 1 and says in refused.output, refused.output
    as_json = json.loads(run("fees", "receipt", "ff000003", "--json").stdout)
    assert as_json["error"] == "refund_slip"


def test_a_printer_setting_wrong_is_said_with_the_payment_that_stands(run) -> None:  # type: ignore[no-untyped-def]
    Path(os.environ["STATION_CONFIG"]).write_text(
        '[printers.roll]\nlanguage = "pdf"\ntransport = "dummy"\ntarget = "roll"\ndpi = 600\n',
        encoding="utf-8",
    )
    assert run("fees", "set", "standard", "--free-days", "0", "--per-day", "1.5").exit_code == 0
    code = json.loads(run("checkin", zto(1), "--phone", "5678", "--json").output)["pickup_code"]
    paid = run("fees", "pay", code, "--method", "cash")
    assert paid.exit_code == 0 and paid.output.splitlines()[0] == "Paid: 1.50 CNY by cash.", paid.output
    said = paid.output.splitlines()[1]
    assert said.startswith("Printer roll is misconfigured: Resolution (printers.roll.dpi) = 600"), said
    assert said.endswith(
        "The receipt waits in the print queue until that is fixed in Settings > Printers (F8)."
    ), said


def test_a_waybill_shaped_as_a_receipt_number_copies_its_parcels_receipt(run, db_url: str) -> None:  # type: ignore[no-untyped-def]
    """A DHL waybill `FR` and digits is a parcel's, not "no receipt numbered so", where no receipt has
    that number; where one does as well, both meanings are said and nothing is queued."""
    Path(os.environ["STATION_CONFIG"]).write_text(
        '[printers.roll]\nlanguage = "pdf"\ntransport = "dummy"\ntarget = "roll"\n', encoding="utf-8"
    )
    assert run("fees", "set", "standard", "--free-days", "0", "--per-day", "1.5").exit_code == 0
    for waybill in ("FR1234567890", "FR000002"):
        checked = run("checkin", waybill, "--carrier", "DHL", "--phone", "5678", "--json")
        assert checked.exit_code == 0, checked.output
        assert (
            run("fees", "pay", json.loads(checked.output)["pickup_code"], "--method", "cash").exit_code == 0
        )
    station = open_station(db_url)
    with station.read() as session:
        numbers = [
            j.payload["number"] for j in session.exec(select(PrintJob)) if j.payload.get("flow") == "fees"
        ]
    # A payment's receipt is numbered by its ledger entry (after the fee charged): the first parcel's
    # is FR000002, the second parcel's waybill.
    assert numbers == ["FR000002", "FR000004"], numbers
    station.engine.dispose()

    again = run("fees", "receipt", "FR1234567890")
    assert again.exit_code == 0 and again.output.startswith("Receipt FR000002 queued as print job"), (
        again.output
    )
    both = run("fees", "receipt", "FR000002", "--json")
    assert both.exit_code == 1 and json.loads(both.stdout) == {
        "error": "receipt_or_waybill",
        "message": "FR000002 is both fee receipt FR000002 and a parcel's waybill: give the pickup code of "
        "the parcel whose receipt you mean (its last receipt is copied).",
    }
    zh = run("fees", "receipt", "FR000002", lang="zh")
    assert zh.exit_code == 1 and "既是超期保管费收据 FR000002 的编号" in zh.output, zh.output
    station = open_station(db_url)
    with station.read() as session:
        copies = [j for j in session.exec(select(PrintJob)) if j.payload.get("copy")]
    assert len(copies) == 1, [j.payload for j in copies]
    station.engine.dispose()


def test_a_waybill_shaped_as_a_refund_slips_number_copies_its_parcels_receipt(run, db_url: str) -> None:  # type: ignore[no-untyped-def]
    """A waybill `FF` and digits is a parcel's where no refund slip has that number (it was refused as
    a refund slip before any parcel was looked up); where a slip has it, both meanings are said, as
    for a waybill shaped as a receipt's number, and nothing is queued."""
    Path(os.environ["STATION_CONFIG"]).write_text(
        '[printers.roll]\nlanguage = "pdf"\ntransport = "dummy"\ntarget = "roll"\n', encoding="utf-8"
    )
    assert run("fees", "set", "standard", "--free-days", "0", "--per-day", "1.5").exit_code == 0
    code = json.loads(run("checkin", zto(1), "--phone", "5678", "--json").output)["pickup_code"]
    assert run("pickup", code, "--confirm", zto(1), "--pay", "cash").exit_code == 0
    assert run("undo-pickup", zto(1)).exit_code == 0

    def fee_papers() -> list[dict[str, object]]:
        station = open_station(db_url)
        with station.read() as session:
            jobs = [j.payload for j in session.exec(select(PrintJob)) if j.payload.get("flow") == "fees"]
        station.engine.dispose()
        return jobs

    (slip,) = [str(p["number"]) for p in fee_papers() if p["paper"] == "fee_refund"]
    for waybill in ("FF1234567890", slip):
        checked = run("checkin", waybill, "--carrier", "DHL", "--phone", "5678", "--json")
        assert checked.exit_code == 0, checked.output
        assert (
            run("fees", "pay", json.loads(checked.output)["pickup_code"], "--method", "cash").exit_code == 0
        )
    receipts = [str(p["number"]) for p in fee_papers() if p["paper"] == "fee_receipt" and not p.get("copy")]
    assert len(receipts) == 3, receipts

    again = run("fees", "receipt", "ff1234567890")
    assert again.exit_code == 0 and again.output.startswith(f"Receipt {receipts[1]} queued as print job"), (
        again.output
    )
    # A slip that exists and is a waybill too: both meanings said, as for a receipt's number (the pickup
    # code names the parcel). It was refused as a slip alone, with no word of the parcel.
    both = run("fees", "receipt", slip, "--json")
    assert both.exit_code == 1 and json.loads(both.stdout) == {
        "error": "receipt_or_waybill",
        "message": f"{slip} is both refund slip {slip} (refund slips are not printed again) and a parcel's "
        "waybill: give the pickup code of the parcel whose receipt you mean (its last receipt is copied).",
    }
    zh = run("fees", "receipt", slip.lower(), lang="zh")
    assert (
        zh.exit_code == 1 and f"既是退款单 {slip} 的编号（退款单不补打），也是一个包裹的运单号" in zh.output
    ), zh.output
    refused = run("fees", "receipt", "FF999999", "--json")  # neither a slip nor a waybill
    assert refused.exit_code == 1 and json.loads(refused.stdout) == {
        "error": "refund_slip",
        "message": "FF999999 is a refund slip's number: refund slips are not printed again, only fee "
        "receipts (numbered FR).",
    }
    assert len([p for p in fee_papers() if p.get("copy")]) == 1
