"""Every write to rewards: redeeming points for a voucher, staff gifts, reward requests
and their decisions, and the checkout's use of a voucher.

Spending goes through ``loyalty.services.points_redeem``, which locks the client's
loyalty account, so two redemptions racing for the last points cannot both succeed.
"""

import datetime

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from loyalty.errors import LoyaltyError, LoyaltyErrorCode
from loyalty.models import (
    RequestStatus,
    Reward,
    RewardKind,
    RewardRequest,
    Voucher,
    VoucherStatus,
)
from loyalty.rewards.selectors import available_rewards_q, clinic_today, voucher_discount
from loyalty.selectors import balance, programme_for
from loyalty.services import points_redeem
from payments.selectors import payment_holds_voucher

__all__ = [
    "reward_grant",
    "reward_redeem",
    "reward_request_approve",
    "reward_request_create",
    "reward_request_decline",
    "voucher_mark_used",
    "voucher_quote",
    "voucher_release",
    "voucher_reserve",
    "vouchers_expire",
]


def _available_reward(clinic, reward_id):
    """The reward, if it belongs to ``clinic`` and can be had today; a clear error
    naming ``reward`` otherwise (another clinic's reward is simply not found)."""
    reward = Reward.objects.filter(clinic=clinic, pk=reward_id).first()
    if reward is None:
        raise LoyaltyError(
            _("This reward was not found."),
            field="reward",
            status=404,
            code=LoyaltyErrorCode.NOT_FOUND,
        )
    if not Reward.objects.filter(available_rewards_q(clinic_today(clinic)), pk=reward.pk).exists():
        raise LoyaltyError(
            _("This reward is not available at the moment."),
            field="reward",
            code=LoyaltyErrorCode.REWARD_UNAVAILABLE,
        )
    return reward


def _voucher_for(reward, *, client, entry=None, issued_by=None):
    return Voucher.objects.create(
        clinic=reward.clinic,
        client=client,
        reward=reward,
        name=reward.name,
        kind=reward.kind,
        amount_off=reward.amount_off if reward.kind == RewardKind.AMOUNT_OFF else None,
        percent_off=reward.percent_off if reward.kind == RewardKind.PERCENT_OFF else None,
        service_ids=list(reward.services.values_list("pk", flat=True)),
        entry=entry,
        issued_by=issued_by,
        expires_at=timezone.now() + datetime.timedelta(days=reward.voucher_valid_days),
    )


@transaction.atomic
def reward_redeem(*, clinic, client, reward_id, actor=None, idempotency_key=None) -> Voucher:
    """Spend the reward's cost in points and issue its voucher. Refused (409, field
    ``amount``) when the balance is too small; a repeated ``idempotency_key`` returns the
    voucher it first issued."""
    reward = _available_reward(clinic, reward_id)
    entry = points_redeem(
        clinic=clinic,
        client=client,
        amount=reward.cost,
        reason=f"Reward: {reward.name}",
        actor=actor,
        idempotency_key=idempotency_key,
    )
    existing = Voucher.objects.filter(entry=entry).first()
    return existing or _voucher_for(reward, client=client, entry=entry, issued_by=actor)


@transaction.atomic
def reward_grant(*, clinic, client, reward_id, actor, charge_points=False) -> Voucher:
    """Staff's "manual reward": a voucher without a request, as a gift or (with
    ``charge_points``) paid for from the client's points."""
    if client.clinic_id != clinic.pk:
        raise LoyaltyError(
            _("This client belongs to another clinic."),
            field="client",
            code=LoyaltyErrorCode.OTHER_CLINIC,
        )
    if charge_points:
        return reward_redeem(clinic=clinic, client=client, reward_id=reward_id, actor=actor)
    reward = Reward.objects.filter(clinic=clinic, pk=reward_id, active=True).first()
    if reward is None:
        raise LoyaltyError(
            _("Choose an active reward."), field="reward", code=LoyaltyErrorCode.REWARD_UNAVAILABLE
        )
    return _voucher_for(reward, client=client, issued_by=actor)


@transaction.atomic
def reward_request_create(*, clinic, client, reward_id, note="") -> RewardRequest:
    """A patient asks for a reward. They must have enough points now (checked again
    when staff approve); one open request per reward."""
    reward = _available_reward(clinic, reward_id)
    if len(note or "") > 300:
        raise LoyaltyError(
            _("Keep the note under 300 characters."), field="note", code=LoyaltyErrorCode.TOO_LONG
        )
    have = balance(clinic, client)
    if have < reward.cost:
        unit = programme_for(clinic).unit_label
        raise LoyaltyError(
            _("You need %(cost)s %(unit)s for this reward and have %(have)s.")
            % {"cost": reward.cost, "unit": unit, "have": have},
            field="reward",
            code=LoyaltyErrorCode.INSUFFICIENT_BALANCE,
            status=409,
        )
    try:
        with transaction.atomic():
            return RewardRequest.objects.create(
                clinic=clinic, client=client, reward=reward, note=(note or "").strip()
            )
    except IntegrityError:
        raise LoyaltyError(
            _("You have already asked for this reward; the clinic will answer soon."),
            field="reward",
            code=LoyaltyErrorCode.CONFLICT,
            status=409,
        ) from None


def _pending_request(clinic, request_id):
    # Lock only the request row: on PostgreSQL FOR UPDATE would otherwise also lock the
    # joined client row, which the ledger's inserts need (FOR KEY SHARE) — a deadlock
    # against a redemption holding the client's loyalty account lock.
    request = (
        RewardRequest.objects.select_for_update(of=("self",))
        .filter(clinic=clinic, pk=request_id)
        .select_related("reward", "client__user")
        .first()
    )
    if request is None:
        raise LoyaltyError(
            _("This request was not found."),
            field="request",
            status=404,
            code=LoyaltyErrorCode.NOT_FOUND,
        )
    if request.status != RequestStatus.PENDING:
        raise LoyaltyError(
            _("This request has already been answered."),
            field="request",
            code=LoyaltyErrorCode.CONFLICT,
            status=409,
        )
    return request


def _tell_client(request, *, title, body):
    """``title`` and ``body``: text, or functions giving it, called in the clinic's
    language (the staff member answering may read another)."""
    from notifications.language import speaking_to
    from notifications.models import Category
    from notifications.services import notify

    with speaking_to(request.clinic, request.client.user):
        notify(
            clinic=request.clinic,
            user=request.client.user,
            kind="reward_request",
            category=Category.MESSAGE,
            title=title() if callable(title) else title,
            body=body() if callable(body) else body,
            url="/rewards/",
            idempotency_key=f"reward-request-{request.pk}-{request.status}",
        )


@transaction.atomic
def reward_request_approve(*, clinic, request_id, actor) -> RewardRequest:
    """Deduct the points, issue the voucher and tell the patient, all or nothing."""
    request = _pending_request(clinic, request_id)
    voucher = reward_redeem(
        clinic=clinic,
        client=request.client,
        reward_id=request.reward_id,
        actor=actor,
        idempotency_key=f"reward-request-{request.pk}",
    )
    request.status = RequestStatus.APPROVED
    request.voucher = voucher
    request.decided_by = actor
    request.decided_at = timezone.now()
    request.save(update_fields=["status", "voucher", "decided_by", "decided_at"])
    _tell_client(
        request,
        title=lambda: _("Your reward is ready: %(name)s") % {"name": voucher.name},
        body=lambda: (
            _("Your voucher code is %(code)s. Choose it when you pay.") % {"code": voucher.code}
        ),
    )
    return request


@transaction.atomic
def reward_request_decline(*, clinic, request_id, actor, reason) -> RewardRequest:
    """Decline with a reason the patient is told."""
    reason = (reason or "").strip()
    if not reason:
        raise LoyaltyError(
            _("Say why the request is declined."), field="reason", code=LoyaltyErrorCode.REQUIRED
        )
    if len(reason) > 300:
        raise LoyaltyError(
            _("Keep the reason under 300 characters."),
            field="reason",
            code=LoyaltyErrorCode.TOO_LONG,
        )
    request = _pending_request(clinic, request_id)
    request.status = RequestStatus.DECLINED
    request.decline_reason = reason
    request.decided_by = actor
    request.decided_at = timezone.now()
    request.save(update_fields=["status", "decline_reason", "decided_by", "decided_at"])
    _tell_client(
        request,
        title=lambda: _("About your reward request: %(name)s") % {"name": request.reward.name},
        body=reason,
    )
    return request


# --- Checkout ------------------------------------------------------------------------


def _client_voucher(clinic, client, code, *, lock=False):
    vouchers = Voucher.objects.filter(clinic=clinic, client=client, code=(code or "").upper())
    voucher = (vouchers.select_for_update() if lock else vouchers).first()
    if voucher is None:
        raise LoyaltyError(
            _("This voucher was not found."),
            field="voucher",
            status=404,
            code=LoyaltyErrorCode.NOT_FOUND,
        )
    return voucher


def _usable_discount(voucher, *, service_id, amount) -> int:
    """What the voucher takes off, or a refusal naming ``voucher`` when it is used,
    expired or for another service."""
    if voucher.status == VoucherStatus.USED:
        raise LoyaltyError(
            _("This voucher has already been used."),
            field="voucher",
            code=LoyaltyErrorCode.VOUCHER_UNUSABLE,
        )
    if voucher.status == VoucherStatus.REVOKED:
        raise LoyaltyError(
            _("This voucher was cancelled."),
            field="voucher",
            code=LoyaltyErrorCode.VOUCHER_UNUSABLE,
        )
    if voucher.status == VoucherStatus.EXPIRED or voucher.expires_at <= timezone.now():
        raise LoyaltyError(
            _("This voucher has expired."), field="voucher", code=LoyaltyErrorCode.VOUCHER_UNUSABLE
        )
    discount = voucher_discount(voucher, service_id=service_id, amount=amount)
    if discount <= 0:
        raise LoyaltyError(
            _("This voucher does not apply to this service."),
            field="voucher",
            code=LoyaltyErrorCode.VOUCHER_UNUSABLE,
        )
    return discount


def _reserved_elsewhere():
    return LoyaltyError(
        _(
            "This voucher is already applied to another booking that is waiting for "
            "payment. Cancel that booking or pay it without the voucher to use it here."
        ),
        field="voucher",
        code=LoyaltyErrorCode.VOUCHER_RESERVED,
    )


def voucher_quote(*, clinic, client, code, service_id, amount) -> tuple[Voucher, int]:
    """What the client's voucher ``code`` takes off ``amount`` (minor units) for a
    booking of ``service_id``. Nothing is written: applying it at a checkout reserves it
    (``voucher_reserve``), and it is used only when that payment succeeds
    (``voucher_mark_used``)."""
    voucher = _client_voucher(clinic, client, code)
    return voucher, _usable_discount(voucher, service_id=service_id, amount=amount)


@transaction.atomic
def voucher_reserve(
    *, clinic, client, code, payment_id, voucher_ref, service_id, amount
) -> tuple[Voucher, int]:
    """Reserve the client's voucher ``code`` for payment ``payment_id`` (carrying it as
    ``voucher_ref``), under the voucher's row lock, so that of two checkouts applying it
    at once only one gets it. Refused (409, field ``voucher``) while another payment
    holds it — one that may still succeed, see ``payments.selectors
    .payment_holds_voucher``; a reservation whose payment was cancelled, failed, moved
    to another voucher or whose booking was cancelled is taken over. Reserving again for
    the same payment changes nothing."""
    voucher = _client_voucher(clinic, client, code, lock=True)
    discount = _usable_discount(voucher, service_id=service_id, amount=amount)
    holder = voucher.reserved_payment_id
    if holder == payment_id:
        return voucher, discount
    if holder is not None and payment_holds_voucher(holder, voucher_ref):
        raise _reserved_elsewhere()
    voucher.reserved_payment_id = payment_id
    voucher.reserved_at = timezone.now()
    voucher.save(update_fields=["reserved_payment", "reserved_at"])
    return voucher, discount


def voucher_release(*, clinic, client, code, payment_id) -> bool:
    """Payment ``payment_id`` no longer carries the voucher (another chosen, or its
    booking cancelled unpaid): give the voucher back if that payment still reserves it.
    One conditional update; idempotent."""
    return bool(
        Voucher.objects.filter(
            clinic=clinic,
            client=client,
            code=(code or "").upper(),
            reserved_payment_id=payment_id,
        )
        .exclude(status=VoucherStatus.USED)
        .update(reserved_payment=None, reserved_at=None)
    )


@transaction.atomic
def voucher_mark_used(
    *, clinic, client, code, used_for, payment_id=None, voucher_ref=""
) -> Voucher:
    """Called when the payment that used the voucher succeeded. Idempotent for the same
    ``used_for`` (e.g. the payment's id); a voucher already used for something else, or
    reserved for another payment that may still use it, is refused (409)."""
    voucher = _client_voucher(clinic, client, code, lock=True)
    if voucher.status == VoucherStatus.REVOKED:
        raise LoyaltyError(
            _("This voucher was cancelled."),
            field="voucher",
            code=LoyaltyErrorCode.CONFLICT,
            status=409,
        )
    if voucher.status == VoucherStatus.USED:
        if voucher.used_for == used_for:
            return voucher
        raise LoyaltyError(
            _("This voucher has already been used."),
            field="voucher",
            code=LoyaltyErrorCode.CONFLICT,
            status=409,
        )
    holder = voucher.reserved_payment_id
    if (
        payment_id is not None
        and holder not in (None, payment_id)
        and payment_holds_voucher(holder, voucher_ref)
    ):
        raise _reserved_elsewhere()
    voucher.status = VoucherStatus.USED
    voucher.used_at = timezone.now()
    voucher.used_for = str(used_for)[:120]
    if payment_id is not None:
        voucher.reserved_payment_id = payment_id
    voucher.save(update_fields=["status", "used_at", "used_for", "reserved_payment"])
    return voucher


@transaction.atomic
def vouchers_expire(*, now=None) -> int:
    """Mark issued vouchers past their date as expired (the nightly job)."""
    return Voucher.objects.filter(
        status=VoucherStatus.ISSUED, expires_at__lte=now or timezone.now()
    ).update(status=VoucherStatus.EXPIRED)
