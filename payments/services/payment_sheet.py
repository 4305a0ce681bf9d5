"""Stripe's native PaymentSheet (iOS and Android SDKs): what an app needs to show the
person's saved cards, pay a booking's checkout, and add a card outside a booking.

- ``payment_sheet_start``: the client's Stripe Customer and an ephemeral key for it (a
  short-lived key the SDK uses to list and add the Customer's cards), made for the API
  version this server pins (``STRIPE_EPHEMERAL_KEY_API_VERSION``; the SDK is given the
  same version with the key).
- ``card_add_start`` / ``card_add_refresh``: a SetupIntent on the Customer with no
  booking (``metadata.purpose = "saved_card"``); the app confirms it with the
  PaymentSheet, then asks us to read it again, which saves the card as ``SavedCard``
  (the one list ``GET /api/v1/cards`` shows). On the local test server only,
  ``card_add_confirm`` confirms it on the server with a test card's name instead (the
  portal's "Add a card" page, and the API's ``{"payment_method": "success"}``).
"""

import uuid
from dataclasses import dataclass

import stripe
from django.conf import settings
from django.http import Http404
from django.utils.translation import gettext as _

from payments.customers import card_save, customer_ensure
from payments.errors import CardDeclinedError, PaymentError, PaymentErrorCode, provider_error
from payments.models import SavedCard
from payments.stripe_api import field, object_id, publishable_options, stripe_client
from payments.test_cards import TEST_CARDS, test_card_payment_method, uses_local_test_server

SAVED_CARD_PURPOSE = "saved_card"


def ephemeral_key_api_version() -> str:
    """The Stripe API version ephemeral keys are made for: the setting, else the one the
    installed ``stripe`` library is pinned to (the version this server speaks)."""
    return getattr(settings, "STRIPE_EPHEMERAL_KEY_API_VERSION", "") or stripe.api_version


@dataclass
class PaymentSheet:
    customer: str
    ephemeral_key: str
    ephemeral_key_expires: int  # unix time
    stripe_api_version: str
    publishable_key: str
    stripe_account: str = ""  # the clinic's connected account (the SDK's stripeAccountId)


@dataclass
class CardAdd:
    setup_intent: str
    status: str
    card: SavedCard | None = None
    client_secret: str = ""
    sheet: PaymentSheet | None = None


def payment_sheet_start(*, client) -> PaymentSheet:
    """The Customer (created once) and a fresh ephemeral key for it."""
    customer = customer_ensure(client=client)
    version = ephemeral_key_api_version()
    try:
        key = stripe_client(client.clinic, taking_payment=True).EphemeralKey.create(
            customer=customer.stripe_customer_id, stripe_version=version
        )
    except stripe.error.StripeError as exc:
        raise provider_error(exc) from exc
    return PaymentSheet(
        customer=customer.stripe_customer_id,
        ephemeral_key=field(key, "secret", ""),
        ephemeral_key_expires=field(key, "expires", 0),
        stripe_api_version=version,
        **publishable_options(client.clinic),
    )


def card_add_start(*, client) -> CardAdd:
    """Start adding a card outside a booking: a SetupIntent (off-session use) on the
    client's Customer, with the PaymentSheet's customer and ephemeral key. Nothing is
    charged; the card is saved when the app has confirmed it and calls
    ``card_add_refresh``."""
    sheet = payment_sheet_start(client=client)
    try:
        intent = stripe_client(client.clinic, taking_payment=True).SetupIntent.create(
            customer=sheet.customer,
            usage="off_session",
            metadata={
                "purpose": SAVED_CARD_PURPOSE,
                "client_id": str(client.pk),
                "clinic": client.clinic.slug,
            },
            # A fresh SetupIntent per start (the API's Idempotency-Key replays a retry).
            idempotency_key=f"client-{client.pk}-add-card-{uuid.uuid4().hex}",
        )
    except stripe.error.StripeError as exc:
        raise provider_error(exc) from exc
    return CardAdd(
        setup_intent=intent.id,
        status=intent.status,
        client_secret=intent.client_secret,
        sheet=sheet,
    )


def _own_setup_intent(client, setup_intent_id):
    """The SetupIntent, if it is this client's "add a card" one; else 404 (another
    person's, a booking's, or no such intent are all as unknown)."""
    customer = customer_ensure(client=client)
    if not setup_intent_id.startswith("seti_"):
        raise Http404("No such card setup.")
    try:
        intent = stripe_client(client.clinic).SetupIntent.retrieve(setup_intent_id)
    except stripe.error.InvalidRequestError as exc:
        raise Http404("No such card setup.") from exc
    except stripe.error.StripeError as exc:
        raise provider_error(exc) from exc
    metadata = field(intent, "metadata", {})
    if (
        object_id(field(intent, "customer")) != customer.stripe_customer_id
        or field(metadata, "purpose") != SAVED_CARD_PURPOSE
        or field(metadata, "client_id") != str(client.pk)
    ):
        raise Http404("No such card setup.")
    return customer, intent


def card_add_refresh(*, client, setup_intent_id) -> CardAdd:
    """Read the SetupIntent again (the app confirmed it with the PaymentSheet, 3-D Secure
    included); when it succeeded, the card is saved (once: saving again is a no-op)."""
    customer, intent = _own_setup_intent(client, setup_intent_id)
    card = None
    if intent.status == "succeeded" and object_id(field(intent, "payment_method")):
        card = card_save(
            client=client,
            customer=customer,
            payment_method_id=object_id(field(intent, "payment_method")),
        )
    return CardAdd(setup_intent=intent.id, status=intent.status, card=card)


def card_add_test_authenticate(*, client, setup_intent_id, success) -> CardAdd:
    """The bank's 3-D Secure step of a test card's "add a card" SetupIntent, on the local
    test server only (against Stripe, the Payment Element shows the bank's own step and
    comes back with ``?setup_intent=``): complete it — the intent is confirmed again and
    succeeds, and the card is saved — or fail it — the intent is cancelled and nothing is
    saved. Another client's intent is a 404."""
    if not uses_local_test_server():
        raise PaymentError(
            _("This card is not waiting for your bank's confirmation."),
            field="payment_method",
            code=PaymentErrorCode.PAYMENT_INVALID,
        )
    _customer, intent = _own_setup_intent(client, setup_intent_id)
    if intent.status == "requires_action":
        api = stripe_client(client.clinic, taking_payment=True).SetupIntent
        try:
            if success:  # as Stripe.js after the bank's page: confirmed again, succeeded
                api.confirm(intent.id)
            else:
                api.cancel(intent.id)
        except stripe.error.StripeError as exc:
            raise provider_error(exc) from exc
    return card_add_refresh(client=client, setup_intent_id=intent.id)


def card_add_confirm(*, client, setup_intent_id, payment_method) -> CardAdd:
    """Confirm an "add a card" SetupIntent on the server with a test card's name: only
    against the local test server (anything else is a 400 naming ``payment_method``).
    The card is attached to the Customer first, where Stripe declines 4000…0002: a
    decline raises ``CardDeclinedError`` naming the card, and nothing is saved."""
    test_card = TEST_CARDS.get(payment_method)
    if test_card is None or not uses_local_test_server():
        raise PaymentError(
            _("Only a test card's name is accepted here, and only on the local test server."),
            field="payment_method",
            code=PaymentErrorCode.CARD_UNUSABLE,
        )
    customer, intent = _own_setup_intent(client, setup_intent_id)
    if intent.status != "succeeded":
        try:
            method = test_card_payment_method(
                payment_method, clinic=client.clinic, customer_id=customer.stripe_customer_id
            )
            stripe_client(client.clinic, taking_payment=True).SetupIntent.confirm(
                intent.id, payment_method=method
            )
        except stripe.error.CardError as exc:
            raise CardDeclinedError(
                _("The card ending %(last4)s was declined: %(message)s Please try another card.")
                % {
                    "last4": test_card.number[-4:],
                    "message": exc.user_message or _("Your card was declined."),
                },
                field="payment_method",
            ) from exc
        except stripe.error.StripeError as exc:
            raise provider_error(exc) from exc
    return card_add_refresh(client=client, setup_intent_id=intent.id)
