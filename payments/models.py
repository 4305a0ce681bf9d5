"""Money taken for a booking, money given back, and the Stripe events we have seen.

Amounts are integer minor units (pence, cents) in the booking's currency. Every Stripe
call carries an idempotency key derived from these rows, so a retry after a crash never
charges or refunds twice.
"""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from booking_api.models import Booking
from branding.models import Clinic


class PaymentKind(models.TextChoices):
    DEPOSIT = "deposit", _("Deposit")
    FULL = "full", _("Full payment")
    BALANCE = "balance", _("Balance")
    FEE = "fee", _("Fee")
    LATE_CANCEL_FEE = "late_cancel_fee", _("Late-cancellation fee")
    NO_SHOW_FEE = "no_show_fee", _("No-show fee")
    DESK = "desk", _("Paid at the desk")


class PaymentMethod(models.TextChoices):
    """How the money came: a card through Stripe, or recorded by staff at the desk (no
    Stripe call: cash in the till, or a card on the clinic's own terminal)."""

    CARD = "card", _("Card")
    CASH = "cash", _("Cash")
    TERMINAL = "terminal", _("External card terminal")
    VOUCHER = "voucher", _("Reward voucher or gift card")


class PaymentStatus(models.TextChoices):
    PENDING = "pending", _("Awaiting payment")
    REQUIRES_ACTION = "requires_action", _("Awaiting card authentication")
    PROCESSING = "processing", _("Processing")
    SUCCEEDED = "succeeded", _("Paid")
    FAILED = "failed", _("Failed")
    CANCELED = "canceled", _("Cancelled")


class Payment(models.Model):
    """One Stripe PaymentIntent for one booking."""

    clinic = models.ForeignKey(Clinic, on_delete=models.CASCADE, related_name="payments")
    booking = models.ForeignKey(Booking, on_delete=models.PROTECT, related_name="payments")
    kind = models.CharField(max_length=16, choices=PaymentKind.choices)
    amount = models.PositiveIntegerField(_("amount (minor units)"))
    currency = models.CharField(max_length=3)
    # A reward voucher taken off the price (payments.discounts); marked used on success.
    discount = models.PositiveIntegerField(_("discount (minor units)"), default=0)
    discount_label = models.CharField(max_length=200, blank=True)
    voucher_ref = models.CharField(max_length=100, blank=True)
    # Charged off-session to a saved card (card on file) and by whom (staff), if so.
    saved_card = models.ForeignKey(
        "SavedCard", null=True, blank=True, on_delete=models.SET_NULL, related_name="payments"
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    status = models.CharField(
        max_length=16, choices=PaymentStatus.choices, default=PaymentStatus.PENDING
    )
    method = models.CharField(
        max_length=16, choices=PaymentMethod.choices, default=PaymentMethod.CARD
    )
    # A desk checkout's tender may pay more than the visit: the part that is a tip (for
    # the booking's staff member, not takings) and the part for products sold with the
    # visit. Neither counts towards the booking's balance (``booking_money``).
    tip = models.PositiveIntegerField(_("tip (minor units)"), default=0)
    extras = models.PositiveIntegerField(_("products (minor units)"), default=0)
    amount_captured = models.PositiveIntegerField(default=0)
    stripe_payment_intent_id = models.CharField(max_length=255, blank=True, db_index=True)
    idempotency_key = models.CharField(max_length=255, unique=True)
    confirm_attempts = models.PositiveIntegerField(default=0)
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    succeeded_at = models.DateTimeField(null=True, blank=True)
    # The receipt as issued (its lines, amounts and times, as text): a later move or
    # refund never changes it (``payments.receipts``).
    receipt_snapshot = models.JSONField(null=True, blank=True, editable=False)
    # The receipt's number at this clinic (``GLOW-P12``), given once when the payment
    # succeeds (``payments.services.receipt_numbers``), never changed afterwards.
    receipt_number = models.CharField(max_length=80, blank=True, default="", editable=False)

    class Meta:
        ordering = ["created_at", "id"]
        # Reports sum money taken by the day it succeeded, per clinic.
        indexes = [models.Index(fields=["clinic", "succeeded_at"], name="payment_clinic_succeeded")]
        constraints = [
            models.UniqueConstraint(
                fields=["stripe_payment_intent_id"],
                condition=~Q(stripe_payment_intent_id=""),
                name="one_payment_per_intent",
            ),
            models.UniqueConstraint(
                fields=["clinic", "receipt_number"],
                condition=~Q(receipt_number=""),
                name="one_payment_per_receipt_number",
            ),
        ]

    def __str__(self):
        return (
            f"{self.get_kind_display()} {self.amount} {self.currency} for booking {self.booking_id}"
        )


class StripeCustomer(models.Model):
    """The Stripe Customer that holds a client account's saved cards (one per account)."""

    clinic = models.ForeignKey(Clinic, on_delete=models.CASCADE, related_name="+")
    client = models.OneToOneField(
        "clients.ClientAccount", on_delete=models.CASCADE, related_name="stripe_customer"
    )
    stripe_customer_id = models.CharField(max_length=255, unique=True)
    # The Stripe account the Customer lives on (a connected account's id, or "" for the
    # clinic's own keys): a Customer is made again when the clinic changes account.
    stripe_account = models.CharField(max_length=255, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self):
        return self.stripe_customer_id


class SavedCard(models.Model):
    """A card the client saved with the clinic (a Stripe PaymentMethod attached to their
    Customer), charged off-session for a balance or a fee. Only the brand, last four
    digits and expiry are kept here."""

    clinic = models.ForeignKey(Clinic, on_delete=models.CASCADE, related_name="+")
    client = models.ForeignKey(
        "clients.ClientAccount", on_delete=models.CASCADE, related_name="saved_cards"
    )
    stripe_payment_method_id = models.CharField(max_length=255, unique=True)
    brand = models.CharField(max_length=30, blank=True)
    last4 = models.CharField(max_length=4, blank=True)
    exp_month = models.PositiveSmallIntegerField(null=True, blank=True)
    exp_year = models.PositiveSmallIntegerField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self):
        # Stripe's brand is lower-case ("visa"); people read it as a name.
        return f"{(self.brand or 'card').title()} •••• {self.last4}"


class CardSetupStatus(models.TextChoices):
    PENDING = "pending", _("Awaiting card")
    REQUIRES_ACTION = "requires_action", _("Awaiting card authentication")
    SUCCEEDED = "succeeded", _("Card saved")
    FAILED = "failed", _("Failed")


class CardSetup(models.Model):
    """The SetupIntent that saves a card for a card-on-file booking (one per booking)."""

    clinic = models.ForeignKey(Clinic, on_delete=models.CASCADE, related_name="+")
    booking = models.OneToOneField(Booking, on_delete=models.CASCADE, related_name="card_setup")
    stripe_setup_intent_id = models.CharField(max_length=255, blank=True)
    status = models.CharField(
        max_length=16, choices=CardSetupStatus.choices, default=CardSetupStatus.PENDING
    )
    card = models.ForeignKey(
        SavedCard, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    confirm_attempts = models.PositiveIntegerField(default=0)
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self):
        return f"Card setup for booking {self.booking_id}"


class RefundStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    SUCCEEDED = "succeeded", _("Refunded")
    FAILED = "failed", _("Failed")


class Refund(models.Model):
    """Money given back on a payment. The refunds of a payment never add up to more than
    it captured (checked with the payment row locked)."""

    payment = models.ForeignKey(Payment, on_delete=models.PROTECT, related_name="refunds")
    amount = models.PositiveIntegerField(_("amount (minor units)"))
    status = models.CharField(
        max_length=16, choices=RefundStatus.choices, default=RefundStatus.PENDING
    )
    stripe_refund_id = models.CharField(max_length=255, blank=True)
    idempotency_key = models.CharField(max_length=255, unique=True)
    reason = models.TextField(blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    receipt_snapshot = models.JSONField(null=True, blank=True, editable=False)  # as Payment's
    # Given once when the refund succeeds (``GLOW-R3``): as Payment's.
    receipt_number = models.CharField(max_length=80, blank=True, default="", editable=False)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="refund_amount_positive"),
            # The number carries the clinic's slug, which is unique: unique across clinics.
            models.UniqueConstraint(
                fields=["receipt_number"],
                condition=~Q(receipt_number=""),
                name="one_refund_per_receipt_number",
            ),
        ]

    def __str__(self):
        return f"Refund {self.amount} on payment {self.payment_id}"


class ReceiptSeries(models.TextChoices):
    """The clinic's receipt series; the letter is the one printed in the number."""

    PAYMENT = "P", _("Payments")
    REFUND = "R", _("Refunds")
    PURCHASE = "S", _("Shop sales")
    DESK = "D", _("Desk checkouts")


class ReceiptCounter(models.Model):
    """The last receipt number a clinic gave in one series. Taken under its row lock in
    the transaction that issues the receipt, so a clinic's numbers run 1, 2, 3… without
    gaps or repeats, whatever other clinics issue (``payments.services.receipt_numbers``)."""

    clinic = models.ForeignKey(Clinic, on_delete=models.CASCADE, related_name="+")
    series = models.CharField(max_length=1, choices=ReceiptSeries.choices)
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["clinic", "series"], name="one_receipt_counter"),
        ]

    def __str__(self):
        return f"{self.clinic_id} {self.series}: {self.last}"


class WebhookEvent(models.Model):
    """A Stripe event we received: recorded once, processed once."""

    stripe_event_id = models.CharField(max_length=255, unique=True)
    # The clinic the event belongs to: the owner of its ``account`` (Connect), or the
    # clinic whose own webhook secret signed it. None: nobody's (ignored, logged).
    clinic = models.ForeignKey(
        Clinic, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    account_id = models.CharField(max_length=255, blank=True)
    type = models.CharField(max_length=100)
    object_id = models.CharField(max_length=255, blank=True)
    received_at = models.DateTimeField(auto_now_add=True)
    processed_at = models.DateTimeField(null=True, blank=True)
    result = models.CharField(max_length=255, blank=True)

    class Meta:
        ordering = ["received_at", "id"]

    def __str__(self):
        return f"{self.type} {self.stripe_event_id}"


class StripeAccountKind(models.TextChoices):
    CONNECT = "connect", _("Stripe Connect account")
    OWN_KEYS = "own_keys", _("The clinic's own Stripe keys")


class StripeAccount(models.Model):
    """Where a clinic's money goes: its Stripe Connect account (every call made on it
    with ``Stripe-Account``) or, in a single-clinic install, its own Stripe keys (kept
    encrypted, never shown back in full). A clinic without a usable one takes no online
    payment (``payments.stripe_api.account_problem``)."""

    clinic = models.OneToOneField(Clinic, on_delete=models.CASCADE, related_name="stripe_account")
    kind = models.CharField(max_length=16, choices=StripeAccountKind.choices)
    account_id = models.CharField(max_length=255, blank=True)
    # Stripe's view of a connected account (account.updated, or read on the way back
    # from onboarding).
    details_submitted = models.BooleanField(default=False)
    charges_enabled = models.BooleanField(default=False)
    payouts_enabled = models.BooleanField(default=False)
    disabled_reason = models.CharField(max_length=255, blank=True)
    requirements_due = models.JSONField(default=list, blank=True)
    status_checked_at = models.DateTimeField(null=True, blank=True)
    # The clinic's own keys (OWN_KEYS): secrets encrypted (payments.key_vault).
    secret_key_encrypted = models.TextField(blank=True)
    secret_key_hint = models.CharField(max_length=40, blank=True)
    publishable_key = models.CharField(max_length=255, blank=True)
    webhook_secret_encrypted = models.TextField(blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["account_id"],
                condition=~Q(account_id=""),
                name="one_clinic_per_stripe_account",
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.account_id or self.secret_key_hint}"


class PaymentLinkStatus(models.TextChoices):
    OPEN = "open", _("Awaiting payment")
    PAID = "paid", _("Paid")
    CANCELLED = "cancelled", _("Cancelled")


class PaymentLink(models.Model):
    """A request staff send the patient to pay an amount the clinic is owed on a booking
    (its balance, a no-show or late-cancellation fee), paid on the patient's phone
    through a signed link (``payments.pay_links``). Single use: paid once, then closed;
    it expires, and staff may cancel it while unpaid. The ``payment`` is made when the
    patient first opens the page."""

    clinic = models.ForeignKey(Clinic, on_delete=models.CASCADE, related_name="+")
    booking = models.ForeignKey(Booking, on_delete=models.PROTECT, related_name="payment_links")
    public_id = models.UUIDField(unique=True, default=uuid.uuid4, editable=False)
    kind = models.CharField(max_length=16, choices=PaymentKind.choices)
    amount = models.PositiveIntegerField(_("amount (minor units)"))
    currency = models.CharField(max_length=3)
    reason = models.CharField(_("what it is for"), max_length=200, blank=True)
    status = models.CharField(
        max_length=16, choices=PaymentLinkStatus.choices, default=PaymentLinkStatus.OPEN
    )
    expires_at = models.DateTimeField()
    payment = models.OneToOneField(
        Payment, null=True, blank=True, on_delete=models.PROTECT, related_name="link"
    )
    sent_by = models.JSONField(default=list, blank=True)  # ["email", "sms"]
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    paid_at = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    cancelled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="payment_link_amount_positive"),
        ]

    def __str__(self):
        return f"Payment link {self.get_kind_display()} {self.amount} for booking {self.booking_id}"
