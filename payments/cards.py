"""Card on file: a card saved at booking (a SetupIntent on the client's Stripe Customer)
and charged later, off-session, for the balance, a late-cancellation fee or a no-show
fee. Each charge's idempotency key is derived from the booking
(``booking-<id>-balance``, ``booking-<id>-late-cancel-fee``, ``booking-<id>-no-show-fee``),
so a retried request never charges twice.

localstripe differs from Stripe in two places met here (the code is right for Stripe):
a confirmed SetupIntent does not attach its PaymentMethod to the Customer (Stripe does),
so we attach it explicitly when it is not; and it confirms a PaymentIntent only without
a ``payment_method`` argument, so a retry sets the method with ``modify`` first.
"""

import stripe
from django.db import transaction
from django.http import Http404
from django.utils.translation import gettext as _

from booking_api.lifecycle import UPCOMING_STATUSES, VISIT_STATUSES, BookingStatus
from booking_api.models import Booking
from booking_api.selectors import booking_fee
from booking_api.services import booking_event_record
from branding.money import format_money
from payments.customers import card_save, customer_ensure
from payments.errors import CardDeclinedError, PaymentError, PaymentErrorCode, provider_error
from payments.models import (
    CardSetup,
    CardSetupStatus,
    Payment,
    PaymentKind,
    PaymentStatus,
    SavedCard,
)
from payments.selectors import booking_money
from payments.services.intents import payment_apply_intent
from payments.stripe_api import field, object_id, require_payments, stripe_client
from payments.test_cards import TEST_CARDS, test_card_payment_method, uses_local_test_server

CHARGE_KEYS = {
    PaymentKind.BALANCE: "balance",
    PaymentKind.LATE_CANCEL_FEE: "late-cancel-fee",
    PaymentKind.NO_SHOW_FEE: "no-show-fee",
}


# --- the client's Stripe Customer and saved cards --------------------------------------


def saved_card_for_client(clinic, client, pk) -> SavedCard:
    card = SavedCard.objects.filter(clinic=clinic, client=client, pk=pk).first()
    if card is None:
        raise Http404("No such card.")
    return card


def saved_card_remove(*, card) -> None:
    """Forget a saved card: detach it from the Customer at Stripe, then delete our row
    (past payments keep their history; they only lose the link to the card)."""
    try:
        stripe_client(card.clinic).PaymentMethod.detach(card.stripe_payment_method_id)
    except stripe.error.InvalidRequestError:
        pass  # already detached or gone at Stripe: nothing left to forget there
    except stripe.error.StripeError as exc:
        raise provider_error(exc) from exc
    card.delete()


def payment_with_saved_card(*, payment, card_id) -> Payment:
    """Pay a booking's checkout with one of its client's saved cards (offered at the
    next checkout): the card must be this client's at this clinic (else 404, nothing
    sent to Stripe); then it is confirmed like any card (``payment_confirm``: a decline
    raises ``CardDeclinedError``, the hold is kept)."""
    from payments.services.checkout import payment_confirm

    payment = Payment.objects.select_related("booking__client", "clinic").get(pk=payment.pk)
    card = saved_card_for_client(payment.clinic, payment.booking.client, card_id)
    return payment_confirm(payment=payment, payment_method=card.stripe_payment_method_id)


# --- saving a card at booking (SetupIntent) --------------------------------------------


def card_setup_start(*, booking) -> CardSetup:
    """Start (or resume) saving a card for a card-on-file booking. The returned setup
    carries ``client_secret`` for Stripe.js."""
    booking = Booking.objects.select_related("clinic", "client__user").get(pk=booking.pk)
    if booking.status not in UPCOMING_STATUSES:
        raise PaymentError(
            _("A card can only be saved for an upcoming booking."),
            field="booking",
            code=PaymentErrorCode.BOOKING_NOT_CHARGEABLE,
        )
    require_payments(booking.clinic)  # before anything is written
    customer = customer_ensure(client=booking.client)
    setup, _created = CardSetup.objects.get_or_create(booking=booking, clinic=booking.clinic)
    api = stripe_client(booking.clinic, taking_payment=True)
    try:
        if setup.stripe_setup_intent_id:
            intent = api.SetupIntent.retrieve(setup.stripe_setup_intent_id)
        else:
            intent = api.SetupIntent.create(
                customer=customer.stripe_customer_id,
                usage="off_session",
                metadata={"booking_id": str(booking.pk), "clinic": booking.clinic.slug},
                idempotency_key=f"booking-{booking.pk}-setup",
            )
            CardSetup.objects.filter(pk=setup.pk).update(stripe_setup_intent_id=intent.id)
            setup.stripe_setup_intent_id = intent.id
    except stripe.error.StripeError as exc:
        raise provider_error(exc) from exc
    setup.client_secret = intent.client_secret
    return setup


def card_setup_confirm(*, setup, payment_method) -> CardSetup:
    """Confirm the SetupIntent on the server with a payment method (a test card against
    the local test server). A decline raises ``CardDeclinedError`` in plain words."""
    setup = CardSetup.objects.select_related("booking__client__user", "clinic").get(pk=setup.pk)
    if setup.status == CardSetupStatus.SUCCEEDED:
        return setup
    require_payments(setup.clinic)
    if not setup.stripe_setup_intent_id:
        raise PaymentError(
            _("Start saving the card first."), field="setup", code=PaymentErrorCode.NO_INTENT
        )
    with transaction.atomic():
        CardSetup.objects.filter(pk=setup.pk).update(confirm_attempts=setup.confirm_attempts + 1)
    attempt = setup.confirm_attempts + 1
    booking = setup.booking
    api = stripe_client(setup.clinic, taking_payment=True)
    try:
        if payment_method in TEST_CARDS and uses_local_test_server():
            payment_method = test_card_payment_method(payment_method, clinic=setup.clinic)
        intent = api.SetupIntent.confirm(
            setup.stripe_setup_intent_id,
            payment_method=payment_method,
            idempotency_key=f"booking-{booking.pk}-setup-confirm-{attempt}",
        )
    except stripe.error.CardError as exc:
        message = exc.user_message or _("Your card was declined.")
        CardSetup.objects.filter(pk=setup.pk).update(last_error=message)
        booking_event_record(booking_id=booking.pk, kind="card_declined", data={"message": message})
        raise CardDeclinedError(
            _("%(message)s Please try another card.") % {"message": message},
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
    return card_setup_apply(setup_id=setup.pk, intent=intent)


def card_setup_refresh(*, setup) -> CardSetup:
    """Read the SetupIntent again from Stripe and apply it (the Payment Element's return
    page: Stripe.js confirmed it in the browser)."""
    if setup.status == CardSetupStatus.SUCCEEDED or not setup.stripe_setup_intent_id:
        return setup
    try:
        intent = stripe_client(setup.clinic).SetupIntent.retrieve(setup.stripe_setup_intent_id)
    except stripe.error.StripeError as exc:
        raise provider_error(exc) from exc
    return card_setup_apply(setup_id=setup.pk, intent=intent)


@transaction.atomic
def card_setup_apply(*, setup_id, intent) -> CardSetup:
    """Bring the setup in line with the SetupIntent: on success the card is saved."""
    setup = CardSetup.objects.select_for_update().select_related("booking__client").get(pk=setup_id)
    if setup.status == CardSetupStatus.SUCCEEDED:
        return setup
    status = intent["status"]
    if status == "succeeded":
        client = setup.booking.client
        customer = customer_ensure(client=client)
        card = card_save(
            client=client, customer=customer, payment_method_id=object_id(intent.payment_method)
        )
        setup.card = card
        setup.status = CardSetupStatus.SUCCEEDED
        setup.last_error = ""
        booking_event_record(
            booking_id=setup.booking_id,
            kind="card_saved",
            data={"card": card.pk, "last4": card.last4},
        )
    elif status == "requires_action":
        setup.status = CardSetupStatus.REQUIRES_ACTION
    elif status == "canceled":
        setup.status = CardSetupStatus.FAILED
    setup.save()
    return setup


# --- charging the card later -----------------------------------------------------------


def charge_due(booking, kind) -> int:
    """What a staff member may charge to the card now for ``kind`` (minor units): the
    balance left after what was paid, or a fee less what the clinic already kept."""
    money = booking_money(booking)
    if kind == PaymentKind.BALANCE:
        return max(money.balance_due, 0)
    if kind == PaymentKind.NO_SHOW_FEE:
        return max(booking_fee(booking, BookingStatus.NO_SHOW) - money.net_paid, 0)
    if kind == PaymentKind.LATE_CANCEL_FEE:
        return max(booking_fee(booking, BookingStatus.CANCELLED) - money.net_paid, 0)
    raise PaymentError(_("Unknown charge."), field="kind", code=PaymentErrorCode.CHARGE_INVALID)


ALLOWED_STATUSES = {
    PaymentKind.BALANCE: VISIT_STATUSES,
    PaymentKind.NO_SHOW_FEE: (BookingStatus.NO_SHOW,),
    PaymentKind.LATE_CANCEL_FEE: (BookingStatus.CANCELLED,),
}


def _card_on_file(booking, card=None):
    """The client's card (this one, or their newest) and Stripe Customer, checked before
    any attempt is recorded."""
    card = card or SavedCard.objects.filter(client=booking.client).first()
    if card is None or card.client_id != booking.client_id:
        raise PaymentError(
            _("This client has no card on file."), field="card", code=PaymentErrorCode.NO_CARD
        )
    require_payments(booking.clinic)  # before the attempt is recorded
    return card, customer_ensure(client=booking.client)


def card_charge(*, booking, kind, amount=None, actor=None, card=None, audit=None) -> Payment:
    """Charge the client's saved card off-session for ``kind`` (balance, late-cancel fee,
    no-show fee); ``amount`` defaults to what is due and may not exceed the booking's
    price (fees) or the balance left. One payment per booking and kind; a declined
    charge may be tried again (each attempt has its own key at Stripe). The attempt is
    recorded and committed before Stripe is asked; ``audit(payment)``, if given, is
    called in that transaction (a staff action's audit entry)."""
    booking = Booking.objects.select_related("clinic", "client__user").get(pk=booking.pk)
    if kind not in CHARGE_KEYS:
        raise PaymentError(
            _("Choose a balance, late-cancellation or no-show charge."),
            field="kind",
            code=PaymentErrorCode.CHARGE_INVALID,
        )
    if booking.status not in ALLOWED_STATUSES[kind]:
        raise PaymentError(
            _("A %(charge)s cannot be charged on a booking that is %(status)s.")
            % {
                "charge": PaymentKind(kind).label.lower(),
                "status": booking.get_status_display().lower(),
            },
            field="kind",
            code=PaymentErrorCode.BOOKING_NOT_CHARGEABLE,
        )
    key = f"booking-{booking.pk}-{CHARGE_KEYS[kind]}"
    if Payment.objects.filter(idempotency_key=key, status=PaymentStatus.SUCCEEDED).exists():
        raise PaymentError(
            _("The %(charge)s was already charged.") % {"charge": PaymentKind(kind).label.lower()},
            field="kind",
            code=PaymentErrorCode.ALREADY_CHARGED,
        )
    limit = charge_due(booking, kind) if kind == PaymentKind.BALANCE else booking.price
    amount = charge_due(booking, kind) if amount is None else int(amount)
    if amount <= 0:
        raise PaymentError(
            _("Nothing is due: give an amount greater than zero."),
            field="amount",
            code=PaymentErrorCode.AMOUNT_INVALID,
        )
    if amount > limit:
        raise PaymentError(
            _("At most %(amount)s can be charged.")
            % {"amount": format_money(limit, booking.currency)},
            field="amount",
            code=PaymentErrorCode.AMOUNT_INVALID,
        )
    card, customer = _card_on_file(booking, card)
    with transaction.atomic():
        payment, _created = Payment.objects.select_for_update().get_or_create(
            idempotency_key=key,
            defaults={
                "clinic": booking.clinic,
                "booking": booking,
                "kind": kind,
                "amount": amount,
                "currency": booking.currency,
            },
        )
        if payment.status == PaymentStatus.SUCCEEDED:
            raise PaymentError(
                _("The %(charge)s was already charged.")
                % {"charge": payment.get_kind_display().lower()},
                field="kind",
                code=PaymentErrorCode.ALREADY_CHARGED,
            )
        payment.amount = amount
        payment.saved_card = card
        payment.actor = actor
        payment.confirm_attempts += 1
        payment.save()
        if audit is not None:
            audit(payment)
    return _charge_off_session(
        booking=booking, payment=payment, card=card, customer=customer, key=key, kind=kind
    )


def _charge_off_session(*, booking, payment, card, customer, key, kind) -> Payment:
    """Ask Stripe to charge ``payment`` (recorded and committed already) to the saved
    card off-session; a decline marks it failed (``payment_declined`` in the booking's
    history) and raises ``CardDeclinedError``."""
    attempt = payment.confirm_attempts
    api = stripe_client(booking.clinic, taking_payment=True)
    try:
        if not payment.stripe_payment_intent_id:
            intent = api.PaymentIntent.create(
                amount=payment.amount,
                currency=booking.currency.lower(),
                customer=customer.stripe_customer_id,
                payment_method=card.stripe_payment_method_id,
                off_session=True,
                confirm=True,
                metadata={
                    "booking_id": str(booking.pk),
                    "payment_id": str(payment.pk),
                    "clinic": booking.clinic.slug,
                    "kind": kind,
                },
                idempotency_key=key if attempt == 1 else f"{key}-{attempt}",
            )
        else:
            pi = payment.stripe_payment_intent_id
            api.PaymentIntent.modify(
                pi,
                amount=payment.amount,
                payment_method=card.stripe_payment_method_id,
                idempotency_key=f"{key}-method-{attempt}",
            )
            intent = api.PaymentIntent.confirm(pi, idempotency_key=f"{key}-confirm-{attempt}")
    except stripe.error.CardError as exc:
        message = exc.user_message or _("The card was declined.")
        failed_pi = object_id(field(exc.error, "payment_intent"))
        updates = {"status": PaymentStatus.FAILED, "last_error": message}
        if failed_pi and not payment.stripe_payment_intent_id:
            updates["stripe_payment_intent_id"] = failed_pi
        Payment.objects.filter(pk=payment.pk).update(**updates)
        booking_event_record(
            booking_id=booking.pk,
            kind="payment_declined",
            data={"payment": payment.pk, "message": message},
        )
        raise CardDeclinedError(
            _("The card on file was declined: %(message)s") % {"message": message}, field="card"
        ) from exc
    except stripe.error.StripeError as exc:
        raise provider_error(exc) from exc
    if not payment.stripe_payment_intent_id:
        Payment.objects.filter(pk=payment.pk, stripe_payment_intent_id="").update(
            stripe_payment_intent_id=intent.id
        )
    return payment_apply_intent(payment_id=payment.pk, intent=intent)


def desk_card_charge(
    *, booking, amount, key, actor, tip=0, extras=0, card=None, record=None
) -> Payment:
    """A desk checkout's tender charged to the client's card on file (off-session),
    ``amount`` in minor units of which ``tip`` is a tip and ``extras`` products sold
    with the visit. The payment (kind ``desk``, key ``key``) is recorded and committed
    before Stripe is asked, with ``record(payment)`` (the desk's tender and audit entry)
    in that transaction; a decline marks it failed and raises ``CardDeclinedError``."""
    booking = Booking.objects.select_related("clinic", "client__user").get(pk=booking.pk)
    amount = int(amount)
    if amount <= 0:
        raise PaymentError(
            _("Give an amount greater than zero."),
            field="amount",
            code=PaymentErrorCode.AMOUNT_INVALID,
        )
    card, customer = _card_on_file(booking, card)
    with transaction.atomic():
        payment = Payment.objects.create(
            clinic=booking.clinic,
            booking=booking,
            kind=PaymentKind.DESK,
            amount=amount,
            currency=booking.currency,
            tip=tip,
            extras=extras,
            saved_card=card,
            actor=actor,
            idempotency_key=key,
            confirm_attempts=1,
        )
        if record is not None:
            record(payment)
    return _charge_off_session(
        booking=booking, payment=payment, card=card, customer=customer, key=key, kind="desk"
    )
