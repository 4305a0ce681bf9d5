"""The booking wizard: category → service → staff → day → time → who → confirmation."""

import re
from unittest import mock
from urllib.parse import parse_qs, urlsplit

import pytest
from django.contrib.auth import get_user_model
from django.core import mail

from booking_api.models import Booking
from booking_api.services import SlotTakenError
from branding.services import features_update
from tests.factories.booking import ServiceCategoryFactory, ServiceFactory, StaffFactory
from tests.fixtures.booking import add_booking, at, local_day
from tests.fixtures.clinics import host_client

pytestmark = pytest.mark.django_db


def confirm_url(service, staff, start):
    return f"/book/confirm/?service={service.pk}&staff={staff}&t={int(start.timestamp())}"


def test_walk_through_the_wizard_as_a_new_client(
    clinic, portal, skin_consult, portal_emma, django_capture_on_commit_callbacks
):
    other = ServiceCategoryFactory(clinic=clinic, name="Facials")
    ServiceFactory(clinic=clinic, category=other, name="Signature facial")
    page = portal.get("/book/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "Treatments" in html and "Facials" in html

    page = portal.get(f"/book/category/{skin_consult.category_id}/")
    html = page.content.decode()
    assert "Skin consultation" in html and "30 minutes" in html and "£45.00" in html
    assert "Emma" in html

    page = portal.get(f"/book/service/{skin_consult.pk}/")
    assert f"/book/service/{skin_consult.pk}/any/" in page.content.decode()
    assert f"/book/service/{skin_consult.pk}/{portal_emma.pk}/" in page.content.decode()

    day = local_day(3)
    page = portal.get(f"/book/service/{skin_consult.pk}/any/", {"month": day.strftime("%Y-%m")})
    assert f'href="/book/service/{skin_consult.pk}/any/{day.isoformat()}/"' in page.content.decode()
    assert page.context["cal"].free_days > 0

    page = portal.get(f"/book/service/{skin_consult.pk}/any/{day.isoformat()}/")
    start = at(day, "10:00")
    assert confirm_url(skin_consult, "any", start).replace("&", "&amp;") in page.content.decode()

    page = portal.get(confirm_url(skin_consult, "any", start))
    html = page.content.decode()
    assert "Confirm your booking" in html and "Sign in" in html
    assert 'for="id_name"' in html and 'for="id_email"' in html and 'for="id_phone"' in html

    with django_capture_on_commit_callbacks(execute=True):
        response = portal.post(
            "/book/confirm/",
            {
                "service": skin_consult.pk,
                "staff": "any",
                "t": int(start.timestamp()),
                "name": "Nina Newcomer",
                "email": "nina@example.com",
                "phone": "07700 900999",
                "notes": "First visit",
            },
        )
    booking = Booking.objects.get()
    assert response.status_code == 302
    assert response["Location"] == "/book/check-email/"
    assert booking.start == start and booking.staff == portal_emma and booking.source == "portal"
    assert booking.client.user.email == "nina@example.com"
    assert booking.client.phone == "+447700900999" and booking.client_notes == "First visit"
    assert not booking.client.user.has_usable_password()
    assert "nina@example.com" in portal.get(response["Location"]).content.decode()

    # The emailed link confirms the booking and signs the new client in.
    link = re.search(r"(/book/verify/\?token=\S+)", mail.outbox[-1].body).group(1)
    assert "Confirm booking" in portal.get(link).content.decode()
    token = parse_qs(urlsplit(link).query)["token"][0]
    with django_capture_on_commit_callbacks(execute=True):
        response = portal.post("/book/verify/", {"token": token})
    assert response["Location"] == f"/book/done/{booking.reference}/"

    done = portal.get(response["Location"])
    html = done.content.decode()
    assert "You&#x27;re booked!" in html or "You're booked!" in html
    assert f"/bookings/{booking.reference}/calendar.ics" in html
    assert "calendar.google.com" in html
    ics = portal.get(f"/bookings/{booking.reference}/calendar.ics")
    assert ics["Content-Type"] == "text/calendar" and b"BEGIN:VEVENT" in ics.content

    home = portal.get("/")  # signed in now: the booking is on the dashboard's data
    assert home.wsgi_request.user.email == "nina@example.com"


def test_a_signed_in_client_books_with_notes(clinic, signed_in, patient, skin_consult, portal_emma):
    start = at(local_day(4), "11:30")
    response = signed_in.post(
        "/book/confirm/",
        {
            "service": skin_consult.pk,
            "staff": portal_emma.pk,
            "t": int(start.timestamp()),
            "notes": "",
        },
    )
    assert response.status_code == 302
    booking = Booking.objects.get()
    assert booking.client == patient and booking.staff == portal_emma


def test_a_bad_phone_is_named_and_nothing_is_written(clinic, portal, skin_consult, portal_emma):
    start = at(local_day(3), "10:00")
    response = portal.post(
        "/book/confirm/",
        {
            "service": skin_consult.pk,
            "staff": "any",
            "t": int(start.timestamp()),
            "name": "Nina",
            "email": "nina@example.com",
            "phone": "12",
        },
    )
    assert response.status_code == 200
    assert response.context["form"].errors["phone"]
    assert not Booking.objects.exists()
    assert not get_user_model().objects.filter(email="nina@example.com").exists()


def test_a_slot_taken_meanwhile_gives_fresh_times(
    clinic, portal, signed_in, skin_consult, portal_emma
):
    day = local_day(3)
    start = at(day, "10:00")
    add_booking(
        clinic, mock_client(clinic), skin_consult, portal_emma, start
    )  # somebody was quicker
    response = signed_in.post(
        "/book/confirm/",
        {"service": skin_consult.pk, "staff": portal_emma.pk, "t": int(start.timestamp())},
    )
    assert response.status_code == 302
    assert (
        response["Location"]
        == f"/book/service/{skin_consult.pk}/{portal_emma.pk}/{day.isoformat()}/"
    )
    page = signed_in.get(response["Location"])
    html = page.content.decode()
    assert "that time has just been taken" in html
    times = re.findall(r'class="time"[^>]*>([^<]+)<', html)
    assert "10:00" not in times and "10:30" in times


def test_a_race_lost_inside_the_service_is_friendly_too(clinic, portal, skin_consult, portal_emma):
    start = at(local_day(3), "10:00")
    with mock.patch(
        "portal_pages.services.booking_create", side_effect=SlotTakenError("taken", field="start")
    ):
        response = portal.post(
            "/book/confirm/",
            {
                "service": skin_consult.pk,
                "staff": "any",
                "t": int(start.timestamp()),
                "name": "Nina",
                "email": "nina@example.com",
                "phone": "07700 900999",
            },
        )
    assert response.status_code == 302 and "/book/service/" in response["Location"]
    assert not get_user_model().objects.filter(email="nina@example.com").exists()


def mock_client(clinic):
    from tests.factories.clients import ClientAccountFactory

    return ClientAccountFactory(clinic=clinic)


def test_online_booking_off_hides_the_wizard(clinic, portal, skin_consult, portal_emma):
    features_update(clinic=clinic, online_booking=False)
    for url in ("/book/", f"/book/service/{skin_consult.pk}/", "/book/confirm/"):
        assert portal.get(url).status_code == 404, url
    assert 'href="/book/"' not in portal.get("/").content.decode()


def test_another_clinics_service_is_not_found(clinic, other_clinic, portal, skin_consult):
    theirs = ServiceFactory(clinic=other_clinic)
    assert portal.get(f"/book/service/{theirs.pk}/").status_code == 404
    assert host_client(other_clinic).get(f"/book/service/{skin_consult.pk}/").status_code == 404


def test_book_again_with_someone_who_left_asks_who(clinic, portal, skin_consult, portal_emma):
    gone = StaffFactory(clinic=clinic, services=[], active=False)
    response = portal.get(f"/book/service/{skin_consult.pk}/{gone.pk}/")
    assert (
        response.status_code == 302 and response["Location"] == f"/book/service/{skin_consult.pk}/"
    )


def test_the_calendar_stays_within_the_horizon(clinic, portal, skin_consult, portal_emma):
    page = portal.get(f"/book/service/{skin_consult.pk}/any/", {"month": "1999-01"})
    assert page.context["cal"].previous is None  # clamped to this month
    far = local_day(365 * 3)
    page = portal.get(f"/book/service/{skin_consult.pk}/any/", {"month": far.strftime("%Y-%m")})
    assert page.context["cal"].next is None
