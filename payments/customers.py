"""The client account's Stripe Customer, which saved cards and test-card payments hang
on. Its own module so that checkout and card on file can both use it."""

import stripe

from payments.errors import provider_error
from payments.models import StripeCustomer
from payments.stripe_api import stripe_client


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
