"""Referral writes: a client's share code, recording who joined through it, and the
reward for both sides when the new client's first booking is completed.

Only a genuinely new client counts: someone whose account at this clinic was made in the
last day and who has never completed a visit there. Referring yourself, or a client the clinic
already has, records nothing and earns nothing.
"""

import datetime

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from loyalty.errors import LoyaltyError, LoyaltyErrorCode
from loyalty.models import LoyaltyProgramme, Referral, ReferralCode
from loyalty.services import points_award

NEW_CLIENT_WINDOW = datetime.timedelta(days=1)


@transaction.atomic
def referral_code_ensure(*, clinic, client) -> ReferralCode:
    if client.clinic_id != clinic.pk:
        raise LoyaltyError(
            _("This client belongs to another clinic."),
            field="client",
            code=LoyaltyErrorCode.OTHER_CLINIC,
        )
    code, _created = ReferralCode.objects.get_or_create(client=client, defaults={"clinic": clinic})
    return code


@transaction.atomic
def referral_record(*, clinic, code, referred) -> Referral:
    """``referred`` joined through ``code``. Raises LoyaltyError (field ``code``) for an
    unknown code, self-referral, an existing client or one already referred."""
    from booking_api.models import Booking, BookingStatus

    owner = (
        ReferralCode.objects.filter(clinic=clinic, code=(code or "").strip().upper())
        .select_related("client")
        .first()
    )
    if owner is None:
        raise LoyaltyError(
            _("This referral code was not found."),
            field="code",
            status=404,
            code=LoyaltyErrorCode.NOT_FOUND,
        )
    if referred.clinic_id != clinic.pk:
        raise LoyaltyError(
            _("This client belongs to another clinic."),
            field="client",
            code=LoyaltyErrorCode.OTHER_CLINIC,
        )
    if owner.client_id == referred.pk or owner.client.user_id == referred.user_id:
        raise LoyaltyError(
            _("You cannot refer yourself."), field="code", code=LoyaltyErrorCode.REFERRAL_REFUSED
        )
    is_new = referred.created_at >= timezone.now() - NEW_CLIENT_WINDOW
    if (
        not is_new
        or Booking.objects.filter(
            clinic=clinic, client=referred, status=BookingStatus.COMPLETED
        ).exists()
    ):
        raise LoyaltyError(
            _("Referrals are for new clients only."),
            field="code",
            code=LoyaltyErrorCode.REFERRAL_REFUSED,
        )
    try:
        with transaction.atomic():
            return Referral.objects.create(clinic=clinic, referrer=owner.client, referred=referred)
    except IntegrityError:
        raise LoyaltyError(
            _("This client has already been referred."),
            field="code",
            code=LoyaltyErrorCode.CONFLICT,
            status=409,
        ) from None


@transaction.atomic
def referral_reward_for_booking(booking_id):
    """If this completed booking is a referred client's first, give both sides the
    programme's referral points, once (keys ``referral-<id>-…``). Returns the referral
    when it was rewarded now, else None."""
    from booking_api.models import Booking, BookingStatus

    booking = Booking.objects.select_related("clinic").get(pk=booking_id)
    if booking.status != BookingStatus.COMPLETED:
        return None
    referral = (
        Referral.objects.select_for_update(of=("self",))
        .filter(clinic=booking.clinic, referred_id=booking.client_id, rewarded_at__isnull=True)
        .select_related("referrer__user", "referred__user")
        .first()
    )
    if referral is None:
        return None
    programme = LoyaltyProgramme.objects.filter(clinic=booking.clinic, active=True).first()
    if programme is None or not programme.per_referral:
        return None
    points = programme.per_referral
    points_award(
        clinic=booking.clinic,
        client=referral.referrer,
        amount=points,
        reason=f"Referral: {referral.referred.name} joined",
        idempotency_key=f"referral-{referral.pk}-referrer",
    )
    points_award(
        clinic=booking.clinic,
        client=referral.referred,
        amount=points,
        reason="Welcome: you joined through a referral",
        idempotency_key=f"referral-{referral.pk}-referred",
    )
    referral.points = points
    referral.rewarded_at = timezone.now()
    referral.save(update_fields=["points", "rewarded_at"])
    _tell_referrer(referral, programme)
    return referral


def _tell_referrer(referral, programme):
    from notifications.language import speaking_to
    from notifications.models import Category
    from notifications.services import notify

    with speaking_to(referral.clinic, referral.referrer.user):
        notify(
            clinic=referral.clinic,
            user=referral.referrer.user,
            kind="referral_rewarded",
            category=Category.MESSAGE,
            title=_("%(name)s joined through your referral")
            % {"name": referral.referred.user.first_name or _("A friend")},
            body=_("You both earned %(points)s %(unit)s.")
            % {"points": referral.points, "unit": programme.unit_label},
            url="/referrals/",
            idempotency_key=f"referral-{referral.pk}-rewarded",
        )
