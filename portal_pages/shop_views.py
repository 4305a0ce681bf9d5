"""The portal's shop pages: packages (on sale, and the patient's own with sessions left
and their history), gift cards (buy one for someone, look a balance up by code), paying
for a purchase, and its receipt. Every rule is in ``commerce``; these views only show
and collect. A feature's toggle off: its pages answer 404."""

from allauth.core import ratelimit
from django import forms
from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from branding.errors import DomainError
from branding.links import portal_reverse
from branding.money import AmountField, format_money
from branding.selectors import feature_enabled
from commerce import receipts
from commerce.giftcards.selectors import gift_cards_bought_by
from commerce.giftcards.services import gift_card_buy_start, gift_card_lookup
from commerce.installments.selectors import client_installment_plans, installment_options
from commerce.installments.services import package_buy_in_installments
from commerce.models import PurchaseStatus
from commerce.packages.selectors import client_packages, package_entries, plans_on_sale
from commerce.packages.services import package_buy_start
from commerce.purchases import (
    purchase_confirm,
    purchase_intent_start,
    purchase_pay_with_saved_card,
    purchase_refresh,
    purchase_test_authenticate,
)
from commerce.selectors import client_purchases, purchase_for_client
from payments.errors import CardDeclinedError
from payments.selectors import saved_cards_for_client
from payments.stripe_api import publishable_options
from payments.test_cards import TEST_CARDS, uses_local_test_server
from people.services import client_account_ensure
from portal_pages.access import feature_required, signed_in
from portal_pages.payment_views import (
    _test_cards,
    bank_asks_message,
    bank_step_answer,
    not_confirmed_message,
)

# Each kind of purchase belongs to a feature toggle, and lands on its page when paid.
FEATURE_OF_KIND = {"package": "packages", "gift_card": "gift_cards", "order": "orders"}
DONE_OF_KIND = {"package": "portal:packages", "gift_card": "portal:gift_cards"}


def _client(request):
    return client_account_ensure(clinic=request.clinic, user=request.user)


@feature_required("packages")
@signed_in
def packages_page(request):
    clinic, client = request.clinic, _client(request)
    mine = client_packages(clinic, client)
    for package in mine:
        package.history = package_entries(clinic, package)
    plans = plans_on_sale(clinic)
    for plan in plans:
        plan.installment_options = installment_options(clinic, plan.price)
    return render(
        request,
        "commerce/portal/packages.html",
        {
            "plans": plans,
            "mine": mine,
            "purchases": client_purchases(clinic, client, paid_only=True),
            "cards": saved_cards_for_client(clinic, client),
            "installment_plans": client_installment_plans(clinic, client, include_cancelled=False),
        },
    )


@feature_required("packages")
@signed_in
@require_POST
def package_buy(request, plan_id):
    try:
        purchase = package_buy_start(
            clinic=request.clinic, client=_client(request), plan_id=plan_id
        )
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("portal:packages")
    return redirect("portal:purchase_pay", reference=purchase.reference)


@feature_required("packages")
@signed_in
@require_POST
def package_buy_installments(request, plan_id):
    """Pay a package in monthly installments on a saved card: the first is charged now."""
    try:
        count = int(request.POST.get("installments", ""))
        card_id = int(request.POST.get("card", ""))
    except ValueError:
        messages.error(request, _("Choose how many installments and which card."))
        return redirect("portal:packages")
    try:
        purchase = package_buy_in_installments(
            clinic=request.clinic,
            client=_client(request),
            plan_id=plan_id,
            count=count,
            card_id=card_id,
        )
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("portal:packages")
    messages.success(
        request,
        _("Thank you: the first installment of %(amount)s went through.")
        % {"amount": format_money(purchase.amount_captured, purchase.currency)},
    )
    return redirect("portal:packages")


@signed_in
def purchase_pay(request, reference):
    """Pay for a purchase: test cards against the local test server, else the Payment
    Element (Stripe.js)."""
    clinic = request.clinic
    purchase = purchase_for_client(clinic, _client(request), reference=reference)
    if not feature_enabled(clinic, FEATURE_OF_KIND[purchase.kind]):
        raise Http404("This feature is turned off.")
    error = ""
    if request.GET.get("returned"):
        purchase = purchase_refresh(purchase=purchase)
    saved_card_id = request.POST.get("saved_card", "") if request.method == "POST" else ""
    if saved_card_id:  # one of the client's saved cards (another's: 404)
        if not saved_card_id.isdigit() or len(saved_card_id) > 18:
            raise Http404("No such card.")
        try:
            purchase = purchase_pay_with_saved_card(purchase=purchase, card_id=int(saved_card_id))
        except DomainError as exc:
            error = exc.message
    elif request.method == "POST" and request.POST.get("card"):
        card = request.POST["card"]
        if card not in TEST_CARDS or not uses_local_test_server():
            raise Http404("Test cards are only offered against the local test server.")
        try:
            purchase = purchase_confirm(purchase=purchase, payment_method=card)
        except CardDeclinedError as exc:
            error = exc.message
        except DomainError as exc:
            error = exc.message
    elif (authenticated := bank_step_answer(request)) is not None:
        try:
            purchase = purchase_test_authenticate(purchase=purchase, success=authenticated)
        except DomainError as exc:
            error = exc.message
        else:
            if purchase.status != PurchaseStatus.SUCCEEDED:
                error = not_confirmed_message()
    if purchase.status == PurchaseStatus.SUCCEEDED:
        messages.success(request, _("Thank you: your payment went through."))
        return redirect(_done_url(purchase))
    authenticate = purchase.status == PurchaseStatus.REQUIRES_ACTION
    if authenticate and not error:
        error = bank_asks_message()
    stripe = None
    keys = publishable_options(clinic)
    if not uses_local_test_server() and keys["publishable_key"]:
        started = purchase_intent_start(purchase)
        stripe = {
            **keys,  # publishable_key, and stripe_account on a connected account
            "client_secret": started.client_secret,
            "setup": False,
            "return_url": portal_reverse(
                clinic, "portal:purchase_pay", reference=purchase.reference, query="?returned=1"
            ),
        }
    return render(
        request,
        "commerce/portal/pay.html",
        {
            "purchase": purchase,
            "amount": format_money(purchase.amount, purchase.currency),
            "error": error,
            "authenticate": authenticate and uses_local_test_server(),
            "test_cards": _test_cards(),
            "stripe": stripe,
            "saved_cards": saved_cards_for_client(clinic, purchase.client),
        },
        status=402 if error else 200,
    )


def _done_url(purchase):
    if purchase.kind == "order":
        return reverse("portal:order_detail", args=[purchase.order.reference])
    return DONE_OF_KIND.get(purchase.kind, "portal:booking_history")


@signed_in
def purchase_receipt(request, reference):
    purchase = purchase_for_client(request.clinic, _client(request), reference=reference)
    if purchase.status != PurchaseStatus.SUCCEEDED:
        raise Http404("No receipt: the purchase has not been paid.")
    response = HttpResponse(receipts.purchase_receipt_pdf(purchase), content_type="application/pdf")
    response["Content-Disposition"] = (
        f'inline; filename="{receipts.purchase_receipt_filename(purchase)}"'
    )
    response["Cache-Control"] = "private, no-store"
    return response


# --- Gift cards -----------------------------------------------------------------------


class GiftCardForm(forms.Form):
    amount = AmountField(label=_("Amount"))
    recipient_name = forms.CharField(label=_("Recipient's name"), max_length=120)
    recipient_email = forms.EmailField(label=_("Recipient's email"))
    message = forms.CharField(
        label=_("Message (optional)"),
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    deliver_on = forms.DateField(
        label=_("Send it on"), widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args, currency, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["amount"].currency = currency


@feature_required("gift_cards")
@signed_in
def gift_cards_page(request):
    """Buy a gift card for someone; the cards you bought, with what is left on each."""
    clinic = request.clinic
    client = _client(request)
    form = GiftCardForm(
        request.POST or None,
        currency=clinic.currency,
        initial={"deliver_on": timezone.localdate()},
    )
    if request.method == "POST" and form.is_valid():
        try:
            purchase = gift_card_buy_start(clinic=clinic, client=client, **form.cleaned_data)
        except DomainError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            return redirect("portal:purchase_pay", reference=purchase.reference)
    return render(
        request,
        "commerce/portal/gift_cards.html",
        {
            "form": form,
            "bought": gift_cards_bought_by(clinic, client),
            "purchases": [
                p for p in client_purchases(clinic, client, paid_only=True) if p.kind == "gift_card"
            ],
        },
        status=400 if form.errors else 200,
    )


@feature_required("gift_cards")
def gift_card_balance_page(request):
    """Anyone holding a code may look its balance up (limited per client address)."""
    card = error = None
    code = request.POST.get("code", "").strip()
    if request.method == "POST":
        allowed = ratelimit.consume(request, action="gift_card_lookup")
        try:
            card = gift_card_lookup(clinic=request.clinic, code=code, allowed=allowed)
        except DomainError as exc:
            error = exc
    return render(
        request,
        "commerce/portal/gift_card_balance.html",
        {"card": card, "error": error, "code": code},
        status=error.status if error else 200,
    )
