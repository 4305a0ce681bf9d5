"""``{% load money %}{{ booking.price|money:booking.currency }}``: ``branding.money``'s one
format, in templates."""

from django import template

from branding.money import format_money

register = template.Library()


@register.filter
def money(minor, currency):
    """4500, "GBP" → "£45.00" in the active language; blank for no amount."""
    if minor in (None, ""):
        return ""
    return format_money(int(minor), currency)
