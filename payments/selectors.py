"""Reads of the payments app, clinic first."""

from django.http import Http404

from payments.models import Payment


def payment_for_client(clinic, client, pk) -> Payment:
    """The client's own payment, or 404."""
    payment = (
        Payment.objects.filter(clinic=clinic, booking__client=client, pk=pk)
        .select_related("booking")
        .first()
    )
    if payment is None:
        raise Http404("No such payment.")
    return payment


def payments_for_booking(clinic, booking):
    return list(Payment.objects.filter(clinic=clinic, booking=booking).prefetch_related("refunds"))
