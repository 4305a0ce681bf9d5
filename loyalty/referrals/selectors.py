"""Reads of referrals, clinic first."""

from loyalty.models import Referral, ReferralCode


def referral_code_of(clinic, client):
    """The client's code, or None if they have never asked for one."""
    return ReferralCode.objects.filter(clinic=clinic, client=client).first()


def referral_inviter_name(clinic, code) -> str | None:
    """The first name of whoever shares ``code`` at this clinic, for the friend's landing
    page: "" for a client without one, None for a code that is not this clinic's."""
    row = (
        ReferralCode.objects.filter(clinic=clinic, code=(code or "").strip().upper()[:16])
        .values_list("client__user__first_name", flat=True)
        .first()
    )
    return row


def referrals_made(clinic, client):
    """Who joined through the client's code, newest first, with the joiner's name."""
    return (
        Referral.objects.filter(clinic=clinic, referrer=client)
        .select_related("referred__user")
        .order_by("-id")
    )


def referral_summary(clinic, client) -> dict:
    """Counts for the dashboard card (one query)."""
    rows = list(
        Referral.objects.filter(clinic=clinic, referrer=client).values_list("points", "rewarded_at")
    )
    return {
        "joined": len(rows),
        "rewarded": sum(1 for _, at in rows if at),
        "earned": sum(points for points, at in rows if at),
    }
