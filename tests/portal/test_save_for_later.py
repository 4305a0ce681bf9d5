"""'Save for later' on a service in the booking wizard fills the cart and brings the
patient back to the list; another clinic's service cannot be saved here."""

import pytest

from booking_api.models import CartItem
from branding.services import features_update
from tests.factories.booking import ServiceFactory

pytestmark = pytest.mark.django_db


def test_a_patient_saves_a_service_for_later_from_the_list(
    clinic, patient, signed_in, skin_consult
):
    page = signed_in.get("/book/services/").content.decode()
    assert f'action="/cart/add/{skin_consult.pk}/"' in page
    # Its name says which service, and starts with what it shows (WCAG 2.5.3).
    assert f'Save for later<span class="visually-hidden">: {skin_consult.name}</span>' in page

    response = signed_in.post(
        f"/cart/add/{skin_consult.pk}/", {"next": "/book/services/"}, follow=True
    )
    assert response.redirect_chain[-1][0] == "/book/services/"
    assert f"{skin_consult.name} is saved for later." in response.content.decode()
    assert list(CartItem.objects.filter(client=patient).values_list("service", flat=True)) == [
        skin_consult.pk
    ]
    # Saving it again keeps one; the cart page lists it.
    signed_in.post(f"/cart/add/{skin_consult.pk}/")
    assert CartItem.objects.filter(client=patient).count() == 1
    assert skin_consult.name in signed_in.get("/cart/").content.decode()


def test_visitors_and_a_clinic_without_the_cart_see_no_button(
    clinic, portal, signed_in, skin_consult
):
    assert "/cart/add/" not in portal.get("/book/services/").content.decode()
    features_update(clinic=clinic, cart=False)
    assert "/cart/add/" not in signed_in.get("/book/services/").content.decode()
    assert signed_in.post(f"/cart/add/{skin_consult.pk}/").status_code == 404
    assert not CartItem.objects.exists()


def test_another_clinics_service_and_an_outside_next_are_refused(
    clinic, other_clinic, patient, signed_in
):
    theirs = ServiceFactory(clinic=other_clinic)
    assert signed_in.post(f"/cart/add/{theirs.pk}/").status_code == 404
    assert not CartItem.objects.exists()
    mine = ServiceFactory(clinic=clinic)
    response = signed_in.post(f"/cart/add/{mine.pk}/", {"next": "https://evil.example/"})
    assert response["Location"] == "/cart/"
