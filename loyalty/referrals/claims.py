"""The share link's side of a referral: ``/r/<code>/`` keeps the code in the visitor's
session, and signing up (or signing in for the first time at this clinic) claims it."""

from loyalty.errors import LoyaltyError

SESSION_KEY = "loyalty_referral_code"


def referral_remember(request, code):
    request.session[SESSION_KEY] = (code or "").strip().upper()[:16]


def referral_claim_from_session(request, user):
    """Record the referral the session carries, if any; anything that does not qualify
    (self-referral, an existing client, an unknown code) is dropped quietly: the person
    is signing in, not asking about referrals."""
    from loyalty.referrals.services import referral_record
    from people.services import client_account_ensure

    clinic = getattr(request, "clinic", None)
    session = getattr(request, "session", None)
    code = session.pop(SESSION_KEY, None) if session is not None else None
    if clinic is None or not code or not user.is_authenticated:
        return None
    try:
        return referral_record(
            clinic=clinic, code=code, referred=client_account_ensure(clinic=clinic, user=user)
        )
    except LoyaltyError:
        return None
