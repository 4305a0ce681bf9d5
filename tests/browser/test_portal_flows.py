"""A patient's main journeys, in a real browser on a phone-sized screen."""

import re

import pytest
from django.core import mail
from playwright.sync_api import expect

from booking_api.models import Booking, BookingStatus
from branding.services import branding_update, policy_update
from portal_pages.services import dashboard_cards_seed
from tests.factories.booking import ServiceCategoryFactory, ServiceFactory, StaffFactory
from tests.factories.clients import PASSWORD, ClientAccountFactory, UserFactory
from tests.fixtures.booking import add_booking, at, local_day
from tests.fixtures.browser import clinic_url

# Wagtail's root page comes from a migration: keep it across the flush of each test.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.fixture
def glow(clinic):
    branding_update(clinic=clinic, primary_color="#6b3fa0", accent_color="#d4a72c")
    policy_update(clinic=clinic, min_notice_minutes=60, max_advance_days=120)
    consult_cat = ServiceCategoryFactory(clinic=clinic, name="Consultations", position=0)
    facials = ServiceCategoryFactory(clinic=clinic, name="Facials", position=1)
    consult = ServiceFactory(
        clinic=clinic,
        category=consult_cat,
        key="consult",
        name="Skin consultation",
        description="A one-to-one assessment of your skin with a treatment plan.",
        price=4500,
        slot_step_minutes=30,
    )
    facial = ServiceFactory(
        clinic=clinic,
        category=facials,
        key="facial",
        name="Signature facial",
        description="Cleanse, exfoliation, extraction and a mask chosen for your skin.",
        duration_minutes=60,
        price=8500,
        slot_step_minutes=30,
    )
    StaffFactory(clinic=clinic, key="zara", display_name="Zara Okafor", services=[consult, facial])
    StaffFactory(clinic=clinic, key="tom", display_name="Tom Fletcher", services=[facial])
    dashboard_cards_seed(clinic=clinic)
    return clinic


def test_a_new_patient_books_on_a_phone_and_sees_it_on_the_dashboard(
    live_server, glow, phone, shot, axe
):
    phone.goto(clinic_url(live_server, glow))
    expect(phone.get_by_role("heading", name="Welcome to Glow Aesthetics")).to_be_visible()
    shot(phone, "dashboard-visitor")
    axe(phone)

    phone.locator(".card-book_now").get_by_role("link", name="Book now").click()
    expect(phone.get_by_role("heading", name="What would you like to book?")).to_be_visible()
    shot(phone, "wizard-1-category")
    axe(phone)
    phone.get_by_role("link", name="Facials").click()

    expect(phone.get_by_role("heading", name="Facials")).to_be_visible()
    shot(phone, "wizard-2-service")
    phone.get_by_role("link", name="Signature facial").click()

    expect(phone.get_by_role("heading", name="Who would you like to see?")).to_be_visible()
    shot(phone, "wizard-3-staff")
    phone.get_by_role("link", name="Any available").click()

    expect(phone.get_by_role("heading", name="Choose a day")).to_be_visible()
    if phone.locator("a.day.free").count() == 0:  # late in the month: try the next one
        phone.get_by_role("link", name="Next month").click()
    shot(phone, "wizard-4-day")
    axe(phone)
    phone.locator("a.day.free").first.click()

    expect(phone.get_by_role("heading", name="Choose a time")).to_be_visible()
    shot(phone, "wizard-5-time")
    phone.locator("a.time").first.click()

    expect(phone.get_by_role("heading", name="Confirm your booking")).to_be_visible()
    phone.get_by_label("Full name").fill("Nina Newcomer")
    phone.get_by_label("Email").fill("nina@example.com")
    phone.get_by_label("Mobile phone").fill("07700 900999")
    shot(phone, "wizard-6-details")
    axe(phone)
    phone.get_by_role("button", name="Confirm booking").click()

    # The time is held until the address confirms it from the emailed link.
    expect(phone.get_by_role("heading", name="Check your email")).to_be_visible()
    axe(phone)
    link = re.search(r"(/book/verify/\?token=\S+)", mail.outbox[-1].body).group(1)
    phone.goto(clinic_url(live_server, glow, link))
    expect(phone.get_by_role("heading", name="Confirm your booking")).to_be_visible()
    phone.get_by_role("button", name="Confirm booking").click()

    expect(phone.get_by_role("heading", name="You're booked!")).to_be_visible()
    expect(phone.get_by_role("link", name="Google Calendar")).to_be_visible()
    shot(phone, "wizard-7-confirmation")

    booking = Booking.objects.get()
    assert booking.client.user.email == "nina@example.com"
    assert booking.service.name == "Signature facial"

    phone.get_by_role("link", name="Back to your dashboard").click()
    upcoming = phone.locator(".card-upcoming")
    expect(upcoming.get_by_text("Signature facial")).to_be_visible()
    expect(upcoming.get_by_role("link", name="Reschedule")).to_be_visible()
    shot(phone, "dashboard-patient")
    axe(phone)


def test_a_returning_patient_reschedules_and_then_cancels(live_server, glow, phone, shot, axe):
    user = UserFactory(email="olivia@example.com", first_name="Olivia")
    patient = ClientAccountFactory(clinic=glow, user=user)
    consult = glow.services.get(key="consult")
    zara = glow.staff_members.get(key="zara")
    add_booking(glow, patient, consult, zara, at(local_day(-30), "10:00"), "completed")
    booking = add_booking(glow, patient, consult, zara, at(local_day(6), "10:00"))

    phone.goto(clinic_url(live_server, glow, "/accounts/login/"))
    phone.get_by_label("Email").fill(user.email)
    phone.get_by_label("Password").fill(PASSWORD)
    phone.get_by_role("button", name="Sign in").click()
    expect(phone.get_by_role("heading", name="Welcome back, Olivia")).to_be_visible()
    expect(phone.locator(".card-book_now").get_by_role("link", name="Skin consultation"))
    shot(phone, "dashboard-returning")

    phone.locator(".card-upcoming").get_by_role("link", name="Reschedule").click()
    expect(phone.get_by_role("heading", name="Move your appointment")).to_be_visible()
    if phone.locator("a.day.free").count() == 0:
        phone.get_by_role("link", name="Next month").click()
    shot(phone, "reschedule-day")
    axe(phone)
    phone.locator("a.day.free").last.click()
    shot(phone, "reschedule-time")
    phone.locator("button.time").first.click()
    expect(phone.get_by_text("Your appointment has been moved")).to_be_visible()
    booking.refresh_from_db()
    assert booking.reschedule_count == 1 and booking.start.date() != local_day(6)

    phone.get_by_role("link", name="Cancel").click()
    expect(phone.get_by_text("You can cancel free of charge.")).to_be_visible()
    shot(phone, "cancel-quote")
    axe(phone)
    phone.get_by_role("button", name="Cancel appointment").click()
    expect(phone.get_by_text("Your appointment has been cancelled.")).to_be_visible()
    booking.refresh_from_db()
    assert booking.status == BookingStatus.CANCELLED


def test_my_bookings_and_profile_are_accessible(live_server, glow, phone, shot, axe):
    user = UserFactory(email="paula@example.com", first_name="Paula")
    patient = ClientAccountFactory(clinic=glow, user=user)
    consult = glow.services.get(key="consult")
    zara = glow.staff_members.get(key="zara")
    add_booking(glow, patient, consult, zara, at(local_day(3), "11:00"))

    phone.goto(clinic_url(live_server, glow, "/accounts/login/"))
    phone.get_by_label("Email").fill(user.email)
    phone.get_by_label("Password").fill(PASSWORD)
    phone.get_by_role("button", name="Sign in").click()

    phone.goto(clinic_url(live_server, glow, "/bookings/"))
    expect(phone.get_by_role("heading", name="My bookings")).to_be_visible()
    axe(phone)

    phone.goto(clinic_url(live_server, glow, "/account/"))
    expect(phone.get_by_role("heading", name="My profile")).to_be_visible()
    phone.get_by_label("Offers and news by email").check()
    phone.get_by_role("button", name="Save preferences").click()
    expect(phone.get_by_text("Your communication preferences are saved.")).to_be_visible()
    shot(phone, "profile")
    axe(phone)


def test_a_patient_copies_their_referral_link_and_a_friend_lands_on_the_invitation(
    live_server, glow, browser, axe
):
    from branding.services import features_update
    from loyalty.services import programme_upsert

    features_update(clinic=glow, referrals=True)
    programme_upsert(clinic=glow, per_referral=50, per_currency_unit=0, per_visit=0)
    user = UserFactory(email="olivia@example.com", first_name="Olivia")
    ClientAccountFactory(clinic=glow, user=user)
    context = browser.new_context(permissions=["clipboard-read", "clipboard-write"], locale="en-GB")
    page = context.new_page()
    page.goto(clinic_url(live_server, glow, "/accounts/login/"))
    page.get_by_label("Email").fill(user.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.goto(clinic_url(live_server, glow, "/referrals/"))
    page.get_by_role("button", name="Copy link").click()
    expect(page.get_by_role("status")).to_have_text("Link copied")
    link = page.evaluate("navigator.clipboard.readText()")
    assert re.search(r"/r/[A-Z0-9]+/$", link)
    axe(page)
    context.close()

    friend = browser.new_context(locale="en-GB").new_page()
    friend.goto(link)
    expect(
        friend.get_by_role("heading", name="Olivia invited you to Glow Aesthetics")
    ).to_be_visible()
    friend.get_by_role("link", name="Create your account").click()
    expect(friend.get_by_label("First name")).to_be_visible()
    axe(friend)
    friend.context.close()
