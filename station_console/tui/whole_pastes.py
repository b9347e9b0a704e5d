"""A paste from the terminal reaches the console as one paste, whatever it holds.

A terminal brackets what is pasted (`ESC [200~` ... `ESC [201~`). Textual's parser reads an ESC inside
the brackets as the start of a key's sequence: the characters after it went into no paste and, 32 on,
came out as typed keys (the ESC as `^`), so a long paste with an escape code in it typed `^[2JRRR...`
into the field and only the rest arrived as the paste (which the field refused as too long). Here an ESC
between the brackets reaches the parser as a stand-in character it keeps in the paste, and is put back
into the paste's text: the field then takes the paste or refuses it whole, and its own cleaning
(`safe_text.pasted_line`) drops the escape code.

Outside a paste, an ESC with a digit (or `-`, `=`) right behind it, inside the terminal's escape delay,
is the Esc key and that key: Textual reads the pair as a Mac's Option key (ESC 7 as `¶`), so an Esc
pressed right before a scan of a waybill starting with 7 was lost, and the scanner's digits behind the
`¶`, taken for an input method's word, were typed into the question the Esc meant to close: its 1 paid
a storage fee in cash. An ESC with a letter behind it is the same: Textual reads it as Alt and the
letter (ESC S as `alt+shift+s`), which lost the Esc and the first letter of an `SF...` scan. No key of
the console is Alt and a letter, and a terminal sends Alt+S as those same two bytes, so nothing is lost
by it. ESC b and ESC f too, which Textual reads as word moves (Alt+B and Alt+F in a shell): Ctrl+Left and
Ctrl+Right, the word moves a terminal sends as keys of their own, still move by words. An ESC and a key
read as Alt because nothing came within the escape delay (ESC then O, and nothing more yet) is the Esc
and that key as well.

ESC O begins the three-byte keys a terminal sends in its application modes: F1 to F4 (ESC O P to S), the
arrows, Home and End, the keypad's keys. Those are read as Textual reads them; ESC O and any other key
(an Esc right before a scan starting with O) is the Esc, O, and that key: Textual waited for a sequence
that never came, then gave `alt+shift+o` and lost the Esc.
"""

from __future__ import annotations

import string
from collections.abc import Iterable

from textual import events
from textual._ansi_sequences import ANSI_SEQUENCES_KEYS
from textual._xterm_parser import BRACKETED_PASTE_END, BRACKETED_PASTE_START, XTermParser
from textual.drivers import linux_driver
from textual.message import Message

ESC = "\x1b"
# The start of a terminal's three-byte keys (SS3): ESC O P is F1.
SS3 = ESC + "O"
# ESC and an ASCII letter that does not start a longer key of Textual's (ESC b, Textual's word move, too).
_ESC_LETTERS = frozenset(
    ESC + letter
    for letter in string.ascii_letters
    if not any(k.startswith(ESC + letter) and k != ESC + letter for k in ANSI_SEQUENCES_KEYS)
)
# A private-use character no terminal sends: an ESC inside a paste, on its way through the parser.
STAND_IN = "\ue01b"


def _held_back(text: str, marker: str) -> int:
    """How many characters at the end of `text` may be the start of `marker` (the rest of it in the
    terminal's next read)."""
    for size in range(min(len(marker) - 1, len(text)), 0, -1):
        if marker.startswith(text[-size:]):
            return size
    return 0


class WholePasteParser(XTermParser):
    """Textual's parser, an ESC inside a bracketed paste kept as the paste's text."""

    def __init__(self, debug: bool = False) -> None:
        super().__init__(debug)
        self._in_paste = False
        self._seen = ""  # outside a paste: the last characters, the start of a paste's opening marker
        self._held = ""  # inside a paste: the end of the last read, maybe the start of its closing marker

    def feed(self, data: str) -> Iterable[Message]:
        if not data:  # the end of the input: what was held back goes first
            held, self._held = self._held, ""
            if held:
                yield from self._restored(super().feed(held))
            yield from self._restored(super().feed(data))
            return
        masked = self._masked(data)
        if masked:
            yield from self._restored(super().feed(masked))

    def _masked(self, data: str) -> str:
        """`data` with every ESC inside a paste (but its closing marker's) as the stand-in."""
        out: list[str] = []
        text, self._held = self._held + data, ""
        while text:
            if not self._in_paste:
                seen = self._seen + text
                start = seen.find(BRACKETED_PASTE_START)
                if start < 0:
                    out.append(text)
                    self._seen = seen[-(len(BRACKETED_PASTE_START) - 1) :]
                    return "".join(out)
                cut = start + len(BRACKETED_PASTE_START) - len(self._seen)
                out.append(text[:cut])
                text, self._seen, self._in_paste = text[cut:], "", True
            else:
                end = text.find(BRACKETED_PASTE_END)
                if end < 0:
                    keep = _held_back(text, BRACKETED_PASTE_END)
                    body, self._held = text[: len(text) - keep], text[len(text) - keep :]
                    out.append(body.replace(ESC, STAND_IN))
                    return "".join(out)
                out.append(text[:end].replace(ESC, STAND_IN) + BRACKETED_PASTE_END)
                text, self._in_paste = text[end + len(BRACKETED_PASTE_END) :], False
        return "".join(out)

    def _sequence_to_key_events(self, sequence: str, alt: bool = False) -> Iterable[events.Key]:
        """Textual's keys for `sequence`, but ESC and a key it maps to an Option symbol (`¶` for 7) or
        to Alt (ESC S) are the Esc key, then that key: no key of the console is an Option symbol or
        Alt and a letter, and an Esc is never dropped for one."""
        option_symbol = len(sequence) == 2 and isinstance(ANSI_SEQUENCES_KEYS.get(sequence), str)
        if sequence[:1] == ESC and (option_symbol or sequence in _ESC_LETTERS):
            yield events.Key("escape", ESC)
            yield from super()._sequence_to_key_events(sequence[1])
            return
        if len(sequence) == 3 and sequence.startswith(SS3) and sequence not in ANSI_SEQUENCES_KEYS:
            # No key of a terminal's (F1 is ESC O P): the Esc, O, and the key behind them.
            yield events.Key("escape", ESC)
            yield from super()._sequence_to_key_events("O")
            yield from super()._sequence_to_key_events(sequence[2])
            return
        if alt and len(sequence) == 1:
            # Textual's ESC and one key with nothing behind it in the escape delay, given as Alt and the
            # key (ESC O as `alt+shift+o`): the Esc, then the key.
            yield events.Key("escape", ESC)
            yield from super()._sequence_to_key_events(sequence)
            return
        yield from super()._sequence_to_key_events(sequence, alt)

    @staticmethod
    def _restored(messages: Iterable[Message]) -> Iterable[Message]:
        for message in messages:
            if isinstance(message, events.Paste) and STAND_IN in message.text:
                message = events.Paste(message.text.replace(STAND_IN, ESC))
            yield message


def install() -> None:
    """The console's terminal reads with `WholePasteParser`: Textual's Linux driver makes its parser by
    this name as its input thread starts (a test's headless app has none)."""
    setattr(linux_driver, "XTermParser", WholePasteParser)  # noqa: B010  (mypy: a class is not assigned to)
