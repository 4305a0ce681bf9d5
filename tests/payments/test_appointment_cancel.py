"""The appointment page tells staff what matters about the money (price, payment status,
paid, balance, a link to the payments page), the pet, and takes editable internal notes;
cancelling asks first — reason, refund (the policy's, a chosen amount up to what can be
refunded, or none), fee waived or not — through the payments services, never in one
unconfirmed click."""

import pytest
from bs4 import BeautifulSoup
from django.test import Client

from booking_api.models import Booking, BookingEvent, BookingStatus
from branding.services import policy_update
from payments import services
from payments.models import Refund
from people.models import AuditEntry
from tests.factories.clients import MembershipFactory
from tests.factories.records import PetFactory
from tests.fixtures.honesty import nothing_changes

pytestmark = pytest.mark.django_db


def signed_in(user, clinic):
    client = Client(HTTP_HOST=clinic.site.hostname)
    client.force_login(user)
    return client


def appointment(pk):
    return f"/admin/bookings/calendar/{pk}/"


def cancel_page(pk):
    return f"/admin/payments/bookings/{pk}/cancel/"


@pytest.fixture
def paid(full_policy, held):
    booking = held()
    services.payment_confirm(
        payment=services.checkout_start(booking=booking), payment_method="success"
    )
    booking.refresh_from_db()
    return booking


@pytest.fixture
def late(clinic):
    """Inside the cancellation window: half the price is the fee."""
    policy_update(
        clinic=clinic,
        cancellation_window_hours=24 * 400,
        late_cancel_fee_kind="percent",
        late_cancel_fee_value=50,
    )
    return clinic


def test_the_appointment_page_shows_money_pet_and_no_one_click_cancel(paid, staff_user, clinic):
    pet = PetFactory(clinic=clinic, owner=paid.client, name="Rex")
    Booking.objects.filter(pk=paid.pk).update(pet=pet)
    html = signed_in(staff_user, clinic).get(appointment(paid.pk)).content.decode()
    soup = BeautifulSoup(html, "html.parser")
    assert soup.select_one("[data-booking-price]").get_text(strip=True) == "£45.00"
    assert soup.select_one("[data-payment-status]").get_text(strip=True) == "Paid"
    assert soup.select_one("[data-appointment-money] [data-paid]").get_text(strip=True) == (
        "£45.00"
    )
    assert soup.select_one("[data-appointment-money] [data-balance]").get_text(strip=True) == (
        "£0.00"
    )
    assert "Rex" in soup.select_one("[data-booking-pet]").get_text()
    assert soup.find("a", href=f"/admin/payments/bookings/{paid.pk}/")
    # Cancelling is a link to the page that asks, not a form that cancels.
    assert soup.select_one("[data-cancel-link]")["href"] == cancel_page(paid.pk)
    assert not soup.find("form", action=f"/admin/bookings/calendar/{paid.pk}/cancel/")


def test_the_cancel_page_shows_the_quote_and_refuses_without_a_reason(
    paid, late, staff_user, clinic
):
    desk = signed_in(staff_user, clinic)
    soup = BeautifulSoup(desk.get(cancel_page(paid.pk)).content.decode(), "html.parser")
    assert soup.select_one("[data-fee]").get_text(strip=True) == "£22.50"
    assert soup.select_one("[data-policy-refund]").get_text(strip=True) == "£22.50"
    assert soup.select_one("[data-refundable]").get_text(strip=True) == "£45.00"
    with nothing_changes(Booking, BookingEvent, Refund):
        response = desk.post(cancel_page(paid.pk), {"reason": "", "refund": "policy"})
    assert response.status_code == 200 and "This field is required." in response.content.decode()


def test_a_chosen_amount_above_what_was_paid_is_refused(paid, staff_user, clinic):
    desk = signed_in(staff_user, clinic)
    with nothing_changes(Booking, BookingEvent, Refund):
        response = desk.post(
            cancel_page(paid.pk), {"reason": "Ill", "refund": "amount", "amount": "45.01"}
        )
    assert "At most £45.00 can be refunded on this booking." in response.content.decode()


def test_cancel_by_the_policy_keeps_the_fee(
    paid, late, staff_user, clinic, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = signed_in(staff_user, clinic).post(
            cancel_page(paid.pk), {"reason": "Client called", "refund": "policy"}
        )
    assert response.status_code == 302 and response.url == appointment(paid.pk)
    paid.refresh_from_db()
    assert paid.status == BookingStatus.CANCELLED
    event = BookingEvent.objects.get(booking=paid, to_status="cancelled")
    assert (event.reason, event.fee, event.refund_decided) == ("Client called", 2250, None)
    assert [r.amount for r in Refund.objects.filter(payment__booking=paid)] == [2250]
    assert AuditEntry.objects.filter(
        client=paid.client, actor=staff_user, summary__contains="Client called"
    ).exists()


def test_waiving_the_fee_refunds_everything(
    paid, late, staff_user, clinic, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        signed_in(staff_user, clinic).post(
            cancel_page(paid.pk), {"reason": "Our mistake", "refund": "policy", "waive_fee": "on"}
        )
    event = BookingEvent.objects.get(booking=paid, to_status="cancelled")
    assert event.fee == 0 and event.data["fee_waived"] == 2250
    assert sum(r.amount for r in Refund.objects.filter(payment__booking=paid)) == 4500


def test_a_chosen_amount_or_none(
    full_policy, held, staff_user, clinic, django_capture_on_commit_callbacks
):
    first, second = held("10:00"), held("11:00")
    for booking in (first, second):
        services.payment_confirm(
            payment=services.checkout_start(booking=booking), payment_method="success"
        )
    desk = signed_in(staff_user, clinic)
    with django_capture_on_commit_callbacks(execute=True):
        desk.post(cancel_page(first.pk), {"reason": "x", "refund": "amount", "amount": "20"})
        desk.post(cancel_page(second.pk), {"reason": "y", "refund": "none"})
    assert [r.amount for r in Refund.objects.filter(payment__booking=first)] == [2000]
    assert not Refund.objects.filter(payment__booking=second).exists()
    second.refresh_from_db()
    assert second.status == BookingStatus.CANCELLED


def test_therapists_and_other_clinics_cannot_cancel_here(paid, clinic, other_clinic):
    therapist = MembershipFactory(clinic=clinic, role="therapist").user
    elsewhere = MembershipFactory(clinic=other_clinic, role="manager").user
    with nothing_changes(Booking, BookingEvent):
        refused = signed_in(therapist, clinic).post(
            cancel_page(paid.pk), {"reason": "x", "refund": "none"}
        )
        # Wagtail answers a refusal by sending the person back to the admin home.
        assert (refused.status_code, refused.get("Location")) == (302, "/admin/")
        assert (
            signed_in(elsewhere, other_clinic)
            .post(cancel_page(paid.pk), {"reason": "x", "refund": "none"})
            .status_code
            == 404
        )


def test_internal_notes_are_edited_and_audited(paid, staff_user, clinic):
    desk = signed_in(staff_user, clinic)
    response = desk.post(
        f"/admin/bookings/calendar/{paid.pk}/internal-notes/",
        {"internal_notes": "Bring the consent form"},
    )
    assert response.status_code == 302
    paid.refresh_from_db()
    assert paid.internal_notes == "Bring the consent form"
    entry = AuditEntry.objects.get(client=paid.client, action="note")
    assert entry.changes == {"internal_notes": ["", "Bring the consent form"]}
    html = desk.get(appointment(paid.pk)).content.decode()
    assert "Bring the consent form</textarea>" in html


def test_the_appointment_page_answers_in_few_queries(
    paid, staff_user, clinic, django_assert_max_num_queries
):
    desk = signed_in(staff_user, clinic)
    desk.get(appointment(paid.pk))
    with django_assert_max_num_queries(40):
        assert desk.get(appointment(paid.pk)).status_code == 200
