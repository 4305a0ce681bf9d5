"""The client account's Stripe Customer, which saved cards and test-card payments hang
on, and the saved cards' rows. Its own module so that checkout and card on file can both
use it."""

import stripe

from payments.errors import provider_error
from payments.models import SavedCard, StripeCustomer
from payments.stripe_api import field, object_id, stripe_client


def customer_ensure(*, client) -> StripeCustomer:
    """The client account's Stripe Customer, created once (key ``client-<id>-customer``)."""
    existing = StripeCustomer.objects.filter(client=client).first()
    if existing:
        return existing
    try:
        customer = stripe_client().Customer.create(
            email=client.user.email,
            name=client.user.get_full_name() or client.user.email,
            metadata={"client_id": str(client.pk), "clinic": client.clinic.slug},
            idempotency_key=f"client-{client.pk}-customer",
        )
    except stripe.error.StripeError as exc:
        raise provider_error(exc) from exc
    record, _ = StripeCustomer.objects.get_or_create(
        client=client, defaults={"clinic_id": client.clinic_id, "stripe_customer_id": customer.id}
    )
    return record


def card_save(*, client, customer, payment_method_id) -> SavedCard:
    """Record a card the client chose to keep (a SetupIntent's, or a payment's made with
    ``setup_future_usage``), attached to their Customer: Stripe attaches it on success;
    localstripe does not, so it is attached here when it is not yet."""
    api = stripe_client()
    method = api.PaymentMethod.retrieve(payment_method_id)
    if object_id(field(method, "customer")) != customer.stripe_customer_id:
        method = api.PaymentMethod.attach(
            payment_method_id,
            customer=customer.stripe_customer_id,
            idempotency_key=f"client-{client.pk}-attach-{payment_method_id}",
        )
    card = field(method, "card", {})
    saved, _created = SavedCard.objects.update_or_create(
        stripe_payment_method_id=method.id,
        defaults={
            "clinic_id": client.clinic_id,
            "client": client,
            "brand": field(card, "brand", ""),
            "last4": field(card, "last4", ""),
            "exp_month": field(card, "exp_month"),
            "exp_year": field(card, "exp_year"),
        },
    )
    return saved
