"""A purchase paid outside our own confirmation (Stripe.js in the browser): Stripe's
signed webhook reaches payments, which hands the intent to commerce by its purpose;
the package is issued once, however often the event arrives."""

import hashlib
import hmac
import time

import pytest
from django.test import Client

from commerce.models import Package, PurchaseStatus
from commerce.packages.services import package_buy_start
from payments.models import WebhookEvent
from payments.stripe_api import stripe_client
from tests.fixtures.payments import connect_event

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("stripe_at_localstripe")]


def signed(payload, secret="whsec_test_portal"):
    at = int(time.time())
    mac = hmac.new(secret.encode(), f"{at}.".encode() + payload, hashlib.sha256).hexdigest()
    return f"t={at},v1={mac}"


def test_the_webhook_issues_the_package_once(
    clinic, patient, plan, localstripe, django_capture_on_commit_callbacks
):
    purchase = package_buy_start(clinic=clinic, client=patient, plan_id=plan.pk)
    api = stripe_client(clinic)
    api.PaymentIntent.modify(purchase.stripe_payment_intent_id, payment_method="pm_card_visa")
    api.PaymentIntent.confirm(purchase.stripe_payment_intent_id)
    event = next(
        e
        for e in api.Event.list(type="payment_intent.succeeded").auto_paging_iter()
        if e.data.object.id == purchase.stripe_payment_intent_id
    )
    payload = connect_event(localstripe, event.id, account=f"acct_test_{clinic.slug}")
    assert not Package.objects.exists()

    for _ in range(2):
        with django_capture_on_commit_callbacks(execute=True):
            answer = Client().post(
                "/payments/stripe/webhook",
                data=payload,
                content_type="application/json",
                HTTP_STRIPE_SIGNATURE=signed(payload),
            )
        assert answer.status_code == 200
    purchase.refresh_from_db()
    assert purchase.status == PurchaseStatus.SUCCEEDED
    assert Package.objects.filter(purchase=purchase).count() == 1
    assert WebhookEvent.objects.get().result == f"purchase {purchase.pk}: succeeded"
