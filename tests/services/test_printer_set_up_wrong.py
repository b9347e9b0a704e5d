"""One printer set up wrong in counter.toml stops that printer only: the counter's other printers take
their jobs, and the wrong one is said by name, with what is wrong and where to fix it."""

from __future__ import annotations

from typing import Any

import pytest
from test_printing import add_parcel, jobs

from hardware.printers import DummyTransport
from station_console.errors import Refused
from station_console.i18n import set_language
from station_console.services.core.station import Station
from station_console.services.printing import jobs as printing
from station_console.services.printing import printers, sending
from station_console.settings import CounterSettings

GOOD = {"language": "tspl", "transport": "dummy", "target": "labels"}
GOOD_ROLL = {"language": "escpos", "transport": "dummy", "target": "roll"}
WRONG = "Printer {name} is misconfigured: Resolution (printers.{name}.dpi) = 600: use 203 or 300."
FIX = " Fix it in Settings > Printers (F8)."


def label_printer_and_a_wrong_roll() -> CounterSettings:
    return CounterSettings(
        counter="test-counter",
        printer={"name": "labels", **GOOD},
        printers={"labels": GOOD, "roll": {**GOOD_ROLL, "dpi": 600}},
    )


def test_the_good_printer_prints_while_the_wrong_one_is_said(station: Station) -> None:
    DummyTransport.forget_all()
    settings = label_printer_and_a_wrong_roll()
    counter = printers.counter_printers(settings)
    assert [p.name for p in counter.printers] == ["labels"]
    assert [f.message("en") for f in counter.faults] == [WRONG.format(name="roll") + FIX]
    assert [f.message("zh") for f in counter.faults] == [
        "打印机 roll 配置有误：分辨率（printers.roll.dpi） = 600：请使用 203 或 300。"
        "请在“设置 > 打印机”（F8）中改正。"
    ]
    add_parcel(station, "SF1234567890123", "1-1-1001")
    printers.check_printable(settings, "label")  # not refused for the roll's fault
    assert printers.takes(settings, "label")
    takes = printers.unassigned_kinds(counter.printers)
    [labels] = counter.printers
    assert len(sending.process_queue(station, labels, unassigned=takes["labels"], lang="en").printed) == 1
    assert b'"1-1-1001"' in DummyTransport.named("labels").sent[0]
    assert DummyTransport.named("roll").sent == []
    # A receipt only the wrong roll would print waits for its fix, and the clerk reads which and why.
    waits = printers.receipt_waits(settings)
    assert waits is not None and waits.message("en") == WRONG.format(name="roll") + (
        " The receipt waits in the print queue until that is fixed in Settings > Printers (F8)."
    )
    assert printers.receipt_printer(settings) is None


def test_a_good_receipt_printer_takes_receipts_beside_a_wrong_label_printer(station: Station) -> None:
    DummyTransport.forget_all()
    settings = CounterSettings(
        counter="test-counter",
        printer={"name": "labels", **GOOD, "dpi": 600},
        printers={"labels": {**GOOD, "dpi": 600}, "roll": {**GOOD_ROLL, "jobs": ["receipt"]}},
    )
    assert printers.receipt_waits(settings) is None
    assert printers.receipt_printer(settings) == "roll"
    printers.check_printable(settings, "receipt")
    with pytest.raises(Refused) as label:  # a label now would wait for the label printer's fix
        printers.check_printable(settings, "label")
    assert label.value.code == "bad_printer"  # the default's own section named
    assert (
        label.value.message("en") == WRONG.format(name="labels").replace("printers.labels", "printer") + FIX
    )
    parcel = add_parcel(station, "SF1234567890123", "1-1-1001", queue=False)
    job = station.run(lambda s: printing.queue_receipt(s, station, [parcel]))
    [roll] = printers.counter_printers(settings).printers
    takes = printers.unassigned_kinds([roll])
    assert sending.process_queue(station, roll, unassigned=takes["roll"], lang="en").printed == [job.id]
    assert len(DummyTransport.named("roll").sent) == 1 and [j.status for j in jobs(station)] == ["printed"]


def test_settings_say_the_wrong_printer_and_the_codes_of_the_others(station: Station) -> None:
    set_language("en")
    said = printers.scanner_needs(station, label_printer_and_a_wrong_roll())
    assert said.startswith(WRONG.format(name="roll") + FIX + " Labels here carry Code 128 barcodes"), said
    only = CounterSettings(printers={"roll": {**GOOD_ROLL, "dpi": 600}})
    assert printers.scanner_needs(station, only) == WRONG.format(name="roll") + FIX


def test_a_save_refuses_the_printer_it_sets_up_wrong_not_one_it_leaves(station: Station) -> None:
    before = label_printer_and_a_wrong_roll()
    another: dict[str, Any] = {**before.printers, "desk": {**GOOD, "target": "desk"}}
    printers.check_saved_printers(before, before.model_copy(update={"printers": another}))
    fixed = {**before.printers, "roll": GOOD_ROLL}
    printers.check_saved_printers(before, before.model_copy(update={"printers": fixed}))
    wrong_desk = {**before.printers, "desk": {**GOOD, "dpi": 250}}
    with pytest.raises(Refused) as err:
        printers.check_saved_printers(before, before.model_copy(update={"printers": wrong_desk}))
    assert err.value.params["name"] == "desk"
    with pytest.raises(Refused) as default:  # the wrong roll made the default: its section changes
        printers.check_saved_printers(
            before, before.model_copy(update={"printer": {"name": "roll", **before.printers["roll"]}})
        )
    assert default.value.params["name"] == "roll"


def test_a_label_waiting_for_several_wrong_printers_names_each_that_could_take_it() -> None:
    """Two label printers set up wrong: only the first was named, so fixing it left the labels waiting,
    for the second without a word. A wrong roll that takes receipts only is not one they wait for."""
    settings = CounterSettings(
        counter="test-counter",
        printers={
            "front": {**GOOD, "dpi": 600},
            "back": {**GOOD, "dpi": 600},
            "roll": {**GOOD_ROLL, "dpi": 600, "jobs": ["receipt"]},
        },
    )
    with pytest.raises(Refused) as err:
        printers.check_printable(settings, "label")
    assert err.value.code == "bad_printer" and err.value.params["name"] == "front"
    assert err.value.message("en") == (
        WRONG.format(name="front")
        + " "
        + WRONG.format(name="back")
        + " Fix them in Settings > Printers (F8)."
    )
    assert err.value.message("zh") == (
        "打印机 front 配置有误：分辨率（printers.front.dpi） = 600：请使用 203 或 300。"
        "打印机 back 配置有误：分辨率（printers.back.dpi） = 600：请使用 203 或 300。"
        "请在“设置 > 打印机”（F8）中逐一改正。"
    )
    # A receipt waits for the roll alone: the label printers would never print it (TSPL).
    waits = printers.receipt_waits(settings)
    assert waits is not None and waits.message("en") == WRONG.format(name="roll") + (
        " The receipt waits in the print queue until that is fixed in Settings > Printers (F8)."
    )


def test_past_three_wrong_printers_the_rest_are_counted() -> None:
    names = ["a", "b", "c", "d", "e"]
    settings = CounterSettings(counter="test-counter", printers={n: {**GOOD, "dpi": 600} for n in names})
    with pytest.raises(Refused) as err:
        printers.check_printable(settings, "label")
    said = err.value.message("en")
    assert said == " ".join(WRONG.format(name=n) for n in "abc") + (
        " And 2 more printers are misconfigured. Fix them in Settings > Printers (F8)."
    )
    assert err.value.message("zh").endswith("打印机配置有误。请在“设置 > 打印机”（F8）中逐一改正。")
    assert "另有 2 台" in err.value.message("zh")
    four = CounterSettings(counter="test-counter", printers={n: {**GOOD, "dpi": 600} for n in names[:4]})
    with pytest.raises(Refused) as one_more:
        printers.check_printable(four, "label")
    assert one_more.value.reason("en").endswith(" And 1 more printer is misconfigured.")
    # A receipt waits for none of them (TSPL prints no receipts): for a printer that takes receipts.
    waits = printers.receipt_waits(four)
    assert waits is not None and waits.message("en") == (
        "No printer here takes receipts: it waits until one is added in Settings > Printers (F8)."
    )


def test_a_name_no_printer_can_have_stops_that_printer_only_and_is_refused_on_save() -> None:
    """A printer's name is 1 to 40 printable characters: one 5,000 long, or with a line break or an
    escape in it, is said cut and escaped, and a save that adds one is refused by the rule."""
    long, broken = "P" * 5000, "front\ndesk"
    settings = CounterSettings(printers={"labels": GOOD, long: GOOD, broken: GOOD, "前台 2.0": GOOD_ROLL})
    counter = printers.counter_printers(settings)
    assert [p.name for p in counter.printers] == ["labels", "前台 2.0"]
    rule = (
        "its name is not one a printer can have: 1 to 40 printable characters, no control characters or "
        "line breaks."
    )
    assert [f.message("en") for f in counter.faults] == [
        f"Printer {'P' * 40}… is misconfigured: {rule}{FIX}",
        f"Printer front\\x0adesk is misconfigured: {rule}{FIX}",
    ]
    before = CounterSettings(printers={"labels": GOOD})
    for name in (long, broken, "", "   ", "desk\x1b[31m", "desk\u200b"):
        with pytest.raises(Refused) as refused:
            printers.check_saved_printers(before, before.model_copy(update={"printers": {name: GOOD}}))
        assert refused.value.code == "bad_printer_name"
        assert len(refused.value.message("en")) < 200 and "\n" not in refused.value.message("en")
    assert refused.value.message("en") == (
        "Printer desk\\u200b cannot be saved: a printer's name is 1 to 40 printable characters, no control "
        "characters or line breaks."
    )
    assert refused.value.message("zh") == (
        "无法保存打印机 desk\\u200b：打印机名称为 1 到 40 个可打印字符，不能含控制字符或换行。"
    )
    with pytest.raises(Refused) as as_default:  # the default's name is a printer's name too
        printers.check_saved_printers(before, before.model_copy(update={"printer": {"name": broken, **GOOD}}))
    assert as_default.value.code == "bad_printer_name"
    # One set up so by hand and left as it was does not stop the manager saving another printer.
    printers.check_saved_printers(
        settings, settings.model_copy(update={"printers": {**settings.printers, "x": GOOD}})
    )
    printers.check_saved_printers(before, before.model_copy(update={"printers": {"D" * 40: GOOD}}))


def test_two_names_alike_in_their_first_40_characters_are_two_printers_set_up_wrong() -> None:
    """Both are said alike, cut at 40 characters, but each keeps its own settings: a receipt waits
    for the one that takes receipts (not refused as one no printer here prints). A save that changes
    either one's settings is refused by the name rule first (`check_saved_printers`): both are said
    cut alike, so which one it names is not told apart here."""
    stem = "P" * 40
    receipts, labels = f"{stem}-receipts", f"{stem}-labels"
    settings = CounterSettings(
        printers={receipts: {**GOOD_ROLL, "jobs": ["receipt"]}, labels: {**GOOD, "jobs": ["label"]}}
    )
    counter = printers.counter_printers(settings)
    assert counter.fault_settings == {
        receipts: settings.printers[receipts],
        labels: settings.printers[labels],
    }
    rule = (
        "its name is not one a printer can have: 1 to 40 printable characters, no control characters or "
        "line breaks."
    )
    with pytest.raises(Refused) as waits:
        printers.check_printable(settings, "receipt")
    assert waits.value.code == "bad_printer"
    assert waits.value.message("en") == f"Printer {stem}… is misconfigured: {rule}{FIX}"
    # The receipt printer left as it was and the label printer's size changed: refused by the rule.
    changed = settings.model_copy(
        update={"printers": {**settings.printers, labels: {**settings.printers[labels], "size": "50x30"}}}
    )
    with pytest.raises(Refused) as saved:
        printers.check_saved_printers(settings, changed)
    assert saved.value.code == "bad_printer_name"


def test_a_quote_in_a_printers_name_is_escaped_in_the_section_said() -> None:
    """Any printable name may be saved (`Front "A"`): the section its wrong setting is said in is the
    one counter.toml holds, the quote escaped as TOML writes it."""
    counter = printers.counter_printers(CounterSettings(printers={'Front "A"': {**GOOD, "dpi": 600}}))
    assert [f.reason("en") for f in counter.faults] == [
        'Printer Front "A" is misconfigured: Resolution (printers."Front \\"A\\"".dpi) = 600: use 203 or 300.'
    ]
