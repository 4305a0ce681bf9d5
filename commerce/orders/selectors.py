"""Reads of products and orders, clinic first."""

from django.db.models import Prefetch, Q
from django.http import Http404

from commerce.models import Order, OrderLine, OrderStatus, Product

LINES = Prefetch("lines", queryset=OrderLine.objects.order_by("id"))


def products_on_sale(clinic):
    return Product.objects.filter(clinic=clinic, active=True).select_related("photo")


def client_orders(clinic, client, *, pet=None):
    """The client's orders, newest first, with lines (an unpaid pay-at-order order is
    not listed to the patient until paid; staff see it)."""
    orders = Order.objects.filter(clinic=clinic, client=client).exclude(
        status=OrderStatus.AWAITING_PAYMENT
    )
    if pet is not None:
        orders = orders.filter(pet=pet)
    return orders.select_related("pet", "purchase").prefetch_related(LINES)


def client_orders_awaiting_payment(clinic, client):
    """The client's pay-at-order orders not paid yet (open until paid, cancelled by
    them, or cancelled by the worker after 30 minutes), newest first."""
    return (
        Order.objects.filter(clinic=clinic, client=client, status=OrderStatus.AWAITING_PAYMENT)
        .select_related("purchase")
        .prefetch_related(LINES)
    )


def order_for_client(clinic, client, reference) -> Order:
    order = (
        Order.objects.filter(clinic=clinic, client=client, reference=reference)
        .select_related("pet", "purchase")
        .prefetch_related(LINES)
        .first()
    )
    if order is None:
        raise Http404("No such order.")
    return order


def orders_for_staff(clinic, *, status="", kind="", query=""):
    """The clinic's orders for the admin list: by status, refills only or not, and by
    the client's name or email."""
    orders = Order.objects.filter(clinic=clinic)
    if status:
        orders = orders.filter(status=status)
    if kind == "refill":
        orders = orders.filter(needs_approval=True)
    elif kind == "retail":
        orders = orders.filter(needs_approval=False)
    if query:
        orders = orders.filter(
            Q(client__user__email__icontains=query)
            | Q(client__user__first_name__icontains=query)
            | Q(client__user__last_name__icontains=query)
        )
    return orders.select_related("client__user", "pet", "purchase").prefetch_related(LINES)
