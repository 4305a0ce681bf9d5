"""Account → Cards → "Add a card": a SetupIntent on the client's Customer with no
booking (``payments.services.payment_sheet``, as the apps' ``POST /api/v1/cards/add``).
Against the local test server the page offers the demo's test cards (confirmed on the
server); in production, Stripe's Payment Element in setup mode, which comes back here
with ``?setup_intent=…``. ``?next=`` (a same-site relative path only) is where the
patient returns once the card is saved (the packages or a membership page)."""

from urllib.parse import urlencode

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _

from branding.errors import DomainError
from branding.links import portal_reverse
from payments.services.payment_sheet import (
    card_add_confirm,
    card_add_refresh,
    card_add_start,
    card_add_test_authenticate,
)
from payments.stripe_api import publishable_options
from payments.test_cards import TEST_CARDS, uses_local_test_server
from people.services import client_account_ensure
from portal_pages.access import signed_in
from portal_pages.payment_views import _test_cards, bank_asks_message, bank_step_answer


def safe_next(value) -> str:
    """``value`` when it is a path on this site ("/packages/"), else ""."""
    value = (value or "").strip()
    if (
        not value.startswith("/")
        or value.startswith("//")
        or "\\" in value
        or not url_has_allowed_host_and_scheme(value, allowed_hosts=None)
    ):
        return ""
    return value


def _saved(request, added, next_url):
    messages.success(
        request,
        _("Card ending %(last4)s saved. You can use it to pay.") % {"last4": added.card.last4},
    )
    return redirect(next_url or "portal:saved_cards")


@signed_in
def card_add(request):
    clinic = request.clinic
    client = client_account_ensure(clinic=clinic, user=request.user)
    next_url = safe_next(request.POST.get("next") or request.GET.get("next"))
    error = ""
    authenticate = ""  # the SetupIntent waiting for the bank's test step
    returned = request.GET.get("setup_intent", "")
    if returned:  # back from the Payment Element (Stripe adds the SetupIntent's id)
        try:
            added = card_add_refresh(client=client, setup_intent_id=returned)
        except DomainError as exc:
            error = exc.message
        else:
            if added.card:
                return _saved(request, added, next_url)
            error = _("The card was not saved. Please try again or use another card.")
    if (answer := bank_step_answer(request)) is not None:  # the test step (local server)
        try:
            added = card_add_test_authenticate(
                client=client,
                setup_intent_id=request.POST.get("setup_intent", ""),
                success=answer,
            )
        except DomainError as exc:
            error = exc.message
        else:
            if added.card:
                return _saved(request, added, next_url)
            error = _(
                "Your bank did not confirm this card, so it was not saved. Please try again "
                "or use another card."
            )
    elif request.method == "POST" and request.POST.get("card"):
        name = request.POST["card"]
        if name not in TEST_CARDS or not uses_local_test_server():
            raise Http404("Test cards are only offered against the local test server.")
        try:
            started = card_add_start(client=client)
            added = card_add_confirm(
                client=client, setup_intent_id=started.setup_intent, payment_method=name
            )
        except DomainError as exc:
            error = exc.message
        else:
            if added.card:
                return _saved(request, added, next_url)
            if added.status == "requires_action":
                authenticate = added.setup_intent
                error = bank_asks_message()
            else:
                error = _("The card was not saved. Please try again or use another card.")
    stripe = None
    keys = publishable_options(clinic)
    if not uses_local_test_server() and keys["publishable_key"]:
        started = card_add_start(client=client)
        query = "?" + urlencode({"next": next_url}) if next_url else ""
        stripe = {
            **keys,
            "client_secret": started.client_secret,
            "setup": True,
            "return_url": portal_reverse(clinic, "portal:card_add", query=query),
        }
    return render(
        request,
        "payments/portal/card_add.html",
        {
            "error": error,
            "next": next_url,
            "test_cards": _test_cards(),
            "stripe": stripe,
            "authenticate": authenticate,
        },
        status=402 if error else 200,
    )
