from django.urls import reverse
from rest_framework import serializers

from branding.api.fields import MoneyDisplayField
from branding.models import PaymentMode
from payments.models import CardSetupStatus, PaymentKind, PaymentStatus
from payments.test_cards import TEST_CARDS


class CheckoutQuoteSerializer(serializers.Serializer):
    mode = serializers.ChoiceField(choices=PaymentMode.choices)
    kind = serializers.ChoiceField(
        choices=PaymentKind.choices, allow_blank=True, help_text="Empty when nothing is due now."
    )
    price = serializers.IntegerField()
    discount = serializers.IntegerField(
        help_text="A reward or voucher the patient chose at checkout (not a member's price)."
    )
    full_price = serializers.IntegerField(
        required=False, help_text="The service's price before a member's discount."
    )
    member_discount = serializers.IntegerField(
        required=False,
        help_text="What a membership took off the price at booking (already out of price).",
    )
    member_discount_label = serializers.CharField(required=False)
    deposit = serializers.IntegerField()
    due_now = serializers.IntegerField()
    balance_later = serializers.IntegerField()
    currency = serializers.CharField()


class PaymentSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    booking = serializers.IntegerField(source="booking_id")
    kind = serializers.ChoiceField(choices=PaymentKind.choices)
    amount = serializers.IntegerField()
    currency = serializers.CharField()
    status = serializers.ChoiceField(choices=PaymentStatus.choices)
    amount_captured = serializers.IntegerField()
    amount_display = MoneyDisplayField("amount")
    amount_captured_display = MoneyDisplayField("amount_captured")
    last_error = serializers.CharField()


class ReceiptRefundSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    amount = serializers.IntegerField()
    amount_display = MoneyDisplayField("amount", currency="payment.currency")
    refunded_at = serializers.DateTimeField(source="created_at")
    receipt_number = serializers.CharField(
        help_text="The refund receipt's number at this clinic, as printed (``GLOW-R3``)."
    )
    receipt_url = serializers.SerializerMethodField()

    def get_receipt_url(self, refund) -> str:
        return self.context["request"].build_absolute_uri(
            reverse("api:refund-receipt", args=[refund.pk])
        )


class ReceiptSerializer(serializers.Serializer):
    """A payment that went through, with its receipt and its refunds' receipts."""

    id = serializers.IntegerField()
    booking = serializers.IntegerField(source="booking_id")
    service = serializers.CharField(source="booking.service.name")
    kind = serializers.ChoiceField(choices=PaymentKind.choices)
    amount_captured = serializers.IntegerField()
    amount_captured_display = MoneyDisplayField("amount_captured")
    currency = serializers.CharField()
    paid_at = serializers.DateTimeField(source="succeeded_at", allow_null=True)
    receipt_number = serializers.CharField(
        help_text="The receipt's number at this clinic, as printed (``GLOW-P12``): the "
        "clinic's own unbroken sequence, given when the payment went through."
    )
    receipt_url = serializers.SerializerMethodField(help_text="The PDF receipt.")
    refunds = ReceiptRefundSerializer(many=True, source="paid_refunds")

    def get_receipt_url(self, payment) -> str:
        return self.context["request"].build_absolute_uri(
            reverse("api:payment-receipt", args=[payment.pk])
        )


class NextActionSerializer(serializers.Serializer):
    type = serializers.CharField(help_text="Stripe's next action, e.g. ``use_stripe_sdk``.")


class ConfirmedPaymentSerializer(PaymentSerializer):
    client_secret = serializers.CharField(
        help_text="The PaymentIntent's client secret: with ``requires_action``, finish the "
        "3-D Secure step with Stripe.js (``handleNextAction``)."
    )
    next_action = NextActionSerializer(
        allow_null=True, help_text="What the bank asks for (``requires_action``), or null."
    )


class CheckoutVoucherSerializer(serializers.Serializer):
    ref = serializers.CharField()
    label = serializers.CharField()


class CheckoutSerializer(serializers.Serializer):
    booking = serializers.IntegerField(source="booking.pk")
    booking_status = serializers.CharField(source="booking.status")
    hold_expires_at = serializers.DateTimeField(source="booking.hold_expires_at")
    quote = CheckoutQuoteSerializer()
    payment = PaymentSerializer()
    client_secret = serializers.CharField()
    next_action = NextActionSerializer(
        allow_null=True, help_text="What the bank asks for (``requires_action``), or null."
    )
    publishable_key = serializers.CharField()
    stripe_account = serializers.CharField(
        help_text="Stripe.js's stripeAccount option: the clinic's connected Stripe account "
        "(empty for a clinic paid with its own keys)."
    )
    save_card = serializers.BooleanField(
        help_text="Whether the card this payment is made with will be saved for next time "
        "(``setup_future_usage``): it then appears in ``GET /api/v1/cards``."
    )
    vouchers = CheckoutVoucherSerializer(many=True)
    test_cards = serializers.DictField(
        child=serializers.CharField(),
        help_text="Test card numbers by name, offered only when the server talks to the "
        "local Stripe test server; confirm with the name as payment_method.",
    )


class ConfirmSerializer(serializers.Serializer):
    payment_method = serializers.CharField(
        help_text=f"A PaymentMethod id, or a test card name: {', '.join(TEST_CARDS)}."
    )


class BookingCheckoutSerializer(serializers.Serializer):
    voucher = serializers.CharField(
        required=False,
        allow_blank=True,
        help_text="A reward voucher ref from the checkout's ``vouchers`` (loyalty): applying "
        "it reserves it for this booking until paid (used) or cancelled (given back); "
        "another booking cannot apply it meanwhile (409 ``voucher_reserved``). An empty "
        "string removes the voucher; leaving the field out keeps the one applied. A gift "
        "card pays the same way: ``commerce:gift:<code>`` (the code as printed or typed).",
    )
    save_card = serializers.BooleanField(
        required=False,
        allow_null=True,
        default=None,
        help_text="True: save the card this booking is paid with for next time (the "
        "PaymentIntent gets your Stripe Customer and ``setup_future_usage``; the card is "
        "saved when the payment succeeds). False takes it back before paying; leaving it "
        "out keeps the choice made.",
    )


class SavedCardSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    brand = serializers.CharField()
    last4 = serializers.CharField()
    exp_month = serializers.IntegerField(allow_null=True)
    exp_year = serializers.IntegerField(allow_null=True)
    created_at = serializers.DateTimeField()


class CardSetupSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    booking = serializers.IntegerField(source="booking_id")
    status = serializers.ChoiceField(choices=CardSetupStatus.choices)
    card = SavedCardSerializer(allow_null=True)
    last_error = serializers.CharField()
    client_secret = serializers.CharField(required=False)
    publishable_key = serializers.CharField(required=False)
    stripe_account = serializers.CharField(
        required=False, help_text="Stripe.js's stripeAccount option (see the checkout)."
    )
    test_cards = serializers.DictField(child=serializers.CharField(), required=False)


# Stripe's SetupIntent statuses (the schema's SetupIntentStatusEnum).
SETUP_INTENT_STATUSES = [
    (s, s)
    for s in (
        "requires_payment_method",
        "requires_confirmation",
        "requires_action",
        "processing",
        "canceled",
        "succeeded",
    )
]


class PaymentSheetSerializer(serializers.Serializer):
    customer = serializers.CharField(help_text="The person's Stripe Customer id (`cus_…`).")
    ephemeral_key = serializers.CharField(
        help_text="The Customer's ephemeral key secret (`ek_…`) for the PaymentSheet."
    )
    ephemeral_key_expires = serializers.IntegerField(help_text="Unix time the key lapses.")
    stripe_api_version = serializers.CharField(
        help_text="The Stripe API version the key was made for (pinned by the server)."
    )
    publishable_key = serializers.CharField()
    stripe_account = serializers.CharField(
        help_text="The clinic's connected Stripe account (the SDK's `stripeAccountId`); "
        "empty for a clinic paid with its own keys."
    )


class CardAddSerializer(serializers.Serializer):
    setup_intent = serializers.CharField(help_text="The SetupIntent id (`seti_…`).")
    status = serializers.ChoiceField(
        choices=SETUP_INTENT_STATUSES, help_text="Stripe's SetupIntent status."
    )
    card = SavedCardSerializer(allow_null=True, help_text="The saved card, once succeeded.")


class CardAddStartSerializer(CardAddSerializer, PaymentSheetSerializer):
    client_secret = serializers.CharField(
        help_text="The SetupIntent's client secret: present the PaymentSheet in setup mode."
    )
    test_cards = serializers.DictField(child=serializers.CharField())


class ReceiptSentSerializer(serializers.Serializer):
    sent = serializers.BooleanField()
    to = serializers.EmailField()
