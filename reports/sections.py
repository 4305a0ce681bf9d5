"""The report sections this app builds from the apps below it. Each ``build`` turns the
selectors' grouped rows into figures and tables; the arithmetic here runs over those
grouped rows (days, services, staff), never over bookings or payments one by one."""

from django.utils.translation import gettext_lazy as _

from booking_api.models import BookingSource
from loyalty.models import EntryKind
from payments.models import PaymentKind
from people.admin_toolkit.workspace import FRONT_DESK, MANAGERS
from reports import selectors
from reports.periods import local_midnight
from reports.registry import (
    COUNT,
    MINUTES,
    MONEY,
    PERCENT,
    TEXT,
    Column,
    Figure,
    ReportResult,
    ReportSection,
    Table,
    register_section,
)

ONLINE_SOURCES = (BookingSource.PORTAL, BookingSource.APP)
DOORS = (BookingSource.PORTAL, BookingSource.APP, BookingSource.STAFF, BookingSource.IMPORT)


def rate(part, whole):
    return None if not whole else part / whole


def change(cur, prev):
    """The change from ``prev`` to ``cur`` as a fraction (None from nothing)."""
    return None if not prev else (cur - prev) / prev


def buckets(period, granularity):
    """The period's dates in buckets: one per day, or 7-day blocks from its first day
    (the last may be shorter), so each lines up with the same block of the previous
    period. [(label date, [dates])]."""
    dates = period.dates()
    size = 7 if granularity == "week" else 1
    return [(dates[i], dates[i : i + size]) for i in range(0, len(dates), size)]


# --- revenue -------------------------------------------------------------------------


def _money_compared(key, title, label, cur_title, prev_title, grouped):
    """A table of amounts per row (``grouped``: id → label, cur, prev), largest first,
    with the change on the previous period."""
    rows = sorted(grouped.values(), key=lambda r: (-r["cur"], str(r["label"])))
    for r in rows:
        r["change"] = change(r["cur"], r["prev"])
    return Table(
        key=key,
        title=title,
        columns=[
            Column("label", label, TEXT),
            Column("cur", cur_title, MONEY),
            Column("prev", prev_title, MONEY),
            Column("change", _("Change"), PERCENT),
        ],
        rows=rows,
        series=("cur", "prev"),
    )


def build_revenue(query):
    clinic, period = query.clinic, query.period
    by_day = selectors.revenue_by_day(clinic, period, location=query.location)
    prev_buckets = buckets(period.previous, query.granularity)
    rows = []
    totals = {
        "cur_taken": 0,
        "cur_refunded": 0,
        "cur_tips": 0,
        "prev_taken": 0,
        "prev_refunded": 0,
        "prev_tips": 0,
    }
    for index, (label, dates) in enumerate(buckets(period, query.granularity)):
        taken = sum(by_day.get(d, (0, 0, 0))[0] for d in dates)
        refunded = sum(by_day.get(d, (0, 0, 0))[1] for d in dates)
        prev_dates = prev_buckets[index][1] if index < len(prev_buckets) else []
        prev_net = sum(
            by_day.get(d, (0, 0, 0))[0] - by_day.get(d, (0, 0, 0))[1] for d in prev_dates
        )
        rows.append(
            {
                "label": label,
                "taken": taken,
                "refunded": refunded,
                "net": taken - refunded,
                "prev_net": prev_net,
            }
        )
    for day, (taken, refunded, tips) in by_day.items():
        prefix = "cur" if period.contains(day) else "prev"
        totals[f"{prefix}_taken"] += taken
        totals[f"{prefix}_refunded"] += refunded
        totals[f"{prefix}_tips"] += tips
    cur_net = totals["cur_taken"] - totals["cur_refunded"]
    prev_net = totals["prev_taken"] - totals["prev_refunded"]
    over_time = Table(
        key="over_time",
        title=_("Money taken by week") if query.granularity == "week" else _("Money taken by day"),
        columns=[
            Column("label", _("Week from") if query.granularity == "week" else _("Day"), "date"),
            Column("taken", _("Taken"), MONEY),
            Column("refunded", _("Refunded"), MONEY),
            Column("net", _("Net"), MONEY),
            Column("prev_net", _("Net, previous period"), MONEY),
        ],
        rows=rows,
        chart="lines",
        series=("net", "prev_net"),
    )
    dims = selectors.revenue_by_dimension(clinic, period, location=query.location)
    tables = [over_time]
    for key, title, label in (
        ("service", _("By service"), _("Service")),
        ("staff", _("By staff member"), _("Staff member")),
        ("location", _("By location"), _("Location")),
    ):
        grouped = {}
        for d in dims:
            entry = grouped.setdefault(d[f"{key}_id"], {"label": d[key], "cur": 0, "prev": 0})
            entry["cur"] += d["cur_taken"] - d["cur_refunded"]
            entry["prev"] += d["prev_taken"] - d["prev_refunded"]
        tables.append(
            _money_compared(
                f"by_{key}", title, label, _("Net, this period"), _("Net, previous period"), grouped
            )
        )
    # Tips are the staff member's, not the clinic's takings: a line of their own, as on
    # the Today panel (``payments.selectors.takings_between``).
    tips = {}
    for d in dims:
        if d["cur_tips"] or d["prev_tips"]:
            entry = tips.setdefault(d["staff_id"], {"label": d["staff"], "cur": 0, "prev": 0})
            entry["cur"] += d["cur_tips"]
            entry["prev"] += d["prev_tips"]
    if tips:
        tables.append(
            _money_compared(
                "tips_by_staff",
                _("Tips by staff member"),
                _("Staff member"),
                _("Tips, this period"),
                _("Tips, previous period"),
                tips,
            )
        )
    return ReportResult(
        figures=[
            Figure(_("Net taken"), cur_net, prev_net, MONEY),
            Figure(_("Payments taken"), totals["cur_taken"], totals["prev_taken"], MONEY),
            Figure(_("Refunded"), totals["cur_refunded"], totals["prev_refunded"], MONEY),
            Figure(_("Tips"), totals["cur_tips"], totals["prev_tips"], MONEY),
        ],
        tables=tables,
        notes=[
            _(
                "Payments count on the day they succeeded, for what was captured; refunds "
                "count on the day they were made. Fees for no-shows and late cancellations "
                "are included; tips taken at the desk are not (they are shown apart)."
            )
        ],
    )


# --- bookings ------------------------------------------------------------------------


def build_bookings(query):
    doors = selectors.bookings_by_door(query.clinic, query.period, location=query.location)
    labels = dict(BookingSource.choices)
    rows = []
    for source in DOORS:
        row = doors.get(source, {})
        cur, prev = row.get("cur", 0), row.get("prev", 0)
        if source == BookingSource.IMPORT and not (cur or prev):
            continue
        rows.append(
            {"label": labels[source], "cur": cur, "prev": prev, "change": change(cur, prev)}
        )

    def total(prefix, sources=DOORS):
        return sum(doors.get(s, {}).get(prefix, 0) for s in sources)

    counted = (*ONLINE_SOURCES, BookingSource.STAFF)  # an import was booked nowhere
    online = (
        rate(total("cur", ONLINE_SOURCES), total("cur", counted)),
        rate(total("prev", ONLINE_SOURCES), total("prev", counted)),
    )
    new = (total("cur_new"), total("prev_new"))
    returning = (total("cur") - new[0], total("prev") - new[1])
    return ReportResult(
        figures=[
            Figure(_("Bookings made"), total("cur"), total("prev"), COUNT),
            Figure(_("Made online"), online[0], online[1], PERCENT),
            Figure(_("New clients' bookings"), new[0], new[1], COUNT),
        ],
        tables=[
            Table(
                key="doors",
                title=_("Bookings by door"),
                columns=[
                    Column("label", _("Door"), TEXT),
                    Column("cur", _("This period"), COUNT),
                    Column("prev", _("Previous period"), COUNT),
                    Column("change", _("Change"), PERCENT),
                ],
                rows=rows,
                series=("cur", "prev"),
            ),
            Table(
                key="new_returning",
                title=_("New and returning clients"),
                columns=[
                    Column("label", _("Clients"), TEXT),
                    Column("cur", _("This period"), COUNT),
                    Column("prev", _("Previous period"), COUNT),
                ],
                rows=[
                    {"label": _("New"), "cur": new[0], "prev": new[1]},
                    {"label": _("Returning"), "cur": returning[0], "prev": returning[1]},
                ],
                series=("cur", "prev"),
            ),
        ],
        notes=[
            _(
                "Bookings count on the day they were made. A guest's unconfirmed hold and a "
                "hold that ran out are not bookings. New: the client had no completed visit "
                "before the booked appointment. Online share: portal and app bookings of "
                "those made through a door (imports left out)."
            )
        ],
    )


# --- rebooking and retention ---------------------------------------------------------

COHORT_MONTHS = 6


def _month_start(day):
    return day.replace(day=1)


def _add_months(day, months):
    month = day.month - 1 + months
    return day.replace(year=day.year + month // 12, month=month % 12 + 1, day=1)


def build_retention(query):
    window = query.settings.rebooking_window_days
    rows = selectors.rebooking(
        query.clinic, query.period, window_days=window, location=query.location
    )
    table_rows = [
        {
            "label": r["service__name"],
            "visits": r["cur"],
            "rebooked": r["cur_rebooked"],
            "rate": rate(r["cur_rebooked"], r["cur"]),
            "prev_rate": rate(r["prev_rebooked"], r["prev"]),
        }
        for r in rows
        if r["cur"] or r["prev"]
    ]
    cur = (sum(r["cur"] for r in rows), sum(r["cur_rebooked"] for r in rows))
    prev = (sum(r["prev"] for r in rows), sum(r["prev_rebooked"] for r in rows))

    # Cohorts: the months of first visits from the period's first month (at least the
    # last six months) to its last, and their clients' visits in each month since.
    last_month = _month_start(query.period.last)
    first_month = min(_month_start(query.period.first), _add_months(last_month, 1 - COHORT_MONTHS))
    months = []
    m = first_month
    while m <= last_month:
        months.append(m)
        m = _add_months(m, 1)
    tz = query.period.tz
    grid = selectors.retention_cohorts(
        query.clinic,
        first_from=local_midnight(first_month, tz),
        last_until=local_midnight(_add_months(last_month, 1), tz),
        tz=tz,
    )
    offsets = range(1, len(months))
    cohort_rows = []
    for cohort in months:
        size = grid.get((cohort, cohort), 0)
        row = {"label": cohort, "clients": size}
        for n in offsets:
            month = _add_months(cohort, n)
            row[f"m{n}"] = rate(grid.get((cohort, month), 0), size) if month <= last_month else None
        cohort_rows.append(row)
    return ReportResult(
        figures=[
            Figure(_("Rebooking rate"), rate(cur[1], cur[0]), rate(prev[1], prev[0]), PERCENT),
            Figure(_("Completed visits"), cur[0], prev[0], COUNT),
            Figure(_("Rebooked"), cur[1], prev[1], COUNT),
        ],
        tables=[
            Table(
                key="rebooking",
                title=_("Rebooking by service"),
                columns=[
                    Column("label", _("Service"), TEXT),
                    Column("visits", _("Completed visits"), COUNT),
                    Column("rebooked", _("Rebooked"), COUNT),
                    Column("rate", _("Rebooking rate"), PERCENT),
                    Column("prev_rate", _("Rate, previous period"), PERCENT),
                ],
                rows=table_rows,
                series=("rate", "prev_rate"),
            ),
            Table(
                key="cohorts",
                title=_("Retention by month of first visit"),
                columns=[
                    Column("label", _("First visit"), "month"),
                    Column("clients", _("Clients"), COUNT),
                    *(Column(f"m{n}", _("Month %(n)s") % {"n": n}, PERCENT) for n in offsets),
                ],
                rows=cohort_rows,
                series=tuple(f"m{n}" for n in offsets)[:3],
                description=_(
                    "Of the clients whose first completed visit was in a month, the share "
                    "with a completed visit one, two, three… months later."
                ),
            ),
        ],
        notes=[
            _(
                "A completed visit counts as rebooked when the client's next booking (not "
                "cancelled) starts within %(days)s days of it — the clinic-wide window set "
                "under Report settings. Cohorts cover the whole clinic."
            )
            % {"days": window}
        ],
    )


# --- no-shows and late cancellations -------------------------------------------------


def build_attendance(query):
    a = selectors.attendance(query.clinic, query.period, location=query.location)
    f = selectors.fees(query.clinic, query.period, location=query.location)
    rows = []
    for key, label in (
        ("no_show", _("No-shows")),
        ("late", _("Late cancellations")),
        ("cancelled", _("All cancellations")),
    ):
        rows.append(
            {
                "label": label,
                "cur": a[f"cur_{key}"],
                "cur_rate": rate(a[f"cur_{key}"], a["cur_due"]),
                "prev": a[f"prev_{key}"],
                "prev_rate": rate(a[f"prev_{key}"], a["prev_due"]),
            }
        )
    charged_ns = f["charged"].get("no_show", (0, 0))
    charged_late = f["charged"].get("cancelled", (0, 0))
    got_ns = f["collected"].get(PaymentKind.NO_SHOW_FEE, (0, 0))
    got_late = f["collected"].get(PaymentKind.LATE_CANCEL_FEE, (0, 0))
    fee_rows = [
        {"label": _("No-show fees charged"), "cur": charged_ns[0], "prev": charged_ns[1]},
        {
            "label": _("Late-cancellation fees charged"),
            "cur": charged_late[0],
            "prev": charged_late[1],
        },
        {"label": _("No-show fees collected"), "cur": got_ns[0], "prev": got_ns[1]},
        {"label": _("Late-cancellation fees collected"), "cur": got_late[0], "prev": got_late[1]},
    ]
    return ReportResult(
        figures=[
            Figure(_("Appointments due"), a["cur_due"], a["prev_due"], COUNT),
            Figure(_("No-show rate"), rows[0]["cur_rate"], rows[0]["prev_rate"], PERCENT),
            Figure(_("Late-cancellation rate"), rows[1]["cur_rate"], rows[1]["prev_rate"], PERCENT),
            Figure(_("Fees collected"), got_ns[0] + got_late[0], got_ns[1] + got_late[1], MONEY),
        ],
        tables=[
            Table(
                key="rates",
                title=_("No-shows and cancellations"),
                columns=[
                    Column("label", _("What happened"), TEXT),
                    Column("cur", _("This period"), COUNT),
                    Column("cur_rate", _("Rate"), PERCENT),
                    Column("prev", _("Previous period"), COUNT),
                    Column("prev_rate", _("Rate, previous period"), PERCENT),
                ],
                rows=rows,
                series=("cur_rate", "prev_rate"),
            ),
            Table(
                key="fees",
                title=_("Fees"),
                columns=[
                    Column("label", _("Fee"), TEXT),
                    Column("cur", _("This period"), MONEY),
                    Column("prev", _("Previous period"), MONEY),
                ],
                rows=fee_rows,
                series=("cur", "prev"),
            ),
        ],
        notes=[
            _(
                "Counted by the appointment's start. A late cancellation is one made inside "
                "the policy's window that charged a fee or asked the client to call. Fees "
                "charged are what the policy decided; fees collected are fee payments that "
                "succeeded in the period, less refunds of them (a fee kept from a deposit "
                "is in the deposit, not here)."
            )
        ],
    )


# --- staff utilisation ---------------------------------------------------------------


def build_utilisation(query):
    booked = selectors.booked_minutes(query.clinic, query.period, location=query.location)
    staff, hours, time_off = selectors.staff_schedules(
        query.clinic, query.period, location=query.location
    )
    scheduled = selectors.scheduled_minutes(query.period, hours, time_off)
    rows = []
    totals = [0, 0, 0, 0]
    for member in staff:
        b = booked.get(member.pk, (0, 0))
        s = scheduled.get(member.pk, [0, 0])
        if not any(b) and not any(s):
            continue
        totals = [totals[0] + b[0], totals[1] + s[0], totals[2] + b[1], totals[3] + s[1]]
        rows.append(
            {
                "label": member.display_name,
                "booked": b[0],
                "scheduled": s[0],
                "rate": rate(b[0], s[0]),
                "prev_rate": rate(b[1], s[1]),
            }
        )
    return ReportResult(
        figures=[
            Figure(
                _("Utilisation"), rate(totals[0], totals[1]), rate(totals[2], totals[3]), PERCENT
            ),
            Figure(_("Booked time"), totals[0], totals[2], MINUTES),
            Figure(_("Scheduled time"), totals[1], totals[3], MINUTES),
        ],
        tables=[
            Table(
                key="staff",
                title=_("Utilisation by staff member"),
                columns=[
                    Column("label", _("Staff member"), TEXT),
                    Column("booked", _("Booked"), MINUTES),
                    Column("scheduled", _("Scheduled"), MINUTES),
                    Column("rate", _("Utilisation"), PERCENT),
                    Column("prev_rate", _("Utilisation, previous period"), PERCENT),
                ],
                rows=rows,
                series=("rate", "prev_rate"),
            )
        ],
        notes=[
            _(
                "Booked: appointments that took the time (booked, confirmed, started, "
                "completed or no-show), by their start. Scheduled: the weekly working hours "
                "on each date, less time off. Location closures are not taken off."
            )
        ],
    )


# --- loyalty -------------------------------------------------------------------------


def build_loyalty(query):
    clinic, period = query.clinic, query.period
    points = selectors.points_by_kind(clinic, period)
    outstanding = selectors.points_outstanding(clinic, period)
    vouchers = selectors.vouchers_used(clinic, period)
    refs = selectors.referrals(clinic, period)
    plays = selectors.game_plays(clinic, period)
    after = selectors.bookings_after_prize(
        clinic, period, window_days=query.settings.prize_window_days
    )
    value = query.settings.point_value

    def liability(points_left):
        return points_left * value // 100

    labels = dict(EntryKind.choices)
    point_rows = [
        {
            "label": labels[kind],
            "cur": points.get(kind, (0, 0))[0],
            "prev": points.get(kind, (0, 0))[1],
        }
        for kind in EntryKind
    ]
    issued = points.get(EntryKind.EARN, (0, 0))
    redeemed = points.get(EntryKind.REDEEM, (0, 0))
    activity = [
        {"label": _("Vouchers used"), "cur": vouchers["used"][0], "prev": vouchers["used"][1]},
        {
            "label": _("Referred clients joined"),
            "cur": refs["cur_joined"],
            "prev": refs["prev_joined"],
        },
        {
            "label": _("Referred clients who visited"),
            "cur": refs["cur_visited"],
            "prev": refs["prev_visited"],
        },
        {"label": _("Game plays"), "cur": plays["cur_plays"], "prev": plays["prev_plays"]},
        {"label": _("Prizes won"), "cur": plays["cur_won"], "prev": plays["prev_won"]},
        {"label": _("Bookings after a prize"), "cur": after["cur"], "prev": after["prev"]},
    ]
    money = [
        {
            "label": _("Outstanding points liability"),
            "cur": liability(outstanding[0]),
            "prev": liability(outstanding[1]),
        },
        {
            "label": _("Voucher discounts given"),
            "cur": vouchers["discount"][0],
            "prev": vouchers["discount"][1],
        },
        {
            "label": _("Referred clients' first-visit revenue"),
            "cur": refs["cur_revenue"],
            "prev": refs["prev_revenue"],
        },
    ]
    two_periods = [
        Column("cur", _("This period"), COUNT),
        Column("prev", _("Previous period"), COUNT),
    ]
    return ReportResult(
        figures=[
            Figure(_("Points issued"), issued[0], issued[1], COUNT),
            Figure(_("Points redeemed"), -redeemed[0], -redeemed[1], COUNT),
            Figure(_("Outstanding liability"), money[0]["cur"], money[0]["prev"], MONEY),
            Figure(_("Vouchers used"), vouchers["used"][0], vouchers["used"][1], COUNT),
        ],
        tables=[
            Table(
                key="points",
                title=_("Points by kind"),
                columns=[Column("label", _("Kind"), TEXT), *two_periods],
                rows=point_rows,
                series=("cur", "prev"),
            ),
            Table(
                key="activity",
                title=_("Vouchers, referrals and games"),
                columns=[Column("label", _("What"), TEXT), *two_periods],
                rows=activity,
                series=("cur", "prev"),
            ),
            Table(
                key="money",
                title=_("Loyalty in money"),
                columns=[
                    Column("label", _("What"), TEXT),
                    Column("cur", _("This period"), MONEY),
                    Column("prev", _("Previous period"), MONEY),
                ],
                rows=money,
                series=("cur", "prev"),
            ),
        ],
        notes=[
            _(
                "Liability: unspent points at the end of each period, at %(value)s per 100 "
                "points (Report settings). Bookings after a prize: made within %(days)s days "
                "after the client won a prize. Loyalty covers every location."
            )
            % {"value": value, "days": query.settings.prize_window_days}
        ],
    )


BUILTIN = (
    ReportSection(
        "revenue",
        _("Revenue"),
        _("Money taken, less refunds, by day or week, service, staff member and location."),
        MANAGERS,
        10,
        build_revenue,
    ),
    ReportSection(
        "bookings",
        _("Bookings"),
        _("Bookings by door, the share made online, new and returning clients."),
        FRONT_DESK,
        20,
        build_bookings,
    ),
    ReportSection(
        "retention",
        _("Rebooking and retention"),
        _("Who booked again, and who came back month by month."),
        FRONT_DESK,
        30,
        build_retention,
    ),
    ReportSection(
        "attendance",
        _("No-shows and cancellations"),
        _("No-show and late-cancellation rates and the fees they brought."),
        FRONT_DESK,
        40,
        build_attendance,
    ),
    ReportSection(
        "utilisation",
        _("Staff utilisation"),
        _("Booked time against scheduled time, per staff member."),
        FRONT_DESK,
        50,
        build_utilisation,
    ),
    ReportSection(
        "loyalty",
        _("Loyalty"),
        _("Points, liability, vouchers, referrals and games."),
        MANAGERS,
        60,
        build_loyalty,
    ),
)


def register_builtin():
    for section in BUILTIN:
        register_section(section)
