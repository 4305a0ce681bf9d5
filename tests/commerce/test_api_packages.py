"""The shop API gives the apps what the portal does, with the same rules: plans, buying
with a test card (localstripe), the patient's packages and history, the options for a
service, booking on a session only when sent, purchases and receipts; the toggle off is
403 ``feature_disabled``; another patient's purchase is 404."""

import pytest
from rest_framework.test import APIClient

from booking_api.models import Booking
from branding.services import features_update
from commerce.models import Package
from commerce.packages.selectors import package_balance
from tests.factories.clients import ClientAccountFactory
from tests.fixtures.booking import MONDAY, at
from tests.fixtures.clinics import host_client

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("open_policy")]


@pytest.mark.usefixtures("stripe_at_localstripe")
def test_an_app_buys_a_package(patient_api, plan):
    plans = patient_api.get("/api/v1/packages/plans").json()["results"]
    assert [(p["id"], p["sessions"], p["price"]) for p in plans] == [(plan.pk, 3, 10000)]
    started = patient_api.post(f"/api/v1/packages/plans/{plan.pk}/buy")
    assert started.status_code == 201, started.json()
    body = started.json()
    assert body["client_secret"] and "success" in body["test_cards"]
    purchase_id = body["purchase"]["id"]

    declined = patient_api.post(
        f"/api/v1/purchases/{purchase_id}/confirm", {"payment_method": "decline_generic"}
    )
    assert declined.status_code == 402
    assert (declined.json()["code"], declined.json()["field"]) == (
        "card_declined",
        "payment_method",
    )
    paid = patient_api.post(
        f"/api/v1/purchases/{purchase_id}/confirm", {"payment_method": "success"}
    )
    assert paid.json()["status"] == "succeeded"

    (mine,) = patient_api.get("/api/v1/packages").json()["results"]
    assert (mine["sessions_left"], mine["ref"]) == (
        3,
        f"commerce:package:{Package.objects.get().pk}",
    )
    assert [p["id"] for p in patient_api.get("/api/v1/purchases").json()["results"]] == [
        purchase_id
    ]
    receipt = patient_api.get(f"/api/v1/purchases/{purchase_id}/receipt.pdf")
    assert receipt.content.startswith(b"%PDF")


def test_booking_on_a_session_only_when_sent(patient_api, service, emma, bought):
    options = patient_api.get(f"/api/v1/packages/options?service={service.pk}").json()["results"]
    assert [o["ref"] for o in options] == [f"commerce:package:{bought.pk}"]
    start = at(MONDAY, "10:00").isoformat()
    plain = patient_api.post(
        "/api/v1/bookings", {"service": service.pk, "staff": emma.pk, "start": start}
    )
    assert plain.status_code == 201 and package_balance(bought) == 3
    covered = patient_api.post(
        "/api/v1/bookings",
        {
            "service": service.pk,
            "staff": emma.pk,
            "start": at(MONDAY, "11:00").isoformat(),
            "package": options[0]["ref"],
        },
    )
    assert covered.status_code == 201 and covered.json()["price"] == 0
    assert package_balance(bought) == 2
    history = patient_api.get(f"/api/v1/packages/{bought.pk}/history").json()["results"]
    assert [e["kind"] for e in history] == ["use", "grant"]


def test_a_bad_package_names_the_field_and_books_nothing(clinic, service, emma, bought):
    stranger = ClientAccountFactory(clinic=clinic)
    api = host_client(clinic, APIClient)
    api.force_authenticate(stranger.user)
    response = api.post(
        "/api/v1/bookings",
        {
            "service": service.pk,
            "staff": emma.pk,
            "start": at(MONDAY, "10:00").isoformat(),
            "package": f"commerce:package:{bought.pk}",
        },
    )
    assert response.status_code == 400
    assert (response.json()["field"], response.json()["code"]) == ("package", "package_unusable")
    assert not Booking.objects.exists() and package_balance(bought) == 3
    assert api.get(f"/api/v1/purchases/{bought.purchase_id}").status_code == 404
    assert api.get(f"/api/v1/packages/{bought.pk}/history").status_code == 404


def test_the_toggle_off_is_403_feature_disabled(clinic, patient_api, bought):
    features_update(clinic=clinic, packages=False)
    for url in (
        "/api/v1/packages/plans",
        "/api/v1/packages",
        f"/api/v1/packages/{bought.pk}/history",
    ):
        response = patient_api.get(url)
        assert (response.status_code, response.json()["code"]) == (403, "feature_disabled"), url
