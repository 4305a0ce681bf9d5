"""The client account's Stripe Customer, which saved cards and test-card payments hang
on, and the saved cards' rows. Its own module so that checkout and card on file can both
use it.

A Customer lives on one Stripe account: the clinic's (``stripe_client(clinic)``). When
the clinic has changed account since, a Customer is made on the new one."""

import stripe

from payments.errors import provider_error
from payments.models import SavedCard, StripeCustomer
from payments.stripe_api import field, object_id, stripe_client


def customer_ensure(*, client) -> StripeCustomer:
    """The client account's Stripe Customer on the clinic's account, created once per
    account (key ``client-<id>-customer``, plus ``-<account>`` on a connected one)."""
    api = stripe_client(client.clinic)
    existing = StripeCustomer.objects.filter(client=client).first()
    if existing and existing.stripe_account == api.account_id:
        return existing
    key = f"client-{client.pk}-customer"
    try:
        customer = api.Customer.create(
            email=client.user.email,
            name=client.user.get_full_name() or client.user.email,
            metadata={"client_id": str(client.pk), "clinic": client.clinic.slug},
            idempotency_key=f"{key}-{api.account_id}" if api.account_id else key,
        )
    except stripe.error.StripeError as exc:
        raise provider_error(exc) from exc
    record, _ = StripeCustomer.objects.update_or_create(
        client=client,
        defaults={
            "clinic_id": client.clinic_id,
            "stripe_customer_id": customer.id,
            "stripe_account": api.account_id,
        },
    )
    return record


def card_save(*, client, customer, payment_method_id) -> SavedCard:
    """Record a card the client chose to keep (a SetupIntent's, or a payment's made with
    ``setup_future_usage``), attached to their Customer: Stripe attaches it on success;
    localstripe does not, so it is attached here when it is not yet."""
    api = stripe_client(client.clinic)
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
