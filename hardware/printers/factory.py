"""One `Printer` per configured device: a language (how a label becomes bytes) plus a transport.

`make_printer(config)` takes an entry of CounterSettings.printers:
`{"language": "tspl", "transport": "usb", "target": "0416:5011", "size": "40x30", "dpi": 203}`
(optional: "name", "gap_mm", "jobs": ["label"] to limit what kinds of job it takes).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from hardware.printers import escpos, image, pdf, tspl, zpl
from hardware.printers.document import Document
from hardware.printers.label import DPIS, LabelData, LabelLayout, LabelSize, layout_for
from hardware.printers.transports import (
    CupsTransport,
    DeviceTransport,
    DummyTransport,
    FileTransport,
    PrinterError,
    TcpTransport,
    Transport,
)
from hardware.printers.usb import UsbTransport

LabelRenderer = Callable[[LabelData, LabelLayout], bytes]
DocumentRenderer = Callable[[Document], bytes]


@dataclass(frozen=True)
class Language:
    name: str
    label: LabelRenderer
    document: DocumentRenderer | None  # None: this language prints labels only
    suffix: str  # file extension for the file transport and `station label --out`
    raw: bool  # sent to CUPS as raw printer commands (not through a driver)


LANGUAGES: dict[str, Language] = {
    "tspl": Language("tspl", tspl.render_label, None, ".tspl", True),
    "zpl": Language("zpl", zpl.render_label, None, ".zpl", True),
    "escpos": Language("escpos", escpos.render_label, escpos.render_document, ".escpos", True),
    "png": Language("png", image.render_label, None, ".png", False),
    "pdf": Language("pdf", pdf.render_label, pdf.render_document, ".pdf", False),
}
JOB_KINDS = ("label", "receipt", "manifest", "test")


@dataclass
class Printer:
    """A configured printer: renders labels and documents in its language and sends them."""

    name: str
    language: Language
    transport: Transport
    size: LabelSize = field(default_factory=lambda: LabelSize(40, 30))
    dpi: int = 203
    jobs: tuple[str, ...] = JOB_KINDS

    def can_print(self, kind: str) -> bool:
        if kind not in self.jobs:
            return False
        return kind in ("label", "test") or self.language.document is not None

    def render_label(self, data: LabelData) -> bytes:
        return self.language.label(data, layout_for(self.size, self.dpi, data.waybill))

    def render_document(self, doc: Document) -> bytes:
        if self.language.document is None:
            raise PrinterError("unsupported", f"{self.language.name} printers print labels only")
        return self.language.document(doc)

    def send(self, data: bytes) -> None:
        self.transport.send(data)

    def print_label(self, data: LabelData) -> None:
        self.send(self.render_label(data))

    def describe(self) -> str:
        return (
            f"{self.name}: {self.language.name} {self.size} @{self.dpi} dpi via {self.transport.describe()}"
        )


def make_printer(config: dict[str, Any], *, name: str | None = None) -> Printer:
    """A Printer from a settings entry; ValueError names the bad key."""
    language_name = str(config.get("language", "tspl")).lower()
    language = LANGUAGES.get(language_name)
    if language is None:
        raise ValueError(f"unknown printer language {language_name!r}: use {', '.join(LANGUAGES)}")
    dpi = int(config.get("dpi", 203))
    if dpi not in DPIS:
        raise ValueError(f"printer dpi {dpi}: use 203 or 300")
    size = LabelSize.parse(str(config.get("size", "40x30")))
    transport = make_transport(
        str(config.get("transport", "dummy")),
        str(config.get("target", "")),
        raw=language.raw,
        suffix=language.suffix,
        options=config,
    )
    jobs = tuple(config.get("jobs") or JOB_KINDS)
    unknown = set(jobs) - set(JOB_KINDS)
    if unknown:
        raise ValueError(f"printer jobs {sorted(unknown)}: use {', '.join(JOB_KINDS)}")
    return Printer(
        name=name or str(config.get("name") or "default"),
        language=language,
        transport=transport,
        size=size,
        dpi=dpi,
        jobs=jobs,
    )


def make_transport(
    kind: str, target: str, *, raw: bool = True, suffix: str = ".bin", options: dict[str, Any] | None = None
) -> Transport:
    options = options or {}
    if kind == "usb":
        return UsbTransport.from_target(target)
    if kind == "tcp":
        return TcpTransport.from_target(target, float(options.get("timeout", 5.0)))
    if kind == "device":
        return DeviceTransport(target or "/dev/usb/lp0")
    if kind == "cups":
        return CupsTransport(target, raw=raw)
    if kind == "file":
        return FileTransport(target, suffix=suffix)
    if kind == "dummy":
        return DummyTransport.named(target or "dummy")
    raise ValueError(f"unknown printer transport {kind!r}: use usb, tcp, device, cups, file or dummy")
