"""Membership credits as prepaid cover at booking (``booking_api.coverage``): offered
only when the client chooses, a credit taken under the membership's lock in the
booking's transaction. Refs are ``commerce:membership:<id>``."""

from django.utils.translation import gettext as _

from booking_api.coverage import CoverOption
from branding.selectors import feature_enabled
from commerce.memberships.credits import FEATURE, membership_credit_use
from commerce.memberships.selectors import usable_memberships

PREFIX = "commerce:membership:"


def options(*, clinic, client, service):
    if client is None or not feature_enabled(clinic, FEATURE):
        return []
    return [
        CoverOption(
            f"{PREFIX}{m.pk}",
            _("Use your membership credit: %(membership)s (%(left)s left)")
            % {"membership": m.name, "left": m.balance},
        )
        for m in usable_memberships(clinic, client, service)
    ]


def apply(*, booking, ref, actor=None):
    if not str(ref).startswith(PREFIX):
        return None
    membership_id = str(ref)[len(PREFIX) :]
    if not membership_id.isdigit() or len(membership_id) > 18:
        return None
    entry = membership_credit_use(membership_id=int(membership_id), booking=booking, actor=actor)
    return CoverOption(
        ref,
        _("A credit of %(membership)s (%(left)s left)")
        % {"membership": entry.membership.name, "left": entry.balance_after},
    )


def member_price(*, clinic, client, service, price):
    """``booking_api.pricing`` provider: an active member's discount on the service."""
    from booking_api.pricing import PriceAdjustment
    from commerce.memberships.selectors import discounting_memberships

    if not feature_enabled(clinic, FEATURE):
        return None
    best = next(iter(discounting_memberships(clinic, client, service)), None)
    if best is None:
        return None
    return PriceAdjustment(
        price - price * best.discount_percent // 100,
        _("%(membership)s %(percent)s%%")
        % {"membership": best.name, "percent": best.discount_percent},
    )


def member_horizon(*, clinic, client):
    """``booking_api.availability.horizon`` provider: an active member's booking window."""
    from commerce.memberships.selectors import member_booking_window

    if not feature_enabled(clinic, FEATURE):
        return None
    return member_booking_window(clinic, client) or None
