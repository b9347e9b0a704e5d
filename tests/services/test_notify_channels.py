"""Delivery through real servers on loopback: aiosmtpd for e-mail, http.server as an SMS gateway."""

from __future__ import annotations

import pytest
from checkin_helpers import configure
from conftest import FakeClock
from notify_helpers import checkin, http_gateway, smtp_server

from station_console.i18n import set_language
from station_console.services import notify
from station_console.services.core.station import Station
from station_console.services.notify import sender
from station_console.services.notify.channels import ChannelError, SmtpChannel, WebhookChannel, make_channel
from station_console.services.notify.templates import Message
from station_console.stored_messages import stored_text, to_store


def use_smtp(station: Station, port: int, lang: str = "both") -> None:
    configure(
        station,
        notify_channel="smtp",
        smtp_host="127.0.0.1",
        smtp_port=port,
        smtp_security="none",
        smtp_from="station@example.com",
        notify_language=lang,
    )


@pytest.mark.parametrize(
    ("lang", "expect", "absent"),
    [
        ("zh", ["取件码", "营业时间", "货架"], ["Pickup code"]),
        ("en", ["Pickup code", "Opening hours: 08:00-20:00", "Please collect by 2026-12-02"], ["取件码"]),
        ("both", ["取件码", "Pickup code"], []),
    ],
)
def test_smtp_delivers_the_code_in_the_chosen_language(
    station: Station, clock: FakeClock, lang: str, expect: list[str], absent: list[str]
) -> None:
    configure(station, station_name="Campus Station", opening_hours="08:00-20:00")
    code = checkin(station, 1, phone=None, email="wang@example.com").pickup_code
    clock.advance(seconds=121)
    with smtp_server() as (sink, port):
        use_smtp(station, port, lang)
        result = notify.run_once(station)
    assert result.messages == 1
    (mail,) = sink.mails
    assert mail["To"] == "wang@example.com" and mail["From"] == "station@example.com"
    body = mail.get_content()
    assert code in body and "Campus Station" in mail["Subject"]
    shelf, layer = code.split("-")[:2]
    assert f"{shelf}-{layer}" in body  # location hint
    for text in expect:
        assert text in body
    for text in absent:
        assert text not in body


def test_smtp_refusing_then_accepting_delivers_each_message_once(station: Station, clock: FakeClock) -> None:
    checkin(station, 1, phone=None, email="a@example.com")
    checkin(station, 2, phone=None, email="b@example.com")
    clock.advance(seconds=121)
    with smtp_server(refuse=1) as (sink, port):
        use_smtp(station, port)
        first = notify.run_once(station)
        assert first.error and "451" in first.error and sink.mails == []
        clock.advance(seconds=31)
        second = notify.run_once(station)
        assert second.messages == 2
        clock.advance(hours=1)
        assert notify.run_once(station).messages == 0
    assert sorted(m["To"] for m in sink.mails) == ["a@example.com", "b@example.com"]
    assert sink.attempts == 3


def test_smtp_server_down_keeps_the_message_for_later(station: Station, clock: FakeClock) -> None:
    checkin(station, 1, phone=None, email="a@example.com")
    clock.advance(seconds=121)
    with smtp_server() as (_sink, port):
        pass  # stopped: nothing listens on the port any more
    use_smtp(station, port)
    result = notify.run_once(station)
    assert result.failed and result.error
    (row,) = notify.list_outbox(station)
    assert row.status == "failed" and row.next_attempt_at is not None


def test_webhook_posts_json_with_the_secret_and_the_key(
    station: Station, clock: FakeClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    codes = [checkin(station, n).pickup_code for n in range(2)]
    clock.advance(seconds=121)
    monkeypatch.setenv("STATION_WEBHOOK_SECRET", "s3cret")
    with http_gateway() as (gateway, url):
        configure(station, notify_channel="webhook", webhook_url=url, notify_language="zh")
        result = notify.run_once(station)
    assert result.messages == 1 and len(result.sent) == 2
    (request,) = gateway.requests
    body = request["body"]
    assert body["to"] == "13812345678" and sorted(body["codes"]) == sorted(codes)
    assert request["headers"]["Idempotency-Key"] == body["idempotency_key"]
    assert all(code in body["text"] for code in codes) and "2件包裹" in body["text"]


def test_webhook_refusing_then_accepting_delivers_each_message_exactly_once(
    station: Station, clock: FakeClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    for n, phone in enumerate(["13800000001", "13800000002", "13800000003"]):
        checkin(station, n, phone=phone)
    clock.advance(seconds=121)
    monkeypatch.setenv("STATION_WEBHOOK_SECRET", "s3cret")
    with http_gateway(refuse=2) as (gateway, url):
        configure(station, notify_channel="webhook", webhook_url=url)
        for _ in range(5):
            notify.run_once(station)
            clock.advance(minutes=2)
    assert len(gateway.requests) == 5  # two refused, three accepted
    assert sorted(b["to"] for b in gateway.delivered.values()) == [
        "13800000001",
        "13800000002",
        "13800000003",
    ]
    assert {r.status for r in notify.list_outbox(station)} == {"sent"}


def test_webhook_crash_after_send_resends_the_same_key_and_the_gateway_drops_it(
    station: Station, clock: FakeClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    checkin(station, 1)
    clock.advance(seconds=121)
    monkeypatch.setenv("STATION_WEBHOOK_SECRET", "s3cret")
    with http_gateway() as (gateway, url):
        configure(station, notify_channel="webhook", webhook_url=url)
        channel = make_channel(station.settings())
        assert isinstance(channel, WebhookChannel)
        (group,) = sender.claim(station, channel)
        channel.send(sender.message_for(station, group))  # sent; the process dies before marking it
        clock.advance(minutes=11)
        result = notify.run_once(station)
    assert result.recovered == group.ids and result.messages == 1
    assert len(gateway.requests) == 2 and len(gateway.delivered) == 1  # same key twice, delivered once


def test_webhook_wrong_secret_is_a_permanent_failure(station: Station, clock: FakeClock) -> None:
    checkin(station, 1)
    clock.advance(seconds=121)
    with http_gateway() as (_gateway, url):
        result = notify.run_once(station, WebhookChannel(url, secret="wrong"))
    assert result.gave_up and not result.failed
    (row,) = notify.list_outbox(station)
    assert row.next_attempt_at is None and "401" in (row.last_error or "")


def test_smtp_channel_uses_starttls_when_asked(station: Station, clock: FakeClock) -> None:
    # The loopback server offers no STARTTLS: the channel must fail rather than send in clear.
    checkin(station, 1, phone=None, email="a@example.com")
    clock.advance(seconds=121)
    with smtp_server() as (sink, port):
        result = notify.run_once(station, SmtpChannel("127.0.0.1", port, security="starttls"))
    assert result.error and "STARTTLS" in result.error and sink.mails == []


def test_a_refused_address_is_said_in_the_readers_language_without_the_address(
    station: Station, clock: FakeClock
) -> None:
    """Our sentence is kept by message id (read in English or Chinese); the server's answer is data; the
    address itself is not repeated (the outbox shows recipients masked)."""
    checkin(station, 1, phone=None, email="gone@example.com")
    clock.advance(seconds=121)
    with smtp_server() as (sink, port):
        sink.unknown.add("gone@example.com")
        use_smtp(station, port)
        result = notify.run_once(station)
    assert result.gave_up and sink.mails == []
    (row,) = notify.list_outbox(station)
    assert row.last_error == "The mail server refused the recipient's address: 550 5.1.1 mailbox unavailable"
    set_language("zh")
    (row,) = notify.list_outbox(station)
    assert row.last_error == "邮件服务器拒收收件地址：550 5.1.1 mailbox unavailable"
    assert "gone@" not in row.last_error


def test_a_gateways_refusal_and_an_unreachable_gateway_read_in_chinese(
    station: Station, clock: FakeClock
) -> None:
    checkin(station, 1)
    clock.advance(seconds=121)
    with http_gateway() as (_gateway, url):
        refused = notify.run_once(station, WebhookChannel(url, secret="wrong"))
    assert refused.gave_up
    (row,) = notify.list_outbox(station)
    assert row.last_error == "The SMS gateway answered HTTP 401 Unauthorized"
    set_language("zh")
    (row,) = notify.list_outbox(station)
    assert row.last_error == "短信网关回复 HTTP 401 Unauthorized"
    checkin(station, 2, phone="13800000002")
    clock.advance(seconds=121)
    down = notify.run_once(station, WebhookChannel(url, secret="s3cret"))  # nothing listens now
    # The system's English ('[Errno 111] Connection refused') said in the clerk's words.
    assert down.error == f"无法连接短信网关 {url}：连接被拒绝"
    newest = notify.list_outbox(station)[0]
    assert newest.status == "failed" and newest.last_error == f"无法连接短信网关 {url}：连接被拒绝"
    set_language("en")
    newest = notify.list_outbox(station)[0]
    assert newest.last_error == f"Cannot reach the SMS gateway {url}: the connection was refused"


def sample_message() -> Message:
    return Message(to="13800000001", subject="s", body="b", idempotency_key="k1", codes=("1-1-1001",))


def test_an_unreachable_mail_server_and_an_unknown_host_read_in_chinese() -> None:
    set_language("zh")
    with smtp_server() as (_sink, port):
        pass  # stopped: nothing listens on the port any more
    refused = SmtpChannel("127.0.0.1", port, security="none")
    with pytest.raises(ChannelError) as caught:
        refused.send(sample_message())
    assert stored_text(to_store(caught.value.message)) == f"无法连接邮件服务器 127.0.0.1:{port}：连接被拒绝"
    nowhere = WebhookChannel("http://no-such-host.invalid/hook")
    with pytest.raises(ChannelError) as caught:
        nowhere.send(sample_message())
    assert stored_text(to_store(caught.value.message)) == (
        "无法连接短信网关 http://no-such-host.invalid/hook：网络上找不到这个名称的服务器"
    )
