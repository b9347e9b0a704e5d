"""HID keyboard usages to characters, per keyboard layout.

A HID scanner in keyboard mode sends key usages (positions on a keyboard), not characters: the scanner
is set up to emulate one layout (US by default; many European scanners ship set to German or French)
and the console must decode with the same layout, or `1` comes out as `!` (AZERTY) and `Y` as `Z`
(QWERTZ). A layout maps a usage to (plain, shift, altgr) characters; "" means nothing.
"""

from __future__ import annotations

from collections.abc import Mapping

from hardware.config_keys import config_key
from hardware.messages import N_, ConfigError, typed

ENTER = "\r"
TAB = "\t"

# Modifier byte of a boot-keyboard report.
MOD_CTRL = 0x01 | 0x10
MOD_SHIFT = 0x02 | 0x20
MOD_ALT = 0x04
MOD_ALTGR = 0x40

Layout = Mapping[int, tuple[str, str, str]]


def _row(first_usage: int, plain: str, shift: str, altgr: str = "") -> dict[int, tuple[str, str, str]]:
    altgr = altgr.ljust(len(plain))
    return {
        first_usage + i: (p, s, a.strip())
        for i, (p, s, a) in enumerate(zip(plain, shift, altgr, strict=True))
    }


def _common() -> dict[int, tuple[str, str, str]]:
    keys: dict[int, tuple[str, str, str]] = {
        0x28: (ENTER, ENTER, ""),
        0x58: (ENTER, ENTER, ""),  # Enter, keypad Enter
        0x2B: (TAB, TAB, ""),
        0x2C: (" ", " ", ""),
    }
    keys.update(_row(0x54, "/*-+", "/*-+"))
    keys.update(_row(0x59, "1234567890.", "1234567890."))  # keypad (num lock on)
    return keys


def _us() -> dict[int, tuple[str, str, str]]:
    keys = _common()
    keys.update(_row(0x04, "abcdefghijklmnopqrstuvwxyz", "ABCDEFGHIJKLMNOPQRSTUVWXYZ"))
    keys.update(_row(0x1E, "1234567890", "!@#$%^&*()"))
    keys.update(_row(0x2D, "-=[]\\#;'`,./", '_+{}|~:"~<>?'))
    keys[0x64] = ("\\", "|", "")
    return keys


def _de() -> dict[int, tuple[str, str, str]]:
    """German QWERTZ: Y and Z swapped, umlauts, AltGr for @ { [ ] } \\ ~ |."""
    keys = _common()
    keys.update(_row(0x04, "abcdefghijklmnopqrstuvwxzy", "ABCDEFGHIJKLMNOPQRSTUVWXZY"))
    keys.update(_row(0x1E, "1234567890", '!"§$%&/()=', " ²³   {[]}"))
    keys.update(_row(0x2D, "ß´ü+##öä^,.-", "?`Ü*''ÖÄ°;:_", "\\  ~        "))
    keys[0x14] = ("q", "Q", "@")
    keys[0x08] = ("e", "E", "€")
    keys[0x10] = ("m", "M", "µ")
    keys[0x64] = ("<", ">", "|")
    return keys


def _fr() -> dict[int, tuple[str, str, str]]:
    """French AZERTY: A/Q and Z/W swapped, M right of L, digits need Shift."""
    keys = _common()
    keys.update(_row(0x04, "qbcdefghijkl,noparstuvzxyw", "QBCDEFGHIJKL?NOPARSTUVZXYW"))
    keys.update(_row(0x1E, "&é\"'(-è_çà", "1234567890", " ~#{[|`\\^@"))
    keys.update(_row(0x2D, ")=^$**mù²;:!", "°+¨£µµM%~./§", "]}         "))
    keys[0x08] = ("e", "E", "€")
    keys[0x64] = ("<", ">", "")
    return keys


LAYOUTS: dict[str, Layout] = {"us": _us(), "de": _de(), "fr": _fr()}


def layout(name: str) -> Layout:
    try:
        return LAYOUTS[str(name).lower()]
    except KeyError:
        raise ConfigError(
            N_("{key} = {layout}: unknown keyboard layout; use one of {choices}"),
            key=config_key("layout"),
            layout=typed(name),
            choices=", ".join(LAYOUTS),
        ) from None


def usage_to_char(usage: int, modifiers: int, keymap: Layout) -> str:
    """The character a key usage types with these modifiers; "" for keys that type nothing."""
    entry = keymap.get(usage)
    if entry is None:
        return ""
    plain, shifted, altgr = entry
    if modifiers & MOD_ALTGR or (modifiers & MOD_CTRL and modifiers & MOD_ALT):
        return altgr
    if modifiers & MOD_CTRL:
        # Ctrl+letter gives the control character (scanners send GS, 0x1D, as Ctrl+]).
        char = plain.upper()
        if len(char) == 1 and "@" <= char <= "_":
            return chr(ord(char) - 0x40)
        return ""
    return shifted if modifiers & MOD_SHIFT else plain
