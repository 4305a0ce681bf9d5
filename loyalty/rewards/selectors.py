"""Reads of the rewards catalogue, vouchers and requests, clinic first."""

import zoneinfo

from django.db.models import Q
from django.utils import timezone

from loyalty.models import RequestStatus, Reward, RewardRequest, Voucher, VoucherStatus


def clinic_today(clinic):
    return timezone.localdate(timezone.now(), timezone=zoneinfo.ZoneInfo(clinic.timezone))


def available_rewards_q(today):
    return (
        Q(active=True)
        & (Q(starts_on__isnull=True) | Q(starts_on__lte=today))
        & (Q(ends_on__isnull=True) | Q(ends_on__gte=today))
    )


def reward_catalogue(clinic, *, today=None):
    """The rewards a patient can redeem today, cheapest first (one query plus one for
    their services)."""
    today = today or clinic_today(clinic)
    return (
        Reward.objects.filter(Q(clinic=clinic) & available_rewards_q(today))
        .prefetch_related("services")
        .order_by("position", "cost", "name")
    )


def client_vouchers(clinic, client, *, now=None):
    """The client's vouchers, usable first; one that has run out shows as expired even
    before the nightly job marks it."""
    now = now or timezone.now()
    vouchers = list(Voucher.objects.filter(clinic=clinic, client=client).order_by("-id"))
    for voucher in vouchers:
        if voucher.status == VoucherStatus.ISSUED and voucher.expires_at <= now:
            voucher.status = VoucherStatus.EXPIRED
    return sorted(vouchers, key=lambda v: v.status != VoucherStatus.ISSUED)


def usable_vouchers(clinic, client, *, now=None):
    """Vouchers the client may pick at checkout."""
    return Voucher.objects.filter(
        clinic=clinic,
        client=client,
        status=VoucherStatus.ISSUED,
        expires_at__gt=now or timezone.now(),
    ).order_by("expires_at")


def client_requests(clinic, client):
    return (
        RewardRequest.objects.filter(clinic=clinic, client=client)
        .select_related("reward", "voucher")
        .order_by("-id")
    )


def pending_requests(clinic, *, client=None):
    """The staff queue: requests waiting for a decision, oldest first."""
    requests = RewardRequest.objects.filter(clinic=clinic, status=RequestStatus.PENDING)
    if client is not None:
        requests = requests.filter(client=client)
    return requests.select_related("reward", "client__user").order_by("id")


def voucher_discount(voucher, *, service_id, amount) -> int:
    """What ``voucher`` takes off ``amount`` (minor units) for ``service_id``; 0 when the
    voucher does not apply to that service."""
    if voucher.service_ids and service_id not in voucher.service_ids:
        return 0
    if voucher.kind == "amount_off":
        return min(voucher.amount_off or 0, amount)
    if voucher.kind == "percent_off":
        return amount * (voucher.percent_off or 0) // 100
    return amount  # a free service
