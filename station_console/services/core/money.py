"""Money is integer cents everywhere; this is how it is shown, and how it was paid."""

from __future__ import annotations

from dataclasses import dataclass

from station_console.i18n import N_, Later, get_language, translate

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
