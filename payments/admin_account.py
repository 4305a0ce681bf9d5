"""The manager's "Payments account" page (Settings menu): where the clinic's money goes,
whether it can take online payment now and, if not, why and what to do. From here the
manager connects the clinic's Stripe account through Stripe's own onboarding (an
account link; Stripe sends them back here) or, in a single-clinic install
(``STRIPE_ALLOW_OWN_KEYS``), enters the clinic's own keys (never shown back in full).
Managers of the admin clinic only; every change is in the audit log. The rules are in
``payments.services.accounts``."""

from django import forms
from django.conf import settings
from django.shortcuts import redirect
from django.urls import path, reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views import View
from django.views.generic import TemplateView
from wagtail.admin import messages
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from branding.errors import DomainError
from payments.models import StripeAccountKind
from payments.services import accounts
from payments.stripe_api import account_for, account_problem
from people.admin_toolkit.workspace import MANAGERS, ClinicWorkspaceMixin
from people.models import AuditAction
from people.services import audit_record


class OwnKeysForm(forms.Form):
    secret_key = forms.CharField(
        label=_("Secret key"),
        required=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "off"}),
        help_text=_("Leave blank to keep the one stored."),
    )
    publishable_key = forms.CharField(label=_("Publishable key"), required=False)
    webhook_secret = forms.CharField(
        label=_("Webhook signing secret"),
        required=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "off"}),
        help_text=_("Leave blank to keep the one stored."),
    )


def _audit(request, clinic, summary):
    audit_record(
        clinic=clinic,
        actor=request.user,
        action=AuditAction.CHANGE,
        summary=summary,
        request=request,
    )


class PaymentsAccountView(ClinicWorkspaceMixin, WagtailAdminTemplateMixin, TemplateView):
    template_name = "payments/admin/payments_account.html"
    roles = MANAGERS
    page_title = _("Payments account")
    header_icon = "form"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        account = account_for(self.clinic)
        own = account is not None and account.kind == StripeAccountKind.OWN_KEYS
        context.update(
            account=account,
            own_keys=own,
            problem=account_problem(self.clinic, account),
            allow_own_keys=getattr(settings, "STRIPE_ALLOW_OWN_KEYS", False),
            keys_form=kwargs.get("keys_form")
            or OwnKeysForm(initial={"publishable_key": account.publishable_key if own else ""}),
            own_webhook_url=self.request.build_absolute_uri(
                reverse("stripe-webhook-clinic", args=[self.clinic.slug])
            ),
        )
        return context


class ConnectView(ClinicWorkspaceMixin, View):
    """POST: make the clinic's connected account if need be and send the manager to
    Stripe's onboarding. GET (Stripe's ``refresh_url``, the link expired): a new link."""

    roles = MANAGERS

    def _go(self, request):
        try:
            url = accounts.connect_onboarding_link(
                clinic=self.clinic,
                refresh_url=request.build_absolute_uri(reverse("payments_admin:account_connect")),
                return_url=request.build_absolute_uri(reverse("payments_admin:account_return")),
            )
        except DomainError as exc:
            messages.error(request, exc.message)
            return redirect("payments_admin:account")
        _audit(request, self.clinic, "Started Stripe onboarding for the clinic's account")
        return redirect(url)

    def post(self, request):
        return self._go(request)

    def get(self, request):
        # Only a fresh link for an account already made: a GET never creates one.
        account = account_for(self.clinic)
        if account is None or account.kind != StripeAccountKind.CONNECT or not account.account_id:
            return redirect("payments_admin:account")
        return self._go(request)


class ReturnView(ClinicWorkspaceMixin, View):
    """Stripe's ``return_url`` (and "Check again"): read the account's status."""

    roles = MANAGERS

    def _refresh(self, request):
        try:
            account = accounts.connect_account_refresh(clinic=self.clinic)
        except DomainError as exc:
            messages.error(request, exc.message)
            return redirect("payments_admin:account")
        if account_problem(self.clinic, account) is None:
            messages.success(request, gettext("Stripe is connected: online payment is on."))
        else:
            messages.warning(request, gettext("Stripe still needs something: see below."))
        return redirect("payments_admin:account")

    def get(self, request):
        return self._refresh(request)

    def post(self, request):
        return self._refresh(request)


class OwnKeysView(ClinicWorkspaceMixin, View):
    roles = MANAGERS
    http_method_names = ["post"]

    def post(self, request):
        form = OwnKeysForm(request.POST)
        form.is_valid()
        try:
            account = accounts.own_keys_save(clinic=self.clinic, **form.cleaned_data)
        except DomainError as exc:
            messages.error(request, exc.message)
            return redirect("payments_admin:account")
        _audit(
            request,
            self.clinic,
            f"Saved the clinic's own Stripe keys (secret {account.secret_key_hint})",
        )
        messages.success(request, gettext("The clinic's Stripe keys are saved."))
        return redirect("payments_admin:account")


def account_urlpatterns():
    return [
        path("account/", PaymentsAccountView.as_view(), name="account"),
        path("account/connect/", ConnectView.as_view(), name="account_connect"),
        path("account/return/", ReturnView.as_view(), name="account_return"),
        path("account/keys/", OwnKeysView.as_view(), name="account_keys"),
    ]
