"""F10 refused on Send-out puts the cursor in the field to put right, as a form dialog's refusals do; the
keys typed right behind F10 go there too. Every refusal code the accept service can meet is decided:
about one field, or about none."""

from __future__ import annotations

import ast
import threading
from importlib import import_module
from pathlib import Path

import pytest
from textual.widgets import Input, Select, SelectionList

from station_console.services.core.station import Station
from station_console.services.sendout import accept
from station_console.tui.screens.sendout_at_fault import BY_LABEL, FIELD_AT_FAULT, FIELD_LESS, PHONE_CODES
from tui import quiet
from tui.sendout_driver import at_sendout, fill, sends, text_of, until

# What F10's accept (and F11's refusal) calls, down to the checks it shares with other modes.
SERVICES = [
    "station_console.errors",
    "station_console.services.sendout.accept",
    "station_console.services.sendout.identity",
    "station_console.services.sendout.inputs",
    "station_console.services.sendout.inspection",
    "station_console.services.sendout.payments",
    "station_console.services.sendout.printouts",
    "station_console.services.sendout.providers",
    "station_console.services.sendout.quote",
    "station_console.services.sendout.regions",
    "station_console.services.sendout.senders",
    "station_console.services.sendout.tariff",
    "station_console.services.sendout.waybills",
    "station_console.services.sendout.weighing",
    "station_console.services.checkin.phones",
    "station_console.services.core.free_text",
    "station_console.services.core.money",
    "station_console.services.core.roles",
    "station_console.services.scan.detect",
    "station_console.services.scan.waybill",
]


def codes_in(module: str) -> set[str]:
    """The refusal codes a module raises: `code="..."` given to a refusal, `code = "..."` of an error class."""
    source = Path(import_module(module).__file__ or "").read_text(encoding="utf-8")
    found: set[str] = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.keyword) and node.arg == "code" and isinstance(node.value, ast.Constant):
            found.add(str(node.value.value))
        if isinstance(node, ast.ClassDef):
            for stmt in node.body:
                if (
                    isinstance(stmt, ast.Assign)
                    and [getattr(t, "id", None) for t in stmt.targets] == ["code"]
                    and isinstance(stmt.value, ast.Constant)
                ):
                    found.add(str(stmt.value.value))
    return found


def test_every_refusal_code_of_the_send_services_is_decided() -> None:
    """A new code must be given its field, or listed as about none: else its refusal leaves the cursor
    where the clerk was, unasked."""
    raised = set().union(*(codes_in(module) for module in SERVICES)) | {"no_carrier"}  # the screen's own
    assert {"id_required", "inspection_incomplete", "phone_incomplete", "missing", "check_digit"} <= raised
    decided = set(FIELD_AT_FAULT) | set(BY_LABEL) | PHONE_CODES | FIELD_LESS
    assert sorted(raised - decided) == []
    assert not (set(FIELD_AT_FAULT) | set(BY_LABEL) | PHONE_CODES) & FIELD_LESS  # each decided once


def slow_accept(monkeypatch: pytest.MonkeyPatch) -> tuple[threading.Event, threading.Event]:
    """The accept service held like a slow database: `asked` is set as it starts; it answers (the real
    service's answer or refusal) once the test sets `answer`."""
    asked, answer = threading.Event(), threading.Event()
    real = accept.accept

    def slow(*args: object, **kwargs: object) -> accept.SendResult:
        asked.set()
        assert answer.wait(quiet.TIMEOUT)
        return real(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(accept, "accept", slow)
    return asked, answer


async def quoted(pilot: object, screen: object, **fields: str) -> None:
    """The form filled for an SF send of 1 kg with a good waybill, `fields` over it, and quoted."""
    await fill(pilot, screen, **{"so-weight": "1", "so-waybill": "SF1234567890123"} | fields)  # type: ignore[arg-type]
    screen.query_one("#so-carrier", Select).value = "SF"  # type: ignore[attr-defined]
    await until(pilot, lambda: "Total" in text_of(screen, "#so-quote"))


async def test_keys_typed_behind_a_refused_f10_go_to_the_field_at_fault(
    station: Station, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The recipient's phone short of its last digits (not a phone): F10's refusal puts the cursor there (the sender's
    phone, checked first, is whole), and the digits typed on behind F10 while the service ran go there,
    not into the waybill F10 was pressed in."""
    asked, answer = slow_accept(monkeypatch)
    async with at_sendout(station) as (app, pilot, screen):
        await quoted(pilot, screen, **{"so-to-phone": "1398765"})
        waybill = screen.query_one("#so-waybill", Input)
        waybill.focus()
        quiet.send_key(app, "f10")
        await until(pilot, asked.is_set)
        await quiet.type_on(app, "4321")
        answer.set()
        await until(pilot, lambda: "11-digit mobile" in text_of(screen, "#so-message"))
        await quiet.settle(pilot)
        to_phone = screen.query_one("#so-to-phone", Input)
        assert screen.focused is to_phone
        # Focused, a field's text is selected (as Tab leaves it): the keys typed over the refused number.
        assert (to_phone.value, waybill.value) == ("4321", "SF1234567890123")
        assert sends(station) == []


async def test_f10_refused_for_the_inspection_puts_the_cursor_in_the_checklist(station: Station) -> None:
    async with at_sendout(station) as (app, pilot, screen):
        await quoted(pilot, screen)
        screen.query_one("#so-check", SelectionList).deselect_all()
        screen.query_one("#so-phone", Input).focus()
        await quiet.press(pilot, "f10")
        await until(pilot, lambda: "Inspection not finished" in text_of(screen, "#so-message"))
        await quiet.settle(pilot)
        assert screen.focused is screen.query_one("#so-check")
        assert sends(station) == []


@pytest.mark.parametrize(
    ("field", "typed", "said"), [("so-contents", "", "Contents is empty"), ("so-count", "0", "from 1 to 999")]
)
async def test_f10_refused_for_the_parcel_puts_the_cursor_in_its_field(
    station: Station, field: str, typed: str, said: str
) -> None:
    """Contents left empty (a free-text refusal, told apart by the field it names) and a count of 0
    (refused by the form as F10 reads it): the cursor leaves the waybill for the field at fault."""
    async with at_sendout(station) as (app, pilot, screen):
        await quoted(pilot, screen, **{field: typed})
        screen.query_one("#so-waybill", Input).focus()
        await quiet.press(pilot, "f10")
        await until(pilot, lambda: said in text_of(screen, "#so-message"))
        await quiet.settle(pilot)
        assert screen.focused is screen.query_one(f"#{field}")
        assert sends(station) == []
