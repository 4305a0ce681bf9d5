"""Reads of the payments app, clinic first."""

from dataclasses import asdict, dataclass

from django.db.models import (
    F,
    Max,
    Prefetch,
    Q,
    Sum,
)
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from booking_api.lifecycle import (
    CANCELLED_STATUSES,
    CONFIRMED_STATUSES,
    OWING_STATUSES,
    BookingStatus,
)
from booking_api.models import Booking, BookingEvent
from branding.models import PaymentMode
from branding.money import format_money
from branding.selectors import clinic_policy
from payments.models import (
    CardSetup,
    CardSetupStatus,
    Payment,
    PaymentKind,
    PaymentLinkStatus,
    PaymentStatus,
    Refund,
    RefundStatus,
    SavedCard,
)

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


def paid_payments_for_client(clinic, client):
    """The client's succeeded payments at ``clinic``, newest first, each with its
    succeeded refunds (``paid_refunds``): what has a receipt."""
    return (
        Payment.objects.filter(
            clinic=clinic, booking__client=client, status=PaymentStatus.SUCCEEDED
        )
        .select_related("booking__service")
        .prefetch_related(
            Prefetch(
                "refunds",
                queryset=Refund.objects.filter(status=RefundStatus.SUCCEEDED).order_by("id"),
                to_attr="paid_refunds",
            )
        )
        .order_by("-succeeded_at", "-id")
    )


def payments_for_booking(clinic, booking):
    return list(
        Payment.objects.filter(clinic=clinic, booking=booking)
        .select_related("actor")
        .prefetch_related("refunds")
    )


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
    # The visit is owed (it went or is going ahead, or was missed: OWING_STATUSES); a
    # cancelled or refunded booking owes nothing for it.
    owes_visit: bool = True
    # Captured at the desk beyond the visit: tips and products sold with it.
    other: int = 0

    @property
    def net_paid(self) -> int:
        return self.captured - self.refunded

    @property
    def balance_due(self) -> int:
        """Still owed for the visit itself; negative means the client is in credit. A
        cancelled or refunded booking owes none: what the clinic kept of it is its
        decision (the refundable amount shows what could still go back)."""
        if not self.owes_visit:
            return 0
        return self.price - self.discount - (self.net_paid - self.fees - self.other)


def booking_money(booking) -> BookingMoney:
    """Two queries whatever the number of payments."""
    paid = Payment.objects.filter(booking=booking, status=PaymentStatus.SUCCEEDED)
    totals = paid.aggregate(
        captured=Sum("amount_captured"),
        fees=Sum("amount_captured", filter=Q(kind__in=FEE_KINDS)),
        discount=Sum("discount"),
        other=Sum(F("tip") + F("extras")),
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
        owes_visit=booking.status in OWING_STATUSES,
        other=totals["other"] or 0,
    )


@dataclass(frozen=True)
class ClientBalance:
    payments: list
    refunds: list
    outstanding: int  # owed on bookings that went ahead or are coming up
    credit: int  # paid beyond the price, not yet refunded
    currency: str


def link_paid_since(booking, since) -> int:
    """What the booking's balance links paid since ``since`` captured (minor units; a
    link sent from the desk checkout and paid while it was open). One query."""
    return (
        Payment.objects.filter(
            booking=booking,
            status=PaymentStatus.SUCCEEDED,
            link__status=PaymentLinkStatus.PAID,
            link__kind=PaymentKind.BALANCE,
            succeeded_at__gte=since,
        ).aggregate(total=Sum("amount_captured"))["total"]
        or 0
    )


def client_balance_totals(clinic, client) -> tuple[int, int]:
    """``(outstanding, credit)`` of the client at this clinic: for each booking that went
    ahead or is coming up, its price less the discounts and what its succeeded payments
    (fees aside) captured net of their refunds (failed ones aside); what is owed adds to
    the outstanding, what is paid beyond to the credit. Three queries, the sums made by
    the database per booking (no payment or refund is loaded)."""
    paid = (
        Payment.objects.filter(
            clinic=clinic, booking__client=client, status=PaymentStatus.SUCCEEDED
        )
        .exclude(kind__in=FEE_KINDS)
        .order_by()
        .values("booking_id")
        .annotate(
            captured=Sum("amount_captured"),
            discount=Sum("discount"),
            other=Sum(F("tip") + F("extras")),
        )
    )
    refunded = dict(
        Refund.objects.filter(
            payment__clinic=clinic,
            payment__booking__client=client,
            payment__status=PaymentStatus.SUCCEEDED,
        )
        .exclude(payment__kind__in=FEE_KINDS)
        .exclude(status=RefundStatus.FAILED)
        .order_by()
        .values("payment__booking_id")
        .annotate(total=Sum("amount"))
        .values_list("payment__booking_id", "total")
    )
    net = {
        row["booking_id"]: row["captured"]
        + row["discount"]
        - row["other"]
        - refunded.get(row["booking_id"], 0)
        for row in paid
    }
    outstanding = credit = 0
    bookings = Booking.objects.filter(clinic=clinic, client=client, status__in=OWING_STATUSES)
    for booking_id, price in bookings.order_by().values_list("pk", "price"):
        owed = price - net.get(booking_id, 0)
        if owed > 0:
            outstanding += owed
        else:
            credit -= owed
    return outstanding, credit


def client_balance(clinic, client) -> ClientBalance:
    """Every payment and refund of the client at this clinic, newest first, and what is
    outstanding or in credit (``client_balance_totals``)."""
    payments = list(
        Payment.objects.filter(clinic=clinic, booking__client=client)
        .select_related("booking__service")
        .prefetch_related(Prefetch("refunds", queryset=Refund.objects.order_by("id")))
        .order_by("-created_at", "-id")
    )
    refunds = [r for p in payments for r in p.refunds.all()]
    refunds.sort(key=lambda r: (r.created_at, r.id), reverse=True)
    outstanding, credit = client_balance_totals(clinic, client)
    return ClientBalance(
        payments=payments,
        refunds=refunds,
        outstanding=outstanding,
        credit=credit,
        currency=clinic.currency,
    )


def client_payments_page(clinic, client, *, page=1, per_page=25):
    """One page of the client's payments at this clinic, newest first (with booking and
    service), and whether there are older ones. One query."""
    offset = (max(1, page) - 1) * per_page
    rows = list(
        Payment.objects.filter(clinic=clinic, booking__client=client)
        .select_related("booking__service")
        .order_by("-created_at", "-id")[offset : offset + per_page + 1]
    )
    return rows[:per_page], len(rows) > per_page


def client_refunds_page(clinic, client, *, page=1, per_page=25):
    """One page of the client's refunds at this clinic, newest first, and whether there
    are older ones. One query."""
    offset = (max(1, page) - 1) * per_page
    rows = list(
        Refund.objects.filter(payment__clinic=clinic, payment__booking__client=client)
        .select_related("payment")
        .order_by("-created_at", "-id")[offset : offset + per_page + 1]
    )
    return rows[:per_page], len(rows) > per_page


def attach_receipts(bookings):
    """Give each booking ``receipts`` (its succeeded payments and their succeeded
    refunds, each payment with ``cancelled_at``: when its booking was cancelled since,
    or None) and ``paid`` (what those payments captured less those refunds, minor
    units), for the portal's history (two queries for any number of bookings, a third
    when one of them with a receipt was cancelled)."""
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
    cancelled = bookings_cancelled_at(
        [b.pk for b in bookings if b.status in CANCELLED_STATUSES and b.pk in found]
    )
    for booking in bookings:
        booking.receipts = found.get(booking.pk, [])
        for payment in booking.receipts:  # what changed since its receipt was issued
            payment.cancelled_at = cancelled.get(booking.pk)
        # What the patient paid for it, refunds taken off (the history's "Paid").
        booking.paid = sum(
            p.amount_captured - sum(r.amount for r in p.refunds.all()) for p in booking.receipts
        )
    return bookings


def bookings_cancelled_at(booking_ids) -> dict:
    """``{booking id: when it was cancelled}`` for those of ``booking_ids`` that were
    (the last cancellation, if it was ever cancelled twice); one query, none for none."""
    if not booking_ids:
        return {}
    return dict(
        BookingEvent.objects.filter(
            booking_id__in=booking_ids, kind="status", to_status=BookingStatus.CANCELLED
        )
        .order_by()
        .values("booking_id")
        .annotate(last=Max("at"))
        .values_list("booking_id", "last")
    )


def receipt_changes(payment) -> tuple:
    """What happened to a payment's booking after the receipt was issued, for the line
    its receipt adds: ``(cancelled_at, refunds)`` — when the booking was cancelled and
    the payment's refunds that have their own receipt — or ``(None, [])`` for a booking
    that was not cancelled."""
    if payment.booking.status not in CANCELLED_STATUSES:
        return None, []
    cancelled_at = bookings_cancelled_at([payment.booking_id]).get(payment.booking_id)
    if cancelled_at is None:  # refunded by staff, never cancelled: the refund's receipt says it
        return None, []
    refunds = list(payment.refunds.filter(status=RefundStatus.SUCCEEDED).order_by("id"))
    return cancelled_at, refunds


# --- what is due ---------------------------------------------------------------------


@dataclass(frozen=True)
class CheckoutQuote:
    mode: str
    kind: str  # the Payment kind charged now, "" when nothing is
    price: int
    discount: int  # a reward the patient chose (the loyalty app fills this seam)
    deposit: int
    due_now: int
    balance_later: int
    currency: str

    def as_dict(self):
        return asdict(self)


def payment_holds_voucher(payment_id, voucher_ref) -> bool:
    """Whether payment ``payment_id`` still carries ``voucher_ref`` and has used it or may
    still use it: it succeeded, or it is open on a booking still held for payment. A
    payment cancelled or failed, moved to another voucher, or whose booking was cancelled
    holds nothing (one query). For discount providers deciding whether a voucher's
    reservation stands."""
    payment = (
        Payment.objects.filter(pk=payment_id, voucher_ref=voucher_ref)
        .values("status", "booking__status")
        .first()
    )
    if payment is None:
        return False
    if payment["status"] == PaymentStatus.SUCCEEDED:
        return True
    return (
        payment["status"]
        in (PaymentStatus.PENDING, PaymentStatus.REQUIRES_ACTION, PaymentStatus.PROCESSING)
        and payment["booking__status"] == BookingStatus.PENDING_PAYMENT
    )


def checkout_quote(booking, *, discount=0) -> CheckoutQuote:
    """What the patient pays now and later under the clinic's payment mode."""
    policy = clinic_policy(booking.clinic)
    mode = policy.payment_mode
    total = max(booking.price - discount, 0)
    deposit = booking.deposit
    if not deposit and mode == PaymentMode.DEPOSIT and policy.deposit_percent:
        deposit = total * policy.deposit_percent // 100
    deposit = min(deposit, total)
    if mode == PaymentMode.DEPOSIT and deposit:
        kind, due = PaymentKind.DEPOSIT, deposit
    elif mode == PaymentMode.FULL and total:
        kind, due = PaymentKind.FULL, total
    else:  # no online payment, or card on file (charged later)
        kind, due = "", 0
    return CheckoutQuote(
        mode=mode,
        kind=kind,
        price=booking.price,
        discount=discount,
        deposit=deposit if kind == PaymentKind.DEPOSIT else 0,
        due_now=due,
        balance_later=total - due,
        currency=booking.currency,
    )


def payment_hold_minutes(clinic) -> int | None:
    """How long a booking waits for payment, or None when this clinic takes none online."""
    policy = clinic_policy(clinic)
    if policy.payment_mode in (PaymentMode.DEPOSIT, PaymentMode.FULL):
        return policy.payment_hold_minutes
    return None


def hold_minutes_left(booking, now=None) -> int:
    """Whole minutes (rounded up) before the booking's payment hold runs out."""
    if not booking.hold_expires_at:
        return 0
    seconds = (booking.hold_expires_at - (now or timezone.now())).total_seconds()
    return max(0, -int(-seconds // 60))


def checkout_mode(booking) -> str:
    """What the portal's checkout step does for this booking: "pay" (a held booking at a
    clinic taking a deposit or full payment), "save_card" (card on file, no card saved
    for it yet) or "" (nothing to do)."""
    policy = clinic_policy(booking.clinic)
    if booking.status == BookingStatus.PENDING_PAYMENT:
        return "pay"
    if policy.payment_mode == PaymentMode.CARD_ON_FILE and booking.status in CONFIRMED_STATUSES:
        saved = CardSetup.objects.filter(booking=booking, status=CardSetupStatus.SUCCEEDED).exists()
        return "" if saved else "save_card"
    return ""


# --- what can still be refunded --------------------------------------------------------


def payment_refunded(payment) -> int:
    return (
        payment.refunds.exclude(status=RefundStatus.FAILED).aggregate(total=Sum("amount"))["total"]
        or 0
    )


def payment_refundable(payment) -> int:
    if payment.status != PaymentStatus.SUCCEEDED:
        return 0
    return payment.amount_captured - payment_refunded(payment)


def booking_refundable(booking) -> int:
    """What can still be given back on the booking (all its succeeded payments)."""
    paid = booking.payments.filter(status=PaymentStatus.SUCCEEDED)
    return sum(payment_refundable(p) for p in paid)


def paid_for_visit(booking) -> tuple[int, bool]:
    """What the client paid for the visit and still has paid (fees aside, refunds
    taken off), and whether the clinic holds a card it may charge: the numbers
    booking_api's cancellation quote splits into kept, refunded and still to pay
    (registered with ``register_paid_provider``)."""
    if booking.pk is None:
        return 0, False
    paid = booking.payments.filter(status=PaymentStatus.SUCCEEDED).exclude(kind__in=FEE_KINDS)
    net = sum(p.amount_captured - payment_refunded(p) for p in paid)
    card = SavedCard.objects.filter(clinic_id=booking.clinic_id, client_id=booking.client_id)
    return max(net, 0), card.exists()


def cancellation_refund_owed(booking, cancel) -> int:
    """What a cancellation (``cancel``: its BookingEvent, or None) still has to give back
    (minor units): what staff chose less what was refunded since, else the policy's due.
    The refund task issues exactly this; the portal shows it as on its way until then."""
    if cancel is not None and cancel.refund_decided is not None:
        since = Refund.objects.filter(payment__booking=booking, created_at__gte=cancel.at).exclude(
            status=RefundStatus.FAILED
        )
        return max(cancel.refund_decided - (since.aggregate(total=Sum("amount"))["total"] or 0), 0)
    return cancellation_refund_due(booking, fee=cancel.fee if cancel else 0)


def cancellation_refund_due(booking, *, fee) -> int:
    """What the cancellation policy gives back: everything captured for the visit (fees
    charged for the cancellation itself are never given back) less ``fee``, less what
    was refunded already."""
    paid = booking.payments.filter(status=PaymentStatus.SUCCEEDED).exclude(kind__in=FEE_KINDS)
    captured = sum(p.amount_captured for p in paid)
    already = sum(payment_refunded(p) for p in paid)
    return max(max(captured - fee, 0) - already, 0)


def balances_due(clinic, bookings) -> dict[int, int]:
    """booking id → what is still owed for the visit (``BookingMoney.balance_due``, 0 for
    a booking that owes nothing), for many bookings of the clinic. Two queries."""
    bookings = [b for b in bookings if b.clinic_id == clinic.pk]
    ids = [b.pk for b in bookings]
    if not ids:
        return {}
    paid = Payment.objects.filter(clinic=clinic, booking_id__in=ids, status=PaymentStatus.SUCCEEDED)
    totals = {
        row["booking_id"]: row
        for row in paid.values("booking_id").annotate(
            captured=Sum("amount_captured"),
            fees=Sum("amount_captured", filter=Q(kind__in=FEE_KINDS)),
            discount=Sum("discount"),
        )
    }
    refunded = {
        row["payment__booking_id"]: row["total"]
        for row in Refund.objects.filter(payment__in=paid)
        .exclude(status=RefundStatus.FAILED)
        .values("payment__booking_id")
        .annotate(total=Sum("amount"))
    }
    due = {}
    for booking in bookings:
        row = totals.get(booking.pk) or {}
        money = BookingMoney(
            price=booking.price,
            discount=row.get("discount") or 0,
            captured=row.get("captured") or 0,
            refunded=refunded.get(booking.pk) or 0,
            fees=row.get("fees") or 0,
            currency=booking.currency,
            owes_visit=booking.status in OWING_STATUSES,
        )
        due[booking.pk] = max(money.balance_due, 0)
    return due


@dataclass(frozen=True)
class Takings:
    taken: int  # captured by payments that succeeded in the period, tips aside
    refunded: int  # refunds made in the period (not failed)
    currency: str
    tips: int = 0  # tips taken at the desk: the staff member's, shown apart

    @property
    def net(self) -> int:
        return self.taken - self.refunded


def takings_between(clinic, start, end) -> Takings:
    """What the clinic took in ``[start, end)`` (aware datetimes): payments that
    succeeded then, less the refunds made then; tips apart (the staff member's, as in
    the revenue report). Two queries."""
    sums = Payment.objects.filter(
        clinic=clinic,
        status=PaymentStatus.SUCCEEDED,
        succeeded_at__gte=start,
        succeeded_at__lt=end,
    ).aggregate(total=Sum("amount_captured"), tips=Sum("tip"))
    tips = sums["tips"] or 0
    taken = (sums["total"] or 0) - tips
    refunded = (
        Refund.objects.filter(payment__clinic=clinic, created_at__gte=start, created_at__lt=end)
        .exclude(status=RefundStatus.FAILED)
        .aggregate(total=Sum("amount"))["total"]
    )
    return Takings(taken=taken, refunded=refunded or 0, currency=clinic.currency, tips=tips)


def client_paid_total(clinic, client) -> int:
    """What the client has paid the clinic for their bookings (minor units): every
    succeeded payment's capture (cash and terminal recorded at the desk included, fees
    and products sold with a visit too) less its refunds, without tips — the client
    page's "Total spent", which counts money paid rather than prices. Two queries."""
    paid = Payment.objects.filter(
        clinic=clinic, booking__client=client, status=PaymentStatus.SUCCEEDED
    )
    captured = paid.aggregate(total=Sum(F("amount_captured") - F("tip")))["total"] or 0
    refunded = (
        Refund.objects.filter(payment__in=paid)
        .exclude(status=RefundStatus.FAILED)
        .aggregate(total=Sum("amount"))["total"]
    )
    return max(captured - (refunded or 0), 0)


def confirmation_money_lines(booking) -> list[str]:
    """The confirmation's money lines, the receipts' figures (``booking_money``): what
    was paid and what is due at the visit."""
    money = booking_money(booking)
    lines = []
    if money.net_paid:
        lines.append(
            _("Paid: %(amount)s") % {"amount": format_money(money.net_paid, money.currency)}
        )
    if money.balance_due > 0:
        lines.append(
            _("At your visit: %(amount)s")
            % {"amount": format_money(money.balance_due, money.currency)}
        )
    return lines
