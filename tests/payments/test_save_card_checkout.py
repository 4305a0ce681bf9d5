"""Checkout offers "Save this card for next time": ticked, the PaymentIntent gets the
client's Customer and ``setup_future_usage`` (what Stripe receives is asserted at the
proxy in front of localstripe) and the card is saved when the payment succeeds, then
listed under Saved cards; unticked, nothing is asked or saved. Every intent enables
automatic payment methods (the Payment Element's Apple Pay / Google Pay), without
redirects. Portal and API."""

import pytest

from booking_api.models import Booking, BookingStatus
from payments.models import Payment, SavedCard, StripeCustomer
from tests.fixtures.booking import MONDAY, at

pytestmark = pytest.mark.django_db


def book(portal, service, hhmm="10:00"):
    response = portal.post(
        "/book/confirm/",
        {"service": service.pk, "staff": "any", "t": int(at(MONDAY, hhmm).timestamp())},
    )
    assert response.status_code == 302, response.content.decode()[-2000:]
    return Booking.objects.get(status=BookingStatus.PENDING_PAYMENT)


def intents_created(proxy):
    return [b for m, p, b in proxy.bodies if m == "POST" and p == "/v1/payment_intents"]


def saving_requests(proxy):
    """Every PaymentIntent create or update that set setup_future_usage."""
    return [
        (p, b)
        for m, p, b in proxy.bodies
        if m == "POST" and p.startswith("/v1/payment_intents") and "setup_future_usage" in b
    ]


def test_a_ticked_box_saves_the_card_the_booking_is_paid_with(
    stripe_proxy,
    full_policy,
    service,
    emma,
    signed_in,
    patient,
    django_capture_on_commit_callbacks,
):
    booking = book(signed_in, service)
    page = signed_in.get(f"/book/pay/{booking.reference}/").content.decode()
    assert 'name="save_card"' in page and "Save this card for next time" in page
    created = intents_created(stripe_proxy)
    assert created and created[0]["automatic_payment_methods[enabled]"] == "true"
    assert created[0]["automatic_payment_methods[allow_redirects]"] == "never"
    assert "setup_future_usage" not in created[0]  # nothing asked before the patient says

    with django_capture_on_commit_callbacks(execute=True):
        paid = signed_in.post(
            f"/book/pay/{booking.reference}/",
            {"card": "success", "save_choice": "1", "save_card": "1"},
        )
    assert paid.status_code == 302, paid.content.decode()[-2000:]
    customer = StripeCustomer.objects.get(client=patient)
    [(path, sent)] = saving_requests(stripe_proxy)
    assert sent["setup_future_usage"] == "off_session"
    assert sent["customer"] == customer.stripe_customer_id
    payment = Payment.objects.get(booking=booking)
    assert path == f"/v1/payment_intents/{payment.stripe_payment_intent_id}"
    card = SavedCard.objects.get(client=patient)
    assert card.last4 == "4242" and payment.saved_card == card
    assert booking.events.filter(kind="card_saved").exists()

    # Listed in the account (linked from its menu), and removed from there.
    assert 'href="/account/cards/"' in signed_in.get("/menu/").content.decode()
    cards_page = signed_in.get("/account/cards/").content.decode()
    assert "•••• 4242" in cards_page
    assert signed_in.post(f"/account/cards/{card.pk}/remove/").status_code == 302
    assert not SavedCard.objects.exists()


def test_an_unticked_box_asks_stripe_nothing_and_saves_nothing(
    stripe_proxy, full_policy, service, emma, signed_in, django_capture_on_commit_callbacks
):
    booking = book(signed_in, service)
    with django_capture_on_commit_callbacks(execute=True):
        paid = signed_in.post(
            f"/book/pay/{booking.reference}/", {"card": "success", "save_choice": "1"}
        )
    assert paid.status_code == 302
    assert saving_requests(stripe_proxy) == []
    assert not SavedCard.objects.exists()


def test_changing_ones_mind_before_paying_takes_the_request_back(
    stripe_proxy, full_policy, service, emma, signed_in, django_capture_on_commit_callbacks
):
    booking = book(signed_in, service)
    url = f"/book/pay/{booking.reference}/"
    # The Payment Element's script sends the choice first (and reads it back).
    answer = signed_in.post(
        url, {"save_choice": "1", "save_card": "1"}, HTTP_X_REQUESTED_WITH="fetch"
    )
    assert answer.json() == {"save_card": True}
    answer = signed_in.post(url, {"save_choice": "1"}, HTTP_X_REQUESTED_WITH="fetch")
    assert answer.json() == {"save_card": False}
    assert [b["setup_future_usage"] for _p, b in saving_requests(stripe_proxy)] == [
        "off_session",
        "",
    ]
    with django_capture_on_commit_callbacks(execute=True):
        signed_in.post(url, {"card": "success"})
    assert Booking.objects.get(pk=booking.pk).status == BookingStatus.BOOKED
    assert not SavedCard.objects.exists()


def test_after_a_decline_the_next_card_is_saved_as_chosen(
    stripe_proxy,
    full_policy,
    service,
    emma,
    signed_in,
    patient,
    django_capture_on_commit_callbacks,
):
    booking = book(signed_in, service)
    url = f"/book/pay/{booking.reference}/"
    declined = signed_in.post(
        url, {"card": "decline_generic", "save_choice": "1", "save_card": "1"}
    )
    assert declined.status_code == 402
    assert not SavedCard.objects.exists()
    page = declined.content.decode()
    assert 'id="save-card" checked' in page  # the choice is still there
    with django_capture_on_commit_callbacks(execute=True):
        paid = signed_in.post(url, {"card": "success", "save_choice": "1", "save_card": "1"})
    assert paid.status_code == 302
    fresh = [b for m, p, b in stripe_proxy.bodies if m == "POST" and p == "/v1/payment_intents"][-1]
    assert fresh["setup_future_usage"] == "off_session"  # the fresh intent keeps the choice
    assert SavedCard.objects.get(client=patient).last4 == "4242"


def test_the_api_saves_the_card_when_asked(
    stripe_proxy, full_policy, emma, patient_api, patient, django_capture_on_commit_callbacks
):
    body = patient_api.post(
        "/api/v1/checkout",
        {"service": "consult", "staff": "emma", "start": at(MONDAY, "10:00").isoformat()},
        format="json",
    ).json()
    assert body["save_card"] is False
    chosen = patient_api.post(
        f"/api/v1/bookings/{body['booking']}/checkout", {"save_card": True}, format="json"
    )
    assert chosen.status_code == 200 and chosen.json()["save_card"] is True
    with django_capture_on_commit_callbacks(execute=True):
        paid = patient_api.post(
            f"/api/v1/payments/{body['payment']['id']}/confirm",
            {"payment_method": "success"},
            format="json",
        )
    assert paid.json()["status"] == "succeeded"
    cards = patient_api.get("/api/v1/cards").json()["results"]
    assert [c["last4"] for c in cards] == ["4242"]
    [(_path, sent)] = saving_requests(stripe_proxy)
    assert sent["customer"] == StripeCustomer.objects.get(client=patient).stripe_customer_id


def test_a_bad_save_card_value_is_named_and_nothing_changes(
    stripe_proxy, full_policy, emma, patient_api
):
    body = patient_api.post(
        "/api/v1/checkout",
        {"service": "consult", "staff": "emma", "start": at(MONDAY, "10:00").isoformat()},
        format="json",
    ).json()
    before = len(stripe_proxy.bodies)
    response = patient_api.post(
        f"/api/v1/bookings/{body['booking']}/checkout", {"save_card": "perhaps"}, format="json"
    )
    assert response.status_code == 400 and "save_card" in str(response.json())
    assert len(stripe_proxy.bodies) == before  # Stripe was not asked anything
    assert not SavedCard.objects.exists()


def test_a_card_saved_at_checkout_is_offered_at_the_next_and_pays(
    stripe_proxy,
    full_policy,
    service,
    emma,
    signed_in,
    patient,
    django_capture_on_commit_callbacks,
):
    """Found trying the demo: the card saved at one checkout was not offered at the next.
    The next checkout offers it (or a new card); choosing it pays with that card."""
    from bs4 import BeautifulSoup

    first = book(signed_in, service)
    with django_capture_on_commit_callbacks(execute=True):
        signed_in.post(
            f"/book/pay/{first.reference}/",
            {"card": "success", "save_choice": "1", "save_card": "1"},
        )
    card = SavedCard.objects.get(client=patient)

    second = book(signed_in, service, "11:00")
    page = BeautifulSoup(signed_in.get(f"/book/pay/{second.reference}/").content, "html.parser")
    offered = page.select('button[name="saved_card"]')
    assert [b["value"] for b in offered] == [str(card.pk)]
    assert "•••• 4242" in offered[0].get_text()
    assert page.find(string="Or pay with a new card")
    assert page.select('button[name="card"]')  # a new card still possible

    with django_capture_on_commit_callbacks(execute=True):
        paid = signed_in.post(f"/book/pay/{second.reference}/", {"saved_card": str(card.pk)})
    assert paid.status_code == 302, paid.content.decode()[-2000:]
    second.refresh_from_db()
    assert second.status == BookingStatus.BOOKED
    payment = Payment.objects.get(booking=second)
    assert payment.status == "succeeded"
    sent = [
        b
        for m, p, b in stripe_proxy.bodies
        if m == "POST" and p == f"/v1/payment_intents/{payment.stripe_payment_intent_id}"
    ]
    assert any(b.get("payment_method") == card.stripe_payment_method_id for b in sent)


def test_another_clients_saved_card_is_not_found_and_nothing_is_charged(
    stripe_proxy, full_policy, service, emma, signed_in, patient, clinic
):
    from tests.factories.clients import ClientAccountFactory

    other = ClientAccountFactory(clinic=clinic)
    theirs = SavedCard.objects.create(
        clinic=clinic, client=other, stripe_payment_method_id="pm_theirs", last4="1111"
    )
    booking = book(signed_in, service)
    page = signed_in.get(f"/book/pay/{booking.reference}/").content.decode()
    assert 'name="saved_card"' not in page
    response = signed_in.post(f"/book/pay/{booking.reference}/", {"saved_card": str(theirs.pk)})
    assert response.status_code == 404
    booking.refresh_from_db()
    assert booking.status == BookingStatus.PENDING_PAYMENT
    assert not any("pm_theirs" in str(b) for _m, _p, b in stripe_proxy.bodies)
