"""Memberships' Stripe calls, all on the clinic's account (``stripe_client(clinic)``):
the Stripe Plan billing a membership plan (made once per account, price and interval),
the customer's default card, the subscription and its invoices.

Subscriptions use Stripe's Plans (``/v1/plans``), which Stripe and the local test server
both take; an invoice is charged to the Customer's ``invoice_settings
.default_payment_method``."""

import stripe
from django.utils.translation import gettext as _

from commerce.errors import CommerceError, CommerceErrorCode
from payments.customers import customer_ensure
from payments.errors import CardDeclinedError, provider_error
from payments.models import SavedCard
from payments.stripe_api import field, object_id, stripe_client
from payments.test_cards import TEST_CARDS, test_card_payment_method, uses_local_test_server

PURPOSE = "membership"


def stripe_plan_for(plan):
    """The Stripe Plan id for ``plan`` on the clinic's account now (made once; a new
    one when the price, interval or account changed). The caller saves ``plan``."""
    api = stripe_client(plan.clinic, taking_payment=True)
    currency = plan.clinic.currency.lower()
    key = f"{api.account_id or 'own'}:{plan.pk}:{plan.price}:{plan.interval}:{currency}"
    if plan.stripe_plan_id and plan.stripe_plan_key == key:
        return plan.stripe_plan_id
    try:
        made = api.Plan.create(
            amount=plan.price,
            currency=currency,
            interval=plan.interval,
            product={"name": plan.name[:120]},
            metadata={"purpose": PURPOSE, "membership_plan": str(plan.pk)},
            idempotency_key=f"membership-plan-{key}",
        )
    except stripe.error.StripeError as exc:
        raise provider_error(exc) from exc
    plan.stripe_plan_id, plan.stripe_plan_key = made.id, key
    plan.save(update_fields=["stripe_plan_id", "stripe_plan_key"])
    return made.id


def _card_error(exc):
    return CardDeclinedError(
        _("%(message)s Please try another card.")
        % {"message": getattr(exc, "user_message", "") or _("Your card was declined.")},
        field="payment_method",
    )


def default_card_set(*, client, payment_method):
    """Make ``payment_method`` (a saved card's PaymentMethod, one from the Payment
    Element, or a test card's name on the local test server) the card the client's
    subscriptions are charged to. Returns the Customer's id."""
    api = stripe_client(client.clinic, taking_payment=True)
    customer = customer_ensure(client=client)
    method = (payment_method or "").strip()
    if not method:
        raise CommerceError(
            _("Choose a card."), field="payment_method", code=CommerceErrorCode.CARD_UNUSABLE
        )
    try:
        if method in TEST_CARDS and uses_local_test_server():
            method = test_card_payment_method(
                method, clinic=client.clinic, customer_id=customer.stripe_customer_id
            )
        elif (
            SavedCard.objects.filter(stripe_payment_method_id=method)
            .exclude(client=client)
            .exists()
        ):
            raise CommerceError(
                _("That card cannot be used."),
                field="payment_method",
                code=CommerceErrorCode.CARD_UNUSABLE,
            )
        else:
            found = api.PaymentMethod.retrieve(method)
            if object_id(field(found, "customer")) != customer.stripe_customer_id:
                api.PaymentMethod.attach(method, customer=customer.stripe_customer_id)
        api.Customer.modify(
            customer.stripe_customer_id, invoice_settings={"default_payment_method": method}
        )
    except stripe.error.CardError as exc:
        raise _card_error(exc) from exc
    except stripe.error.InvalidRequestError as exc:
        raise CommerceError(
            exc.user_message or _("That card cannot be used."),
            field="payment_method",
            code=CommerceErrorCode.CARD_UNUSABLE,
        ) from exc
    except stripe.error.StripeError as exc:
        raise provider_error(exc) from exc
    return customer.stripe_customer_id


def subscription_start(*, clinic, customer_id, stripe_plan_id, key, metadata):
    """Subscribe and charge the first invoice now. A declined first charge cancels the
    subscription at once and raises ``CardDeclinedError`` (nothing was taken)."""
    api = stripe_client(clinic, taking_payment=True)
    try:
        sub = api.Subscription.create(
            customer=customer_id,
            items=[{"plan": stripe_plan_id}],
            metadata={"purpose": PURPOSE, **{k: str(v) for k, v in metadata.items()}},
            payment_behavior="allow_incomplete",
            idempotency_key=key,
        )
    except stripe.error.CardError as exc:
        raise _card_error(exc) from exc
    except stripe.error.StripeError as exc:
        raise provider_error(exc) from exc
    if sub.status not in ("active", "trialing"):
        try:
            needs_authentication = _first_payment_needs_authentication(api, sub)
            api.Subscription.cancel(sub.id)
        except stripe.error.StripeError as exc:
            raise provider_error(exc) from exc
        if needs_authentication:
            raise CommerceError(
                _(
                    "Your bank asks you to confirm this payment, which joining a membership "
                    "online cannot do yet. Nothing was charged: please use another card."
                ),
                field="payment_method",
                code=CommerceErrorCode.CARD_NEEDS_AUTHENTICATION,
            )
        raise CardDeclinedError(
            _("Your card was declined. Please try another card."), field="payment_method"
        )
    return sub


def _first_payment_needs_authentication(api, sub) -> bool:
    """Whether the first invoice's charge waits for the patient's bank (3-D Secure)
    rather than having been declined."""
    invoice_id = object_id(field(sub, "latest_invoice"))
    if not invoice_id:
        return False
    intent_id = object_id(field(api.Invoice.retrieve(invoice_id), "payment_intent"))
    if not intent_id:
        return False
    return field(api.PaymentIntent.retrieve(intent_id), "status") == "requires_action"


def subscription_retrieve(clinic, subscription_id):
    try:
        return stripe_client(clinic).Subscription.retrieve(subscription_id)
    except stripe.error.InvalidRequestError as exc:
        if exc.http_status == 404:
            return None
        raise provider_error(exc) from exc
    except stripe.error.StripeError as exc:
        raise provider_error(exc) from exc


def invoice_retrieve(clinic, invoice_id):
    try:
        return stripe_client(clinic).Invoice.retrieve(invoice_id)
    except stripe.error.InvalidRequestError as exc:
        if exc.http_status == 404:
            return None
        raise provider_error(exc) from exc
    except stripe.error.StripeError as exc:
        raise provider_error(exc) from exc


def invoice_pay(clinic, invoice_id):
    """Charge an open invoice again (after the card was updated)."""
    try:
        return stripe_client(clinic, taking_payment=True).Invoice.pay(invoice_id)
    except stripe.error.CardError as exc:
        raise _card_error(exc) from exc
    except stripe.error.StripeError as exc:
        raise provider_error(exc) from exc


def subscription_cancel_at_period_end(clinic, subscription_id, *, key):
    try:
        return stripe_client(clinic).Subscription.modify(
            subscription_id, cancel_at_period_end=True, idempotency_key=key
        )
    except stripe.error.StripeError as exc:
        raise provider_error(exc) from exc


def period_end(sub):
    """The subscription's current period end (a Unix time): on the subscription, or on
    its item in Stripe's newer API versions."""
    end = field(sub, "current_period_end")
    if end:
        return end
    items = field(field(sub, "items", {}), "data", []) or []
    return field(items[0], "current_period_end") if items else None
