"""The client account's "Packages" tab and the actions behind it: sell a package at the
desk, add or take sessions with a reason, refund a purchase (at most what was paid).
Scoped to the admin clinic (``ClinicWorkspaceMixin``): another clinic's client,
package or purchase answers 404. Each action writes its audit entry in the same
transaction; front-desk staff and managers act here, therapists do not."""

from django import forms
from django.contrib import messages
from django.db import transaction
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views import View

from branding.errors import DomainError
from branding.money import format_money
from branding.selectors import feature_enabled
from commerce import receipts
from commerce.installments.selectors import client_installment_plans
from commerce.installments.services import installment_retry_now
from commerce.models import DeskSaleMethod, Installment, PackagePlan, PurchaseStatus
from commerce.packages.selectors import package_entries
from commerce.packages.services import package_adjust, package_sell
from commerce.purchases import purchase_refund, purchase_refunded
from commerce.selectors import client_purchases, purchase_for_staff
from commerce.staff.overview import packages_for
from people.account_tabs import client_tab_url
from people.admin_toolkit.fields import MoneyField, WholeNumberField
from people.admin_toolkit.workspace import (
    FRONT_DESK,
    MANAGERS,
    ClinicWorkspaceMixin,
    request_admin_role,
)
from people.models import AuditAction, ClientAccount
from people.services import audit_record


class SellForm(forms.Form):
    plan = forms.ModelChoiceField(label=_("Package"), queryset=PackagePlan.objects.none())
    # The money is taken now, by a way staff choose (recorded on the purchase).
    method = forms.ChoiceField(label=_("Paid by"), choices=DeskSaleMethod.choices)

    def __init__(self, *args, clinic, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["plan"].queryset = PackagePlan.objects.filter(clinic=clinic, active=True)


class AdjustForm(forms.Form):
    package = forms.IntegerField(widget=forms.HiddenInput)
    amount = WholeNumberField(label=_("Sessions (+ or −)"), min_value=-999, max_value=999)
    reason = forms.CharField(label=_("Reason"), max_length=200)


class RetryForm(forms.Form):
    installment = forms.IntegerField(widget=forms.HiddenInput)


class RefundForm(forms.Form):
    purchase = forms.IntegerField(widget=forms.HiddenInput)
    amount = MoneyField(label=_("Amount"))
    reason = forms.CharField(label=_("Reason"), max_length=300)

    def __init__(self, *args, currency, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["amount"].currency = currency


def is_shown(request, clinic, account):
    """For the front desk, where the clinic sells packages or gift cards (the purchases
    stay listed there)."""
    sells = feature_enabled(clinic, "packages") or feature_enabled(clinic, "gift_cards")
    return sells and request_admin_role(request) in FRONT_DESK


def tab_context(request, clinic, account):
    packages = packages_for(request, clinic, account)
    for package in packages:
        package.history = package_entries(clinic, package)
    purchases = client_purchases(clinic, account, paid_only=True)
    for purchase in purchases:
        purchase.refundable = purchase.amount_captured - sum(
            r.amount for r in purchase.refunds.all()
        )
        purchase.refundable_display = format_money(purchase.refundable, purchase.currency)
    action = lambda name: reverse("commerce_client_action", args=[account.pk, name])  # noqa: E731
    return {
        "packages": packages,
        "purchases": purchases,
        "installment_plans": client_installment_plans(clinic, account),
        "sell_form": SellForm(clinic=clinic) if feature_enabled(clinic, "packages") else None,
        "urls": {name: action(name) for name in ("sell", "adjust", "refund", "retry")},
        "currency": clinic.currency,
        # Adding sessions is a manager's; the front desk takes them off.
        "may_credit": request_admin_role(request) in MANAGERS,
    }


def _run(request, form, action, success):
    if not form.is_valid():
        for field, errors in form.errors.items():
            label = form.fields[field].label if field in form.fields else ""
            messages.error(request, f"{label}: {errors[0]}" if label else errors[0])
        return
    try:
        action(form.cleaned_data)
    except DomainError as error:
        label = form.fields[error.field].label if error.field in form.fields else ""
        messages.error(request, f"{label}: {error.message}" if label else error.message)
        return
    messages.success(request, success)


class ClientShopActionView(ClinicWorkspaceMixin, View):
    def post(self, request, pk, action):
        clinic = self.clinic
        client = get_object_or_404(ClientAccount, pk=pk, clinic=clinic)
        if action == "sell":
            form = SellForm(request.POST, clinic=clinic)
            _run(
                request,
                form,
                lambda d: package_sell(
                    clinic=clinic,
                    client=client,
                    plan_id=d["plan"].pk,
                    method=d["method"],
                    actor=request.user,
                    request=request,
                ),
                _("Package sold."),
            )
        elif action == "adjust":
            form = AdjustForm(request.POST)
            _run(
                request,
                form,
                lambda d: _adjust(request, clinic, client, d),
                _("Sessions changed."),
            )
        elif action == "retry":
            form = RetryForm(request.POST)
            _run(
                request,
                form,
                lambda d: _retry(request, clinic, client, d),
                _("Installment tried again: see its status below."),
            )
        elif action == "refund":
            form = RefundForm(request.POST, currency=clinic.currency)
            _run(
                request,
                form,
                lambda d: _refund(request, clinic, client, d),
                _("Refunded."),
            )
        else:
            raise Http404
        return redirect(client_tab_url(client.pk, "packages"))


def _adjust(request, clinic, client, data):
    if not client.packages.filter(pk=data["package"], clinic=clinic).exists():
        raise Http404
    package_adjust(
        clinic=clinic,
        package_id=data["package"],
        amount=data["amount"],
        actor=request.user,
        reason=data["reason"],
        request=request,
    )


@transaction.atomic
def _refund(request, clinic, client, data):
    purchase = purchase_for_staff(clinic, data["purchase"])
    if purchase.client_id != client.pk:
        raise Http404
    refund = purchase_refund(
        purchase=purchase, amount=data["amount"], actor=request.user, reason=data["reason"]
    )
    audit_record(
        clinic=clinic,
        actor=request.user,
        action=AuditAction.CHANGE,
        client=client,
        summary=(
            f"Refunded {format_money(refund.amount, purchase.currency)} of "
            f"{purchase.description} ({data['reason']})"
        ),
        changes={
            "refunded": [purchase_refunded(purchase) - refund.amount, purchase_refunded(purchase)]
        },
        request=request,
    )


def _retry(request, clinic, client, data):
    if not Installment.objects.filter(
        pk=data["installment"], plan__clinic=clinic, plan__client=client
    ).exists():
        raise Http404
    installment_retry_now(
        clinic=clinic, installment_id=data["installment"], actor=request.user, request=request
    )


class PurchaseReceiptView(ClinicWorkspaceMixin, View):
    """A paid purchase's receipt PDF for the front desk (the Balance tab links here)."""

    def get(self, request, pk):
        if request_admin_role(request) not in FRONT_DESK:
            raise Http404
        purchase = purchase_for_staff(self.clinic, pk)
        if purchase.status != PurchaseStatus.SUCCEEDED:
            raise Http404("No receipt: the purchase has not been paid.")
        response = HttpResponse(
            receipts.purchase_receipt_pdf(purchase), content_type="application/pdf"
        )
        name = receipts.purchase_receipt_filename(purchase)
        response["Content-Disposition"] = f'inline; filename="{name}"'
        response["Cache-Control"] = "private, no-store"
        return response
