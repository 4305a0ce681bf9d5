"""Issue 19: the test card that asks for authentication (4000 0025 0000 3155) showed
"please try another card" on the purchase pay page (packages, gift cards, orders), where
the booking pay page shows the bank's 3-D Secure step. Now it shows the step: a patient
on a phone fails it once (nothing charged, the package not given), then completes it and
has the package. (The payment link's: tests/browser/test_pay_link_browser.py.)"""

import pytest
from playwright.sync_api import expect

from commerce.models import Package, Purchase, PurchaseStatus
from tests.fixtures.browser import clinic_url, patient_sign_in

pytestmark = [
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.usefixtures("stripe_at_localstripe"),
]

AUTHENTICATION_CARD = "4000 0025 0000 3155"


def test_a_package_bought_with_the_authentication_card_goes_through_the_banks_step(
    live_server, clinic, plan, patient, phone, axe
):
    patient_sign_in(phone, live_server, clinic, patient.user)

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
