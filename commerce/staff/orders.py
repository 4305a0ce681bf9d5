"""Shop → Orders: the clinic's orders with filters (status, refills, the client), and the
steps staff take — approve a refill, mark ready, handed over, decline with a reason the
patient sees (a paid order is refunded). Each step is an audited service call
(``commerce.orders.services.order_step``). Scoped to the admin clinic: another clinic's
order answers 404. The client account's "Orders" tab lists one client's orders,
filterable by pet at a vet."""

from django import forms
from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _
from django.views import View
from django.views.generic import TemplateView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from branding.errors import DomainError
from branding.selectors import feature_enabled
from commerce.models import OrderStatus
from commerce.orders.selectors import client_orders, orders_for_staff
from commerce.orders.services import STEPS, order_step
from people.account_tabs import client_tab_url
from people.admin_toolkit.workspace import FRONT_DESK, ClinicWorkspaceMixin, request_admin_role
from people.models import Pet

LISTED = 100


class StepForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=300, required=False)


class OrderListView(ClinicWorkspaceMixin, WagtailAdminTemplateMixin, TemplateView):
    template_name = "commerce/admin/orders.html"
    page_title = _("Orders")
    header_icon = "tag"

    def get_page_subtitle(self):
        return self.clinic.name

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        get = self.request.GET
        status = get.get("status", "")
        status = status if status in OrderStatus.values else ""
        kind = get.get("kind", "") if get.get("kind", "") in ("refill", "retail") else ""
        query = get.get("q", "").strip()[:100]
        orders = list(orders_for_staff(self.clinic, status=status, kind=kind, query=query)[:LISTED])
        context.update(
            orders=orders,
            status=status,
            kind=kind,
            query=query,
            statuses=OrderStatus.choices,
            back=self.request.get_full_path(),
        )
        return context


class OrderStepView(ClinicWorkspaceMixin, View):
    def post(self, request, pk, action):
        if action not in STEPS:
            raise Http404
        form = StepForm(request.POST)
        form.is_valid()
        try:
            order = order_step(
                clinic=self.clinic,
                order_id=pk,
                action=action,
                actor=request.user,
                reason=form.cleaned_data.get("reason", ""),
                request=request,
            )
        except DomainError as error:
            if error.code == "order_unknown":
                raise Http404 from error
            label = _("Reason") if error.field == "reason" else ""
            messages.error(request, f"{label}: {error.message}" if label else error.message)
        else:
            messages.success(
                request,
                _("Order %(number)s: %(status)s.")
                % {"number": order.number, "status": order.get_status_display().lower()},
            )
        back = request.POST.get("next", "")
        if not url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}):
            back = reverse("commerce_orders")
        return redirect(back)


def tab_is_shown(request, clinic, account):
    return feature_enabled(clinic, "orders") and request_admin_role(request) in FRONT_DESK


def tab_context(request, clinic, account):
    pets = []
    pet = None
    if feature_enabled(clinic, "pets"):
        pets = list(Pet.objects.current().filter(clinic=clinic, owner=account))
        wanted = request.GET.get("order_pet", "")
        pet = next((p for p in pets if str(p.pk) == wanted), None)
    return {
        "orders": list(client_orders(clinic, account, pet=pet)),
        "pets": pets,
        "pet": pet,
        "back": client_tab_url(account.pk, "orders"),
    }
