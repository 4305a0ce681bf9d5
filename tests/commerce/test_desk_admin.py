"""The desk checkout in the staff workspace: the appointment page offers "Checkout" to
the front desk (not to therapists), the checkout page lists the visit, products, tip and
tenders in the clinic's currency format, its forms take a product, a tip and cash, and
complete it; another clinic's booking answers 404, a therapist 403. The client page's
"Total spent" is what was paid."""

import re

import pytest

from booking_api.models import BookingStatus
from commerce.models import CheckoutStatus, DeskCheckout
from payments.models import Payment, PaymentMethod
from tests.factories.booking import ServiceFactory, StaffFactory
from tests.factories.clients import ClientAccountFactory
from tests.fixtures.booking import MONDAY, add_booking, at
from tests.fixtures.clinics import admin_client_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def visit(clinic, patient, service, emma):
    return add_booking(
        clinic, patient, service, emma, at(MONDAY, "10:00"), status=BookingStatus.STARTED
    )


@pytest.fixture
def desk(staff_user, clinic):
    return admin_client_for(staff_user, clinic)


def test_the_appointment_page_offers_checkout_to_the_desk_only(clinic, visit, desk, therapist_user):
    page = desk.get(f"/admin/bookings/calendar/{visit.pk}/").content.decode()
    assert f'href="/admin/desk/{visit.pk}/"' in page
    therapist = admin_client_for(therapist_user, clinic)
    assert (
        "data-desk-checkout-link"
        not in therapist.get(f"/admin/bookings/calendar/{visit.pk}/").content.decode()
    )
    refused = therapist.get(f"/admin/desk/{visit.pk}/")  # Wagtail's "no permission"
    assert refused.status_code == 302 and refused.url == "/admin/"
    assert not DeskCheckout.objects.exists()


def test_the_desk_adds_a_product_a_tip_and_cash_and_completes(
    clinic, visit, desk, serum, patient, staff_user
):
    page = desk.get(f"/admin/desk/{visit.pk}/")
    assert page.status_code == 200
    assert "£45.00" in page.content.decode()
    base = f"/admin/desk/{visit.pk}"
    desk.post(f"{base}/product/", {"product-product": serum.pk, "product-quantity": 1})
    desk.post(f"{base}/tip/", {"tip-tip": "5", "tip-percent": ""})
    page = desk.get(f"{base}/").content.decode()
    assert re.search(r"data-total><strong>£80.00<", page)
    response = desk.post(f"{base}/tender/", {"tender-kind": "cash", "tender-amount": "80.00"})
    assert response.status_code == 302
    payment = Payment.objects.get()
    assert (payment.method, payment.amount_captured, payment.actor) == (
        PaymentMethod.CASH,
        8000,
        staff_user,
    )
    # The booking's payments page says how and by whom.
    payments_page = desk.get(f"/admin/payments/bookings/{visit.pk}/").content.decode()
    assert f"Paid at the desk (Cash, {staff_user.email})" in payments_page
    desk.post(f"{base}/complete/", {})
    assert DeskCheckout.objects.get().status == CheckoutStatus.COMPLETED
    page = desk.get(f"{base}/").content.decode()
    assert "data-checkout-completed" in page and "data-tender-form" not in page
    # The client page counts what was paid, not the price (the product too, no tip).
    account = desk.get(f"/admin/clinic/clients/{patient.pk}/").content.decode()
    assert re.search(r"data-total-spent>£75.00<", account)
    appointment = desk.get(f"/admin/bookings/calendar/{visit.pk}/").content.decode()
    assert re.search(r"data-payment-status>Paid<", appointment)


def test_a_staff_price_change_is_refused_and_a_tender_error_shown(clinic, visit, desk):
    desk.get(f"/admin/desk/{visit.pk}/")
    response = desk.post(
        f"/admin/desk/{visit.pk}/price/",
        {"price-price": "10", "price-reason": "Goodwill"},
        follow=True,
    )
    assert "Only a manager can change the price" in response.content.decode()
    visit.refresh_from_db()
    assert visit.price == 4500
    response = desk.post(
        f"/admin/desk/{visit.pk}/tender/",
        {"tender-kind": "terminal", "tender-amount": "99"},
        follow=True,
    )
    assert "Give an amount from" in response.content.decode()
    assert not Payment.objects.exists()


def test_another_clinics_booking_is_not_found(other_clinic, desk):
    theirs = add_booking(
        other_clinic,
        ClientAccountFactory(clinic=other_clinic),
        service := ServiceFactory(clinic=other_clinic),
        StaffFactory(clinic=other_clinic, services=[service]),
        at(MONDAY, "10:00"),
    )
    assert desk.get(f"/admin/desk/{theirs.pk}/").status_code in (302, 404)
    assert not DeskCheckout.objects.exists()


def test_the_checkout_speaks_bulgarian_to_a_bulgarian_speaking_receptionist(
    clinic, visit, staff_user
):
    from wagtail.users.models import UserProfile

    profile = UserProfile.get_for_user(staff_user)
    profile.preferred_language = "bg"
    profile.save()
    html = admin_client_for(staff_user, clinic).get(f"/admin/desk/{visit.pk}/").content.decode()
    for text in ("Какво плаща клиентът", "Приеми плащането", "Остава за плащане", "45,00"):
        assert text in html


def test_the_checkout_says_whose_visit_it_is_and_for_which_pet(clinic, patient, visit, desk):
    """Found by a vet's receptionist: the checkout named the service and staff member
    but not the client, nor the animal."""
    from tests.factories.records import PetFactory

    visit.pet = PetFactory(owner=patient, name="Nori")
    visit.save(update_fields=["pet"])
    page = desk.get(f"/admin/desk/{visit.pk}/").content.decode()
    header = page[page.index("data-checkout-visit") :][:600]
    assert patient.name in header and "for Nori" in header


def test_without_a_card_on_file_cash_is_the_default_and_card_on_file_not_offered(
    clinic, visit, desk, patient
):
    """Found by a receptionist: "Card on file" was chosen for a client with no card."""
    page = desk.get(f"/admin/desk/{visit.pk}/").content.decode()
    form = page[page.index("data-tender-form") :]
    form = form[: form.index("</form>")]
    assert 'value="card_on_file"' not in form
    assert re.search(r'<option value="cash"[^>]*selected', form), form


def test_cash_above_what_is_due_shows_the_change_on_the_checkout(clinic, visit, desk):
    desk.get(f"/admin/desk/{visit.pk}/")
    desk.post(f"/admin/desk/{visit.pk}/tender/", {"tender-kind": "cash", "tender-amount": "50"})
    page = desk.get(f"/admin/desk/{visit.pk}/").content.decode()
    assert "Cash tendered £50.00 · Change £5.00" in page
    assert Payment.objects.get().amount_captured == 4500


def test_a_managers_price_change_without_a_reason_is_refused_naming_the_field(
    clinic, visit, manager
):
    desk = admin_client_for(manager, clinic)
    desk.get(f"/admin/desk/{visit.pk}/")
    response = desk.post(
        f"/admin/desk/{visit.pk}/price/", {"price-price": "30", "price-reason": ""}, follow=True
    )
    assert "Reason: This field is required." in response.content.decode()
    visit.refresh_from_db()
    assert visit.price == 4500
