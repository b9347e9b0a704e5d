"""Settings > Carriers: the table, adding and editing a carrier through the modal form."""

from __future__ import annotations

import pytest
from sqlmodel import select
from textual import events
from textual.widgets import DataTable, Input, Static, TextArea

from db.models import Carrier, EventKind, ParcelEvent
from station_console.i18n import set_language
from station_console.services.core.station import Station
from station_console.services.scan.carriers import get_detector
from station_console.tui.app import StationApp
from station_console.tui.screens.carrier_editor import CarrierEditorScreen, CarrierForm, text_to_patterns
from station_console.tui.widgets.tick import Tick
from tui import quiet


async def open_editor(app: StationApp, pilot) -> CarrierEditorScreen:  # type: ignore[no-untyped-def]
    """From Settings (the test's `first_mode`), its carrier table."""
    await quiet.press(pilot, "f7")
    assert isinstance(app.screen, CarrierEditorScreen)
    return app.screen


async def add_xiaohong_by_name_only(app: StationApp, pilot) -> None:  # type: ignore[no-untyped-def]
    """A new station's local courier added through the form with its names and no waybill pattern."""
    await quiet.press(pilot, "a")
    form = app.screen
    assert isinstance(form, CarrierForm)
    form.query_one("#cf-code", Input).value = "XHKD"
    form.query_one("#cf-name_en", Input).value = "Xiaohong"
    form.query_one("#cf-name_zh", Input).value = "小红快递"
    await quiet.press(pilot, "ctrl+s")


def carrier(station: Station, code: str) -> Carrier | None:
    with station.read() as session:
        return session.exec(select(Carrier).where(Carrier.code == code)).first()


@pytest.mark.first_mode("settings")
async def test_settings_opens_the_carrier_table(app: StationApp) -> None:
    async with app.run_test(size=(140, 40)) as pilot:
        screen = await open_editor(app, pilot)
        table = screen.query_one(DataTable)
        assert table.row_count == 16
        assert [str(c) for c in table.get_row_at(0)[:2]] == ["SF", "SF Express"]  # text, never markup
        await quiet.press(pilot, "escape")
        assert not isinstance(app.screen, CarrierEditorScreen)


@pytest.mark.first_mode("settings")
async def test_adding_a_carrier_through_the_form(app: StationApp, station: Station) -> None:
    async with app.run_test(size=(140, 48)) as pilot:
        screen = await open_editor(app, pilot)
        await quiet.press(pilot, "a")
        form = app.screen
        assert isinstance(form, CarrierForm)
        form.query_one("#cf-code", Input).value = "kdn"
        form.query_one("#cf-name_en", Input).value = "Kuaidi Nine"
        form.query_one("#cf-name_zh", Input).value = "快递九"
        form.query_one("#cf-fee_cents", Input).value = "35"
        form.query_one("#cf-patterns", TextArea).text = "^KD[0-9]{11}$ luhn\n"
        await quiet.press(pilot, "ctrl+s")
        assert app.screen is screen
        assert screen.query_one(DataTable).row_count == 17
        assert "KDN" in str(screen.query_one("#carrier-status", Static).render())
    row = carrier(station, "KDN")
    assert row is not None and row.fee_cents == 35 and row.sort_order == 17
    assert row.patterns == [{"regex": "^KD[0-9]{11}$", "checksum": "luhn"}]
    found = get_detector(station).detect("KD79927398713")
    assert found.best is not None and found.best.carrier == "KDN"


@pytest.mark.first_mode("settings")
async def test_a_carrier_saved_without_a_waybill_pattern_is_said_to_be_refused_at_check_in(
    app: StationApp, station: Station
) -> None:
    """A new station's local courier added by name only: saved, and the manager told that check-in
    cannot know its parcels yet (it said only "saved"; every scan was then "no known format"), read
    whole at 80 columns."""
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_editor(app, pilot)
        await add_xiaohong_by_name_only(app, pilot)
        assert app.screen is screen
        status = screen.query_one("#carrier-status", Static)
        said = str(status.render())
        assert "Carrier XHKD saved." in said and "no waybill pattern" in said
        await pilot.pause()
        assert status.region.height * (status.region.width - 2) >= len(said)  # none of it cut off
        await quiet.press(pilot, "e")  # its first pattern
        app.screen.query_one("#cf-patterns", TextArea).text = "^XH[0-9]{11}$\n"
        await quiet.press(pilot, "ctrl+s")
        assert app.screen is screen
        said = str(screen.query_one("#carrier-status", Static).render())
        assert "Carrier XHKD saved." in said and "pattern" not in said
    row = carrier(station, "XHKD")
    assert row is not None and row.patterns == [{"regex": "^XH[0-9]{11}$", "checksum": None}]


@pytest.mark.first_mode("settings")
async def test_the_saved_carriers_missing_pattern_is_one_chinese_line_without_a_space_after_its_stop(
    app: StationApp,
) -> None:
    """Two sentences joined as Chinese joins them: "已保存快递公司 XHKD。 它还没有…" had a half-width space
    glued after the full stop."""
    set_language("zh")
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_editor(app, pilot)
        await add_xiaohong_by_name_only(app, pilot)
        said = str(screen.query_one("#carrier-status", Static).render())
        assert "XHKD" in said and "。它" in said and "。 " not in said


@pytest.mark.first_mode("settings")
async def test_a_refused_edit_keeps_the_form_open_and_writes_nothing(
    app: StationApp, station: Station
) -> None:
    async with app.run_test(size=(140, 48)) as pilot:
        await open_editor(app, pilot)
        await quiet.press(pilot, "enter")  # edit the selected row: SF
        form = app.screen
        assert isinstance(form, CarrierForm) and form.carrier is not None and form.carrier.code == "SF"
        assert form.query_one("#cf-code", Input).disabled
        form.query_one("#cf-patterns", TextArea).text = "^SF[0-9"
        await quiet.press(pilot, "ctrl+s")
        assert app.screen is form
        assert "cannot be used" in str(form.query_one("#carrier-form-error", Static).render())
        form.query_one("#cf-patterns", TextArea).text = "^SF[0-9A-Z][0-9]{12}$\n^SFX[0-9]{10}$"
        form.query_one("#cf-fee_cents", Input).value = "65"
        await quiet.press(pilot, "ctrl+s")
        assert isinstance(app.screen, CarrierEditorScreen)
    row = carrier(station, "SF")
    assert row is not None and row.fee_cents == 65 and len(row.patterns) == 2
    with station.read() as session:
        events = session.exec(select(ParcelEvent).where(ParcelEvent.kind == EventKind.CARRIER_CHANGED)).all()
    assert len(events) == 1


@pytest.mark.first_mode("settings")
async def test_saving_a_carrier_unchanged_says_nothing_changed_and_writes_nothing(
    app: StationApp, station: Station, monkeypatch: pytest.MonkeyPatch
) -> None:
    """ "Carrier SF saved." would tell the clerk something was recorded: nothing is sent, the form
    says why and stays open; Esc then closes it without asking."""
    from station_console.tui.screens import carrier_editor

    sent: list[dict[str, object]] = []
    update = carrier_editor.update_carrier

    def recorded(station: Station, code: str, changes: dict[str, object], **kw: object) -> Carrier:
        sent.append(changes)
        return update(station, code, changes, **kw)  # type: ignore[arg-type]

    monkeypatch.setattr(carrier_editor, "update_carrier", recorded)
    before = carrier(station, "SF")
    async with app.run_test(size=(140, 48)) as pilot:
        screen = await open_editor(app, pilot)
        await quiet.press(pilot, "enter")  # edit the selected row: SF
        form = app.screen
        assert isinstance(form, CarrierForm)
        await quiet.press(pilot, "ctrl+s")
        assert app.screen is form and sent == []
        line = form.query_one("#carrier-form-error", Static)
        assert str(line.render()) == "Nothing changed: nothing to save."
        assert line.has_class("-note")  # no refusal: not in red
        await quiet.press(pilot, "escape")
        assert app.screen is screen  # nothing typed: no question
        assert "saved" not in str(screen.query_one("#carrier-status", Static).render())
    assert carrier(station, "SF") == before


@pytest.mark.first_mode("settings")
async def test_a_carrier_saved_with_only_a_space_added_says_nothing_changed_and_writes_nothing(
    app: StationApp, station: Station, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A space typed after the name is trimmed as the service stores it: the carrier is as stored, so
    nothing is sent and the form says so (it said 'Carrier SF saved.')."""
    from station_console.tui.screens import carrier_editor

    sent: list[dict[str, object]] = []
    monkeypatch.setattr(carrier_editor, "update_carrier", lambda *a, **kw: sent.append(a[2]))
    before = carrier(station, "SF")
    async with app.run_test(size=(140, 48)) as pilot:
        await open_editor(app, pilot)
        await quiet.press(pilot, "enter")  # edit the selected row: SF
        form = app.screen
        assert isinstance(form, CarrierForm)
        name = form.query_one("#cf-name_en", Input)
        name.value += "  "
        await quiet.press(pilot, "ctrl+s")
        assert app.screen is form and sent == []
        assert (
            str(form.query_one("#carrier-form-error", Static).render()) == "Nothing changed: nothing to save."
        )
    assert carrier(station, "SF") == before


@pytest.mark.first_mode("settings")
async def test_the_red_line_goes_when_the_field_it_names_changes(app: StationApp, station: Station) -> None:
    """A code refused stays said while another field is typed in; once the code itself changes, the
    line about the old code goes (it said the code was still wrong until the next save)."""
    async with app.run_test(size=(140, 48)) as pilot:
        await open_editor(app, pilot)
        await quiet.press(pilot, "a")
        form = app.screen
        assert isinstance(form, CarrierForm)
        line = form.query_one("#carrier-form-error", Static)
        await quiet.press(pilot, *"[red]X", "ctrl+s")
        assert "[RED]X" in str(line.render()) and line.has_class("-shown")
        form.query_one("#cf-name_en", Input).focus()
        await quiet.press(pilot, *"Kuaidi")
        assert "[RED]X" in str(line.render()) and line.has_class("-shown")  # not the field it names
        form.query_one("#cf-code", Input).focus()
        await quiet.press(pilot, "backspace")
        assert str(line.render()).strip() == "" and not line.has_class("-shown")
        assert app.screen is form and carrier(station, "[RED]X") is None


@pytest.mark.first_mode("settings")
async def test_enter_goes_to_the_next_field_and_ctrl_s_saves(app: StationApp, station: Station) -> None:
    """As in every typed form: Enter moves on, over the Active switch (Enter would flip it) to the
    patterns, where it starts a new line; Ctrl+S saves from there."""
    async with app.run_test(size=(140, 48)) as pilot:
        screen = await open_editor(app, pilot)
        await quiet.press(pilot, "a")
        form = app.screen
        assert isinstance(form, CarrierForm)
        assert form.query_one("#cf-code").has_focus
        order = ["cf-name_en", "cf-name_zh", "cf-short_name", "cf-fee_cents", "cf-sort_order"]
        order += ["cf-amber_hours", "cf-red_hours", "cf-return_after_days", "cf-patterns"]
        for typed, name in zip(
            ["KDN", "Kuaidi Nine", "快递九", "KDN", "35", "", "", "", ""], order, strict=True
        ):
            await quiet.press(pilot, *typed, "enter")
            assert app.focused is not None and app.focused.id == name, f"Enter reached {app.focused!r}"
        assert form.query_one("#cf-active", Tick).value  # passed over, not flipped
        await quiet.press(pilot, *"^KD[0-9]{11}$", "enter", *"^KDX[0-9]{10}$")
        assert form.query_one("#cf-patterns", TextArea).text == "^KD[0-9]{11}$\n^KDX[0-9]{10}$"
        await quiet.press(pilot, "ctrl+s")
        assert app.screen is screen
    row = carrier(station, "KDN")
    assert row is not None and row.name_zh == "快递九" and row.fee_cents == 35 and row.active
    assert [p["regex"] for p in row.patterns] == ["^KD[0-9]{11}$", "^KDX[0-9]{10}$"]


def test_pattern_lines_keep_rules_and_extra_keys() -> None:
    old = [{"regex": "^[0-9]{15}$", "checksum": "gs1_mod10", "priority": -1}]
    assert text_to_patterns("^[0-9]{15}$ gs1_mod10\n\n^A B$\n", old) == [
        {"regex": "^[0-9]{15}$", "checksum": "gs1_mod10", "priority": -1},
        {"regex": "^A B$", "checksum": None},
    ]


@pytest.mark.first_mode("settings")
async def test_enter_twice_on_the_table_opens_one_form(app: StationApp) -> None:
    # The fuzzer ended with two carrier forms stacked: the second Enter's row selection, queued before
    # the first form opened, opened another over it.
    async with app.run_test(size=(140, 48)) as pilot:
        screen = await open_editor(app, pilot)
        await quiet.burst(pilot, "enter", "enter")
        assert isinstance(app.screen, CarrierForm)
        assert [type(s) for s in app.screen_stack].count(CarrierForm) == 1
        await quiet.press(pilot, "escape")
        assert app.screen is screen


@pytest.mark.first_mode("settings")
async def test_a_carrier_changed_at_another_counter_while_its_form_is_open_is_not_saved_over(
    app: StationApp, station: Station, db_url: str
) -> None:
    """The form saves every field of the carrier: counter-2's new fee, saved after this form opened,
    would go back to the fee the form shows. Refused, said in the form, and counter-2's fee kept."""
    from station_console.services.scan.carriers import update_carrier
    from tui.test_live_bridge import another_counter

    async with app.run_test(size=(140, 48)) as pilot, another_counter(station, db_url) as other:
        await open_editor(app, pilot)
        await quiet.press(pilot, "enter")  # edit the selected row: SF
        form = app.screen
        assert isinstance(form, CarrierForm)
        update_carrier(other, "SF", {"fee_cents": 99})
        form.query_one("#cf-name_en", Input).value = "SF Express (Shunfeng)"
        await quiet.press(pilot, "ctrl+s")
        assert app.screen is form  # still open, with what was typed
        said = str(form.query_one("#carrier-form-error", Static).render())
        assert "another counter or command saved a change" in said and "open the carrier again" in said
        assert form.query_one("#cf-name_en", Input).value == "SF Express (Shunfeng)"
    row = carrier(station, "SF")
    assert row is not None and (row.fee_cents, row.name_en) == (99, "SF Express")


@pytest.mark.first_mode("settings")
async def test_a_refused_field_is_named_as_the_form_labels_it_never_by_its_key(
    app: StationApp, station: Station
) -> None:
    """A field the form refuses is named by its label, in Chinese too ("name_zh must be 1 to 64
    characters" named a key the clerk never sees); the line still goes once that field changes."""
    set_language("zh")
    async with app.run_test(size=(140, 48)) as pilot:
        await open_editor(app, pilot)
        await quiet.press(pilot, "a")
        form = app.screen
        assert isinstance(form, CarrierForm)
        line = form.query_one("#carrier-form-error", Static)
        form.query_one("#cf-code", Input).value = "KD"
        form.query_one("#cf-name_en", Input).value = "Kuaidi"
        form.query_one("#cf-return_after_days", Input).value = "+"
        await quiet.press(pilot, "ctrl+s")  # no Chinese name
        assert str(line.render()).strip() == "中文名称 须为1到64个字符。"
        form.query_one("#cf-name_zh", Input).value = "快递"
        await quiet.settle(pilot)
        assert not line.has_class("-shown")  # the field it named changed
        await quiet.press(pilot, "ctrl+s")
        assert str(line.render()).strip() == "退回期限（天） 必须是整数。"
        form.query_one("#cf-return_after_days", Input).value = "7"
        await quiet.settle(pilot)
        assert not line.has_class("-shown")
        assert app.screen is form and carrier(station, "KD") is None


@pytest.mark.first_mode("settings")
async def test_a_name_pasted_past_its_limit_is_refused_as_pasted(app: StationApp, station: Station) -> None:
    """5,000 characters pasted into a name: refused whole at once with the limit, the field as it was
    (it took them all, and only the save, with everything else typed, refused them)."""
    async with app.run_test(size=(140, 48)) as pilot:
        await open_editor(app, pilot)
        await quiet.press(pilot, "a")
        form = app.screen
        assert isinstance(form, CarrierForm)
        name = form.query_one("#cf-name_zh", Input)
        name.value = "快递"
        name.focus()
        name.post_message(events.Paste("长" * 5000))
        await quiet.settle(pilot)
        assert name.value == "快递"
        assert [n.message for n in app._notifications] == [
            "This field takes at most 64 characters: the paste (5000 characters) was not put in. "
            "Shorten it and paste again, or type it."
        ]
