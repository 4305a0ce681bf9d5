"""What we tell people about a booking, and when: the client's confirmation, change and
cancellation emails (with a calendar invitation), the assigned staff member's notices, and
the text of reminders.

Every message goes through ``notifications.services.notify`` with an idempotency key
derived from the booking and its revision (``sequence``), so running the side effects of
one change twice tells nobody twice. Bodies are plain-text templates under
``templates/booking_api/messages/``, rendered in the recipient's language
(``notifications.language.speaking_to``), times in the clinic's zone.
"""

import datetime
import zoneinfo
from dataclasses import dataclass

from django.template.loader import render_to_string
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from booking_api.action_links import booking_action_links, booking_url, verify_url
from booking_api.calendar_invites import google_calendar_link, ics_attachment
from booking_api.models import Booking
from branding import clinic_time
from branding.links import portal_url
from branding.rich_text import rich_text_plain
from branding.selectors import clinic_policy
from notifications.language import speaking_to
from notifications.services import Category, notify


@dataclass(frozen=True)
class Message:
    kind: str
    title: str
    body: str
    url: str = ""


def _local(dt, clinic):
    return dt.astimezone(zoneinfo.ZoneInfo(clinic.timezone))


def _as_datetime(value):
    if value is None or isinstance(value, datetime.datetime):
        return value
    return parse_datetime(value)


def _when(dt, clinic):
    """The moment on the clinic's wall clock, in its locale (``branding.clinic_time``), the
    day in the portal's "weekday" style: "Fri, 12 Mar 2027" / "Fri 12 Mar" (subjects) /
    "08:00" in London, "Fri, Mar 12, 2027" / "Fri, Mar 12" / "8:00 AM" in New York."""
    with clinic_time.override(clinic):
        return {
            "date": clinic_time.format_date(dt, "weekday"),
            "short_date": clinic_time.format_date(dt, "short"),
            "time": clinic_time.format_time(dt),
        }


def _context(booking, **extra):
    clinic = booking.clinic
    start, end = _when(booking.start, clinic), _when(booking.end, clinic)
    location = booking.location
    user = booking.client.user
    context = {
        "booking": booking,
        "clinic": clinic.name,
        "service": booking.service.name,
        "staff": booking.staff.display_name,
        "pet": booking.pet.name if booking.pet_id else "",
        "client_name": user.get_full_name() or user.email or "",
        "first_name": user.first_name,
        "date": start["date"],
        "short_date": start["short_date"],
        "start_time": start["time"],
        "end_time": end["time"],
        "timezone": clinic.timezone,
        "location": location.name,
        # "Glow Aesthetics, Harley Street" — or just the clinic when the place shares its name
        "place": clinic.name
        if location.name.strip() == clinic.name.strip()
        else f"{clinic.name}, {location.name}",
        "address": " ".join(location.address.split()),
        "reference": booking.reference,
        "url": booking_url(booking),
        "portal_url": portal_url(clinic),
    }
    context.update(extra)
    return context


def _render(booking, template, kind, title, *, to=None, **extra) -> Message:
    """Render a message in the language of its recipient (``to``, else the client) at
    the clinic. ``title`` is a (translated) format string filled from the same context
    as the body; an ``extra`` value that is a function is called in that language."""
    with speaking_to(booking.clinic, to or booking.client.user):
        extra = {name: value() if callable(value) else value for name, value in extra.items()}
        context = _context(booking, **extra)
        body = render_to_string(f"booking_api/messages/{template}.txt", context).strip()
        return Message(
            kind=kind, title=str(title()).format(**context), body=body, url=context["url"]
        )


def _previous(booking, previous_start):
    previous = _as_datetime(previous_start)
    if previous is None:
        return {}
    when = _when(previous, booking.clinic)
    return {"previous_date": when["date"], "previous_time": when["time"]}


# --- the client ----------------------------------------------------------------------


_money_line_providers = []


def register_money_lines(provider):
    """``provider(booking)`` → lines about the booking's money for the confirmation
    (what was paid, what is due at the visit), from an app above this one (payments)."""
    if provider not in _money_line_providers:
        _money_line_providers.append(provider)


def _money_lines(booking) -> list[str]:
    from booking_api.services.policy import cancellation_quote

    lines = [str(line) for provider in _money_line_providers for line in provider(booking)]
    quote = cancellation_quote(booking)
    if quote.free and not quote.made_inside_window:
        # As the booking page and the cancel page write it.
        with clinic_time.override(booking.clinic):
            when = clinic_time.format_datetime(quote.window_ends_at, "weekday")
        lines.append(_("Free cancellation until %(when)s.") % {"when": when})
    return lines


def client_confirmed_message(booking) -> Message:
    """The confirmation, with the clinic's booking instructions (Settings → Booking
    policy), as plain text."""
    return _render(
        booking,
        "client_confirmed",
        "booking_confirmed",
        lambda: _("Booking confirmed: {service} on {short_date} at {start_time}"),
        links=booking_action_links(booking),
        google_link=google_calendar_link(booking),
        money_lines=lambda: _money_lines(booking),
        instructions=rich_text_plain(
            clinic_policy(booking.clinic).booking_instructions, clinic=booking.clinic
        ),
    )


def client_moved_message(booking, previous_start=None) -> Message:
    return _render(
        booking,
        "client_moved",
        "booking_rescheduled",
        lambda: _("Booking moved: {service} now on {short_date} at {start_time}"),
        links=booking_action_links(booking),
        google_link=google_calendar_link(booking),
        **_previous(booking, previous_start),
    )


def _cancellation_money(booking) -> list[str]:
    """What the cancellation quoted, amount by amount (kept, refunded, still to pay), as
    the cancel page showed it — when the policy decided it (not a refund staff chose)."""
    from booking_api.lifecycle import BookingStatus
    from booking_api.selectors import booking_last_move
    from booking_api.services.policy import quote_lines

    event = booking_last_move(booking, BookingStatus.CANCELLED)
    quote = (event.data or {}).get("quote") if event else None
    if not quote or event.refund_decided is not None or event.fee != quote.get("fee"):
        return []
    return [str(line) for line in quote_lines(quote)]


def client_cancelled_message(booking) -> Message:
    return _render(
        booking,
        "client_cancelled",
        "booking_cancelled",
        lambda: _("Booking cancelled: {service} on {short_date} at {start_time}"),
        money_lines=lambda: _cancellation_money(booking),
    )


def client_hold_expired_message(booking) -> Message:
    """The time held for payment ran out unpaid: the patient is not booked."""
    return _render(
        booking,
        "client_hold_expired",
        "booking_hold_expired",
        lambda: _("Not booked: {service} on {short_date} at {start_time}"),
    )


def client_verify_message(booking) -> Message:
    minutes = 0
    if booking.hold_expires_at:
        minutes = max(1, round((booking.hold_expires_at - booking.created_at).total_seconds() / 60))
    return _render(
        booking,
        "client_verify",
        "booking_verify",
        lambda: _("Confirm your booking: {service} on {short_date} at {start_time}"),
        verify_link=verify_url(booking),
        minutes=minutes,
    )


def reminder_message(booking) -> Message:
    """Short on purpose: the same text goes by email and by SMS."""
    return _render(
        booking,
        "reminder",
        "booking_reminder",
        lambda: _("Reminder: {service} on {short_date} at {start_time}"),
    )


def _tell_client(booking, message, key, *, method):
    """``method``: the calendar file's (REQUEST, CANCEL), or None for none."""
    return notify(
        clinic=booking.clinic,
        user=booking.client.user,
        kind=message.kind,
        category=Category.BOOKING,
        title=message.title,
        body=message.body,
        url=message.url,
        object_id=booking.pk,
        idempotency_key=key,
        attachments=[ics_attachment(booking, method)] if method else None,
    )


def tell_client_confirmed(booking):
    """Once per booking, whatever the route to a confirmed booking (booked directly, or
    paid after a hold, or confirmed by staff)."""
    return _tell_client(
        booking,
        client_confirmed_message(booking),
        f"booking-{booking.pk}-confirmed",
        method="REQUEST",
    )


def tell_client_moved(booking, previous_start=None):
    return _tell_client(
        booking,
        client_moved_message(booking, previous_start),
        f"booking-{booking.pk}-moved-{booking.sequence}",
        method="REQUEST",
    )


def tell_client_to_verify(booking):
    """The link that confirms a guest's booking, to the booking's address only: an
    account message, so it goes by email whatever the person's preferences."""
    message = client_verify_message(booking)
    return notify(
        clinic=booking.clinic,
        user=booking.client.user,
        kind=message.kind,
        category=Category.ACCOUNT,
        title=message.title,
        body=message.body,
        url="",
        idempotency_key=f"booking-{booking.pk}-verify",
        channels=["email"],
    )


def tell_client_cancelled(booking):
    return _tell_client(
        booking,
        client_cancelled_message(booking),
        f"booking-{booking.pk}-cancelled",
        method="CANCEL",
    )


def tell_client_hold_expired(booking):
    """Once per booking: the hold for payment lapsed, so the time was released. No
    calendar file: the booking never was in the patient's calendar."""
    return _tell_client(
        booking,
        client_hold_expired_message(booking),
        f"booking-{booking.pk}-hold-expired",
        method=None,
    )


# --- the assigned staff member -------------------------------------------------------


def _tell_staff(booking, staff, template, kind, title, key_suffix, **extra):
    if staff is None or staff.user_id is None:
        return None
    message = _render(booking, template, kind, title, to=staff.user, **extra)
    return notify(
        clinic=booking.clinic,
        user=staff.user,
        kind=message.kind,
        category=Category.BOOKING,
        title=message.title,
        body=message.body,
        idempotency_key=f"booking-{booking.pk}-staff{staff.user_id}-{key_suffix}",
    )


def tell_staff_new(booking):
    return _tell_staff(
        booking,
        booking.staff,
        "staff_new",
        "staff_booking_new",
        lambda: _("New booking: {client_name}, {service} on {short_date} at {start_time}"),
        f"new-{booking.sequence}",
    )


def tell_staff_moved(booking, previous_start=None, previous_staff=None):
    """A reschedule. If the booking changed hands, the previous staff member is told it
    left their diary and the new one is told of a new booking."""
    if previous_staff is not None and previous_staff.pk != booking.staff_id:
        _tell_staff(
            booking,
            previous_staff,
            "staff_cancelled",
            "staff_booking_moved_away",
            lambda: _("Booking moved to {staff}: {client_name}, {service}"),
            f"moved-away-{booking.sequence}",
            moved_away=True,
            **_previous(booking, previous_start),
        )
        return tell_staff_new(booking)
    return _tell_staff(
        booking,
        booking.staff,
        "staff_moved",
        "staff_booking_moved",
        lambda: _("Booking moved: {client_name}, {service} now on {short_date} at {start_time}"),
        f"moved-{booking.sequence}",
        **_previous(booking, previous_start),
    )


def tell_staff_cancelled(booking):
    return _tell_staff(
        booking,
        booking.staff,
        "staff_cancelled",
        "staff_booking_cancelled",
        lambda: _("Booking cancelled: {client_name}, {service} on {short_date} at {start_time}"),
        "cancelled",
    )


def booking_for_messages(booking_id) -> Booking | None:
    return (
        Booking.objects.select_related(
            "clinic__site", "client__user", "service", "staff__user", "location"
        )
        .filter(pk=booking_id)
        .first()
    )
