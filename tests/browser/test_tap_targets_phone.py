"""Issue 19 (trial on a 390 px phone): the visitor header's Book / Sign in / Register
(24 px), the login page's "Remember Me" (13 px) and "Forgot your password?", the booking
page's "← My bookings", receipt links, Reschedule and Cancel (24 px), the cancel page's
"Keep my appointment" (17 px), a pet's "Edit" (31 × 24) and the install banner's "Not now"
(24 px) were too small to tap. Every control on these pages is at least 44 × 44 px,
measured from the rendered boxes. (The wizard's "Change location", "Save for later" and
calendar days are measured in test_wizard_look_browser.)"""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from branding.services import features_update
from tests.factories.booking import ServiceFactory, StaffFactory
from tests.factories.clients import ClientAccountFactory, UserFactory
from tests.factories.records import PetFactory
from tests.fixtures.booking import add_booking
from tests.fixtures.browser import clinic_url, patient_sign_in, small_tap_targets
from tests.fixtures.payments import paid

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def assert_all_tappable(page, within="main"):
    small, measured = small_tap_targets(page, within)
    assert measured, f"nothing to tap in {within} on {page.url}"
    assert not small, f"under 44 × 44 px in {within} on {page.url}: {small}"


def test_header_login_booking_cancel_pets_and_install_banner_are_44px_on_a_phone(
    live_server, clinic, phone
):
    features_update(clinic=clinic, pets=True)
    service = ServiceFactory(clinic=clinic, name="Signature facial", price=8500)
    staff = StaffFactory(clinic=clinic, display_name="Zara Okafor", services=[service])
    user = UserFactory(email="ada@example.com", first_name="Ada")
    patient = ClientAccountFactory(clinic=clinic, user=user)
    PetFactory(clinic=clinic, owner=patient, name="Biscuit")
    start = timezone.now().replace(minute=0, second=0, microsecond=0) + datetime.timedelta(days=9)
    booking = add_booking(clinic, patient, service, staff, start)
    paid(booking, 1700)

    phone.goto(clinic_url(live_server, clinic, "/"))
    expect(phone.get_by_role("link", name="Register")).to_be_visible()
    assert_all_tappable(phone, "header")

    phone.goto(clinic_url(live_server, clinic, "/accounts/login/"))
    expect(phone.get_by_role("link", name="Forgot your password?")).to_be_visible()
    assert_all_tappable(phone)

    patient_sign_in(phone, live_server, clinic, user)
    phone.goto(clinic_url(live_server, clinic, f"/bookings/{booking.reference}/"))
    expect(phone.get_by_role("link", name="Reschedule")).to_be_visible()
    expect(phone.get_by_role("link", name="Deposit £17.00 (PDF)")).to_be_visible()
    assert_all_tappable(phone)

    phone.get_by_role("link", name="Cancel").click()
    expect(phone.get_by_role("link", name="Keep my appointment")).to_be_visible()
    assert_all_tappable(phone)

    # The install banner as Chrome shows it (its beforeinstallprompt event).
    phone.evaluate("window.dispatchEvent(new Event('beforeinstallprompt'))")
    expect(phone.get_by_role("button", name="Not now")).to_be_visible()
    assert_all_tappable(phone, ".install-prompt")

    phone.goto(clinic_url(live_server, clinic, "/pets/"))
    expect(phone.get_by_role("link", name="Edit")).to_be_visible()
    assert_all_tappable(phone)
