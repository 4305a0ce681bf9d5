"""Every write to packages and their session ledger.

Each ledger write locks the client's ``Package`` row first (``select_for_update``), then
reads the newest balance, so concurrent uses of the last session queue and exactly one
gets it (on SQLite every transaction is ``BEGIN IMMEDIATE``, which serialises writers
the same way) — the loyalty ledger's pattern. Entries are append-only
(``people.models.append_only``) and keyed, so a task that runs twice posts once:
``purchase-<id>-grant``, ``booking-<id>-use``, ``booking-<id>-return``.
"""

import datetime
import zoneinfo

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from booking_api.lifecycle import BookingStatus
from booking_api.models import Booking
from booking_api.selectors import booking_last_move
from branding import clinic_time
from branding.errors import FeatureDisabledError
from branding.money import format_money
from branding.selectors import feature_enabled
from commerce.errors import CommerceError, CommerceErrorCode, staff_credit_check, staff_reason
from commerce.models import (
    DeskSaleMethod,
    EntryKind,
    Package,
    PackageEntry,
    PackagePlan,
    PurchaseKind,
    PurchaseMethod,
)
from commerce.packages.selectors import package_balance
from commerce.purchases import purchase_create, purchase_intent_start, purchase_paid_at_desk
from people.models import AuditAction
from people.services import audit_record

FEATURE = "packages"


def _local_day(clinic, moment):
    """The clinic's calendar day at ``moment`` (validity counts in its days)."""
    return timezone.localdate(moment, zoneinfo.ZoneInfo(clinic.timezone))


def _feature_on(clinic):
    if not feature_enabled(clinic, FEATURE):
        raise FeatureDisabledError(_("This clinic does not sell packages."))


def _plan_on_sale(clinic, plan_id):
    plan = PackagePlan.objects.filter(clinic=clinic, pk=plan_id, active=True).first()
    if plan is None:
        raise CommerceError(
            _("That package is not on sale here."),
            field="plan",
            code=CommerceErrorCode.PLAN_UNAVAILABLE,
        )
    return plan


@transaction.atomic
def package_buy_start(*, clinic, client, plan_id):
    """A patient buys a package online: the purchase and its PaymentIntent (the package
    is issued when the payment succeeds, ``purchase_apply_intent``)."""
    _feature_on(clinic)
    plan = _plan_on_sale(clinic, plan_id)
    purchase = purchase_create(
        clinic=clinic,
        client=client,
        kind=PurchaseKind.PACKAGE,
        description=plan.name,
        amount=plan.price,
        method=PurchaseMethod.CARD,
        plan=plan,
    )
    return purchase_intent_start(purchase)


@transaction.atomic
def package_sell(*, clinic, client, plan_id, method, actor, request=None):
    """Staff sell a package at the desk, paid there by ``method`` (cash or the card
    terminal, as staff chose; recorded on the purchase): issued at once, audited."""
    _feature_on(clinic)
    if method not in DeskSaleMethod.values:
        raise CommerceError(
            _("Choose how the client pays."), field="method", code=CommerceErrorCode.TENDER_INVALID
        )
    plan = _plan_on_sale(clinic, plan_id)
    purchase = purchase_create(
        clinic=clinic,
        client=client,
        kind=PurchaseKind.PACKAGE,
        description=plan.name,
        amount=plan.price,
        method=PurchaseMethod.DESK,
        actor=actor,
        plan=plan,
        desk_method=method,
    )
    purchase_paid_at_desk(purchase)
    audit_record(
        clinic=clinic,
        actor=actor,
        action=AuditAction.CREATE,
        client=client,
        summary=f"Sold package {plan.name} at the desk, paid by "
        f"{DeskSaleMethod(method).label.lower()} ({format_money(plan.price, clinic.currency)})",
        request=request,
    )
    return purchase.package


def package_issue(*, purchase) -> Package:
    """The package a paid purchase gives, with its sessions granted (once)."""
    existing = Package.objects.filter(purchase=purchase).first()
    if existing is not None:
        return existing
    plan = purchase.plan
    today = _local_day(purchase.clinic, timezone.now())
    package = Package.objects.create(
        clinic=purchase.clinic,
        client=purchase.client,
        plan=plan,
        purchase=purchase,
        name=plan.name,
        sessions=plan.sessions,
        expires_on=today + datetime.timedelta(days=plan.validity_days),
        no_show_uses_session=plan.no_show_uses_session,
    )
    package.services.set(plan.services.all())
    _post(
        package=package,
        kind=EntryKind.GRANT,
        amount=plan.sessions,
        key=f"purchase-{purchase.pk}-grant",
        reason=_("Bought"),
        actor=purchase.actor,
    )
    return package


def _post(*, package, kind, amount, key, reason="", actor=None, booking=None):
    """Append one entry under the package's lock; a repeated key returns the first
    entry and writes nothing; the balance never goes below zero."""
    Package.objects.select_for_update().filter(pk=package.pk).first()
    existing = PackageEntry.objects.filter(idempotency_key=key).first()
    if existing is not None:
        return existing
    balance = package_balance(package)
    if balance + amount < 0:
        raise CommerceError(
            _("No sessions left on %(package)s.") % {"package": package.name},
            field="package",
            code=CommerceErrorCode.PACKAGE_UNUSABLE,
        )
    return PackageEntry.objects.create(
        clinic_id=package.clinic_id,
        package=package,
        kind=kind,
        amount=amount,
        balance_after=balance + amount,
        booking=booking,
        reason=str(reason)[:200],
        actor=actor if getattr(actor, "pk", None) else None,
        idempotency_key=key,
    )


def _unusable(message):
    return CommerceError(message, field="package", code=CommerceErrorCode.PACKAGE_UNUSABLE)


def package_session_use(*, package_id, booking, actor=None) -> PackageEntry:
    """Take one session of the client's package for ``booking`` (in the booking's
    transaction). Another client's or clinic's package, one that does not include the
    service, is expired or cancelled, or has no sessions left, is refused naming
    ``package``."""
    package = (
        Package.objects.select_for_update()
        .filter(pk=package_id, clinic_id=booking.clinic_id, client_id=booking.client_id)
        .first()
    )
    if package is None:
        raise _unusable(_("That package is not yours."))
    if not feature_enabled(booking.clinic, FEATURE):
        raise FeatureDisabledError(_("This clinic does not sell packages."))
    if package.voided_at is not None:
        raise _unusable(_("%(package)s was cancelled.") % {"package": package.name})
    if _local_day(booking.clinic, booking.start) > package.expires_on:
        raise _unusable(
            _("%(package)s expired on %(date)s.")
            % {"package": package.name, "date": clinic_time.format_date(package.expires_on)}
        )
    if not package.services.filter(pk=booking.service_id).exists():
        raise _unusable(
            _("%(package)s does not include %(service)s.")
            % {"package": package.name, "service": booking.service.name}
        )
    return _post(
        package=package,
        kind=EntryKind.USE,
        amount=-1,
        key=f"booking-{booking.pk}-use",
        reason=booking.service.name,
        actor=actor,
        booking=booking,
    )


def _give_back(booking_id, why):
    use = (
        PackageEntry.objects.filter(booking_id=booking_id, kind=EntryKind.USE)
        .select_related("package")
        .first()
    )
    if use is None:
        return None
    return _post(
        package=use.package,
        kind=EntryKind.RETURN,
        amount=1,
        key=f"booking-{booking_id}-return",
        reason=why,
        booking=use.booking,
    )


@transaction.atomic
def package_session_after_cancel(*, booking_id, event_id=None):
    """A covered booking was cancelled: its session comes back when the cancellation
    came before the policy's late-cancellation window or was the clinic's (staff, or a
    lapsed hold); a client's late cancellation keeps it used. Idempotent."""
    booking = Booking.objects.filter(pk=booking_id, status=BookingStatus.CANCELLED).first()
    if booking is None:
        return None
    event = booking_last_move(booking, BookingStatus.CANCELLED)
    data = (event.data or {}) if event else {}
    in_time = not data.get("late", True) or not data.get("by_client", True)
    if not in_time:
        return None
    return _give_back(booking_id, _("Cancelled in time"))


@transaction.atomic
def package_session_after_no_show(*, booking_id):
    """A covered booking was missed: the session stays used where the package says so
    (the clinic's choice on the package), else it comes back. Idempotent."""
    use = PackageEntry.objects.filter(booking_id=booking_id, kind=EntryKind.USE).first()
    if use is None or use.package.no_show_uses_session:
        return None
    return _give_back(booking_id, _("Missed appointment: session kept by the clinic's policy"))


@transaction.atomic
def package_adjust(*, clinic, package_id, amount, actor, reason, request=None):
    """Staff add or take sessions with a reason (audited); the balance stays ≥ 0. Only
    a manager adds (``staff_credit_check``); the front desk may take off."""
    reason = staff_reason(reason)
    package = Package.objects.select_for_update().filter(clinic=clinic, pk=package_id).first()
    if package is None:
        raise CommerceError(
            _("No such package here."), field="package", code=CommerceErrorCode.PACKAGE_UNUSABLE
        )
    if not isinstance(amount, int) or amount == 0:
        raise CommerceError(
            _("Enter a number of sessions other than zero."),
            field="amount",
            code=CommerceErrorCode.SESSIONS_INVALID,
        )
    staff_credit_check(clinic, actor, amount)
    if package_balance(package) + amount < 0:
        raise CommerceError(
            _("That would leave fewer than zero sessions."),
            field="amount",
            code=CommerceErrorCode.SESSIONS_INVALID,
        )
    n = PackageEntry.objects.filter(package=package, kind=EntryKind.ADJUST).count() + 1
    entry = _post(
        package=package,
        kind=EntryKind.ADJUST,
        amount=amount,
        key=f"package-{package.pk}-adjust-{n}",
        reason=reason,
        actor=actor,
    )
    audit_record(
        clinic=clinic,
        actor=actor,
        action=AuditAction.CHANGE,
        client=package.client,
        summary=f"Package {package.name}: sessions {amount:+d} ({reason})",
        changes={"sessions": [entry.balance_after - amount, entry.balance_after]},
        request=request,
    )
    return entry


def package_void_for_refund(*, purchase, actor=None):
    """A package refunded in full: its remaining sessions are cancelled."""
    package = Package.objects.select_for_update().filter(purchase=purchase).first()
    if package is None or package.voided_at is not None:
        return None
    balance = package_balance(package)
    if balance:
        _post(
            package=package,
            kind=EntryKind.VOID,
            amount=-balance,
            key=f"purchase-{purchase.pk}-void",
            reason=_("Refunded"),
            actor=actor,
        )
    package.voided_at = timezone.now()
    package.save(update_fields=["voided_at"])
    return package
