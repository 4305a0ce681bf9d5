"""The client account's Stripe Customer, which saved cards and test-card payments hang
on. Its own module so that checkout and card on file can both use it.

A Customer lives on one Stripe account: the clinic's (``stripe_client(clinic)``). When
the clinic has changed account since, a Customer is made on the new one."""

import stripe

from payments.errors import provider_error
from payments.models import StripeCustomer
from payments.stripe_api import stripe_client


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
