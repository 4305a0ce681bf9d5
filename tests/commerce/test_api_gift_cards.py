"""Gift cards for the apps: buy one, list the ones bought, look a balance up by code
without signing in (limited per address), pay a booking's checkout with it as a
voucher; the toggle off is 403 ``feature_disabled``."""

import datetime

import pytest

from commerce.giftcards.selectors import gift_card_balance
from commerce.models import GiftCard

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("stripe_at_localstripe")]


def test_an_app_buys_a_gift_card(patient_api, gift_cards_on):
    body = {
        "amount": 5000,
        "recipient_name": "Jane",
        "recipient_email": "jane@example.com",
        "deliver_on": (datetime.date.today() + datetime.timedelta(days=2)).isoformat(),
    }
    bad = patient_api.post("/api/v1/gift-cards", {**body, "recipient_email": "x"}, format="json")
    assert (bad.status_code, bad.json()["field"]) == (400, "recipient_email")
    started = patient_api.post("/api/v1/gift-cards", body, format="json")
    assert started.status_code == 201, started.json()
    purchase_id = started.json()["purchase"]["id"]
    paid = patient_api.post(
        f"/api/v1/purchases/{purchase_id}/confirm", {"payment_method": "success"}
    )
    assert paid.json()["status"] == "succeeded"
    (bought,) = patient_api.get("/api/v1/gift-cards/bought").json()["results"]
    assert (bought["balance"], bought["delivered_at"]) == (5000, None)  # sent on its day
    assert GiftCard.objects.get().issued_at is not None


def test_lookup_by_code_needs_no_sign_in_and_is_limited(api, gift_card, settings):
    found = api.post("/api/v1/gift-cards/lookup", {"code": gift_card.printed_code})
    assert found.status_code == 200 and found.json()["balance"] == 6000
    assert found.json()["ref"] == f"commerce:gift:{gift_card.code}"
    missing = api.post("/api/v1/gift-cards/lookup", {"code": "ZZZZ"})
    assert (missing.status_code, missing.json()["field"]) == (400, "code")
    settings.ACCOUNT_RATE_LIMITS = {**settings.ACCOUNT_RATE_LIMITS, "gift_card_lookup": "2/m/ip"}
    codes = [api.post("/api/v1/gift-cards/lookup", {"code": "ZZZZ"}).status_code for _ in range(3)]
    assert codes[-1] == 429


def test_a_gift_card_pays_an_apps_checkout(patient_api, full_policy, held, gift_card):
    booking = held("10:00")
    response = patient_api.post(
        f"/api/v1/bookings/{booking.pk}/checkout",
        {"voucher": f"commerce:gift:{gift_card.code}"},
        format="json",
    )
    assert response.status_code in (200, 201), response.json()
    assert response.json()["payment"]["status"] == "succeeded"  # 60.00 covers 45.00
    assert gift_card_balance(gift_card) == 1500


def test_the_toggle_off_is_403(clinic, api, patient_api, gift_card):
    from branding.services import features_update

    features_update(clinic=clinic, gift_cards=False)
    lookup = api.post("/api/v1/gift-cards/lookup", {"code": gift_card.code})
    assert (lookup.status_code, lookup.json()["code"]) == (403, "feature_disabled")
    assert patient_api.get("/api/v1/gift-cards/bought").status_code == 403
