"""The "Nudges" section of Reports (``reports.registry`` finds ``SECTIONS`` here, since
reports may not import this app nor this app reports): what each automation sent, how
many links were opened, and the bookings and revenue within 14 days of a nudge, this
period against the previous one; win-back's results on their own."""

from django.utils.translation import gettext_lazy as _

from automations.models import AutomationKind
from automations.selectors import ATTRIBUTION_WINDOW, nudge_attribution
from people.admin_toolkit.workspace import MANAGERS

# value kinds, as reports.registry names them
MONEY, COUNT, PERCENT, TEXT = "money", "count", "percent", "text"


def _rate(part, whole):
    return None if not whole else part / whole


def _totals(rows):
    return {k: sum(r[k] for r in rows) for k in ("sent", "clicked", "bookings", "revenue")}


def build_nudges(query):
    period = query.period
    current = nudge_attribution(query.clinic, period.start, period.end)
    previous = nudge_attribution(query.clinic, period.previous.start, period.previous.end)
    cur, prev = _totals(current), _totals(previous)
    prev_by_automation = {r["automation_id"]: r for r in previous}
    kinds = dict(AutomationKind.choices)

    def row(r):
        before = prev_by_automation.get(r["automation_id"], {})
        return {
            "label": r["name"] or str(_("(deleted nudge)")),
            "kind": str(kinds.get(r["kind"], r["kind"])),
            "sent": r["sent"],
            "opened": _rate(r["clicked"], r["sent"]),
            "bookings": r["bookings"],
            "revenue": r["revenue"],
            "prev_revenue": before.get("revenue", 0),
        }

    # Previous-period automations with nothing sent now still show, so a stopped nudge's
    # drop is visible.
    rows = [row(r) for r in current]
    rows += [
        {**row({**r, "sent": 0, "clicked": 0, "bookings": 0, "revenue": 0})}
        for r in previous
        if r["automation_id"] not in {c["automation_id"] for c in current}
    ]
    winback = [r for r in current if r["kind"] == AutomationKind.WINBACK]
    winback_prev = [r for r in previous if r["kind"] == AutomationKind.WINBACK]
    won, won_prev = _totals(winback), _totals(winback_prev)
    days = ATTRIBUTION_WINDOW.days
    return {
        "figures": [
            {"label": _("Nudges sent"), "current": cur["sent"], "previous": prev["sent"]},
            {
                "label": _("Links opened"),
                "current": _rate(cur["clicked"], cur["sent"]),
                "previous": _rate(prev["clicked"], prev["sent"]),
                "kind": PERCENT,
            },
            {
                "label": _("Bookings after a nudge"),
                "current": cur["bookings"],
                "previous": prev["bookings"],
            },
            {
                "label": _("Revenue of those bookings"),
                "current": cur["revenue"],
                "previous": prev["revenue"],
                "kind": MONEY,
            },
            {
                "label": _("Clients won back"),
                "current": won["bookings"],
                "previous": won_prev["bookings"],
            },
        ],
        "tables": [
            {
                "key": "by_nudge",
                "title": _("By nudge"),
                "columns": [
                    {"key": "label", "label": _("Nudge"), "kind": TEXT},
                    {"key": "kind", "label": _("Kind"), "kind": TEXT},
                    {"key": "sent", "label": _("Sent"), "kind": COUNT},
                    {"key": "opened", "label": _("Links opened"), "kind": PERCENT},
                    {"key": "bookings", "label": _("Bookings after"), "kind": COUNT},
                    {"key": "revenue", "label": _("Revenue"), "kind": MONEY},
                    {"key": "prev_revenue", "label": _("Revenue, previous period"), "kind": MONEY},
                ],
                "rows": rows,
                "series": ("revenue", "prev_revenue"),
            },
            {
                "key": "winback",
                "title": _("Win-back results"),
                "columns": [
                    {"key": "label", "label": _("Nudge"), "kind": TEXT},
                    {"key": "sent", "label": _("Lapsed clients nudged"), "kind": COUNT},
                    {"key": "bookings", "label": _("Came back"), "kind": COUNT},
                    {"key": "rate", "label": _("Came-back rate"), "kind": PERCENT},
                    {"key": "revenue", "label": _("Revenue"), "kind": MONEY},
                ],
                "rows": [
                    {
                        "label": r["name"] or str(_("(deleted nudge)")),
                        "sent": r["sent"],
                        "bookings": r["bookings"],
                        "rate": _rate(r["bookings"], r["sent"]),
                        "revenue": r["revenue"],
                    }
                    for r in winback
                ],
                "chart": "",
            },
        ],
        "notes": [
            _(
                "A booking counts for a nudge when the same client made it within %(days)s "
                "days after the nudge was sent, for the latest nudge before it; cancelled "
                "bookings are left out. Revenue is the booking's price. Nudges cover the "
                "whole clinic, whichever location is chosen."
            )
            % {"days": days}
        ],
    }


SECTIONS = [
    {
        "key": "nudges",
        "title": _("Nudges"),
        "description": _("What each nudge sent, the links opened, and the bookings it brought."),
        "roles": MANAGERS,
        "order": 70,
        "build": build_nudges,
    }
]
