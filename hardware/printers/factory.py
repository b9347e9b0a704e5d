"""One `Printer` per configured device: a language (how a label becomes bytes) plus a transport.

`make_printer(config)` takes an entry of CounterSettings.printers:
`{"language": "tspl", "transport": "usb", "target": "0416:5011", "size": "40x30", "dpi": 203}`
(optional: "name"; "gap_mm", the gap between stickers, TSPL; "paper_mm", 58 or 80, the roll of an
ESC/POS printer; "cjk", "resident" or "bitmap", how a TSPL printer prints Chinese; "jobs": ["label"]
to limit what kinds of job it takes).
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from hardware.config_keys import config_key
from hardware.config_values import decimal
from hardware.messages import N_, ConfigError, typed
from hardware.printers import escpos, image, pdf, tspl, zpl
from hardware.printers.document import Document
from hardware.printers.label import (
    CJK_MODES,
    DPIS,
    ROLL_PRINTABLE_MM,
    LabelData,
    LabelSize,
    Media,
    Symbol,
    preset_for,
    roll_symbol,
)
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

LabelRenderer = Callable[[LabelData, Media], bytes]
DocumentRenderer = Callable[[Document, Media], bytes]


@dataclass(frozen=True)
class Language:
    name: str
    label: LabelRenderer
    document: DocumentRenderer | None  # None: this language prints labels only
    suffix: str  # file extension for the file transport and `station label --out`
    raw: bool  # sent to CUPS as raw printer commands (not through a driver)
    roll: bool = False  # prints on roll paper of the printer's width, not on a sticker of its size


LANGUAGES: dict[str, Language] = {
    "tspl": Language("tspl", tspl.render_label, None, ".tspl", True),
    "zpl": Language("zpl", zpl.render_label, None, ".zpl", True),
    "escpos": Language("escpos", escpos.render_label, escpos.render_document, ".escpos", True, roll=True),
    "png": Language("png", image.render_label, None, ".png", False),
    "pdf": Language("pdf", pdf.render_label, pdf.render_document, ".pdf", False),
}
JOB_KINDS = ("label", "receipt", "manifest", "test", "waybill")  # waybill: send-out labels, 76x130 / 100x150


@dataclass
class Printer:
    """A configured printer: renders labels and documents in its language and sends them."""

    name: str
    language: Language
    transport: Transport
    media: Media = field(default_factory=Media)
    jobs: tuple[str, ...] = JOB_KINDS

    @property
    def size(self) -> LabelSize:
        return self.media.size

    @property
    def dpi(self) -> int:
        return self.media.dpi

    def can_print(self, kind: str) -> bool:
        return kind in self.jobs and self.takes_kind(kind)

    def takes_kind(self, kind: str) -> bool:
        """Its language can print `kind` (receipts and manifests need ESC/POS or PDF)."""
        return kind in ("label", "test", "waybill") or self.language.document is not None

    @property
    def cjk_bitmap(self) -> bool:
        """Chinese is drawn here with our font (PNG, PDF, ZPL, and TSPL set to bitmaps)."""
        return self.language.name in ("png", "pdf", "zpl") or (
            self.language.name == "tspl" and self.media.cjk == "bitmap"
        )

    def symbol(self, waybill: str) -> Symbol:
        """How this printer's labels carry `waybill`: Code 128 bars or a QR code, and where."""
        if self.language.roll:
            return roll_symbol(waybill, self.media.roll_dots, self.dpi, bar_height=1)
        return self.media.layout(waybill).symbol

    def render_label(self, data: LabelData) -> bytes:
        return self.language.label(data, self.media)

    def render_document(self, doc: Document) -> bytes:
        if self.language.document is None:
            raise PrinterError(
                "unsupported", N_("{language} printers print labels only"), language=self.language.name
            )
        return self.language.document(doc, self.media)

    @property
    def names_jobs(self) -> bool:
        """Whether a job has a name here (a file printer's job file), which `send`'s `about` gives."""
        return isinstance(self.transport, FileTransport)

    def send(self, data: bytes, about: tuple[str, ...] = ()) -> None:
        """Send `data`; `about` (the counter, the parcel) names the job where a job has a name: a file
        printer's job file in its folder."""
        if about and isinstance(self.transport, FileTransport):  # as `names_jobs`, narrowed for mypy
            self.transport.send(data, about)
        else:
            self.transport.send(data)

    def print_label(self, data: LabelData) -> None:
        self.send(self.render_label(data))

    def describe(self) -> str:
        paper = f"{self.media.paper_mm} mm roll" if self.language.roll else str(self.size)
        return f"{self.name}: {self.language.name} {paper} @{self.dpi} dpi via {self.transport.describe()}"


def make_printer(config: dict[str, Any], *, name: str | None = None) -> Printer:
    """A Printer from a settings entry; ValueError names the bad key."""
    language_name = str(config.get("language", "tspl")).lower()
    language = LANGUAGES.get(language_name)
    if language is None:
        raise ConfigError(
            N_("{key} = {language}: unknown printer language; use one of {choices}"),
            key=config_key("language"),
            language=typed(language_name),
            choices=", ".join(LANGUAGES),
        )
    media = media_from(config)
    transport = make_transport(
        str(config.get("transport", "dummy")),
        str(config.get("target", "")),
        raw=language.raw,
        suffix=language.suffix,
        options=config,
    )
    listed = config.get("jobs") or JOB_KINDS
    jobs = tuple(str(j) for j in listed) if isinstance(listed, (list, tuple)) else (str(listed),)
    unknown = sorted(set(jobs) - set(JOB_KINDS))
    if unknown:
        raise ConfigError(
            N_("{key} = {jobs}: unknown kinds of job; use {choices}"),
            key=config_key("jobs"),
            jobs=typed(", ".join(unknown)),
            choices=", ".join(JOB_KINDS),
        )
    return Printer(
        name=name or str(config.get("name") or "default"),
        language=language,
        transport=transport,
        media=media,
        jobs=jobs,
    )


def media_from(config: dict[str, Any]) -> Media:
    """The paper settings of a printer entry; ValueError names the bad key and what to use."""
    dpi_value = config.get("dpi", 203)
    try:
        dpi = int(dpi_value)
    except (TypeError, ValueError):
        dpi = -1
    if dpi not in DPIS:
        raise ConfigError(N_("{key} = {dpi}: use 203 or 300"), key=config_key("dpi"), dpi=typed(dpi_value))
    size = LabelSize.parse(str(config.get("size", "40x30")))
    preset_for(size)  # a size that cannot be laid out is refused now, not at the first label
    gap_value = config.get("gap_mm", 2.0)
    try:
        gap = float(gap_value) if not isinstance(gap_value, bool) else -1.0
    except (TypeError, ValueError):
        gap = -1.0
    if not 0 <= gap <= 20:  # NaN too
        raise ConfigError(
            N_("{key} = {gap}: the gap between stickers, in mm from 0 (continuous paper) to 20"),
            key=config_key("gap_mm"),
            gap=typed(gap_value),
        )
    paper_value = config.get("paper_mm", 58)
    try:
        paper = int(paper_value)
    except (TypeError, ValueError):
        paper = -1
    if paper not in ROLL_PRINTABLE_MM:
        raise ConfigError(
            N_("{key} = {paper}: the roll width, 58 or 80"),
            key=config_key("paper_mm"),
            paper=typed(paper_value),
        )
    cjk = str(config.get("cjk", "resident"))
    if cjk not in CJK_MODES:
        raise ConfigError(
            N_("{key} = {cjk}: use one of {choices}"),
            key=config_key("cjk"),
            cjk=typed(cjk),
            choices=", ".join(CJK_MODES),
        )
    return Media(size=size, dpi=dpi, gap_mm=gap, paper_mm=paper, cjk=cjk)


# A transport with no default target: saved without one, its labels would go nowhere, or into the
# console's working folder.
NEEDS_TARGET = {
    "tcp": N_("{key}: a network printer needs its address, e.g. 192.168.1.50:9100"),
    "cups": N_("{key}: a CUPS printer needs the name of its queue (see lpstat -p)"),
    "file": N_("{key}: a file printer needs a folder or a file to write to"),
}

NUL_IN_TARGET = N_(
    "{key} = {target}: a file printer's folder or file name holds a NUL character, which no name on disk can"
)
NUL_IN_DEVICE = N_("{key} = {target}: a device or CUPS queue name holds a NUL character, which none can")
RELATIVE_TARGET = N_(
    "{key} = {target}: a file printer's folder or file is given by its whole path, such as /srv/labels/, "
    "never one relative to the folder the console was started in"
)


def file_target(target: str) -> str:
    """A file printer's folder or file, `~` (the home folder of the user running the console or
    `station`) written out: `~/labels` is a whole path as much as /home/clerk/labels is."""
    return os.path.expanduser(target)


def make_transport(
    kind: str, target: str, *, raw: bool = True, suffix: str = ".bin", options: dict[str, Any] | None = None
) -> Transport:
    options = options or {}
    if kind in NEEDS_TARGET and not target.strip():
        raise ConfigError(NEEDS_TARGET[kind], key=config_key("target"))
    if kind == "usb":
        return UsbTransport.from_target(target)
    if kind == "tcp":
        return TcpTransport.from_target(target, decimal(options, "timeout", 5.0, low=0.1, high=120))
    if kind in ("device", "cups") and "\x00" in target:  # its send would fail as a Python error (as a file's)
        raise ConfigError(NUL_IN_DEVICE, key=config_key("target"), target=typed(target))
    if kind == "device":
        return DeviceTransport(target or "/dev/usb/lp0")
    if kind == "cups":
        return CupsTransport(target, raw=raw)
    if kind == "file":
        if "\x00" in target:  # a TOML "\u0000": every look at the path would fail as a Python error
            raise ConfigError(NUL_IN_TARGET, key=config_key("target"), target=typed(target))
        target = file_target(target)
        if not Path(target).is_absolute():
            # Relative, it would be read against whatever folder the console or `station` was started
            # in (a desktop launcher's, a cron job's /): labels and reports would land somewhere else.
            raise ConfigError(RELATIVE_TARGET, key=config_key("target"), target=typed(target))
        return FileTransport(target, suffix=suffix)
    if kind == "dummy":
        return DummyTransport.named(target or "dummy")
    raise ConfigError(
        N_("{key} = {transport}: use usb, tcp, device, cups, file or dummy"),
        key=config_key("transport"),
        transport=typed(kind),
    )
