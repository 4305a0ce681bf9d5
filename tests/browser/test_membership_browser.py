"""Memberships on a phone: a patient who signed the agreement joins Glow club with a
test card and sees the month's credit; the renewal is declined (Stripe's event through
the webhook), every page shows the banner, and giving a card that pays brings the
membership back."""

import pytest
from playwright.sync_api import expect

from branding.services import features_update
from commerce.memberships.billing import default_card_set
from commerce.memberships.services import membership_stripe_event
from commerce.models import Membership, MembershipStatus
from tests.commerce.test_memberships import _get, events, renew
from tests.factories.booking import ServiceFactory
from tests.factories.clients import PASSWORD, ClientAccountFactory, UserFactory
from tests.factories.commerce import MembershipPlanFactory
from tests.factories.forms import FormTemplateFactory
from tests.fixtures.browser import clinic_url
from tests.fixtures.forms import sign

pytestmark = [
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.usefixtures("stripe_at_localstripe"),
]


@pytest.fixture
def olivia(clinic):
    features_update(clinic=clinic, memberships=True)
    facial = ServiceFactory(clinic=clinic, key="facial", name="Facial", price=6000)
    agreement = FormTemplateFactory(clinic=clinic, title="Membership agreement")
    MembershipPlanFactory(
        clinic=clinic,
        name="Glow club",
        price=3000,
        discount_percent=10,
        credits_per_period=1,
        credit_services=[facial],
        agreement=agreement,
    )
    user = UserFactory(email="olivia@example.com", first_name="Olivia")
    patient = ClientAccountFactory(clinic=clinic, user=user)
    sign(agreement, patient)
    return patient


def test_join_on_a_phone_and_fix_the_card_after_a_failed_renewal(
    live_server, clinic, olivia, localstripe, phone, shot, axe
):
    phone.goto(clinic_url(live_server, clinic, "/accounts/login/"))
    phone.get_by_label("Email").fill("olivia@example.com")
    phone.get_by_label("Password").fill(PASSWORD)
    phone.get_by_role("button", name="Sign in").click()
    expect(phone.get_by_role("heading", name="Welcome, Olivia")).to_be_visible()

    phone.get_by_role("link", name="More").click()
    phone.get_by_role("link", name="Memberships").click()
    expect(phone.get_by_role("heading", name="Memberships", exact=True)).to_be_visible()
    phone.get_by_role("link", name="Join for £30.00 a month").click()
    expect(phone.get_by_text("Membership agreement: signed.")).to_be_visible()
    axe(phone)
    shot(phone, "membership-join")
    phone.get_by_role("button", name="4242 4242 4242 4242").click()
    expect(phone.get_by_text("Welcome to Glow club.")).to_be_visible()
    expect(phone.locator("[data-credits-left]")).to_contain_text("1 credit left")

    membership = Membership.objects.get()
    default_card_set(client=olivia, payment_method="decline")
    renew(localstripe, membership)
    (failed,) = events(localstripe, "invoice.payment_failed", membership)
    invoice_id = _get(localstripe, f"/v1/events/{failed}")["data"]["object"]["id"]
    membership_stripe_event("invoice.payment_failed", invoice_id, clinic=clinic)

    phone.goto(clinic_url(live_server, clinic, "/"))
    banner = phone.locator("[data-membership-banner]")
    expect(banner).to_contain_text("Your Glow club payment did not go through")
    axe(phone)
    shot(phone, "membership-banner")
    banner.get_by_role("link", name="Update your card").click()
    phone.get_by_role("button", name="4242 4242 4242 4242").click()
    expect(phone.get_by_text("Thank you: your card is updated.")).to_be_visible()
    expect(phone.locator("[data-membership-banner]")).to_have_count(0)
    membership.refresh_from_db()
    assert membership.status == MembershipStatus.ACTIVE


def test_a_member_sees_their_plan_and_confirms_cancelling(live_server, clinic, olivia, phone, axe):
    from commerce.memberships.services import membership_join
    from commerce.models import MembershipPlan

    membership_join(
        clinic=clinic,
        client=olivia,
        plan_id=MembershipPlan.objects.get(clinic=clinic).pk,
        payment_method="success",
    )
    phone.goto(clinic_url(live_server, clinic, "/accounts/login/"))
    phone.get_by_label("Email").fill("olivia@example.com")
    phone.get_by_label("Password").fill(PASSWORD)
    phone.get_by_role("button", name="Sign in").click()
    expect(phone.get_by_role("heading", name="Welcome, Olivia")).to_be_visible()
    phone.goto(clinic_url(live_server, clinic, "/memberships/"))
    expect(phone.locator("[data-your-plan]")).to_contain_text("Your plan")
    expect(phone.get_by_role("link", name="Join for £30.00 a month")).to_have_count(0)
    phone.locator("[data-your-plan]").get_by_role("link", name="Manage your membership").click()
    phone.get_by_role("link", name="Cancel at the end of this period").click()
    expect(phone.get_by_role("heading", name="Cancel Glow club?")).to_be_visible()
    axe(phone)
    assert Membership.objects.get().cancel_at_period_end is False  # asking changed nothing
    phone.get_by_role("button", name="Yes, cancel at the end of this period").click()
    expect(phone.get_by_text("Your membership ends at the end of this period.")).to_be_visible()
    assert Membership.objects.get().cancel_at_period_end is True
