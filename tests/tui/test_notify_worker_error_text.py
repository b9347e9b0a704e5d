"""The outbox's warnings (customer messages, carrier events) read as one sentence in each language
when the cause is itself a sentence (the database's fault, which ends with its own full stop)."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest

from station_console.i18n import _, set_language
from station_console.tui.carrier_event_worker import CarrierEventWorker
from station_console.tui.notify_worker import NotifyWorker


class Shown:
    def __init__(self) -> None:
        self.warnings: list[str] = []
        self.screen = SimpleNamespace(post_message=lambda message: None)

    def notify(self, text: str, **_options: Any) -> None:
        self.warnings.append(text)


@pytest.mark.parametrize("worker", [NotifyWorker, CarrierEventWorker])
@pytest.mark.parametrize("lang", ["en", "zh"])
def test_a_database_fault_is_not_followed_by_a_second_full_stop(
    lang: str, worker: type[NotifyWorker] | type[CarrierEventWorker]
) -> None:
    set_language(lang)
    app = Shown()
    fault = _(
        "The database server cannot be reached. Try again in a moment; if it keeps failing, check the server and the network."
    )
    worker(app)._show(0, 0, fault)  # type: ignore[arg-type]
    (warning,) = app.warnings
    assert fault.rstrip(".。") in warning
    assert ".." not in warning and "。。" not in warning and "。." not in warning
