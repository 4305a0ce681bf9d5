"""Calendar invitations for a booking: an iCalendar (.ics) file and a Google Calendar link.

The event keeps one UID for the booking's whole life (``<reference>@<clinic domain>``),
so a client's calendar updates the same entry when the booking moves (METHOD:REQUEST
with a higher SEQUENCE) and removes it when it is cancelled (METHOD:CANCEL,
STATUS:CANCELLED). Times are written in the clinic's zone, with its VTIMEZONE.
"""

import datetime
import zoneinfo
from email.utils import parseaddr
from urllib.parse import quote, urlencode

from django.conf import settings
from django.utils import timezone
from icalendar import Calendar, Event, vCalAddress, vText

from booking_api.action_links import booking_action_links, booking_url

METHODS = ("REQUEST", "CANCEL", "PUBLISH")
PRODID = "-//Clinic Portal//Bookings//EN"


def invite_uid(booking) -> str:
    return f"{booking.reference}@{booking.clinic.site.hostname}"


def _summary(booking):
    return f"{booking.service.name} – {booking.clinic.name}"


def _location(booking):
    location = booking.location
    address = " ".join(location.address.split())
    return ", ".join(part for part in (location.name, address) if part)


def _description(booking, *, with_links):
    lines = [f"{booking.service.name} with {booking.staff.display_name}"]
    if with_links:
        links = booking_action_links(booking)
        lines += ["", f"Reschedule: {links['reschedule']}", f"Cancel: {links['cancel']}"]
    lines += ["", f"Booking reference: {booking.reference}"]
    return "\n".join(lines)


def _organizer(booking):
    address = parseaddr(settings.DEFAULT_FROM_EMAIL)[1] or settings.DEFAULT_FROM_EMAIL
    organizer = vCalAddress(f"mailto:{address}")
    organizer.params["cn"] = vText(booking.clinic.name)
    return organizer


def _attendee(booking):
    """The client as the event's attendee, or None for a client known by phone only
    (no email: no ``mailto:`` to write, so no ATTENDEE line)."""
    user = booking.client.user
    if not user.email:
        return None
    attendee = vCalAddress(f"mailto:{user.email}")
    attendee.params["cn"] = vText(user.get_full_name() or user.email)
    attendee.params["role"] = vText("REQ-PARTICIPANT")
    attendee.params["partstat"] = vText("ACCEPTED")  # they booked it: no RSVP needed
    attendee.params["rsvp"] = vText("FALSE")
    return attendee


def booking_ics(booking, method="REQUEST") -> bytes:
    """The booking as an iCalendar object. ``REQUEST`` adds or updates the event in the
    client's calendar; ``CANCEL`` removes it.

    SEQUENCE is ``booking.sequence`` (bumped by every reschedule). A cancellation is one
    more revision of the event, so CANCEL carries ``sequence + 1``: calendars ignore an
    update whose SEQUENCE is lower than one they already have (RFC 5546 §2.1.4), and a
    cancelled booking never changes again."""
    method = method.upper()
    if method not in METHODS:
        raise ValueError(f"Unknown iTIP method {method!r}.")
    cancelled = method == "CANCEL"
    tz = zoneinfo.ZoneInfo(booking.clinic.timezone)
    start = booking.start.astimezone(tz)
    end = booking.end.astimezone(tz)

    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", method)

    event = Event()
    event.add("uid", invite_uid(booking))
    event.add("sequence", booking.sequence + (1 if cancelled else 0))
    event.add("dtstamp", timezone.now().astimezone(datetime.UTC))
    event.add("dtstart", start)
    event.add("dtend", end)
    event.add("summary", _summary(booking))
    event.add("location", _location(booking))
    event.add("description", _description(booking, with_links=not cancelled))
    event.add("url", booking_url(booking))
    event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    event.add("transp", "OPAQUE")
    event.add("organizer", _organizer(booking))
    attendee = _attendee(booking)
    if attendee is not None:
        event.add("attendee", attendee)
    calendar.add_component(event)
    # The zone's rules for a year either side of the appointment: enough for any
    # calendar to place it, and a small file (the default range is 1970–2038).
    calendar.add_missing_timezones(
        first_date=start.date() - datetime.timedelta(days=366),
        last_date=start.date() + datetime.timedelta(days=366),
    )
    return calendar.to_ical()


def ics_attachment(booking, method="REQUEST"):
    """``(filename, content, mimetype)`` for an email. The ``method`` parameter on the
    content type lets mail clients offer "add to calendar" / "remove" buttons."""
    name = "cancel.ics" if method.upper() == "CANCEL" else "invite.ics"
    return name, booking_ics(booking, method), f"text/calendar; method={method.upper()}"


def google_calendar_link(booking) -> str:
    """A link that opens Google Calendar with the appointment filled in."""
    fmt = "%Y%m%dT%H%M%SZ"
    start = booking.start.astimezone(datetime.UTC)
    end = booking.end.astimezone(datetime.UTC)
    params = {
        "action": "TEMPLATE",
        "text": _summary(booking),
        "dates": f"{start.strftime(fmt)}/{end.strftime(fmt)}",
        "details": f"{_description(booking, with_links=False)}\n{booking_url(booking)}",
        "location": _location(booking),
        "ctz": booking.clinic.timezone,
    }
    return "https://calendar.google.com/calendar/render?" + urlencode(params, quote_via=quote)
