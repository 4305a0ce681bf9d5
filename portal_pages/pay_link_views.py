"""A payment link's page (/pay/<token>/): what the clinic asks the patient to pay, paid
on their phone without signing in (the signed token is the credential). It shows the
clinic, what the payment is for and the amount, nothing else of the booking or the
client. A tampered token or another clinic's answers 404; a cancelled, expired or paid
link says so and charges nothing. The rules are in ``payments.services.pay_links``."""

from django.http import Http404
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from branding import clinic_time
from branding.errors import DomainError
from branding.links import portal_reverse
from branding.money import format_money
from payments.errors import CardDeclinedError, PaymentErrorCode
from payments.models import PaymentStatus
from payments.pay_links import link_state, pay_link_for_token
from payments.services.pay_links import (
    pay_link_confirm,
    pay_link_refresh,
    pay_link_start,
    pay_link_test_authenticate,
)
from payments.stripe_api import publishable_options
from payments.test_cards import TEST_CARDS, uses_local_test_server
from portal_pages.access import rate_limited
from portal_pages.payment_views import (
    _test_cards,
    bank_asks_message,
    bank_step_answer,
    not_confirmed_message,
)

TEMPLATE = "payments/portal/pay_link.html"


@require_http_methods(["GET", "POST"])
@rate_limited("payment_link", methods=("GET", "POST"))
@never_cache
def pay_link(request, token):
    clinic = request.clinic
    try:
        link = pay_link_for_token(token, clinic=clinic)
    except DomainError as exc:
        raise Http404(exc.message) from exc
    context = {
        "link": link,
        "what": link.reason or link.get_kind_display(),
        "kind": link.get_kind_display(),
        "service": link.booking.service.name,
        "amount": format_money(link.amount, link.currency),
        "until": clinic_time.format_datetime(link.expires_at, "weekday"),
    }
    if request.GET.get("returned") and link.payment_id:
        link = pay_link_refresh(link=link)
    state = link_state(link)
    if state != "open":
        return render(request, TEMPLATE, {**context, "state": state}, status=_closed(state))
    error = ""
    payment = None
    try:
        if request.method == "POST" and request.POST.get("card"):
            card = request.POST["card"]
            if card not in TEST_CARDS or not uses_local_test_server():
                raise Http404("Test cards are only offered against the local test server.")
            try:
                payment = pay_link_confirm(link=link, payment_method=card)
            except CardDeclinedError as exc:
                error = exc.message
        elif (authenticated := bank_step_answer(request)) is not None:
            payment = pay_link_test_authenticate(link=link, success=authenticated)
            if payment.status != PaymentStatus.SUCCEEDED:
                error = not_confirmed_message()
        if payment is None or payment.status != PaymentStatus.SUCCEEDED:
            payment = pay_link_start(link=link)
    except DomainError as exc:
        if exc.code == PaymentErrorCode.LINK_CLOSED.value:
            return render(request, TEMPLATE, {**context, "state": "settled"}, status=410)
        error = error or exc.message  # e.g. the clinic cannot take payment right now
    if payment is not None and payment.status == PaymentStatus.SUCCEEDED:
        return render(request, TEMPLATE, {**context, "state": "paid", "just_paid": True})
    authenticate = payment is not None and payment.status == PaymentStatus.REQUIRES_ACTION
    if authenticate and not error:
        error = bank_asks_message()
    return render(
        request,
        TEMPLATE,
        {
            **context,
            "state": "open",
            "error": error,
            "authenticate": authenticate and uses_local_test_server(),
            "test_cards": _test_cards() if payment is not None else [],
            "stripe": _stripe_js(payment, clinic, token),
        },
        status=402 if error else 200,
    )


def _closed(state):
    return 200 if state == "paid" else 410


def _stripe_js(payment, clinic, token):
    keys = publishable_options(clinic)
    if payment is None or uses_local_test_server() or not keys["publishable_key"]:
        return None
    return {
        **keys,  # publishable_key, and stripe_account on a connected account
        "client_secret": payment.client_secret,
        "setup": False,
        "return_url": portal_reverse(clinic, "portal:pay_link", token=token, query="?returned=1"),
    }
