"""Issue 19, "money that adds up", on a 390 px phone: the history shows what was paid
and nothing is wider than the screen; the cancel page says what is kept and owed."""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from booking_api.models import BookingStatus
from branding.services import policy_update
from tests.factories.booking import ServiceFactory, StaffFactory
from tests.factories.clients import PASSWORD, ClientAccountFactory, UserFactory
from tests.fixtures.booking import add_booking
from tests.fixtures.browser import clinic_url
from tests.fixtures.payments import paid

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def sign_in(page, live_server, clinic, user):
    page.goto(clinic_url(live_server, clinic, "/accounts/login/"))
    page.get_by_label("Email").fill(user.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()


def test_history_and_cancel_quote_on_a_phone(live_server, clinic, phone, shot, axe):
    policy_update(clinic=clinic, late_cancel_fee_kind="percent", late_cancel_fee_value=50)
    service = ServiceFactory(clinic=clinic, name="Signature facial with extraction", price=8500)
    staff = StaffFactory(clinic=clinic, display_name="Zara Okafor", services=[service])
    user = UserFactory(email="ada@example.com", first_name="Ada")
    patient = ClientAccountFactory(clinic=clinic, user=user)
    hour = timezone.now().replace(minute=0, second=0, microsecond=0)
    past = add_booking(
        clinic, patient, service, staff, hour - datetime.timedelta(days=9), BookingStatus.COMPLETED
    )
    paid(past, 1700)
    soon = add_booking(clinic, patient, service, staff, hour + datetime.timedelta(hours=5))
    paid(soon, 1700)

    sign_in(phone, live_server, clinic, user)
    phone.goto(clinic_url(live_server, clinic, "/bookings/history/"))
    row = phone.locator("table.history tbody tr").first
    expect(row.locator('td[data-label="Paid"]')).to_have_text("£17.00")
    expect(row).not_to_contain_text("£85.00")
    wide = phone.evaluate("document.documentElement.scrollWidth")
    assert wide <= 390, f"the history is {wide}px wide on a 390px screen"
    shot(phone, "history-phone")
    axe(phone)

    phone.goto(clinic_url(live_server, clinic, f"/bookings/{soon.reference}/cancel/"))
    quote = phone.locator(".quote")
    expect(quote).to_contain_text("A late cancellation fee of £42.50 applies.")
    expect(quote).to_contain_text("£17.00 of what you paid is kept as the fee.")
    expect(quote).to_contain_text("The remaining £25.50 is owed to the clinic.")
    expect(phone.get_by_role("button", name="Cancel with a £42.50 fee")).to_be_visible()
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    axe(phone)
