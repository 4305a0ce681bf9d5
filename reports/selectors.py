"""The figures of the reports, each one grouped query over both periods at once (the
current period and the one before it), clinic first. Nothing here walks rows in Python:
the database sums, counts and groups, on the clinic's wall clock (``TruncDate`` with the
clinic's zone, so a payment at 00:30 local on a summer night is that day's, not the
day before's in UTC).

Definitions (docs/architecture.md, "Reports", says the same):

- money taken: a payment counts when it succeeded (``succeeded_at``), for what was
  captured; a refund counts, negatively, when it was made (``created_at``) and only once
  it succeeded — so a partial refund takes off its amount, on its own day.
- a booking "made": any booking created in the period except a guest's unconfirmed hold
  and a hold the system released when it ran out (nobody was ever booked).
- a visit: a booking whose appointment was due (``start``) in the period, counted the
  same way.
"""

import datetime
from datetime import UTC

from django.db.models import (
    Case,
    Count,
    DateTimeField,
    DurationField,
    Exists,
    ExpressionWrapper,
    F,
    IntegerField,
    OuterRef,
    Q,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce, TruncDate, TruncMonth

from booking_api.lifecycle import BookingStatus
from booking_api.models import Booking, BookingEvent, StaffMember, TimeOff, WorkingHours
from loyalty.models import GamePlay, LedgerEntry, Referral, Voucher
from loyalty.models.games import PrizeKind
from payments.models import Payment, PaymentKind, PaymentStatus, Refund, RefundStatus
from reports.models import ReportSettings

S = BookingStatus
# Took the staff member's time: what utilisation counts as booked.
OCCUPYING_STATUSES = (S.BOOKED, S.CONFIRMED, S.STARTED, S.COMPLETED, S.NO_SHOW)
FEE_KINDS = (PaymentKind.LATE_CANCEL_FEE, PaymentKind.NO_SHOW_FEE)


def report_settings(clinic) -> ReportSettings:
    found = ReportSettings.objects.filter(clinic=clinic).first()
    return found or ReportSettings(clinic=clinic)


# --- helpers -----------------------------------------------------------------------


def _current(field, period):
    return Q(**{f"{field}__gte": period.start, f"{field}__lt": period.end})


def _previous(field, period):
    prev = period.previous
    return Q(**{f"{field}__gte": prev.start, f"{field}__lt": prev.end})


def _span(field, period):
    return Q(**{f"{field}__gte": period.previous.start, f"{field}__lt": period.end})


def _count(condition):
    return Count(Case(When(condition, then=Value(1)), output_field=IntegerField()))


def _sum(condition, expression):
    return Coalesce(Sum(Case(When(condition, then=expression), default=Value(0))), Value(0))


def _lapsed():
    """The booking was cancelled because its hold ran out (never booked)."""
    return Exists(
        BookingEvent.objects.filter(
            booking=OuterRef("pk"), kind="status", to_status=S.CANCELLED, data__hold_expired=True
        )
    )


def real_bookings(clinic, location=None):
    """The clinic's bookings that were ever made: not a guest's unconfirmed hold, not a
    hold that lapsed."""
    qs = Booking.objects.filter(clinic=clinic).exclude(status=S.UNVERIFIED)
    if location is not None:
        qs = qs.filter(location=location)
    return qs.annotate(lapsed=_lapsed()).filter(lapsed=False)


def _split_pair(row, key):
    return row[f"cur_{key}"] or 0, row[f"prev_{key}"] or 0


# --- revenue -------------------------------------------------------------------------


def _payments(clinic, location):
    qs = Payment.objects.filter(clinic=clinic, status=PaymentStatus.SUCCEEDED)
    return qs.filter(booking__location=location) if location is not None else qs


def _refunds(clinic, location):
    qs = Refund.objects.filter(payment__clinic=clinic, status=RefundStatus.SUCCEEDED)
    return qs.filter(payment__booking__location=location) if location is not None else qs


def revenue_by_day(clinic, period, *, location=None):
    """{local date: (taken, refunded, tips)} over both periods: two grouped queries.
    Taken is without tips; tips are told apart (the Today panel's takings alike)."""
    days = {}
    taken = (
        _payments(clinic, location)
        .filter(_span("succeeded_at", period))
        .annotate(day=TruncDate("succeeded_at", tzinfo=period.tz))
        .order_by()
        .values("day")
        # Takings: a tip taken at the desk (``Payment.tip``) is the staff member's.
        .annotate(total=Sum(F("amount_captured") - F("tip")), tips=Sum("tip"))
    )
    for row in taken:
        days[row["day"]] = [row["total"] or 0, 0, row["tips"] or 0]
    refunded = (
        _refunds(clinic, location)
        .filter(_span("created_at", period))
        .annotate(day=TruncDate("created_at", tzinfo=period.tz))
        .order_by()
        .values("day")
        .annotate(total=Sum("amount"))
    )
    for row in refunded:
        days.setdefault(row["day"], [0, 0, 0])[1] = row["total"] or 0
    return {day: tuple(v) for day, v in days.items()}


def revenue_by_dimension(clinic, period, *, location=None):
    """Net money taken per (service, staff, location), current and previous, in two
    grouped queries: [{service_id, service, staff_id, staff, location_id, location,
    cur_taken, prev_taken, cur_refunded, prev_refunded, cur_tips, prev_tips}] (taken
    without tips)."""
    keys = {}

    def add(rows, prefix, kind):
        for row in rows:
            key = (
                row[f"{prefix}service_id"],
                row[f"{prefix}staff_id"],
                row[f"{prefix}location_id"],
            )
            entry = keys.setdefault(
                key,
                {
                    "service_id": key[0],
                    "service": row[f"{prefix}service__name"],
                    "staff_id": key[1],
                    "staff": row[f"{prefix}staff__display_name"],
                    "location_id": key[2],
                    "location": row[f"{prefix}location__name"],
                    "cur_taken": 0,
                    "prev_taken": 0,
                    "cur_refunded": 0,
                    "prev_refunded": 0,
                    "cur_tips": 0,
                    "prev_tips": 0,
                },
            )
            entry[f"cur_{kind}"] += row["cur"] or 0
            entry[f"prev_{kind}"] += row["prev"] or 0
            if kind == "taken":
                entry["cur_tips"] += row["cur_tips"] or 0
                entry["prev_tips"] += row["prev_tips"] or 0

    names = (
        "service_id",
        "service__name",
        "staff_id",
        "staff__display_name",
        "location_id",
        "location__name",
    )
    add(
        _payments(clinic, location)
        .filter(_span("succeeded_at", period))
        .order_by()
        .values(*(f"booking__{n}" for n in names))
        .annotate(
            cur=_sum(_current("succeeded_at", period), F("amount_captured") - F("tip")),
            prev=_sum(_previous("succeeded_at", period), F("amount_captured") - F("tip")),
            cur_tips=_sum(_current("succeeded_at", period), F("tip")),
            prev_tips=_sum(_previous("succeeded_at", period), F("tip")),
        ),
        "booking__",
        "taken",
    )
    add(
        _refunds(clinic, location)
        .filter(_span("created_at", period))
        .order_by()
        .values(*(f"payment__booking__{n}" for n in names))
        .annotate(
            cur=_sum(_current("created_at", period), F("amount")),
            prev=_sum(_previous("created_at", period), F("amount")),
        ),
        "payment__booking__",
        "refunded",
    )
    return list(keys.values())


# --- bookings ------------------------------------------------------------------------


def bookings_by_door(clinic, period, *, location=None):
    """Bookings made per door (source), and how many of them were a new client's (no
    completed visit before the booked appointment): one query grouped by door and
    new/returning, so the "earlier visit" look-up runs once per booking.
    {source: {cur, prev, cur_new, prev_new}}."""
    earlier_visit = Booking.objects.filter(
        client=OuterRef("client"), status=S.COMPLETED, start__lt=OuterRef("start")
    )
    rows = (
        real_bookings(clinic, location)
        .filter(_span("created_at", period))
        .annotate(returning=Exists(earlier_visit))
        .order_by()
        .values("source", "returning")
        .annotate(
            cur=_count(_current("created_at", period)),
            prev=_count(_previous("created_at", period)),
        )
    )
    doors = {}
    for row in rows:
        door = doors.setdefault(row["source"], {"cur": 0, "prev": 0, "cur_new": 0, "prev_new": 0})
        door["cur"] += row["cur"]
        door["prev"] += row["prev"]
        if not row["returning"]:
            door["cur_new"] += row["cur"]
            door["prev_new"] += row["prev"]
    return doors


def rebooking(clinic, period, *, window_days, location=None):
    """Completed visits due in each period per service, and how many of them the client
    followed with another booking (not cancelled) starting within ``window_days`` after
    the visit's start: one grouped query. [{service_id, service__name, cur, prev,
    cur_rebooked, prev_rebooked}]."""
    later = Booking.objects.filter(
        clinic=clinic,
        client=OuterRef("client"),
        start__gt=OuterRef("start"),
        start__lte=ExpressionWrapper(
            OuterRef("start") + datetime.timedelta(days=window_days), output_field=DateTimeField()
        ),
    ).exclude(status__in=(S.CANCELLED, S.REFUNDED, S.UNVERIFIED))
    visits = Booking.objects.filter(clinic=clinic, status=S.COMPLETED)
    if location is not None:
        visits = visits.filter(location=location)
    return list(
        visits.filter(_span("start", period))
        .annotate(rebooked=Exists(later))
        .order_by()
        .values("service_id", "service__name")
        .annotate(
            cur=_count(_current("start", period)),
            prev=_count(_previous("start", period)),
            cur_rebooked=_count(_current("start", period) & Q(rebooked=True)),
            prev_rebooked=_count(_previous("start", period) & Q(rebooked=True)),
        )
        .order_by("service__name")
    )


def retention_cohorts(clinic, *, first_from, last_until, tz):
    """Clients by the month of their first completed visit (the cohort), and how many of
    each cohort had a completed visit in each later month: one grouped query over
    completed visits, {(cohort month, visit month): clients}. ``first_from`` and
    ``last_until`` bound the first visits (UTC moments of the clinic's month starts)."""
    first_visit = (
        Booking.objects.filter(client=OuterRef("client"), status=S.COMPLETED)
        .order_by("start")
        .values("start")[:1]
    )
    came_before = Booking.objects.filter(
        client=OuterRef("client"), status=S.COMPLETED, start__lt=first_from
    )
    rows = (
        # A visit is never before its client's first: only visits since ``first_from``,
        # and none of a client who came before it (most of them: one hashed look-up
        # spares the first-visit look-up below for their visits).
        Booking.objects.filter(
            clinic=clinic, status=S.COMPLETED, start__gte=first_from, start__lt=last_until
        )
        .exclude(Exists(came_before))
        # Their first visit is then in range too (on or after ``first_from``, no later
        # than this visit): no filter on it, so it is looked up only for the rows kept.
        .annotate(first=Subquery(first_visit, output_field=DateTimeField()))
        .annotate(cohort=TruncMonth("first", tzinfo=tz), month=TruncMonth("start", tzinfo=tz))
        .order_by()
        .values("cohort", "month")
        .annotate(clients=Count("client", distinct=True))
    )
    return {(_as_date(r["cohort"]), _as_date(r["month"])): r["clients"] for r in rows}


def _as_date(value):
    return value.date() if isinstance(value, datetime.datetime) else value


# --- no-shows and late cancellations -------------------------------------------------


def attendance(clinic, period, *, location=None):
    """Visits due in each period, no-shows, cancellations and late cancellations (inside
    the policy's window, where it charged a fee or asked the client to call): one query.
    A booking later refunded still counts as what it was."""

    def event(**kwargs):
        return Exists(BookingEvent.objects.filter(booking=OuterRef("pk"), kind="status", **kwargs))

    qs = (
        real_bookings(clinic, location)
        .filter(_span("start", period))
        .annotate(
            no_show=event(to_status=S.NO_SHOW),
            cancelled=event(to_status=S.CANCELLED),
            late=event(to_status=S.CANCELLED, data__quote__free=False),
        )
    )
    # Grouped by the three flags, so each look-up runs once per booking; summed here
    # over at most eight rows.
    figures = {
        f"{p}_{n}": 0 for p in ("cur", "prev") for n in ("due", "no_show", "cancelled", "late")
    }
    for row in (
        qs.order_by()
        .values("no_show", "cancelled", "late")
        .annotate(cur=_count(_current("start", period)), prev=_count(_previous("start", period)))
    ):
        for prefix in ("cur", "prev"):
            figures[f"{prefix}_due"] += row[prefix]
            for flag in ("no_show", "cancelled", "late"):
                if row[flag]:
                    figures[f"{prefix}_{flag}"] += row[prefix]
    return figures


def fees(clinic, period, *, location=None):
    """Fees the policy decided for no-shows and late cancellations of visits due in each
    period (``BookingEvent.fee``), and fee payments collected in each period (captured
    less refunds on them): two grouped queries. {"charged": {status: (cur, prev)},
    "collected": {kind: (cur, prev)}}."""
    events = BookingEvent.objects.filter(
        booking__clinic=clinic,
        kind="status",
        to_status__in=(S.CANCELLED, S.NO_SHOW),
        fee__gt=0,
    ).filter(_span("booking__start", period))
    if location is not None:
        events = events.filter(booking__location=location)
    charged = {
        row["to_status"]: (row["cur"], row["prev"])
        for row in events.order_by()
        .values("to_status")
        .annotate(
            cur=_sum(_current("booking__start", period), F("fee")),
            prev=_sum(_previous("booking__start", period), F("fee")),
        )
    }
    refunded = (
        Refund.objects.filter(payment=OuterRef("pk"), status=RefundStatus.SUCCEEDED)
        .order_by()
        .values("payment")
        .annotate(total=Sum("amount"))
        .values("total")
    )
    net = F("amount_captured") - Coalesce(Subquery(refunded, output_field=IntegerField()), 0)
    collected = {
        row["kind"]: (row["cur"], row["prev"])
        for row in _payments(clinic, location)
        .filter(kind__in=FEE_KINDS)
        .filter(_span("succeeded_at", period))
        .order_by()
        .values("kind")
        .annotate(
            cur=_sum(_current("succeeded_at", period), net),
            prev=_sum(_previous("succeeded_at", period), net),
        )
    }
    return {"charged": charged, "collected": collected}


# --- staff utilisation ---------------------------------------------------------------


def booked_minutes(clinic, period, *, location=None):
    """Minutes of appointments that took staff time (booked, confirmed, started,
    completed, no-show), per staff member and period, by the appointment's start: one
    grouped query. {staff_id: (cur minutes, prev minutes)}."""
    qs = Booking.objects.filter(clinic=clinic, status__in=OCCUPYING_STATUSES).filter(
        _span("start", period)
    )
    if location is not None:
        qs = qs.filter(location=location)
    length = ExpressionWrapper(F("end") - F("start"), output_field=DurationField())
    rows = (
        qs.order_by()
        .values("staff_id")
        .annotate(
            cur=Sum(
                Case(When(_current("start", period), then=length), output_field=DurationField())
            ),
            prev=Sum(
                Case(When(_previous("start", period), then=length), output_field=DurationField())
            ),
        )
    )
    return {r["staff_id"]: (_minutes(r["cur"]), _minutes(r["prev"])) for r in rows}


def _minutes(value):
    if value is None:
        return 0
    if isinstance(value, datetime.timedelta):
        return int(value.total_seconds() // 60)
    return int(value) // 60_000_000  # microseconds, as some backends sum durations


def staff_schedules(clinic, period, *, location=None):
    """The clinic's staff, their weekly working hours and their time off overlapping
    either period: three queries, the working time worked out by ``scheduled_minutes``."""
    staff = list(StaffMember.objects.filter(clinic=clinic).order_by("display_name", "pk"))
    hours = WorkingHours.objects.filter(staff__clinic=clinic)
    if location is not None:
        hours = hours.filter(location=location)
    time_off = TimeOff.objects.filter(
        staff__clinic=clinic, start__lt=period.end, end__gt=period.previous.start
    )
    return staff, list(hours.order_by()), list(time_off.order_by())


def scheduled_minutes(period, hours, time_off):
    """Working minutes per staff member in each period, from the weekly hours on the
    clinic's wall clock (each date's local times turned into moments, so a DST day's
    09:00–17:00 is still eight hours) less the time off inside them.
    {staff_id: [cur, prev]}. Works on the staff's weekly ranges, not on bookings."""
    by_staff_day = {}
    for h in hours:
        by_staff_day.setdefault((h.staff_id, h.weekday), []).append((h.start, h.end))
    off_by_staff = {}
    for t in time_off:
        off_by_staff.setdefault(t.staff_id, []).append((t.start, t.end))
    result = {}
    for index, p in enumerate((period, period.previous)):
        for day in p.dates():
            for (staff_id, weekday), ranges in by_staff_day.items():
                if weekday != day.weekday():
                    continue
                for start, end in ranges:
                    # In UTC: the difference of two times of one zone is wall-clock.
                    a = datetime.datetime.combine(day, start, tzinfo=p.tz).astimezone(UTC)
                    b = datetime.datetime.combine(day, end, tzinfo=p.tz).astimezone(UTC)
                    seconds = (b - a).total_seconds()
                    for off_start, off_end in off_by_staff.get(staff_id, ()):
                        overlap = (min(b, off_end) - max(a, off_start)).total_seconds()
                        if overlap > 0:
                            seconds -= overlap
                    result.setdefault(staff_id, [0, 0])[index] += int(seconds // 60)
    return result


# --- loyalty -------------------------------------------------------------------------


def points_by_kind(clinic, period):
    """Points posted per ledger kind in each period: one grouped query."""
    return {
        row["kind"]: (row["cur"], row["prev"])
        for row in LedgerEntry.objects.filter(clinic=clinic)
        .filter(_span("created_at", period))
        .order_by()
        .values("kind")
        .annotate(
            cur=_sum(_current("created_at", period), F("amount")),
            prev=_sum(_previous("created_at", period), F("amount")),
        )
    }


def points_outstanding(clinic, period):
    """Unspent points at the end of each period. The ledger is append-only and each
    entry's ``balance_after`` is the client's balance before it plus its ``amount``, so
    the clients' balances at a moment add up to the sum of every amount posted before
    it: one aggregate on the clinic's ledger, no per-client "last entry" look-up."""
    found = LedgerEntry.objects.filter(clinic=clinic, created_at__lt=period.end).aggregate(
        cur=Coalesce(Sum("amount"), 0),
        prev=Coalesce(Sum("amount", filter=Q(created_at__lt=period.previous.end)), 0),
    )
    return found["cur"], found["prev"]


def vouchers_used(clinic, period):
    """Vouchers marked used in each period, and the discount they gave on payments that
    succeeded in it: two queries."""
    used = Voucher.objects.filter(clinic=clinic).aggregate(
        cur=_count(_current("used_at", period)), prev=_count(_previous("used_at", period))
    )
    discount = (
        Payment.objects.filter(clinic=clinic, status=PaymentStatus.SUCCEEDED)
        .exclude(voucher_ref="")
        .filter(_span("succeeded_at", period))
        .aggregate(
            cur=_sum(_current("succeeded_at", period), F("discount")),
            prev=_sum(_previous("succeeded_at", period), F("discount")),
        )
    )
    return {"used": (used["cur"], used["prev"]), "discount": (discount["cur"], discount["prev"])}


def referrals(clinic, period):
    """Clients who joined through a referral in each period, how many of them have had
    a first completed visit, and the money taken for that first visit (captured less
    refunds). One query."""
    first_visit = (
        Booking.objects.filter(client=OuterRef("referred"), status=S.COMPLETED)
        .order_by("start")
        .values("pk")[:1]
    )
    paid = (
        Payment.objects.filter(booking=OuterRef("first_visit"), status=PaymentStatus.SUCCEEDED)
        .order_by()
        .values("booking")
        .annotate(total=Sum("amount_captured"))
        .values("total")
    )
    refunded = (
        Refund.objects.filter(
            payment__booking=OuterRef("first_visit"), status=RefundStatus.SUCCEEDED
        )
        .order_by()
        .values("payment__booking")
        .annotate(total=Sum("amount"))
        .values("total")
    )
    qs = (
        Referral.objects.filter(clinic=clinic)
        .filter(_span("created_at", period))
        .annotate(first_visit=Subquery(first_visit))
        .annotate(
            revenue=Coalesce(Subquery(paid, output_field=IntegerField()), 0)
            - Coalesce(Subquery(refunded, output_field=IntegerField()), 0)
        )
    )
    return qs.aggregate(
        cur_joined=_count(_current("created_at", period)),
        prev_joined=_count(_previous("created_at", period)),
        cur_visited=_count(_current("created_at", period) & Q(first_visit__isnull=False)),
        prev_visited=_count(_previous("created_at", period) & Q(first_visit__isnull=False)),
        cur_revenue=_sum(_current("created_at", period), F("revenue")),
        prev_revenue=_sum(_previous("created_at", period), F("revenue")),
    )


def game_plays(clinic, period):
    """Game plays and prizes won in each period: one query."""
    won = ~Q(prize_kind=PrizeKind.NOTHING)
    return (
        GamePlay.objects.filter(clinic=clinic)
        .filter(_span("played_at", period))
        .aggregate(
            cur_plays=_count(_current("played_at", period)),
            prev_plays=_count(_previous("played_at", period)),
            cur_won=_count(_current("played_at", period) & won),
            prev_won=_count(_previous("played_at", period) & won),
        )
    )


def bookings_after_prize(clinic, period, *, window_days):
    """Bookings made in each period by a client who had won a prize in the
    ``window_days`` before making it: one query."""
    prize = GamePlay.objects.filter(
        clinic=clinic,
        client=OuterRef("client"),
        played_at__lte=OuterRef("created_at"),
        played_at__gte=ExpressionWrapper(
            OuterRef("created_at") - datetime.timedelta(days=window_days),
            output_field=DateTimeField(),
        ),
    ).exclude(prize_kind=PrizeKind.NOTHING)
    winners = GamePlay.objects.filter(
        clinic=clinic,
        played_at__gte=period.previous.start - datetime.timedelta(days=window_days),
        played_at__lt=period.end,
    ).exclude(prize_kind=PrizeKind.NOTHING)
    return (
        real_bookings(clinic)
        .filter(_span("created_at", period))
        # Only the clients who won something near the periods can count: look those up.
        .filter(client__in=winners.values("client"))
        .annotate(after_prize=Exists(prize))
        .aggregate(
            cur=_count(_current("created_at", period) & Q(after_prize=True)),
            prev=_count(_previous("created_at", period) & Q(after_prize=True)),
        )
    )


def tips_by_staff(clinic, period, *, location=None):
    """Tips taken at the desk in the current period, per staff member of the booking:
    [(staff name, minor units)], largest first. Apart from the takings above. One
    query."""
    return [
        (row["booking__staff__display_name"], row["total"])
        for row in _payments(clinic, location)
        .filter(_current("succeeded_at", period), tip__gt=0)
        .order_by()
        .values("booking__staff__display_name")
        .annotate(total=Sum("tip"))
        .order_by("-total")
    ]
