from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from branding.api.fields import MoneyDisplayField
from commerce.api.installment_serializers import InstallmentOptionSerializer, InstallmentSerializer
from commerce.models.packages import EntryKind as PackageEntryKind
from commerce.models.purchases import PurchaseKind, PurchaseMethod, PurchaseStatus


class PackageServiceSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    key = serializers.CharField()
    name = serializers.CharField()


class PlanSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    description = serializers.CharField()
    sessions = serializers.IntegerField()
    validity_days = serializers.IntegerField()
    price = serializers.IntegerField(help_text="Minor units.")
    currency = serializers.CharField(source="clinic.currency")
    price_display = MoneyDisplayField("price", "clinic.currency")
    services = PackageServiceSerializer(many=True, source="services.all")
    installment_options = serializers.SerializerMethodField(
        help_text="The numbers of monthly installments this package may be paid in on a "
        "saved card (empty: pay at once), with what each charges."
    )

    @extend_schema_field(InstallmentOptionSerializer(many=True))
    def get_installment_options(self, plan):
        from commerce.installments.selectors import installment_options

        return installment_options(plan.clinic, plan.price)


class PackageEntrySerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=PackageEntryKind.choices)
    amount = serializers.IntegerField(help_text="Sessions: + given, − used.")
    balance_after = serializers.IntegerField()
    booking = serializers.IntegerField(source="booking_id", allow_null=True)
    reason = serializers.CharField()
    created_at = serializers.DateTimeField()


class PackageSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    ref = serializers.SerializerMethodField(
        help_text="Send as `package` to POST /api/v1/bookings to use a session."
    )
    name = serializers.CharField()
    sessions = serializers.IntegerField(help_text="Sessions bought.")
    sessions_left = serializers.IntegerField(source="balance", default=0)
    expires_on = serializers.DateField()
    cancelled = serializers.SerializerMethodField()
    services = PackageServiceSerializer(many=True, source="services.all")
    purchase = serializers.IntegerField(source="purchase_id")

    def get_ref(self, package) -> str:
        return f"commerce:package:{package.pk}"

    def get_cancelled(self, package) -> bool:
        return package.voided_at is not None


class CoverOptionSerializer(serializers.Serializer):
    ref = serializers.CharField(help_text="Send as `package` to POST /api/v1/bookings.")
    label = serializers.CharField()


class PurchaseRefundSerializer(serializers.Serializer):
    amount = serializers.IntegerField()
    created_at = serializers.DateTimeField()


class PurchaseSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    reference = serializers.UUIDField()
    kind = serializers.ChoiceField(choices=PurchaseKind.choices)
    description = serializers.CharField()
    amount = serializers.IntegerField(help_text="Minor units.")
    currency = serializers.CharField()
    amount_display = MoneyDisplayField("amount")
    status = serializers.ChoiceField(choices=PurchaseStatus.choices)
    method = serializers.ChoiceField(choices=PurchaseMethod.choices)
    amount_captured = serializers.IntegerField()
    succeeded_at = serializers.DateTimeField(allow_null=True)
    receipt_number = serializers.CharField(
        help_text="The receipt's number at this clinic, as printed (``GLOW-S12``), given "
        "when the purchase was paid; empty until then."
    )
    refunds = PurchaseRefundSerializer(many=True, source="refunds.all")
    last_error = serializers.CharField()
    installments = serializers.SerializerMethodField(
        help_text="Paid in installments: each with its due day and status (else empty)."
    )

    @extend_schema_field(InstallmentSerializer(many=True))
    def get_installments(self, purchase):
        plan = getattr(purchase, "installment_plan", None) if purchase.pk else None
        if plan is None:
            return []
        return InstallmentSerializer(plan.installments.all(), many=True).data


class PurchaseStartedSerializer(serializers.Serializer):
    purchase = PurchaseSerializer()
    client_secret = serializers.CharField(help_text="For Stripe.js (the Payment Element).")
    publishable_key = serializers.CharField()
    stripe_account = serializers.CharField(
        help_text="Stripe.js's stripeAccount option: the clinic's connected Stripe account "
        "(empty for a clinic paid with its own keys)."
    )
    test_cards = serializers.DictField(
        child=serializers.CharField(),
        help_text="Against the local test server only: test card names to confirm with.",
    )


class PurchaseConfirmSerializer(serializers.Serializer):
    payment_method = serializers.CharField(
        help_text="A PaymentMethod id, or a test card name on the local test server."
    )


class GiftCardBuySerializer(serializers.Serializer):
    amount = serializers.IntegerField(help_text="Minor units.")
    recipient_name = serializers.CharField(max_length=120)
    recipient_email = serializers.CharField(max_length=254)
    message = serializers.CharField(required=False, allow_blank=True, max_length=500, default="")
    deliver_on = serializers.DateField(required=False, allow_null=True, default=None)


class GiftCardLookupSerializer(serializers.Serializer):
    code = serializers.CharField(max_length=40)


class GiftCardBalanceSerializer(serializers.Serializer):
    code = serializers.CharField(source="masked_code")
    amount = serializers.IntegerField()
    balance = serializers.IntegerField(default=0)
    currency = serializers.CharField()
    balance_display = MoneyDisplayField("balance")
    voided = serializers.SerializerMethodField()
    ref = serializers.SerializerMethodField(
        help_text="Send as `voucher` to POST /api/v1/bookings/<id>/checkout to pay with it."
    )

    def get_voided(self, card) -> bool:
        return card.voided_at is not None

    def get_ref(self, card) -> str:
        return f"commerce:gift:{card.code}"


class GiftCardBoughtSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    recipient_name = serializers.CharField()
    recipient_email = serializers.CharField()
    amount = serializers.IntegerField()
    balance = serializers.IntegerField(default=0)
    currency = serializers.CharField()
    deliver_on = serializers.DateField()
    delivered_at = serializers.DateTimeField(allow_null=True)
