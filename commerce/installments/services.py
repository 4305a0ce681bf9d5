"""Buying a package in installments, charging each installment, and what staff do
when one fails.

Exactly once: before each attempt the installment records it (``attempts``,
``charging_since``) in its own transaction; the charge is keyed by the installment and
that attempt (``Installment.key``). A worker that dies between the charge and recording
its result leaves ``charging_since`` set, and the next run repeats the same attempt with
the same key, so Stripe answers it again instead of charging a second time."""

import datetime
import zoneinfo

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from branding import clinic_time
from branding.links import portal_reverse
from branding.money import format_money
from commerce.errors import CommerceError, CommerceErrorCode
from commerce.installments.selectors import installment_counts, installment_schedule
from commerce.models import (
    Installment,
    InstallmentPlan,
    InstallmentStatus,
    PlanStatus,
    PurchaseKind,
    PurchaseMethod,
)
from commerce.models.installments import RETRY_DAYS
from commerce.packages.services import _feature_on, _plan_on_sale
from commerce.purchases import purchase_create, purchase_failed, purchase_installment_paid
from payments import charges
from payments.errors import CardDeclinedError, PaymentError
from payments.models import SavedCard
from people.services.audit import AuditAction, audit_record

PURPOSE = "installment"
STALE = datetime.timedelta(minutes=10)  # an attempt under way longer than this: its worker died
OPEN = (InstallmentStatus.SCHEDULED, InstallmentStatus.RETRYING)


def _today(clinic, now):
    return timezone.localtime(now, zoneinfo.ZoneInfo(clinic.timezone)).date()


def _card_for(clinic, client, card_id):
    card = SavedCard.objects.filter(clinic=clinic, client=client, pk=card_id).first()
    if card is None:
        raise CommerceError(
            _("Choose one of your saved cards."),
            field="card",
            code=CommerceErrorCode.INSTALLMENTS_INVALID,
        )
    return card


def package_buy_in_installments(*, clinic, client, plan_id, count, card_id, now=None):
    """A patient buys a package in ``count`` monthly installments on a saved card. The
    first is charged now and the package is theirs once it succeeds; a decline leaves
    nothing bought (``CardDeclinedError`` naming ``card``)."""
    now = now or timezone.now()
    _feature_on(clinic)
    plan = _plan_on_sale(clinic, plan_id)
    offered = installment_counts(clinic, plan.price)
    if count not in offered:
        raise CommerceError(
            _("Installments are not offered for this package.")
            if not offered
            else _("Choose between %(low)s and %(high)s installments.")
            % {"low": offered[0], "high": offered[-1]},
            field="installments",
            code=CommerceErrorCode.INSTALLMENTS_INVALID,
        )
    card = _card_for(clinic, client, card_id)
    with transaction.atomic():
        purchase = purchase_create(
            clinic=clinic,
            client=client,
            kind=PurchaseKind.PACKAGE,
            description=plan.name,
            amount=plan.price,
            method=PurchaseMethod.CARD,
            plan=plan,
        )
        schedule = InstallmentPlan.objects.create(
            clinic=clinic, client=client, purchase=purchase, card=card
        )
        Installment.objects.bulk_create(
            Installment(plan=schedule, number=n, amount=amount, due_on=day)
            for n, (amount, day) in enumerate(
                installment_schedule(plan.price, count, _today(clinic, now)), start=1
            )
        )
    first = schedule.installments.get(number=1)
    first = installment_charge(installment_id=first.pk, now=now)
    if first.status != InstallmentStatus.PAID:
        raise CardDeclinedError(
            _("Nothing was bought: %(why)s Please choose another card.")
            % {"why": first.last_error.rstrip(".") + "."},
            field="card",
        )
    purchase.refresh_from_db()
    return purchase


def _begin_attempt(installment_id, now):
    """Record the attempt about to be made (or find the one a dead worker began)."""
    with transaction.atomic():
        installment = (
            Installment.objects.select_for_update(of=("self",))
            .select_related("plan__clinic", "plan__card__client", "plan__purchase")
            .get(pk=installment_id)
        )
        if installment.status not in OPEN or installment.plan.status != PlanStatus.ACTIVE:
            return installment, False
        if installment.charging_since is None:
            installment.attempts += 1
        installment.charging_since = now
        installment.save(update_fields=["attempts", "charging_since"])
    return installment, True


def installment_charge(*, installment_id, now=None) -> Installment:
    """Charge one installment on the plan's card, once; a decline is recorded and
    retried per ``RETRY_DAYS`` (the first, charged while the patient buys, is not)."""
    now = now or timezone.now()
    installment, go = _begin_attempt(installment_id, now)
    if not go:
        return installment
    plan = installment.plan
    clinic = plan.clinic
    if plan.card is None:
        return _declined(installment.pk, _("There is no card on file."), now)
    try:
        intent = charges.charge_saved_card(
            clinic=clinic,
            card=plan.card,
            amount=installment.amount,
            currency=plan.purchase.currency,
            key=installment.key,
            purpose=PURPOSE,
            metadata={"installment_id": installment.pk, "purchase_id": plan.purchase_id},
        )
    except CardDeclinedError as exc:
        return _declined(installment.pk, exc.message, now)
    except PaymentError:
        # Stripe could not be reached: whether it charged is unknown, so the attempt
        # stays under way and the next run repeats it with the same key.
        return installment
    if intent.status != "succeeded":
        return _declined(
            installment.pk, _("The bank asks the cardholder to confirm this payment."), now
        )
    return _paid(installment.pk, intent.id, now)


@transaction.atomic
def _paid(installment_id, intent_id, now):
    installment = (
        Installment.objects.select_for_update(of=("self",))
        .select_related("plan")
        .get(pk=installment_id)
    )
    if installment.status == InstallmentStatus.PAID:
        return installment
    installment.status = InstallmentStatus.PAID
    installment.paid_at = now
    installment.charging_since = None
    installment.stripe_payment_intent_id = intent_id
    installment.last_error = ""
    installment.save()
    purchase_installment_paid(purchase_id=installment.plan.purchase_id, amount=installment.amount)
    plan = installment.plan
    if not plan.installments.exclude(status=InstallmentStatus.PAID).exists():
        InstallmentPlan.objects.filter(pk=plan.pk).update(status=PlanStatus.COMPLETED)
    return installment


@transaction.atomic
def _declined(installment_id, message, now):
    installment = (
        Installment.objects.select_for_update(of=("self",))
        .select_related("plan__clinic", "plan__client__user", "plan__purchase")
        .get(pk=installment_id)
    )
    installment.charging_since = None
    installment.last_error = message[:300]
    plan = installment.plan
    final = installment.number == 1 or installment.attempts > len(RETRY_DAYS)
    if final:
        installment.status = InstallmentStatus.FAILED
        installment.next_attempt_at = None
    else:
        installment.status = InstallmentStatus.RETRYING
        installment.next_attempt_at = now + datetime.timedelta(
            days=RETRY_DAYS[installment.attempts - 1]
        )
    installment.save()
    if installment.number == 1:
        # The patient is at the checkout: nothing is bought, they may try another card.
        Installment.objects.filter(plan=plan).exclude(pk=installment.pk).update(
            status=InstallmentStatus.CANCELLED
        )
        InstallmentPlan.objects.filter(pk=plan.pk).update(status=PlanStatus.CANCELLED)
        purchase_failed(purchase_id=plan.purchase_id, message=message)
        return installment
    if final:
        InstallmentPlan.objects.filter(pk=plan.pk).update(status=PlanStatus.FAILED)
    _tell_declined(installment)
    return installment


def _tell_declined(installment):
    from notifications.language import speaking_to
    from notifications.models import Category
    from notifications.services import notify

    plan = installment.plan
    clinic = plan.clinic
    with speaking_to(clinic, plan.client.user):
        amount = format_money(installment.amount, plan.purchase.currency)
        count = plan.installments.count()
        if installment.status == InstallmentStatus.RETRYING:
            again = _("We will try again on %(day)s.") % {
                "day": clinic_time.format_date(installment.next_attempt_at)
            }
        else:
            again = _("The clinic will contact you about the rest.")
        notify(
            clinic=clinic,
            user=plan.client.user,
            kind="installment_declined",
            category=Category.ACCOUNT,
            title=_("Installment %(n)s of %(count)s not paid")
            % {"n": installment.number, "count": count},
            body=_(
                "We could not take installment %(n)s of %(count)s (%(amount)s) for "
                "%(what)s: %(why)s %(again)s Please check the card you saved with us."
            )
            % {
                "n": installment.number,
                "count": count,
                "amount": amount,
                "what": plan.purchase.description,
                "why": installment.last_error.rstrip(".") + ".",
                "again": again,
            },
            url=portal_reverse(clinic, "portal:saved_cards"),
            idempotency_key=f"installment-{installment.pk}-declined-{installment.attempts}",
        )


def installments_charge_due(*, now=None) -> int:
    """The worker's pass (every hour): installments whose day has come in their clinic,
    declined ones whose retry is due, and attempts a dead worker left under way."""
    now = now or timezone.now()
    candidates = (
        Installment.objects.filter(plan__status=PlanStatus.ACTIVE)
        .filter(
            Q(status=InstallmentStatus.SCHEDULED, due_on__lte=(now + datetime.timedelta(days=1)))
            | Q(status=InstallmentStatus.RETRYING, next_attempt_at__lte=now)
            | Q(status__in=OPEN, charging_since__lt=now - STALE)
        )
        .select_related("plan__clinic")
        .order_by("due_on", "pk")
    )
    charged = 0
    for installment in candidates:
        waiting = installment.status == InstallmentStatus.SCHEDULED
        if (
            waiting
            and installment.charging_since is None
            and installment.due_on > _today(installment.plan.clinic, now)
        ):
            continue  # not yet its day in the clinic's time zone
        installment_charge(installment_id=installment.pk, now=now)
        charged += 1
    return charged


def installment_retry_now(*, clinic, installment_id, actor, card_id=None, request=None):
    """Staff try a declined installment again now (after the patient updated their
    card), optionally on another of the client's saved cards; audited."""
    installment = (
        Installment.objects.filter(plan__clinic=clinic, pk=installment_id)
        .select_related("plan__client")
        .first()
    )
    if installment is None or installment.status not in (
        InstallmentStatus.RETRYING,
        InstallmentStatus.FAILED,
    ):
        raise CommerceError(
            _("Only a declined installment can be tried again."),
            field="installment",
            code=CommerceErrorCode.INSTALLMENTS_INVALID,
        )
    plan = installment.plan
    with transaction.atomic():
        if card_id:
            plan.card = _card_for(clinic, plan.client, card_id)
        plan.status = PlanStatus.ACTIVE
        plan.save(update_fields=["card", "status"])
        Installment.objects.filter(pk=installment.pk).update(status=InstallmentStatus.RETRYING)
        audit_record(
            clinic=clinic,
            actor=actor,
            action=AuditAction.CHANGE,
            client=plan.client,
            summary=f"Tried installment {installment.number} of {plan.purchase.description} again",
            request=request,
        )
    return installment_charge(installment_id=installment.pk)
