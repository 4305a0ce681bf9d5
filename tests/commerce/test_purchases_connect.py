"""Shop purchases are paid into the clinic's own Stripe account, like bookings; a clinic
that cannot take online payment sells nothing online, and writes nothing trying."""

import pytest

from commerce.models import Purchase, PurchaseStatus
from commerce.packages.services import package_buy_start
from payments.errors import PaymentError
from payments.models import StripeAccount, WebhookEvent
from payments.stripe_api import stripe_client
from tests.payments.test_connect import deliver, event

pytestmark = pytest.mark.django_db


def test_a_purchase_is_made_on_the_clinics_account(stripe_proxy, clinic, patient, plan):
    start = len(stripe_proxy.requests)
    purchase = package_buy_start(clinic=clinic, client=patient, plan_id=plan.pk)
    assert [(m, p, h.get("Stripe-Account")) for m, p, h in stripe_proxy.requests[start:]] == [
        ("POST", "/v1/payment_intents", "acct_test_glow")
    ]
    assert stripe_proxy.owner[purchase.stripe_payment_intent_id] == "acct_test_glow"


def test_no_account_no_purchase(stripe_proxy, clinic, patient, plan):
    StripeAccount.objects.filter(clinic=clinic).delete()
    with pytest.raises(PaymentError) as refused:
        package_buy_start(clinic=clinic, client=patient, plan_id=plan.pk)
    assert refused.value.code == "payments_not_set_up"
    assert not Purchase.objects.exists()
    assert not stripe_proxy.calls("POST", "/v1/payment_intents")


def test_another_accounts_event_does_not_pay_the_purchase(
    stripe_proxy, clinic, other_clinic, patient, plan, django_capture_on_commit_callbacks
):
    purchase = package_buy_start(clinic=clinic, client=patient, plan_id=plan.pk)
    pi = purchase.stripe_payment_intent_id
    api = stripe_client(clinic)  # paid with Stripe.js, on Glow's account
    api.PaymentIntent.modify(pi, payment_method="pm_card_visa")
    api.PaymentIntent.confirm(pi)
    deliver(
        event("payment_intent.succeeded", pi, account="acct_test_riverside"),
        capture=django_capture_on_commit_callbacks,
    )
    assert WebhookEvent.objects.get().clinic == other_clinic
    purchase.refresh_from_db()
    assert purchase.status != PurchaseStatus.SUCCEEDED  # before: not Riverside's to pay
    deliver(
        event("payment_intent.succeeded", pi, account="acct_test_glow"),
        capture=django_capture_on_commit_callbacks,
    )
    purchase.refresh_from_db()
    assert purchase.status == PurchaseStatus.SUCCEEDED  # after: Glow's own news
