from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from booking_api.images import SERVICE_RENDITIONS, rendition_urls
from branding.api.fields import MoneyDisplayField
from commerce.api.serializers import PurchaseStartedSerializer
from commerce.models import OrderPayment, OrderStatus, ProductKind


class ProductSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    description = serializers.CharField()
    kind = serializers.ChoiceField(
        choices=ProductKind.choices,
        help_text="`medication` is a refill request: staff approve it before it is ready.",
    )
    price = serializers.IntegerField(help_text="Minor units.")
    currency = serializers.CharField(source="clinic.currency")
    price_display = MoneyDisplayField("price", "clinic.currency")
    stock = serializers.IntegerField(allow_null=True, help_text="Null: not counted.")
    photo = serializers.SerializerMethodField(
        help_text="Absolute URLs of the renditions ``card`` (640×360) and ``thumb`` "
        "(160×160); null when it has none."
    )

    @extend_schema_field(
        {
            "type": "object",
            "nullable": True,
            "properties": {
                name: {"type": "string", "format": "uri"} for name in SERVICE_RENDITIONS
            },
        }
    )
    def get_photo(self, product):
        request = self.context.get("request")
        build = request.build_absolute_uri if request is not None else (lambda url: url)
        return rendition_urls(product.photo, SERVICE_RENDITIONS, build)


class OrderItemSerializer(serializers.Serializer):
    product = serializers.IntegerField()
    quantity = serializers.IntegerField(min_value=1, max_value=20, default=1)


class OrderPlaceSerializer(serializers.Serializer):
    items = OrderItemSerializer(many=True)
    pet = serializers.IntegerField(
        required=False, allow_null=True, default=None, help_text="The pet a refill is for."
    )
    note = serializers.CharField(required=False, allow_blank=True, max_length=300, default="")


class OrderLineSerializer(serializers.Serializer):
    product = serializers.IntegerField(source="product_id")
    name = serializers.CharField()
    kind = serializers.ChoiceField(choices=ProductKind.choices)
    unit_price = serializers.IntegerField()
    quantity = serializers.IntegerField()


class OrderSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    reference = serializers.UUIDField()
    number = serializers.CharField()
    status = serializers.ChoiceField(choices=OrderStatus.choices)
    status_display = serializers.CharField(source="get_status_display")
    payment = serializers.ChoiceField(choices=OrderPayment.choices)
    needs_approval = serializers.BooleanField(help_text="A refill request.")
    pet = serializers.IntegerField(source="pet_id", allow_null=True)
    total = serializers.IntegerField(help_text="Minor units.")
    currency = serializers.CharField()
    total_display = MoneyDisplayField("total")
    note = serializers.CharField()
    decline_reason = serializers.CharField()
    purchase = serializers.IntegerField(
        source="purchase_id",
        allow_null=True,
        help_text="Its purchase (receipt at /purchases/<id>/receipt.pdf once paid).",
    )
    lines = OrderLineSerializer(many=True, source="lines.all")
    created_at = serializers.DateTimeField()


class OrderPlacedSerializer(serializers.Serializer):
    order = OrderSerializer()
    payment = PurchaseStartedSerializer(
        allow_null=True,
        help_text="Paid at order: confirm with POST /purchases/<id>/confirm (or Stripe.js). "
        "Null when the order is paid at pick-up.",
    )
