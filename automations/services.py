"""Writes of the automations app: sending nudges (once per occasion, within the clinic's
cap and quiet hours, by the first channel the patient accepts), and the clinic's
reminder settings as booking_api reads them.

Once-only: ``nudge_send`` writes the ``Nudge`` row (unique per clinic and occasion key)
and hands the message to the notifications outbox in one transaction. A worker that dies
before the commit leaves nothing, so the rerun sends; one that dies after it left the
row, so the rerun skips that occasion; and the outbox sends each delivery once.
"""

import datetime
import logging

from django.conf import settings as django_settings
from django.core import signing
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from automations import rendering
from automations.models import Automation, Nudge
from automations.selectors import (
    Occasion,
    automation_settings_for,
    enabled_automations,
    in_audience,
    in_quiet_hours,
    nudges_sent_since,
    occasions_for,
)
from booking_api.reminder_settings import ReminderSettings
from branding import clinic_time
from branding.links import portal_reverse, portal_url
from notifications.language import speaking_to
from notifications.models import Category, Channel
from notifications.services import channels_accepted, notify, preferences_for
from notifications.unsubscribe import UNSUBSCRIBE_FIELD, unsubscribe_token
from people.models import ClientAccount

log = logging.getLogger(__name__)

CAP_PERIOD = datetime.timedelta(days=7)


def _opted_in(clinic, user, category) -> bool:
    """Marketing only to those who said yes to offers by email or SMS."""
    if category != Category.MARKETING:
        return True
    prefs = preferences_for(clinic, user)
    return prefs.wants("marketing_email") or prefs.wants("marketing_sms")


def book_link(clinic, *, service=None, staff=None, pet=None) -> str:
    """The one-tap "Book again" link: the portal's wizard with the service (and staff
    member, and pet) already chosen."""
    if service is None:
        path = portal_reverse(clinic, "portal:book")
    else:
        staff_ref = str(staff.pk) if staff is not None else "any"
        path = portal_reverse(clinic, "portal:book_date", service_id=service.pk, staff=staff_ref)
    return f"{path}?pet={pet.pk}" if pet is not None else path


def _link(automation, occasion, settings):
    clinic = automation.clinic
    if occasion.link_kind == "review":
        return settings.public_review_url
    if occasion.link_kind == "home":
        return portal_url(clinic)
    return book_link(clinic, service=occasion.service, staff=occasion.staff, pet=occasion.pet)


NUDGE_LINK_SALT = "automations.nudge-link"


def tracked_link(nudge) -> str:
    """The nudge's link as sent: through ``/n/<token>/``, which notes the first click
    (the reports' "opened") and leads on to the nudge's own link."""
    token = signing.dumps(nudge.pk, salt=NUDGE_LINK_SALT)
    return portal_reverse(nudge.clinic, "nudges:nudge_open", token)


def nudge_for_link(clinic, token) -> Nudge | None:
    try:
        pk = signing.loads(token, salt=NUDGE_LINK_SALT)
    except signing.BadSignature:
        return None
    return Nudge.objects.filter(clinic=clinic, pk=pk).first() if isinstance(pk, int) else None


def nudge_mark_clicked(*, nudge, now=None) -> None:
    if nudge.clicked_at is None:
        Nudge.objects.filter(pk=nudge.pk, clicked_at__isnull=True).update(
            clicked_at=now or timezone.now()
        )


def _values(automation, occasion, settings, *, client):
    clinic = automation.clinic
    values = dict(occasion.values)
    if "due_date" in values and hasattr(values["due_date"], "isoformat"):
        values["due_date"] = clinic_time.format_date(values["due_date"])
    field = UNSUBSCRIBE_FIELD.get(automation.category)
    unsubscribe = ""
    if field:
        token = unsubscribe_token(clinic=clinic, user=client.user, field=field)
        unsubscribe = portal_reverse(clinic, "notifications:unsubscribe", token)
    values.update(
        first_name=client.user.first_name or client.user.get_short_name(),
        clinic=clinic.name,
        link=_link(automation, occasion, settings),
        unsubscribe=unsubscribe,
    )
    return values


def nudge_message(automation, values, channel) -> tuple[str, str]:
    title = rendering.render(automation.title_template, values)
    body = rendering.render(automation.body_template, values)
    if channel == Channel.SMS and automation.category == Category.MARKETING:
        # A text's one-tap opt-out is the carriers' keyword, which the inbound webhook reads.
        opt_out = _("Reply STOP to opt out.")
        body = f"{body}\n{opt_out}"
    return title, body


@transaction.atomic
def nudge_send(*, automation, occasion: Occasion, now=None, settings=None) -> Nudge | None:
    """Send one occasion's nudge if it was never sent and the rules allow it now.
    Returns the new ``Nudge``, or None (sent before, capped, not opted in, no channel)."""
    now = now or timezone.now()
    clinic = automation.clinic
    settings = settings or automation_settings_for(clinic)
    if Nudge.objects.filter(clinic=clinic, occasion_key=occasion.key).exists():
        return None
    # The client's row locked: two runs at once count the cap one after the other.
    client = (
        ClientAccount.objects.select_for_update()
        .select_related("user")
        .filter(pk=occasion.client.pk, archived_at__isnull=True, deactivated_at__isnull=True)
        .first()
    )
    if client is None or not client.user.is_active or not in_audience(automation, client):
        return None
    if nudges_sent_since(clinic, client, now - CAP_PERIOD) >= settings.weekly_cap:
        return None  # over the cap: the occasion waits for a later run
    category = automation.category
    if not _opted_in(clinic, client.user, category):
        return None
    accepted = channels_accepted(
        clinic=clinic, user=client.user, category=category, phone=client.phone
    )
    channel = next((c for c in automation.channels if c in accepted), None)
    if channel is None:
        return None
    link = _link(automation, occasion, settings)
    try:
        with transaction.atomic():  # a savepoint: a concurrent run may hold the key
            nudge = Nudge.objects.create(
                link=link,
                clinic=clinic,
                automation=automation,
                kind=automation.kind,
                client=client,
                occasion_key=occasion.key,
                channel=channel,
                service=occasion.service,
                pet=occasion.pet,
                sent_at=now,
            )
    except IntegrityError:
        return None
    with speaking_to(clinic, client.user):
        values = _values(automation, occasion, settings, client=client)
        values["link"] = tracked_link(nudge) if link else ""
        title, body = nudge_message(automation, values, channel)
    nudge.notification = notify(
        clinic=clinic,
        user=client.user,
        kind=f"nudge.{automation.kind}",
        category=category,
        title=title,
        body=body,
        url=values["link"],
        idempotency_key=f"nudge-{clinic.pk}-{occasion.key}",
        channels=[channel],
        phone=client.phone,
    )
    nudge.save(update_fields=["notification"])
    return nudge


def automation_run(*, automation, now=None) -> int:
    """Send what one automation owes now, each occasion in its own transaction. Nothing
    in the clinic's quiet hours (the occasions wait for the next run). Returns how many
    were sent."""
    now = now or timezone.now()
    settings = automation_settings_for(automation.clinic)
    if not automation.enabled or in_quiet_hours(automation.clinic, settings, now):
        return 0
    sent = 0
    for occasion in occasions_for(automation, now, settings):
        if nudge_send(automation=automation, occasion=occasion, now=now, settings=settings):
            sent += 1
    return sent


def automations_run_due(*, now=None) -> int:
    """The periodic task: every enabled automation of every clinic. One failing
    automation is logged and the others still run."""
    sent = 0
    for automation in enabled_automations():
        try:
            sent += automation_run(automation=automation, now=now)
        except Exception:
            log.exception("Automation %s failed", automation.pk)
            if getattr(django_settings, "AUTOMATIONS_RAISE", False):
                raise
    return sent


def nudge_preview(*, automation: Automation, title: str, body: str) -> dict:
    """The message as a sample patient would get it by email and by SMS, for the live
    preview in the admin. Raises ``rendering.TemplateProblem`` naming what is wrong."""
    rendering.template_check(title, automation.kind)
    rendering.template_check(body, automation.kind)
    clinic = automation.clinic
    sample = {
        "first_name": _("Alex"),
        "clinic": clinic.name,
        "link": portal_url(clinic, "/book/"),
        "unsubscribe": portal_url(clinic, "/unsubscribe/…"),
        "service": _("Facial"),
        "staff": _("Emma"),
        "weeks": 12,
        "months": automation.months,
        "birthday_bonus": 50,
        "rating": 5,
        "pet": _("Rex"),
        "due": _("Rabies booster"),
        "due_date": clinic_time.format_date(timezone.localdate()),
    }
    preview = Automation(
        clinic=clinic, kind=automation.kind, title_template=title, body_template=body
    )
    result = {}
    for channel in (Channel.EMAIL, Channel.SMS):
        with translation.override(clinic.language):
            title, body = nudge_message(preview, sample, channel)
        result[channel] = {"title": title, "body": body}
    return result


# --- Appointment reminders, as booking_api reads them -----------------------------


def parse_offsets(text: str) -> dict[str, int]:
    """``"48h, 24h, 30m, 2d"`` → ``{"48h": 2880, "24h": 1440, "30m": 30, "2d": 2880}``.
    Raises ValueError naming the part it cannot read."""
    units = {"m": 1, "h": 60, "d": 24 * 60}
    offsets = {}
    for part in (p.strip().lower() for p in (text or "").split(",")):
        if not part:
            continue
        number, unit = part[:-1], part[-1:]
        if unit not in units or not number.isdigit() or not 0 < int(number) <= 60 * 24 * 60:
            raise ValueError(part)
        offsets[part] = int(number) * units[unit]
    return offsets


def sms_provider_configured() -> bool:
    return (getattr(django_settings, "SMS_BACKEND", "") or "file") != "file"


def reminder_settings_provider(clinic) -> ReminderSettings | None:
    """Registered with ``booking_api.reminder_settings``: the clinic's offsets and
    channels, or None (the defaults) where it set nothing."""
    settings = automation_settings_for(clinic)
    if settings.pk is None:
        return None
    try:
        offsets = parse_offsets(settings.reminder_offsets)
    except ValueError:
        return None  # the admin form refuses this; an old row keeps the defaults
    channels = tuple(
        channel
        for channel, on in (
            (Channel.EMAIL, settings.reminder_email),
            (Channel.SMS, settings.reminder_sms),
            (Channel.PUSH, settings.reminder_push),
        )
        if on
    )
    return ReminderSettings(
        offsets=offsets,
        channels=channels,
        sms_confirm=settings.sms_confirm and sms_provider_configured(),
    )
