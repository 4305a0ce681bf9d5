"""Two-way SMS: a text a patient sends to the clinic's number, as the provider's webhook
delivers it (Twilio's form-encoded POST, signed with ``X-Twilio-Signature``).

- STOP (and the carriers' other opt-out words) turns SMS off for that number's client
  accounts at this clinic, START turns appointment texts back on (offers stay off until
  the patient opts in again), HELP says who we are and how to stop; each is answered.
- C (or CONFIRM) confirms the client's next booked appointment, where the clinic's SMS
  reminders ask for it.
- Anything else lands in the client's message thread in the staff workspace.
- A number that is no client's, or more than one client's, is held for staff
  (Automations → Texts received), never dropped.

Each text is stored once per provider id, so a webhook the provider retries is
answered the same and changes nothing more.
"""

import datetime

from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from automations.models import InboundSms, InboundStatus
from booking_api.lifecycle import BookingStatus, Role
from booking_api.models import Booking
from booking_api.services import booking_transition
from branding import clinic_time
from branding.links import portal_url
from notifications.services import preferences_update
from people.models import ClientAccount
from records.message_services import MessageError, client_text_received

# The keywords carriers expect (CTIA), upper-cased.
STOP_WORDS = {"STOP", "STOPALL", "UNSUBSCRIBE", "CANCEL", "END", "QUIT", "OPTOUT"}
START_WORDS = {"START", "YES", "UNSTOP"}
HELP_WORDS = {"HELP", "INFO"}
CONFIRM_WORDS = {"C", "CONFIRM"}
CONFIRM_WITHIN = datetime.timedelta(days=8)


def _keyword(body):
    return " ".join((body or "").split()).upper().strip(".!")


def _stop(clinic, clients):
    for client in clients:
        preferences_update(
            clinic=clinic, user=client.user, source="sms", reminder_sms=False, marketing_sms=False
        )
    return _(
        "%(clinic)s: you will get no more texts from us. Reply START to get appointment "
        "texts again."
    ) % {"clinic": clinic.name}


def _start(clinic, clients):
    for client in clients:
        preferences_update(clinic=clinic, user=client.user, source="sms", reminder_sms=True)
    return _("%(clinic)s: appointment texts are back on. Reply STOP to stop them.") % {
        "clinic": clinic.name
    }


def _help(clinic):
    return _(
        "%(clinic)s: appointment reminders and messages. Reply STOP to stop. Help: %(link)s"
    ) % {"clinic": clinic.name, "link": portal_url(clinic)}


def _confirm(clinic, client, now):
    booking = (
        Booking.objects.filter(
            clinic=clinic,
            client=client,
            status=BookingStatus.BOOKED,
            start__gt=now,
            start__lte=now + CONFIRM_WITHIN,
        )
        .select_related("service")
        .order_by("start")
        .first()
    )
    if booking is None:
        return None
    booking_transition(
        booking=booking,
        to_status=BookingStatus.CONFIRMED,
        role=Role.SYSTEM,
        reason="Confirmed by the client's text.",
        now=now,
    )
    with clinic_time.override(clinic):
        when = clinic_time.format_datetime(booking.start, "weekday")
    return _("Thank you, your %(service)s on %(when)s is confirmed.") % {
        "service": booking.service.name,
        "when": when,
    }


@transaction.atomic
def inbound_sms_receive(*, clinic, provider_id, from_number, to_number="", body="", now=None):
    """Handle one text once; returns its ``InboundSms`` (``reply`` is the answer to
    send, empty for none)."""
    now = now or timezone.now()
    from_number = (from_number or "").strip()
    try:
        with transaction.atomic():  # a savepoint: the same text delivered twice stops here
            text = InboundSms.objects.create(
                clinic=clinic,
                provider_id=provider_id,
                from_number=from_number[:32],
                to_number=(to_number or "")[:32],
                body=body or "",
                status=InboundStatus.HELD,
                received_at=now,
            )
    except IntegrityError:
        return InboundSms.objects.get(clinic=clinic, provider_id=provider_id)
    clients = list(
        ClientAccount.objects.filter(clinic=clinic, phone=from_number).select_related("user")
        if from_number
        else []
    )
    word = _keyword(body)
    client = clients[0] if len(clients) == 1 else None
    status, reply = InboundStatus.HELD, ""
    with translation.override(clinic.language):
        if clients and word in STOP_WORDS:
            status, reply = InboundStatus.KEYWORD, _stop(clinic, clients)
        elif clients and word in START_WORDS:
            status, reply = InboundStatus.KEYWORD, _start(clinic, clients)
        elif word in HELP_WORDS:
            status, reply = InboundStatus.KEYWORD, _help(clinic)
        elif client is not None:
            confirmed = _confirm(clinic, client, now) if word in CONFIRM_WORDS else None
            if confirmed:
                status, reply = InboundStatus.CONFIRMED, confirmed
            else:
                try:
                    client_text_received(
                        clinic=clinic, client=client, body=body, subject=_("Text messages")
                    )
                    status = InboundStatus.THREAD
                except MessageError:
                    pass  # an empty text: kept here for staff, nothing to post
    text.client, text.status, text.reply = client, status, reply
    text.save(update_fields=["client", "status", "reply"])
    return text
