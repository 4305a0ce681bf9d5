"""Stripe's standard test cards, offered as buttons when the server talks to the local
Stripe test server (the demo and the tests), and confirmed on the server.

Against Stripe itself the portal renders the Payment Element instead and these are never
used: ``uses_local_test_server()`` is false.
"""

from dataclasses import dataclass
from ipaddress import ip_address
from urllib.parse import urlencode, urlparse
from urllib.request import Request, urlopen

from django.conf import settings
from django.utils.translation import gettext_lazy as _

from payments.stripe_api import stripe_client


@dataclass(frozen=True)
class TestCard:
    __test__ = False  # not a pytest class

    name: str
    number: str
    label: str
    outcome: str


TEST_CARDS = {
    card.name: card
    for card in (
        TestCard("success", "4242424242424242", _("Visa"), _("pays")),
        TestCard("decline", "4000000000000341", _("Visa"), _("declined when charged")),
        TestCard("decline_generic", "4000000000000002", _("Visa"), _("declined")),
        TestCard("authentication", "4000002500003155", _("Visa"), _("asks for authentication")),
    )
}


def uses_local_test_server() -> bool:
    """True when ``STRIPE_API_BASE`` points at a loopback host (localstripe), derived
    from the setting each time so tests and the demo can change it."""
    base = getattr(settings, "STRIPE_API_BASE", "")
    if not base:
        return False
    host = urlparse(base).hostname or ""
    if host == "localhost":
        return True
    try:
        return ip_address(host).is_loopback
    except ValueError:
        return False


def test_cards_offered() -> dict:
    """``{name: "4242 4242 4242 4242"}`` when on the local test server, else empty."""
    if not uses_local_test_server():
        return {}
    return {
        name: " ".join(c.number[i : i + 4] for i in range(0, 16, 4))
        for name, c in TEST_CARDS.items()
    }


def test_card_payment_method(name, *, clinic, customer_id="") -> str:
    """A PaymentMethod id for a test card name (anything else is returned unchanged).

    The card is attached to the client's Customer first when one is given: Stripe
    declines 4000 0000 0000 0002 there, and so does localstripe (which, unlike Stripe,
    would otherwise let it pay)."""
    card = TEST_CARDS.get(name)
    if card is None or not uses_local_test_server():
        return name
    api = stripe_client(clinic)
    method = api.PaymentMethod.create(
        type="card", card={"number": card.number, "exp_month": 12, "exp_year": 2034, "cvc": "123"}
    )
    if customer_id:
        api.PaymentMethod.attach(method.id, customer=customer_id)
    return method.id


def test_card_authenticate(intent_id, *, api, client_secret, success) -> None:
    """Complete (or fail) the 3-D Secure step of a test card's PaymentIntent on the local
    test server, as Stripe's test authentication page does (localstripe's
    ``/_authenticate``). Only against the local test server."""
    if not uses_local_test_server():
        raise ValueError("Test authentication only against the local test server.")
    base = settings.STRIPE_API_BASE.rstrip("/")
    body = urlencode({"client_secret": client_secret, "success": "true" if success else "false"})
    request = Request(
        f"{base}/v1/payment_intents/{intent_id}/_authenticate",
        data=body.encode(),
        headers={
            "Authorization": f"Bearer {api.options['api_key']}",
            # On the clinic's account, as every other call (payments.stripe_api).
            **({"Stripe-Account": api.account_id} if api.account_id else {}),
        },
        method="POST",
    )
    with urlopen(request, timeout=10) as response:  # noqa: S310 (loopback only, checked above)
        response.read()
