"""The keys of a printer's settings entry (counter.toml, the Printers screen) as a person reads them.

The Printers screen heads its columns and fields with these labels, and a refusal of a setting names
its key by the same label (`config_key`), so "目标" on the screen is "目标" in the refusal; the key
follows in brackets where it differs, for whoever edits counter.toml.
"""

from __future__ import annotations

from hardware.messages import N_, ConfigKey

KEY_LABELS = {
    "name": N_("Name"),
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
}


def config_key(key: str) -> ConfigKey:
    """`key` as a refusal's parameter, with its label when it has one."""
    return ConfigKey(key, KEY_LABELS.get(key))
