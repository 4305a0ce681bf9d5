"""The shapes of installments in the API (kept apart so the plan and purchase
serializers can use them)."""

from rest_framework import serializers

from branding.api.fields import MoneyDisplayField
from commerce.models import InstallmentStatus


class InstallmentOptionSerializer(serializers.Serializer):
    count = serializers.IntegerField(help_text="Number of monthly installments.")
    first = serializers.IntegerField(help_text="Charged now (minor units).")
    then = serializers.IntegerField(help_text="Each later month (minor units).")


class InstallmentSerializer(serializers.Serializer):
    number = serializers.IntegerField()
    amount = serializers.IntegerField(help_text="Minor units.")
    amount_display = MoneyDisplayField("amount", "plan.purchase.currency")
    due_on = serializers.DateField(help_text="In the clinic's time zone.")
    status = serializers.ChoiceField(choices=InstallmentStatus.choices)
    last_error = serializers.CharField(help_text="Why the last attempt was declined.")
    next_attempt_at = serializers.DateTimeField(allow_null=True)


class InstallmentBuySerializer(serializers.Serializer):
    installments = serializers.IntegerField(
        min_value=1, max_value=12, help_text="One of the plan's `installment_options` counts."
    )
    card = serializers.IntegerField(
        min_value=1, max_value=2**31 - 1, help_text="A saved card's id (GET /api/v1/cards)."
    )
