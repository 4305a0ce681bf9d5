"""Staff payment screens against localstripe: a booking's payments page and its actions
(charge the card on file, refund, cancel with refund), the Balance tab, the audit log,
and another clinic's booking answering 404."""

import pytest
from bs4 import BeautifulSoup
from django.test import Client

from booking_api.models import BookingStatus
from booking_api.services import booking_create, booking_transition
from branding.models import PaymentMode
from branding.services import policy_update
from payments import cards, services
from payments.models import Payment, PaymentKind, Refund
from people.models import AuditEntry
from tests.factories.booking import ServiceFactory, StaffFactory
from tests.factories.clients import ClientAccountFactory, MembershipFactory
from tests.fixtures.booking import MONDAY, at

pytestmark = pytest.mark.django_db


def signed_in(user, clinic):
    client = Client(HTTP_HOST=clinic.site.hostname)
    client.force_login(user)
    return client


def page(pk):
    return f"/admin/payments/bookings/{pk}/"


@pytest.fixture
def paid(full_policy, held):
    booking = held()
    payment = services.checkout_start(booking=booking)
    services.payment_confirm(payment=payment, payment_method="success")
    booking.refresh_from_db()
    return booking


def test_staff_see_payment_status_and_history_and_it_is_audited(paid, staff_user, clinic):
    services.refund_create(payment=paid.payments.get(), amount=500, reason="goodwill")
    response = signed_in(staff_user, clinic).get(page(paid.pk))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Full payment" in html and "£45.00" in html and "−£5.00" in html and "goodwill" in html
    assert AuditEntry.objects.filter(
        client=paid.client, action="view", summary__contains=f"booking {paid.pk}"
    ).exists()


def test_refund_any_amount_up_to_what_was_captured_never_more(paid, staff_user, clinic):
    staff = signed_in(staff_user, clinic)
    too_much = staff.post(page(paid.pk) + "refund/", {"amount": "45.01"}, follow=True)
    assert "At most £45.00 can be refunded" in too_much.content.decode()
    assert not Refund.objects.exists()
    bad = staff.post(page(paid.pk) + "refund/", {"amount": "lots"}, follow=True)
    assert "Enter an amount such as 12.50." in bad.content.decode()
    ok = staff.post(page(paid.pk) + "refund/", {"amount": "12.50"}, follow=True)
    assert "£12.50 refunded." in ok.content.decode()
    refund = Refund.objects.get()
    assert refund.amount == 1250 and refund.actor == staff_user
    assert AuditEntry.objects.filter(
        client=paid.client, action="change", summary__contains="Refunded £12.50"
    ).exists()


def test_cancel_with_refund_follows_the_policy_or_the_amount_chosen(
    full_policy, held, staff_user, clinic, django_capture_on_commit_callbacks
):
    staff = signed_in(staff_user, clinic)
    first, second = held("10:00"), held("11:00")
    for booking in (first, second):
        services.payment_confirm(
            payment=services.checkout_start(booking=booking), payment_method="success"
        )
    with django_capture_on_commit_callbacks(execute=True):
        staff.post(page(first.pk) + "cancel-refund/", {"amount": ""})
    first.refresh_from_db()
    assert first.status == BookingStatus.REFUNDED  # cancelled in good time: all back
    assert sum(r.amount for r in Refund.objects.filter(payment__booking=first)) == 4500

    with django_capture_on_commit_callbacks(execute=True):
        staff.post(page(second.pk) + "cancel-refund/", {"amount": "20"})
    second.refresh_from_db()
    assert second.status == BookingStatus.CANCELLED
    # Only what staff chose, even after the policy refund task ran on commit.
    assert [r.amount for r in Refund.objects.filter(payment__booking=second)] == [2000]


def test_a_fully_refunded_cancelled_booking_owes_nothing(
    full_policy, held, staff_user, clinic, django_capture_on_commit_callbacks
):
    """Cancelled and every penny given back: no balance to pay, and no fee offered as
    due (the no-show and late-cancellation charges are not for this booking) — on its
    payments page and in the client's Balance tab."""
    staff = signed_in(staff_user, clinic)
    booking = held()
    services.payment_confirm(
        payment=services.checkout_start(booking=booking), payment_method="success"
    )
    with django_capture_on_commit_callbacks(execute=True):
        staff.post(page(booking.pk) + "cancel-refund/", {"amount": ""})
    booking.refresh_from_db()
    assert booking.status == BookingStatus.REFUNDED

    html = staff.get(page(booking.pk)).content.decode()
    soup = BeautifulSoup(html, "html.parser")
    assert soup.select_one("[data-balance]").get_text(strip=True) == "£0.00"
    assert soup.select_one("[data-refunded]").get_text(strip=True) == "£45.00"
    assert "No-show fee" not in html and "due:" not in html
    tab = staff.get(f"/admin/clinic/clients/{booking.client_id}/?tab=balance").content.decode()
    balance = BeautifulSoup(tab, "html.parser").select_one('[data-account-tab="balance"]')
    assert balance.select_one("[data-outstanding]").get_text(strip=True) == "£0.00"
    assert balance.select_one("[data-credit]").get_text(strip=True) == "£0.00"


def test_a_cancelled_booking_whose_fee_was_kept_owes_no_balance(
    full_policy, held, staff_user, clinic, django_capture_on_commit_callbacks
):
    """Cancelled with part kept (staff chose to give back 20.00 of 45.00): the visit is
    not owed; the page shows no balance to pay."""
    staff = signed_in(staff_user, clinic)
    booking = held()
    services.payment_confirm(
        payment=services.checkout_start(booking=booking), payment_method="success"
    )
    with django_capture_on_commit_callbacks(execute=True):
        staff.post(page(booking.pk) + "cancel-refund/", {"amount": "20"})
    booking.refresh_from_db()
    assert booking.status == BookingStatus.CANCELLED
    soup = BeautifulSoup(staff.get(page(booking.pk)).content.decode(), "html.parser")
    assert soup.select_one("[data-balance]").get_text(strip=True) == "£0.00"
    assert "No-show fee" not in soup.get_text()


def test_charge_no_show_fee_to_the_card_on_file(
    clinic, open_policy, service, emma, patient, staff_user
):
    policy_update(
        clinic=clinic,
        payment_mode=PaymentMode.CARD_ON_FILE,
        no_show_fee_kind="fixed",
        no_show_fee_value=2000,
    )
    booking = booking_create(
        clinic=clinic, client=patient, service=service, staff=emma, start=at(MONDAY, "10:00")
    )
    setup = cards.card_setup_start(booking=booking)
    cards.card_setup_confirm(setup=setup, payment_method="success")
    booking_transition(booking=booking, to_status=BookingStatus.NO_SHOW)
    staff = signed_in(staff_user, clinic)
    assert "•••• 4242" in staff.get(page(booking.pk)).content.decode()
    done = staff.post(page(booking.pk) + "charge-no-show-fee/", {"amount": ""}, follow=True)
    assert "No-show fee of £20.00 charged" in done.content.decode()
    payment = Payment.objects.get()
    assert (payment.kind, payment.amount_captured, payment.actor) == (
        PaymentKind.NO_SHOW_FEE,
        2000,
        staff_user,
    )
    assert AuditEntry.objects.filter(action="change", summary__contains="no_show_fee").exists()

    tab = staff.get(f"/admin/clinic/clients/{patient.pk}/?tab=balance")
    tabs = {t.key: context for t, context in tab.context["tabs"]}
    assert tabs["balance"]["outstanding"] == "£45.00"  # the visit itself is still unpaid
    assert [row["amount"] for row in tabs["balance"]["payments"]] == ["£20.00"]
    assert tabs["balance"]["bookings"] == [booking]
    assert page(booking.pk) in tab.content.decode()  # the way to the booking's payments


def test_another_clinics_booking_is_not_found(paid, other_clinic):
    outsider = MembershipFactory(clinic=other_clinic, role="manager").user
    staff = signed_in(outsider, other_clinic)
    assert staff.get(page(paid.pk)).status_code == 404
    assert staff.post(page(paid.pk) + "refund/", {"amount": "1"}).status_code == 404
    assert not Refund.objects.exists()


def test_therapists_may_not_refund(paid, clinic):
    therapist = MembershipFactory(clinic=clinic, role="therapist").user
    response = signed_in(therapist, clinic).post(page(paid.pk) + "refund/", {"amount": "1"})
    assert response.status_code in (302, 403)
    assert not Refund.objects.exists()


def test_balance_tab_shows_credit_when_paid_beyond_the_price(clinic, open_policy, staff_user):
    patient = ClientAccountFactory(clinic=clinic)
    service = ServiceFactory(clinic=clinic, key="facial", name="Facial", price=3000)
    staff_member = StaffFactory(clinic=clinic, key="ana", display_name="Ana", services=[service])
    policy_update(clinic=clinic, payment_mode=PaymentMode.FULL)
    booking = booking_create(
        clinic=clinic,
        client=patient,
        service=service,
        staff=staff_member,
        start=at(MONDAY, "12:00"),
        status=BookingStatus.PENDING_PAYMENT,
        hold_minutes=10,
    )
    services.payment_confirm(
        payment=services.checkout_start(booking=booking), payment_method="success"
    )
    from booking_api.models import Booking

    Booking.objects.filter(pk=booking.pk).update(price=2500)  # the price came down
    tab = signed_in(staff_user, clinic).get(f"/admin/clinic/clients/{patient.pk}/?tab=balance")
    tabs = {t.key: context for t, context in tab.context["tabs"]}
    assert (tabs["balance"]["outstanding"], tabs["balance"]["credit"]) == ("£0.00", "£5.00")
