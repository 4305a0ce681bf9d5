"""Every move of a booking along its lifecycle, and the history other apps add to it.

The table of moves and who may make each is ``booking_api.lifecycle``; this module
enforces it. Whoever calls — the portal, the API, the staff calendar, the payments app,
a scheduled job — a booking is cancelled by ``booking_cancel`` and nothing else, and the
fee (and staff's chosen refund) it decides are stored as columns of its ``BookingEvent``.
After commit the side-effects task sends the named event (``booking_cancelled``, …,
``booking_api.signals``), which the payments app answers with the refund, once.
"""

import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from booking_api import lifecycle
from booking_api.errors import BookingErrorCode
from booking_api.lifecycle import BookingStatus, Role
from booking_api.models import Booking, BookingEvent
from booking_api.services.errors import BookingError
from booking_api.services.policy import cancellation_quote, initial_status, no_show_fee
from branding import clinic_time
from branding.errors import FeatureDisabledError, NotAllowedError
from branding.money import format_money
from branding.selectors import clinic_policy, feature_enabled
from people.models import AuditAction
from people.selectors import clinic_role_for_user
from people.services import audit_record

# A clinic membership's role → the role it plays in the lifecycle.
STAFF_ROLES = {"manager": Role.MANAGER, "staff": Role.FRONT_DESK, "therapist": Role.THERAPIST}

# History the payments app records on a booking (through ``booking_event_record``).
MONEY_EVENT_KINDS = frozenset(
    {
        "payment",
        "payment_declined",
        "payment_disputed",
        "card_saved",
        "card_declined",
        "refund",
        "refund_failed",
    }
)


def actor_role(booking, actor, *, by_client=False) -> str:
    """The role ``actor`` plays on ``booking``: the client (``by_client``, signed in or
    through a signed link), their staff role at the booking's clinic, or the system
    (no actor). Someone with no role at the clinic may not act for it."""
    if by_client:
        return Role.CLIENT
    if actor is None or not getattr(actor, "pk", None):
        return Role.SYSTEM
    role = clinic_role_for_user(booking.clinic, actor)
    if role not in STAFF_ROLES:
        raise NotAllowedError(
            _("Only the clinic's team can change this booking."),
            code=BookingErrorCode.NOT_CLINIC_STAFF,
        )
    return STAFF_ROLES[role]


def _check_time(booking, to_status, role, now):
    """A person may not check in, start, complete or no-show a visit before its time
    (``lifecycle.earliest_move``), nor a client check themself in after the window
    closes; the platform's own moves are not held to the clock."""
    if role == Role.SYSTEM:
        return
    now = now or timezone.now()
    if to_status == BookingStatus.ARRIVED and role == Role.CLIENT:
        closes = lifecycle.check_in_window(booking.start)[1]
        if now > closes:
            raise BookingError(
                _("Check-in online has closed for this appointment; please see reception."),
                field="status",
                code=BookingErrorCode.TOO_LATE,
            )
    earliest = lifecycle.earliest_move(to_status, booking.start)
    if earliest is None or now >= earliest:
        return
    with clinic_time.override(booking.clinic):
        when = clinic_time.format_datetime(booking.start)
        from_when = clinic_time.format_time(earliest)
    if to_status == BookingStatus.NO_SHOW:
        raise BookingError(
            _(
                "Too early: this appointment starts at %(when)s; it can be marked a no-show "
                "only after it has begun."
            )
            % {"when": when},
            field="status",
            code=BookingErrorCode.TOO_EARLY,
        )
    raise BookingError(
        _(
            "Too early: this appointment starts at %(when)s; it can be marked "
            "%(to_status)s from %(from)s."
        )
        % {"when": when, "to_status": BookingStatus(to_status).label.lower(), "from": from_when},
        field="status",
        code=BookingErrorCode.TOO_EARLY,
    )


def _check_move(booking, to_status, role, now=None):
    if booking.status == to_status:
        raise BookingError(
            _("This booking is already %(status)s.")
            % {"status": booking.get_status_display().lower()},
            field="status",
            code=BookingErrorCode.INVALID_TRANSITION,
        )
    if not lifecycle.can_move(booking.status, to_status):
        raise BookingError(
            _("This booking is %(status)s; it cannot become %(to_status)s.")
            % {
                "status": booking.get_status_display().lower(),
                "to_status": BookingStatus(to_status).label.lower(),
            },
            field="status",
            code=BookingErrorCode.INVALID_TRANSITION,
        )
    if not lifecycle.role_may_move(role, booking.status, to_status):
        raise NotAllowedError(
            _("A %(role)s cannot mark this booking %(to_status)s.")
            % {
                "role": Role(role).label.lower(),
                "to_status": BookingStatus(to_status).label.lower(),
            },
            code=BookingErrorCode.ROLE_NOT_ALLOWED,
            field="status",
        )
    _check_time(booking, to_status, role, now)


def event_add(booking, kind, *, actor=None, from_status="", to_status="", reason="", **columns):
    return BookingEvent.objects.create(
        booking=booking,
        kind=kind,
        actor=actor if getattr(actor, "pk", None) else None,
        from_status=from_status,
        to_status=to_status,
        reason=reason,
        **columns,
    )


def after_commit(booking, what, *, event=None, actor=None, **extra):
    """Side effects (messages, reminders, waitlist, the named event) run after the
    change is safely stored."""
    from booking_api import tasks

    extra = {
        **extra,
        "event_id": event.pk if event else None,
        "actor_id": actor.pk if getattr(actor, "pk", None) else None,
    }
    transaction.on_commit(lambda: tasks.queue_booking_changed(booking.pk, what, **extra))


def locked_booking(booking) -> Booking:
    return (
        Booking.objects.select_for_update()
        .select_related("clinic", "service", "client")
        .get(pk=booking.pk)
    )


def _move(
    booking, to_status, *, role, actor=None, reason="", data=None, now=None, **columns
) -> Booking:
    """The one place a status changes: check the table, the role and the clock, save,
    record the event with its money columns, and queue the side effects."""
    _check_move(booking, to_status, role, now)
    from_status = booking.status
    booking.status = to_status
    booking.save(update_fields=["status", "updated_at"])
    event = event_add(
        booking,
        "status",
        actor=actor,
        from_status=from_status,
        to_status=to_status,
        reason=reason,
        data=data or {},
        **columns,
    )
    after_commit(booking, to_status, event=event, actor=actor)
    return booking


@transaction.atomic
def booking_transition(
    *, booking, to_status, actor=None, reason="", data=None, role=None, now=None
) -> Booking:
    """Move a booking along its lifecycle; a move that is not allowed is a 409 naming the
    current status, a role that may not make it a 403, a start, completion or no-show
    before its time a 409 ``too_early``. Cancelling and no-shows go through their own
    services (the fee they decide), whoever asks."""
    booking = locked_booking(booking)
    role = role or actor_role(booking, actor)
    if to_status == BookingStatus.CANCELLED:
        return booking_cancel(
            booking=booking, actor=actor, by_client=False, reason=reason, data=data, role=role
        )
    if to_status == BookingStatus.NO_SHOW:
        return booking_mark_no_show(booking=booking, actor=actor, reason=reason, role=role, now=now)
    return _move(booking, to_status, role=role, actor=actor, reason=reason, data=data, now=now)


@transaction.atomic
def booking_cancel(
    *,
    booking,
    actor=None,
    by_client=True,
    reason="",
    now=None,
    refund_decided=None,
    data=None,
    role=None,
    waive_fee=False,
) -> Booking:
    """Cancel under the clinic's policy — the one way any door cancels. A client inside
    the window pays the quoted fee (the payments app charges or keeps it) or is asked to
    contact the clinic; staff may always cancel, and may choose the refund themselves
    (``refund_decided``, minor units; None: the policy's refund). The payments app
    refunds after commit, once, on ``booking_cancelled``. Staff may also waive the
    late-cancellation fee (``waive_fee``; recorded as a fee of 0 with the quote kept)."""
    booking = locked_booking(booking)
    role = role or actor_role(booking, actor, by_client=by_client)
    quote = cancellation_quote(booking, now=now)
    if role == Role.CLIENT:
        if not feature_enabled(booking.clinic, "self_cancel"):
            raise FeatureDisabledError(_("Online cancellation is turned off; please call us."))
        if not quote.allowed:
            raise NotAllowedError(quote.message, code=BookingErrorCode.CONTACT_CLINIC)
        if refund_decided is not None or waive_fee:
            raise NotAllowedError(
                _("Only the clinic can choose a refund."),
                field="refund",
                code=BookingErrorCode.ROLE_NOT_ALLOWED,
            )
    if refund_decided is not None and refund_decided < 0:
        raise BookingError(
            _("Give a refund amount of zero or more."),
            field="amount",
            code=BookingErrorCode.AMOUNT_INVALID,
        )
    return _move(
        booking,
        BookingStatus.CANCELLED,
        role=role,
        actor=actor,
        reason=reason,
        # The quote is kept as the record of what was shown; the fee is the column.
        data={
            "quote": quote.as_dict(),
            "by_client": role == Role.CLIENT,
            **({"fee_waived": quote.fee} if waive_fee and quote.fee else {}),
            # Inside the late-cancellation window (whatever it costs): prepaid cover
            # (a package session) is given back only for a cancellation in time.
            "late": (now or timezone.now()) >= quote.window_ends_at,
            **(data or {}),
        },
        # The system's cancel (a lapsed hold) never charges a fee, nor does giving up a
        # guest's hold that was never confirmed, nor a cancel whose fee staff waived.
        fee=0
        if waive_fee or role == Role.SYSTEM or booking.status == BookingStatus.UNVERIFIED
        else quote.fee,
        refund_decided=refund_decided,
    )


# How a check-in came about (kept on its event, shown in the history and the audit).
CHECK_IN_VIA = ("desk", "portal", "app", "wallet_pass")


@transaction.atomic
def booking_check_in(
    *, booking, actor=None, by_client=False, via="desk", now=None, request=None
) -> Booking:
    """The client is here: the booking becomes ``arrived``. Staff check a client in at
    the desk (or by scanning the wallet pass's QR code); the client checks themself in
    from the portal or the app inside the window around the start
    (``lifecycle.check_in_window``). Recorded on the booking's history with how, and on
    the client's audit trail, in the same transaction."""
    if via not in CHECK_IN_VIA:
        raise ValueError(f"Unknown check-in route: {via}")
    booking = locked_booking(booking)
    role = actor_role(booking, actor, by_client=by_client)
    from_status = booking.get_status_display()
    booking = _move(
        booking,
        BookingStatus.ARRIVED,
        role=role,
        actor=actor,
        reason=_check_in_reason(via),
        data={"via": via},
        now=now,
    )
    with clinic_time.override(booking.clinic):
        when = clinic_time.format_datetime(booking.start)
    audit_record(
        clinic=booking.clinic,
        actor=actor,
        action=AuditAction.CHANGE,
        client=booking.client,
        summary=f"{booking.service.name} on {when}: checked in ({via.replace('_', ' ')})",
        changes={"status": (from_status, booking.get_status_display())},
        request=request,
    )
    return booking


def _check_in_reason(via):
    return {
        "desk": "Checked in at the desk.",
        "portal": "The client checked in from the portal.",
        "app": "The client checked in from the app.",
        "wallet_pass": "Checked in by scanning the wallet pass.",
    }[via]


@transaction.atomic
def booking_mark_no_show(
    *, booking, actor=None, reason="", role=None, now=None, apply_fee=True, block=True
) -> Booking:
    """Staff mark a missed appointment, once its start has passed. The policy applies
    per case: its fee is recorded for payments to charge unless staff choose not to
    (``apply_fee``), and where the policy blocks online booking after a no-show the
    client is blocked unless staff choose not to (``block``). What was decided is on the
    event (``data``: the policy's fee, whether it and the block were applied)."""
    booking = locked_booking(booking)
    role = role or actor_role(booking, actor)
    policy_fee = no_show_fee(booking)
    fee = policy_fee if apply_fee else 0
    blocks = clinic_policy(booking.clinic).no_show_blocks_online_booking and block
    booking = _move(
        booking,
        BookingStatus.NO_SHOW,
        role=role,
        actor=actor,
        reason=reason,
        data={"fee": fee, "policy_fee": policy_fee, "blocked": blocks},
        fee=fee,
        now=now,
    )
    if blocks:
        client = booking.client
        client.online_booking_blocked = True
        client.save(update_fields=["online_booking_blocked"])
    return booking


@transaction.atomic
def booking_fee_waive(*, booking, actor, reason="", request=None) -> Booking:
    """Staff waive the fee a no-show (or late cancellation) decided: recorded as a
    ``fee_waived`` event after it, so nothing is due any more (``booking_fee``), and on
    the client's audit trail. Only the clinic's front desk."""
    from booking_api.selectors import booking_fee, booking_last_move

    booking = locked_booking(booking)
    role = actor_role(booking, actor)
    if role not in lifecycle.STAFF:
        raise NotAllowedError(
            _("Only the front desk or a manager can waive a fee."),
            code=BookingErrorCode.ROLE_NOT_ALLOWED,
        )
    if booking.status not in (BookingStatus.NO_SHOW, BookingStatus.CANCELLED):
        raise BookingError(
            _("There is no fee to waive on this booking."),
            field="fee",
            code=BookingErrorCode.INVALID_TRANSITION,
        )
    fee = booking_fee(booking, booking.status)
    if not fee:
        raise BookingError(
            _("There is no fee to waive on this booking."),
            field="fee",
            code=BookingErrorCode.INVALID_TRANSITION,
        )
    move = booking_last_move(booking, booking.status)
    event_add(
        booking,
        "fee_waived",
        actor=actor,
        reason=reason,
        data={"to_status": booking.status, "fee": fee, "event": move.pk},
    )
    audit_record(
        clinic=booking.clinic,
        actor=actor,
        action=AuditAction.CHANGE,
        client=booking.client,
        summary=f"Waived the {booking.get_status_display().lower()} fee on "
        f"{booking.service.name} ({reason or 'no reason given'})",
        changes={"fee": (fee, 0)},
        request=request,
    )
    return booking


@transaction.atomic
def booking_price_adjust(*, booking, price, actor, reason="", request=None) -> Booking:
    """A manager changes what the visit costs (at the desk's checkout: a longer
    treatment, a goodwill reduction): the new price in minor units, recorded as a
    ``price_adjusted`` event with the old and new price, and on the client's audit trail
    in the same transaction. Only a manager, with a reason (kept on the event and the
    audit entry); never below zero, never on a cancelled or refunded booking."""
    booking = locked_booking(booking)
    if actor_role(booking, actor) != Role.MANAGER:
        raise NotAllowedError(
            _("Only a manager can change the price of a visit."),
            code=BookingErrorCode.ROLE_NOT_ALLOWED,
        )
    reason = (reason or "").strip()
    if not reason:
        raise BookingError(
            _("Give a reason for changing the price."),
            field="reason",
            code=BookingErrorCode.PRICE_INVALID,
        )
    price = int(price)
    if price < 0:
        raise BookingError(
            _("The price cannot be below zero."),
            field="price",
            code=BookingErrorCode.PRICE_INVALID,
        )
    if booking.status not in lifecycle.OWING_STATUSES:
        raise BookingError(
            _("The price of a cancelled or refunded booking cannot change."),
            field="price",
            code=BookingErrorCode.PRICE_INVALID,
        )
    old = booking.price
    if old == price:
        return booking
    booking.price = price
    booking.save(update_fields=["price", "updated_at"])
    event_add(
        booking, "price_adjusted", actor=actor, reason=reason, data={"from": old, "to": price}
    )
    audit_record(
        clinic=booking.clinic,
        actor=actor,
        action=AuditAction.CHANGE,
        client=booking.client,
        summary=f"Changed the price of {booking.service.name} (booking {booking.pk}) from "
        f"{format_money(old, booking.currency)} to {format_money(price, booking.currency)} "
        f"({reason})",
        changes={"price": (old, price)},
        request=request,
    )
    return booking


@transaction.atomic
def booking_cover_at_desk(*, booking, ref, actor, request=None):
    """At the desk, a package session or a membership credit (``booking_api.coverage``,
    the provider's own lock) covers a visit booked without it: the session is taken,
    the price becomes 0 (the price it had kept on its ``covered`` event, as at booking),
    audited. The front desk or a manager; a visit covered already is refused. The caller
    checks no money was taken for the visit yet (booking_api does not read payments).
    Returns the ``covered`` event's data (``ref``, ``label``, ``price``)."""
    from booking_api.services.bookings import _cover

    booking = locked_booking(booking)
    if actor_role(booking, actor) not in lifecycle.STAFF:
        raise NotAllowedError(
            _("Only the front desk or a manager can cover a visit at the desk."),
            code=BookingErrorCode.ROLE_NOT_ALLOWED,
        )
    if (
        booking.status not in lifecycle.VISIT_STATUSES
        or booking.events.filter(kind="covered").exists()
    ):
        raise BookingError(
            _("This visit cannot be covered: it is covered already, or not going ahead."),
            field="package",
            code=BookingErrorCode.PACKAGE_UNUSABLE,
        )
    price = booking.price
    _cover(booking, ref, actor, price=price)
    booking.price = 0
    booking.deposit = 0
    booking.save(update_fields=["price", "deposit", "updated_at"])
    option = booking.events.filter(kind="covered").order_by("-pk").first()
    audit_record(
        clinic=booking.clinic,
        actor=actor,
        action=AuditAction.CHANGE,
        client=booking.client,
        summary=f"Covered {booking.service.name} (booking {booking.pk}, price "
        f"{format_money(price, booking.currency)}) with {option.data.get('label', ref)} "
        "at the desk",
        changes={"price": (price, 0)},
        request=request,
    )
    return option.data


# --- what the payments app asks for ------------------------------------------------------


@transaction.atomic
def booking_confirm_paid(*, booking, payment_id, amount, reason="Paid online.") -> Booking:
    """A booking held for payment is paid: it is booked (the system's move). Does
    nothing to a booking that is no longer held."""
    booking = locked_booking(booking)
    if booking.status != BookingStatus.PENDING_PAYMENT:
        return booking
    return _move(
        booking,
        BookingStatus.BOOKED,
        role=Role.SYSTEM,
        reason=reason,
        data={"payment": payment_id, "amount": amount},
    )


@transaction.atomic
def booking_verify_hold(*, booking_id, now=None) -> tuple[Booking, bool]:
    """The client confirmed an ``unverified`` booking (a guest's, from the link we
    emailed): it goes on as any client booking does — held for payment where the clinic
    takes it when booking, else booked — the system's move. Returns the booking and
    whether this call confirmed it (decided under the row lock): a second confirmation
    changes nothing (False); one after the hold ran out (released or not yet) is
    refused."""
    from django.utils import timezone

    now = now or timezone.now()
    booking = locked_booking(Booking(pk=booking_id))
    if booking.status != BookingStatus.UNVERIFIED:
        if booking.status in lifecycle.UPCOMING_STATUSES:
            return booking, False  # confirmed already
        raise _hold_expired()
    if booking.hold_expires_at is not None and booking.hold_expires_at <= now:
        raise _hold_expired()
    status, hold_minutes = initial_status(booking.clinic, booking.source)
    booking.hold_expires_at = (
        now + datetime.timedelta(minutes=hold_minutes)
        if status == BookingStatus.PENDING_PAYMENT
        else None
    )
    booking.save(update_fields=["hold_expires_at", "updated_at"])
    booking = _move(
        booking,
        status,
        role=Role.SYSTEM,
        reason="The client confirmed the booking from the emailed link.",
        data={"verified": True},
    )
    return booking, True


def booking_guest_pet_record(*, booking, name, species, note_line="") -> BookingEvent:
    """A guest booked under an existing account and named a pet that account does not
    have: the pet waits with the booking (a ``guest_pet`` event), nothing is written to
    the account until the address confirms the booking (then ``booking_pet_link``).
    ``note_line`` is the line that stands for it in the notes meanwhile."""
    return event_add(
        booking, "guest_pet", data={"name": name, "species": species, "note_line": note_line}
    )


@transaction.atomic
def booking_pet_link(*, booking_id, pet, note_line="") -> Booking:
    """Link the client's own ``pet`` to a booking that has none (a confirmed guest's
    pet), dropping from the notes the ``note_line`` that stood for it. A booking with a
    pet, or another client's pet, is left as it is."""
    booking = locked_booking(Booking(pk=booking_id))
    if booking.pet_id is not None or pet.owner_id != booking.client_id:
        return booking
    booking.pet = pet
    fields = ["pet", "updated_at"]
    if note_line and booking.client_notes.startswith(note_line):
        booking.client_notes = booking.client_notes[len(note_line) :].strip()
        fields.append("client_notes")
    booking.save(update_fields=fields)
    event_add(booking, "pet_linked", data={"pet": pet.pk})
    return booking


def _hold_expired():
    return BookingError(
        _(
            "Sorry, the time we held for you has run out and may have been taken. "
            "Please choose a time again."
        ),
        field="start",
        code=BookingErrorCode.HOLD_EXPIRED,
    )


@transaction.atomic
def booking_release_hold(*, booking_id, now=None) -> str:
    """A hold ran out — unpaid, or a guest's booking nobody confirmed: cancel the booking
    (the system's cancel, through ``booking_cancel``) so its slot is free. Returns what
    happened: "released", "held" (time left) or the booking's status when it is no
    longer held."""
    booking = Booking.objects.select_for_update().get(pk=booking_id)
    if booking.status not in lifecycle.HELD_STATUSES:
        return booking.status

    if booking.hold_expires_at is None or booking.hold_expires_at > (now or timezone.now()):
        return "held"
    unverified = booking.status == BookingStatus.UNVERIFIED
    booking_cancel(
        booking=booking,
        by_client=False,
        role=Role.SYSTEM,
        reason=(
            "Nobody confirmed the booking in time."
            if unverified
            else "The time held for payment ran out."
        ),
        data={"hold_expired": True, **({"unverified": True} if unverified else {})},
        now=now,
    )
    return "released"


def holds_release_unverified(*, now=None) -> dict:
    """The scheduled job: cancel every guest booking whose confirmation time ran out
    (payment holds are the payments app's job, which asks Stripe first)."""
    from django.utils import timezone

    now = now or timezone.now()
    ids = Booking.objects.filter(
        status=BookingStatus.UNVERIFIED, hold_expires_at__lte=now
    ).values_list("pk", flat=True)
    return {booking_id: booking_release_hold(booking_id=booking_id, now=now) for booking_id in ids}


@transaction.atomic
def booking_mark_refunded(*, booking_id, actor=None) -> Booking | None:
    """Everything captured went back: the booking is refunded — the system's move, decided
    by the money (``actor``, who gave the last of it back, is recorded). Does nothing to
    a booking that cannot be refunded (still upcoming, already refunded)."""
    booking = Booking.objects.select_for_update().select_related("clinic").get(pk=booking_id)
    if booking.status not in lifecycle.REFUNDABLE_STATUSES:
        return None
    return _move(booking, BookingStatus.REFUNDED, role=Role.SYSTEM, actor=actor, reason="Refunded.")


def booking_event_record(*, booking_id, kind, actor=None, data=None) -> BookingEvent:
    """Add a money fact (a payment, a refund, a declined card, a saved card) to the
    booking's history, on behalf of the payments app."""
    if kind not in MONEY_EVENT_KINDS:
        raise ValueError(f"Unknown booking history kind: {kind}")
    return BookingEvent.objects.create(
        booking_id=booking_id,
        kind=kind,
        actor=actor if getattr(actor, "pk", None) else None,
        data=data or {},
    )
