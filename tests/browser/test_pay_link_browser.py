"""A patient pays a no-show fee from the payment link on their phone, without signing
in (issue 12), against localstripe's test cards."""

import pytest
from playwright.sync_api import expect

from booking_api.models import BookingStatus
from booking_api.services import booking_create, booking_transition
from branding.services import policy_update
from payments.models import PaymentKind, PaymentLinkStatus
from payments.pay_links import pay_link_url
from payments.services.pay_links import pay_link_create
from tests.factories.clients import MembershipFactory
from tests.fixtures.booking import MONDAY, at
from tests.fixtures.browser import clinic_url

pytestmark = [
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.usefixtures("stripe_at_localstripe"),
]


AUTHENTICATION_CARD = "4000 0025 0000 3155"


@pytest.fixture
def no_show_link(clinic, open_policy, service, emma, patient):
    """A £20.00 no-show fee's payment link (not sent)."""
    policy_update(clinic=clinic, no_show_fee_kind="fixed", no_show_fee_value=2000)
    booking = booking_create(
        clinic=clinic, client=patient, service=service, staff=emma, start=at(MONDAY, "10:00")
    )
    booking = booking_transition(
        booking=booking, to_status=BookingStatus.NO_SHOW, now=at(MONDAY, "11:00")
    )
    staff = MembershipFactory(clinic=clinic, role="staff").user
    return pay_link_create(
        booking=booking,
        kind=PaymentKind.NO_SHOW_FEE,
        actor=staff,
        reason="Missed appointment",
        send_by=[],
    )


def open_link(page, live_server, clinic, link):
    path = pay_link_url(link).split(clinic.site.hostname, 1)[1]
    page.goto(clinic_url(live_server, clinic, path))  # not signed in


def test_the_patient_pays_a_no_show_fee_from_the_link_on_their_phone(
    live_server, clinic, no_show_link, phone, axe
):
    link = no_show_link
    open_link(phone, live_server, clinic, link)
    expect(phone.get_by_role("heading", name=f"Payment to {clinic.name}")).to_be_visible()
    expect(phone.locator("[data-amount]")).to_have_text("£20.00")
    axe(phone)
    phone.get_by_role("button", name="4242 4242 4242 4242").click()
    expect(phone.get_by_text("Thank you: your payment went through.")).to_be_visible()
    link.refresh_from_db()
    assert link.status == PaymentLinkStatus.PAID


def test_a_payment_link_paid_with_the_authentication_card_goes_through_the_banks_step(
    live_server, clinic, no_show_link, phone, axe
):
    """Issue 19: the card that asks for authentication said "please try another card"
    here, where the booking pay page shows the bank's 3-D Secure step; now it shows it."""
    link = no_show_link
    open_link(phone, live_server, clinic, link)
    phone.get_by_role("button", name=AUTHENTICATION_CARD).click()
    expect(phone.get_by_role("heading", name="Confirm with your bank")).to_be_visible()
    axe(phone)
    link.refresh_from_db()
    assert link.status != PaymentLinkStatus.PAID
    phone.get_by_role("button", name="Complete authentication").click()
    expect(phone.get_by_text("Thank you: your payment went through.")).to_be_visible()
    link.refresh_from_db()
    assert link.status == PaymentLinkStatus.PAID
