"""E-waybill providers: the file exchange with a carrier's desktop client, and the fake; no network."""

from __future__ import annotations

import json
import stat
import threading
import time
from pathlib import Path

import pytest

from station_console.i18n import set_language
from station_console.services.sendout.providers import (
    EWaybill,
    EWaybillOrder,
    FakeProvider,
    FileProvider,
    ProviderFailed,
    make_provider,
)

ORDER = EWaybillOrder(
    carrier="SF",
    sender_name="Zhang San",
    sender_phone="13812345678",
    recipient_name="Wang Wu",
    recipient_phone="13987654321",
    destination="新疆",
    address="乌鲁木齐市人民路 88 号",
    contents="clothes",
    item_count=1,
    weight_g=1200,
    declared_value_cents=0,
    reference="ref-1",
)


def client(
    folder: Path, answer: dict[str, object], delay: float = 0.1, seen: list[dict[str, object]] | None = None
) -> threading.Thread:
    """The carrier's client: waits for the request file (what it read goes into `seen`, with the file's
    and its folder's modes), then writes its answer."""

    def run() -> None:
        request = folder / "requests" / "ref-1.json"
        for _ in range(100):
            if request.exists():
                break
            time.sleep(0.02)
        if seen is not None:
            names = [f.name for f in (folder / "requests").iterdir()]
            modes = (stat.S_IMODE(request.stat().st_mode), stat.S_IMODE(request.parent.stat().st_mode))
            seen.append(
                {"request": json.loads(request.read_text(encoding="utf-8")), "names": names, "modes": modes}
            )
        time.sleep(delay)
        (folder / "responses").mkdir(parents=True, exist_ok=True)
        (folder / "responses" / "ref-1.json").write_text(json.dumps(answer), encoding="utf-8")

    thread = threading.Thread(target=run)
    thread.start()
    return thread


def test_the_file_exchange_with_the_carrier_client(tmp_path: Path) -> None:
    seen: list[dict[str, object]] = []
    thread = client(tmp_path, {"waybill": "SF1234567890123", "sort_code": "755W-XJ"}, seen=seen)
    bill = FileProvider(tmp_path, timeout_s=3, poll_s=0.02).request(ORDER)
    thread.join()
    assert (bill.waybill, bill.sort_code, bill.reference) == ("SF1234567890123", "755W-XJ", "ref-1")
    sent = seen[0]["request"]
    assert isinstance(sent, dict)
    assert (sent["carrier"], sent["recipient_phone"], sent["weight_g"]) == ("SF", "13987654321", 1200)
    assert seen[0]["names"] == ["ref-1.json"]  # written whole, renamed
    # names, phones, addresses: readable by the station's user only
    assert seen[0]["modes"] == (0o600, 0o700)
    # Answered: neither the request (both full phones) nor the answer is left in the folder.
    assert list((tmp_path / "requests").iterdir()) == [] and list((tmp_path / "responses").iterdir()) == []
    FileProvider(tmp_path).cancel(bill)
    assert json.loads((tmp_path / "cancels" / "ref-1.json").read_text()) == {
        "carrier": "SF",
        "waybill": "SF1234567890123",
    }


def test_the_clients_sort_code_is_one_short_line_of_text(tmp_path: Path) -> None:
    # The answer file is the client's text, stored with the print job and printed large: data, one line.
    noisy = "\x1b[2J755W\x00-XJ\n[b]" + "W" * 5000
    thread = client(tmp_path, {"waybill": "SF1234567890123", "sort_code": noisy})
    bill = FileProvider(tmp_path, timeout_s=3, poll_s=0.02).request(ORDER)
    thread.join()
    assert bill.sort_code is not None and len(bill.sort_code) <= 40
    assert bill.sort_code.startswith("755W -XJ [b]WWW") and bill.sort_code.isprintable()


def test_a_refusal_and_silence_are_clean_failures(tmp_path: Path) -> None:
    thread = client(tmp_path, {"error": "account suspended"})
    with pytest.raises(ProviderFailed, match="account suspended"):
        FileProvider(tmp_path, timeout_s=3, poll_s=0.02).request(ORDER)
    thread.join()
    # A refusal is an answer too: the request with its phones does not stay behind.
    assert list((tmp_path / "requests").iterdir()) == [] and list((tmp_path / "responses").iterdir()) == []
    with pytest.raises(ProviderFailed) as exc:
        FileProvider(tmp_path / "nobody", timeout_s=0.2, poll_s=0.02).request(
            EWaybillOrder(**{**ORDER.__dict__, "reference": "ref-2"})
        )
    assert "No answer from the e-waybill client" in exc.value.message()


def test_the_clients_refusal_is_one_short_line_of_text(tmp_path: Path) -> None:
    # Its reason is said on the send screen and on a terminal: no escape or line break of the client's
    # reaches either, and markup-looking text stays the text it is.
    noisy = "\x1b[2J\x1b]0;owned\x07account\x00 [b]suspended[/b]\r\nretry" + "W" * 500
    thread = client(tmp_path, {"error": noisy})
    with pytest.raises(ProviderFailed) as exc:
        FileProvider(tmp_path, timeout_s=3, poll_s=0.02).request(ORDER)
    thread.join()
    said = exc.value.message()
    assert said.startswith("The e-waybill service refused: account [b]suspended[/b] retryWWW")
    assert said.isprintable() and len(exc.value.params["reason"]) == 120


@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize(
    "answer", [{}, {"sort_code": "755W"}, {"error": "", "waybill": ""}, {"error": "\x1b[2J\r\n"}, [], "ok", 7]
)
def test_an_answer_with_neither_number_nor_reason_says_what_to_check(
    tmp_path: Path, answer: object, lang: str
) -> None:
    """It was refused for the reason "None" (no error in a dict) or the untranslated "bad answer" (not a
    dict): nothing the clerk could act on, nor say to the carrier's support."""
    set_language(lang)
    (tmp_path / "responses").mkdir()
    (tmp_path / "responses" / "ref-1.json").write_text(json.dumps(answer), encoding="utf-8")
    with pytest.raises(ProviderFailed) as exc:
        FileProvider(tmp_path, timeout_s=3, poll_s=0.02).request(ORDER)
    said = exc.value.message()
    if lang == "zh":
        assert said.startswith("电子面单客户端的回应既没有单号也没有原因（文件夹 ") and "请检查" in said
    else:
        assert said.startswith("The e-waybill client answered neither a number nor a reason (folder ")
        assert "no number was taken. Check the carrier's client, then send again." in said
    assert str(tmp_path) in said and "None" not in said and "bad answer" not in said


def test_a_request_given_up_on_is_withdrawn(tmp_path: Path) -> None:
    """The client down: its request (full phones) does not wait there for it to come up and issue a number
    for a send never recorded; a cancel with no number follows it for a client that had taken it."""
    with pytest.raises(ProviderFailed, match="No answer"):
        FileProvider(tmp_path, timeout_s=0.2, poll_s=0.02).request(ORDER)
    assert list((tmp_path / "requests").iterdir()) == []
    assert json.loads((tmp_path / "cancels" / "ref-1.json").read_text()) == {"carrier": "SF", "waybill": None}


def test_an_unreadable_answer_is_said_as_one(tmp_path: Path) -> None:
    (tmp_path / "responses").mkdir()
    (tmp_path / "responses" / "ref-1.json").write_text("<html>502 Bad Gateway", encoding="utf-8")
    with pytest.raises(ProviderFailed) as exc:
        FileProvider(tmp_path, timeout_s=0.2, poll_s=0.02).request(ORDER)
    assert "answer could not be read" in exc.value.message()
    assert list((tmp_path / "requests").iterdir()) == []


def test_the_fake_issues_numbers_in_each_carriers_shape(station) -> None:  # type: ignore[no-untyped-def]
    from station_console.services.scan.carriers import get_detector

    fake = FakeProvider()
    detector = get_detector(station)
    for carrier in ("SF", "JT", "YTO", "ZTO", "DPK", "CAINIAO", "YUNDA", "STO", "EMS"):
        bill = fake.request(EWaybillOrder(**{**ORDER.__dict__, "carrier": carrier}))
        found = detector.detect(bill.waybill, batch=carrier)
        assert carrier in {c.carrier for c in found.candidates}, (carrier, bill.waybill)
    with pytest.raises(ProviderFailed):
        fake.request(EWaybillOrder(**{**ORDER.__dict__, "carrier": "UPS"}))
    fake.cancel(EWaybill("SF", "SF0000000000001", "ref"))
    assert fake.cancelled == ["SF0000000000001"]


def test_the_counter_setting_picks_the_provider(tmp_path: Path) -> None:
    assert make_provider({}) is None
    assert isinstance(make_provider({"kind": "fake"}), FakeProvider)
    built = make_provider({"kind": "file", "dir": str(tmp_path), "timeout_s": 5})
    assert isinstance(built, FileProvider) and built.folder == tmp_path and built.timeout_s == 5
    for bad in ({"kind": "file"}, {"kind": "carrier-pigeon"}):
        with pytest.raises(ProviderFailed):
            make_provider(bad)
