"""Reads of the automations app, clinic first: who is due for which nudge now (each
occasion with its once-only key), the clinic's settings, and what the nudges brought
(``nudge_attribution``, for the reports)."""

import calendar
import dataclasses
import datetime
import zoneinfo

from django.db.models import Q

from automations.models import (
    Automation,
    AutomationKind,
    AutomationSettings,
    Nudge,
    PetHealthDue,
)
from booking_api.lifecycle import CANCELLED_STATUSES, UPCOMING_STATUSES, BookingStatus
from booking_api.models import Booking
from people.models import ClientAccount

# An occasion older than this is not nudged any more (a clinic that turns an automation
# on does not text every patient who lapsed years ago; win-back is for them).
DUE_WINDOW = datetime.timedelta(days=30)
REVIEW_WINDOW = datetime.timedelta(days=7)
ATTRIBUTION_WINDOW = datetime.timedelta(days=14)
DAYS_PER_MONTH = 30.4375


@dataclasses.dataclass
class Occasion:
    key: str  # unique per clinic: the nudge is sent once per key
    client: ClientAccount
    values: dict  # placeholder values besides the common ones
    service: object = None
    staff: object = None
    pet: object = None
    link_kind: str = "book"  # book | home | review


def automation_settings_for(clinic) -> AutomationSettings:
    """The clinic's settings, or unsaved defaults (2 a week, quiet 21:00–09:00)."""
    return AutomationSettings.objects.filter(clinic=clinic).first() or AutomationSettings(
        clinic=clinic
    )


def local_now(clinic, now) -> datetime.datetime:
    return now.astimezone(zoneinfo.ZoneInfo(clinic.timezone))


def in_quiet_hours(clinic, settings, now) -> bool:
    """Whether ``now`` falls in the clinic's quiet hours, on its own wall clock (so
    21:00–09:00 stays that across a DST change). Equal ends: no quiet hours."""
    start, end = settings.quiet_start, settings.quiet_end
    if start == end:
        return False
    wall = local_now(clinic, now).time()
    if start < end:
        return start <= wall < end
    return wall >= start or wall < end


def enabled_automations():
    return Automation.objects.filter(enabled=True).select_related("clinic__site")


def reachable_clients(clinic):
    """Clients a nudge may go to: never archived, deactivated or signed-out-for-good."""
    return ClientAccount.objects.filter(
        clinic=clinic,
        archived_at__isnull=True,
        deactivated_at__isnull=True,
        user__is_active=True,
    ).select_related("user")


def in_audience(automation, client) -> bool:
    if automation.vip_only and not client.vip:
        return False
    wanted = {t.lower() for t in automation.tags or []}
    return not wanted or bool(wanted & {str(t).lower() for t in client.tags or []})


def _clients_with_upcoming(clinic, now) -> set[int]:
    return set(
        Booking.objects.filter(
            clinic=clinic, status__in=UPCOMING_STATUSES, start__gt=now
        ).values_list("client_id", flat=True)
    )


def _reachable(clinic, ids) -> dict[int, ClientAccount]:
    return {c.pk: c for c in reachable_clients(clinic).filter(pk__in=ids)}


def rebook_occasions(automation, now):
    """Clients whose last completed visit of a service with a rebooking interval is that
    old (within DUE_WINDOW), with nothing booked. Once per last visit. Not for a visit of
    a pet no longer in the app."""
    clinic = automation.clinic
    visits = (
        Booking.objects.filter(
            clinic=clinic,
            status=BookingStatus.COMPLETED,
            service__rebooking_interval__isnull=False,
            start__lte=now,
        )
        # Never "time for the next one" for a pet that is gone (deceased, rehomed, removed
        # from the app by its owner) or merged away; visits without a pet stay.
        .exclude(pet__active=False)
        .exclude(pet__merged_into__isnull=False)
        .select_related("service", "staff")
        .order_by("start", "pk")
    )
    latest = {}
    for booking in visits:
        latest[(booking.client_id, booking.service_id)] = booking
    due = [
        b
        for b in latest.values()
        if now - DUE_WINDOW < b.start + b.service.rebooking_interval <= now
    ]
    busy = _clients_with_upcoming(clinic, now)
    clients = _reachable(clinic, {b.client_id for b in due} - busy)
    for booking in due:
        client = clients.get(booking.client_id)
        if client is None:
            continue
        yield Occasion(
            key=f"rebook-{automation.pk}-{booking.pk}",
            client=client,
            values={
                "service": booking.service.name,
                "staff": booking.staff.display_name if booking.staff_id else "",
                "weeks": booking.service.rebooking_interval.days // 7,
            },
            service=booking.service,
            staff=booking.staff,
        )


def winback_occasions(automation, now):
    """Clients whose last visit was ``months`` ago (within DUE_WINDOW), with nothing
    booked since. Once per last visit."""
    clinic = automation.clinic
    gap = datetime.timedelta(days=round(automation.months * DAYS_PER_MONTH))
    last = {}
    for booking in (
        Booking.objects.filter(clinic=clinic, status=BookingStatus.COMPLETED, start__lte=now)
        .select_related("service", "staff")
        .order_by("start", "pk")
    ):
        last[booking.client_id] = booking
    lapsed = [b for b in last.values() if now - gap - DUE_WINDOW < b.start <= now - gap]
    busy = _clients_with_upcoming(clinic, now)
    clients = _reachable(clinic, {b.client_id for b in lapsed} - busy)
    for booking in lapsed:
        client = clients.get(booking.client_id)
        if client is not None:
            yield Occasion(
                key=f"winback-{automation.pk}-{booking.pk}",
                client=client,
                values={
                    "months": automation.months,
                    "service": booking.service.name,
                    "staff": booking.staff.display_name if booking.staff_id else "",
                },
                service=booking.service,  # booked again with anyone free
            )


def birthday_occasions(automation, now):
    """Clients whose birthday is today on the clinic's calendar; 29 February on the 28th
    in other years. Once a year."""
    from loyalty.selectors import programme_for

    clinic = automation.clinic
    today = local_now(clinic, now).date()
    days = Q(date_of_birth__month=today.month, date_of_birth__day=today.day)
    if today.month == 2 and today.day == 28 and not calendar.isleap(today.year):
        days |= Q(date_of_birth__month=2, date_of_birth__day=29)
    programme = programme_for(clinic)
    bonus = programme.birthday_bonus if programme.active and programme.pk else 0
    for client in reachable_clients(clinic).filter(days):
        yield Occasion(
            key=f"birthday-{automation.pk}-{client.pk}-{today.year}",
            client=client,
            values={"birthday_bonus": bonus or ""},
            link_kind="home",
        )


def review_occasions(automation, now, settings):
    """Happy answers (4 or 5) to the post-visit survey in the last week, where the clinic
    asks for public reviews and has a page for them. Once per answer."""
    from records.models import Feedback

    if not (settings.ask_public_review and settings.public_review_url):
        return
    answers = Feedback.objects.filter(
        clinic=automation.clinic, rating__gte=4, created_at__gt=now - REVIEW_WINDOW
    ).select_related("booking__service")
    clients = _reachable(automation.clinic, {f.client_id for f in answers})
    for feedback in answers:
        client = clients.get(feedback.client_id)
        if client is not None:
            yield Occasion(
                key=f"review-{automation.pk}-{feedback.pk}",
                client=client,
                values={"service": feedback.booking.service.name, "rating": feedback.rating},
                service=feedback.booking.service,
                link_kind="review",
            )


def pet_health_occasions(automation, now):
    """Each open due date of an active pet, at the automation's offsets (days before; 0 is
    the due date) and once when overdue. Only the nearest offset reached is sent, so a
    reminder that was missed is not followed by an older one. Once per due date and
    offset. Never for a pet that is inactive (deceased, moved away) or merged away."""
    clinic = automation.clinic
    today = local_now(clinic, now).date()
    offsets = automation.offsets
    horizon = today + datetime.timedelta(days=max(offsets, default=0))
    dues = PetHealthDue.objects.filter(
        clinic=clinic,
        done=False,
        due_on__lte=horizon,
        due_on__gt=today - DUE_WINDOW,
        pet__active=True,
        pet__merged_into__isnull=True,
    ).select_related("pet", "service")
    clients = _reachable(clinic, {d.pet.owner_id for d in dues})
    for due in dues:
        client = clients.get(due.pet.owner_id)
        if client is None:
            continue
        overdue = today > due.due_on
        reached = [d for d in offsets if due.due_on - datetime.timedelta(days=d) <= today]
        if not overdue and not reached:
            continue
        offset = "overdue" if overdue else min(reached)
        yield Occasion(
            key=f"pet-{automation.pk}-{due.pk}-{offset}",
            client=client,
            values={
                "pet": due.pet.name,
                "due": due.name,
                "due_date": due.due_on,
                "service": due.service.name if due.service_id else "",
                "overdue": overdue,
            },
            service=due.service,
            pet=due.pet,
        )


def occasions_for(automation, now, settings):
    kind = automation.kind
    if kind == AutomationKind.REBOOK:
        return rebook_occasions(automation, now)
    if kind == AutomationKind.WINBACK:
        return winback_occasions(automation, now)
    if kind == AutomationKind.BIRTHDAY:
        return birthday_occasions(automation, now)
    if kind == AutomationKind.REVIEW:
        return review_occasions(automation, now, settings)
    return pet_health_occasions(automation, now)


def nudges_sent_since(clinic, client, since) -> int:
    return Nudge.objects.filter(clinic=clinic, client=client, sent_at__gt=since).count()


def nudge_attribution(clinic, start, end, *, window=ATTRIBUTION_WINDOW) -> list[dict]:
    """What the nudges sent in ``[start, end)`` brought, per automation: how many were
    sent, how many links were opened, and the bookings the same clients made within
    ``window`` (14 days) after a nudge — each booking counted once, for the latest nudge
    before it — with their price (minor units, clinic currency), cancelled ones left out.

    ``[{"automation_id", "name", "kind", "sent", "clicked", "bookings", "revenue"}]``,
    in a constant number of queries."""
    nudges = list(
        Nudge.objects.filter(clinic=clinic, sent_at__gte=start, sent_at__lt=end)
        .select_related("automation")
        .order_by("sent_at", "pk")
    )
    rows = {}
    for nudge in nudges:
        row = rows.setdefault(
            nudge.automation_id,
            {
                "automation_id": nudge.automation_id,
                "name": nudge.automation.name if nudge.automation else "",
                "kind": nudge.kind,
                "sent": 0,
                "clicked": 0,
                "bookings": 0,
                "revenue": 0,
            },
        )
        row["sent"] += 1
        row["clicked"] += nudge.clicked_at is not None
    if not nudges:
        return []
    bookings = Booking.objects.filter(
        clinic=clinic,
        client_id__in={n.client_id for n in nudges},
        created_at__gte=nudges[0].sent_at,
        created_at__lt=nudges[-1].sent_at + window,
    ).exclude(status__in=(*CANCELLED_STATUSES, BookingStatus.UNVERIFIED))
    by_client = {}
    for nudge in nudges:
        by_client.setdefault(nudge.client_id, []).append(nudge)
    for booking in bookings:
        before = [
            n
            for n in by_client.get(booking.client_id, [])
            if n.sent_at <= booking.created_at < n.sent_at + window
        ]
        if before:
            row = rows[before[-1].automation_id]
            row["bookings"] += 1
            row["revenue"] += booking.price
    return sorted(rows.values(), key=lambda r: (r["kind"], r["name"]))
