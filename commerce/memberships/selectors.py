"""Reads of memberships, clinic first."""

from django.db.models import OuterRef, Q, Subquery
from django.utils import timezone

from commerce.models import Membership, MembershipEntry, MembershipPlan, MembershipStatus
from records.models import SignedForm


def membership_balance(membership) -> int:
    """Credits left: the newest entry's running balance (one query)."""
    newest = (
        MembershipEntry.objects.filter(membership=membership)
        .order_by("-id")
        .values_list("balance_after", flat=True)
        .first()
    )
    return newest or 0


def _with_balance(queryset):
    newest = MembershipEntry.objects.filter(membership=OuterRef("pk")).order_by("-id")
    return queryset.annotate(balance=Subquery(newest.values("balance_after")[:1]))


def membership_plans_on_sale(clinic):
    return MembershipPlan.objects.filter(clinic=clinic, active=True).prefetch_related(
        "discount_services", "credit_services"
    )


def membership_plan_on_sale(clinic, pk):
    return MembershipPlan.objects.filter(clinic=clinic, pk=pk, active=True).first()


def client_memberships(clinic, client):
    """The client's memberships, newest first, each with ``balance`` (credits left)."""
    return list(
        _with_balance(Membership.objects.filter(clinic=clinic, client=client)).prefetch_related(
            "credit_services", "discount_services"
        )
    )


def membership_for_client(clinic, client, pk):
    return _with_balance(Membership.objects.filter(clinic=clinic, client=client, pk=pk)).first()


def membership_in_clinic(clinic, pk):
    return (
        _with_balance(Membership.objects.filter(clinic=clinic, pk=pk))
        .select_related("client")
        .first()
    )


def membership_entries(clinic, membership):
    return list(
        MembershipEntry.objects.filter(clinic=clinic, membership=membership).select_related("actor")
    )


def running_membership(clinic, client, plan):
    return (
        Membership.objects.filter(clinic=clinic, client=client, plan=plan)
        .exclude(status=MembershipStatus.CANCELED)
        .first()
    )


def held_memberships_by_plan(clinic, client) -> dict:
    """The client's running (not ended) memberships keyed by plan id: the plans the
    client already holds are offered as "Your plan", not "Join"."""
    return {
        m.plan_id: m
        for m in Membership.objects.filter(clinic=clinic, client=client).exclude(
            status=MembershipStatus.CANCELED
        )
    }


def memberships_with_card_problem(clinic, client):
    """The client's memberships whose renewal failed (benefits paused): the banner."""
    return list(
        Membership.objects.filter(clinic=clinic, client=client, status=MembershipStatus.PAST_DUE)
    )


def usable_memberships(clinic, client, service):
    """Active memberships with a credit left for ``service``."""
    found = _with_balance(
        Membership.objects.filter(
            clinic=clinic, client=client, status=MembershipStatus.ACTIVE, credit_services=service
        )
    )
    return [m for m in found.order_by("created_at", "id") if m.balance]


def discounting_memberships(clinic, client, service):
    """Active memberships whose discount covers ``service``, best discount first."""
    return list(
        Membership.objects.filter(
            clinic=clinic, client=client, status=MembershipStatus.ACTIVE, discount_percent__gt=0
        )
        .filter(Q(discount_all_services=True) | Q(discount_services=service))
        .distinct()
        .order_by("-discount_percent", "id")
    )


def member_booking_window(clinic, client) -> int:
    """The longest member-only booking window among the client's active memberships
    (days ahead; 0: none)."""
    return (
        Membership.objects.filter(clinic=clinic, client=client, status=MembershipStatus.ACTIVE)
        .order_by("-booking_window_days")
        .values_list("booking_window_days", flat=True)
        .first()
        or 0
    )


def agreement_signed(clinic, client, template):
    """The client's newest signature of ``template`` still valid now, or None."""
    now = timezone.now()
    return (
        SignedForm.objects.defer("pdf", "signature_png")
        .filter(clinic=clinic, client=client, template=template)
        .filter(Q(expires_at__isnull=True) | Q(expires_at__gt=now))
        .order_by("-signed_at", "-pk")
        .first()
    )
