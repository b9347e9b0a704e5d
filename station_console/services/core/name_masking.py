"""A person's name as lists and printouts show it when the whole name is not needed: `张**` (the first
character kept), `**三` (the last one) or whole; one rule for the send-out waybill's privacy table and
the counter's lists."""

from __future__ import annotations


def mask_name(name: str, rule: str = "first") -> str:
    """`rule`: first (keep the first character), last (keep the last one), full (the whole name)."""
    if rule == "full" or len(name) < 2:
        return name
    stars = "*" * min(3, len(name) - 1)
    return stars + name[-1] if rule == "last" else name[0] + stars
