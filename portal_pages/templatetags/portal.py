from django import template

from branding.money import format_money

register = template.Library()


@register.filter
def fee_summary(policy, currency):
    """The late-cancellation fee in words, from the clinic's policy."""
    from django.utils.translation import gettext as _

    kind, value = policy.late_cancel_fee_kind, policy.late_cancel_fee_value
    if kind == "percent" and value:
        return _("%(percent)s%% of the price") % {"percent": value}
    if kind == "fixed" and value:
        return format_money(value, currency)
    return ""


@register.simple_tag
def weekday_names():
    """[(abbreviation, full name)] Monday first, translated."""
    from django.utils.dates import WEEKDAYS, WEEKDAYS_ABBR

    return [(WEEKDAYS_ABBR[day], WEEKDAYS[day]) for day in range(7)]


@register.filter
def fill_policy(html, numbers):
    """Rich text with the clinic's policy numbers in place of its placeholders."""
    from django.utils.safestring import mark_safe

    from portal_pages.policy import fill_policy_placeholders

    return mark_safe(fill_policy_placeholders(str(html), numbers or {}))  # noqa: S308 - values escaped


# --- The booking wizard's pictures -------------------------------------------------------

TINTS = 6  # .tint-0 … .tint-5 in portal.css: soft tones of the clinic's colours


@register.filter
def service_pictures(service):
    """The service's picture renditions (``card``, ``thumb``), or None."""
    from booking_api.images import SERVICE_RENDITIONS, renditions

    return renditions(service.image, SERVICE_RENDITIONS) if service.image_id else None


@register.filter
def staff_pictures(member):
    """The staff member's photo renditions (``avatar``, ``portrait``), or None."""
    from booking_api.images import STAFF_RENDITIONS, renditions

    return renditions(member.photo, STAFF_RENDITIONS) if member.photo_id else None


@register.filter
def initials(name):
    from booking_api.images import initials as letters

    return letters(str(name))


@register.filter
def tint(obj):
    """A stable tone for a picture-less card: the same service, the same colour."""
    return f"tint-{(obj.pk or 0) % TINTS}"


@register.filter
def notice_summary(body, length=120):
    """A notification's one-line summary: the first sentence of its body, without
    links (calendar or signed ?token= ones never reach the page), cut to ``length``."""
    import re

    from django.utils.text import Truncator

    text = re.sub(r"\S*https?://\S+|\S*[?&]token=\S+", "", body or "")
    text = " ".join(text.split())
    # A sentence ends at a stop followed by a capital: "8.12.2026 г. в 10:00" (Bulgarian
    # dates end in "г.") and "Dr. Ito" go on.
    first = re.split(r"(?<=[.!?])\s(?=[A-ZÀ-ÖØ-ÞА-ЯЁ])", text, maxsplit=1)[0]
    return Truncator(first).chars(int(length))


@register.simple_tag
def membership_covered(booking):
    """Was ``booking`` paid with a membership credit? (Its price then reads "Included in
    your membership", not 0.)"""
    from booking_api.selectors import booking_cover_ref
    from commerce.memberships.cover import PREFIX

    if booking is None or getattr(booking, "pk", None) is None or booking.price:
        return False
    return booking_cover_ref(booking).startswith(PREFIX)
