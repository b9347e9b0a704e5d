"""The keys of a device's settings entry (a printer's in counter.toml and on the Printers screen, the
scanner's and the scale's in counter.toml) as a person reads them.

The Printers screen heads its columns and fields with these labels, and a refusal of a setting names
its key by the same label (`config_key`), so "目标" on the screen is "目标" in the refusal; the key
follows in parentheses where it differs, for whoever edits counter.toml. One table for every device: a key
two devices share (`port`, `baud`, `vendor`) reads the same on each, and the numbers and USB ids every
device reads (config_values.py) are named without knowing whose they are.
"""

from __future__ import annotations

from hardware.messages import N_, ConfigKey

KEY_LABELS = {
    "name": N_("Printer name"),  # a person's "Name" reads 姓名 in Chinese; a printer's, 名称
    "language": N_("Language"),
    "transport": N_("Transport"),
    "target": N_("Target"),
    "size": N_("Size"),
    "dpi": N_("Resolution (dpi)"),
    "gap_mm": N_("Gap (mm)"),
    "paper_mm": N_("Roll width (mm)"),
    "cjk": N_("Chinese text"),
    "jobs": N_("Jobs"),
    "timeout": N_("Timeout (s)"),
    # The scanner's and the scale's (hardware/scanners/factory.py, hardware/scales/factory.py)
    "kind": N_("Kind"),
    "vendor": N_("Vendor id"),
    "product": N_("Product id"),
    "serial": N_("Serial number"),
    "layout": N_("Keyboard layout"),
    "terminator": N_("Terminator"),
    "mode": N_("Mode"),
    "exclude": N_("Excluded devices"),
    "port": N_("Port"),
    "baud": N_("Baud rate"),
    "protocol": N_("Protocol"),
    "pattern": N_("Pattern"),
    "unit": N_("Weight unit"),
    "stable": N_("Stable marks"),
    "settle": N_("Readings to settle"),
    "command": N_("Query command"),
    "backend": N_("Backend"),
    "codes": N_("Demo codes"),
    "interval_s": N_("Interval (s)"),
    "loop": N_("Repeat"),
    "grams": N_("Demo weight (g)"),
    "readings": N_("Demo readings"),
    "file": N_("Readings file"),
}


def config_key(key: str) -> ConfigKey:
    """`key` as a refusal's parameter, with its label when it has one."""
    return ConfigKey(key, KEY_LABELS.get(key))
