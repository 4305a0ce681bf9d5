"""Orders in the API, with the portal's rules: products (paged), placing an order (paid
at order: with the purchase to confirm; at pick-up: none), my orders (paged, by pet);
bad input names the field and writes nothing; orders off: 403 ``feature_disabled``."""

import pytest

from branding.services import features_update
from commerce.models import Order, OrderStatus, Product


@pytest.mark.usefixtures("stripe_at_localstripe")
def test_an_app_orders_and_pays(patient_api, serum):
    products = patient_api.get("/api/v1/shop/products").json()
    assert products["count"] == 1
    assert [(p["id"], p["price"], p["stock"]) for p in products["results"]] == [(serum.pk, 3000, 5)]
    placed = patient_api.post(
        "/api/v1/orders", {"items": [{"product": serum.pk, "quantity": 2}]}, format="json"
    )
    assert placed.status_code == 201, placed.json()
    body = placed.json()
    assert body["order"]["status"] == "awaiting_payment" and body["payment"]["client_secret"]
    paid = patient_api.post(
        f"/api/v1/purchases/{body['payment']['purchase']['id']}/confirm",
        {"payment_method": "success"},
    )
    assert paid.json()["status"] == "succeeded"
    mine = patient_api.get("/api/v1/orders").json()
    assert mine["count"] == 1 and mine["results"][0]["status"] == OrderStatus.PLACED
    assert mine["results"][0]["lines"][0]["quantity"] == 2


def test_paid_at_pick_up_there_is_nothing_to_confirm(clinic, patient_api, serum):
    features_update(clinic=clinic, orders_payment="pickup")
    placed = patient_api.post(
        "/api/v1/orders", {"items": [{"product": serum.pk}], "note": "Friday"}, format="json"
    )
    assert placed.status_code == 201
    assert placed.json()["payment"] is None
    assert placed.json()["order"]["status"] == "placed"


def test_bad_input_names_the_field_and_writes_nothing(patient_api, serum, other_clinic):
    theirs = Product.objects.create(clinic=other_clinic, name="Theirs", price=100)
    cases = [
        ({"items": [{"product": theirs.pk}]}, 400, "product"),
        ({"items": [{"product": serum.pk, "quantity": 6}]}, 409, "quantity"),
        ({"items": [{"product": serum.pk}], "pet": 999999}, 400, "pet"),
    ]
    for payload, status, field in cases:
        refused = patient_api.post("/api/v1/orders", payload, format="json")
        assert (refused.status_code, refused.json()["field"]) == (status, field), payload
    assert not Order.objects.exists() and Product.objects.get(pk=serum.pk).stock == 5


def test_orders_off_is_403(clinic, patient_api, serum):
    features_update(clinic=clinic, orders=False)
    for response in (
        patient_api.get("/api/v1/shop/products"),
        patient_api.get("/api/v1/orders"),
        patient_api.post("/api/v1/orders", {"items": [{"product": serum.pk}]}, format="json"),
    ):
        assert response.status_code == 403
        assert response.json()["code"] == "feature_disabled"
    assert not Order.objects.exists()


def test_a_pet_filter_that_is_not_an_id_is_refused_naming_it(patient_api, serum):
    answer = patient_api.get("/api/v1/orders", {"pet": "abc"})
    assert answer.status_code == 400
    assert (answer.json()["code"], answer.json()["field"]) == ("invalid", "pet")
