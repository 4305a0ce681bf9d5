"""The portal's membership pages: plans to join (the agreement signed first, then the
first month or year charged to a card), the patient's memberships (credits, next
renewal, cancel at period end where the clinic allows it) and, after a failed renewal,
where to give another card. Every rule is in ``commerce.memberships``; the toggle off:
404."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from branding.errors import DomainError
from commerce.memberships.selectors import (
    agreement_signed,
    client_memberships,
    held_memberships_by_plan,
    membership_entries,
    membership_for_client,
    membership_plan_on_sale,
    membership_plans_on_sale,
)
from commerce.memberships.services import (
    membership_cancel,
    membership_card_update,
    membership_join,
    renewal_label,
)
from payments.selectors import saved_cards_for_client
from people.services import client_account_ensure
from portal_pages.access import feature_required, signed_in
from portal_pages.payment_views import _test_cards


def _client(request):
    return client_account_ensure(clinic=request.clinic, user=request.user)


def _cards(request, client):
    return {
        "test_cards": _test_cards(),
        "saved_cards": saved_cards_for_client(request.clinic, client),
    }


def _chosen_card(request):
    return request.POST.get("card") or request.POST.get("saved_card") or ""


@feature_required("memberships")
@signed_in
def memberships_page(request):
    clinic, client = request.clinic, _client(request)
    mine = client_memberships(clinic, client)
    for membership in mine:
        membership.renews_on = renewal_label(membership)
    held = held_memberships_by_plan(clinic, client)
    plans = list(membership_plans_on_sale(clinic))
    for plan in plans:
        plan.held = held.get(plan.pk)
    return render(
        request,
        "commerce/portal/memberships.html",
        {"plans": plans, "mine": mine},
    )


@feature_required("memberships")
@signed_in
def membership_join_page(request, plan_id):
    clinic, client = request.clinic, _client(request)
    plan = membership_plan_on_sale(clinic, plan_id)
    if plan is None:
        raise Http404("No such plan.")
    held = held_memberships_by_plan(clinic, client).get(plan.pk)
    error = ""
    if request.method == "POST" and held is None:
        try:
            membership_join(
                clinic=clinic, client=client, plan_id=plan.pk, payment_method=_chosen_card(request)
            )
        except DomainError as exc:
            error = exc.message
        else:
            messages.success(request, _("Welcome to %(plan)s.") % {"plan": plan.name})
            return redirect("portal:memberships")
    return render(
        request,
        "commerce/portal/membership_join.html",
        {
            "plan": plan,
            "held": held,
            "signed": agreement_signed(clinic, client, plan.agreement),
            "error": error,
            **_cards(request, client),
        },
        status=400 if error else 200,
    )


@feature_required("memberships")
@signed_in
def membership_page(request, pk):
    clinic, client = request.clinic, _client(request)
    membership = membership_for_client(clinic, client, pk)
    if membership is None:
        raise Http404("No such membership.")
    error = ""
    if request.method == "POST":
        try:
            membership = membership_card_update(
                clinic=clinic,
                client=client,
                membership_id=membership.pk,
                payment_method=_chosen_card(request),
            )
        except DomainError as exc:
            error = exc.message
        else:
            messages.success(request, _("Thank you: your card is updated."))
            return redirect("portal:membership", pk=membership.pk)
    membership.renews_on = renewal_label(membership)
    return render(
        request,
        "commerce/portal/membership.html",
        {
            "membership": membership,
            "history": membership_entries(clinic, membership),
            "error": error,
            **_cards(request, client),
        },
        status=400 if error else 200,
    )


@feature_required("memberships")
@signed_in
@require_http_methods(["GET", "POST"])
def membership_cancel_view(request, pk):
    """Cancelling at period end asks first: the page says what ends and when; only the
    confirmation form's POST (``confirm``) cancels."""
    clinic, client = request.clinic, _client(request)
    membership = membership_for_client(clinic, client, pk)
    if membership is None:
        raise Http404("No such membership.")
    if request.method == "GET" or not request.POST.get("confirm"):
        membership.renews_on = renewal_label(membership)
        return render(request, "commerce/portal/membership_cancel.html", {"membership": membership})
    try:
        membership_cancel(clinic=clinic, membership_id=membership.pk, client=client)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Your membership ends at the end of this period."))
    return redirect("portal:membership", pk=pk)
