"""Shop → Gift cards: the front desk sees the clinic's cards and what is outstanding,
issues a card (emailed to the recipient), adjusts and voids with a reason — each
audited; refusals name the field and change nothing; another clinic's card is 404."""

import pytest
from django.test import Client

from commerce.giftcards.selectors import gift_card_balance
from commerce.models import GiftCard
from people.models import AuditEntry

pytestmark = pytest.mark.django_db


@pytest.fixture
def desk(staff_user, clinic):
    client = Client(HTTP_HOST=clinic.site.hostname)
    client.force_login(staff_user)
    return client


def test_the_list_shows_cards_and_the_liability(desk, gift_card):
    html = desk.get("/admin/shop/gift-cards/").content.decode()
    assert "Outstanding on gift cards: £60.00" in html
    assert gift_card.masked_code in html and "jane@example.com" in html
    assert AuditEntry.objects.filter(summary__startswith="Viewed the gift cards").exists()


def test_issue_adjust_and_void_with_reasons(
    desk, clinic, staff_user, gift_cards_on, mailoutbox, django_capture_on_commit_callbacks
):
    form = {
        "amount": "25",
        "recipient_name": "Sam",
        "recipient_email": "sam@example.com",
        "message": "",
        "reason": "",
    }
    desk.post("/admin/shop/gift-cards/issue/", form)
    assert not GiftCard.objects.exists()  # no reason: nothing issued
    with django_capture_on_commit_callbacks(execute=True):
        desk.post("/admin/shop/gift-cards/issue/", {**form, "reason": "complaint"})
    card = GiftCard.objects.get()
    assert (card.amount, gift_card_balance(card)) == (2500, 2500)
    assert [m.to for m in mailoutbox] == [["sam@example.com"]]

    desk.post(
        f"/admin/shop/gift-cards/{card.pk}/adjust/",
        {"direction": "take", "amount": "30", "reason": "x"},
    )
    assert gift_card_balance(card) == 2500  # never below zero
    desk.post(
        f"/admin/shop/gift-cards/{card.pk}/adjust/",
        {"direction": "take", "amount": "5", "reason": "typo"},
    )
    assert gift_card_balance(card) == 2000
    desk.post(f"/admin/shop/gift-cards/{card.pk}/void/", {"reason": "lost"})
    card.refresh_from_db()
    assert card.voided_at and gift_card_balance(card) == 0
    summaries = list(AuditEntry.objects.filter(actor=staff_user).values_list("summary", flat=True))
    assert any("Issued gift card" in s for s in summaries)
    assert any("typo" in s for s in summaries) and any("Voided" in s for s in summaries)


def test_another_clinics_card_is_not_touched(desk, other_clinic, other_manager):
    from branding.services import features_update
    from commerce.giftcards.services import gift_card_staff_issue

    features_update(clinic=other_clinic, gift_cards=True)
    theirs = gift_card_staff_issue(
        clinic=other_clinic,
        actor=other_manager,
        amount=1000,
        recipient_name="R",
        recipient_email="r@example.com",
        reason="x",
    )
    desk.post(f"/admin/shop/gift-cards/{theirs.pk}/void/", {"reason": "mine now"})
    theirs.refresh_from_db()
    assert theirs.voided_at is None and gift_card_balance(theirs) == 1000
    assert theirs.masked_code not in desk.get("/admin/shop/gift-cards/").content.decode()
