"""A read replaced by a newer one: its late failure is dropped like its late answer (a bug among them
still logged), so an old read's error never lands over the newer read's answer. A write is never
replaced: a second asked while one is on its way is not sent, and the first's answer is said."""

from __future__ import annotations

import logging
import threading

import pytest
from textual.app import App
from textual.screen import Screen

from station_console.errors import DatabaseUnavailable
from station_console.tui.screens.calls import STILL_WRITING, ServiceCalls
from tui import quiet


class Listing(ServiceCalls, Screen[None]):
    """A screen reading a list, each read replacing the last (as every list screen reads)."""

    def __init__(self) -> None:
        super().__init__()
        self.shown: list[str] = []
        self.failures: list[str] = []
        self.failed_calls = 0  # failures that reached the screen, shown or not

    def on_service_calls_failed(self, message: ServiceCalls.Failed) -> None:
        self.failed_calls += 1  # Textual calls ServiceCalls' own handler after this one

    def read(self, fn: object) -> None:
        self.call("list", fn, exclusive=True)  # type: ignore[arg-type]

    def done_list(self, result: str) -> None:
        self.shown.append(result)

    def failed(self, tag: str, text: str) -> None:
        self.failures.append(text)
        super().failed(tag, text)


def held_read(error: BaseException) -> tuple[threading.Event, threading.Event, object]:
    """A read that waits until let go, then fails with `error`; and whether it has begun."""
    begun, let_go = threading.Event(), threading.Event()

    def read() -> str:
        begun.set()
        assert let_go.wait(quiet.TIMEOUT)
        raise error

    return begun, let_go, read


@pytest.mark.parametrize(
    "error",
    [
        DatabaseUnavailable(
            "The database is busy: another program holds it. Nothing was saved; try again in a moment."
        ),
        RuntimeError("a bug in the old read"),
    ],
    ids=["refusal", "bug"],
)
async def test_a_replaced_read_failing_after_the_newer_answered_shows_nothing(
    error: BaseException, caplog: pytest.LogCaptureFixture
) -> None:
    app: App[None] = App()
    async with app.run_test() as pilot:
        screen = Listing()
        await app.push_screen(screen)
        begun, let_go, old_read = held_read(error)
        screen.read(old_read)
        await quiet.until(pilot, begun.is_set, what="the old read begun")
        screen.read(lambda: "the newer list")
        await quiet.until(pilot, lambda: screen.shown == ["the newer list"], what="the newer list shown")
        with caplog.at_level(logging.ERROR, logger="station.tui"):
            let_go.set()
            await quiet.until(pilot, lambda: screen.failed_calls == 1, what="the old read's failure")
            await quiet.settle(pilot)
        assert screen.failures == [] and not app._notifications
        assert screen.shown == ["the newer list"]
        # A bug is never silent: logged though not shown; a refusal is nothing to log.
        assert ("a bug in the old read" in caplog.text) == isinstance(error, RuntimeError)


class Acting(Listing):
    """A screen whose call writes (an action on the selected row, as the queue lists do)."""

    def act(self, fn: object) -> bool:
        return self.write("list", fn)  # type: ignore[arg-type]


@pytest.mark.parametrize("first", ["done", "refused"])
async def test_a_write_asked_while_one_is_on_its_way_is_not_sent_and_the_first_is_said(first: str) -> None:
    # A write is never replaced: a thread cannot be stopped, so a replaced one wrote all the same and
    # its answer was lost. The second is refused instead, and the first's answer or refusal is said.
    app: App[None] = App()
    notes: list[str] = []
    async with app.run_test() as pilot:
        app.notify = lambda text, **_kw: notes.append(text)  # type: ignore[method-assign,assignment]
        screen = Acting()
        await app.push_screen(screen)
        refusal = "The database is busy: another program holds it. Nothing was saved; try again in a moment."
        begun, let_go = threading.Event(), threading.Event()

        def first_write() -> str:
            begun.set()
            assert let_go.wait(quiet.TIMEOUT)
            if first == "refused":
                raise DatabaseUnavailable(refusal)
            return "the first action done"

        assert screen.act(first_write)
        await quiet.until(pilot, begun.is_set, what="the first write begun")
        assert not screen.act(lambda: "the second action done")
        assert notes == [STILL_WRITING]
        let_go.set()
        await quiet.settle(pilot)
        if first == "refused":
            assert screen.failures == [refusal] and screen.shown == []
        else:
            assert screen.shown == ["the first action done"] and screen.failures == []
        assert screen.act(lambda: "asked again once answered")
        await quiet.settle(pilot)
        assert screen.shown[-1] == "asked again once answered"


class Handing(Acting):
    """A screen whose write is for the customer's view as sent (a handover), said as the previous
    customer's when the view moved on before its answer."""

    def __init__(self) -> None:
        super().__init__()
        self.for_previous: list[bool] = []  # per answer or failure said: sent for a view since replaced

    def act(self, fn: object) -> bool:
        return self.write("list", fn, stamped=True)  # type: ignore[arg-type]

    def done_list(self, result: str) -> None:
        self.for_previous.append(self.sent_for_another_form("list"))
        super().done_list(result)

    def failed(self, tag: str, text: str) -> None:
        self.for_previous.append(self.sent_for_another_form(tag))
        super().failed(tag, text)


@pytest.mark.parametrize("outcome", ["done", "refused", "bug"])
async def test_a_stamped_write_answered_after_new_form_is_said_as_the_old_forms(outcome: str) -> None:
    # A write changed the database: its answer or failure is never dropped as a read's for a cleared
    # form is, but the screen learns it was for the form before (to say "the previous customer's").
    app: App[None] = App()
    async with app.run_test() as pilot:
        app.notify = lambda *_a, **_kw: None  # type: ignore[method-assign,assignment]
        screen = Handing()
        await app.push_screen(screen)
        begun, let_go = threading.Event(), threading.Event()

        def write() -> str:
            begun.set()
            assert let_go.wait(quiet.TIMEOUT)
            if outcome == "refused":
                raise DatabaseUnavailable("The database is busy.")
            if outcome == "bug":
                raise RuntimeError("a bug in the write")
            return "written"

        assert screen.act(write)
        await quiet.until(pilot, begun.is_set, what="the write begun")
        assert not screen.sent_for_another_form("list")
        screen.new_form()
        assert screen.sent_for_another_form("list")  # asked while on its way: a key pressed meanwhile
        let_go.set()
        await quiet.until(pilot, lambda: screen.for_previous != [], what="the write's outcome said")
        assert screen.for_previous == [True]
        if outcome == "done":
            assert screen.shown == ["written"] and screen.failures == []
        else:
            assert screen.shown == [] and len(screen.failures) == 1
        # The next write, sent for the form now, is said as this form's.
        assert screen.act(lambda: "written again")
        await quiet.until(pilot, lambda: len(screen.for_previous) == 2, what="the next write said")
        assert screen.for_previous == [True, False]


async def test_drop_refuses_a_write_on_its_way_whose_answer_is_still_said() -> None:
    """`drop` is for an exclusive read: a write on its way under the tag is not cancelled (its thread
    writes all the same), its answer is said and it is no longer counted as on its way. Cancelled, its
    count stayed up, and a way out said "still on its way" for good."""
    app: App[None] = App()
    async with app.run_test() as pilot:
        screen = Acting()
        await app.push_screen(screen)
        begun, let_go = threading.Event(), threading.Event()

        def write() -> str:
            begun.set()
            assert let_go.wait(quiet.TIMEOUT)
            return "the action done"

        assert screen.act(write)
        await quiet.until(pilot, begun.is_set, what="the write begun")
        with pytest.raises(AssertionError, match="only an exclusive read is dropped"):
            screen.drop("list")
        let_go.set()
        await quiet.settle(pilot)
        assert screen.shown == ["the action done"]
        assert not screen.calling("list") and not screen.stays_for_answer("list")
