"""Memberships in the admin: the manager's plans (a model viewset scoped to the admin
clinic; only the clinic's own services and consent forms are offered, the price typed
in the clinic's currency), and the client account's "Memberships" tab (status, next
renewal, credits and their history) where the front desk cancels at period end and
adds or takes credits with a reason (both audited)."""

from django import forms
from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views import View
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel, ObjectList
from wagtail.admin.ui.tables import Column

from booking_api.models import Service
from branding.errors import DomainError
from branding.money import format_money
from branding.selectors import feature_enabled
from commerce.memberships.credits import membership_credits_adjust
from commerce.memberships.selectors import client_memberships, membership_entries
from commerce.memberships.services import membership_cancel, renewal_label
from commerce.models import MembershipPlan
from people.account_tabs import client_tab_url
from people.admin_toolkit.fields import MoneyField, WholeNumberField
from people.admin_toolkit.viewsets import ClinicModelViewSet
from people.admin_toolkit.workspace import (
    FRONT_DESK,
    MANAGERS,
    ClinicWorkspaceMixin,
    request_admin_role,
)
from people.models import ClientAccount
from records.models import FormKind, FormTemplate


class MembershipPlanForm(WagtailAdminModelForm):
    price = MoneyField(label=_("Price per period"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        clinic = self.instance.clinic
        self.fields["price"].currency = clinic.currency
        self.fields["price"].label = f"{_('Price per period')} ({clinic.currency})"
        services = Service.objects.filter(clinic=clinic)
        self.fields["discount_services"].queryset = services
        self.fields["credit_services"].queryset = services
        self.fields["agreement"].queryset = FormTemplate.objects.filter(
            clinic=clinic, kind=FormKind.CONSENT, active=True
        )

    def clean(self):
        data = super().clean()
        if not data.get("discount_percent") and not data.get("credits_per_period"):
            raise forms.ValidationError(_("Give members a discount, included sessions, or both."))
        if data.get("credits_per_period") and not data.get("credit_services"):
            self.add_error(
                "credit_services", _("Choose the services the included sessions are for.")
            )
        if (data.get("discount_percent") or 0) > 100:
            self.add_error("discount_percent", _("A discount is at most 100%."))
        return data


def _price(plan):
    return format_money(plan.price, plan.clinic.currency)


class MembershipPlanViewSet(ClinicModelViewSet):
    model = MembershipPlan
    name = "commerce_memberships"
    url_prefix = "shop/memberships"
    icon = "group"
    menu_label = _("Memberships")
    menu_name = "shop-memberships"
    menu_order = 150
    edit_roles = MANAGERS
    view_roles = FRONT_DESK
    protected_message = _("%(object)s has members and cannot be deleted; untick “on sale”.")
    list_display = [
        "name",
        "interval",
        Column("price", label=_("Price"), accessor=_price),
        "discount_percent",
        "credits_per_period",
        "active",
    ]
    search_fields = ["name", "description"]
    edit_handler = ObjectList(
        [
            FieldPanel("name"),
            FieldPanel("description"),
            FieldRowPanel([FieldPanel("interval"), FieldPanel("price")]),
            MultiFieldPanel(
                [
                    FieldPanel("discount_percent"),
                    FieldPanel("discount_services", widget=forms.CheckboxSelectMultiple),
                ],
                heading=_("Discount"),
            ),
            MultiFieldPanel(
                [
                    FieldPanel("credits_per_period"),
                    FieldPanel("credit_services", widget=forms.CheckboxSelectMultiple),
                    FieldRowPanel([FieldPanel("rollover"), FieldPanel("rollover_cap")]),
                ],
                heading=_("Included sessions"),
            ),
            FieldPanel("booking_window_days"),
            FieldPanel("agreement"),
            FieldPanel("patients_may_cancel"),
            FieldRowPanel([FieldPanel("active"), FieldPanel("position")]),
        ],
        base_form_class=MembershipPlanForm,
    )


def is_shown(request, clinic, account):
    return feature_enabled(clinic, "memberships") and request_admin_role(request) in FRONT_DESK


def tab_context(request, clinic, account):
    memberships = client_memberships(clinic, account)
    for membership in memberships:
        membership.history = membership_entries(clinic, membership)
        membership.renews_on = renewal_label(membership)
        membership.price_display = format_money(membership.price, membership.currency)
        membership.cancel_url = reverse(
            "commerce_membership_cancel", args=[account.pk, membership.pk]
        )
        membership.adjust_url = reverse(
            "commerce_membership_adjust", args=[account.pk, membership.pk]
        )
    # Adding credits is a manager's; the front desk takes them off.
    return {"memberships": memberships, "may_credit": request_admin_role(request) in MANAGERS}


class CreditsAdjustForm(forms.Form):
    amount = WholeNumberField(label=_("Credits (+ or −)"), min_value=-99, max_value=99)
    reason = forms.CharField(label=_("Reason"), max_length=200)


class MembershipCreditsAdjustView(ClinicWorkspaceMixin, View):
    """The desk adds or takes a client's membership credits, with a reason (audited)."""

    def post(self, request, pk, membership_id):
        clinic = self.clinic
        client = get_object_or_404(ClientAccount, pk=pk, clinic=clinic)
        tab = client_tab_url(client.pk, "memberships")
        if request_admin_role(request) not in FRONT_DESK:
            return redirect(tab)
        get_object_or_404(client.memberships, pk=membership_id, clinic=clinic)
        form = CreditsAdjustForm(request.POST)
        if not form.is_valid():
            field, errors = next(iter(form.errors.items()))
            messages.error(request, f"{form.fields[field].label}: {errors[0]}")
            return redirect(tab)
        try:
            membership_credits_adjust(
                clinic=clinic,
                membership_id=membership_id,
                amount=form.cleaned_data["amount"],
                actor=request.user,
                reason=form.cleaned_data["reason"],
                request=request,
            )
        except DomainError as error:
            label = form.fields[error.field].label if error.field in form.fields else ""
            messages.error(request, f"{label}: {error.message}" if label else error.message)
        else:
            messages.success(request, _("Credits changed."))
        return redirect(tab)


class MembershipCancelView(ClinicWorkspaceMixin, View):
    """Staff cancel a client's membership at the end of the paid period."""

    def post(self, request, pk, membership_id):
        clinic = self.clinic
        client = get_object_or_404(ClientAccount, pk=pk, clinic=clinic)
        if request_admin_role(request) not in FRONT_DESK:
            return redirect(reverse("clinic_workspace:client_detail", args=[client.pk]))
        get_object_or_404(client.memberships, pk=membership_id, clinic=clinic)
        try:
            membership_cancel(
                clinic=clinic, membership_id=membership_id, actor=request.user, request=request
            )
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("The membership ends at the end of this period."))
        return redirect(client_tab_url(client.pk, "memberships"))
