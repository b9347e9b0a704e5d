"""Money is integer cents everywhere; this is how it is shown, and how it was paid."""

from __future__ import annotations

from station_console.i18n import N_, translate

# How a customer paid (a storage fee or a send: db.models.FeeMethod, sendout.payments.METHODS), as
# every screen, receipt and report names it; translated where shown.
PAYMENT_METHOD_LABELS = {"cash": N_("cash"), "qr": N_("QR code"), "account": N_("account")}

# Symbols for the currencies a station is likely to use; any other shows its ISO code after the amount.
SYMBOLS = {"CNY": "¥", "JPY": "¥", "USD": "$", "HKD": "HK$", "EUR": "€", "GBP": "£"}


def decimal_text(cents: int) -> str:
    """`1205` -> `12.05` (and `-0.50`)."""
    sign = "-" if cents < 0 else ""
    whole, part = divmod(abs(cents), 100)
    return f"{sign}{whole}.{part:02d}"


def amount(cents: int, currency: str) -> str:
    """`¥12.05` for CNY, `12.05 CHF` for a currency without a symbol here."""
    symbol = SYMBOLS.get(currency.upper())
    text = decimal_text(cents)
    if symbol is None:
        return f"{text} {currency}"
    return f"-{symbol}{text[1:]}" if text.startswith("-") else f"{symbol}{text}"


def printed_amount(cents: int, currency: str, lang: str) -> str:
    """A sum as a printout in `lang` says it: `85.50 CNY` in English (the tariff's code), `85.50 元` in
    Chinese, where "CNY" read as a foreign word. Not "¥": U+00A5 is four bytes in GB18030, which a GB2312
    receipt printer cannot print. A currency without a Chinese name keeps its code."""
    text = decimal_text(cents)
    if currency.upper() == "CNY":
        return translate(N_("{amount} CNY"), lang, amount=text)
    return f"{text} {currency}"
