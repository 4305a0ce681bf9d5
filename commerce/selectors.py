"""Reads of purchases, clinic first."""

from django.db.models import Prefetch
from django.http import Http404

from commerce.models import Purchase, PurchaseRefund, PurchaseStatus


def client_purchases(clinic, client, *, paid_only=False):
    """The client's purchases, newest first, with their refunds and installments (three
    queries)."""
    purchases = Purchase.objects.filter(clinic=clinic, client=client)
    if paid_only:
        purchases = purchases.filter(status=PurchaseStatus.SUCCEEDED)
    return list(
        purchases.select_related("installment_plan", "actor").prefetch_related(
            Prefetch("refunds", queryset=PurchaseRefund.objects.order_by("id")),
            "installment_plan__installments",
        )
    )


def purchase_for_client(clinic, client, reference=None, pk=None) -> Purchase:
    """The client's own purchase (by reference or id), or 404."""
    purchases = Purchase.objects.filter(clinic=clinic, client=client)
    purchase = (
        purchases.filter(reference=reference) if reference else purchases.filter(pk=pk)
    ).first()
    if purchase is None:
        raise Http404("No such purchase.")
    return purchase


def purchase_for_staff(clinic, pk) -> Purchase:
    purchase = Purchase.objects.filter(clinic=clinic, pk=pk).select_related("client").first()
    if purchase is None:
        raise Http404("No such purchase.")
    return purchase
