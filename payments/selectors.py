"""Reads of the payments app, clinic first."""

from dataclasses import dataclass

from django.db.models import Prefetch, Q, Sum
from django.http import Http404

from booking_api.models import Booking
from payments.models import Payment, PaymentKind, PaymentStatus, Refund, RefundStatus, SavedCard

FEE_KINDS = (PaymentKind.FEE, PaymentKind.LATE_CANCEL_FEE, PaymentKind.NO_SHOW_FEE)


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


def refund_for_client(clinic, client, pk) -> Refund:
    """The client's own refund, or 404."""
    refund = (
        Refund.objects.filter(payment__clinic=clinic, payment__booking__client=client, pk=pk)
        .select_related("payment__booking")
        .first()
    )
    if refund is None:
        raise Http404("No such refund.")
    return refund


def payments_for_booking(clinic, booking):
    return list(Payment.objects.filter(clinic=clinic, booking=booking).prefetch_related("refunds"))


def saved_cards_for_client(clinic, client) -> list[SavedCard]:
    return list(SavedCard.objects.filter(clinic=clinic, client=client))


@dataclass(frozen=True)
class BookingMoney:
    """What was paid on a booking and what is still owed (minor units)."""

    price: int
    discount: int
    captured: int  # all succeeded payments, fees included
    refunded: int
    fees: int  # captured for fees (late cancellation, no-show)
    currency: str

    @property
    def net_paid(self) -> int:
        return self.captured - self.refunded

    @property
    def balance_due(self) -> int:
        """Still owed for the visit itself; negative means the client is in credit."""
        return self.price - self.discount - (self.net_paid - self.fees)


def booking_money(booking) -> BookingMoney:
    """Two queries whatever the number of payments."""
    paid = Payment.objects.filter(booking=booking, status=PaymentStatus.SUCCEEDED)
    totals = paid.aggregate(
        captured=Sum("amount_captured"),
        fees=Sum("amount_captured", filter=Q(kind__in=FEE_KINDS)),
        discount=Sum("discount"),
    )
    refunded = (
        Refund.objects.filter(payment__in=paid)
        .exclude(status=RefundStatus.FAILED)
        .aggregate(total=Sum("amount"))["total"]
    )
    return BookingMoney(
        price=booking.price,
        discount=totals["discount"] or 0,
        captured=totals["captured"] or 0,
        refunded=refunded or 0,
        fees=totals["fees"] or 0,
        currency=booking.currency,
    )


@dataclass(frozen=True)
class ClientBalance:
    payments: list
    refunds: list
    outstanding: int  # owed on bookings that went ahead or are coming up
    credit: int  # paid beyond the price, not yet refunded
    currency: str


OWING_STATUSES = ("booked", "confirmed", "started", "completed", "no_show")


def client_balance(clinic, client) -> ClientBalance:
    """The Balance tab: every payment and refund of the client at this clinic, newest
    first, and what is outstanding or in credit. A constant number of queries."""
    payments = list(
        Payment.objects.filter(clinic=clinic, booking__client=client)
        .select_related("booking__service")
        .prefetch_related(Prefetch("refunds", queryset=Refund.objects.order_by("id")))
        .order_by("-created_at", "-id")
    )
    refunds = [r for p in payments for r in p.refunds.all()]
    refunds.sort(key=lambda r: (r.created_at, r.id), reverse=True)
    by_booking = {}
    for p in payments:
        if p.status != PaymentStatus.SUCCEEDED:
            continue
        back = sum(r.amount for r in p.refunds.all() if r.status != RefundStatus.FAILED)
        if p.kind in FEE_KINDS:
            continue
        by_booking[p.booking_id] = by_booking.get(p.booking_id, 0) + p.amount_captured - back
        by_booking.setdefault(("discount", p.booking_id), 0)
        by_booking[("discount", p.booking_id)] += p.discount
    outstanding = credit = 0
    bookings = Booking.objects.filter(clinic=clinic, client=client, status__in=OWING_STATUSES)
    for booking_id, price in bookings.values_list("pk", "price"):
        owed = price - by_booking.get(("discount", booking_id), 0) - by_booking.get(booking_id, 0)
        if owed > 0:
            outstanding += owed
        else:
            credit -= owed
    return ClientBalance(
        payments=payments,
        refunds=refunds,
        outstanding=outstanding,
        credit=credit,
        currency=clinic.currency,
    )


def attach_receipts(bookings):
    """Give each booking ``receipts``: its succeeded payments and their succeeded
    refunds, for the portal's history (two queries for any number of bookings)."""
    bookings = list(bookings)
    found = {}
    paid = (
        Payment.objects.filter(booking__in=bookings, status=PaymentStatus.SUCCEEDED)
        .prefetch_related(
            Prefetch(
                "refunds",
                queryset=Refund.objects.filter(status=RefundStatus.SUCCEEDED).order_by("id"),
            )
        )
        .order_by("id")
    )
    for payment in paid:
        found.setdefault(payment.booking_id, []).append(payment)
    for booking in bookings:
        booking.receipts = found.get(booking.pk, [])
    return bookings
