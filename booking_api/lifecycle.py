"""The booking lifecycle, in one place: the states, the allowed moves, who may make each
move, and the named groups of states the rest of the code asks about.

    unverified ─┬─► pending_payment
                └─► booked
    pending_payment ─┬─► booked ─┬─► confirmed ─► arrived ─► started ─► completed ─┐
                     └─► confirmed│   (booked ─► arrived, booked ─► started)     ├─► refunded
    (unverified, pending, booked, confirmed, arrived) ─┴─► cancelled ────────────┤
    (booked, confirmed) ─► no_show ──────────────────────────────────────────────┘

``arrived``: the client is at the desk (checked in by staff, by scanning the wallet
pass's QR code, or by the client from the portal or the app within the check-in
window around the start, ``check_in_window``); the visit is about to start.

``unverified``: a visitor who booked without signing in holds the slot for a short
time until they confirm from the emailed link (the clinic's ``guest_verification``);
then it goes on as any client booking would (``pending_payment`` where payment is taken
when booking, else ``booked``), or it lapses and is cancelled by the system.

The services (``booking_api.services.bookings``) enforce the table and the roles; views
only decide what to offer. Nothing here touches the database, so models, selectors,
templates (through ``Booking`` properties) and other apps can all ask it.
"""

import datetime

from django.db import models
from django.utils.translation import gettext_lazy as _


class BookingStatus(models.TextChoices):
    UNVERIFIED = "unverified", _("Awaiting the client's confirmation")
    PENDING_PAYMENT = "pending_payment", _("Awaiting payment")
    BOOKED = "booked", _("Booked")
    CONFIRMED = "confirmed", _("Confirmed")
    ARRIVED = "arrived", _("Checked in")
    STARTED = "started", _("Started")
    COMPLETED = "completed", _("Completed")
    CANCELLED = "cancelled", _("Cancelled")
    REFUNDED = "refunded", _("Refunded")
    NO_SHOW = "no_show", _("No-show")


class Role(models.TextChoices):
    """Who triggers a move. Staff roles follow ``people.StaffRole`` (manager, staff →
    front desk, therapist); ``system`` is the platform itself (payments, hold expiry,
    imports, scheduled jobs)."""

    CLIENT = "client", _("Client")
    FRONT_DESK = "front_desk", _("Front desk")
    THERAPIST = "therapist", _("Therapist")
    MANAGER = "manager", _("Manager")
    SYSTEM = "system", _("System")


S = BookingStatus
STAFF = frozenset({Role.FRONT_DESK, Role.MANAGER})
CLINICAL = STAFF | {Role.THERAPIST}

# (from, to) → the roles that may make the move. Anything not listed is refused, naming
# the current status. Clients only ever cancel (under the policy, in booking_cancel);
# payment moves (paid → booked, all given back → refunded) are the system's.
TRANSITION_ROLES: dict[tuple[str, str], frozenset] = {
    (S.UNVERIFIED, S.PENDING_PAYMENT): frozenset({Role.SYSTEM}),
    (S.UNVERIFIED, S.BOOKED): frozenset({Role.SYSTEM}),
    (S.UNVERIFIED, S.CANCELLED): STAFF | {Role.CLIENT, Role.SYSTEM},
    (S.PENDING_PAYMENT, S.BOOKED): frozenset({Role.SYSTEM}),
    (S.PENDING_PAYMENT, S.CONFIRMED): STAFF | {Role.SYSTEM},
    (S.PENDING_PAYMENT, S.CANCELLED): STAFF | {Role.CLIENT, Role.SYSTEM},
    (S.BOOKED, S.CONFIRMED): STAFF | {Role.SYSTEM},
    (S.BOOKED, S.STARTED): CLINICAL | {Role.SYSTEM},
    (S.BOOKED, S.CANCELLED): STAFF | {Role.CLIENT, Role.SYSTEM},
    (S.BOOKED, S.NO_SHOW): CLINICAL | {Role.SYSTEM},
    (S.CONFIRMED, S.STARTED): CLINICAL | {Role.SYSTEM},
    # Checking in: anyone at the clinic, or the client themself (within the window).
    (S.BOOKED, S.ARRIVED): CLINICAL | {Role.CLIENT, Role.SYSTEM},
    (S.CONFIRMED, S.ARRIVED): CLINICAL | {Role.CLIENT, Role.SYSTEM},
    (S.ARRIVED, S.STARTED): CLINICAL | {Role.SYSTEM},
    # Once here, only the clinic cancels (the client talks to the desk); never a no-show.
    (S.ARRIVED, S.CANCELLED): STAFF | {Role.SYSTEM},
    (S.CONFIRMED, S.CANCELLED): STAFF | {Role.CLIENT, Role.SYSTEM},
    (S.CONFIRMED, S.NO_SHOW): CLINICAL | {Role.SYSTEM},
    (S.STARTED, S.COMPLETED): CLINICAL | {Role.SYSTEM},
    (S.COMPLETED, S.REFUNDED): STAFF | {Role.SYSTEM},
    (S.CANCELLED, S.REFUNDED): STAFF | {Role.SYSTEM},
    (S.NO_SHOW, S.REFUNDED): STAFF | {Role.SYSTEM},
}

# The same table by starting state (what the calendar offers, what the 409 checks).
TRANSITIONS: dict[str, set] = {status: set() for status in S}
for _from, _to in TRANSITION_ROLES:
    TRANSITIONS[_from].add(_to)


def can_move(from_status, to_status) -> bool:
    return to_status in TRANSITIONS.get(from_status, ())


def role_may_move(role, from_status, to_status) -> bool:
    return role in TRANSITION_ROLES.get((from_status, to_status), ())


# Nothing happens before its time: a person (not the system) may start or complete a
# visit from EARLY_START before its start (the client arrived early), and mark it a
# no-show only once its start has passed — otherwise the post-visit survey went out
# before the visit.
EARLY_START = datetime.timedelta(minutes=15)
# Checking in opens an hour before the start; the client's own check-in (portal, app,
# wallet pass) closes CHECK_IN_LATE after it — later, they see the desk.
CHECK_IN_EARLY = datetime.timedelta(minutes=60)
CHECK_IN_LATE = datetime.timedelta(minutes=30)
EARLIEST_BEFORE_START = {
    S.ARRIVED: CHECK_IN_EARLY,
    S.STARTED: EARLY_START,
    S.COMPLETED: EARLY_START,
    S.NO_SHOW: datetime.timedelta(0),
}


def earliest_move(to_status, start):
    """The first moment a person may move a booking starting at ``start`` to
    ``to_status`` (None: any time)."""
    before = EARLIEST_BEFORE_START.get(to_status)
    return None if before is None else start - before


def check_in_window(start):
    """When a client may check themself in to a booking starting at ``start``."""
    return start - CHECK_IN_EARLY, start + CHECK_IN_LATE


def client_may_check_in(status, start, now) -> bool:
    """What the portal and the app offer: "I'm here" on a booking that can become
    arrived, inside its window."""
    opens, closes = check_in_window(start)
    return can_move(status, S.ARRIVED) and opens <= now <= closes


# Moving a booking to another time is not a status change; therapists may not do it.
RESCHEDULE_ROLES = STAFF | {Role.CLIENT, Role.SYSTEM}


# --- named groups of states ------------------------------------------------------------

# Their time is taken: the availability engine and the PostgreSQL exclusion constraint
# (migration 0007, after 0002, spells the same list in SQL).
BLOCKING_STATUSES = (
    S.UNVERIFIED,
    S.PENDING_PAYMENT,
    S.BOOKED,
    S.CONFIRMED,
    S.ARRIVED,
    S.STARTED,
    S.COMPLETED,
    S.NO_SHOW,
)
# Still to come: listed as upcoming, may be moved, cancelled or given a card.
UPCOMING_STATUSES = (S.UNVERIFIED, S.PENDING_PAYMENT, S.BOOKED, S.CONFIRMED)
# Still ahead for the client (My bookings, the next visit): upcoming, or checked in and
# waiting — no longer movable or cancellable by them.
AHEAD_STATUSES = (*UPCOMING_STATUSES, S.ARRIVED)
# May be checked in (by staff, or by the client inside the window).
CHECK_IN_FROM_STATUSES = tuple(s for s in S if can_move(s, S.ARRIVED))
# Held until paid: no reminder or confirmation yet.
AWAITING_PAYMENT_STATUSES = (S.PENDING_PAYMENT,)
# Held for a short time, until the client confirms who they are or pays: nothing has
# been confirmed to anybody yet (no reminder, no confirmation, no fee to cancel), and
# the time runs out (``Booking.hold_expires_at``).
HELD_STATUSES = (S.UNVERIFIED, S.PENDING_PAYMENT)
# Confirmed to the client: reminders go out, confirmations are sent.
CONFIRMED_STATUSES = (S.BOOKED, S.CONFIRMED)
# Given up: hidden from the calendar and from the dashboard's counts.
CANCELLED_STATUSES = (S.CANCELLED, S.REFUNDED)
# A visit that went or is going ahead ("Book again", the balance may be charged).
VISIT_STATUSES = (S.BOOKED, S.CONFIRMED, S.ARRIVED, S.STARTED, S.COMPLETED)
# The client owes the price (the Balance tab).
OWING_STATUSES = (*VISIT_STATUSES, S.NO_SHOW)
# A refund of everything captured may mark these refunded.
REFUNDABLE_STATUSES = tuple(s for s in S if can_move(s, S.REFUNDED))
# What a clinic import may bring in (history included, never a payment hold).
IMPORTABLE_STATUSES = (
    S.BOOKED,
    S.CONFIRMED,
    S.ARRIVED,
    S.STARTED,
    S.COMPLETED,
    S.CANCELLED,
    S.NO_SHOW,
)


# --- the named events other apps hear (booking_api.signals) -----------------------------

# The signal sent after commit for each kind of change ("created", "rescheduled" or the
# new status).
EVENT_SIGNAL_NAMES = {
    "created": "booking_created",
    "rescheduled": "booking_rescheduled",
    S.BOOKED: "booking_confirmed",
    S.CONFIRMED: "booking_confirmed",
    S.ARRIVED: "booking_arrived",
    S.STARTED: "booking_started",
    S.COMPLETED: "booking_completed",
    S.CANCELLED: "booking_cancelled",
    S.NO_SHOW: "booking_no_show",
    S.REFUNDED: "booking_refunded",
}
