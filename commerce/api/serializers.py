from rest_framework import serializers

from branding.api.fields import MoneyDisplayField


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


class PackageEntrySerializer(serializers.Serializer):
    kind = serializers.CharField()
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
    kind = serializers.CharField()
    description = serializers.CharField()
    amount = serializers.IntegerField(help_text="Minor units.")
    currency = serializers.CharField()
    amount_display = MoneyDisplayField("amount")
    status = serializers.CharField()
    method = serializers.CharField()
    amount_captured = serializers.IntegerField()
    succeeded_at = serializers.DateTimeField(allow_null=True)
    refunds = PurchaseRefundSerializer(many=True, source="refunds.all")
    last_error = serializers.CharField()


class PurchaseStartedSerializer(serializers.Serializer):
    purchase = PurchaseSerializer()
    client_secret = serializers.CharField(help_text="For Stripe.js (the Payment Element).")
    publishable_key = serializers.CharField()
    test_cards = serializers.DictField(
        child=serializers.CharField(),
        help_text="Against the local test server only: test card names to confirm with.",
    )


class PurchaseConfirmSerializer(serializers.Serializer):
    payment_method = serializers.CharField(
        help_text="A PaymentMethod id, or a test card name on the local test server."
    )
