"""Every write to memberships: joining (the agreement signed first, then the first
invoice paid on the clinic's Stripe account), following Stripe's invoice and
subscription events, fixing the card after a failed renewal, cancelling at period end.

Stripe is the truth about a subscription: every event is answered by reading the
subscription (and the invoice) again from the clinic's account, under the membership's
row lock, so events arriving twice, late or out of order end in the same state. A paid
invoice grants its period's credits once (keyed on the invoice); only the
subscription's latest invoice grants (an older period is over)."""

import datetime

from django.db import transaction
from django.http import Http404
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from branding import clinic_time
from branding.errors import FeatureDisabledError
from branding.links import portal_reverse
from branding.selectors import feature_enabled
from commerce.errors import CommerceError, CommerceErrorCode
from commerce.memberships import billing
from commerce.memberships.credits import FEATURE, credits_grant_for_invoice
from commerce.memberships.receipts import membership_invoice_recorded
from commerce.memberships.selectors import (
    agreement_signed,
    membership_plan_on_sale,
    running_membership,
)
from commerce.models import Membership, MembershipStatus
from notifications.language import speaking_to
from notifications.models import Category, Channel
from notifications.services import notify
from payments.stripe_api import field, object_id
from people.models import AuditAction
from people.services import audit_record

STATUS_FROM_STRIPE = {
    "active": MembershipStatus.ACTIVE,
    "trialing": MembershipStatus.ACTIVE,
    "past_due": MembershipStatus.PAST_DUE,
    "unpaid": MembershipStatus.PAST_DUE,
    "incomplete": MembershipStatus.PAST_DUE,
    "paused": MembershipStatus.PAST_DUE,
    "canceled": MembershipStatus.CANCELED,
    "incomplete_expired": MembershipStatus.CANCELED,
}


def feature_on(clinic):
    if not feature_enabled(clinic, FEATURE):
        raise FeatureDisabledError(_("This clinic does not offer memberships."))


def _sign_path(template):
    try:
        return reverse("portal:document_sign", args=[template.pk])
    except NoReverseMatch:  # pragma: no cover - the portal is always installed
        return ""


@transaction.atomic
def membership_join(*, clinic, client, plan_id, payment_method) -> Membership:
    """The patient joins ``plan_id``: refused (nothing charged) without the plan's
    agreement signed; then their card becomes the subscription's, the subscription is
    made and its first invoice charged, and the period's credits are granted."""
    feature_on(clinic)
    plan = membership_plan_on_sale(clinic, plan_id)
    if plan is None:
        raise CommerceError(
            _("That membership is not on sale here."),
            field="plan",
            code=CommerceErrorCode.MEMBERSHIP_PLAN_UNAVAILABLE,
        )
    if running_membership(clinic, client, plan) is not None:
        raise CommerceError(
            _("You are already a member of %(plan)s.") % {"plan": plan.name},
            field="plan",
            code=CommerceErrorCode.ALREADY_MEMBER,
        )
    signed = agreement_signed(clinic, client, plan.agreement)
    if signed is None:
        raise CommerceError(
            _("Please sign %(form)s before joining: %(link)s")
            % {"form": plan.agreement.title, "link": _sign_path(plan.agreement)},
            field="agreement",
            code=CommerceErrorCode.AGREEMENT_UNSIGNED,
        )
    customer_id = billing.default_card_set(client=client, payment_method=payment_method)
    stripe_plan_id = billing.stripe_plan_for(plan)
    joined_before = Membership.objects.filter(client=client, plan=plan).count()
    sub = billing.subscription_start(
        clinic=clinic,
        customer_id=customer_id,
        stripe_plan_id=stripe_plan_id,
        key=f"membership-{client.pk}-{plan.pk}-{joined_before}-{signed.pk}-{payment_method}",
        metadata={"client_id": client.pk, "membership_plan": plan.pk},
    )
    membership = Membership.objects.create(
        clinic=clinic,
        client=client,
        plan=plan,
        name=plan.name,
        interval=plan.interval,
        price=plan.price,
        currency=clinic.currency,
        discount_percent=plan.discount_percent,
        discount_all_services=not plan.discount_services.exists(),
        credits_per_period=plan.credits_per_period,
        rollover=plan.rollover,
        rollover_cap=plan.rollover_cap,
        patients_may_cancel=plan.patients_may_cancel,
        booking_window_days=plan.booking_window_days,
        agreement=signed,
        stripe_subscription_id=sub.id,
        current_period_end=_moment(billing.period_end(sub)),
    )
    membership.discount_services.set(plan.discount_services.all())
    membership.credit_services.set(plan.credit_services.all())
    latest = object_id(field(sub, "latest_invoice"))
    if latest:
        credits_grant_for_invoice(membership=membership, invoice_id=latest)
        membership_invoice_recorded(
            membership=membership, invoice=billing.invoice_retrieve(clinic, latest)
        )
    return membership


def _moment(unix):
    if not unix:
        return None
    return datetime.datetime.fromtimestamp(int(unix), tz=datetime.UTC)


def _invoice_subscription(invoice):
    sub = object_id(field(invoice, "subscription"))
    if sub:
        return sub
    details = field(field(invoice, "parent"), "subscription_details")
    return object_id(field(details, "subscription")) or ""


@transaction.atomic
def membership_stripe_event(event_type, stripe_object_id, *, clinic) -> str:
    """payments' webhook handler for ``invoice.*`` and ``customer.subscription.*``
    events (``payments.charges.register_event_handler``)."""
    invoice = None
    if event_type.startswith("invoice."):
        invoice = billing.invoice_retrieve(clinic, stripe_object_id)
        if invoice is None:
            return f"unknown to Stripe: {stripe_object_id} (nothing done)"
        subscription_id = _invoice_subscription(invoice)
    else:
        subscription_id = stripe_object_id
    membership = (
        Membership.objects.select_for_update()
        .filter(clinic=clinic, stripe_subscription_id=subscription_id)
        .first()
    )
    if membership is None:
        return f"no membership for subscription {subscription_id or '(none)'}"
    membership = membership_sync(membership, invoice=invoice)
    return f"membership {membership.pk}: {membership.status}"


def membership_sync(membership, *, invoice=None) -> Membership:
    """Bring the membership in line with its subscription as Stripe has it now (call
    with the row locked): status, renewal date, cancel at period end; a paid latest
    invoice grants its credits; a renewal that failed pauses the benefits and tells
    the patient how to fix the card (once per invoice)."""
    sub = billing.subscription_retrieve(membership.clinic, membership.stripe_subscription_id)
    if sub is None:
        return membership
    before = membership.status
    membership.status = STATUS_FROM_STRIPE.get(field(sub, "status", ""), membership.status)
    membership.current_period_end = (
        _moment(billing.period_end(sub)) or membership.current_period_end
    )
    membership.cancel_at_period_end = bool(field(sub, "cancel_at_period_end", False))
    latest = object_id(field(sub, "latest_invoice"))
    if invoice is not None and field(invoice, "status") == "paid":
        credits_grant_for_invoice(
            membership=membership, invoice_id=invoice.id, newest_period=invoice.id == latest
        )
        membership_invoice_recorded(membership=membership, invoice=invoice)
    if membership.status == MembershipStatus.ACTIVE:
        membership.card_problem_invoice = ""
    elif membership.status == MembershipStatus.PAST_DUE:
        membership.card_problem_invoice = latest or membership.card_problem_invoice
    elif membership.status == MembershipStatus.CANCELED and membership.ended_at is None:
        membership.ended_at = _moment(field(sub, "ended_at")) or timezone.now()
    membership.save()
    if membership.status == MembershipStatus.PAST_DUE and before != MembershipStatus.PAST_DUE:
        key = membership.card_problem_invoice or str(membership.current_period_end)
        transaction.on_commit(lambda: _tell_card_failed(membership, key))
    return membership


def _fix_card_url(membership):
    return portal_reverse(membership.clinic, "portal:membership", membership.pk)


def _tell_card_failed(membership, key):
    client = membership.client
    with speaking_to(membership.clinic, client.user):
        url = _fix_card_url(membership)
        notify(
            clinic=membership.clinic,
            user=client.user,
            kind="membership_payment_failed",
            category=Category.ACCOUNT,
            channels=[Channel.EMAIL],
            title=_("Your %(membership)s payment did not go through")
            % {"membership": membership.name},
            body=_(
                "We could not charge your card for %(membership)s, so its benefits are "
                "paused. Please update your card to carry on: %(url)s"
            )
            % {"membership": membership.name, "url": url},
            url=url,
            idempotency_key=f"membership-{membership.pk}-card-failed-{key}"[:120],
        )


@transaction.atomic
def membership_card_update(*, clinic, client, membership_id, payment_method) -> Membership:
    """The patient gives another card after a failed renewal: it becomes their
    subscriptions' card and the unpaid invoice is charged again now."""
    feature_on(clinic)
    membership = (
        Membership.objects.select_for_update()
        .filter(clinic=clinic, client=client, pk=membership_id)
        .first()
    )
    if membership is None:
        raise Http404("No such membership.")
    billing.default_card_set(client=client, payment_method=payment_method)
    if membership.status == MembershipStatus.PAST_DUE and membership.card_problem_invoice:
        invoice = billing.invoice_retrieve(clinic, membership.card_problem_invoice)
        if invoice is not None and field(invoice, "status") == "open":
            invoice = billing.invoice_pay(clinic, invoice.id)
        return membership_sync(membership, invoice=invoice)
    return membership


@transaction.atomic
def membership_cancel(*, clinic, membership_id, client=None, actor=None, request=None):
    """Cancel at the end of the paid period: the patient (``client``) where the plan
    lets them, or staff (``actor``, audited) always. Benefits last until then."""
    if client is not None:
        feature_on(clinic)
    memberships = Membership.objects.select_for_update().filter(clinic=clinic, pk=membership_id)
    if client is not None:
        memberships = memberships.filter(client=client)
    membership = memberships.first()
    if membership is None:
        raise Http404("No such membership.")
    if membership.status == MembershipStatus.CANCELED or (
        client is not None and not membership.patients_may_cancel
    ):
        raise CommerceError(
            _("This membership has ended.")
            if membership.status == MembershipStatus.CANCELED
            else _("Please contact the clinic to cancel %(membership)s.")
            % {"membership": membership.name},
            field="membership",
            code=CommerceErrorCode.MEMBERSHIP_NOT_CANCELLABLE,
        )
    if membership.cancel_at_period_end:
        return membership
    sub = billing.subscription_cancel_at_period_end(
        clinic, membership.stripe_subscription_id, key=f"membership-{membership.pk}-cancel"
    )
    membership.cancel_at_period_end = bool(field(sub, "cancel_at_period_end", True))
    membership.current_period_end = (
        _moment(billing.period_end(sub)) or membership.current_period_end
    )
    membership.save(update_fields=["cancel_at_period_end", "current_period_end"])
    if actor is not None:
        audit_record(
            clinic=clinic,
            actor=actor,
            action=AuditAction.CHANGE,
            client=membership.client,
            summary=f"Cancelled membership {membership.name} at the end of the period",
            request=request,
        )
    return membership


def renewal_label(membership) -> str:
    if membership.current_period_end is None:
        return ""
    with clinic_time.override(membership.clinic):
        return clinic_time.format_date(membership.current_period_end)
