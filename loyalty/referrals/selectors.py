"""Reads of referrals, clinic first."""

from loyalty.models import Referral, ReferralCode


def referral_code_of(clinic, client):
    """The client's code, or None if they have never asked for one."""
    return ReferralCode.objects.filter(clinic=clinic, client=client).first()


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
