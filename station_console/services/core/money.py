"""Money is integer cents everywhere; this is how it is shown, how it was paid, and how it is typed."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

from station_console.errors import Refused
from station_console.i18n import N_, Later, get_language, translate
from station_console.safe_text import cut

# How a customer paid (a storage fee or a send: db.models.FeeMethod, sendout.payments.METHODS), as
# every screen, receipt and report names it; translated where shown.
PAYMENT_METHOD_LABELS = {"cash": N_("cash"), "qr": N_("QR code"), "account": N_("account")}


def decimal_text(cents: int) -> str:
    """`1205` -> `12.05` (and `-0.50`): a figure in a column of sums, JSON's and CSV's text."""
    sign = "-" if cents < 0 else ""
    whole, part = divmod(abs(cents), 100)
    return f"{sign}{whole}.{part:02d}"


def amount(cents: int, currency: str, lang: str | None = None) -> str:
    """A sum as every screen, command and printout says it in `lang` (default: the console's):
    `12.05 CNY` in English, `12.05 元` in Chinese, where "CNY" reads as a foreign word. Not "¥": U+00A5
    is four bytes in GB18030, which a GB2312 receipt printer cannot print, and one form on the screen
    and on paper. A currency without a Chinese name keeps its code in both."""
    text = decimal_text(cents)
    if currency.upper() == "CNY":
        return translate(N_("{amount} CNY"), lang or get_language(), amount=text)
    return f"{text} {currency.upper()}"


@dataclass(frozen=True)
class LaterAmount(Later):
    """A sum as a parameter of a refusal: said in the language the refusal is shown in."""

    cents: int
    currency: str

    def message(self, lang: str | None = None) -> str:
        return amount(self.cents, self.currency, lang)

    def __str__(self) -> str:
        return self.message()


# -- money typed by a person -------------------------------------------------------------------------

# The most any typed amount may be unless its use says less (a fee cap, a total expected): far above
# any parcel's price, and a figure that stays a figure (a 5,000-digit one is not read as a number).
MOST_CENTS = 10_000_000_000

_SIGNS = "¥$€£"  # a leading currency sign, as a price is written (full-width ￥ folds to ¥)


def parse_cents(text: str, *, most: int = MOST_CENTS, currency: str = "CNY", blank: int | None = None) -> int:
    """Money typed by a person as integer cents: `12.5`, `¥2`, `.5`, full-width `１２.５` and spaces
    between digits (`1 000`); at most two decimals (`12.500` is 12.50); no comma, as thousands or as a
    decimal point (`1,500` is refused, never guessed).
    Refused, in a sentence that quotes what was typed, when it is no amount, negative, or past `most`
    cents (said in `currency`, as the refusal's reader says money). Blank text reads as `blank`
    when it is given (an optional amount), else it is refused."""
    shown = text.strip()
    raw = unicodedata.normalize("NFKC", shown).replace(" ", "")
    if not raw and blank is not None:
        return blank
    if "," in raw:
        # `1,500` is one thousand five hundred to one reader and 1.50 to another: neither is guessed.
        raise Refused(
            N_("An amount is written without commas, e.g. 1500 or 12.50: {text}."),
            code="bad_amount",
            text=cut(shown, 20),
        )
    raw = raw[1:] if raw[:1] in _SIGNS else raw
    whole, _dot, part = raw.partition(".")
    # isdecimal, not isdigit: int() reads every decimal digit but no superscript (it crashed on one)
    if not (whole or part) or any(s and not s.isdecimal() for s in (whole, part)):
        raise Refused(N_("Not an amount of money: {text}."), code="bad_amount", text=cut(shown, 20))
    part = part.rstrip("0")
    if len(part) > 2:
        raise Refused(
            N_("An amount has at most two decimals: {text}."), code="bad_amount", text=cut(shown, 20)
        )
    whole = whole.lstrip("0")
    # Only a figure that can be in range is read: Python refuses to read 4,300 digits and more.
    cents = int(whole or "0") * 100 + int(part.ljust(2, "0")) if len(whole) <= len(str(most)) else None
    if cents is None or cents > most:
        raise Refused(
            N_("An amount must be at most {most}: {text}."),
            code="bad_amount",
            most=LaterAmount(most, currency),
            text=cut(shown, 20),
        )
    return cents
