"""Issue 19 (vets): a new client booking without an account names their pet, and it is
their pet, linked to the booking and shown wherever the signed-in flow shows it (the
"check your email" page, the emails, the confirmation page); an existing client's pet of
that name is reused, never duplicated; no pet name at a vet is refused and nothing is
written."""

import re
from urllib.parse import parse_qs, urlsplit

import pytest
from django.core import mail
from django.urls import reverse

from booking_api.lifecycle import BookingStatus
from booking_api.models import Booking
from people.models import ClientAccount, Pet, User
from portal_pages.services import PortalError, guest_booking_hold
from tests.factories.booking import ServiceFactory, StaffFactory
from tests.factories.clients import ClientAccountFactory, UserFactory
from tests.factories.records import PetFactory
from tests.fixtures.booking import first_free_slot
from tests.fixtures.clinics import host_client
from tests.fixtures.honesty import nothing_changes

pytestmark = pytest.mark.django_db


@pytest.fixture
def exam(vet):
    service = ServiceFactory(clinic=vet, name="Wellness exam")
    StaffFactory(clinic=vet, services=[service])
    return service


@pytest.fixture
def start(vet, exam):
    return first_free_slot(vet, exam)


def guest_post(browser, service, start, email, **pet):
    return browser.post(
        reverse("portal:book_confirm"),
        {
            "service": service.pk,
            "staff": "any",
            "t": int(start.timestamp()),
            "name": "Nina Newcomer",
            "email": email,
            "phone": "+44 7700 900777",
            "notes": "First visit",
            **pet,
        },
    )


def verify_path(email):
    sent = [m for m in mail.outbox if email in m.to and "Confirm your booking" in m.subject]
    assert sent, [m.subject for m in mail.outbox]
    return sent[-1], re.search(r"https?://[^/\s]+(/book/verify/\?token=\S+)", sent[-1].body)[1]


NORI = {"pet_name": "Nori", "pet_species": "cat"}


def test_a_new_guest_at_a_vet_names_their_pet_it_is_theirs_and_shown_everywhere(
    vet, exam, start, django_capture_on_commit_callbacks
):
    browser = host_client(vet)
    with django_capture_on_commit_callbacks(execute=True):
        response = guest_post(browser, exam, start, "nina@example.com", **NORI)
    assert response["Location"] == reverse("portal:book_check_email")

    booking = Booking.objects.get()
    pet = Pet.objects.get()
    assert (pet.name, pet.species, pet.owner_id) == ("Nori", "cat", booking.client_id)
    assert booking.pet_id == pet.pk
    assert booking.client_notes == "First visit"  # the pet is a pet, not a note
    page = browser.get(response["Location"]).content.decode()
    assert "<dt>For</dt><dd data-booking-pet>Nori</dd>" in page

    verify_email, link = verify_path("nina@example.com")
    assert "For Nori" in verify_email.body
    with django_capture_on_commit_callbacks(execute=True):
        token = parse_qs(urlsplit(link).query)["token"][0]
        done = browser.post(reverse("portal:book_verify"), {"token": token})
    booking.refresh_from_db()
    assert booking.status == BookingStatus.BOOKED
    assert "<dt>For</dt><dd>Nori</dd>" in browser.get(done["Location"]).content.decode()
    confirmation = [m for m in mail.outbox if "Booking confirmed" in m.subject]
    assert confirmation and "For Nori" in confirmation[-1].body


def test_a_guest_whose_account_has_that_pet_books_for_it_without_a_duplicate(
    vet, exam, start, django_capture_on_commit_callbacks
):
    owner = ClientAccountFactory(clinic=vet, user=UserFactory(email="kim@example.com"))
    nori = PetFactory(clinic=vet, owner=owner, name="Nori", species="cat")
    browser = host_client(vet)
    with django_capture_on_commit_callbacks(execute=True):
        guest_post(browser, exam, start, "kim@example.com", pet_name=" nori ", pet_species="cat")

    assert list(Pet.objects.values_list("pk", flat=True)) == [nori.pk]
    booking = Booking.objects.get()
    assert (booking.client_id, booking.pet_id) == (owner.pk, nori.pk)
    assert booking.client_notes == "First visit"
    assert "For Nori" in verify_path("kim@example.com")[0].body


def test_a_guest_whose_account_lacks_that_pet_gets_no_pet_written_only_a_note(vet, exam, start):
    """Nothing typed by a visitor is written to an existing account before its address
    is confirmed: the pet reaches staff in the notes."""
    owner = ClientAccountFactory(clinic=vet, user=UserFactory(email="kim@example.com"))
    PetFactory(clinic=vet, owner=owner, name="Biscuit", species="dog")
    response = guest_post(host_client(vet), exam, start, "kim@example.com", **NORI)

    assert response.status_code == 302
    booking = Booking.objects.get()
    assert booking.pet_id is None
    assert booking.client_notes == "Pet: Nori (Cat)\nFirst visit"
    assert list(Pet.objects.values_list("name", flat=True)) == ["Biscuit"]


def test_a_guest_at_a_vet_without_a_pet_name_is_refused_and_nothing_is_written(vet, exam, start):
    with nothing_changes(User, ClientAccount, Booking, Pet):
        response = guest_post(host_client(vet), exam, start, "nina@example.com", pet_species="cat")
        assert response.status_code == 200
        assert response.context["form"].errors.get("pet_name")
        # The service refuses it too (another caller, a blank name), naming the field.
        for pet in (None, {"name": "  ", "species": "cat"}):
            with pytest.raises(PortalError) as refused:
                guest_booking_hold(
                    clinic=vet,
                    service=exam,
                    start=start,
                    guest={"name": "Nina", "email": "nina@example.com", "phone": ""},
                    pet=pet,
                )
            assert refused.value.field == "pet_name"
    assert not mail.outbox


def test_a_guest_whose_account_lacks_that_pet_gets_it_once_the_address_is_confirmed(
    vet, exam, start, django_capture_on_commit_callbacks
):
    """The pet the visitor named waits with the booking (nothing written to the account)
    until the address confirms the booking from the emailed link: then it is the
    account's pet, linked to the booking, and no longer a line in the notes."""
    owner = ClientAccountFactory(clinic=vet, user=UserFactory(email="kim@example.com"))
    PetFactory(clinic=vet, owner=owner, name="Biscuit", species="dog")
    browser = host_client(vet)
    with nothing_changes(Pet):
        with django_capture_on_commit_callbacks(execute=True):
            guest_post(browser, exam, start, "kim@example.com", **NORI)
        booking = Booking.objects.get()
        assert booking.pet_id is None

    _email, link = verify_path("kim@example.com")
    token = parse_qs(urlsplit(link).query)["token"][0]
    with django_capture_on_commit_callbacks(execute=True):
        browser.post(reverse("portal:book_verify"), {"token": token})
    booking.refresh_from_db()
    nori = Pet.objects.get(name="Nori")
    assert (nori.owner_id, nori.species, nori.active) == (owner.pk, "cat", True)
    assert booking.pet_id == nori.pk
    assert booking.client_notes == "First visit"
    assert sorted(Pet.objects.values_list("name", flat=True)) == ["Biscuit", "Nori"]
    # Confirming again adds nothing.
    with django_capture_on_commit_callbacks(execute=True):
        browser.post(reverse("portal:book_verify"), {"token": token})
    assert Pet.objects.filter(name="Nori").count() == 1


def test_a_guest_hold_nobody_confirms_never_writes_the_pet(vet, exam, start):
    import datetime

    from django.utils import timezone

    from booking_api.services import holds_release_unverified

    owner = ClientAccountFactory(clinic=vet, user=UserFactory(email="kim@example.com"))
    guest_post(host_client(vet), exam, start, "kim@example.com", **NORI)
    with nothing_changes(Pet):
        holds_release_unverified(now=timezone.now() + datetime.timedelta(days=1))
    assert Booking.objects.get().status == BookingStatus.CANCELLED
    assert not Pet.objects.filter(owner=owner).exists()
