"""A person's name as lists and printouts show it when the whole name is not needed: `张**` (the first
character kept), `**三` (the last one) or whole; one rule for the send-out waybill's privacy table and
the counter's lists."""

from __future__ import annotations


def has_letter(name: str) -> bool:
    """The name has a letter or a character (张, T, 3), not only brackets and marks (`[/]`)."""
    return any(ch.isalnum() for ch in name)


def mask_name(name: str, rule: str = "first") -> str:
    """`rule`: first (keep the first character), last (keep the last one), full (the whole name).

    Kept and counted are the name's letters only: `[Tom] Jones` is `T***`, never `[***` (a bracket read
    as the name); a name of no letter shows none of itself."""
    if rule == "full":
        return name
    letters = [ch for ch in name if ch.isalnum()]
    if not letters:
        return "*" if name else ""
    if len(letters) < 2:
        return letters[0]
    stars = "*" * min(3, len(letters) - 1)
    return stars + letters[-1] if rule == "last" else letters[0] + stars
