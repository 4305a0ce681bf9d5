"""Money for people to read: integer minor units shown in the clinic's locale."""

from decimal import Decimal

from babel.numbers import format_currency, get_currency_precision
from django.utils import translation


def to_major(amount: int, currency: str) -> Decimal:
    """Minor units (pence, stotinki) → a Decimal in the currency's major unit."""
    digits = get_currency_precision(currency.upper())
    return Decimal(amount).scaleb(-digits)


def format_money(amount: int, currency: str, locale: str | None = None) -> str:
    """``4500, "GBP", "en"`` → ``£45.00``; ``4500, "BGN", "bg"`` → ``45,00 лв.``. The
    locale defaults to the active language."""
    locale = (locale or translation.get_language() or "en").replace("-", "_")
    try:
        return format_currency(to_major(amount, currency), currency.upper(), locale=locale)
    except (ValueError, LookupError):  # an unknown locale: still readable
        return format_currency(to_major(amount, currency), currency.upper(), locale="en")
