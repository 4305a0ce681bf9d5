"""Reads of the patient portal, clinic first. Each page gathers what it shows here, once,
in a constant number of queries; templates only read the result.

``dashboard_for`` builds the home dashboard: which cards this person sees (feature,
audience and date window) and the data those cards show, from the other apps' selectors.
Data is loaded only for the card types that are actually visible.
"""

import calendar
import datetime
import uuid
import zoneinfo
from dataclasses import dataclass, field
from types import SimpleNamespace

from django.db.models import Count, OuterRef, Q, Subquery
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext_lazy

from booking_api.availability import find_slots, slot_offered
from booking_api.availability.horizon import booking_horizon_days
from booking_api.cart_selectors import cart_items_for_client
from booking_api.lifecycle import CANCELLED_STATUSES, UPCOMING_STATUSES, VISIT_STATUSES
from booking_api.models import Booking, Service, WorkingHours
from booking_api.preference_selectors import booking_preferences_for
from booking_api.pricing import client_price
from booking_api.selectors import (
    bookings_for_client,
    categories_for_clinic,
    service_deposit,
    services_for_clinic,
)
from branding.models import Location, PaymentMode
from branding.selectors import clinic_features, clinic_policy
from loyalty.cards import referrals_card, rewards_card
from loyalty.games.selectors import games_for_client
from notifications.selectors import latest_notifications
from people.pet_selectors import active_pets_for_client
from people.photo_selectors import slideshow_photos
from people.selectors import client_account_for_user
from portal_pages.audience import card_is_visible

MAX_LIST_ITEMS = 5
BOOK_AGAIN_ITEMS = 3
PROMOTION_RENDITION = "fill-720x360"


@dataclass
class DashboardStats:
    total: int = 0  # bookings that were not cancelled, past and future
    upcoming: int = 0


@dataclass
class VisibleCard:
    """A card that shows for this person: its block, its value and what only the
    server can resolve for it (image rendition, page URLs)."""

    block_type: str
    block: object
    value: object
    id: str
    extra: dict = field(default_factory=dict)

    @property
    def bound(self):
        return self.block.bind(self.value)


@dataclass
class Dashboard:
    client: object = None
    features: dict = field(default_factory=dict)
    stats: DashboardStats = field(default_factory=DashboardStats)
    cards: list = field(default_factory=list)
    upcoming: list = field(default_factory=list)
    book_again: list = field(default_factory=list)
    notifications: list = field(default_factory=list)
    unread: int = 0
    cart: list = field(default_factory=list)
    pets: list = field(default_factory=list)
    slideshow: list = field(default_factory=list)
    games: list = field(default_factory=list)
    rewards: object = None
    referrals: object = None
    policy: object = None
    booking_instructions: str = ""  # the clinic's (rich text), for instruction cards

    @property
    def can_reschedule(self):
        return self.features.get("self_reschedule", False)

    @property
    def can_cancel(self):
        return self.features.get("self_cancel", False)


def client_booking_stats(clinic, client, *, now=None) -> DashboardStats:
    if client is None:
        return DashboardStats()
    now = now or timezone.now()
    counts = (
        Booking.objects.filter(clinic=clinic, client=client)
        .exclude(status__in=CANCELLED_STATUSES)
        .aggregate(
            total=Count("id"),
            upcoming=Count("id", filter=Q(start__gte=now, status__in=UPCOMING_STATUSES)),
        )
    )
    return DashboardStats(total=counts["total"], upcoming=counts["upcoming"])


def book_again_services(clinic, client, *, limit=BOOK_AGAIN_ITEMS, now=None):
    """The services the client had most recently (still bookable), each with
    ``last_staff_id`` (who did it last) and ``last_start``. One query, whatever the
    history."""
    if client is None:
        return []
    now = now or timezone.now()
    last = Booking.objects.filter(
        clinic=clinic,
        client=client,
        service=OuterRef("pk"),
        start__lt=now,
        status__in=VISIT_STATUSES,
    ).order_by("-start")
    return list(
        Service.objects.filter(clinic=clinic, active=True)
        .annotate(
            last_start=Subquery(last.values("start")[:1]),
            last_staff_id=Subquery(last.values("staff_id")[:1]),
        )
        .filter(last_start__isnull=False)
        .order_by("-last_start")[:limit]
    )


def home_page(clinic):
    """The clinic's portal home page (its published content), whose cards the dashboard
    shows; None if the site's root is not a portal home page."""
    page = clinic.site.root_page.specific
    return page if hasattr(page, "cards") else None


def visible_cards(clinic, page, *, features, client, stats, today) -> list[VisibleCard]:
    """The page's cards this person sees today, in the manager's order: feature,
    audience and date window (``card_is_visible``). A "Booking instructions" card
    without text of its own shows the clinic's instructions, so it is left out only
    when there are none."""
    cards = []
    for card in page.cards:
        if not card_is_visible(
            card.block, card.value, features=features, client=client, stats=stats, today=today
        ):
            continue
        if card.block_type == "instructions" and not instructions_card_source(clinic, card.value):
            continue
        cards.append(VisibleCard(card.block_type, card.block, card.value, card.id))
    return cards


def instructions_card_source(clinic, value) -> str:
    """The rich text an instructions card shows: its own, or the clinic's."""
    text = value.get("text")
    own = getattr(text, "source", text) or ""
    return own or clinic_policy(clinic).booking_instructions


def dashboard_for(clinic, user, *, page, request=None, today=None, now=None) -> Dashboard:
    """Everything the home dashboard shows to ``user`` (possibly anonymous)."""
    now = now or timezone.now()
    today = today or timezone.localdate(now, zoneinfo.ZoneInfo(clinic.timezone))
    features = clinic_features(clinic)
    client = client_account_for_user(clinic, user)
    stats = client_booking_stats(clinic, client, now=now)
    dashboard = Dashboard(client=client, features=features, stats=stats)
    dashboard.cards = visible_cards(
        clinic, page, features=features, client=client, stats=stats, today=today
    )
    shown = {card.block_type for card in dashboard.cards}

    if "upcoming" in shown and stats.upcoming:
        dashboard.upcoming = list(
            bookings_for_client(clinic, client, when="upcoming")[:MAX_LIST_ITEMS]
        )
    if "book_now" in shown and stats.total:
        dashboard.book_again = book_again_services(clinic, client, now=now)
    if "notifications" in shown:
        dashboard.notifications, dashboard.unread = latest_notifications(
            clinic, user, limit=MAX_LIST_ITEMS
        )
    if "cart" in shown:
        dashboard.cart = list(cart_items_for_client(clinic, client)[: MAX_LIST_ITEMS + 1])
    if "policy" in shown:
        dashboard.policy = clinic_policy(clinic)
    if "instructions" in shown:
        dashboard.booking_instructions = clinic_policy(clinic).booking_instructions
    if "pets" in shown:
        dashboard.pets = active_pets_for_client(clinic, client)
    if "slideshow" in shown:
        dashboard.slideshow = slideshow_photos(clinic)
    if "games" in shown:
        dashboard.games = games_for_client(clinic, client, now=now, with_prizes=False)[
            :MAX_LIST_ITEMS
        ]
    if "rewards" in shown:
        dashboard.rewards = rewards_card(clinic, client, now=now)
    if "referrals" in shown:
        dashboard.referrals = referrals_card(clinic, client)
    for card in dashboard.cards:
        _resolve_extra(card, request, clinic)
    return dashboard


def _page_url(page, request):
    if page is None:
        return ""
    return page.specific_deferred.get_url(request=request) or ""


def _clinic_policy_page(clinic):
    from portal_pages.models import PolicyPage

    return PolicyPage.objects.live().descendant_of(clinic.site.root_page).first()


def _resolve_extra(card, request, clinic):
    value = card.value
    if card.block_type == "promotion":
        if value.get("image"):
            card.extra["rendition"] = value["image"].get_rendition(PROMOTION_RENDITION)
        cta = value.get("cta") or {}
        card.extra["cta_url"] = _page_url(cta.get("page"), request) or cta.get("url") or ""
    elif card.block_type == "policy":
        # No page chosen (the starter dashboard's card), or the chosen one is gone: the
        # clinic's own policy page, so the card's link (and the API's page) is never empty
        # while the clinic has one.
        page = value.get("page") or _clinic_policy_page(clinic)
        card.extra["page"] = page
        card.extra["page_url"] = _page_url(page, request)


def sample_dashboard():
    """Made-up data for the editor's block previews: no queries, no patient."""
    now = timezone.now().replace(minute=0, second=0, microsecond=0)
    staff = SimpleNamespace(display_name="Zara")
    location = SimpleNamespace(name="Main clinic")
    upcoming = [
        SimpleNamespace(
            reference=uuid.UUID(int=n + 1),
            service=SimpleNamespace(name=name),
            staff=staff,
            location=location,
            start=now + datetime.timedelta(days=days, hours=1),
            get_status_display=lambda: "Booked",
        )
        for n, (name, days) in enumerate([("Signature facial", 3), ("Skin consultation", 17)])
    ]
    return Dashboard(
        client=SimpleNamespace(name="Alex Sample"),
        features={"self_reschedule": True, "self_cancel": True},
        stats=DashboardStats(total=4, upcoming=2),
        upcoming=upcoming,
        book_again=[SimpleNamespace(pk=1, name="Chemical peel", last_staff_id=None)],
        notifications=[
            SimpleNamespace(title="Your booking is confirmed", created_at=now, read_at=None),
            SimpleNamespace(title="Thank you for your visit", created_at=now, read_at=now),
        ],
        unread=1,
        cart=[SimpleNamespace(service=SimpleNamespace(pk=1, name="Signature facial"), staff=None)],
        pets=[
            SimpleNamespace(
                pk=1,
                name="Biscuit",
                get_species_display=lambda: "Dog",
                breed="Beagle",
                date_of_birth=datetime.date(2019, 4, 12),
                notes="Loves cheese.",
                photo_id=None,
                active=True,
            )
        ],
        games=[
            SimpleNamespace(
                pk=1,
                name="Lucky wheel",
                get_kind_display=lambda: "Spin the wheel",
                allowance=SimpleNamespace(eligible=True, left=1),
            )
        ],
        rewards=SimpleNamespace(
            balance=320,
            unit_name="points",
            status=SimpleNamespace(
                tier=SimpleNamespace(name="Silver"),
                next_tier=SimpleNamespace(name="Gold"),
                to_next=180,
                progress=64,
            ),
            next_reward=SimpleNamespace(name="10% off a facial", cost=400),
            ready_reward=SimpleNamespace(name="£5 off your next visit", cost=250),
        ),
        referrals=SimpleNamespace(code="GLOW2345", joined=2, earned=200),
        booking_instructions="<ul><li>Arrive ten minutes early.</li></ul>",
        policy=SimpleNamespace(
            cancellation_window_hours=24,
            late_cancel_fee_kind="percent",
            late_cancel_fee_value=50,
            late_cancel_contact_clinic=False,
            get_late_cancel_fee_kind_display=lambda: "Percent of the price",
        ),
    )


# --- Content and policy pages (for the apps) -------------------------------------------


def content_pages(clinic):
    """The clinic's published content and policy pages that anyone may read (no view
    restriction), under its home page, in the tree's order. Not specific: each row's
    ``specific_class`` says its type without a query."""
    from wagtail.models import Page

    from portal_pages.models import ContentPage, PolicyPage

    return (
        Page.objects.live()
        .public()
        .descendant_of(clinic.site.root_page)
        .type(ContentPage, PolicyPage)
        .order_by("path")
    )


def content_page(clinic, page_id):
    """One of ``content_pages``, specific, or 404: another clinic's page, a draft or a
    restricted page is not found."""
    page = content_pages(clinic).filter(pk=page_id).specific().first()
    if page is None:
        raise Http404("No such page.")
    return page


# --- Booking wizard ---------------------------------------------------------------------


def wizard_locations(clinic):
    """The clinic's locations where someone takes bookings (an active staff member
    works there), main first. More than one: the wizard asks where first."""
    return list(
        Location.objects.filter(
            clinic=clinic,
            pk__in=WorkingHours.objects.filter(staff__clinic=clinic, staff__active=True).values(
                "location_id"
            ),
        )
    )


WIZARD_STEPS = 7  # what, service, who, day, time, confirm, pay or done


def wizard_progress(clinic, step):
    """``{"step", "total_steps"}`` for a wizard page: the total from the clinic's
    configuration, the same on every step (the pay and done pages too): one more, the
    location step first, where several locations take bookings."""
    offset = 1 if len(wizard_locations(clinic)) > 1 else 0
    return {"step": step + offset, "total_steps": WIZARD_STEPS + offset}


def wizard_location(clinic, location_id):
    """One of ``wizard_locations`` by id, or None (unknown, another clinic's, or no one
    works there now)."""
    if not str(location_id or "").isdigit() or len(str(location_id)) > 18:
        return None
    for location in wizard_locations(clinic):
        if location.pk == int(location_id):
            return location
    return None


@dataclass
class WizardPreferences:
    """What the patient prefers when booking (their profile): offered first, never
    enforced."""

    location_id: int | None = None
    staff_id: int | None = None
    service_ids: frozenset = frozenset()


def wizard_preferences(clinic, user) -> WizardPreferences:
    prefs = booking_preferences_for(clinic, client_account_for_user(clinic, user))
    if prefs is None:
        return WizardPreferences()
    return WizardPreferences(
        location_id=prefs.location_id,
        staff_id=prefs.staff_id,
        service_ids=frozenset(s.pk for s in prefs.services.all()),
    )


def _at_location(services, location):
    """Services offered at ``location`` (a service with no locations is offered at
    every one) by someone who works there, each with ``wizard_staff``: who gives it
    there."""
    working = None
    if location is not None:
        working = set(
            WorkingHours.objects.filter(location=location).values_list("staff_id", flat=True)
        )
    offered = []
    for service in services:
        staff = list(service.staff.all())
        if working is not None:
            if service.locations.all() and location not in service.locations.all():
                continue
            staff = [member for member in staff if member.pk in working]
            if not staff:
                continue
        service.wizard_staff = staff
        offered.append(service)
    return offered


def wizard_categories(clinic, location=None):
    """Categories that have a bookable service (at ``location``), with how many."""
    counts = {}
    for service in _at_location(list(services_for_clinic(clinic)), location):
        if service.category_id:
            counts[service.category_id] = counts.get(service.category_id, 0) + 1
    categories = list(
        categories_for_clinic(clinic).filter(pk__in=counts).order_by("position", "name")
    )
    for category in categories:
        category.n = counts[category.pk]
    return categories


def wizard_services(clinic, *, category_id=None, location=None, favourites=frozenset()):
    """Bookable services (of a category, at a location), the patient's favourites
    first, each marked ``favourite``."""
    services = _at_location(list(services_for_clinic(clinic, category_id=category_id)), location)
    for service in services:
        service.favourite = service.pk in favourites
    return sorted(services, key=lambda service: not service.favourite)


def wizard_service(clinic, service_id, location=None):
    """A bookable service of this clinic (with its staff), or 404; with ``location``,
    its staff are those who work there."""
    for service in services_for_clinic(clinic).filter(pk=service_id):
        if location is not None:
            working = set(
                WorkingHours.objects.filter(location=location, staff__services=service).values_list(
                    "staff_id", flat=True
                )
            )
            service.wizard_staff = [m for m in service.staff.all() if m.pk in working]
        else:
            service.wizard_staff = list(service.staff.all())
        return service
    raise Http404("No such service.")


def wizard_staff_choices(service, preferred_id=None):
    """Who may be chosen for ``service`` (from ``wizard_service``), the patient's
    usual staff member first, marked ``preferred``."""
    members = list(service.wizard_staff)
    for member in members:
        member.preferred = member.pk == preferred_id
    return sorted(members, key=lambda member: not member.preferred)


def wizard_staff(service, staff_ref):
    """``"any"`` → None; otherwise the active staff member who performs ``service``
    (where it is booked, from ``wizard_service``), or 404."""
    if staff_ref == "any":
        return None
    members = service.wizard_staff if hasattr(service, "wizard_staff") else service.staff.all()
    for member in members:
        if str(member.pk) == str(staff_ref):
            return member
    raise Http404("No such staff member for this service.")


def wizard_assigned_staff(clinic, service, start, location=None):
    """With "any available": the staff member who will take the time when only one is
    free then (the patient can be told who), else None (the first free one is chosen
    when the booking is made)."""
    members = service.wizard_staff if hasattr(service, "wizard_staff") else service.staff.all()
    by_pk = {member.pk: member for member in members if member.active}
    if not by_pk:
        return None
    slot = slot_offered(
        clinic=clinic,
        service=service,
        staff_ids=list(by_pk),
        start=start,
        location_id=location.pk if location else None,
    )
    if slot is None or len(slot.staff_ids) != 1:
        return None
    return by_pk.get(slot.staff_ids[0])


@dataclass
class WizardPayment:
    """What booking ``service`` costs now and later, as the checkout will charge it:
    ``due_now`` (a deposit, or the full price), the rest at the visit."""

    mode: str
    price: int
    due_now: int
    full_price: int = 0  # before a member's discount (0: no discount)
    discount_label: str = ""

    @property
    def discount(self):
        return self.full_price - self.price if self.full_price else 0

    @property
    def is_deposit(self):
        return self.mode == PaymentMode.DEPOSIT and 0 < self.due_now < self.price

    @property
    def balance(self):
        return self.price - self.due_now


def wizard_payment(clinic, service, client=None) -> WizardPayment:
    """As ``booking_create`` will record it: a member's price (``booking_api.pricing``)
    and the deposit lowered in proportion."""
    mode = clinic_policy(clinic).payment_mode
    due_now = service.price if mode == PaymentMode.FULL else service_deposit(clinic, service)
    adjusted = client_price(clinic=clinic, client=client, service=service, price=service.price)
    if adjusted is None:
        return WizardPayment(mode=mode, price=service.price, due_now=due_now)
    if service.price:
        due_now = due_now * adjusted.price // service.price
    return WizardPayment(
        mode=mode,
        price=adjusted.price,
        due_now=due_now,
        full_price=service.price,
        discount_label=adjusted.label,
    )


@dataclass
class CalendarDay:
    date: datetime.date
    in_month: bool
    free: bool
    past: bool


@dataclass
class MonthCalendar:
    month: datetime.date  # the first of the month
    weeks: list
    previous: datetime.date | None
    next: datetime.date | None
    free_days: int


def month_calendar(
    clinic,
    service,
    *,
    staff=None,
    location=None,
    month=None,
    now=None,
    ignore_booking_id=None,
    client=None,
):
    """A month's grid of days (Monday first) marking the days with free slots, from the
    booking engine. ``previous``/``next`` are the neighbouring months worth showing (not
    before this month, not beyond the booking horizon)."""
    now = now or timezone.now()
    tz = zoneinfo.ZoneInfo(clinic.timezone)
    today = now.astimezone(tz).date()
    policy = clinic_policy(clinic)
    horizon = booking_horizon_days(
        clinic=clinic, client=client, policy_days=policy.max_advance_days
    )
    last_day = today + datetime.timedelta(days=horizon)
    this_month = today.replace(day=1)
    month = (month or this_month).replace(day=1)
    month = min(max(month, this_month), last_day.replace(day=1))
    days_in_month = calendar.monthrange(month.year, month.month)[1]
    first, last = month, month.replace(day=days_in_month)
    free = set()
    date_from, date_to = max(first, today), min(last, last_day)
    if date_from <= date_to:
        slots = find_slots(
            clinic=clinic,
            service=service,
            date_from=date_from,
            date_to=date_to,
            staff_ids=[staff.pk] if staff else None,
            location_id=location.pk if location else None,
            now=now,
            ignore_booking_id=ignore_booking_id,
            client=client,
        )
        free = {slot.start.astimezone(tz).date() for slot in slots}
    weeks = []
    for week in calendar.Calendar(firstweekday=0).monthdatescalendar(month.year, month.month):
        weeks.append(
            [
                CalendarDay(
                    date=day, in_month=day.month == month.month, free=day in free, past=day < today
                )
                for day in week
            ]
        )
    previous = None if month <= this_month else (month - datetime.timedelta(days=1)).replace(day=1)
    following = (last + datetime.timedelta(days=1)) if last < last_day else None
    return MonthCalendar(
        month=month, weeks=weeks, previous=previous, next=following, free_days=len(free)
    )


def day_slots(
    clinic,
    service,
    day,
    *,
    staff=None,
    location=None,
    now=None,
    ignore_booking_id=None,
    client=None,
):
    """The free start times on ``day`` (local), one per start: "any available" merges
    the staff (the booking service picks who); ``location``: only there."""
    slots = find_slots(
        clinic=clinic,
        service=service,
        date_from=day,
        date_to=day,
        staff_ids=[staff.pk] if staff else None,
        location_id=location.pk if location else None,
        now=now,
        ignore_booking_id=ignore_booking_id,
        client=client,
    )
    seen, result = set(), []
    for slot in slots:
        if slot.start not in seen:
            seen.add(slot.start)
            result.append(slot)
    return sorted(result, key=lambda s: s.start)


# Where the day's times split, in the clinic's local time, as booking apps show them.
PARTS_OF_DAY = (
    (12, gettext_lazy("Morning")),
    (17, gettext_lazy("Afternoon")),
    (24, gettext_lazy("Evening")),
)


def slots_by_part_of_day(clinic, slots) -> list[tuple[str, list]]:
    """``slots`` grouped Morning / Afternoon / Evening by their local start; empty
    groups left out, order kept."""
    tz = zoneinfo.ZoneInfo(clinic.timezone)
    groups = {label: [] for _hour, label in PARTS_OF_DAY}
    for slot in slots:
        hour = slot.start.astimezone(tz).hour
        label = next(label for until, label in PARTS_OF_DAY if hour < until)
        groups[label].append(slot)
    return [(str(label), items) for label, items in groups.items() if items]


# --- My bookings ------------------------------------------------------------------------


def client_booking_by_reference(clinic, client, reference):
    """The client's own booking by its reference, or 404: another person's booking is
    never reachable."""
    if client is None:
        raise Http404("No such booking.")
    booking = (
        Booking.objects.filter(clinic=clinic, client=client, reference=reference)
        .select_related("service", "staff", "location", "clinic__site", "client__user")
        .first()
    )
    if booking is None:
        raise Http404("No such booking.")
    return booking


def client_booking_by_reference_or_none(clinic, client, reference):
    try:
        return client_booking_by_reference(clinic, client, reference)
    except Http404:
        return None


def booking_by_reference(clinic, reference):
    """A booking of this clinic by its reference, or 404 — only for a caller who has
    already decided the asker may see it (``portal_pages.access.visitor_booking``)."""
    booking = (
        Booking.objects.filter(clinic=clinic, reference=reference)
        .select_related("service", "staff", "location", "clinic__site", "client__user")
        .first()
    )
    if booking is None:
        raise Http404("No such booking.")
    return booking


def client_bookings(clinic, client, *, when, limit=None):
    if client is None:
        return []
    qs = bookings_for_client(clinic, client, when=when)
    return list(qs[:limit] if limit else qs)


@dataclass(frozen=True)
class BookingMoneySummary:
    """What a patient reads about a booking's money beside its price (minor units), from
    the figures the receipts use (``payments.selectors.booking_money``): what was paid,
    what is due at the visit, until when it can be cancelled free; a cancelled booking:
    what the clinic kept (fees included) and what was refunded."""

    paid: int
    due_at_visit: int
    free_until: str  # the clinic's wall clock and locale; "" when not upcoming or never free
    cancelled: bool
    kept: int
    refunded: int
    currency: str
    refunding: int = 0  # decided by the cancellation, not yet issued (the task follows)


def booking_money_summary(booking) -> BookingMoneySummary:
    from booking_api.lifecycle import CANCELLED_STATUSES, UPCOMING_STATUSES, BookingStatus
    from booking_api.selectors import booking_last_move
    from booking_api.services.policy import cancellation_quote
    from branding import clinic_time
    from payments.selectors import booking_money, cancellation_refund_owed

    money = booking_money(booking)
    free_until = ""
    if booking.status in UPCOMING_STATUSES:
        quote = cancellation_quote(booking)
        if quote.free and not quote.made_inside_window:
            with clinic_time.override(booking.clinic):
                free_until = clinic_time.format_datetime(quote.window_ends_at, "weekday")
    cancelled = booking.status in CANCELLED_STATUSES
    refunding = 0
    cancel = booking_last_move(booking, BookingStatus.CANCELLED) if cancelled else None
    if cancel is not None and money.net_paid > 0:
        # Just cancelled: the refund is decided but issued by a task a moment later.
        refunding = min(cancellation_refund_owed(booking, cancel), money.net_paid)
    return BookingMoneySummary(
        paid=money.net_paid,
        due_at_visit=max(money.balance_due, 0),
        free_until=free_until,
        cancelled=cancelled,
        kept=money.net_paid - refunding if cancelled else 0,
        refunded=money.refunded,
        currency=booking.currency,
        refunding=refunding,
    )
