"""Orders in the portal: the shop lists the clinic's products and places an order (paid
at pick-up here: straight to the order's page; paid at order: to the payment page);
bad input shows the error and writes nothing; the order shows in My orders and in the
history beside appointments, filterable by pet at a vet; orders off: the pages are 404
and the history has no orders."""

import pytest

from branding.services import features_update
from commerce.models import Order, OrderStatus
from commerce.orders.services import order_place
from tests.factories.records import PetFactory
from tests.fixtures.clinics import host_client


def test_a_patient_orders_for_pick_up_and_sees_it_in_the_history(clinic, signed_in, patient, serum):
    features_update(clinic=clinic, orders_payment="pickup")
    shop = signed_in.get("/shop/")
    assert shop.status_code == 200 and "Vitamin C serum" in shop.content.decode()
    placed = signed_in.post("/shop/", {f"qty-{serum.pk}": "2", "note": "Friday"})
    order = Order.objects.get()
    assert placed["Location"] == f"/orders/{order.reference}/"
    assert (order.status, order.total, order.note) == (OrderStatus.PLACED, 6000, "Friday")
    page = signed_in.get(placed["Location"]).content.decode()
    assert "Received" in page and "£60.00" in page
    history = signed_in.get("/bookings/history/").content.decode()
    assert "2 × Vitamin C serum" in history
    assert "2 × Vitamin C serum" in signed_in.get("/orders/").content.decode()


@pytest.mark.usefixtures("stripe_at_localstripe")
def test_paid_at_order_the_shop_leads_to_the_payment_page(signed_in, serum):
    placed = signed_in.post("/shop/", {f"qty-{serum.pk}": "1"})
    order = Order.objects.get()
    assert placed["Location"] == f"/purchases/{order.purchase.reference}/pay/"
    assert "£30.00" in signed_in.get(placed["Location"]).content.decode()
    # Unpaid, it is listed as awaiting payment, not among the received orders.
    page = signed_in.get("/orders/").content.decode()
    assert "Awaiting payment" in page and f'data-order="{order.pk}"' not in page


def test_too_many_shows_the_error_and_writes_nothing(signed_in, serum):
    refused = signed_in.post("/shop/", {f"qty-{serum.pk}": "9"})
    assert refused.status_code == 409
    assert "Only 5 of Vitamin C serum left." in refused.content.decode()
    assert not Order.objects.exists()


def test_at_a_vet_the_orders_are_filtered_by_pet(vet_orders, owner, refill):
    features_update(clinic=vet_orders, orders_payment="pickup")
    rex, tom = PetFactory(owner=owner, name="Rex"), PetFactory(owner=owner, name="Tom")
    order_place(clinic=vet_orders, client=owner, items=[{"product": refill.pk}], pet_id=rex.pk)
    order_place(
        clinic=vet_orders,
        client=owner,
        items=[{"product": refill.pk, "quantity": 3}],
        pet_id=tom.pk,
    )
    browser = host_client(vet_orders)
    browser.force_login(owner.user)
    for_rex = browser.get(f"/orders/?pet={rex.pk}").content.decode()
    assert "1 × Carprofen" in for_rex and "3 × Carprofen" not in for_rex
    shop = browser.get("/shop/").content.decode()
    assert "Which pet is the refill for?" in shop


def test_orders_off_the_pages_are_gone(clinic, signed_in, patient, serum):
    features_update(clinic=clinic, orders_payment="pickup")
    order = order_place(clinic=clinic, client=patient, items=[{"product": serum.pk}])
    features_update(clinic=clinic, orders=False)
    for url in ("/shop/", "/orders/", f"/orders/{order.reference}/"):
        assert signed_in.get(url).status_code == 404, url
    assert "Vitamin C serum" not in signed_in.get("/bookings/history/").content.decode()


def test_another_patients_order_is_404(clinic, signed_in, serum):
    from tests.factories.clients import ClientAccountFactory

    features_update(clinic=clinic, orders_payment="pickup")
    other = ClientAccountFactory(clinic=clinic)
    order = order_place(clinic=clinic, client=other, items=[{"product": serum.pk}])
    assert signed_in.get(f"/orders/{order.reference}/").status_code == 404


def test_a_product_with_none_left_shows_sold_out_and_no_quantity_box(signed_in, serum):
    serum.stock = 0
    serum.save(update_fields=["stock"])
    page = signed_in.get("/shop/").content.decode()
    assert "Sold out" in page and f'name="qty-{serum.pk}"' not in page
    assert "0 in stock" not in page


@pytest.mark.usefixtures("stripe_at_localstripe")
def test_an_unpaid_order_is_listed_with_pay_now_and_cancel(signed_in, serum):
    signed_in.post("/shop/", {f"qty-{serum.pk}": "2"})
    order = Order.objects.get()
    page = signed_in.get("/orders/").content.decode()
    assert "Awaiting payment" in page and "2 × Vitamin C serum" in page
    assert f'href="/purchases/{order.purchase.reference}/pay/"' in page
    cancelled = signed_in.post(f"/orders/{order.reference}/cancel/")
    assert cancelled.status_code == 302 and cancelled["Location"] == "/orders/"
    assert Order.objects.get().status == OrderStatus.CANCELLED
    serum.refresh_from_db()
    assert serum.stock == 5
    assert "Pay now" not in signed_in.get("/orders/").content.decode()
