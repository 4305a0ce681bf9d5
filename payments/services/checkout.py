"""Checkout: the PaymentIntent for what is due now on a held booking, and its
confirmation on the server (a saved or test card) or by Stripe.js.

No charge without a booking: a paid booking first holds its slot (``pending_payment``);
the PaymentIntent is created for that booking with the idempotency key
``booking-<id>-<kind>``; success goes through ``payment_apply_intent``.
"""

import uuid

import stripe
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from booking_api.lifecycle import BookingStatus
from booking_api.models import Booking
from booking_api.services import booking_confirm_paid, booking_event_record
from payments import discounts
from payments.charges import charge_test_authenticate
from payments.customers import customer_ensure
from payments.errors import CardDeclinedError, PaymentError, PaymentErrorCode, provider_error
from payments.models import Payment, PaymentStatus, ReceiptSeries
from payments.selectors import checkout_quote
from payments.services.holds import CANCELLABLE, payment_intent_cancel
from payments.services.intents import (
    OPEN_STATUSES,
    _after_payment_succeeded,
    payment_apply_intent,
)
from payments.services.receipt_numbers import receipt_number_issue
from payments.stripe_api import field, require_payments, stripe_client
from payments.test_cards import (
    TEST_CARDS,
    test_card_payment_method,
    uses_local_test_server,
)


def _check_payable(booking, now=None):
    now = now or timezone.now()
    if booking.status != BookingStatus.PENDING_PAYMENT:
        raise PaymentError(
            _("This booking is %(status)s, not awaiting payment.")
            % {"status": booking.get_status_display().lower()},
            field="booking",
            code=PaymentErrorCode.NOT_AWAITING_PAYMENT,
        )
    if booking.hold_expires_at and booking.hold_expires_at <= now:
        raise PaymentError(
            _("The time we held for you has run out. Please choose your time again."),
            field="booking",
            code=PaymentErrorCode.HOLD_EXPIRED,
        )


def checkout_discount(booking, voucher_ref=""):
    """The reward voucher's quote for this booking, or None; an unusable voucher is
    refused naming the field ``voucher``."""
    if not voucher_ref:
        return None
    quote = discounts.discount_quote(booking, voucher_ref)
    if quote is None:
        raise PaymentError(
            _("That voucher cannot be used on this booking."),
            field="voucher",
            code=PaymentErrorCode.BAD_VOUCHER,
        )
    return quote


def _reserve(booking, voucher_ref, payment):
    """Reserve the voucher for ``payment`` with its provider, under the voucher's lock; a
    voucher another booking's payment holds is refused by the provider (naming
    ``voucher``), and the whole checkout step with it. Returns what the provider
    reserved, which may be less than it quoted (a gift card another checkout spent from
    meanwhile): that amount is the discount."""
    reserved = discounts.voucher_reserve(booking=booking, voucher_ref=voucher_ref, payment=payment)
    if reserved is None:
        raise PaymentError(
            _("That voucher cannot be used on this booking."),
            field="voucher",
            code=PaymentErrorCode.BAD_VOUCHER,
        )
    return reserved


# The Payment Element offers what the clinic's Stripe account has on, wallets (Apple
# Pay, Google Pay) included where the browser has them; no method that leaves the page
# for a redirect, so the server can confirm a card without a return URL.
AUTOMATIC_PAYMENT_METHODS = {"enabled": True, "allow_redirects": "never"}


def _save_params(payment, save):
    """What asks Stripe to keep the card for later (off-session charges by the clinic):
    the client's Customer and ``setup_future_usage``; ``""`` unsets it."""
    if not save:
        return {"setup_future_usage": ""}
    customer = customer_ensure(client=payment.booking.client)
    return {"customer": customer.stripe_customer_id, "setup_future_usage": "off_session"}


def _intent_create(api, payment, *, idempotency_key, save=False):
    # On the client's Customer: the app's PaymentSheet (with the Customer's ephemeral
    # key) then offers their saved cards; ``save`` asks Stripe to keep the card used.
    customer = customer_ensure(client=payment.booking.client)
    extra = {"setup_future_usage": "off_session"} if save else {}
    return api.PaymentIntent.create(
        amount=payment.amount,
        currency=payment.currency.lower(),
        customer=customer.stripe_customer_id,
        automatic_payment_methods=AUTOMATIC_PAYMENT_METHODS,
        metadata={
            "booking_id": str(payment.booking_id),
            "payment_id": str(payment.pk),
            "clinic": payment.clinic.slug,
            "kind": payment.kind,
        },
        idempotency_key=idempotency_key,
        **extra,
    )


def _saves_card(intent) -> bool:
    return bool(field(intent, "setup_future_usage"))


def _declined(intent) -> bool:
    """The intent's last attempt failed (a declined card, a failed authentication) or it
    was cancelled: it is not confirmed again, a new card gets a fresh intent."""
    return intent.status == "canceled" or (
        intent.status == "requires_payment_method" and bool(field(intent, "last_payment_error"))
    )


def _fresh_attempt(api, payment, intent, *, attempt):
    """Replace the payment's spent PaymentIntent (declined, or waiting for an
    authentication the patient gave up for another card) with a fresh one, keyed
    ``<payment key>-attempt-<n>``. The old intent is cancelled at Stripe first, so it can
    never pay as well; if it got through meanwhile, that success is applied instead.
    Returns ``(payment, intent)``."""
    if intent.status in CANCELLABLE:
        try:
            intent = api.PaymentIntent.cancel(
                intent.id, idempotency_key=f"{payment.idempotency_key}-cancel-{intent.id}"
            )
        except stripe.error.InvalidRequestError:
            intent = api.PaymentIntent.retrieve(intent.id)  # it changed under us
    if intent.status != "canceled":  # it went through (or is going through) after all
        return payment_apply_intent(payment_id=payment.pk, intent=intent), intent
    fresh = _intent_create(
        api,
        payment,
        idempotency_key=f"{payment.idempotency_key}-attempt-{attempt}",
        save=_saves_card(intent),  # the patient's choice carries over to the next card
    )
    # Only a payment still open is moved to the fresh intent: one the booking's
    # cancellation closed meanwhile stays closed.
    replaced = Payment.objects.filter(
        pk=payment.pk, stripe_payment_intent_id=intent.id, status__in=OPEN_STATUSES
    ).update(
        stripe_payment_intent_id=fresh.id,
        status=PaymentStatus.PENDING,
        last_error="",
        updated_at=timezone.now(),
    )
    payment.refresh_from_db()
    if not replaced:  # another attempt replaced it first, or the booking was cancelled
        api.PaymentIntent.cancel(fresh.id, idempotency_key=f"{fresh.id}-cancel")
        _check_payable(Booking.objects.get(pk=payment.booking_id))
        return payment, api.PaymentIntent.retrieve(payment.stripe_payment_intent_id)
    booking = Booking.objects.get(pk=payment.booking_id)
    if booking.status != BookingStatus.PENDING_PAYMENT:
        # Cancelled while the fresh intent was being created: it must not stay payable.
        payment_intent_cancel(payment=payment)
        _check_payable(booking)
    return payment, fresh


def checkout_start(*, booking, voucher_ref=None, save_card=None) -> Payment:
    """Create (or find again) the booking's PaymentIntent for the amount due now. Safe to
    call twice: the row and the Stripe call share the key ``booking-<id>-<kind>``.

    ``voucher_ref`` applies a reward voucher: it is reserved for this payment (refused,
    naming the field ``voucher``, while another booking's payment holds it) and used when
    the payment succeeds. Choosing another voucher before paying, or none (``""``),
    gives the previous one back and changes the amount of the same intent. ``None`` (a
    resumed checkout, the return from Stripe.js) keeps the voucher the payment carries.

    ``save_card`` (the booking's own client only: the door decides) asks Stripe to keep
    the card for next time: the intent gets the client's Customer and
    ``setup_future_usage``, and the card is saved when the payment succeeds
    (``payment_apply_intent``); ``False`` takes the request back before paying, ``None``
    keeps the intent's choice. The returned payment carries ``client_secret`` for
    Stripe.js and ``save_card``, the choice the intent holds."""
    require_payments(booking.clinic)  # before anything is written
    with transaction.atomic():
        # Lock order: booking, payment, voucher. A cancellation (which locks the booking
        # too) either comes first and is refused here, or comes after and gives back
        # the voucher reserved here.
        booking = Booking.objects.select_for_update().select_related("clinic").get(pk=booking.pk)
        _check_payable(booking)
        key = f"booking-{booking.pk}-{checkout_quote(booking).kind}"
        current = Payment.objects.select_for_update().filter(idempotency_key=key).first()
        had = current.voucher_ref if current else ""
        chosen = voucher_ref is not None
        if chosen:
            voucher = checkout_discount(booking, voucher_ref)
            voucher_ref = voucher.voucher_ref if voucher else ""  # the provider's spelling
        else:  # keep what the payment carries (reserved when it was applied)
            voucher_ref = had
            voucher = (
                discounts.DiscountQuote(had, current.discount, current.discount_label)
                if had
                else None
            )
        if current and had != voucher_ref and current.status != PaymentStatus.PENDING:
            raise PaymentError(
                _("This payment is already under way: its voucher can no longer be changed."),
                field="voucher",
                code=PaymentErrorCode.BAD_VOUCHER,
            )
        quote = checkout_quote(booking, discount=voucher.amount if voucher else 0)
        if not quote.due_now and voucher and booking.price and voucher.amount >= booking.price:
            return _paid_by_voucher(booking, key, current, had, voucher)
        if not quote.due_now:
            raise PaymentError(
                _("Nothing is due online for this booking."),
                field="booking",
                code=PaymentErrorCode.NOTHING_DUE,
            )
        payment, _created = Payment.objects.select_for_update().get_or_create(
            idempotency_key=key,
            defaults={
                "clinic": booking.clinic,
                "booking": booking,
                "kind": quote.kind,
                "amount": quote.due_now,
                "currency": booking.currency,
            },
        )
        if had and had != voucher_ref:
            discounts.voucher_release(voucher_ref=had, payment=payment)
        if chosen and voucher_ref:
            reserved = _reserve(booking, voucher_ref, payment)
            if reserved.amount != voucher.amount:  # quoted before the voucher's lock
                voucher = reserved
                quote = checkout_quote(booking, discount=voucher.amount)
        fields = {
            "discount": quote.discount,
            "discount_label": voucher.label if voucher else "",
            "voucher_ref": voucher_ref,
        }
        changed = payment.status in OPEN_STATUSES and payment.amount != quote.due_now
        if changed or any(getattr(payment, name) != value for name, value in fields.items()):
            payment.amount = quote.due_now
            for name, value in fields.items():
                setattr(payment, name, value)
            payment.save()
    api = stripe_client(booking.clinic, taking_payment=True)
    try:
        if payment.stripe_payment_intent_id:
            intent = api.PaymentIntent.retrieve(payment.stripe_payment_intent_id)
            if _declined(intent):  # another card gets a fresh attempt
                payment, intent = _fresh_attempt(
                    api, payment, intent, attempt=payment.confirm_attempts + 1
                )
            if intent.amount != payment.amount and intent.status in (
                "requires_payment_method",
                "requires_confirmation",
            ):
                intent = api.PaymentIntent.modify(
                    intent.id,
                    amount=payment.amount,
                    idempotency_key=f"{key}-{intent.id}-amount-{payment.amount}",
                )
            if (
                save_card is not None
                and bool(save_card) != _saves_card(intent)
                and intent.status in ("requires_payment_method", "requires_confirmation")
            ):
                # Setting a value twice is harmless; a fresh key per change, so a
                # change back and forth is never answered with an earlier reply.
                choice = "save" if save_card else "unsave"
                intent = api.PaymentIntent.modify(
                    intent.id,
                    **_save_params(payment, save_card),
                    idempotency_key=f"{key}-{intent.id}-{choice}-{uuid.uuid4().hex[:12]}",
                )
        else:
            intent = _intent_create(api, payment, idempotency_key=key, save=bool(save_card))
    except stripe.error.StripeError as exc:
        raise provider_error(exc) from exc
    if not payment.stripe_payment_intent_id:
        Payment.objects.filter(pk=payment.pk, stripe_payment_intent_id="").update(
            stripe_payment_intent_id=intent.id
        )
        payment.refresh_from_db()
        booking = Booking.objects.get(pk=booking.pk)
        if booking.status != BookingStatus.PENDING_PAYMENT:
            # Cancelled while the intent was being created, after the cancellation
            # closed this payment: the new intent must not stay payable either.
            payment_intent_cancel(payment=payment)
            _check_payable(booking)
    payment.client_secret = intent.client_secret
    payment.next_action = _next_action(intent)
    payment.save_card = _saves_card(intent)
    return payment


def _paid_by_voucher(booking, key, current, had, voucher):
    """The voucher (a gift card, a free-service reward) pays the whole price: the payment
    is recorded as succeeded for nothing, with no PaymentIntent to pay, and the booking
    is booked (inside checkout_start's transaction, booking and payment locked). An
    intent the patient had started for this payment is cancelled at Stripe first."""
    if current and current.status == PaymentStatus.SUCCEEDED:
        return current
    if current and current.stripe_payment_intent_id and current.status in OPEN_STATUSES:
        payment_intent_cancel(payment=current)
        current.refresh_from_db()
        if current.status == PaymentStatus.SUCCEEDED:  # the card got through first
            return current
    payment, _created = Payment.objects.select_for_update().get_or_create(
        idempotency_key=key,
        defaults={
            "clinic": booking.clinic,
            "booking": booking,
            "kind": checkout_quote(booking).kind,
            "amount": 0,
            "currency": booking.currency,
        },
    )
    if had and had != voucher.voucher_ref:
        discounts.voucher_release(voucher_ref=had, payment=payment)
    if had != voucher.voucher_ref:
        reserved = _reserve(booking, voucher.voucher_ref, payment)
        if reserved.amount < booking.price:  # spent meanwhile by another checkout
            raise PaymentError(
                _("That voucher no longer covers this booking: please apply it again."),
                field="voucher",
                code=PaymentErrorCode.BAD_VOUCHER,
            )
    payment.amount = payment.amount_captured = 0
    payment.discount, payment.discount_label = voucher.amount, voucher.label
    payment.voucher_ref = voucher.voucher_ref
    payment.status, payment.succeeded_at = PaymentStatus.SUCCEEDED, timezone.now()
    payment.save()
    booking_event_record(
        booking_id=booking.pk,
        kind="payment",
        data={"payment": payment.pk, "kind": payment.kind, "amount": 0, "voucher": voucher.label},
    )
    booking_confirm_paid(booking=booking, payment_id=payment.pk, amount=0)
    transaction.on_commit(lambda: _after_payment_succeeded(payment.pk))
    receipt_number_issue(payment, clinic=booking.clinic, series=ReceiptSeries.PAYMENT)
    payment.client_secret, payment.next_action, payment.save_card = "", None, False
    return payment


def _next_action(intent):
    """What Stripe asks for before the payment can go on (3-D Secure), or None."""
    if intent.status != "requires_action":
        return None
    action = field(intent, "next_action")
    return {"type": field(action, "type", "")} if action else None


def payment_confirm(*, payment, payment_method) -> Payment:
    """Confirm on the server with a saved or test payment method. A decline raises
    ``CardDeclinedError`` with the card error in plain words; the hold is kept, and the
    next card is confirmed on a fresh PaymentIntent (as is a card chosen instead of
    authenticating the previous one). A card that asks for authentication leaves the
    payment ``requires_action``; it carries ``client_secret`` and ``next_action`` for
    Stripe.js."""
    payment = Payment.objects.select_related("booking", "clinic").get(pk=payment.pk)
    if payment.status == PaymentStatus.SUCCEEDED:
        return payment
    _check_payable(payment.booking)
    require_payments(payment.clinic)
    if not payment.stripe_payment_intent_id:
        raise PaymentError(
            _("Start the checkout first."), field="payment", code=PaymentErrorCode.NO_INTENT
        )
    with transaction.atomic():
        payment = Payment.objects.select_for_update().get(pk=payment.pk)
        payment.confirm_attempts += 1
        payment.save(update_fields=["confirm_attempts", "updated_at"])
    attempt = payment.confirm_attempts
    api = stripe_client(payment.clinic, taking_payment=True)
    try:
        intent = api.PaymentIntent.retrieve(payment.stripe_payment_intent_id)
        if _declined(intent) or intent.status == "requires_action":
            payment, intent = _fresh_attempt(api, payment, intent, attempt=attempt)
            if payment.status == PaymentStatus.SUCCEEDED:
                return payment
    except stripe.error.StripeError as exc:
        raise provider_error(exc) from exc
    pi = intent.id
    try:
        if payment_method in TEST_CARDS and uses_local_test_server():
            customer = customer_ensure(client=payment.booking.client)
            payment_method = test_card_payment_method(
                payment_method, clinic=payment.clinic, customer_id=customer.stripe_customer_id
            )
        # Stripe accepts payment_method on confirm too; localstripe only on update.
        api.PaymentIntent.modify(
            pi,
            payment_method=payment_method,
            idempotency_key=f"{payment.idempotency_key}-method-{attempt}",
        )
        intent = api.PaymentIntent.confirm(
            pi, idempotency_key=f"{payment.idempotency_key}-confirm-{attempt}"
        )
    except stripe.error.CardError as exc:
        message = exc.user_message or _("Your card was declined.")
        Payment.objects.filter(pk=payment.pk).update(last_error=message)
        booking_event_record(
            booking_id=payment.booking_id,
            kind="payment_declined",
            data={"payment": payment.pk, "message": message, "stripe_payment_intent": pi},
        )
        raise CardDeclinedError(
            _("%(message)s Your time is still held for you: please try another card.")
            % {"message": message},
            field="payment_method",
        ) from exc
    except stripe.error.InvalidRequestError as exc:
        raise PaymentError(
            exc.user_message or _("That card cannot be used."),
            field="payment_method",
            code=PaymentErrorCode.CARD_UNUSABLE,
        ) from exc
    except stripe.error.StripeError as exc:
        raise provider_error(exc) from exc
    payment = payment_apply_intent(payment_id=payment.pk, intent=intent)
    payment.client_secret = intent.client_secret
    payment.next_action = _next_action(intent)
    return payment


def payment_test_authenticate(*, payment, success) -> Payment:
    """The 3-D Secure step of a test card, on the local test server only (Stripe.js shows
    the bank's own step against Stripe): complete it, and the payment goes through, or
    fail it, and the next card gets a fresh PaymentIntent."""
    payment = Payment.objects.select_related("booking", "clinic").get(pk=payment.pk)
    if payment.status == PaymentStatus.SUCCEEDED:
        return payment
    _check_payable(payment.booking)
    if payment.status != PaymentStatus.REQUIRES_ACTION:
        raise PaymentError(
            _("This payment is not waiting for your bank's confirmation."),
            field="payment",
            code=PaymentErrorCode.PAYMENT_INVALID,
        )
    intent = charge_test_authenticate(
        clinic=payment.clinic, intent_id=payment.stripe_payment_intent_id, success=success
    )
    return payment_apply_intent(payment_id=payment.pk, intent=intent)


def payment_refresh(*, payment) -> Payment:
    """Read the payment's intent again from Stripe and apply it (the Payment Element's
    return page, or the app after its PaymentSheet confirmed: the webhook may not have
    arrived). The payment returned carries the intent's ``client_secret`` and
    ``next_action`` (3-D Secure still to do) while it is not paid."""
    payment.client_secret, payment.next_action = "", None
    if payment.status == PaymentStatus.SUCCEEDED or not payment.stripe_payment_intent_id:
        return payment
    try:
        intent = stripe_client(payment.clinic).PaymentIntent.retrieve(
            payment.stripe_payment_intent_id
        )
    except stripe.error.StripeError as exc:
        raise provider_error(exc) from exc
    payment = payment_apply_intent(payment_id=payment.pk, intent=intent)
    if payment.status != PaymentStatus.SUCCEEDED and intent.status != "canceled":
        payment.client_secret = intent.client_secret
        payment.next_action = _next_action(intent)
    else:
        # Paid, or an attempt that is over (a declined card's intent is cancelled when the
        # next card gets a fresh one): no secret to hand a PaymentSheet that cannot use it.
        payment.client_secret, payment.next_action = "", None
    return payment
