"""Who sees a dashboard card today: the audience and date window a manager sets on each
card, and the feature toggle the card belongs to. The blocks declare these settings; the
dashboard selector applies them."""

import datetime

from django.utils.translation import gettext_lazy as _


class Audience:
    EVERYONE = "everyone"
    NEW = "new"
    RETURNING = "returning"
    VIP = "vip"
    TAG = "tag"

    CHOICES = [
        (EVERYONE, _("Everyone")),
        (NEW, _("New clients (no bookings yet)")),
        (RETURNING, _("Returning clients (booked before)")),
        (VIP, _("VIP clients")),
        (TAG, _("Clients with a tag")),
    ]


def card_is_visible(block, value, *, features, client, stats, today: datetime.date) -> bool:
    """Whether a card shows for this person today. ``stats`` is the client's booking
    counts (``DashboardStats``); ``client`` is None for a visitor."""
    if block.feature and not features.get(block.feature, False):
        return False
    if block.needs_client and client is None:
        return False
    start, end = value.get("show_from"), value.get("show_until")
    if (start and today < start) or (end and today > end):
        return False
    audience = value.get("audience") or Audience.EVERYONE
    if audience == Audience.EVERYONE:
        return True
    if audience == Audience.NEW:
        return client is None or stats.total == 0
    if client is None:
        return False
    if audience == Audience.RETURNING:
        return stats.total > 0
    if audience == Audience.VIP:
        return bool(client.vip)
    if audience == Audience.TAG:
        wanted = (value.get("tag") or "").strip().lower()
        return bool(wanted) and wanted in {str(t).strip().lower() for t in client.tags or []}
    return False
