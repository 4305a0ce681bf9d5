"""The portal's orders: the clinic's products (a quantity for each, the pet a refill is
for at a vet), placing the order (paid online at once, or at pick-up, as the clinic
says), the patient's orders and one order's page. Every rule is in
``commerce.orders``; these views only show and collect. Orders off: 404."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from branding.errors import DomainError
from branding.selectors import feature_enabled, feature_option
from commerce.models import OrderPayment
from commerce.orders.selectors import (
    client_orders,
    client_orders_awaiting_payment,
    order_for_client,
    products_on_sale,
)
from commerce.orders.services import order_place
from commerce.orders.unpaid import order_cancel_unpaid
from people.models import Pet
from people.services import client_account_ensure
from portal_pages.access import feature_required, signed_in


def _client(request):
    return client_account_ensure(clinic=request.clinic, user=request.user)


def _pets(request, client):
    if not feature_enabled(request.clinic, "pets"):
        return []
    return list(Pet.objects.active().filter(clinic=request.clinic, owner=client))


def _items(post):
    """``qty-<product id>`` fields with a quantity above zero → service items."""
    items = []
    for name, value in post.items():
        if name.startswith("qty-") and value.strip() not in ("", "0"):
            items.append({"product": name[4:], "quantity": value.strip()})
    return items


@feature_required("orders")
@signed_in
def shop_page(request):
    clinic, client = request.clinic, _client(request)
    products = list(products_on_sale(clinic))
    for product in products:
        product.posted_quantity = request.POST.get(f"qty-{product.pk}", "")
    pets = _pets(request, client)
    error = None
    if request.method == "POST":
        try:
            order = order_place(
                clinic=clinic,
                client=client,
                items=_items(request.POST),
                pet_id=request.POST.get("pet") or None,
                note=request.POST.get("note", ""),
            )
        except DomainError as exc:
            error = exc
        else:
            if order.payment == OrderPayment.AT_ORDER:
                return redirect("portal:purchase_pay", reference=order.purchase.reference)
            messages.success(request, _("Thank you: we received your order."))
            return redirect("portal:order_detail", reference=order.reference)
    return render(
        request,
        "commerce/portal/shop.html",
        {
            "products": products,
            "pets": pets,
            "refills": any(p.is_refill for p in products),
            "error": error,
            "posted": request.POST,
            "pays_at_pickup": _pays_at_pickup(clinic),
        },
        status=error.status if error else 200,
    )


def _pays_at_pickup(clinic):
    return feature_option(clinic, "orders_payment") == OrderPayment.AT_PICKUP


@feature_required("orders")
@signed_in
def orders_page(request):
    clinic, client = request.clinic, _client(request)
    pets = _pets(request, client)
    pet = next((p for p in pets if str(p.pk) == request.GET.get("pet", "")), None)
    return render(
        request,
        "commerce/portal/orders.html",
        {
            "orders": client_orders(clinic, client, pet=pet),
            "awaiting": client_orders_awaiting_payment(clinic, client),
            "pets": pets,
            "pet": pet,
        },
    )


@feature_required("orders")
@signed_in
@require_POST
def order_cancel(request, reference):
    """The patient gives up an order they have not paid for (its stock goes back)."""
    try:
        order_cancel_unpaid(
            clinic=request.clinic, client=_client(request), reference=reference, request=request
        )
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Order cancelled."))
    return redirect("portal:orders")


@feature_required("orders")
@signed_in
def order_detail(request, reference):
    order = order_for_client(request.clinic, _client(request), reference)
    return render(request, "commerce/portal/order.html", {"order": order})
