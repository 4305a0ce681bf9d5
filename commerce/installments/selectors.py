"""Reads for installments: what the clinic offers for an amount, the schedule a
purchase would follow, and the plans a client or the clinic has."""

import calendar
import datetime

from django.db.models import Prefetch

from branding.money import minor_digits
from commerce.models import (
    Installment,
    InstallmentPlan,
    InstallmentSettings,
    InstallmentStatus,
    PlanStatus,
)


def installment_settings(clinic) -> InstallmentSettings:
    """The clinic's setting, read once per clinic object (a list of plans asks often)."""
    cached = getattr(clinic, "_installment_settings", None)
    if cached is None:
        cached = clinic._installment_settings = InstallmentSettings.for_site(clinic.site)
    return cached


def installment_counts(clinic, amount) -> list[int]:
    """The numbers of installments the clinic offers for ``amount`` (minor units):
    none when it does not offer them or the amount is under its minimum."""
    settings = installment_settings(clinic)
    minimum = settings.minimum_amount * 10 ** minor_digits(clinic.currency)
    if not settings.enabled or amount < minimum:
        return []
    return list(range(2, settings.max_installments + 1))


def months_after(day: datetime.date, months: int) -> datetime.date:
    """``day`` plus whole calendar months (31 January + 1 month = 28/29 February)."""
    year, month = divmod(day.month - 1 + months, 12)
    year, month = day.year + year, month + 1
    return day.replace(
        year=year, month=month, day=min(day.day, calendar.monthrange(year, month)[1])
    )


def installment_schedule(amount, count, first_day) -> list[tuple[int, datetime.date]]:
    """(amount, due day) of each installment: equal parts, the first taking what does
    not divide evenly, a month apart from ``first_day``."""
    part, rest = divmod(amount, count)
    return [(part + (rest if n == 0 else 0), months_after(first_day, n)) for n in range(count)]


def installment_options(clinic, amount) -> list[dict]:
    """What each number of installments offered would charge: the first (which takes
    what does not divide evenly) and each later one."""
    options = []
    for count in installment_counts(clinic, amount):
        part, rest = divmod(amount, count)
        options.append({"count": count, "first": part + rest, "then": part})
    return options


def _with_installments(queryset):
    return queryset.select_related("purchase", "card").prefetch_related(
        Prefetch("installments", queryset=Installment.objects.order_by("number"))
    )


def client_installment_plans(clinic, client, *, include_cancelled=True):
    """The client's installment plans, newest first. ``include_cancelled=False`` (the
    patient's list): a first installment that was declined bought nothing, so its plan
    is left out."""
    plans = InstallmentPlan.objects.filter(clinic=clinic, client=client)
    if not include_cancelled:
        plans = plans.exclude(status=PlanStatus.CANCELLED)
    return list(_with_installments(plans))


def installments_needing_attention(clinic):
    """Installments declined (retrying) or failed for good, oldest due first: the
    staff's list."""
    return list(
        Installment.objects.filter(
            plan__clinic=clinic,
            status__in=(InstallmentStatus.RETRYING, InstallmentStatus.FAILED),
        )
        .select_related("plan__client__user", "plan__purchase", "plan__card")
        .order_by("due_on", "pk")
    )
