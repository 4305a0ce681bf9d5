"""Issue 19 (vets): a new client books on a phone without an account, names their cat,
and sees "For Nori" on the "check your email" page and on the confirmation; the pet is
theirs and linked to the booking."""

import re

import pytest
from django.core import mail
from playwright.sync_api import expect

from booking_api.models import Booking
from branding.services import features_update
from people.models import Pet
from portal_pages.views import confirm_url
from tests.factories.booking import ServiceFactory, StaffFactory
from tests.fixtures.booking import first_free_slot
from tests.fixtures.browser import clinic_url

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def test_a_new_client_at_a_vet_names_their_pet_and_sees_it_on_the_confirmation(
    live_server, other_clinic, phone, axe
):
    vet = other_clinic
    features_update(clinic=vet, pets=True)
    exam = ServiceFactory(clinic=vet, name="Wellness exam")
    StaffFactory(clinic=vet, services=[exam])
    start = first_free_slot(vet, exam)

    phone.goto(clinic_url(live_server, vet, confirm_url(exam, "any", start)))
    expect(phone.get_by_role("heading", name="Confirm your booking")).to_be_visible()
    phone.get_by_label("Full name").fill("Nina Newcomer")
    phone.get_by_label("Email").fill("nina@example.com")
    phone.get_by_label("Mobile phone").fill("+44 7700 900999")
    phone.get_by_label("Your pet's name").fill("Nori")
    phone.get_by_label("Species").select_option("cat")
    phone.get_by_role("button", name="Confirm booking").click()

    expect(phone.get_by_role("heading", name="Check your email")).to_be_visible()
    expect(phone.locator("[data-booking-pet]")).to_have_text("Nori")
    axe(phone)
    sent = mail.outbox[-1]
    assert "For Nori" in sent.body
    link = re.search(r"(/book/verify/\?token=\S+)", sent.body).group(1)
    phone.goto(clinic_url(live_server, vet, link))
    phone.get_by_role("button", name="Confirm booking").click()

    expect(phone.get_by_role("heading", name="You're booked!")).to_be_visible()
    summary = phone.locator("dl.summary")
    expect(summary.locator("dt", has_text="For")).to_be_visible()
    expect(summary.get_by_text("Nori", exact=True)).to_be_visible()
    booking = Booking.objects.get()
    assert booking.pet == Pet.objects.get(owner=booking.client, name="Nori", species="cat")
