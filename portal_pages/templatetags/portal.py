import decimal

from django import template
from django.utils.formats import number_format

from branding.validators import CURRENCY_EXPONENTS

register = template.Library()

SYMBOLS = {"GBP": "£", "USD": "$", "EUR": "€", "CAD": "CA$", "AUD": "A$"}


@register.filter
def money(minor, currency):
    """4500, "GBP" → "£45.00"; currencies without a symbol here: "45.00 BGN"."""
    if minor in (None, ""):
        return ""
    exponent = CURRENCY_EXPONENTS.get(currency, 2)
    amount = number_format(decimal.Decimal(minor).scaleb(-exponent), exponent)
    symbol = SYMBOLS.get(currency)
    return f"{symbol}{amount}" if symbol else f"{amount} {currency}"


@register.filter
def fee_summary(policy, currency):
    """The late-cancellation fee in words, from the clinic's policy."""
    from django.utils.translation import gettext as _

    kind, value = policy.late_cancel_fee_kind, policy.late_cancel_fee_value
    if kind == "percent" and value:
        return _("%(percent)s%% of the price") % {"percent": value}
    if kind == "fixed" and value:
        return money(value, currency)
    return ""


@register.simple_tag
def weekday_names():
    """[(abbreviation, full name)] Monday first, translated."""
    from django.utils.dates import WEEKDAYS, WEEKDAYS_ABBR

    return [(WEEKDAYS_ABBR[day], WEEKDAYS[day]) for day in range(7)]


@register.filter
def fill_policy(html, numbers):
    """Rich text with the clinic's policy numbers in place of its placeholders."""
    from django.utils.safestring import mark_safe

    from portal_pages.policy import fill_policy_placeholders

    return mark_safe(fill_policy_placeholders(str(html), numbers or {}))  # noqa: S308 - values escaped
