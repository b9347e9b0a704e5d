"""Send-out's sender: a phone typed or scanned into its field is looked up, and the lookup's answer moves
the focus on from the phone field, never from the field the clerk went on to while it ran; a phone
scanned anywhere else is refused, never a waybill."""

from __future__ import annotations

import threading

import pytest
from security.helpers import accept_send
from textual.widgets import Input, Select

from station_console.i18n import set_language
from station_console.services.core.station import Station
from station_console.services.sendout import senders
from station_console.tui.app import StationApp
from station_console.tui.scanner_bridge import ScannerBridge
from station_console.tui.widgets.wedge import KeyRouter
from tui import quiet
from tui.sendout_driver import accept_send as accept_at_counter
from tui.sendout_driver import at_sendout, fill, sends, text_of, until


def slow_lookup(monkeypatch: pytest.MonkeyPatch) -> tuple[threading.Event, threading.Event]:
    """The sender lookup held like a slow database: `asked` is set as it starts, and it answers (the real
    lookup's answer) once the test sets `answer`."""
    asked, answer = threading.Event(), threading.Event()
    lookup = senders.find_sender

    def slow(*args: object, **kwargs: object) -> senders.SenderInfo | None:
        asked.set()
        assert answer.wait(quiet.TIMEOUT)  # else the lookup answered before the test let it
        return lookup(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(senders, "find_sender", slow)
    return asked, answer


@pytest.mark.parametrize("moved_on", [True, False])
@pytest.mark.first_mode("sendout")
async def test_the_sender_lookup_moves_the_focus_only_from_the_phone_field(
    app: StationApp, station: Station, monkeypatch: pytest.MonkeyPatch, moved_on: bool
) -> None:
    """A slow lookup: the clerk moved on to the destination meanwhile and stays there as it answers (the
    focus jumped to the name, and what they typed next went into it); still on the phone, the focus
    goes on to the name."""
    asked, answer = slow_lookup(monkeypatch)
    async with at_sendout(station) as (app, pilot, screen):
        phone = screen.query_one("#so-phone", Input)
        phone.focus()
        phone.value = "13812345678"
        quiet.send_key(app, "enter")  # not `press`: it would wait for the lookup held here
        await quiet.until(pilot, asked.is_set, what="no lookup")
        if moved_on:
            dest = screen.query_one("#so-dest", Input)
            dest.focus()
            await quiet.until(pilot, lambda: screen.focused is dest, what="the focus did not move")
        answer.set()
        await quiet.until(pilot, lambda: "New sender" in text_of(screen, "#so-message"), what="no answer")
        await quiet.settle(pilot)
        assert screen.focused is screen.query_one("#so-dest" if moved_on else "#so-name", Input)


@pytest.mark.parametrize("typed", ["Li Si", ""])
@pytest.mark.first_mode("sendout")
async def test_a_name_typed_while_the_lookup_ran_is_kept_and_the_directorys_is_named(
    app: StationApp, station: Station, monkeypatch: pytest.MonkeyPatch, typed: str
) -> None:
    """A slow lookup finds the phone's returning sender, Zhang San; the clerk had typed Li Si meanwhile:
    Li Si stays in the field and the line names Zhang San, for the clerk to choose. Nothing typed, the
    directory's name fills the field as before."""
    accept_send(station, "SF1234567890123")  # Zhang San, 13712345678
    asked, answer = slow_lookup(monkeypatch)
    async with at_sendout(station) as (app, pilot, screen):
        phone, name = screen.query_one("#so-phone", Input), screen.query_one("#so-name", Input)
        phone.focus()
        phone.value = "13712345678"
        quiet.send_key(app, "enter")
        await quiet.until(pilot, asked.is_set, what="no lookup")
        name.value = typed
        answer.set()
        await quiet.until(pilot, lambda: "Zhang San" in text_of(screen, "#so-message"), what="no answer")
        await quiet.settle(pilot)
        if typed:
            assert name.value == "Li Si"
            assert text_of(screen, "#so-message") == (
                "On file for this phone: Zhang San (1 send). You typed Li Si: check which is right."
            )
        else:
            assert name.value == "Zhang San"
            assert text_of(screen, "#so-message").startswith("Returning sender Zhang San (1 send);")


@pytest.mark.first_mode("sendout")
async def test_a_name_the_last_lookup_filled_in_gives_way_to_the_next_phones_sender(
    app: StationApp, station: Station, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The clerk corrects the phone: the name the first lookup filled in is the console's, not typed,
    so the corrected phone's sender takes its place (it stayed, said as a name the clerk had typed)."""
    directory = {"13712345678": "Zhang San", "13812345678": "Li Si"}

    def found(station: Station, phone: str) -> senders.SenderInfo:
        return senders.SenderInfo(1, directory[phone], "138****5678", None, None, 2, None)

    monkeypatch.setattr(senders, "find_sender", found)
    async with at_sendout(station) as (app, pilot, screen):
        phone, name = screen.query_one("#so-phone", Input), screen.query_one("#so-name", Input)
        for number, sender in directory.items():
            phone.focus()
            phone.value = number
            quiet.send_key(app, "enter")

            def filled(s: str = sender) -> bool:
                return name.value == s

            await quiet.until(pilot, filled, what=f"{sender} not filled in")
            await quiet.settle(pilot)
            assert text_of(screen, "#so-message").startswith(f"Returning sender {sender} (2 sends);")


@pytest.mark.first_mode("sendout")
async def test_a_returning_sender_is_greeted_with_a_count_in_words(app: StationApp, station: Station) -> None:
    async with at_sendout(station) as (app, pilot, screen):
        await accept_at_counter(pilot, screen, "SF1234567890124", weight="2.5")
        screen.query_one("#so-phone", Input).focus()
        await quiet.press(pilot, *"13812345678", "enter")
        await until(pilot, lambda: "Returning sender" in text_of(screen, "#so-message"))
        assert "(1 send);" in text_of(screen, "#so-message")


@pytest.mark.first_mode("sendout")
async def test_a_phone_scanned_goes_into_the_phone_field_or_is_refused(
    app: StationApp, station: Station
) -> None:
    """A phone at a scanner's speed is never a waybill: in a phone field it is that field's; elsewhere it
    is refused with check-in's sentence."""
    async with at_sendout(station) as (app, pilot, screen):
        screen.query_one("#so-phone", Input).focus()
        await quiet.settle(pilot)  # the focus moves on the app's queue: the scan must find it there
        screen.post_message(KeyRouter.Scanned("13800138000"))
        await until(pilot, lambda: screen.query_one("#so-phone", Input).value == "13800138000")
        # the sender lookup that phone started answers by moving the focus to the name: let it first
        await until(pilot, lambda: screen.focused is screen.query_one("#so-name", Input))
        screen.query_one("#so-to-phone", Input).focus()
        await quiet.settle(pilot)
        screen.post_message(ScannerBridge.Scanned("139****5678", "dummy"))  # a privacy waybill's form
        await until(pilot, lambda: screen.query_one("#so-to-phone", Input).value == "139****5678")
        screen.query_one("#so-address", Input).focus()
        await quiet.settle(pilot)
        screen.post_message(KeyRouter.Scanned("13900139000"))
        await until(pilot, lambda: "looks like a mobile number" in text_of(screen, "#so-message"))
        assert "139****9000" in text_of(screen, "#so-message")
        assert "Type a phone in the phone field." in text_of(screen, "#so-message")
        assert screen.query_one("#so-waybill", Input).value == ""
        assert screen.query_one("#so-address", Input).value == ""


@pytest.mark.first_mode("sendout")
async def test_a_refusal_said_while_the_lookup_runs_stays_first_over_its_answer(
    app: StationApp, station: Station, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A slow lookup, and a scan refused meanwhile: the lookup's answer goes on the line below the
    refusal, which stays in its style until the clerk's next key (the answer replaced it unread)."""
    asked, answer = slow_lookup(monkeypatch)
    async with at_sendout(station) as (app, pilot, screen):
        phone = screen.query_one("#so-phone", Input)
        phone.focus()
        phone.value = "13812345678"
        quiet.send_key(app, "enter")
        await quiet.until(pilot, asked.is_set, what="no lookup")
        screen.post_message(ScannerBridge.Scanned("SF12#$%", "dummy"))
        await until(pilot, lambda: "no carrier uses" in text_of(screen, "#so-message"))
        answer.set()
        await quiet.until(pilot, lambda: "New sender" in text_of(screen, "#so-message"), what="no answer")
        assert text_of(screen, "#so-message") == (
            "SF12#$% has characters no carrier uses: #$%.\nNew sender: take the name and check the ID."
        )
        assert screen.query_one("#so-message").has_class("-error")
        await quiet.press(pilot, "f9")  # the clerk's key: what it says takes the refusal's place
        assert text_of(screen, "#so-message") == "Waybill: next number from the station's stock."
        assert not screen.query_one("#so-message").has_class("-error")


@pytest.mark.parametrize("id_type", ["passport", None])
@pytest.mark.first_mode("sendout")
async def test_f10_refused_for_a_returning_senders_id_puts_the_cursor_in_its_field(
    app: StationApp, station: Station, id_type: str | None
) -> None:
    """A returning sender's number is never kept: F10 refused it as missing and left the cursor where the
    clerk was (the waybill), not in the ID number's field; no kind of ID chosen, the kind comes first."""
    accept_send(station, "SF1234567890123")  # Zhang San, 13712345678, a passport
    async with at_sendout(station) as (app, pilot, screen):
        screen.query_one("#so-phone", Input).focus()
        await quiet.press(pilot, *"13712345678", "enter")
        await until(pilot, lambda: "Returning sender" in text_of(screen, "#so-message"))
        fields = {"so-phone": "13712345678", "so-name": "Zhang San", "so-idnum": "", "so-weight": "1"}
        await fill(pilot, screen, **fields)
        if id_type is None:
            screen.query_one("#so-idtype", Select).clear()
        screen.query_one("#so-carrier", Select).value = "SF"
        waybill = screen.query_one("#so-waybill", Input)
        waybill.value = "SF1234567890124"
        waybill.focus()
        await until(pilot, lambda: "Total" in text_of(screen, "#so-quote"))
        await quiet.press(pilot, "f10")
        await until(pilot, lambda: "enter its number" in text_of(screen, "#so-message"))
        await quiet.settle(pilot)
        assert screen.focused is screen.query_one("#so-idnum" if id_type else "#so-idtype")
        assert [s.waybill for s in sends(station)] == ["SF1234567890123"]  # nothing new


@pytest.mark.first_mode("sendout")
@pytest.mark.parametrize("lang", ["en", "zh"])
async def test_a_returning_sender_whose_name_was_blanked_is_greeted_without_a_gap(
    app: StationApp, station: Station, monkeypatch: pytest.MonkeyPatch, lang: str
) -> None:
    """Past the real-name record period the name is blanked: the line left a double space for it."""

    def found(station: Station, phone: str) -> senders.SenderInfo:
        return senders.SenderInfo(1, "", "138****5678", None, None, 2, None)

    monkeypatch.setattr(senders, "find_sender", found)
    set_language(lang)
    try:
        async with at_sendout(station) as (app, pilot, screen):
            screen.query_one("#so-phone", Input).focus()
            await quiet.press(pilot, *"13812345678", "enter")
            await until(
                pilot,
                lambda: "sends" in text_of(screen, "#so-message") or "已寄" in text_of(screen, "#so-message"),
            )
            line = text_of(screen, "#so-message")
            assert "  " not in line and " （" not in line, line
            assert line.startswith(
                "Returning sender (2 sends);" if lang == "en" else "老客户（已寄 2 件）"
            ), line
    finally:
        set_language("en")
