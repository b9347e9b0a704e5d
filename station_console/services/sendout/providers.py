"""E-waybill providers (电子面单): how a station gets a waybill number from the carrier for a send.

One small interface, chosen by `make_provider(CounterSettings.ewaybill)`:
- `file`: a folder shared with the carrier's own desktop client. A request is written as
  `requests/<reference>.json`; the client answers `responses/<reference>.json` with
  `{"waybill": "...", "sort_code": "..."}` or `{"error": "..."}`; a cancel is `cancels/<reference>.json`
  (`"waybill": null` for a request given up on, unanswered in time, whose request file is removed).
  The request holds the sender's and recipient's full phone numbers (the carrier needs them): that
  folder is personal data.
- `fake`: numbers from a counter, in each carrier's shape; records what it was asked (tests, demos).
No provider talks to a network here; a carrier's web API would be one more class with these methods.
"""

from __future__ import annotations

import itertools
import json
import logging
import time
import uuid
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Protocol

from station_console.errors import StationError
from station_console.i18n import N_
from station_console.private_files import private_dir, write_atomic
from station_console.safe_text import cut, printable

SORT_CODE_MAX = 40  # a sort code (大头笔) is a few characters: "755W-XJ", "新疆 65"
ERROR_MAX = 120  # the client's reason for a refusal, said in one line of the send's refusal
NEITHER_NUMBER_NOR_REASON = N_(
    "The e-waybill client answered neither a number nor a reason (folder {folder}): no number was taken. "
    "Check the carrier's client, then send again."
)


class ProviderFailed(StationError):
    code = "provider_failed"


@dataclass(frozen=True)
class EWaybillOrder:
    carrier: str
    sender_name: str
    sender_phone: str = field(repr=False)
    recipient_name: str
    recipient_phone: str = field(repr=False)
    destination: str
    address: str
    contents: str
    item_count: int
    weight_g: int
    declared_value_cents: int
    reference: str = field(default_factory=lambda: uuid.uuid4().hex)


@dataclass(frozen=True)
class EWaybill:
    carrier: str
    waybill: str
    reference: str
    sort_code: str | None = None  # the carrier's routing text printed large on its label


class Provider(Protocol):
    name: str

    def request(self, order: EWaybillOrder) -> EWaybill: ...

    def cancel(self, bill: EWaybill) -> None: ...


# Shapes the fake issues, valid for the carrier detector: prefix, digits, then the counter.
_FAKE_SHAPES = {
    "SF": ("SF", 13),
    "JT": ("JT", 13),
    "YTO": ("YT", 13),
    "ZTO": ("73", 12),
    "DPK": ("DPK", 12),
    "CAINIAO": ("621", 12),
    "YUNDA": ("4", 14),
    "STO": ("77", 13),
    "EMS": ("1", 12),
}


@dataclass
class FakeProvider:
    """Issues numbers in each carrier's shape; `fail_with` plays an outage."""

    name: str = "fake"
    start: int = 1
    fail_with: str | None = None
    orders: list[EWaybillOrder] = field(default_factory=list)
    cancelled: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._next = itertools.count(self.start)

    def request(self, order: EWaybillOrder) -> EWaybill:
        if self.fail_with:
            raise ProviderFailed(N_("The e-waybill service refused: {reason}"), reason=self.fail_with)
        shape = _FAKE_SHAPES.get(order.carrier)
        if shape is None:
            raise ProviderFailed(N_("No e-waybill account for {carrier}."), carrier=order.carrier)
        prefix, digits = shape
        self.orders.append(order)
        number = f"{prefix}{next(self._next):0{digits}d}"
        return EWaybill(order.carrier, number, order.reference, sort_code=order.destination[:8] or None)

    def cancel(self, bill: EWaybill) -> None:
        self.cancelled.append(bill.waybill)


@dataclass
class FileProvider:
    """A request file out, the carrier client's answer file back, waited for at most `timeout_s`."""

    folder: Path
    timeout_s: float = 15.0
    poll_s: float = 0.1
    name: str = "file"

    def _write(self, sub: str, reference: str, data: dict[str, Any]) -> None:
        # Names, phones and addresses: this user's only (the carrier client runs as the station's
        # user), and written whole, so the client never sees half a file.
        target = private_dir(self.folder / sub)
        write_atomic(target / f"{reference}.json", json.dumps(data, ensure_ascii=False, indent=1))

    def request(self, order: EWaybillOrder) -> EWaybill:
        try:
            self._write("requests", order.reference, asdict(order))
        except OSError as exc:
            raise ProviderFailed(
                N_("Cannot write the e-waybill request: {reason}"), reason=exc.strerror
            ) from exc
        answer = self.folder / "responses" / f"{order.reference}.json"
        deadline = time.monotonic() + self.timeout_s
        unreadable = False
        while time.monotonic() < deadline:
            if answer.exists():
                try:
                    data = json.loads(answer.read_text(encoding="utf-8"))
                except (OSError, ValueError):
                    unreadable = True
                    time.sleep(self.poll_s)  # still being written by a client that does not rename
                    continue
                self._answered(order)
                if not isinstance(data, dict) or data.get("error") or not data.get("waybill"):
                    # The client's text, shown to the clerk and on a terminal: one short line of it,
                    # as the sort code is taken (no escape driving the terminal, no line breaks).
                    said = data.get("error") if isinstance(data, dict) else None
                    reason = cut(printable(str(said)), ERROR_MAX) if said else ""
                    if not reason:  # a reason "None" or "" gave the clerk nothing to act on
                        raise ProviderFailed(NEITHER_NUMBER_NOR_REASON, folder=str(self.folder))
                    raise ProviderFailed(N_("The e-waybill service refused: {reason}"), reason=reason)
                # The client's text, kept with the print job and printed large: one short line of it.
                sort_code = printable(str(data.get("sort_code") or ""))[:SORT_CODE_MAX]
                return EWaybill(
                    order.carrier,
                    str(data["waybill"]),
                    order.reference,
                    sort_code or None,
                )
            time.sleep(self.poll_s)
        self._withdraw(order)
        if unreadable:
            raise ProviderFailed(
                N_("The e-waybill client's answer could not be read (folder {folder}): no number was taken."),
                folder=str(self.folder),
            )
        raise ProviderFailed(
            N_("No answer from the e-waybill client within {seconds} s (folder {folder})."),
            seconds=int(self.timeout_s),
            folder=str(self.folder),
        )

    def _answered(self, order: EWaybillOrder) -> None:
        """An answer read: the request (both full phones) and the answer have served, so neither lies in
        the folder after it, whatever the answer said."""
        for sub in ("requests", "responses"):
            try:
                (self.folder / sub / f"{order.reference}.json").unlink(missing_ok=True)
            except OSError:
                logging.getLogger("station.sendout").warning(
                    "could not remove answered e-waybill %s file %s", sub, order.reference
                )

    def _withdraw(self, order: EWaybillOrder) -> None:
        """A request given up on: its file goes (a client that comes up later issues nothing for a send
        never recorded, and the phones in it do not lie there), and a cancel with no number follows it
        for a client that had already taken it."""
        try:
            (self.folder / "requests" / f"{order.reference}.json").unlink(missing_ok=True)
            self._write("cancels", order.reference, {"carrier": order.carrier, "waybill": None})
        except OSError:
            logging.getLogger("station.sendout").warning(
                "could not withdraw e-waybill request %s", order.reference
            )

    def cancel(self, bill: EWaybill) -> None:
        try:
            self._write("cancels", bill.reference, {"carrier": bill.carrier, "waybill": bill.waybill})
        except OSError as exc:
            raise ProviderFailed(
                N_("Cannot write the e-waybill cancel: {reason}"), reason=exc.strerror
            ) from exc


def make_provider(config: dict[str, Any]) -> Provider | None:
    """The counter's provider from `CounterSettings.ewaybill`; None when there is none."""
    kind = str(config.get("kind", "")).lower()
    if not kind or kind == "none":
        return None
    if kind == "fake":
        return FakeProvider(start=int(config.get("start", 1)))
    if kind == "file":
        folder = config.get("dir")
        if not folder:
            raise ProviderFailed(N_("The file e-waybill provider needs a dir."))
        return FileProvider(Path(str(folder)).expanduser(), timeout_s=float(config.get("timeout_s", 15)))
    raise ProviderFailed(N_("Unknown e-waybill provider {kind}: use file or fake."), kind=cut(kind, 20))
