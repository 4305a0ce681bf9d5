"""Refunds are safe under failure: the refund is recorded and committed first, Stripe is
asked outside any transaction or row lock with a key derived from the refund's own id,
and a crash or an outage between the two is settled by reconciliation, which also checks
refunds and disputes against Stripe. Staff payment actions are audited in the same
transaction as the change.

Stripe calls go through the proxy in front of localstripe (``stripe_proxy``), which sees
every call, replays an idempotency key's first answer as Stripe does (localstripe ignores
keys) and can lose an answer after the refund was made."""

import datetime

import pytest
from django.db import connection, connections, transaction
from django.test import Client
from django.utils import timezone

from booking_api.models import BookingEvent
from payments import services
from payments.errors import PaymentError
from payments.models import Payment, Refund, RefundStatus
from payments.stripe_api import stripe_client
from people.models import AuditEntry

pytestmark = pytest.mark.django_db


def pay(booking):
    payment = services.checkout_start(booking=booking)
    return services.payment_confirm(payment=payment, payment_method="pm_card_visa")


def refunds_at_stripe(payment):
    listed = stripe_client(payment.clinic).Refund.list(
        payment_intent=payment.stripe_payment_intent_id
    )
    return [(r.amount, r.metadata.to_dict()) for r in listed.data]


def age(refund):
    Refund.objects.filter(pk=refund.pk).update(
        created_at=timezone.now() - datetime.timedelta(minutes=10)
    )


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_refund_is_committed_before_stripe_is_asked_and_nothing_is_locked(
    stripe_proxy, full_policy, held
):
    payment = pay(held())
    seen = []

    def look(method, path, headers):
        if (method, path) != ("POST", "/v1/refunds"):
            return
        try:
            # Another connection, as another web process would be: the refund is there
            # already, and the booking's and payment's rows can be locked at once.
            rows = list(Refund.objects.values_list("pk", "status", "idempotency_key"))
            with transaction.atomic():
                Payment.objects.select_for_update(nowait=True).get(pk=payment.pk)
                locked = False
            seen.append((rows, headers.get("Idempotency-Key"), locked))
        except Exception as exc:  # noqa: BLE001 - reported in the assertion
            seen.append(repr(exc))
        finally:
            connections.close_all()

    stripe_proxy.on_request = look
    refund = services.refund_create(payment=payment, amount=1500)

    assert seen == [
        ([(refund.pk, RefundStatus.PENDING, f"refund-{refund.pk}")], f"refund-{refund.pk}", False)
    ]
    refund.refresh_from_db()
    assert refund.status == RefundStatus.SUCCEEDED and refund.stripe_refund_id
    assert refunds_at_stripe(payment) == [
        (1500, {"booking_id": str(payment.booking_id), "refund_id": str(refund.pk)})
    ]


def test_a_crash_after_stripe_refunded_is_settled_by_reconciliation_once(
    fresh_stripe, stripe_proxy, full_policy, held
):
    payment = pay(held())
    stripe_proxy.lose_answers.add("/v1/refunds")  # Stripe refunds; we never hear back
    with pytest.raises(PaymentError):
        services.refund_create(payment=payment, amount=2000, reason="goodwill")

    refund = Refund.objects.get()
    assert (refund.status, refund.amount, refund.stripe_refund_id) == (
        RefundStatus.PENDING,
        2000,
        "",
    )
    assert [amount for amount, _meta in refunds_at_stripe(payment)] == [2000]
    # Still counted: no second refund can take the capture past what was paid.
    with pytest.raises(PaymentError):
        services.refund_create(payment=payment, amount=2600)

    stripe_proxy.lose_answers.clear()
    age(refund)
    findings = services.payments_reconcile()
    assert [(f["problem"], f["action"]) for f in findings] == [
        ("refund made at Stripe, not recorded", "settled")
    ]
    refund.refresh_from_db()
    assert refund.status == RefundStatus.SUCCEEDED and refund.stripe_refund_id.startswith("re_")
    assert [amount for amount, _meta in refunds_at_stripe(payment)] == [2000]
    assert BookingEvent.objects.filter(booking=payment.booking, kind="refund").count() == 1
    assert services.payments_reconcile() == []


def test_stripe_unreachable_leaves_the_refund_recorded_and_reconciliation_sends_it(
    fresh_stripe, stripe_proxy, full_policy, held, settings
):
    payment = pay(held())
    settings.STRIPE_API_BASE = "http://127.0.0.1:9"
    with pytest.raises(PaymentError) as exc:
        services.refund_create(payment=payment, amount=1000)
    assert exc.value.status == 502
    refund = Refund.objects.get()
    assert refund.status == RefundStatus.PENDING

    settings.STRIPE_API_BASE = stripe_proxy.url
    age(refund)
    findings = services.payments_reconcile()
    assert [(f["problem"], f["action"]) for f in findings] == [
        ("refund recorded, not sent", "sent (succeeded)")
    ]
    sent = stripe_proxy.calls("POST", "/v1/refunds")
    assert [h["Idempotency-Key"] for _m, _p, h in sent] == [f"refund-{refund.pk}"]
    refund.refresh_from_db()
    assert refund.status == RefundStatus.SUCCEEDED
    assert [amount for amount, _meta in refunds_at_stripe(payment)] == [1000]


def test_a_refund_stripe_later_failed_no_longer_counts(
    fresh_stripe, stripe_proxy, full_policy, held
):
    payment = pay(held())
    refund = services.refund_create(payment=payment, amount=4500)
    failed = stripe_client(refund.payment.clinic).Refund.retrieve(refund.stripe_refund_id).to_dict()
    stripe_proxy.overrides[f"/v1/refunds/{refund.stripe_refund_id}"] = {
        **failed,
        "status": "failed",
        "failure_reason": "expired_or_canceled_card",
    }
    findings = services.payments_reconcile()
    assert ("refund failed at Stripe", "marked failed") in {
        (f["problem"], f["action"]) for f in findings
    }
    refund.refresh_from_db()
    assert refund.status == RefundStatus.FAILED
    event = BookingEvent.objects.get(booking=payment.booking, kind="refund_failed")
    assert event.data["error"] == "expired_or_canceled_card"


def test_a_dispute_at_stripe_goes_into_the_booking_history_once(
    fresh_stripe, stripe_proxy, full_policy, held
):
    payment = pay(held())
    stripe_proxy.disputes.append(
        {
            "id": "dp_test_1",
            "object": "dispute",
            "amount": 4500,
            "currency": "gbp",
            "payment_intent": payment.stripe_payment_intent_id,
            "reason": "fraudulent",
            "status": "needs_response",
            "created": int(timezone.now().timestamp()),
        }
    )
    findings = services.payments_reconcile()
    assert [(f["problem"], f["action"], f["dispute"]) for f in findings] == [
        ("payment disputed", "recorded", "dp_test_1")
    ]
    event = BookingEvent.objects.get(booking=payment.booking, kind="payment_disputed")
    assert (event.data["reason"], event.data["amount"]) == ("fraudulent", 4500)
    assert services.payments_reconcile() == []


# --- staff actions: the change and its audit entry, one transaction -------------------


def staff_client(user, clinic):
    client = Client(HTTP_HOST=clinic.site.hostname)
    client.force_login(user)
    return client


def audit_fails(monkeypatch):
    def refuse(self, *args, **kwargs):
        raise RuntimeError("audit log unavailable")

    monkeypatch.setattr(AuditEntry, "save", refuse)


def test_a_staff_refund_that_cannot_be_audited_is_not_made(
    stripe_proxy, full_policy, held, staff_user, clinic, monkeypatch
):
    booking = held()
    payment = pay(booking)
    staff = staff_client(staff_user, clinic)
    audit_fails(monkeypatch)
    with pytest.raises(RuntimeError):
        staff.post(f"/admin/payments/bookings/{booking.pk}/refund/", {"amount": "10.00"})
    assert not Refund.objects.exists()
    assert stripe_proxy.calls("POST", "/v1/refunds") == []
    assert refunds_at_stripe(payment) == []


def test_a_staff_refund_is_audited_naming_the_refund(
    stripe_proxy, full_policy, held, staff_user, clinic
):
    booking = held()
    pay(booking)
    response = staff_client(staff_user, clinic).post(
        f"/admin/payments/bookings/{booking.pk}/refund/", {"amount": "10.00"}, follow=True
    )
    assert "£10.00 refunded." in response.content.decode()
    refund = Refund.objects.get()
    assert AuditEntry.objects.filter(
        client=booking.client,
        summary=f"Refunded £10.00 on booking {booking.pk} (refund {refund.pk})",
    ).exists()


def test_a_staff_cancel_with_refund_that_cannot_be_audited_changes_nothing(
    stripe_proxy, full_policy, held, staff_user, clinic, monkeypatch
):
    booking = held()
    pay(booking)
    booking.refresh_from_db()
    before = booking.status
    staff = staff_client(staff_user, clinic)
    audit_fails(monkeypatch)
    with pytest.raises(RuntimeError):
        staff.post(f"/admin/payments/bookings/{booking.pk}/cancel-refund/", {"amount": ""})
    booking.refresh_from_db()
    assert booking.status == before
    assert not Refund.objects.exists()
    assert connection.in_atomic_block  # (the test's own transaction, nothing left open)
