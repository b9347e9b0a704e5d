"""`station devices` and `station scan-test`: see what is plugged in, and what a scanner sends."""

from __future__ import annotations

import queue
import sys
import time
from datetime import datetime
from typing import Any

import click

from station_console.cli_help import command, option
from station_console.commands._support import CliApp, device_text, emit_json, fail, pass_app
from station_console.errors import Refused, StationError
from station_console.i18n import N_, LaterText, _, _n, in_section, label_of, shown
from station_console.safe_text import cut
from station_console.text_columns import display_width, pad, table_lines

# Services and hardware are imported inside each command, not here: cli.LazyGroup imports every
# command module for any `station` call, and a command should load only what it runs (CLI start-up).

KIND_LABELS = {
    "scanner": N_("scanner"),
    "printer": N_("printer"),
    "serial": N_("serial"),
    "other": N_("other"),
}
PERMISSION_LABELS = {"ok": N_("ok"), "denied": N_("denied"), "unknown": N_("unknown")}
# What a device's USB interfaces are (hardware.scanners.discovery): a scanner's tell which scanner
# kind to set, so they read as those kinds do (hardware/scanners/factory.py).
INTERFACE_LABELS = {
    "hid-keyboard": N_("USB keyboard (HID)"),
    "hid-pos": N_("USB HID POS"),
    "hid-mouse": N_("USB mouse"),
    "hid": N_("USB HID"),
    "printer": N_("printer"),
    "serial": N_("serial port"),
}


def register(cli: click.Group) -> None:
    cli.add_command(devices)
    cli.add_command(scan_test)


@command()
@option("--json", "as_json", is_flag=True, help="Print the devices as JSON.")
@pass_app
def devices(app: CliApp, as_json: bool) -> None:
    """List the USB scanners and printers this machine can see."""
    from station_console.services.admin.devices import list_devices

    app.sign_in_if_asked()
    found = list_devices()
    if as_json:
        emit_json({"usb_available": found.usb_available, "devices": [d.as_dict() for d in found.devices]})
        return
    if not found.usb_available:
        click.echo(
            _("No libusb backend: USB devices cannot be listed (Debian: apt-get install libusb-1.0-0).")
        )
    if not found.devices:
        click.echo(_("No scanners or printers found."))
        return
    # Columns as wide as what they hold (fixed widths left gaps, or were overrun by a long interface
    # list or a Chinese label).
    rows = [
        [
            dev.id,
            label_of(KIND_LABELS, dev.kind),
            ", ".join(label_of(INTERFACE_LABELS, i) for i in dev.interfaces),
            _("{label}: {value}", label=_("permission"), value=label_of(PERMISSION_LABELS, dev.permission)),
            " ".join(x for x in (dev.manufacturer, dev.name) if x),
        ]
        for dev in found.devices
    ]
    for dev, line in zip(found.devices, table_lines(rows), strict=True):
        click.echo(line)
        if dev.udev_rule:
            click.echo("    " + _("add to /etc/udev/rules.d/70-station-console.rules:"))
            click.echo(f"    {dev.udev_rule}")


@command("scan-test")
@option(
    "--device",
    "device",
    metavar="ID",
    help="A device id from `station devices`, a serial port, or wedge (default: the configured scanner).",
)
@option("--count", type=click.IntRange(min=1), help="Stop after this many codes.")
@option("--json", "as_json", is_flag=True, help="One JSON object per code.")
@option(
    "--save",
    is_flag=True,
    help="Keyboard wedge: save the settings measured from the scans to this counter's settings (manager).",
)
@pass_app
def scan_test(app: CliApp, device: str | None, count: int | None, as_json: bool, save: bool) -> None:
    """Print codes as the scanner sends them (Ctrl-C to stop).

    A keyboard-wedge scanner is read key by key on a terminal: the gaps between its keys are measured
    and wedge settings proposed (--save writes them). For exact intake, program the scanner to send a
    prefix (its manual's "add prefix" code, e.g. ~): scan here to see it, then set wedge_prefix.
    """
    from station_console.services.admin.devices import scanner_config
    from station_console.services.core.roles import require

    try:
        app.sign_in_if_asked()
        if save:  # a manager's change: said before any scanning, and checked again as it is written
            require(app.station, "settings")
        config = scanner_config(app.counter_settings, device)
        if save:
            _can_measure(config)
    except StationError as exc:
        fail(exc, as_json=as_json)
        return
    if config.get("kind", "wedge") == "wedge":
        if sys.stdin.isatty():
            _wedge_measure(app, count, as_json, save)
        else:
            _wedge_lines(count, as_json)
        return
    _read_scanner(config, count, as_json)


def _can_measure(config: dict[str, Any]) -> None:
    """--save measures a keyboard-wedge scanner typing into this terminal: refused, before any scan is
    read, where there are no keys to time."""
    from hardware.scanners.factory import KIND_LABELS as SCANNER_KINDS

    kind = config.get("kind", "wedge")
    if kind != "wedge":
        raise Refused(
            N_(
                "Nothing saved: --save measures the keys a keyboard-wedge scanner types, and this scanner "
                "({kind}) sends whole codes. Leave out --save to read it."
            ),
            code="nothing_to_measure",
            kind=label_of(SCANNER_KINDS, kind),
        )
    if not sys.stdin.isatty():
        raise Refused(
            N_(
                "Nothing saved: --save times the keys a keyboard-wedge scanner types into this terminal, "
                "and these codes are piped in. Run it at the counter's terminal, or leave out --save."
            ),
            code="nothing_to_measure",
        )


class ScanLines:
    """Each code read, one a line as it comes: the time, its source, the code. The source column is as
    wide as the widest name seen so far (lines are printed before the next name is known), not a
    fixed width that a long name overran and a short one filled with spaces."""

    def __init__(self, as_json: bool) -> None:
        self.as_json = as_json
        self.width = 0

    def __call__(self, code: str, source: str) -> None:
        from hardware.scanners.factory import KIND_LABELS as SCANNER_KINDS

        if self.as_json:
            emit_json(
                {"code": code, "source": source, "at": datetime.now().astimezone().replace(microsecond=0)}
            )
            return
        name = device_text(source, SCANNER_KINDS)
        self.width = max(self.width, display_width(name))
        click.echo(f"{time.strftime('%H:%M:%S')}  {pad(name, self.width)}  {code}")


def _wedge_lines(count: int | None, as_json: bool) -> None:
    """Codes piped in, one a line (no key timing to measure)."""
    show = ScanLines(as_json)
    seen = 0
    for line in sys.stdin:
        code = line.rstrip("\r\n")
        if not code:
            continue
        show(code, "wedge")
        seen += 1
        if count is not None and seen >= count:
            return


def read_bursts(read_key: Any, count: int | None, on_code: Any) -> list[list[tuple[str, float]]]:
    """Keys from `read_key()` ((char, time), or None at the end), one burst per code: a code ends at
    CR, LF or Tab. `on_code(code, keys)` is called for each code as it completes."""
    bursts: list[list[tuple[str, float]]] = []
    keys: list[tuple[str, float]] = []
    try:
        while count is None or len(bursts) < count:
            got = read_key()
            if got is None:
                break
            keys.append(got)
            if got[0] in "\r\n\t":
                code = "".join(k for k, _t in keys[:-1])
                if code:
                    bursts.append(keys)
                    on_code(code, keys)
                keys = []
    except KeyboardInterrupt:  # Ctrl-C stops the reading, wherever it lands: the codes read still count
        pass
    return bursts


def _wedge_measure(app: CliApp, count: int | None, as_json: bool, save: bool) -> None:
    """A keyboard-wedge scanner types into this terminal: read it key by key and time the keys."""
    import os
    import termios
    import tty

    from hardware.scanners.wedge import propose
    from station_console.services.admin.counter import change_counter_settings

    fd = sys.stdin.fileno()

    def read_key() -> tuple[str, float] | None:
        data = os.read(fd, 1)
        if not data or data == b"\x04":  # end of input, or Ctrl-D
            return None
        return data.decode("latin-1"), time.monotonic()

    def on_code(code: str, keys: list[tuple[str, float]]) -> None:
        gaps = [(b[1] - a[1]) * 1000 for a, b in zip(keys, keys[1:], strict=False)]
        largest = max(gaps, default=0.0)
        if as_json:
            emit_json(
                {"code": code, "source": "wedge", "keys": len(keys), "largest_gap_ms": round(largest, 1)}
            )
        else:
            click.echo(
                _n(
                    "{code}   {n} key, largest gap {gap} ms",
                    "{code}   {n} keys, largest gap {gap} ms",
                    len(keys),
                    code=code,
                    n=len(keys),
                    gap=f"{largest:.0f}",
                )
            )

    click.echo(
        _("Scan a few barcodes; each ends with the scanner's Enter. Ctrl-C or Ctrl-D to stop."), err=True
    )
    old = termios.tcgetattr(fd)
    tty.setcbreak(fd)  # keys one by one, as the scanner types them
    try:
        bursts = read_bursts(read_key, count, on_code)
    finally:
        termios.tcsetattr(fd, termios.TCSADRAIN, old)
    found = propose(bursts)
    if found is None:
        if save:
            fail(
                Refused(
                    N_("Not enough scans to measure the scanner: nothing saved."), code="nothing_measured"
                ),
                as_json=as_json,
            )
        click.echo(_("Not enough scans to measure the scanner."), err=True)
        return
    proposed = found.as_settings()
    click.echo(
        _n(
            "Measured {scans} scan: largest key gap {gap} ms. Proposed: {settings}",
            "Measured {scans} scans: largest key gap {gap} ms. Proposed: {settings}",
            found.scans,
            scans=found.scans,
            gap=found.largest_gap_ms,
            settings=", ".join(f"{k} = {v}" for k, v in proposed.items()),
        ),
        err=True,
    )
    if save:
        new = app.counter_settings.model_copy(update=proposed)
        try:
            change_counter_settings(app.station, new)
        except StationError as exc:
            fail(exc, as_json=as_json)
            return
        click.echo(_("Saved to this counter's settings."), err=True)


def _read_scanner(config: dict[str, Any], count: int | None, as_json: bool) -> None:
    from hardware.messages import Message, reason_of
    from hardware.scanners.base import STATUS_LABELS, ScanEvent, ScannerStatus
    from hardware.scanners.factory import KIND_LABELS as SCANNER_KINDS
    from hardware.scanners.factory import make_scanner

    events: queue.Queue[ScanEvent | ScannerStatus] = queue.Queue()
    try:
        scanner = make_scanner(config, on_scan=events.put, on_status=events.put)
    except ValueError as exc:  # the setting's own reason, "Port (scanner.port)", translated when said
        reason = in_section(reason_of(exc), "scanner")
        said = reason if isinstance(reason, Message) else cut(reason, 120)
        # A refusal like any other: a sentence on stderr, and under --json the one document on stdout.
        fail(
            Refused(N_("The scanner is misconfigured: {reason}"), code="bad_scanner", reason=LaterText(said)),
            as_json=as_json,
        )
        return
    scanner.start()
    click.echo(
        _("Reading the scanner ({kind}); Ctrl-C to stop.", kind=label_of(SCANNER_KINDS, scanner.kind)),
        err=True,
    )
    show = ScanLines(as_json)
    seen = 0
    try:
        while count is None or seen < count:
            try:
                item = events.get(timeout=0.5)
            except queue.Empty:
                continue
            if isinstance(item, ScannerStatus):
                click.echo(_("scanner: {state}", state=label_of(STATUS_LABELS, item)), err=True)
                if scanner.detail:
                    click.echo(shown(scanner.detail), err=True)
                continue
            show(item.code, item.source)
            seen += 1
    except KeyboardInterrupt:
        pass
    finally:
        scanner.stop()
