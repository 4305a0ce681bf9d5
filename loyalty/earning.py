"""Earn rules beyond a completed visit: refunds take a visit's points back, points
expire after the programme's months, and birthdays bring a bonus. Each is idempotent,
so a job that runs twice posts once."""

import calendar
import zoneinfo

from django.db import transaction
from django.db.models import Q, Sum
from django.utils import timezone
from django.utils.translation import gettext

from branding.money import minor_digits
from loyalty.errors import LoyaltyError
from loyalty.models import LedgerEntry, LoyaltyAccount, LoyaltyProgramme
from loyalty.notices import points_added_tell
from loyalty.selectors import balance
from loyalty.services import entry_reverse, points_adjust, points_award, points_expire
from people.models import ClientAccount


def months_before(moment, months):
    """``moment`` minus whole calendar months (31 March − 1 month = 28/29 February)."""
    year, month = divmod(moment.month - 1 - months, 12)
    year, month = moment.year + year, month + 1
    day = min(moment.day, calendar.monthrange(year, month)[1])
    return moment.replace(year=year, month=month, day=day)


@transaction.atomic
def booking_points_reverse(*, booking_id, reason):
    """Take back a refunded visit's points, once. If some were spent meanwhile, only
    what is left is taken (the balance never goes below zero)."""
    return _earned_reverse(
        earn_key=f"booking-{booking_id}-earn",
        partial_key=f"booking-{booking_id}-refund-partial",
        reason=reason,
    )


def _earned_reverse(*, earn_key, partial_key, reason):
    entry = LedgerEntry.objects.filter(idempotency_key=earn_key).first()
    if entry is None or LedgerEntry.objects.filter(reverses=entry).exists():
        return None
    try:
        with transaction.atomic():
            return entry_reverse(entry=entry, actor=None, reason=reason)
    except LoyaltyError as error:
        if error.code == "conflict":  # reversed meanwhile by a parallel run
            return None
        if error.code != "insufficient_balance":
            raise
    left = balance(entry.clinic, entry.client)
    if left <= 0:
        return None
    return points_adjust(
        clinic=entry.clinic,
        client=entry.client,
        amount=-min(left, entry.amount),
        reason=reason,
        actor=None,
        idempotency_key=partial_key,
    )


@transaction.atomic
def points_for_purchase(*, clinic, client, purchase_key, paid, currency, label):
    """A purchase's points (per whole currency unit paid; no per-visit points), exactly
    once per ``purchase_key`` (the entry's key is ``<purchase_key>-earn``). Called by
    commerce after the purchase is paid (orders: when handed over). Returns the entry,
    or None when there is no active programme or nothing to earn."""
    programme = LoyaltyProgramme.objects.filter(clinic=clinic, active=True).first()
    if programme is None:
        return None
    amount = (paid // 10 ** minor_digits(currency)) * programme.per_currency_unit
    if amount <= 0:
        return None
    entry = points_award(
        clinic=clinic,
        client=client,
        amount=amount,
        reason=f"Purchase: {label}"[:200],
        idempotency_key=f"{purchase_key}-earn",
    )
    points_added_tell(entry, why=lambda: gettext("For your purchase: %(item)s") % {"item": label})
    return entry


@transaction.atomic
def purchase_points_reverse(*, purchase_key, reason):
    """Take back a refunded purchase's points, once (what is left if some were spent)."""
    return _earned_reverse(
        earn_key=f"{purchase_key}-earn",
        partial_key=f"{purchase_key}-refund-partial",
        reason=reason,
    )


@transaction.atomic
def client_points_expire(*, clinic, client, cutoff, today):
    """Expire what the client earned before ``cutoff`` and has not spent since (oldest
    points are spent first). Keyed per client and day."""
    LoyaltyAccount.objects.select_for_update().filter(client=client).first()
    totals = LedgerEntry.objects.filter(clinic=clinic, client=client).aggregate(
        old=Sum("amount", filter=Q(amount__gt=0, created_at__lt=cutoff)),
        spent=Sum("amount", filter=Q(amount__lt=0)),
    )
    due = min((totals["old"] or 0) + (totals["spent"] or 0), balance(clinic, client))
    if due <= 0:
        return None
    return points_expire(
        clinic=clinic,
        client=client,
        amount=due,
        reason=f"Expired: earned before {cutoff:%d %b %Y}",
        idempotency_key=f"expire-{client.pk}-{today.isoformat()}",
    )


def points_expire_due(*, now=None) -> int:
    """The nightly expiry over every clinic whose programme sets ``expiry_months``."""
    now = now or timezone.now()
    posted = 0
    for programme in LoyaltyProgramme.objects.filter(
        active=True, expiry_months__gt=0
    ).select_related("clinic"):
        clinic = programme.clinic
        cutoff = months_before(now, programme.expiry_months)
        today = timezone.localdate(now, timezone=zoneinfo.ZoneInfo(clinic.timezone))
        holders = ClientAccount.objects.filter(
            clinic=clinic,
            ledger_entries__amount__gt=0,
            ledger_entries__created_at__lt=cutoff,
        ).distinct()
        for client in holders:
            if client_points_expire(clinic=clinic, client=client, cutoff=cutoff, today=today):
                posted += 1
    return posted


def birthday_bonuses_award(*, now=None) -> int:
    """Give each client whose birthday is today (clinic time) the programme's bonus,
    once a year. 29 February birthdays are celebrated on the 28th in other years."""
    now = now or timezone.now()
    posted = 0
    for programme in LoyaltyProgramme.objects.filter(
        active=True, birthday_bonus__gt=0
    ).select_related("clinic"):
        clinic = programme.clinic
        today = timezone.localdate(now, timezone=zoneinfo.ZoneInfo(clinic.timezone))
        days = Q(date_of_birth__month=today.month, date_of_birth__day=today.day)
        if today.month == 2 and today.day == 28 and not calendar.isleap(today.year):
            days |= Q(date_of_birth__month=2, date_of_birth__day=29)
        for client in ClientAccount.objects.filter(days, clinic=clinic, archived_at__isnull=True):
            entry = points_award(
                clinic=clinic,
                client=client,
                amount=programme.birthday_bonus,
                reason="Happy birthday!",
                idempotency_key=f"birthday-{client.pk}-{today.year}",
            )
            points_added_tell(entry, why=lambda: gettext("Happy birthday from all of us"))
            posted += 1
    return posted


@transaction.atomic
def points_for_review(*, clinic, client, review_key):
    """The programme's points for a review, once per ``review_key`` (for the survey or
    review feature to call)."""
    programme = LoyaltyProgramme.objects.filter(clinic=clinic, active=True).first()
    if programme is None or not programme.per_review:
        return None
    return points_award(
        clinic=clinic,
        client=client,
        amount=programme.per_review,
        reason="Thank you for your review",
        idempotency_key=f"review-{review_key}",
    )
