"""The payments screens in the clinic workspace: a booking's payments page (with its
actions), the "Balance" tab on the client account view and its Overview card (what the
client owes or has in credit), the manager's Settings →
Payments account page and, while the clinic cannot take online payment, a panel on the
manager's admin home saying why and how to fix it."""

from django.urls import include, path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.ui.components import Component

from branding.money import format_money
from payments.admin_views import admin_urlpatterns
from payments.balance_lines import balance_lines
from payments.selectors import client_balance
from payments.stripe_api import account_problem
from people.account_tabs import ClientAccountTab, ClientOverviewPanel, per_request
from people.admin_toolkit.workspace import (
    FRONT_DESK,
    MANAGERS,
    request_admin_clinic,
    request_admin_role,
)


@hooks.register("register_admin_urls")
def register_payments_admin_urls():
    from payments.admin_account import account_urlpatterns

    patterns = admin_urlpatterns() + account_urlpatterns()
    return [path("payments/", include((patterns, "payments_admin")))]


class ManagerMenuItem(MenuItem):
    def is_shown(self, request):
        return request_admin_role(request) in MANAGERS


@hooks.register("register_settings_menu_item")
def payments_account_menu_item():
    return ManagerMenuItem(
        _("Payments account"), reverse("payments_admin:account"), icon_name="form", order=700
    )


class PaymentsProblemPanel(Component):
    """On a manager's admin home while the clinic cannot take online payment: why, and
    how to fix it (the Payments account page)."""

    name = "payments_problem"
    template_name = "payments/admin/problem_panel.html"
    order = 5  # above the day's panel: nothing is paid online until it is fixed

    def __init__(self, problem):
        self.problem = problem

    def get_context_data(self, parent_context=None):
        return {"problem": self.problem, "url": reverse("payments_admin:account")}


@hooks.register("construct_homepage_panels")
def add_payments_problem_panel(request, panels):
    clinic = request_admin_clinic(request)
    if clinic is None or request_admin_role(request) not in MANAGERS:
        return
    problem = account_problem(clinic)
    if problem is not None:
        panels.append(PaymentsProblemPanel(problem))


RECENT_BOOKINGS = 20


def _balance(request, clinic, account):
    return per_request(request, ("balance", account.pk), lambda: client_balance(clinic, account))


def _balance_tab_context(request, clinic, account):
    balance = _balance(request, clinic, account)

    def fmt(value, currency=None):
        return format_money(value, currency or balance.currency)

    return {
        "payments": [
            {"payment": p, "amount": fmt(p.amount_captured or p.amount, p.currency)}
            for p in balance.payments
        ],
        "refunds": [
            {"refund": r, "amount": fmt(r.amount, r.payment.currency)} for r in balance.refunds
        ],
        # Everything else bought (packages, gift cards, orders…), from registered sources.
        "purchases": balance_lines(clinic, account),
        "outstanding": fmt(balance.outstanding),
        "credit": fmt(balance.credit),
        "cards": list(account.saved_cards.all()),
        # Every booking leads to its payments page (charges, refunds, cancel with refund).
        "bookings": list(
            account.bookings.filter(clinic=clinic)
            .select_related("service")
            .order_by("-start")[:RECENT_BOOKINGS]
        ),
    }


def _front_desk(request, clinic, account):
    return request_admin_role(request) in FRONT_DESK


@hooks.register("register_client_account_tab")
def register_balance_tab():
    return ClientAccountTab(
        key="balance",
        label=_("Balance"),
        group="money",
        order=40,
        template_name="payments/admin/balance_tab.html",
        get_context=_balance_tab_context,
        is_shown=_front_desk,
    )


def _balance_overview_context(request, clinic, account):
    balance = _balance(request, clinic, account)
    return {
        "owed": balance.outstanding,
        "outstanding": format_money(balance.outstanding, balance.currency),
        "credit": format_money(balance.credit, balance.currency) if balance.credit else None,
        "url": reverse("clinic_workspace:client_detail", args=[account.pk]) + "#tab-balance",
    }


@hooks.register("register_client_overview_panel")
def register_balance_overview_panel():
    return ClientOverviewPanel(
        key="balance",
        order=20,
        template_name="payments/admin/overview_balance.html",
        get_context=_balance_overview_context,
        is_shown=_front_desk,
    )
