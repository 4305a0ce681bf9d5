"""Reads of packages, clinic first."""

import zoneinfo

from django.db.models import OuterRef, Subquery
from django.utils import timezone

from commerce.models import Package, PackageEntry, PackagePlan


def package_balance(package) -> int:
    """Sessions left: the newest entry's running balance (one query)."""
    newest = (
        PackageEntry.objects.filter(package=package)
        .order_by("-id")
        .values_list("balance_after", flat=True)
        .first()
    )
    return newest or 0


def _with_balance(queryset):
    newest = PackageEntry.objects.filter(package=OuterRef("pk")).order_by("-id")
    return queryset.annotate(balance=Subquery(newest.values("balance_after")[:1]))


def plans_on_sale(clinic):
    """The clinic's packages on sale, each holding the given clinic object: what a plan
    reads of its clinic (currency, installment settings, cached on it) costs no query
    per plan."""
    plans = list(
        PackagePlan.objects.filter(clinic=clinic, active=True).prefetch_related("services")
    )
    for plan in plans:
        plan.clinic = clinic
    return plans


def client_packages(clinic, client):
    """The client's packages, newest first, each with ``balance`` (sessions left) and
    ``services``: two queries."""
    return list(
        _with_balance(Package.objects.filter(clinic=clinic, client=client)).prefetch_related(
            "services"
        )
    )


def package_in_use(clinic, package, *, on_day=None) -> bool:
    """Not cancelled, not expired, sessions left (``package`` from ``client_packages``)."""
    on_day = on_day or timezone.localdate(timezone=zoneinfo.ZoneInfo(clinic.timezone))
    return package.voided_at is None and package.expires_on >= on_day and bool(package.balance)


def usable_packages(clinic, client, service, *, on_day=None):
    """The client's packages that can pay for ``service`` on ``on_day`` (today when
    None): not cancelled, not expired, sessions left, the service included."""
    on_day = on_day or timezone.localdate(timezone=zoneinfo.ZoneInfo(clinic.timezone))
    packages = _with_balance(
        Package.objects.filter(
            clinic=clinic,
            client=client,
            voided_at__isnull=True,
            expires_on__gte=on_day,
            services=service,
        )
    )
    return [p for p in packages.order_by("expires_on", "id") if p.balance]


def package_entries(clinic, package):
    return list(
        PackageEntry.objects.filter(clinic=clinic, package=package).select_related("booking")
    )


def package_for_client(clinic, client, pk):
    return _with_balance(Package.objects.filter(clinic=clinic, client=client, pk=pk)).first()
