"""Issue 19, the booking wizard as a patient meets it on a 390 px phone (and a desktop):
where first at a clinic with two locations (their usual one chosen already), service
and staff cards with their photos, the day beside its times on a wide screen, and the
deposit before confirming. axe-core finds nothing serious on any step."""

import pytest
from playwright.sync_api import expect

from booking_api.models import Booking
from booking_api.services.preferences import booking_preferences_update
from branding.models import Location
from branding.services import branding_update, features_update, policy_update
from demo.artwork import service_picture, staff_portrait
from portal_pages.services import dashboard_cards_seed
from tests.factories.booking import (
    ServiceCategoryFactory,
    ServiceFactory,
    StaffFactory,
    main_location,
)
from tests.factories.clients import PASSWORD, ClientAccountFactory, UserFactory
from tests.fixtures.browser import clinic_url, small_tap_targets

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

DESKTOP = {"width": 1280, "height": 860}


def _picture(title, data):
    from io import BytesIO

    from django.core.files.images import ImageFile
    from wagtail.images import get_image_model

    return get_image_model().objects.create(
        title=title, file=ImageFile(BytesIO(data), name=f"{title.lower().replace(' ', '-')}.png")
    )


@pytest.fixture
def glow_two(clinic):
    """Glow with two locations, pictures on its services and staff, and a deposit."""
    branding_update(clinic=clinic, primary_color="#6b3fa0", accent_color="#d4a72c")
    features_update(clinic=clinic, cart=True)  # "Save for later" on the services
    policy_update(
        clinic=clinic,
        min_notice_minutes=60,
        max_advance_days=120,
        payment_mode="deposit",
        deposit_percent=20,
    )
    main = main_location(clinic)
    main.name, main.address = "Glow Marylebone", "14 Marylebone High Street\nLondon W1U 4NR"
    main.save()
    soho = Location.objects.create(
        clinic=clinic, key="soho", name="Glow Soho", address="27 Greek Street\nLondon W1D 5DF"
    )
    facials = ServiceCategoryFactory(clinic=clinic, name="Facials")
    services = [
        ServiceFactory(
            clinic=clinic,
            category=facials,
            key=key,
            name=name,
            description=text,
            duration_minutes=minutes,
            price=price,
            slot_step_minutes=30,
            image=_picture(name, service_picture(name)) if picture else None,
        )
        for key, name, text, minutes, price, picture in [
            (
                "facial",
                "Signature facial",
                "Cleanse, exfoliation, extraction and a mask chosen for your skin.",
                60,
                8500,
                True,
            ),
            (
                "peel",
                "Chemical peel",
                "A medical-grade peel for texture and tone.",
                45,
                12000,
                True,
            ),
            (
                "glow",
                "Glow express",
                "Thirty minutes to a brighter, plumper skin.",
                30,
                5500,
                False,
            ),
        ]
    ]
    zara = StaffFactory(
        clinic=clinic,
        key="zara",
        display_name="Zara Okafor",
        bio="Senior aesthetic therapist, ten years in skin health.",
        services=services,
        hours__location=soho,
        photo=_picture("Zara Okafor", staff_portrait("Zara Okafor")),
    )
    StaffFactory(
        clinic=clinic,
        key="mia",
        display_name="Mia Chen",
        bio="Facialist; loves a glow-up before a big day.",
        services=services,
        hours__location=soho,
    )
    StaffFactory(clinic=clinic, key="tom", display_name="Tom Fletcher", services=services)
    dashboard_cards_seed(clinic=clinic)
    user = UserFactory(email="olivia@example.com", first_name="Olivia")
    patient = ClientAccountFactory(clinic=clinic, user=user)
    booking_preferences_update(
        clinic=clinic, client=patient, location=soho, staff=zara, services=[services[1]]
    )
    return clinic, soho, zara, user


def _sign_in(page, live_server, clinic, user):
    page.goto(clinic_url(live_server, clinic, "/accounts/login/"))
    page.get_by_label("Email").fill(user.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("link", name="Your account")).to_be_visible()


def test_where_first_then_photos_then_the_deposit_on_a_phone(
    live_server, glow_two, phone, shot, axe
):
    clinic, soho, zara, user = glow_two
    _sign_in(phone, live_server, clinic, user)
    phone.goto(clinic_url(live_server, clinic, "/book/"))

    expect(phone.get_by_role("heading", name="Where would you like to come?")).to_be_visible()
    usual = phone.get_by_role("radio", name="Glow Soho")
    expect(usual).to_be_checked()  # the patient's usual location, chosen already
    shot(phone, "wizard-0-location")
    axe(phone)
    phone.get_by_role("button", name="Continue").click()

    expect(phone.get_by_role("heading", name="Facials")).to_be_visible()
    expect(phone.locator(".wizard-where")).to_contain_text("Glow Soho")
    cards = phone.locator(".service-card")
    expect(cards.first).to_contain_text("Chemical peel")  # the favourite, pinned
    expect(cards.first.locator("img[data-service-photo]")).to_be_visible()
    expect(
        phone.locator(".service-card", has_text="Glow express").locator(".fallback")
    ).to_be_visible()
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    # "Change location" (63 × 26) and "Save for later" (36 px) were too small to tap.
    expect(phone.locator("[data-save-later]").first).to_be_visible()
    expect(phone.locator(".wizard-where a")).to_be_visible()
    small, measured = small_tap_targets(phone)
    assert measured and not small, small
    shot(phone, "wizard-2-service-photos")
    axe(phone)
    phone.get_by_role("link", name="Signature facial").click()

    expect(phone.get_by_role("heading", name="Who would you like to see?")).to_be_visible()
    staff = phone.locator(".staff-card[data-staff]")
    expect(staff.first).to_contain_text("Zara Okafor")  # the usual staff member first
    expect(staff.first.locator("img[data-staff-photo]")).to_be_visible()
    expect(phone.locator(".staff-grid")).not_to_contain_text("Tom Fletcher")  # at Marylebone
    shot(phone, "wizard-3-staff-photos")
    axe(phone)
    staff.first.click()

    expect(phone.get_by_role("heading", name="Choose a day")).to_be_visible()
    if phone.locator("a.day.free").count() == 0:
        phone.get_by_role("link", name="Next month").click()
    # The calendar's days were 43 × 43 on a 390 px phone.
    small, measured = small_tap_targets(phone)
    assert measured and not small, small
    axe(phone)
    phone.locator("a.day.free").first.click()
    expect(phone.get_by_role("heading", name="Choose a time")).to_be_visible()
    expect(phone.locator("[data-day-beside-times]")).to_be_hidden()  # a phone: times alone
    shot(phone, "wizard-5-time-phone")
    axe(phone)
    phone.locator("a.time").first.click()

    expect(phone.get_by_role("heading", name="Confirm your booking")).to_be_visible()
    expect(phone.locator("[data-location]")).to_contain_text("Glow Soho")
    expect(phone.locator("[data-deposit]")).to_have_text("£17.00")  # 20% of £85
    shot(phone, "wizard-6-confirm-deposit")
    axe(phone)
    phone.get_by_role("button", name="Confirm booking").click()
    phone.wait_for_url("**/pay/**")
    booking = Booking.objects.get()
    assert booking.location == soho and booking.staff == zara


def test_day_and_time_on_one_screen_on_a_desktop(live_server, glow_two, browser, shot, axe):
    clinic, _soho, zara, user = glow_two
    context = browser.new_context(viewport=DESKTOP, locale="en-GB")
    page = context.new_page()
    page.set_default_timeout(15_000)
    try:
        _sign_in(page, live_server, clinic, user)
        page.goto(clinic_url(live_server, clinic, "/book/"))
        expect(page.get_by_role("heading", name="Where would you like to come?")).to_be_visible()
        shot(page, "wizard-0-location-desktop")
        page.get_by_role("button", name="Continue").click()
        expect(page.get_by_role("heading", name="Facials")).to_be_visible()
        shot(page, "wizard-2-service-desktop")
        page.get_by_role("link", name="Signature facial").click()
        page.locator(".staff-card[data-staff]").first.click()
        if page.locator("a.day.free").count() == 0:
            page.get_by_role("link", name="Next month").click()
        page.locator("a.day.free").first.click()
        expect(page.get_by_role("heading", name="Choose a time")).to_be_visible()
        beside = page.locator("[data-day-beside-times]")
        expect(beside).to_be_visible()
        expect(beside.locator("a.day.selected")).to_have_count(1)
        calendar, times = beside.bounding_box(), page.locator(".day-time-times").bounding_box()
        assert calendar["x"] + calendar["width"] <= times["x"]  # side by side
        assert abs(calendar["y"] - times["y"]) < 5
        shot(page, "wizard-5-day-and-time-desktop")
        axe(page)
    finally:
        context.close()


def test_a_vet_client_books_for_another_pet_on_a_phone(live_server, other_clinic, phone, shot, axe):
    import datetime

    from django.utils import timezone

    from booking_api.availability import find_slots
    from branding.services import features_update
    from people.models import Pet
    from tests.factories.records import PetFactory

    vet = other_clinic
    features_update(clinic=vet, pets=True)
    branding_update(clinic=vet, primary_color="#2f5d8a", accent_color="#f2c14e")
    service = ServiceFactory(clinic=vet, name="Wellness exam", price=4800)
    StaffFactory(clinic=vet, display_name="Dr Daniel Reyes", services=[service])
    user = UserFactory(email="sam@example.com", first_name="Olivia")
    owner = ClientAccountFactory(clinic=vet, user=user)
    PetFactory(owner=owner, name="Biscuit")
    today = timezone.localdate()
    start = find_slots(
        clinic=vet, service=service, date_from=today, date_to=today + datetime.timedelta(days=14)
    )[-1].start

    _sign_in(phone, live_server, vet, user)
    phone.goto(
        clinic_url(
            live_server, vet, f"/book/confirm/?service={service.pk}&t={int(start.timestamp())}"
        )
    )
    expect(phone.get_by_role("radio", name="Biscuit")).to_be_checked()  # the only pet
    expect(phone.get_by_label("Your pet's name")).to_be_hidden()
    phone.get_by_role("radio", name="Another pet").check()
    expect(phone.get_by_label("Your pet's name")).to_be_visible()
    phone.get_by_label("Your pet's name").fill("Mochi")
    phone.get_by_label("Species").select_option("cat")
    shot(phone, "wizard-vet-another-pet")
    axe(phone)
    phone.get_by_role("button", name="Confirm booking").click()
    expect(phone.get_by_role("heading", name="You're booked!")).to_be_visible()
    mochi = Pet.objects.get(owner=owner, name="Mochi")
    assert Booking.objects.get().pet_id == mochi.pk
