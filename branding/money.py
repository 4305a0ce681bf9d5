"""Money, in one place: every app stores amounts as integer minor units (pence, cents,
stotinki; yen have none) and turns them into text, or text into them, only here.

- ``minor_digits`` / ``to_major`` / ``to_minor``: the currency's precision (babel's CLDR
  data: JPY 0, the others here 2) and the conversions, always through ``Decimal``.
- ``format_money``: the one way an amount is shown — in the portal, PDF receipts, emails,
  the admin and the API's ``*_display`` fields — so the same amount reads the same
  everywhere in each language (``£45.00``; ``45,00 лв.`` in Bulgarian).
- ``parse_amount`` and ``AmountField``: what a person types ("45", "45.00", "45,00",
  "1,234.50") read in their language, refused (never rounded) when it is not an amount
  of that currency.

The template filter is ``{% load money %}{{ minor|money:currency }}``.
"""

import re
import unicodedata
from decimal import Decimal, InvalidOperation

from babel.numbers import (
    format_currency,
    get_currency_precision,
    get_currency_symbol,
    get_decimal_symbol,
    get_group_symbol,
)
from django import forms
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from branding.errors import BrandingErrorCode, DomainError

# The ISO 4217 codes a clinic may use. Their precision is babel's, not a table of ours.
CURRENCIES = (
    "GBP",
    "EUR",
    "USD",
    "CAD",
    "AUD",
    "NZD",
    "CHF",
    "SEK",
    "NOK",
    "DKK",
    "PLN",
    "CZK",
    "HUF",
    "RON",
    "BGN",
    "ZAR",
    "SGD",
    "HKD",
    "AED",
    "INR",
    "MXN",
    "BRL",
    "JPY",
    "KRW",
)

MAX_MINOR_UNITS = 2**31 - 1  # the largest PositiveIntegerField on every database

NBSP = "\u00a0"
_SPACES = (" ", NBSP, "\u202f")  # what people and locales (bg, fr) group digits with


def _locale(locale=None) -> str:
    return (locale or translation.get_language() or "en").replace("-", "_")


# --- precision -----------------------------------------------------------------------


def minor_digits(currency: str) -> int:
    """How many minor-unit digits ``currency`` has: 2 for GBP, EUR, USD, BGN; 0 for JPY."""
    return get_currency_precision(currency.upper())


def to_major(minor: int, currency: str) -> Decimal:
    """4500, "GBP" → Decimal("45.00"); 4500, "JPY" → Decimal("4500")."""
    return Decimal(minor).scaleb(-minor_digits(currency))


def to_minor(amount, currency: str) -> int:
    """Decimal("45.00") (or "45.00", or 45), "GBP" → 4500. An amount finer than the
    currency allows (4.999 GBP, 45.5 JPY) raises ``AmountError`` rather than rounding."""
    try:
        amount = Decimal(str(amount))
    except InvalidOperation:
        raise AmountError(ERRORS["invalid"], code=BrandingErrorCode.INVALID) from None
    if not amount.is_finite():
        raise AmountError(ERRORS["invalid"], code=BrandingErrorCode.INVALID)
    digits = minor_digits(currency)
    minor = amount.scaleb(digits)
    if minor != minor.to_integral_value():
        code = BrandingErrorCode.AMOUNT_DECIMALS if digits else BrandingErrorCode.AMOUNT_NO_DECIMALS
        raise AmountError(
            ERRORS[code] % {"currency": currency.upper(), "places": digits}, code=code
        )
    return int(minor)


# --- showing -------------------------------------------------------------------------


def _spaced(text: str, symbol: str) -> str:
    """CLDR's currency spacing, which babel leaves out: a symbol that ends (or starts) with
    a letter gets a no-break space next to the digits ("BGN 45.00", not "BGN45.00")."""
    if symbol and unicodedata.category(symbol[-1])[0] != "S":
        text = re.sub(re.escape(symbol) + r"(?=\d)", symbol + NBSP, text)
    if symbol and unicodedata.category(symbol[0])[0] != "S":
        text = re.sub(r"(?<=\d)" + re.escape(symbol), NBSP + symbol, text)
    return text


def format_money(minor: int, currency: str) -> str:
    """Integer minor units for people to read, in the active language: ``4500, "GBP"`` →
    ``£45.00`` in English and ``45,00 GBP`` in Bulgarian; ``4500, "BGN"`` → ``BGN 45.00``
    and ``45,00 лв.``; ``4500, "JPY"`` → ``¥4,500``. The currency's symbol is the one the
    language itself uses (CLDR); callers that speak for a clinic (receipts, emails)
    activate the clinic's language first."""
    currency = currency.upper()
    locale = _locale()
    try:
        text = format_currency(to_major(minor, currency), currency, locale=locale)
        symbol = get_currency_symbol(currency, locale)
    except (ValueError, LookupError):  # an unknown locale: still readable
        text = format_currency(to_major(minor, currency), currency, locale="en")
        symbol = get_currency_symbol(currency, "en")
    return _spaced(text, symbol)


def amount_for_input(minor, currency: str) -> str:
    """4500, "GBP" → "45.00" ("45,00" in Bulgarian): the value of an amount input, which
    ``parse_amount`` reads back; no symbol and no grouping."""
    if minor in (None, ""):
        return ""
    digits = minor_digits(currency)
    text = f"{to_major(int(minor), currency):.{digits}f}"
    return text.replace(".", _decimal_symbol())


# --- reading what people type --------------------------------------------------------

# Keyed by error code (members compare equal to their strings, so the form field's
# error_messages keep working).
ERRORS = {
    BrandingErrorCode.INVALID: _("Enter an amount such as 45.00."),
    BrandingErrorCode.AMOUNT_NEGATIVE: _("The amount cannot be negative."),
    BrandingErrorCode.AMOUNT_DECIMALS: _(
        "%(currency)s amounts have at most %(places)s decimal places."
    ),
    BrandingErrorCode.AMOUNT_NO_DECIMALS: _("%(currency)s amounts have no decimal places."),
    BrandingErrorCode.AMOUNT_TOO_LARGE: _("The amount is too large."),
}


class AmountError(DomainError):
    """Text that is not an amount of the currency; ``code`` says why (a key of ``ERRORS``)
    and ``field`` names the input."""


def _decimal_symbol(locale=None) -> str:
    try:
        return get_decimal_symbol(_locale(locale))
    except (ValueError, LookupError):
        return "."


def _group_symbol(locale=None) -> str:
    try:
        return get_group_symbol(_locale(locale))
    except (ValueError, LookupError):
        return ","


def _to_decimal(text: str, locale=None) -> Decimal:
    """The number in ``text``, read in ``locale``. Either "." or "," may be the decimal
    mark ("45.00" and "45,00" are both 45); a lone mark followed by exactly three digits is
    grouping only where the language groups with it ("1,234" is 1234 in English, 1.234
    in Bulgarian). Raises ``ValueError`` for anything else."""
    for space in _SPACES:
        text = text.replace(space, "")
    if not re.fullmatch(r"[0-9]+([.,][0-9]+)*", text):  # ASCII digits only
        raise ValueError(text)
    marks = re.findall(r"[.,]", text)
    if not marks:
        return Decimal(text)
    group = _group_symbol(locale)
    whole, mark, fraction = text.rpartition(marks[-1])
    if set(marks) == {group} and len(fraction) == 3:
        whole, mark, fraction = text, "", ""  # "1,234" or "1,234,567" in English: grouping
    grouped_with = set(re.findall(r"[.,]", whole))
    if grouped_with:  # left of the decimal mark: grouped by threes with the other mark
        head, *groups = re.split(r"[.,]", whole)
        if (
            len(grouped_with) > 1
            or grouped_with == {mark}
            or not 1 <= len(head) <= 3
            or any(len(g) != 3 for g in groups)
        ):
            raise ValueError(text)
        whole = head + "".join(groups)
    return Decimal(f"{whole}.{fraction}" if fraction else whole)


def parse_amount(text, currency: str, *, field: str = "amount", locale=None) -> int | None:
    """What a person typed, in the active language, → integer minor units of
    ``currency``; ``None`` for blank. Refuses (``AmountError`` naming ``field``) text that
    is not a number, a negative amount, more decimals than the currency has, or more than
    the database holds."""
    text = str(text if text is not None else "").strip()
    if not text:
        return None

    def refuse(code, **params):
        return AmountError(
            ERRORS[code] % params if params else ERRORS[code], field=field, code=code
        )

    if text.startswith(("-", "−")):
        try:
            _to_decimal(text[1:], locale)
        except (ValueError, InvalidOperation):
            raise refuse(BrandingErrorCode.INVALID) from None
        raise refuse(BrandingErrorCode.AMOUNT_NEGATIVE)
    try:
        amount = _to_decimal(text, locale)
    except (ValueError, InvalidOperation):
        raise refuse(BrandingErrorCode.INVALID) from None
    try:
        minor = to_minor(amount, currency)
    except AmountError as exc:
        exc.field = field
        raise
    if minor > MAX_MINOR_UNITS:
        raise refuse(BrandingErrorCode.AMOUNT_TOO_LARGE)
    return minor


class AmountField(forms.CharField):
    """A form field for an amount of ``currency``, typed in major units in the active
    language ("45", "45.00", "45,00") and cleaned to integer minor units (4500). Amounts
    finer than the currency allows are refused, not rounded; the error is the field's.
    ``error_messages`` may reword any of ``ERRORS``' codes."""

    default_error_messages = ERRORS

    def __init__(self, *, currency="GBP", **kwargs):
        kwargs.setdefault("widget", forms.TextInput(attrs={"inputmode": "decimal"}))
        super().__init__(**kwargs)
        self.currency = currency

    def prepare_value(self, value):
        if isinstance(value, int):
            return amount_for_input(value, self.currency)
        return value

    def to_python(self, value):
        if isinstance(value, int):  # the initial value, already in minor units
            return value
        try:
            return parse_amount(super().to_python(value), self.currency)
        except AmountError as exc:
            params = {"currency": self.currency.upper(), "places": minor_digits(self.currency)}
            raise forms.ValidationError(
                self.error_messages[exc.code], code=exc.code, params=params
            ) from None
