"""Packages in the portal: bought with a test card (localstripe), listed with sessions
left and history, offered at the booking wizard's confirm step only as a choice, the
purchase in the history with its receipt; the pages gone with the toggle off; another
patient's purchase out of reach."""

import pytest

from booking_api.models import Booking
from branding.services import features_update
from commerce.models import Package, Purchase
from commerce.packages.selectors import package_balance
from commerce.packages.services import package_sell
from tests.factories.clients import ClientAccountFactory
from tests.factories.commerce import PackagePlanFactory
from tests.fixtures.booking import at, local_day
from tests.fixtures.clinics import host_client

pytestmark = pytest.mark.django_db


@pytest.fixture
def facials(clinic, skin_consult, packages_on):
    return PackagePlanFactory(
        clinic=clinic,
        name="Three consultations",
        sessions=3,
        price=10000,
        validity_days=90,
        services=[skin_consult],
    )


@pytest.fixture
def my_package(clinic, patient, facials, manager):
    return package_sell(
        method="cash", clinic=clinic, client=patient, plan_id=facials.pk, actor=manager
    )


def confirm(client, service, staff, start, **extra):
    return client.post(
        "/book/confirm/",
        {"service": service.pk, "staff": staff.pk, "t": int(start.timestamp()), **extra},
    )


@pytest.mark.usefixtures("stripe_at_localstripe")
def test_a_patient_buys_a_package_with_a_test_card(signed_in, patient, facials):
    page = signed_in.get("/packages/")
    assert page.status_code == 200 and "Three consultations" in page.content.decode()
    response = signed_in.post(f"/packages/{facials.pk}/buy/")
    assert response.status_code == 302 and "/purchases/" in response["Location"]
    pay = signed_in.get(response["Location"])
    assert "4242 4242 4242 4242" in pay.content.decode()

    declined = signed_in.post(response["Location"], {"card": "decline_generic"})
    assert declined.status_code == 402 and not Package.objects.exists()
    paid = signed_in.post(response["Location"], {"card": "success"})
    assert paid.status_code == 302 and paid["Location"] == "/packages/"

    page = signed_in.get("/packages/").content.decode()
    assert "3 sessions left" in page
    purchase = Purchase.objects.get()
    assert f"/purchases/{purchase.reference}/receipt.pdf" in page
    receipt = signed_in.get(f"/purchases/{purchase.reference}/receipt.pdf")
    assert receipt["Content-Type"] == "application/pdf" and receipt.content.startswith(b"%PDF")


def test_the_wizard_offers_the_session_and_uses_it_only_when_chosen(
    signed_in, skin_consult, portal_emma, my_package
):
    start = at(local_day(4), "11:30")
    query = f"?service={skin_consult.pk}&staff={portal_emma.pk}&t={int(start.timestamp())}"
    page = signed_in.get(f"/book/confirm/{query}").content.decode()
    assert "Use a session of your package?" in page and "No, pay as usual" in page

    confirm(signed_in, skin_consult, portal_emma, start)  # not chosen: paid as usual
    assert Booking.objects.get().price == skin_consult.price
    assert package_balance(my_package) == 3

    later = at(local_day(4), "13:00")
    confirm(
        signed_in, skin_consult, portal_emma, later, package=f"commerce:package:{my_package.pk}"
    )
    assert Booking.objects.get(start=later).price == 0
    assert package_balance(my_package) == 2


def test_another_patients_package_cannot_be_chosen(clinic, skin_consult, portal_emma, my_package):
    stranger = ClientAccountFactory(clinic=clinic)
    browser = host_client(clinic)
    browser.force_login(stranger.user)
    start = at(local_day(4), "11:30")
    response = confirm(
        browser, skin_consult, portal_emma, start, package=f"commerce:package:{my_package.pk}"
    )
    assert response.status_code == 200  # the form again, with the choice refused
    assert not Booking.objects.exists() and package_balance(my_package) == 3


def test_history_lists_the_purchase_and_receipts_are_the_owners_only(clinic, signed_in, my_package):
    purchase = my_package.purchase
    history = signed_in.get("/bookings/history/").content.decode()
    assert "Three consultations" in history and str(purchase.reference) in history
    stranger = ClientAccountFactory(clinic=clinic)
    browser = host_client(clinic)
    browser.force_login(stranger.user)
    assert browser.get(f"/purchases/{purchase.reference}/receipt.pdf").status_code == 404


def test_the_toggle_off_hides_the_pages_and_the_choice(
    clinic, signed_in, skin_consult, portal_emma, my_package
):
    features_update(clinic=clinic, packages=False)
    assert signed_in.get("/packages/").status_code == 404
    assert "/packages/" not in signed_in.get("/bookings/").content.decode()
    start = at(local_day(4), "11:30")
    query = f"?service={skin_consult.pk}&staff={portal_emma.pk}&t={int(start.timestamp())}"
    assert "Use a session" not in signed_in.get(f"/book/confirm/{query}").content.decode()


@pytest.mark.usefixtures("stripe_at_localstripe")
def test_a_saved_card_pays_for_a_package_and_anothers_card_is_404(
    clinic, signed_in, patient, facials, stripe_proxy
):
    from tests.commerce.test_installments import saved_card

    mine = saved_card(patient)
    theirs = saved_card(ClientAccountFactory(clinic=clinic))
    pay_url = signed_in.post(f"/packages/{facials.pk}/buy/")["Location"]
    page = signed_in.get(pay_url).content.decode()
    assert "Pay with a saved card" in page and "•••• 4242" in page
    assert f'value="{theirs.pk}"' not in page

    sent_before = len(stripe_proxy.sent("POST", "/v1/payment_intents"))
    refused = signed_in.post(pay_url, {"saved_card": theirs.pk})
    assert refused.status_code == 404 and not Package.objects.exists()
    assert len(stripe_proxy.sent("POST", "/v1/payment_intents")) == sent_before

    paid = signed_in.post(pay_url, {"saved_card": mine.pk})
    assert paid.status_code == 302 and paid["Location"] == "/packages/"
    assert Package.objects.get().client == patient
