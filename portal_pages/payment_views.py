"""The portal's payment pages: the checkout step of the booking wizard (pay a deposit or
in full, or save a card on file), saved cards, and receipts. Every rule is in
``payments``; these views only show and collect."""

from django.contrib import messages
from django.db import transaction
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from booking_api.selectors import booking_client_discount
from branding.errors import DomainError
from branding.links import portal_reverse
from branding.money import format_money
from branding.selectors import feature_enabled
from commerce.giftcards.checkout import ref_for as gift_card_ref
from payments import cards, discounts, receipts, services
from payments import selectors as payment_selectors
from payments.errors import CardDeclinedError, PaymentErrorCode
from payments.models import CardSetupStatus, PaymentStatus, RefundStatus
from payments.selectors import payment_for_client, refund_for_client, saved_cards_for_client
from payments.stripe_api import publishable_options
from payments.test_cards import TEST_CARDS, uses_local_test_server
from people.selectors import client_account_for_user
from portal_pages.access import signed_in, visitor_page
from portal_pages.selectors import wizard_progress


def _test_cards():
    if not uses_local_test_server():
        return []
    return [
        {
            "name": c.name,
            "number": " ".join(c.number[i : i + 4] for i in range(0, 16, 4)),
            "label": c.label,
            "outcome": c.outcome,
        }
        for c in TEST_CARDS.values()
    ]


def bank_asks_message():
    """What a payment page says when the card asks for 3-D Secure: against the local test
    server the page shows the bank's test step (``payments/portal/_authenticate.html``);
    against Stripe, Stripe.js shows the bank's own."""
    if uses_local_test_server():
        return _(
            "Your bank asks you to confirm this payment (3-D Secure). This test card "
            "shows the bank's step below: complete it, or choose another card."
        )
    return _("Your bank asks you to confirm this payment: please follow its steps.")


def not_confirmed_message():
    """After the bank's step failed on a purchase or a payment link (nothing is held)."""
    return _(
        "Your bank did not confirm this payment. Nothing was charged: please try again "
        "or use another card."
    )


def bank_step_answer(request):
    """The test step's answer posted (``complete`` or ``fail``): True for complete, False
    for fail, None when none was posted. Only against the local test server (else 404)."""
    answer = request.POST.get("authenticate") if request.method == "POST" else None
    if answer not in ("complete", "fail"):
        return None
    if not uses_local_test_server():
        raise Http404("Test authentication is only offered against the local test server.")
    return answer == "complete"


def _amounts(quote, clinic):
    def fmt(value):
        return format_money(value, quote.currency)

    return {
        "price": fmt(quote.price),
        "discount": fmt(quote.discount) if quote.discount else "",
        "deposit": fmt(quote.deposit) if quote.deposit else "",
        "due_now": fmt(quote.due_now),
        "balance_later": fmt(quote.balance_later) if quote.balance_later else "",
    }


@visitor_page
def checkout(request, booking):
    """The wizard's checkout step: shown after the hold is created, to its client or the
    visitor who booked it as a guest (a clinic may let paying confirm a guest)."""
    mode = payment_selectors.checkout_mode(booking)
    done = redirect("portal:book_done", reference=booking.reference)
    if not mode:
        return done
    try:
        if mode == "save_card":
            return _save_card(request, booking, done)
        return _pay(request, booking, done)
    except DomainError as exc:
        if exc.code != PaymentErrorCode.PAYMENTS_NOT_SET_UP.value:
            raise
        # The clinic has no usable Stripe account: say so (its manager sees why in
        # the admin); the time stays held until the hold runs out.
        return render(
            request,
            "payments/portal/unavailable.html",
            {"booking": booking, "message": exc.message, **wizard_progress(request.clinic, 7)},
            status=409,
        )


def _signed_in_as_client(request, booking):
    return request.user.is_authenticated and request.user.pk == booking.client.user_id


def _pay(request, booking, done):
    clinic = request.clinic
    # No voucher field (the first visit, the return from Stripe.js) keeps the payment's.
    # A visitor paying a guest booking neither sees nor applies the account's vouchers.
    own = _signed_in_as_client(request, booking)
    gifts_on = feature_enabled(clinic, "gift_cards")
    chosen = request.POST.get("voucher", request.GET.get("voucher")) if own else None
    gift_code = request.POST.get("gift_card", request.GET.get("gift_card", "")).strip()
    if gift_code and gifts_on:  # a gift card pays like a voucher, whoever holds the code
        chosen = gift_card_ref(gift_code)
    # "Save this card for next time": the booking's own client only. The forms send
    # save_choice with the box, so an unticked box (absent) means no.
    save_card = None
    if request.method == "POST" and own and "save_choice" in request.POST:
        save_card = request.POST.get("save_card") == "1"
    error = ""
    try:
        payment = services.checkout_start(booking=booking, voucher_ref=chosen, save_card=save_card)
    except DomainError as exc:
        if exc.field == "voucher":
            messages.warning(request, exc.message)
            payment = services.checkout_start(booking=booking, save_card=save_card)
        elif exc.code in ("hold_expired", "not_awaiting_payment"):
            messages.warning(request, exc.message)
            return redirect("portal:book")
        else:
            raise
    client_secret = payment.client_secret  # the refreshed rows below do not carry it
    saving = payment.save_card
    if request.method == "POST" and request.headers.get("X-Requested-With") == "fetch":
        # The Payment Element's script sets the choice before Stripe.js confirms.
        return JsonResponse({"save_card": saving})
    if request.GET.get("returned"):  # back from Stripe.js (the Payment Element)
        payment = services.payment_refresh(payment=payment)
    saved_card_id = request.POST.get("saved_card", "") if request.method == "POST" else ""
    if saved_card_id and own:  # one of the client's saved cards (another's: 404)
        if not saved_card_id.isdigit() or len(saved_card_id) > 18:
            raise Http404("No such card.")
        try:
            payment = cards.payment_with_saved_card(payment=payment, card_id=int(saved_card_id))
        except DomainError as exc:
            if exc.code == "hold_expired":
                messages.warning(request, exc.message)
                return redirect("portal:book")
            error = exc.message
    elif request.method == "POST" and request.POST.get("card"):
        card = request.POST["card"]
        if card not in TEST_CARDS or not uses_local_test_server():
            raise Http404("Test cards are only offered against the local test server.")
        try:
            payment = services.payment_confirm(payment=payment, payment_method=card)
        except CardDeclinedError as exc:
            error = exc.message
        except DomainError as exc:
            if exc.code == "hold_expired":
                messages.warning(request, exc.message)
                return redirect("portal:book")
            error = exc.message
    elif (authenticated := bank_step_answer(request)) is not None:
        try:
            payment = services.payment_test_authenticate(payment=payment, success=authenticated)
        except DomainError as exc:
            if exc.code == "hold_expired":
                messages.warning(request, exc.message)
                return redirect("portal:book")
            error = exc.message
        else:
            if payment.status != PaymentStatus.SUCCEEDED:
                error = _(
                    "Your bank did not confirm this payment. Your time is still held for "
                    "you: please try again or use another card."
                )
    if payment.status == PaymentStatus.SUCCEEDED:
        messages.success(request, _("Thank you: your payment went through."))
        return done
    authenticate = payment.status == PaymentStatus.REQUIRES_ACTION
    if authenticate and not error:
        error = bank_asks_message()
    quote = payment_selectors.checkout_quote(booking, discount=payment.discount)
    booking.refresh_from_db()
    return render(
        request,
        "payments/portal/checkout.html",
        {
            "booking": booking,
            "mode": "pay",
            "payment": payment,
            "quote": quote,
            "amounts": _amounts(quote, request.clinic),
            "client_discount": booking_client_discount(booking),
            "voucher": payment.voucher_ref,
            "vouchers": discounts.vouchers_for(booking) if own else [],
            "gift_cards": gifts_on,
            "gift_code": gift_code,
            "minutes_left": payment_selectors.hold_minutes_left(booking),
            "error": error,
            "test_cards": _test_cards(),
            "authenticate": authenticate and uses_local_test_server(),
            "stripe": _stripe_js(client_secret, booking, clinic),
            "offer_save_card": own,
            "save_card": saving,
            "saved_cards": saved_cards_for_client(clinic, booking.client) if own else [],
            **wizard_progress(request.clinic, 7),
        },
        status=402 if error else 200,
    )


def _save_card(request, booking, done):
    error = ""
    setup = cards.card_setup_start(booking=booking)
    if request.GET.get("returned"):  # back from Stripe.js (the Payment Element)
        setup = cards.card_setup_refresh(setup=setup)
    if request.method == "POST" and request.POST.get("card"):
        card = request.POST["card"]
        if card not in TEST_CARDS or not uses_local_test_server():
            raise Http404("Test cards are only offered against the local test server.")
        try:
            setup = cards.card_setup_confirm(setup=setup, payment_method=card)
        except DomainError as exc:
            error = exc.message
    if setup.status == CardSetupStatus.SUCCEEDED:
        messages.success(request, _("Your card is saved with the clinic."))
        return done
    if setup.status == CardSetupStatus.REQUIRES_ACTION and not error:
        error = _("Your bank asks you to confirm this card: please try another card.")
    return render(
        request,
        "payments/portal/checkout.html",
        {
            "booking": booking,
            "mode": "save_card",
            "error": error,
            "test_cards": _test_cards(),
            "stripe": _stripe_js(setup.client_secret, booking, request.clinic, setup=True),
            **wizard_progress(request.clinic, 7),
        },
        status=402 if error else 200,
    )


def _stripe_js(client_secret, booking, clinic, setup=False):
    """What the Payment Element needs, or None against the local test server."""
    keys = publishable_options(clinic)
    if uses_local_test_server() or not keys["publishable_key"]:
        return None
    return {
        **keys,  # publishable_key, and stripe_account on a connected account
        "client_secret": client_secret,
        "setup": setup,
        "return_url": portal_reverse(
            clinic, "portal:book_pay", reference=booking.reference, query="?returned=1"
        ),
    }


# --- saved cards ---------------------------------------------------------------------


@signed_in
def saved_cards(request):
    clinic = request.clinic
    client = client_account_for_user(clinic, request.user)
    found = saved_cards_for_client(clinic, client) if client else []
    return render(request, "payments/portal/saved_cards.html", {"cards": found})


@require_POST
@signed_in
def saved_card_remove(request, card_id):
    clinic = request.clinic
    client = client_account_for_user(clinic, request.user)
    if client is None:
        raise Http404("No such card.")
    card = cards.saved_card_for_client(clinic, client, card_id)
    try:
        cards.saved_card_remove(card=card)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request, _("Card ending %(last4)s removed.") % {"last4": card.last4 or "····"}
        )
    return redirect("portal:saved_cards")


# --- receipts ------------------------------------------------------------------------


def _pdf(data, filename):
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _client(request):
    client = client_account_for_user(request.clinic, request.user)
    if client is None:
        raise Http404("No such receipt.")
    return client


@signed_in
def payment_receipt(request, payment_id):
    payment = payment_for_client(request.clinic, _client(request), payment_id)
    if payment.status != PaymentStatus.SUCCEEDED:
        raise Http404("No receipt for a payment that has not gone through.")
    return _pdf(receipts.payment_receipt_pdf(payment), receipts.receipt_filename(payment))


@signed_in
def refund_receipt(request, refund_id):
    refund = refund_for_client(request.clinic, _client(request), refund_id)
    if refund.status != RefundStatus.SUCCEEDED:
        raise Http404("No receipt for a refund that has not gone through.")
    return _pdf(
        receipts.refund_receipt_pdf(refund), receipts.receipt_filename(refund.payment, refund)
    )


@require_POST
@signed_in
def payment_receipt_send(request, payment_id):
    payment = payment_for_client(request.clinic, _client(request), payment_id)
    if payment.status != PaymentStatus.SUCCEEDED:
        raise Http404("No receipt for a payment that has not gone through.")
    with transaction.atomic():
        sent = receipts.receipt_email(payment=payment, copy=True)
    if sent is None:
        messages.info(
            request,
            _("A copy went to %(email)s less than a minute ago: please check your inbox.")
            % {"email": request.user.email},
        )
    else:
        messages.success(
            request,
            _("We have emailed a copy of the receipt to %(email)s.")
            % {"email": request.user.email},
        )
    return redirect("portal:booking_history")
