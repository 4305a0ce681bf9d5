"""Shop → Gift cards: the clinic's issued cards (balance, recipient, delivery), the
outstanding balance, staff issue, void and adjust with a reason — each an audited
service call. Scoped to the admin clinic: another clinic's card answers 404."""

from django import forms
from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect
from django.utils.translation import gettext_lazy as _
from django.views import View
from django.views.generic import TemplateView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from branding.errors import DomainError
from branding.money import AmountField
from commerce.giftcards.selectors import (
    gift_card_entries,
    gift_card_liability,
    gift_cards_for_staff,
    normalise_code,
)
from commerce.giftcards.services import gift_card_adjust, gift_card_staff_issue, gift_card_void
from people.admin_toolkit.workspace import ClinicWorkspaceMixin
from people.models import AuditAction
from people.services import audit_record

LISTED = 100


class IssueForm(forms.Form):
    amount = AmountField(label=_("Amount"))
    recipient_name = forms.CharField(label=_("Recipient's name"), max_length=120)
    recipient_email = forms.EmailField(label=_("Recipient's email"))
    message = forms.CharField(label=_("Message"), required=False, max_length=500)
    reason = forms.CharField(label=_("Reason"), max_length=200)


class VoidForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=200)


class AdjustForm(forms.Form):
    direction = forms.ChoiceField(
        label=_("Change"), choices=[("add", _("Add")), ("take", _("Take off"))]
    )
    amount = AmountField(label=_("Amount"))
    reason = forms.CharField(label=_("Reason"), max_length=200)


class GiftCardListView(ClinicWorkspaceMixin, WagtailAdminTemplateMixin, TemplateView):
    template_name = "commerce/admin/gift_cards.html"
    page_title = _("Gift cards")
    header_icon = "tag"

    def get_page_subtitle(self):
        return self.clinic.name

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        query = self.request.GET.get("q", "").strip()
        cards = gift_cards_for_staff(self.clinic).select_related("purchaser__user")
        if query:
            code = normalise_code(query)
            cards = cards.filter(recipient_email__icontains=query) | cards.filter(
                code__endswith=code or "-"
            )
        cards = list(cards.order_by("-created_at")[:LISTED])
        for card in cards:
            card.history = gift_card_entries(self.clinic, card)
        issue = IssueForm()
        issue.fields["amount"].currency = self.clinic.currency
        context.update(
            cards=cards,
            query=query,
            issue_form=issue,
            liability=gift_card_liability(self.clinic),
            currency=self.clinic.currency,
        )
        audit_record(
            clinic=self.clinic,
            actor=self.request.user,
            action=AuditAction.VIEW,
            summary=f"Viewed the gift cards ({len(cards)} listed)",
            request=self.request,
        )
        return context


class GiftCardActionView(ClinicWorkspaceMixin, View):
    def post(self, request, action, pk=None):
        clinic = self.clinic
        if action == "issue":
            form = IssueForm(request.POST)
            form.fields["amount"].currency = clinic.currency
            run = lambda d: gift_card_staff_issue(  # noqa: E731
                clinic=clinic, actor=request.user, request=request, **d
            )
            done = _("Gift card issued: it is on its way to the recipient.")
        elif action == "void" and pk:
            form = VoidForm(request.POST)
            run = lambda d: gift_card_void(  # noqa: E731
                clinic=clinic, card_id=pk, actor=request.user, reason=d["reason"], request=request
            )
            done = _("Gift card voided.")
        elif action == "adjust" and pk:
            form = AdjustForm(request.POST)
            form.fields["amount"].currency = clinic.currency
            run = lambda d: gift_card_adjust(  # noqa: E731
                clinic=clinic,
                card_id=pk,
                amount=d["amount"] if d["direction"] == "add" else -d["amount"],
                actor=request.user,
                reason=d["reason"],
                request=request,
            )
            done = _("Balance changed.")
        else:
            raise Http404
        if not form.is_valid():
            for field, errors in form.errors.items():
                messages.error(request, f"{form.fields[field].label}: {errors[0]}")
        else:
            try:
                run(form.cleaned_data)
            except DomainError as error:
                label = form.fields[error.field].label if error.field in form.fields else ""
                messages.error(request, f"{label}: {error.message}" if label else error.message)
            else:
                messages.success(request, done)
        return redirect("commerce_gift_cards")
