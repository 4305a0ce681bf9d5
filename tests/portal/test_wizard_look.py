"""Issue 19, the booking wizard: the deposit on the confirm step, "another pet" at a vet,
a location step first at a clinic with several, the patient's preferences first, and
service and staff photos (or a tasteful fallback)."""

import pytest

from booking_api.models import Booking
from booking_api.services.preferences import booking_preferences_update
from branding.services import policy_update
from tests.factories.booking import ServiceFactory, StaffFactory, main_location, wagtail_image
from tests.fixtures.booking import at, local_day

pytestmark = pytest.mark.django_db


def confirm_url(service, staff, start):
    return f"/book/confirm/?service={service.pk}&staff={staff}&t={int(start.timestamp())}"


def test_the_confirm_step_shows_the_deposit_and_what_is_left(
    clinic, signed_in, skin_consult, portal_emma
):
    policy_update(clinic=clinic, payment_mode="deposit", deposit_percent=20)
    html = signed_in.get(
        confirm_url(skin_consult, portal_emma.pk, at(local_day(4), "11:30"))
    ).content.decode()
    assert "Deposit today" in html and "£9.00" in html  # 20% of £45
    assert "At your visit" in html and "£36.00" in html


def test_a_service_deposit_of_its_own_wins_and_full_payment_says_so(
    clinic, signed_in, skin_consult, portal_emma
):
    policy_update(clinic=clinic, payment_mode="deposit", deposit_percent=20)
    skin_consult.deposit = 1000
    skin_consult.save()
    url = confirm_url(skin_consult, portal_emma.pk, at(local_day(4), "11:30"))
    html = signed_in.get(url).content.decode()
    assert "Deposit today" in html and "£10.00" in html and "£35.00" in html

    policy_update(clinic=clinic, payment_mode="full", deposit_percent=None)
    html = signed_in.get(url).content.decode()
    assert "Deposit today" not in html and "To pay today" in html


def test_no_online_payment_shows_no_deposit(clinic, signed_in, skin_consult, portal_emma):
    policy_update(clinic=clinic, payment_mode="none", deposit_percent=None)
    html = signed_in.get(
        confirm_url(skin_consult, portal_emma.pk, at(local_day(4), "11:30"))
    ).content.decode()
    assert "data-deposit" not in html


# --- Where first, at a clinic with several locations ---------------------------------------


@pytest.fixture
def soho(clinic, skin_consult, portal_emma):
    """A second location where only Zoe works (Emma stays at the main one)."""
    from branding.models import Location

    location = Location.objects.create(clinic=clinic, key="soho", name="Glow Soho")
    zoe = StaffFactory(
        clinic=clinic,
        key="zoe",
        display_name="Zoe Quinn",
        services=[skin_consult],
        hours__location=location,
    )
    return location, zoe


def test_a_clinic_with_two_locations_asks_where_first_and_books_there(
    clinic, signed_in, patient, skin_consult, portal_emma, soho
):
    location, zoe = soho
    booking_preferences_update(clinic=clinic, client=patient, location=location)
    page = signed_in.get("/book/")
    html = page.content.decode()
    assert "Where would you like to come?" in html and "Glow Soho" in html
    assert page.context["step"] == 1 and page.context["total_steps"] == 8
    # The patient's usual location is first and chosen already.
    first = page.context["locations"][0]
    assert first == location and first.chosen and first.preferred and "Your usual" in html

    response = signed_in.post("/book/location/", {"location": location.pk})
    assert response.status_code == 302 and response["Location"] == "/book/"
    staff = signed_in.get(f"/book/service/{skin_consult.pk}/")
    assert [m.pk for m in staff.context["staff_members"]] == [zoe.pk]  # Emma is elsewhere
    assert "Glow Soho" in staff.content.decode()  # "where" is shown on every step

    day = local_day(3)
    times = signed_in.get(f"/book/service/{skin_consult.pk}/any/{day.isoformat()}/")
    assert times.context["slots"]
    start = times.context["slots"][0].start
    confirm = signed_in.get(confirm_url(skin_consult, "any", start)).content.decode()
    assert f'name="location" value="{location.pk}"' in confirm and "data-location" in confirm
    response = signed_in.post(
        "/book/confirm/",
        {
            "service": skin_consult.pk,
            "staff": "any",
            "t": int(start.timestamp()),
            "location": location.pk,
        },
    )
    assert response.status_code == 302, response.content.decode()[:1500]
    booking = Booking.objects.get()
    assert booking.location == location and booking.staff == zoe


def test_a_deep_link_asks_where_first_then_comes_back(
    clinic, signed_in, skin_consult, portal_emma, soho
):
    day_url = f"/book/service/{skin_consult.pk}/{portal_emma.pk}/"
    response = signed_in.get(day_url)
    assert response.status_code == 302 and response["Location"].startswith("/book/?next=")
    response = signed_in.post(
        "/book/location/", {"location": main_location(clinic).pk, "next": day_url}
    )
    assert response["Location"] == day_url
    assert signed_in.get(day_url).status_code == 200


def test_another_clinics_location_is_refused_and_nothing_is_kept(
    clinic, other_clinic, signed_in, skin_consult, portal_emma, soho
):
    from branding.models import Location

    theirs = Location.objects.create(clinic=other_clinic, key="far", name="Far away")
    StaffFactory(clinic=other_clinic, hours__location=theirs)
    response = signed_in.post("/book/location/", {"location": theirs.pk})
    assert response.status_code == 302 and "where=1" in response["Location"]
    assert "book_location" not in signed_in.session


def test_a_clinic_with_one_location_has_no_location_step(
    clinic, signed_in, skin_consult, portal_emma
):
    response = signed_in.get("/book/")
    assert response.status_code == 302  # straight to its only category
    page = signed_in.get(response["Location"])
    assert page.context["total_steps"] == 7 and "Where would you like" not in page.content.decode()


# --- The patient's favourites and usual staff member first ------------------------------------


def test_favourite_services_are_pinned_and_the_usual_staff_member_comes_first(
    clinic, signed_in, patient, skin_consult, portal_emma
):
    peel = ServiceFactory(clinic=clinic, name="A peel", category=skin_consult.category)
    ava = StaffFactory(clinic=clinic, display_name="Ava", services=[skin_consult, peel])
    booking_preferences_update(
        clinic=clinic, client=patient, staff=portal_emma, services=[skin_consult]
    )
    page = signed_in.get(f"/book/category/{skin_consult.category_id}/")
    services = page.context["services"]
    assert [s.pk for s in services] == [skin_consult.pk, peel.pk]
    assert services[0].favourite and "Your favourite" in page.content.decode()

    staff = signed_in.get(f"/book/service/{skin_consult.pk}/").context["staff_members"]
    assert [m.pk for m in staff] == [portal_emma.pk, ava.pk] and staff[0].preferred


# --- Photos, or a tasteful fallback ----------------------------------------------------------


def test_services_and_staff_show_their_photos_or_initials(
    clinic, portal, skin_consult, portal_emma
):
    html = portal.get(f"/book/category/{skin_consult.category_id}/").content.decode()
    assert "data-service-photo" not in html and ">SC</span>" in html  # Skin Consultation
    skin_consult.image = wagtail_image("Consultation")
    skin_consult.save()
    portal_emma.photo = wagtail_image("Emma")
    portal_emma.save()
    html = portal.get(f"/book/category/{skin_consult.category_id}/").content.decode()
    assert "data-service-photo" in html and ".fill-640x360" in html
    html = portal.get(f"/book/service/{skin_consult.pk}/").content.decode()
    assert "data-staff-photo" in html and ".fill-192x192" in html


def test_a_service_card_names_only_who_gives_it_at_the_chosen_location(
    clinic, signed_in, skin_consult, portal_emma, soho
):
    location, zoe = soho
    signed_in.post("/book/location/", {"location": location.pk})
    page = signed_in.get(f"/book/category/{skin_consult.category_id}/")
    assert [m.pk for m in page.context["services"][0].wizard_staff] == [zoe.pk]
    assert "Emma" not in page.content.decode()


def test_the_step_counter_keeps_one_total_to_the_last_step_at_two_locations(
    clinic, signed_in, patient, skin_consult, portal_emma, soho
):
    """Found trying the demo: "Step 7 of 8" on the confirm step, then "Step 7 of 7" on the
    next page. The total comes from the clinic's configuration, the same on every step."""
    location, _zoe = soho
    signed_in.post("/book/location/", {"location": location.pk})
    day = local_day(3)
    times = signed_in.get(f"/book/service/{skin_consult.pk}/any/{day.isoformat()}/")
    start = times.context["slots"][0].start
    confirm = signed_in.get(confirm_url(skin_consult, "any", start)).content.decode()
    assert "Step 7 of 8" in confirm
    response = signed_in.post(
        "/book/confirm/",
        {
            "service": skin_consult.pk,
            "staff": "any",
            "t": int(start.timestamp()),
            "location": location.pk,
        },
    )
    assert response.status_code == 302
    last = signed_in.get(response["Location"])
    assert last.status_code == 200
    assert "Step 8 of 8" in last.content.decode()
    assert (last.context["step"], last.context["total_steps"]) == (8, 8)


def test_any_available_says_who_when_only_one_is_free_else_first_available(
    clinic, signed_in, skin_consult, portal_emma
):
    """The confirm step said "With: Any available". Only Emma gives the service: she is
    named; with two free then, "First available" in plain words."""
    from bs4 import BeautifulSoup

    start = at(local_day(4), "11:30")

    def with_text():
        html = signed_in.get(confirm_url(skin_consult, "any", start)).content
        return BeautifulSoup(html, "html.parser").select_one("[data-with]").get_text(" ")

    assert with_text().strip() == "Emma"
    StaffFactory(clinic=clinic, key="zoe", display_name="Zoe Quinn", services=[skin_consult])
    text = with_text()
    assert text.startswith("First available") and "Any available" not in text
