"""Orders in the staff admin: managers list products in Shop → Products (another clinic's
product 404); the desk's Shop → Orders lists the clinic's orders with filters and takes
each step (audited), a decline needs a reason; the client's Orders tab filters by pet
at a vet; the Balance tab lists every purchase with its receipt PDF."""

import pytest

from branding.services import features_update
from commerce.models import Order, OrderStatus, Product
from commerce.orders.services import order_place
from tests.factories.clients import ClientAccountFactory, MembershipFactory
from tests.factories.records import PetFactory
from tests.fixtures.clinics import admin_client_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def desk(staff_user, clinic):
    return admin_client_for(staff_user, clinic)


@pytest.fixture
def pick_up(clinic, orders_on):
    features_update(clinic=clinic, orders_payment="pickup")


def test_a_manager_lists_a_product(clinic, manager_admin, orders_on, other_clinic):
    response = manager_admin.post(
        "/admin/shop/products/new/",
        {
            "name": "Sunscreen SPF 50",
            "description": "",
            "kind": "retail",
            "price": "18.50",
            "stock": "",
            "position": "0",
            "active": "on",
        },
    )
    assert response.status_code == 302, response.context["form"].errors
    product = Product.objects.get()
    assert (product.clinic, product.price, product.stock) == (clinic, 1850, None)
    theirs = Product.objects.create(clinic=other_clinic, name="Theirs", price=1)
    assert manager_admin.get(f"/admin/shop/products/edit/{theirs.pk}/").status_code == 404
    # Medication is for vets (pets on) only.
    assert (
        'value="medication"' not in manager_admin.get("/admin/shop/products/new/").content.decode()
    )


@pytest.mark.usefixtures("pick_up")
def test_the_desk_filters_orders_and_moves_one_on(clinic, desk, patient, serum):
    order = order_place(clinic=clinic, client=patient, items=[{"product": serum.pk}])
    other = order_place(
        clinic=clinic, client=ClientAccountFactory(clinic=clinic), items=[{"product": serum.pk}]
    )
    listing = desk.get("/admin/shop/orders/").content.decode()
    assert f'data-order="{order.pk}"' in listing and f'data-order="{other.pk}"' in listing
    ready = desk.get("/admin/shop/orders/?status=ready").content.decode()
    assert f'data-order="{order.pk}"' not in ready

    desk.post(f"/admin/shop/orders/{order.pk}/ready/", {"next": "/admin/shop/orders/"})
    ready = desk.get("/admin/shop/orders/?status=ready").content.decode()
    assert f'data-order="{order.pk}"' in ready and f'data-order="{other.pk}"' not in ready

    refused = desk.post(f"/admin/shop/orders/{other.pk}/decline/", {"reason": ""}, follow=True)
    assert "Say why the order is declined" in refused.content.decode()
    assert Order.objects.get(pk=other.pk).status == OrderStatus.PLACED


def test_another_clinics_order_is_404(clinic, vet_orders, patient, serum, pick_up):
    order = order_place(clinic=clinic, client=patient, items=[{"product": serum.pk}])
    vet_desk = admin_client_for(MembershipFactory(clinic=vet_orders, role="staff").user, vet_orders)
    assert vet_desk.post(f"/admin/shop/orders/{order.pk}/ready/").status_code == 404
    assert Order.objects.get().status == OrderStatus.PLACED


def test_the_client_tab_filters_orders_by_pet(vet_orders, owner, refill):
    features_update(clinic=vet_orders, orders_payment="pickup")
    rex, tom = PetFactory(owner=owner, name="Rex"), PetFactory(owner=owner, name="Tom")
    rexs = order_place(
        clinic=vet_orders, client=owner, items=[{"product": refill.pk}], pet_id=rex.pk
    )
    toms = order_place(
        clinic=vet_orders, client=owner, items=[{"product": refill.pk}], pet_id=tom.pk
    )
    desk = admin_client_for(MembershipFactory(clinic=vet_orders, role="staff").user, vet_orders)
    page = desk.get(
        f"/admin/clinic/clients/{owner.pk}/?tab=orders&order_pet={rex.pk}"
    ).content.decode()
    assert f'data-order="{rexs.pk}"' in page and f'data-order="{toms.pk}"' not in page


def test_the_balance_tab_lists_every_purchase_with_its_receipt(
    clinic, desk, patient, bought, serum, pick_up
):
    order = order_place(clinic=clinic, client=patient, items=[{"product": serum.pk}])
    page = desk.get(f"/admin/clinic/clients/{patient.pk}/?tab=balance").content.decode()
    section = page[page.index("data-balance-purchases") :]
    assert "Package: Three consultations" in section
    assert f"/admin/shop/purchases/{bought.purchase_id}/receipt.pdf" in section
    assert f"Order {order.number}" in section and "To pay at pick-up" in section
    receipt = desk.get(f"/admin/shop/purchases/{bought.purchase_id}/receipt.pdf")
    assert receipt["Content-Type"] == "application/pdf"
