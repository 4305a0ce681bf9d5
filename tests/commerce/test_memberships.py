"""Memberships through the real flows against the local Stripe server: joining (the
agreement signed first, nothing charged without it), renewals succeeding and failing as
Stripe's invoice events report them (benefits paused, the patient told, the card
fixed), events twice or out of order, the member's price and credits at booking,
cancelling at period end, the toggle."""

import hashlib
import hmac
import json
import time
import urllib.request

import pytest
from django.core import mail
from django.test import Client

from booking_api.coverage import cover_options
from booking_api.services import booking_cancel, booking_create
from commerce.errors import CommerceError
from commerce.memberships.billing import default_card_set
from commerce.memberships.selectors import membership_balance
from commerce.memberships.services import membership_join
from commerce.models import CreditKind, Membership, MembershipEntry, MembershipStatus
from payments.models import WebhookEvent
from tests.fixtures.booking import MONDAY, at
from tests.fixtures.forms import sign
from tests.fixtures.payments import connect_event

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.usefixtures("stripe_at_localstripe", "open_policy"),
]


def signed(payload, secret="whsec_test_portal"):
    at_ = int(time.time())
    mac = hmac.new(secret.encode(), f"{at_}.".encode() + payload, hashlib.sha256).hexdigest()
    return f"t={at_},v1={mac}"


def _get(localstripe, path):
    request = urllib.request.Request(
        f"{localstripe}{path}", headers={"Authorization": "Bearer sk_test_local"}
    )
    with urllib.request.urlopen(request, timeout=5) as response:
        return json.loads(response.read())


def renew(localstripe, membership):
    """Time passes: the period ends at Stripe (the local server's test helper)."""
    request = urllib.request.Request(
        f"{localstripe}/_config/subscriptions/{membership.stripe_subscription_id}/renew",
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=5) as response:
        return json.loads(response.read())


def events(localstripe, kind, membership):
    """The ids of Stripe's ``kind`` events about the membership's subscription, oldest
    first."""
    sub = membership.stripe_subscription_id
    found = _get(localstripe, f"/v1/events?type={kind}&limit=100")["data"]
    mine = [
        e
        for e in found
        if (e["data"]["object"].get("subscription") or e["data"]["object"]["id"]) == sub
    ]
    return [e["id"] for e in sorted(mine, key=lambda e: (e["created"], e["id"]))]


def deliver(localstripe, clinic, event_id, capture):
    payload = connect_event(localstripe, event_id, account=f"acct_test_{clinic.slug}")
    with capture(execute=True):
        answer = Client().post(
            "/payments/stripe/webhook",
            data=payload,
            content_type="application/json",
            HTTP_STRIPE_SIGNATURE=signed(payload),
        )
    assert answer.status_code == 200


def book(clinic, patient, service, hhmm="10:00", **kwargs):
    return booking_create(
        clinic=clinic,
        client=patient,
        service=service,
        start=at(MONDAY, hhmm),
        source="portal",
        **kwargs,
    )


def test_joining_without_the_agreement_signed_is_refused_and_charges_nothing(
    clinic, patient, member_plan, stripe_at_localstripe
):
    with pytest.raises(Exception) as refused:
        membership_join(
            clinic=clinic, client=patient, plan_id=member_plan.pk, payment_method="success"
        )
    assert refused.value.field == "agreement"
    assert refused.value.code == "agreement_unsigned"
    assert "Membership agreement" in str(refused.value)
    assert not Membership.objects.exists()
    assert stripe_at_localstripe.calls("POST", "/v1/subscriptions") == []
    assert stripe_at_localstripe.calls("POST", "/v1/payment_methods") == []


def test_joining_charges_the_first_month_and_gives_its_credit(
    clinic, patient, member_plan, stripe_at_localstripe, localstripe
):
    sign(member_plan.agreement, patient)
    membership = membership_join(
        clinic=clinic, client=patient, plan_id=member_plan.pk, payment_method="success"
    )
    assert membership.status == MembershipStatus.ACTIVE
    assert membership.agreement.template == member_plan.agreement
    assert membership_balance(membership) == 1
    sub = _get(localstripe, f"/v1/subscriptions/{membership.stripe_subscription_id}")
    invoice = _get(localstripe, f"/v1/invoices/{sub['latest_invoice']}")
    assert (invoice["status"], invoice["amount_paid"]) == ("paid", 3000)
    # The paid invoice is a purchase, its receipt numbered in the clinic's shop series.
    assert [p.receipt_number for p in membership.purchases.all()] == ["GLOW-S1"]
    # Every call was made on the clinic's connected account.
    assert set(stripe_at_localstripe.accounts_seen("/v1/subscriptions")) == {
        f"acct_test_{clinic.slug}"
    }
    assert membership.current_period_end is not None


def test_a_declined_card_at_joining_leaves_no_membership(
    clinic, patient, member_plan, localstripe, stripe_at_localstripe
):
    sign(member_plan.agreement, patient)
    with pytest.raises(Exception) as refused:
        membership_join(
            clinic=clinic, client=patient, plan_id=member_plan.pk, payment_method="decline"
        )
    assert refused.value.field == "payment_method"
    assert not Membership.objects.exists()
    (cancelled,) = stripe_at_localstripe.calls("DELETE", "/v1/subscriptions/")
    assert _get(localstripe, cancelled[1])["status"] == "canceled"


def test_a_renewal_paid_gives_the_new_periods_credit_once_however_often_stripe_says_so(
    clinic, member, localstripe, django_capture_on_commit_callbacks
):
    before = member.current_period_end
    renew(localstripe, member)
    paid = events(localstripe, "invoice.paid", member)
    assert len(paid) == 2  # joining's and the renewal's
    for event_id in paid + paid:  # twice each, the joining's included
        deliver(localstripe, clinic, event_id, django_capture_on_commit_callbacks)
    member.refresh_from_db()
    assert member.status == MembershipStatus.ACTIVE
    assert member.current_period_end > before
    # The unused credit of the first month expired; the new month's was given once.
    kinds = list(
        MembershipEntry.objects.filter(membership=member)
        .order_by("id")
        .values_list("kind", flat=True)
    )
    assert kinds == [CreditKind.GRANT, CreditKind.EXPIRE, CreditKind.GRANT]
    assert membership_balance(member) == 1
    assert WebhookEvent.objects.filter(type="invoice.paid").count() == 2


def test_a_failed_renewal_pauses_the_benefits_until_the_card_is_fixed(
    clinic,
    patient,
    service,
    emma,
    member,
    localstripe,
    patient_api,
    django_capture_on_commit_callbacks,
):
    default_card_set(client=patient, payment_method="decline")
    renew(localstripe, member)
    (failed,) = events(localstripe, "invoice.payment_failed", member)
    mail.outbox.clear()
    deliver(localstripe, clinic, failed, django_capture_on_commit_callbacks)
    deliver(localstripe, clinic, failed, django_capture_on_commit_callbacks)  # again
    member.refresh_from_db()
    assert member.status == MembershipStatus.PAST_DUE
    # Told once, with where to fix the card.
    assert len(mail.outbox) == 1
    assert "update your card" in mail.outbox[0].body
    assert f"/memberships/{member.pk}/" in mail.outbox[0].body
    # Paused: no credit offered, no member's price.
    assert cover_options(clinic=clinic, client=patient, service=service) == []
    assert book(clinic, patient, service).price == service.price

    answer = patient_api.post(
        f"/api/v1/memberships/{member.pk}/card", {"payment_method": "success"}, format="json"
    )
    assert answer.status_code == 200, answer.content
    assert answer.json()["status"] == "active"
    assert answer.json()["credits_left"] == 1
    # The late failure event changes nothing now: Stripe says the subscription is paid.
    WebhookEvent.objects.all().delete()
    deliver(localstripe, clinic, failed, django_capture_on_commit_callbacks)
    member.refresh_from_db()
    assert member.status == MembershipStatus.ACTIVE
    assert membership_balance(member) == 1


def test_events_out_of_order_end_where_stripe_is(
    clinic, patient, member, localstripe, django_capture_on_commit_callbacks
):
    """The renewal failed, then was paid with a new card: its events arrive newest
    first, and the membership ends active with the period's credit."""
    default_card_set(client=patient, payment_method="decline")
    renew(localstripe, member)
    default_card_set(client=patient, payment_method="success")
    _get_invoice = _get(localstripe, f"/v1/subscriptions/{member.stripe_subscription_id}")
    request = urllib.request.Request(
        f"{localstripe}/v1/invoices/{_get_invoice['latest_invoice']}/pay",
        method="POST",
        headers={"Authorization": "Bearer sk_test_local"},
    )
    urllib.request.urlopen(request, timeout=5).close()
    ordered = (
        events(localstripe, "invoice.paid", member)[-1:]
        + events(localstripe, "customer.subscription.updated", member)[::-1]
        + events(localstripe, "invoice.payment_failed", member)
    )
    mail.outbox.clear()
    for event_id in ordered:
        deliver(localstripe, clinic, event_id, django_capture_on_commit_callbacks)
    member.refresh_from_db()
    assert member.status == MembershipStatus.ACTIVE
    assert membership_balance(member) == 1
    # No "payment failed" message: only the paid renewal's receipt.
    assert [m.subject.startswith("Payment receipt") for m in mail.outbox] == [True]


def test_a_credit_pays_for_a_booking_and_comes_back_when_cancelled_in_time(
    clinic, patient, service, emma, member, django_capture_on_commit_callbacks
):
    (option,) = cover_options(clinic=clinic, client=patient, service=service)
    assert option.ref == f"commerce:membership:{member.pk}"
    assert "Use your membership credit" in option.label
    booking = book(clinic, patient, service, package=option.ref)
    assert booking.price == 0
    assert membership_balance(member) == 0
    assert cover_options(clinic=clinic, client=patient, service=service) == []
    with pytest.raises(Exception) as refused:
        book(clinic, patient, service, "11:00", package=option.ref)
    assert refused.value.field == "package"

    with django_capture_on_commit_callbacks(execute=True):
        booking_cancel(booking=booking, by_client=False)
    assert membership_balance(member) == 1


def test_a_members_price_is_discounted_at_booking(clinic, patient, service, emma, member):
    booking = book(clinic, patient, service)
    assert booking.price == service.price - service.price * 20 // 100
    event = booking.events.get(kind="discounted")
    assert event.data["price"] == service.price
    assert "Glow club" in event.data["label"]


def test_cancel_at_period_end_keeps_the_benefits_until_then(
    clinic, member, localstripe, patient_api, django_capture_on_commit_callbacks
):
    answer = patient_api.post(f"/api/v1/memberships/{member.pk}/cancel")
    assert answer.status_code == 200, answer.content
    assert answer.json()["cancel_at_period_end"] is True
    assert answer.json()["status"] == "active"
    renew(localstripe, member)
    (ended,) = events(localstripe, "customer.subscription.deleted", member)
    deliver(localstripe, clinic, ended, django_capture_on_commit_callbacks)
    member.refresh_from_db()
    assert member.status == MembershipStatus.CANCELED
    assert member.ended_at is not None


def test_members_cannot_cancel_online_where_the_clinic_says_so(member, patient_api):
    Membership.objects.filter(pk=member.pk).update(patients_may_cancel=False)
    answer = patient_api.post(f"/api/v1/memberships/{member.pk}/cancel")
    assert answer.status_code == 403
    assert answer.json()["code"] == "membership_not_cancellable"
    member.refresh_from_db()
    assert member.cancel_at_period_end is False


def test_the_api_lists_plans_joins_and_shows_my_memberships(
    clinic, patient, member_plan, patient_api
):
    plans = patient_api.get("/api/v1/memberships/plans").json()
    assert [p["name"] for p in plans["results"]] == ["Glow club"]
    assert plans["results"][0]["agreement"] == member_plan.agreement_id
    refused = patient_api.post(
        f"/api/v1/memberships/plans/{member_plan.pk}/join",
        {"payment_method": "success"},
        format="json",
    )
    assert refused.status_code == 400
    assert refused.json()["code"] == "agreement_unsigned"
    assert refused.json()["field"] == "agreement"
    sign(member_plan.agreement, patient)
    joined = patient_api.post(
        f"/api/v1/memberships/plans/{member_plan.pk}/join",
        {"payment_method": "success"},
        format="json",
    )
    assert joined.status_code == 201, joined.content
    mine = patient_api.get("/api/v1/memberships").json()
    assert mine["count"] == 1
    (one,) = mine["results"]
    assert (one["name"], one["status"], one["credits_left"]) == ("Glow club", "active", 1)
    again = patient_api.post(
        f"/api/v1/memberships/plans/{member_plan.pk}/join",
        {"payment_method": "success"},
        format="json",
    )
    assert again.status_code == 409
    assert Membership.objects.count() == 1


def test_memberships_off_disappear_from_the_api_and_booking(
    clinic, patient, service, emma, member, patient_api
):
    from branding.services import features_update

    features_update(clinic=clinic, memberships=False)
    for path in ("/api/v1/memberships/plans", "/api/v1/memberships"):
        answer = patient_api.get(path)
        assert answer.status_code == 403
        assert answer.json()["code"] == "feature_disabled"
    assert cover_options(clinic=clinic, client=patient, service=service) == []
    assert book(clinic, patient, service).price == service.price


def test_the_portal_shows_the_banner_and_fixes_the_card(
    clinic, patient, member, localstripe, signed_in, django_capture_on_commit_callbacks
):
    page = signed_in.get("/memberships/")
    assert "1 credit left" in page.content.decode()
    default_card_set(client=patient, payment_method="decline")
    renew(localstripe, member)
    (failed,) = events(localstripe, "invoice.payment_failed", member)
    deliver(localstripe, clinic, failed, django_capture_on_commit_callbacks)
    home = signed_in.get("/memberships/").content.decode()
    assert "payment did not go through" in home
    assert f'href="/memberships/{member.pk}/"' in home
    answer = signed_in.post(f"/memberships/{member.pk}/", {"card": "success"})
    assert answer.status_code == 302
    page = signed_in.get(f"/memberships/{member.pk}/").content.decode()
    assert "payment did not go through" not in page
    assert "1 credit left" in page


def test_the_portal_join_page_asks_for_the_agreement_first(clinic, patient, member_plan, signed_in):
    page = signed_in.get(f"/memberships/plans/{member_plan.pk}/join/").content.decode()
    assert "Sign Membership agreement" in page
    assert "Test cards" not in page
    refused = signed_in.post(f"/memberships/plans/{member_plan.pk}/join/", {"card": "success"})
    assert refused.status_code == 400
    assert not Membership.objects.exists()
    sign(member_plan.agreement, patient)
    joined = signed_in.post(f"/memberships/plans/{member_plan.pk}/join/", {"card": "success"})
    assert joined.status_code == 302
    assert Membership.objects.get().status == MembershipStatus.ACTIVE


def test_the_portal_pages_are_gone_when_memberships_are_off(clinic, member_plan, signed_in):
    from branding.services import features_update

    features_update(clinic=clinic, memberships=False)
    assert signed_in.get("/memberships/").status_code == 404
    assert signed_in.get(f"/memberships/plans/{member_plan.pk}/join/").status_code == 404


def test_the_api_offers_the_credit_and_books_on_it(clinic, service, emma, member, patient_api):
    options = patient_api.get("/api/v1/memberships/options", {"service": "consult"}).json()
    (option,) = options["results"]
    assert option["ref"] == f"commerce:membership:{member.pk}"
    booked = patient_api.post(
        "/api/v1/bookings",
        {
            "service": "consult",
            "staff": "emma",
            "start": at(MONDAY, "10:00").isoformat(),
            "package": option["ref"],
        },
        format="json",
    )
    assert booked.status_code == 201, booked.content
    assert booked.json()["price"] == 0
    assert membership_balance(member) == 0


def test_the_privacy_export_lists_the_membership(clinic, patient, member):
    from commerce.privacy_parts import export_purchases

    (exported,) = export_purchases(clinic=clinic, client=patient)["data"]["memberships"]
    assert (exported["name"], exported["status"], exported["ended"]) == (
        "Glow club",
        "active",
        None,
    )


def test_a_card_that_asks_for_authentication_is_named_as_such_and_nothing_is_kept(
    clinic, patient, member_plan, localstripe, stripe_at_localstripe
):
    """Found trying the portal: the card whose bank asks to confirm the payment was
    refused as "declined", so the patient thought the card was bad."""
    sign(member_plan.agreement, patient)
    with pytest.raises(CommerceError) as refused:
        membership_join(
            clinic=clinic, client=patient, plan_id=member_plan.pk, payment_method="authentication"
        )
    assert refused.value.field == "payment_method"
    assert refused.value.code == "card_needs_authentication"
    assert "confirm" in str(refused.value) and "declined" not in str(refused.value)
    assert not Membership.objects.exists()
    (cancelled,) = stripe_at_localstripe.calls("DELETE", "/v1/subscriptions/")
    assert _get(localstripe, cancelled[1])["status"] == "canceled"
