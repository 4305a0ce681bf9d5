"""Charges for what patients buy besides a booking (packages, gift cards, orders: the
``commerce`` app), without payments importing the app that sells them.

The selling app keeps its own row for the purchase (amount, status, the intent's id, an
idempotency key of its own) and asks here for the Stripe calls, which follow the
booking checkout's rules: every call carries a key derived from that row; a declined
card or one given up for another is never confirmed again (the next card gets a fresh
PaymentIntent keyed ``<key>-attempt-<n>``, the spent one cancelled first); a test card
is used only against the local test server; a decline is a ``CardDeclinedError``
naming ``payment_method``.

Webhooks: an intent created here carries ``metadata.purpose``; the selling app
registers a handler for its purpose (``register_intent_handler``) from its
``AppConfig.ready`` and payments' webhook processing hands it every
``payment_intent.*`` event of that purpose (``handler(intent, clinic=) -> str``, the
result recorded on the event; ``clinic`` is the clinic whose Stripe account the event
came from, and a handler only touches that clinic's rows). Handlers must be idempotent
and apply the intent under a row lock, as ``payment_apply_intent`` does.

Subscriptions (commerce's memberships): the selling app registers a handler for event
types by prefix (``register_event_handler("invoice.", handler)``); payments' webhook
processing hands it each verified, recorded-once event of those types
(``handler(event_type, object_id, clinic=) -> str``). The handler reads the object
again from the clinic's account (events may come late, twice or out of order) and
touches only that clinic's rows.

Every call is made on the clinic's own Stripe account (``stripe_client(clinic)``); a
clinic that cannot take online payment is refused (``payments_not_set_up``).
"""

import stripe
from django.utils.translation import gettext as _

from payments.customers import customer_ensure
from payments.errors import CardDeclinedError, PaymentError, PaymentErrorCode, provider_error
from payments.stripe_api import field, stripe_client
from payments.test_cards import (
    TEST_CARDS,
    test_card_authenticate,
    test_card_payment_method,
    uses_local_test_server,
)

_intent_handlers = {}


def register_intent_handler(purpose: str, handler) -> None:
    """``handler(intent, clinic=) -> str`` for every PaymentIntent of this purpose."""
    _intent_handlers[purpose] = handler


_event_handlers = {}


def register_event_handler(prefix: str, handler) -> None:
    """``handler(event_type, object_id, clinic=) -> str`` for events whose type starts
    with ``prefix`` (``"invoice."``, ``"customer.subscription."``)."""
    _event_handlers[prefix] = handler


def event_handler_for(event_type: str):
    for prefix, handler in _event_handlers.items():
        if event_type.startswith(prefix):
            return handler
    return None


def intent_handler_for(intent):
    """The handler registered for the intent's ``metadata.purpose``, or None."""
    purpose = field(field(intent, "metadata"), "purpose", "")
    return _intent_handlers.get(purpose)


def charge_intent_create(*, clinic, purpose, key, amount, currency, metadata):
    """A PaymentIntent for ``amount`` (minor units), keyed ``key``, on the clinic's
    account."""
    api = stripe_client(clinic, taking_payment=True)
    try:
        return api.PaymentIntent.create(
            amount=amount,
            currency=currency.lower(),
            metadata={"purpose": purpose, **{k: str(v) for k, v in metadata.items()}},
            idempotency_key=key,
        )
    except stripe.error.StripeError as exc:
        raise provider_error(exc) from exc


def charge_intent_retrieve(*, clinic, intent_id):
    try:
        return stripe_client(clinic).PaymentIntent.retrieve(intent_id)
    except stripe.error.StripeError as exc:
        raise provider_error(exc) from exc


def charge_intent_cancel(*, clinic, intent_id) -> bool:
    """Cancel a PaymentIntent nobody will pay now (an order given up). False when Stripe
    refuses because it is already paid, processing or cancelled: a payment that still
    arrives is then the selling app's to give back."""
    try:
        stripe_client(clinic, taking_payment=True).PaymentIntent.cancel(intent_id)
    except stripe.error.InvalidRequestError:
        return False
    except stripe.error.StripeError as exc:
        raise provider_error(exc) from exc
    return True


def _spent(intent) -> bool:
    return intent.status == "canceled" or (
        intent.status == "requires_payment_method" and bool(field(intent, "last_payment_error"))
    )


def charge_confirm(*, clinic, intent_id, payment_method, client, key, attempt, purpose, metadata):
    """Confirm the intent with ``payment_method`` (a saved card's PaymentMethod or, on the
    local test server, a test card's name). Returns the intent as Stripe has it after
    (``succeeded``, ``requires_action``…), which may be a fresh one replacing a spent
    intent: the caller stores its id. A succeeded intent is returned untouched."""
    from payments.services.holds import CANCELLABLE  # payments.services imports this module

    api = stripe_client(clinic, taking_payment=True)
    try:
        intent = api.PaymentIntent.retrieve(intent_id)
        if intent.status in ("succeeded", "processing"):
            return intent
        if _spent(intent) or intent.status == "requires_action":
            if intent.status in CANCELLABLE:
                try:
                    intent = api.PaymentIntent.cancel(
                        intent.id, idempotency_key=f"{key}-cancel-{intent.id}"
                    )
                except stripe.error.InvalidRequestError:
                    intent = api.PaymentIntent.retrieve(intent.id)
            if intent.status != "canceled":
                return intent  # it went through after all
            intent = api.PaymentIntent.create(
                amount=intent.amount,
                currency=intent.currency,
                metadata={"purpose": purpose, **{k: str(v) for k, v in metadata.items()}},
                idempotency_key=f"{key}-attempt-{attempt}",
            )
    except stripe.error.StripeError as exc:
        raise provider_error(exc) from exc
    try:
        if payment_method in TEST_CARDS and uses_local_test_server():
            customer = customer_ensure(client=client)
            payment_method = test_card_payment_method(
                payment_method, clinic=clinic, customer_id=customer.stripe_customer_id
            )
        # Stripe accepts payment_method on confirm too; localstripe only on update.
        api.PaymentIntent.modify(
            intent.id, payment_method=payment_method, idempotency_key=f"{key}-method-{attempt}"
        )
        return api.PaymentIntent.confirm(intent.id, idempotency_key=f"{key}-confirm-{attempt}")
    except stripe.error.CardError as exc:
        message = exc.user_message or _("Your card was declined.")
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


def charge_test_authenticate(*, clinic, intent_id, success):
    """The 3-D Secure step of a test card's intent, on the local test server only (against
    Stripe, Stripe.js shows the bank's own step): complete it, or fail it — the next card
    then gets a fresh intent (``charge_confirm``). Returns the intent as it is after."""
    if not uses_local_test_server():
        raise PaymentError(
            _("This payment is not waiting for your bank's confirmation."),
            field="payment",
            code=PaymentErrorCode.PAYMENT_INVALID,
        )
    api = stripe_client(clinic)
    try:
        intent = api.PaymentIntent.retrieve(intent_id)
        if intent.status == "requires_action":
            test_card_authenticate(
                intent.id, api=api, client_secret=intent.client_secret, success=success
            )
            intent = api.PaymentIntent.retrieve(intent.id)
    except (stripe.error.StripeError, OSError) as exc:
        raise provider_error(exc) from exc
    return intent


def charge_refund(*, clinic, intent_id, amount, key, metadata):
    """Refund ``amount`` of a succeeded intent. Returns Stripe's refund."""
    try:
        return stripe_client(clinic).Refund.create(
            payment_intent=intent_id,
            amount=amount,
            metadata={k: str(v) for k, v in metadata.items()},
            idempotency_key=key,
        )
    except stripe.error.StripeError as exc:
        raise provider_error(exc) from exc


def charge_saved_card(*, clinic, card, amount, currency, key, purpose, metadata):
    """Charge a saved card off-session (the patient is not there), keyed ``key``: the
    same key sent again — a worker repeating an attempt it may have made before dying —
    gets Stripe's first answer back instead of a second charge. Returns the intent; a
    decline is a ``CardDeclinedError`` naming ``card``."""
    customer = customer_ensure(client=card.client)
    api = stripe_client(clinic, taking_payment=True)
    try:
        return api.PaymentIntent.create(
            amount=amount,
            currency=currency.lower(),
            customer=customer.stripe_customer_id,
            payment_method=card.stripe_payment_method_id,
            off_session=True,
            confirm=True,
            metadata={"purpose": purpose, **{k: str(v) for k, v in metadata.items()}},
            idempotency_key=key,
        )
    except stripe.error.CardError as exc:
        message = exc.user_message or _("The card was declined.")
        raise CardDeclinedError(
            _("The card on file was declined: %(message)s") % {"message": message}, field="card"
        ) from exc
    except stripe.error.StripeError as exc:
        raise provider_error(exc) from exc
