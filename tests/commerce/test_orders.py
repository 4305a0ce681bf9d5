"""Orders through the real flows: paid online at order (localstripe) then received,
made ready and picked up; a refill request approved, or declined with a reason and
refunded in full; paid at pick-up with a desk purchase when handed over; loyalty points
earned once when an order is picked up; refused with nothing written for a product of
another clinic, too few in stock, another client's pet, a step out of order."""

import pytest

from branding.errors import DomainError
from branding.services import features_update
from commerce.models import (
    Order,
    OrderLine,
    OrderStatus,
    Product,
    Purchase,
    PurchaseMethod,
    PurchaseRefund,
    PurchaseStatus,
)
from commerce.orders.services import order_place, order_step
from commerce.purchases import purchase_confirm
from loyalty.models import LedgerEntry
from loyalty.services import programme_upsert
from notifications.models import Notification
from people.models import AuditEntry
from tests.factories.clients import ClientAccountFactory, MembershipFactory
from tests.factories.records import PetFactory


def kinds(user):
    return list(
        Notification.objects.filter(user=user).order_by("id").values_list("kind", flat=True)
    )


@pytest.fixture
def vet_staff_user(vet):
    return MembershipFactory(clinic=vet, role="staff").user


@pytest.mark.usefixtures("stripe_at_localstripe")
def test_paid_at_order_then_ready_and_picked_up_earns_points_once(
    clinic, patient, serum, staff_user, mailoutbox, django_capture_on_commit_callbacks
):
    programme_upsert(clinic=clinic, active=True, per_currency_unit=2, per_visit=50)
    order = order_place(clinic=clinic, client=patient, items=[{"product": serum.pk, "quantity": 2}])
    assert order.status == OrderStatus.AWAITING_PAYMENT and order.purchase.client_secret
    assert (order.total, Product.objects.get().stock) == (6000, 3)

    with django_capture_on_commit_callbacks(execute=True):
        purchase_confirm(purchase=order.purchase, payment_method="success")
    order.refresh_from_db()
    assert order.status == OrderStatus.PLACED
    assert [m.attachments[0][0] for m in mailoutbox if m.attachments] == ["receipt-glow-s1.pdf"]

    with django_capture_on_commit_callbacks(execute=True):
        order_step(clinic=clinic, order_id=order.pk, action="ready", actor=staff_user)
    with django_capture_on_commit_callbacks(execute=True):
        order_step(clinic=clinic, order_id=order.pk, action="fulfil", actor=staff_user)
    order.refresh_from_db()
    assert order.status == OrderStatus.FULFILLED and order.fulfilled_at
    assert Purchase.objects.count() == 1  # paid once, at order

    (earned,) = LedgerEntry.objects.filter(client=patient)
    assert earned.amount == 60 * 2  # £60 paid × 2 a pound; no per-visit points
    from commerce.tasks import purchase_points

    purchase_points(order.purchase_id)  # the task again: nothing more
    assert LedgerEntry.objects.filter(client=patient).count() == 1
    assert sorted(kinds(patient.user)) == [
        "order_fulfilled",
        "order_placed",
        "order_ready",
        "points_added",
        "purchase_receipt",
    ]
    assert AuditEntry.objects.filter(summary__startswith=f"Order {order.number}").count() == 2


@pytest.mark.usefixtures("stripe_at_localstripe")
def test_a_refill_is_approved_before_it_is_ready(
    vet, owner, refill, vet_staff_user, django_capture_on_commit_callbacks
):
    rex = PetFactory(owner=owner, name="Rex")
    with pytest.raises(DomainError) as refused:
        order_place(clinic=vet, client=owner, items=[{"product": refill.pk}])
    assert refused.value.field == "pet"  # a refill at a vet says which pet
    order = order_place(clinic=vet, client=owner, items=[{"product": refill.pk}], pet_id=rex.pk)
    purchase_confirm(purchase=order.purchase, payment_method="success")
    order.refresh_from_db()
    assert (order.status, order.needs_approval, order.pet) == (OrderStatus.PLACED, True, rex)

    with pytest.raises(DomainError) as early:
        order_step(clinic=vet, order_id=order.pk, action="ready", actor=vet_staff_user)
    assert (early.value.code, early.value.field) == ("order_state", "status")
    order_step(clinic=vet, order_id=order.pk, action="approve", actor=vet_staff_user)
    order_step(clinic=vet, order_id=order.pk, action="ready", actor=vet_staff_user)
    order.refresh_from_db()
    assert order.status == OrderStatus.READY and order.approved_at


@pytest.mark.usefixtures("stripe_at_localstripe")
def test_a_declined_refill_is_refunded_in_full_and_the_patient_reads_why(
    vet, owner, refill, vet_staff_user, django_capture_on_commit_callbacks
):
    rex = PetFactory(owner=owner, name="Rex")
    order = order_place(
        clinic=vet, client=owner, items=[{"product": refill.pk, "quantity": 2}], pet_id=rex.pk
    )
    purchase_confirm(purchase=order.purchase, payment_method="success")

    with pytest.raises(DomainError) as no_reason:
        order_step(clinic=vet, order_id=order.pk, action="decline", actor=vet_staff_user)
    assert no_reason.value.field == "reason"
    assert Order.objects.get().status == OrderStatus.PLACED and not PurchaseRefund.objects.exists()

    with django_capture_on_commit_callbacks(execute=True):
        order_step(
            clinic=vet,
            order_id=order.pk,
            action="decline",
            actor=vet_staff_user,
            reason="Rex needs a check-up before more tablets",
        )
    order.refresh_from_db()
    assert (order.status, order.decline_reason) == (
        OrderStatus.DECLINED,
        "Rex needs a check-up before more tablets",
    )
    (refund,) = PurchaseRefund.objects.all()
    assert refund.amount == 4800 and refund.stripe_refund_id
    told = Notification.objects.get(user=owner.user, kind="order_declined")
    assert "Rex needs a check-up" in told.body and "$48.00" in told.body
    with pytest.raises(DomainError):  # nothing more to give back, nothing more to decline
        order_step(
            clinic=vet, order_id=order.pk, action="decline", actor=vet_staff_user, reason="x"
        )
    assert PurchaseRefund.objects.count() == 1


def test_paid_at_pick_up_the_desk_takes_the_money_when_it_is_handed_over(
    clinic, patient, serum, staff_user, mailoutbox, django_capture_on_commit_callbacks
):
    features_update(clinic=clinic, orders_payment="pickup")
    programme_upsert(clinic=clinic, active=True, per_currency_unit=1)
    with django_capture_on_commit_callbacks(execute=True):
        order = order_place(clinic=clinic, client=patient, items=[{"product": serum.pk}])
    assert (order.status, order.purchase) == (OrderStatus.PLACED, None)
    assert kinds(patient.user) == ["order_placed"]
    order_step(clinic=clinic, order_id=order.pk, action="ready", actor=staff_user)
    with django_capture_on_commit_callbacks(execute=True):
        order_step(clinic=clinic, order_id=order.pk, action="fulfil", actor=staff_user)
    order.refresh_from_db()
    purchase = order.purchase
    assert (purchase.method, purchase.status, purchase.amount_captured) == (
        PurchaseMethod.DESK,
        PurchaseStatus.SUCCEEDED,
        3000,
    )
    assert [m.attachments[0][0] for m in mailoutbox if m.attachments] == ["receipt-glow-s1.pdf"]
    assert LedgerEntry.objects.get(client=patient).amount == 30


def test_refused_orders_write_nothing(clinic, patient, serum, other_clinic, vet_orders, refill):
    theirs = Product.objects.create(clinic=other_clinic, name="Theirs", price=100)
    cases = [
        ({"items": [{"product": theirs.pk}]}, "product"),
        ({"items": [{"product": serum.pk, "quantity": 6}]}, "quantity"),
        ({"items": [{"product": serum.pk, "quantity": 0}]}, "quantity"),
        ({"items": []}, "items"),
    ]
    for kwargs, field in cases:
        with pytest.raises(DomainError) as refused:
            order_place(clinic=clinic, client=patient, **kwargs)
        assert refused.value.field == field, kwargs
    owner = ClientAccountFactory(clinic=vet_orders)
    someone_elses = PetFactory(owner=ClientAccountFactory(clinic=vet_orders))
    with pytest.raises(DomainError) as not_theirs:
        order_place(
            clinic=vet_orders,
            client=owner,
            items=[{"product": refill.pk}],
            pet_id=someone_elses.pk,
        )
    assert (not_theirs.value.field, not_theirs.value.code) == ("pet", "not_your_pet")
    with pytest.raises(DomainError) as other_client:
        order_place(clinic=vet_orders, client=patient, items=[{"product": refill.pk}])
    assert other_client.value.field == "client"
    assert not Order.objects.exists() and not OrderLine.objects.exists()
    assert not Purchase.objects.exists() and Product.objects.get(pk=serum.pk).stock == 5


def test_another_clinics_staff_cannot_move_an_order(
    clinic, patient, serum, vet, django_capture_on_commit_callbacks
):
    features_update(clinic=clinic, orders_payment="pickup")
    order = order_place(clinic=clinic, client=patient, items=[{"product": serum.pk}])
    stranger = MembershipFactory(clinic=vet, role="manager").user
    with pytest.raises(DomainError) as refused:
        order_step(clinic=vet, order_id=order.pk, action="ready", actor=stranger)
    assert refused.value.status == 404
    assert Order.objects.get().status == OrderStatus.PLACED


def test_orders_off_refuses_to_order(clinic, patient, serum):
    features_update(clinic=clinic, orders=False)
    with pytest.raises(DomainError) as refused:
        order_place(clinic=clinic, client=patient, items=[{"product": serum.pk}])
    assert refused.value.code == "feature_disabled"
    assert not Order.objects.exists()


@pytest.mark.usefixtures("stripe_at_localstripe")
def test_an_order_declined_before_it_is_paid_can_no_longer_be_paid(
    clinic, patient, serum, staff_user
):
    order = order_place(clinic=clinic, client=patient, items=[{"product": serum.pk}])
    order_step(
        clinic=clinic, order_id=order.pk, action="decline", actor=staff_user, reason="Sold out"
    )
    assert Product.objects.get().stock == 5  # back on the shelf
    with pytest.raises(DomainError) as refused:
        purchase_confirm(purchase=order.purchase, payment_method="success")
    assert refused.value.code == "purchase_not_payable"
    assert Purchase.objects.get().status == PurchaseStatus.CANCELED


@pytest.mark.usefixtures("stripe_at_localstripe")
def test_an_order_unpaid_for_30_minutes_is_cancelled_by_the_worker_and_its_stock_returned(
    clinic, patient, serum, stripe_proxy, django_capture_on_commit_callbacks
):
    import datetime

    from django.utils import timezone

    from commerce.orders.unpaid import orders_expire_unpaid

    order = order_place(clinic=clinic, client=patient, items=[{"product": serum.pk, "quantity": 2}])
    assert Product.objects.get().stock == 3
    now = timezone.now()
    assert orders_expire_unpaid(now=now + datetime.timedelta(minutes=29)) == 0
    assert Order.objects.get().status == OrderStatus.AWAITING_PAYMENT

    with django_capture_on_commit_callbacks(execute=True):
        assert orders_expire_unpaid(now=now + datetime.timedelta(minutes=31)) == 1
    order.refresh_from_db()
    assert order.status == OrderStatus.CANCELLED and Product.objects.get().stock == 5
    assert Purchase.objects.get().status == PurchaseStatus.CANCELED
    intent = order.purchase.stripe_payment_intent_id
    assert stripe_proxy.sent("POST", f"/v1/payment_intents/{intent}/cancel")
    entry = AuditEntry.objects.filter(summary__contains="cancelled").get()
    assert entry.actor is None and entry.client == patient
    with pytest.raises(DomainError):
        purchase_confirm(purchase=order.purchase, payment_method="success")
    assert orders_expire_unpaid(now=now + datetime.timedelta(hours=2)) == 0  # once


@pytest.mark.usefixtures("stripe_at_localstripe")
def test_the_patient_cancels_their_unpaid_order_but_not_anothers_or_a_paid_one(
    clinic, patient, serum
):
    from django.http import Http404

    from commerce.orders.unpaid import order_cancel_unpaid

    order = order_place(clinic=clinic, client=patient, items=[{"product": serum.pk}])
    with pytest.raises(Http404):
        order_cancel_unpaid(
            clinic=clinic, client=ClientAccountFactory(clinic=clinic), reference=order.reference
        )
    assert Order.objects.get().status == OrderStatus.AWAITING_PAYMENT
    order_cancel_unpaid(clinic=clinic, client=patient, reference=order.reference)
    assert Order.objects.get().status == OrderStatus.CANCELLED
    assert Product.objects.get().stock == 5
    with pytest.raises(DomainError) as refused:
        order_cancel_unpaid(clinic=clinic, client=patient, reference=order.reference)
    assert refused.value.field == "status"


@pytest.mark.usefixtures("stripe_at_localstripe")
def test_a_payment_arriving_after_the_worker_cancelled_the_order_is_refunded(
    clinic, patient, serum
):
    import datetime

    from django.utils import timezone

    from commerce.orders.unpaid import orders_expire_unpaid
    from commerce.purchases import purchase_apply_intent
    from payments.stripe_api import stripe_client
    from payments.test_cards import test_card_payment_method

    order_place(clinic=clinic, client=patient, items=[{"product": serum.pk}])
    # Cancelled here; the browser had already paid (the intent's cancel is after commit).
    orders_expire_unpaid(now=timezone.now() + datetime.timedelta(minutes=31))
    purchase = Purchase.objects.get()
    api = stripe_client(clinic, taking_payment=True)
    method = test_card_payment_method("success", clinic=clinic)
    api.PaymentIntent.modify(purchase.stripe_payment_intent_id, payment_method=method)
    intent = api.PaymentIntent.confirm(purchase.stripe_payment_intent_id)
    assert intent.status == "succeeded"

    purchase_apply_intent(purchase_id=purchase.pk, intent=intent)
    assert Order.objects.get().status == OrderStatus.CANCELLED
    assert PurchaseRefund.objects.get().amount == 3000
    assert Product.objects.get().stock == 5
