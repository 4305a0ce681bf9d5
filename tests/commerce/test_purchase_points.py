"""Loyalty points on purchases: a package earns when it is paid (once, however often the
task runs) and gives them back when all of it is refunded; a gift card earns nothing when
bought (its spending at a booking does, as the visit's points); a partial refund keeps
the points."""

import pytest

from commerce.purchases import purchase_refund
from commerce.tasks import purchase_points
from loyalty.models import LedgerEntry
from loyalty.selectors import balance
from loyalty.services import programme_upsert


@pytest.fixture
def programme(clinic):
    return programme_upsert(clinic=clinic, active=True, per_currency_unit=1, per_visit=25)


def test_a_package_earns_once_and_a_full_refund_takes_the_points_back(
    clinic, patient, plan, manager, programme, django_capture_on_commit_callbacks
):
    from commerce.packages.services import package_sell

    with django_capture_on_commit_callbacks(execute=True):
        package = package_sell(
            method="cash", clinic=clinic, client=patient, plan_id=plan.pk, actor=manager
        )
    purchase = package.purchase
    purchase_points(purchase.pk)  # run again: still once
    assert list(LedgerEntry.objects.values_list("amount", flat=True)) == [100]

    with django_capture_on_commit_callbacks(execute=True):
        purchase_refund(purchase=purchase, amount=4000, actor=manager, reason="one session off")
    assert balance(clinic, patient) == 100  # a partial refund keeps them
    with django_capture_on_commit_callbacks(execute=True):
        purchase_refund(purchase=purchase, amount=6000, actor=manager, reason="moving away")
    assert balance(clinic, patient) == 0
    assert list(LedgerEntry.objects.order_by("id").values_list("amount", flat=True)) == [
        100,
        -100,
    ]


@pytest.mark.usefixtures("stripe_at_localstripe")
def test_a_gift_card_bought_for_someone_earns_nothing(
    clinic, patient, gift_cards_on, programme, django_capture_on_commit_callbacks
):
    from commerce.giftcards.services import gift_card_buy_start
    from commerce.purchases import purchase_paid_at_desk

    with django_capture_on_commit_callbacks(execute=True):
        purchase = gift_card_buy_start(
            clinic=clinic,
            client=patient,
            amount=5000,
            recipient_name="Jane",
            recipient_email="jane@example.com",
            message="",
            deliver_on=None,
        )
        purchase_paid_at_desk(purchase)
    assert not LedgerEntry.objects.exists()
