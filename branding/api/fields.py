"""Serializer fields every app's API may use."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.fields import get_attribute

from branding.money import format_money


@extend_schema_field(OpenApiTypes.STR)
class MoneyDisplayField(serializers.Field):
    """``price_display``: the amount at ``amount`` (minor units) as people read it, in the
    request's language, exactly as the portal, receipts and emails show it
    (``branding.money.format_money``); null when the amount is. ``amount`` and
    ``currency`` are attribute paths on the object ("clinic.currency")."""

    def __init__(self, amount, currency="currency", **kwargs):
        self.amount_path = amount.split(".")
        self.currency_path = currency.split(".")
        kwargs.update(source="*", read_only=True)
        kwargs.setdefault("allow_null", True)
        kwargs.setdefault("help_text", f"`{amount}` formatted for people to read.")
        super().__init__(**kwargs)

    def to_representation(self, instance):
        amount = get_attribute(instance, self.amount_path)
        if amount is None:
            return None
        return format_money(amount, get_attribute(instance, self.currency_path))
