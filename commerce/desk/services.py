"""Writes of the desk checkout (``commerce.models.desk``). The checkout combines the
layers below through their services: the visit's price (``booking_api``'s
``booking_price_adjust``, managers only), the money (``payments``: the card on file
off-session, cash and the terminal recorded by staff), and the shop's products (stock
taken under the product's row lock when a line is added, given back when removed).

Every write locks the checkout row first, so two members of staff working on the same
checkout queue: a tender never takes more than is due, and a checkout is completed once.
Each change is on the client's audit trail in the same transaction."""

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from booking_api.lifecycle import VISIT_STATUSES, BookingStatus, can_move, earliest_move
from booking_api.models import Booking
from booking_api.services import booking_cover_at_desk, booking_price_adjust, booking_transition
from branding.errors import DomainError
from branding.money import format_money
from commerce.desk.selectors import checkout_state, desk_card_on_file
from commerce.errors import CommerceError, CommerceErrorCode
from commerce.giftcards.checkout import PREFIX as GIFT_CARD_PREFIX
from commerce.giftcards.checkout import take_at_desk as gift_card_take_at_desk
from commerce.giftcards.checkout import (
    take_for_products_at_desk as gift_card_take_for_products,
)
from commerce.models import (
    CheckoutStatus,
    DeskCheckout,
    DeskLine,
    DeskTender,
    Product,
    TenderKind,
    TenderStatus,
)
from payments import cards
from payments.models import PaymentKind, PaymentMethod, PaymentStatus, ReceiptSeries
from payments.services.desk import desk_payment_record, desk_voucher_apply
from payments.services.pay_links import pay_link_create
from payments.services.receipt_numbers import receipt_number_issue
from people.models import AuditAction
from people.services import audit_record

OFFLINE = {TenderKind.CASH: PaymentMethod.CASH, TenderKind.TERMINAL: PaymentMethod.TERMINAL}
MAX_QUANTITY = 99


def _audit(checkout, actor, summary, request=None, changes=None):
    booking = checkout.booking
    audit_record(
        clinic=checkout.clinic,
        actor=actor,
        action=AuditAction.CHANGE,
        client=booking.client,
        summary=summary,
        changes=changes,
        request=request,
    )


def _locked(checkout) -> DeskCheckout:
    """The checkout under its row lock, refused once completed."""
    checkout = (
        DeskCheckout.objects.select_for_update()
        .select_related("booking__client", "booking__service", "booking__staff", "clinic")
        .get(pk=checkout.pk)
    )
    if checkout.status != CheckoutStatus.OPEN:
        raise CommerceError(
            _("This checkout is completed already."),
            field="checkout",
            code=CommerceErrorCode.CHECKOUT_CLOSED,
        )
    return checkout


def _fmt(checkout, amount):
    return format_money(amount, checkout.booking.currency)


@transaction.atomic
def checkout_open(*, clinic, booking_id, actor, request=None) -> DeskCheckout:
    """The booking's desk checkout, opened the first time (audited). A cancelled or
    refunded booking has no visit to check out."""
    booking = Booking.objects.select_for_update().filter(clinic=clinic, pk=booking_id).first()
    if booking is None:
        raise CommerceError(
            _("No such booking at this clinic."),
            field="booking",
            code=CommerceErrorCode.CHECKOUT_CLOSED,
        )
    checkout = DeskCheckout.objects.filter(booking=booking).first()
    if checkout is not None:
        return checkout
    if booking.status not in VISIT_STATUSES:
        raise CommerceError(
            _("A %(status)s booking cannot be checked out.")
            % {"status": booking.get_status_display().lower()},
            field="booking",
            code=CommerceErrorCode.CHECKOUT_CLOSED,
        )
    checkout = DeskCheckout.objects.create(clinic=clinic, booking=booking, opened_by=actor)
    _audit(checkout, actor, f"Opened the desk checkout of booking {booking.pk}", request)
    return checkout


@transaction.atomic
def checkout_price_set(*, checkout, price, actor, reason="", request=None) -> DeskCheckout:
    """A manager changes the visit's price (``booking_price_adjust``: with a reason,
    audited there); never below what was already paid for the visit (a deposit, a
    tender, a voucher, a link): that would be a refund, made on the payments page."""
    checkout = _locked(checkout)
    state = checkout_state(checkout)
    paid = max(state.service_price - state.visit_due, 0)
    if int(price) < paid:
        raise CommerceError(
            _("The price cannot be below the %(amount)s already paid for the visit.")
            % {"amount": _fmt(checkout, paid)},
            field="price",
            code=CommerceErrorCode.PRICE_BELOW_PAID,
        )
    booking_price_adjust(
        booking=checkout.booking, price=price, actor=actor, reason=reason, request=request
    )
    _tip_recompute(checkout, actor, request)
    return checkout


@transaction.atomic
def checkout_product_add(*, checkout, product_id, quantity, actor, request=None) -> DeskLine:
    """Add a product from the clinic's shop: on sale here, enough in stock (taken now,
    once, under the product's lock)."""
    checkout = _locked(checkout)
    quantity = int(quantity or 0)
    if not 1 <= quantity <= MAX_QUANTITY:
        raise CommerceError(
            _("Choose a quantity from 1 to %(max)s.") % {"max": MAX_QUANTITY},
            field="quantity",
            code=CommerceErrorCode.ORDER_INVALID,
        )
    product = (
        Product.objects.select_for_update()
        .filter(clinic=checkout.clinic, active=True, pk=product_id)
        .first()
    )
    if product is None:
        raise CommerceError(
            _("That product is not on sale here."),
            field="product",
            code=CommerceErrorCode.ORDER_INVALID,
        )
    if product.stock is not None:
        if product.stock < quantity:
            raise CommerceError(
                _("Only %(count)s of %(name)s left.") % {"count": product.stock, "name": product},
                field="quantity",
                code=CommerceErrorCode.OUT_OF_STOCK,
            )
        Product.objects.filter(pk=product.pk).update(stock=F("stock") - quantity)
    line = DeskLine.objects.create(
        checkout=checkout,
        product=product,
        name=product.name,
        unit_price=product.price,
        quantity=quantity,
    )
    _audit(
        checkout,
        actor,
        f"Added {quantity} × {product.name} ({_fmt(checkout, line.total)}) to the desk "
        f"checkout of booking {checkout.booking_id}",
        request,
    )
    return line


@transaction.atomic
def checkout_product_remove(*, checkout, line_id, actor, request=None) -> None:
    """Take a product line off (its stock goes back), unless tenders already paid for
    it."""
    checkout = _locked(checkout)
    line = DeskLine.objects.filter(checkout=checkout, pk=line_id).first()
    if line is None:
        raise CommerceError(
            _("No such line on this checkout."),
            field="line",
            code=CommerceErrorCode.ORDER_INVALID,
        )
    state = checkout_state(checkout)
    if state.products_total - line.total < state.products_total - state.products_due:
        raise CommerceError(
            _("This product is paid for already."),
            field="line",
            code=CommerceErrorCode.TENDER_INVALID,
        )
    if line.product_id:
        Product.objects.filter(pk=line.product_id, stock__isnull=False).update(
            stock=F("stock") + line.quantity
        )
    line.delete()
    _audit(
        checkout,
        actor,
        f"Removed {line.quantity} × {line.name} from the desk checkout of booking "
        f"{checkout.booking_id}",
        request,
    )


def _tip_of(state, percent) -> int:
    """``percent`` of the services (the visit's price less reward discounts), products
    aside."""
    return round(max(state.service_price - state.discount, 0) * float(percent) / 100)


def _tip_recompute(checkout, actor, request=None):
    """A tip given as a percentage follows the visit's price (a cover, a manager's
    change): worked out again from what the services now cost, never below what tenders
    already took for it."""
    if checkout.tip_percent is None:
        return
    state = checkout_state(checkout)
    amount = max(_tip_of(state, checkout.tip_percent), state.tip - state.tip_due)
    if amount == checkout.tip:
        return
    old = checkout.tip
    checkout.tip = amount
    checkout.tip_staff = checkout.booking.staff if amount else None
    checkout.save(update_fields=["tip", "tip_staff"])
    _audit(
        checkout,
        actor,
        f"The {checkout.tip_percent}% tip of the desk checkout of booking "
        f"{checkout.booking_id} follows the services' price: {_fmt(checkout, amount)}",
        request,
        changes={"tip": (old, amount)},
    )


@transaction.atomic
def checkout_tip_set(*, checkout, amount=None, percent=None, actor, request=None):
    """The tip, as an amount or a percentage of the services (products aside; worked
    out again if the visit's price changes), going to the booking's staff member; never
    below what tenders already took for it."""
    checkout = _locked(checkout)
    state = checkout_state(checkout)
    if percent is not None:
        amount = _tip_of(state, percent)
    amount = int(amount or 0)
    taken = state.tip - state.tip_due
    if amount < 0 or amount < taken:
        raise CommerceError(
            _("The tip cannot be below %(amount)s.") % {"amount": _fmt(checkout, taken)},
            field="tip",
            code=CommerceErrorCode.TENDER_INVALID,
        )
    old = checkout.tip
    checkout.tip = amount
    checkout.tip_percent = percent if percent is not None and amount else None
    checkout.tip_staff = checkout.booking.staff if amount else None
    checkout.save(update_fields=["tip", "tip_percent", "tip_staff"])
    _audit(
        checkout,
        actor,
        f"Set the tip of the desk checkout of booking {checkout.booking_id} to "
        f"{_fmt(checkout, amount)} for {checkout.booking.staff}",
        request,
        changes={"tip": (old, amount)},
    )
    return checkout


def _tender_check(checkout, kind, amount):
    if kind not in TenderKind.values or kind == TenderKind.VOUCHER:
        raise CommerceError(
            _("Choose how the client pays."), field="kind", code=CommerceErrorCode.TENDER_INVALID
        )
    state = checkout_state(checkout)
    amount = int(amount or 0)
    cash_given = 0
    if kind == TenderKind.CASH and 0 < state.due < amount:
        # Cash above what is due: the due amount is kept, the rest goes back as change.
        cash_given, amount = amount, state.due
    if amount <= 0 or amount > state.due:
        raise CommerceError(
            _("Give an amount from %(low)s to %(high)s.")
            % {"low": _fmt(checkout, 1), "high": _fmt(checkout, state.due)}
            if state.due
            else _("Nothing is due on this checkout."),
            field="amount",
            code=CommerceErrorCode.TENDER_INVALID,
        )
    return (*state.allocate(amount), cash_given)


@transaction.atomic
def checkout_cover_apply(*, checkout, ref, actor, request=None) -> DeskCheckout:
    """A package session or membership credit of the client's covers the visit
    (``booking_cover_at_desk``: the provider takes it under its lock, audited): the
    visit then costs nothing. Only before any money was taken for the visit."""
    checkout = _locked(checkout)
    state = checkout_state(checkout)
    if state.visit_due != state.service_price - state.discount:
        raise CommerceError(
            _("Money was taken for the visit already: cover it before taking payment."),
            field="package",
            code=CommerceErrorCode.TENDER_INVALID,
        )
    covered = booking_cover_at_desk(booking=checkout.booking, ref=ref, actor=actor, request=request)
    checkout.cover_label = str(covered.get("label", ""))[:300]
    checkout.cover_price = covered.get("price", 0)
    checkout.save(update_fields=["cover_label", "cover_price"])
    _tip_recompute(checkout, actor, request)
    return checkout


@transaction.atomic
def checkout_voucher_apply(*, checkout, voucher_ref, actor, request=None) -> DeskTender:
    """A reward voucher (loyalty's) or a gift card (by its code) takes what it can off
    what is still due for the visit, through ``payments.discounts`` (the voucher's own
    provider reserves it under its lock). Refused, with nothing written, when it would
    take more than is due for the visit. Once nothing is due for the visit, a gift card
    pays the products still due."""
    checkout = _locked(checkout)
    state = checkout_state(checkout)
    if not state.visit_due and state.products_due:
        return _gift_card_for_products(checkout, state, voucher_ref, actor, request)
    tender = DeskTender.objects.create(
        checkout=checkout,
        kind=TenderKind.VOUCHER,
        amount=max(state.visit_due, 1),  # set to what the voucher took, below
        recorded_by=actor,
    )
    take = None
    if str(voucher_ref).startswith(GIFT_CARD_PREFIX):  # pays part of what is due

        def take(payment, limit):
            return gift_card_take_at_desk(
                clinic=checkout.clinic, voucher_ref=voucher_ref, payment=payment, limit=limit
            )

    payment = desk_voucher_apply(
        booking=checkout.booking,
        voucher_ref=voucher_ref,
        limit=state.visit_due,
        key=f"desk-{checkout.pk}-tender-{tender.pk}",
        actor=actor,
        take=take,
    )
    tender.amount = payment.discount
    tender.payment = payment
    tender.status = TenderStatus.SUCCEEDED
    tender.message = payment.discount_label[:300]
    tender.save(update_fields=["amount", "payment", "status", "message"])
    _audit(
        checkout,
        actor,
        f"Took {_fmt(checkout, payment.discount)} off the visit with {payment.discount_label} "
        f"at the desk checkout of booking {checkout.booking_id} (tender {tender.pk})",
        request,
    )
    return tender


def _gift_card_for_products(checkout, state, voucher_ref, actor, request):
    """Nothing due for the visit (a package or membership covered it) but products are:
    a gift card pays what it can of them (``commerce.giftcards``, under the card's lock);
    a reward voucher only ever takes off the visit."""
    if not str(voucher_ref).startswith(GIFT_CARD_PREFIX):
        raise CommerceError(
            _("A reward voucher only takes off the visit, and nothing is due for it."),
            field="voucher",
            code=CommerceErrorCode.TENDER_INVALID,
        )
    tender = DeskTender.objects.create(
        checkout=checkout,
        kind=TenderKind.VOUCHER,
        amount=state.products_due,  # set to what the card took, below
        recorded_by=actor,
    )
    taken = gift_card_take_for_products(
        clinic=checkout.clinic,
        voucher_ref=voucher_ref,
        key=f"desk-{checkout.pk}-tender-{tender.pk}",
        limit=state.products_due,
        actor=actor,
    )
    tender.amount = tender.extras = taken.amount
    tender.status = TenderStatus.SUCCEEDED
    tender.message = taken.label[:300]
    tender.save(update_fields=["amount", "extras", "status", "message"])
    _audit(
        checkout,
        actor,
        f"Took {_fmt(checkout, taken.amount)} for products with {taken.label} at the desk "
        f"checkout of booking {checkout.booking_id} (tender {tender.pk})",
        request,
    )
    return tender


def checkout_tender_add(*, checkout, kind, amount, actor, request=None) -> DeskTender:
    """Take ``amount`` by ``kind``. Cash and the terminal are recorded at once (a
    payment with its method and who recorded it; no Stripe call); cash above what is
    due is kept as what is due, the rest given back as change (``cash_given``). The card on file is
    recorded as under way, committed, then charged off-session: a decline marks the
    tender declined and raises (the checkout stays open, other tenders stand)."""
    with transaction.atomic():
        checkout = _locked(checkout)
        booking = checkout.booking
        visit, extras, tip, cash_given = _tender_check(checkout, kind, amount)
        amount = visit + extras + tip
        if kind == TenderKind.CARD_ON_FILE and not desk_card_on_file(
            checkout.clinic, booking.client
        ):
            raise CommerceError(
                _("This client has no card on file."),
                field="card",
                code=CommerceErrorCode.TENDER_INVALID,
            )
        tender = DeskTender.objects.create(
            checkout=checkout,
            kind=kind,
            amount=amount,
            tip=tip,
            extras=extras,
            cash_given=cash_given,
            recorded_by=actor,
            status=TenderStatus.PENDING,
        )
        key = f"desk-{checkout.pk}-tender-{tender.pk}"
        label = TenderKind(kind).label
        _audit(
            checkout,
            actor,
            f"Took {_fmt(checkout, amount)} by {label.lower()} at the desk checkout of "
            f"booking {booking.pk} (tender {tender.pk}; tip {_fmt(checkout, tip)}, "
            f"products {_fmt(checkout, extras)})"
            + (
                f"; cash tendered {_fmt(checkout, cash_given)}, change "
                f"{_fmt(checkout, cash_given - amount)}"
                if cash_given
                else ""
            ),
            request,
        )
        if kind in OFFLINE:
            payment = desk_payment_record(
                booking=booking,
                amount=amount,
                method=OFFLINE[kind],
                key=key,
                actor=actor,
                tip=tip,
                extras=extras,
            )
            tender.payment = payment
            tender.status = TenderStatus.SUCCEEDED
            tender.save(update_fields=["payment", "status"])
            return tender
    try:
        payment = cards.desk_card_charge(
            booking=booking,
            amount=amount,
            key=key,
            actor=actor,
            tip=tip,
            extras=extras,
            record=lambda p: DeskTender.objects.filter(pk=tender.pk).update(payment=p),
        )
    except DomainError as exc:
        DeskTender.objects.filter(pk=tender.pk).update(
            status=TenderStatus.FAILED, message=str(exc.message)[:300]
        )
        raise
    if payment.status == PaymentStatus.SUCCEEDED:
        DeskTender.objects.filter(pk=tender.pk).update(status=TenderStatus.SUCCEEDED)
    else:  # off-session: Stripe wants the client present (authentication)
        message = payment.last_error or _("The card needs the client to confirm the payment.")
        DeskTender.objects.filter(pk=tender.pk).update(
            status=TenderStatus.FAILED, message=message[:300]
        )
    return DeskTender.objects.get(pk=tender.pk)


@transaction.atomic
def checkout_complete(*, checkout, actor, leave_balance=False, request=None) -> DeskCheckout:
    """Close the checkout, once: settled, or (``leave_balance``) with what is still due
    left on the client's balance. Refused while a card payment is under way, or — a
    second member of staff completing it at the same moment — once completed. The
    receipt (every line and tender) is emailed after commit."""
    checkout = _locked(checkout)
    state = checkout_state(checkout)
    if state.under_way:
        raise CommerceError(
            _("A card payment is still under way: wait for it before completing."),
            field="checkout",
            code=CommerceErrorCode.CHECKOUT_UNSETTLED,
        )
    if state.due and leave_balance and state.products_due:
        raise CommerceError(
            _(
                "Take the products' %(amount)s first, or take them off: only the visit can be "
                "left as a balance due."
            )
            % {"amount": _fmt(checkout, state.products_due)},
            field="checkout",
            code=CommerceErrorCode.CHECKOUT_UNSETTLED,
        )
    if state.due and not leave_balance:
        raise CommerceError(
            _("%(amount)s is still due: take it, or leave it as a balance due.")
            % {"amount": _fmt(checkout, state.due)},
            field="checkout",
            code=CommerceErrorCode.CHECKOUT_UNSETTLED,
        )
    if state.tip_due:  # a tip not paid is no tip: it stays what was taken for it
        checkout.tip -= state.tip_due
        checkout.save(update_fields=["tip"])
        state = checkout_state(checkout)
    checkout.status = CheckoutStatus.COMPLETED
    checkout.completed_by = actor
    checkout.completed_at = timezone.now()
    checkout.balance_left = state.due
    checkout.save(update_fields=["status", "completed_by", "completed_at", "balance_left"])
    _visit_complete(checkout.booking, actor)
    # Last in the transaction, under the checkout's lock: the clinic's next desk number.
    receipt_number_issue(checkout, clinic=checkout.clinic, series=ReceiptSeries.DESK)
    _audit(
        checkout,
        actor,
        f"Completed the desk checkout of booking {checkout.booking_id}: "
        f"{_fmt(checkout, state.taken)} taken, {_fmt(checkout, state.due)} left due",
        request,
    )
    pk = checkout.pk
    transaction.on_commit(lambda: _queue_receipt(pk))
    return checkout


def _visit_complete(booking, actor):
    """Checking out ends the visit, as at any desk: a visit not completed yet moves on to
    completed through booking_api's lifecycle (its events follow: points, the survey; no
    more reminders), once its time allows; a checkout taken before the visit's time
    leaves the booking as it is."""
    now = timezone.now()
    for step in (BookingStatus.STARTED, BookingStatus.COMPLETED):
        if booking.status == step or not can_move(booking.status, step):
            continue
        earliest = earliest_move(step, booking.start)
        if earliest is not None and now < earliest:
            return
        booking = booking_transition(
            booking=booking, to_status=step, actor=actor, reason=_("Checked out at the desk.")
        )


def checkout_pay_link_send(*, checkout, send_by, actor, request=None):
    """Send the client a payment link (``payments``' own, by email and/or SMS, audited
    there) for what is still due for the visit, to pay on their phone; the checkout may
    then be completed leaving that as the balance due, which the link settles when paid.
    Products and the tip are taken at the desk."""
    with transaction.atomic():
        checkout = _locked(checkout)
        state = checkout_state(checkout)
    if not state.visit_due:
        raise CommerceError(
            _("Nothing is due for the visit: a payment link is not needed."),
            field="amount",
            code=CommerceErrorCode.TENDER_INVALID,
        )
    return pay_link_create(
        booking=checkout.booking,
        kind=PaymentKind.BALANCE,
        amount=state.visit_due,
        actor=actor,
        send_by=send_by,
        request=request,
    )


def _queue_receipt(checkout_id):
    from commerce import tasks

    tasks.queue("email_desk_receipt", checkout_id)
