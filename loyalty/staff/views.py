"""Staff screens: the actions behind the client's Loyalty tab, and the reward request
queue. Scoped to the admin clinic (``ClinicWorkspaceMixin``): another clinic's client
or request answers 404. Front-desk staff and managers act here; therapists do not.
Viewing the queue is an entry in the audit log."""

from django import forms
from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from django.views import View
from django.views.generic import TemplateView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from branding.errors import DomainError
from loyalty.models import Reward
from loyalty.rewards.selectors import pending_requests
from loyalty.selectors import programme_for
from loyalty.staff import actions
from people.account_tabs import client_tab_url
from people.admin_toolkit.fields import WholeNumberField
from people.admin_toolkit.workspace import ClinicWorkspaceMixin
from people.models import AuditAction, ClientAccount
from people.services import audit_record

MAX_POINTS = 1_000_000


class AddPointsForm(forms.Form):
    amount = WholeNumberField(label=_("Points"), min_value=1, max_value=MAX_POINTS, initial=1)
    reason = forms.CharField(label=_("What for"), max_length=200)

    def __init__(self, *args, unit=None, **kwargs):
        super().__init__(*args, **kwargs)
        if unit:  # the clinic's own word, e.g. "Paws"
            self.fields["amount"].label = capfirst(unit)


class AdjustForm(forms.Form):
    amount = WholeNumberField(
        label=_("Change (+ or −)"), min_value=-MAX_POINTS, max_value=MAX_POINTS
    )
    reason = forms.CharField(label=_("Reason"), max_length=200)


class ReverseForm(forms.Form):
    entry = forms.IntegerField(widget=forms.HiddenInput)
    reason = forms.CharField(label=_("Why undo it"), max_length=200)


class GrantForm(forms.Form):
    reward = forms.ModelChoiceField(label=_("Reward"), queryset=Reward.objects.none())
    charge_points = forms.BooleanField(label=_("Take the points from the balance"), required=False)

    def __init__(self, *args, clinic, unit=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reward"].queryset = Reward.objects.filter(clinic=clinic, active=True)
        if unit:
            self.fields["charge_points"].label = _("Take the %(unit)s from the balance") % {
                "unit": unit
            }


class DeclineForm(forms.Form):
    reason = forms.CharField(label=_("Reason (the client reads it)"), max_length=300)


def _run(request, form, action, success):
    """Validate, act, and say how it went; errors name the field."""
    if not form.is_valid():
        for field, errors in form.errors.items():
            label = form.fields[field].label if field in form.fields else ""
            messages.error(request, f"{label}: {errors[0]}" if label else errors[0])
        return False
    try:
        action(form.cleaned_data)
    except DomainError as error:
        label = form.fields[error.field].label if error.field in form.fields else ""
        messages.error(request, f"{label}: {error.message}" if label else error.message)
        return False
    messages.success(request, success)
    return True


class ClientLoyaltyActionView(ClinicWorkspaceMixin, View):
    """POST from the client's Loyalty tab: add, adjust, reverse, grant."""

    def post(self, request, pk, action):
        client = get_object_or_404(ClientAccount, pk=pk, clinic=self.clinic)
        common = {"request": request, "clinic": self.clinic, "client": client}
        unit = programme_for(self.clinic).unit_label
        if action == "add":
            form = AddPointsForm(request.POST, unit=unit)
            _run(
                request,
                form,
                lambda d: actions.staff_points_add(**common, **d),
                _("%(unit)s added.") % {"unit": capfirst(unit)},
            )
        elif action == "adjust":
            form = AdjustForm(request.POST)
            _run(
                request,
                form,
                lambda d: actions.staff_points_adjust(**common, **d),
                _("Balance adjusted."),
            )
        elif action == "reverse":
            form = ReverseForm(request.POST)
            _run(
                request,
                form,
                lambda d: actions.staff_entry_reverse(
                    **common, entry_id=d["entry"], reason=d["reason"]
                ),
                _("Entry reversed."),
            )
        elif action == "grant":
            form = GrantForm(request.POST, clinic=self.clinic, unit=unit)
            _run(
                request,
                form,
                lambda d: actions.staff_reward_grant(
                    **common, reward_id=d["reward"].pk, charge_points=d["charge_points"]
                ),
                _("Reward given."),
            )
        else:
            raise Http404
        return redirect(client_tab_url(client.pk, "loyalty"))


class RequestDecisionView(ClinicWorkspaceMixin, View):
    """Approve or decline a reward request, from the queue or the client's tab."""

    def post(self, request, pk, decision):
        if decision == "approve":
            form = forms.Form(request.POST)
            _run(
                request,
                form,
                lambda d: actions.staff_request_approve(
                    request=request, clinic=self.clinic, request_id=pk
                ),
                _("Approved: the voucher is issued and the client told."),
            )
        elif decision == "decline":
            form = DeclineForm(request.POST)
            _run(
                request,
                form,
                lambda d: actions.staff_request_decline(
                    request=request, clinic=self.clinic, request_id=pk, reason=d["reason"]
                ),
                _("Declined: the client has been told why."),
            )
        else:
            raise Http404
        back = request.POST.get("next", "")
        if back.startswith("/admin/") and "//" not in back:
            return redirect(back)
        return redirect("loyalty_requests")


class RequestQueueView(ClinicWorkspaceMixin, WagtailAdminTemplateMixin, TemplateView):
    template_name = "loyalty/admin/request_queue.html"
    page_title = _("Reward requests")
    header_icon = "pick"

    def get_page_subtitle(self):
        return self.clinic.name

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["requests"] = list(pending_requests(self.clinic))
        context["decline_form"] = DeclineForm()
        audit_record(
            clinic=self.clinic,
            actor=self.request.user,
            action=AuditAction.VIEW,
            summary=f"Viewed the reward request queue ({len(context['requests'])} pending)",
            request=self.request,
        )
        return context
