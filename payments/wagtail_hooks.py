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
from payments.models import PaymentMethod
from payments.selectors import client_balance_totals, client_payments_page, client_refunds_page
from payments.stripe_api import account_problem
from people.account_tabs import ClientAccountTab, ClientOverviewPanel, client_tab_url, per_request
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


PER_PAGE = 25


def _balance(request, clinic, account):
    """(outstanding, credit), added up once per request for the Overview and the tab."""
    return per_request(
        request, ("balance", account.pk), lambda: client_balance_totals(clinic, account)
    )


def _page(request, name):
    value = request.GET.get(name, "")
    return int(value) if value.isdigit() and int(value) > 0 else 1


def _pager(name, page, has_next):
    """Newer/older links of one list of the tab (the page at the Balance tab)."""

    def url(number):
        return f"?tab=balance&{name}={number}#tab-balance"

    return {
        "page": page,
        "newer_url": url(page - 1) if page > 1 else None,
        "older_url": url(page + 1) if has_next else None,
    }


def _balance_tab_context(request, clinic, account):
    """The totals, then the payments and refunds 25 at a time (newest first)."""
    outstanding, credit = _balance(request, clinic, account)
    currency = clinic.currency

    def fmt(value, currency=None):
        return format_money(value, currency or clinic.currency)

    payments_page = _page(request, "payments_page")
    payments, more_payments = client_payments_page(
        clinic, account, page=payments_page, per_page=PER_PAGE
    )
    refunds_page = _page(request, "refunds_page")
    refunds, more_refunds = client_refunds_page(
        clinic, account, page=refunds_page, per_page=PER_PAGE
    )
    return {
        "payments": [
            {"payment": p, "amount": fmt(_payment_shown_amount(p), p.currency)} for p in payments
        ],
        "payments_pager": _pager("payments_page", payments_page, more_payments),
        "refunds": [{"refund": r, "amount": fmt(r.amount, r.payment.currency)} for r in refunds],
        "refunds_pager": _pager("refunds_page", refunds_page, more_refunds),
        # Everything else bought (packages, gift cards, orders…), from registered sources.
        "purchases": balance_lines(clinic, account),
        "outstanding": fmt(outstanding, currency),
        "credit": fmt(credit, currency),
        "cards": list(account.saved_cards.all()),
        # Every booking leads to its payments page (charges, refunds, cancel with refund).
        "bookings": list(
            account.bookings.filter(clinic=clinic)
            .select_related("service")
            .order_by("-start")[:RECENT_BOOKINGS]
        ),
    }


def _payment_shown_amount(payment):
    """What the row paid: the capture, else the amount asked; a voucher or gift card
    taken at the desk captures nothing and carries what it took as its discount."""
    if payment.method == PaymentMethod.VOUCHER:
        return payment.discount
    return payment.amount_captured or payment.amount


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
    outstanding, credit = _balance(request, clinic, account)
    return {
        "owed": outstanding,
        "outstanding": format_money(outstanding, clinic.currency),
        "credit": format_money(credit, clinic.currency) if credit else None,
        "url": client_tab_url(account.pk, "balance"),
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
