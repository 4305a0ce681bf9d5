"""Issue 19: the test card that asks for authentication (4000 0025 0000 3155) showed
"please try another card" on the purchase pay page and the payment-link page, where the
booking pay page shows the bank's 3-D Secure step. Both now show the step: a patient on a
phone fails it once (nothing charged, the package not given), then completes it and has
the package; a patient completes it on a payment link and the link is paid."""

import re

import pytest
from playwright.sync_api import expect

from booking_api.models import BookingStatus
from booking_api.services import booking_create, booking_transition
from branding.services import features_update, policy_update
from commerce.models import Package, Purchase, PurchaseStatus
from payments.models import PaymentKind, PaymentLinkStatus
from payments.pay_links import pay_link_url
from payments.services.pay_links import pay_link_create
from tests.factories.clients import PASSWORD, ClientAccountFactory, MembershipFactory, UserFactory
from tests.factories.commerce import PackagePlanFactory
from tests.fixtures.booking import MONDAY, at
from tests.fixtures.browser import clinic_url

pytestmark = [
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.usefixtures("stripe_at_localstripe"),
]

AUTHENTICATION_CARD = "4000 0025 0000 3155"


def test_a_package_bought_with_the_authentication_card_goes_through_the_banks_step(
    live_server, clinic, service, phone, axe
):
    features_update(clinic=clinic, packages=True)
    PackagePlanFactory(
        clinic=clinic, name="Three consultations", sessions=3, price=10000, services=[service]
    )
    user = UserFactory(email="olivia@example.com", first_name="Olivia")
    patient = ClientAccountFactory(clinic=clinic, user=user)
    phone.goto(clinic_url(live_server, clinic, "/accounts/login/"))
    phone.get_by_label("Email").fill(user.email)
    phone.get_by_label("Password").fill(PASSWORD)
    phone.get_by_role("button", name="Sign in").click()
    expect(phone.get_by_role("heading", name="Welcome, Olivia")).to_be_visible()

    phone.goto(clinic_url(live_server, clinic, "/packages/"))
    phone.get_by_role("button", name="Buy for £100.00").click()
    phone.get_by_role("button", name=AUTHENTICATION_CARD).click()
    expect(phone.get_by_role("heading", name="Confirm with your bank")).to_be_visible()
    expect(phone.get_by_role("alert")).to_contain_text("3-D Secure")
    axe(phone)
    phone.get_by_role("button", name="Fail authentication").click()
    expect(phone.get_by_role("alert")).to_contain_text("Your bank did not confirm this payment")
    assert Purchase.objects.get().status != PurchaseStatus.SUCCEEDED
    assert not Package.objects.filter(client=patient).exists()

    phone.get_by_role("button", name=AUTHENTICATION_CARD).click()
    phone.get_by_role("button", name="Complete authentication").click()
    expect(phone.get_by_text("Thank you: your payment went through.")).to_be_visible()
    expect(phone.locator("[data-sessions-left]")).to_contain_text("3 sessions left")
    purchase = Purchase.objects.get()
    assert (purchase.status, purchase.amount_captured) == (PurchaseStatus.SUCCEEDED, 10000)


def test_a_payment_link_paid_with_the_authentication_card_goes_through_the_banks_step(
    live_server, clinic, open_policy, service, emma, patient, phone, axe
):
    policy_update(clinic=clinic, no_show_fee_kind="fixed", no_show_fee_value=2000)
    booking = booking_create(
        clinic=clinic, client=patient, service=service, staff=emma, start=at(MONDAY, "10:00")
    )
    booking = booking_transition(
        booking=booking, to_status=BookingStatus.NO_SHOW, now=at(MONDAY, "11:00")
    )
    link = pay_link_create(
        booking=booking,
        kind=PaymentKind.NO_SHOW_FEE,
        actor=MembershipFactory(clinic=clinic, role="staff").user,
        reason="Missed appointment",
        send_by=[],
    )
    phone.goto(clinic_url(live_server, clinic, pay_link_url(link).split(clinic.site.hostname)[1]))
    phone.get_by_role("button", name=AUTHENTICATION_CARD).click()
    expect(phone.get_by_role("heading", name="Confirm with your bank")).to_be_visible()
    axe(phone)
    link.refresh_from_db()
    assert link.status != PaymentLinkStatus.PAID
    phone.get_by_role("button", name="Complete authentication").click()
    expect(phone.get_by_text(re.compile("Thank you: your payment went through"))).to_be_visible()
    link.refresh_from_db()
    assert link.status == PaymentLinkStatus.PAID
