"""Payment links (``payments.pay_links``): staff ask the patient to pay what the clinic is
owed on a booking — its balance, or a no-show or late-cancellation fee when there is no
card on file — by a link sent by email and/or SMS, paid on the patient's phone.

- ``pay_link_create``: checks the amount against what is due (``cards.charge_due``),
  records the link and its audit entry in one transaction, and sends it;
- ``pay_link_start``: the page's PaymentIntent (its ``Payment`` row keyed
  ``paylink-<public id>``, made once), on the clinic's Stripe account;
- ``pay_link_confirm`` / ``pay_link_refresh``: a test card on the local server, or the
  return from Stripe.js; success reaches the link through ``payment_apply_intent``
  (as does the webhook), which marks it paid, once;
- ``pay_link_cancel``: staff close an unpaid link (its intent cancelled at Stripe).
"""

import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from booking_api.models import Booking
from branding import clinic_time
from branding.money import format_money
from notifications.language import speaking_to
from notifications.services import Category, Channel, channels_accepted, notify
from payments import cards
from payments.charges import (
    charge_confirm,
    charge_intent_create,
    charge_intent_retrieve,
    charge_test_authenticate,
)
from payments.errors import PaymentError, PaymentErrorCode
from payments.models import Payment, PaymentKind, PaymentLink, PaymentLinkStatus, PaymentStatus
from payments.pay_links import link_state, pay_link_url
from payments.services.checkout import payment_refresh
from payments.services.holds import payment_intent_cancel
from payments.services.intents import payment_apply_intent
from payments.stripe_api import require_payments
from people.models import AuditAction
from people.services import audit_record

PURPOSE = "payment_link"
LINK_KINDS = (PaymentKind.BALANCE, PaymentKind.NO_SHOW_FEE, PaymentKind.LATE_CANCEL_FEE)
SEND_CHANNELS = (Channel.EMAIL, Channel.SMS)
DEFAULT_DAYS = 7
MAX_DAYS = 30
# SMS goes as a transactional text the client may turn off (their reminder texts);
# the email is an account message, always sent to an address the client has.
SMS_CATEGORY = Category.REMINDER


def _send_check(booking, send_by):
    user, phone = booking.client.user, booking.client.phone
    for channel in send_by:
        if channel not in SEND_CHANNELS:
            raise PaymentError(
                _("Choose email and/or SMS."),
                field="send_by",
                code=PaymentErrorCode.LINK_CHANNEL,
            )
    if Channel.EMAIL in send_by and not user.email:
        raise PaymentError(
            _("This client has no email address: send the link by SMS."),
            field="send_by",
            code=PaymentErrorCode.LINK_CHANNEL,
        )
    if Channel.SMS in send_by and Channel.SMS not in channels_accepted(
        clinic=booking.clinic, user=user, category=SMS_CATEGORY, phone=phone
    ):
        raise PaymentError(
            _("This client cannot be texted (no mobile number, or texts turned off)."),
            field="send_by",
            code=PaymentErrorCode.LINK_CHANNEL,
        )


def pay_link_create(
    *,
    booking,
    kind,
    actor,
    amount=None,
    reason="",
    days=DEFAULT_DAYS,
    send_by=(Channel.EMAIL,),
    request=None,
    now=None,
) -> PaymentLink:
    """A payment link for ``kind`` on the booking, for ``amount`` (minor units; default
    what is due, never more), valid ``days`` days, sent by ``send_by``. One open link per
    booking and kind. Nothing is written if any of it is refused."""
    if kind not in LINK_KINDS:
        raise PaymentError(
            _("Choose a balance, late-cancellation or no-show charge."),
            field="kind",
            code=PaymentErrorCode.CHARGE_INVALID,
        )
    send_by = list(dict.fromkeys(send_by or ()))
    days = int(days or DEFAULT_DAYS)
    if not 1 <= days <= MAX_DAYS:
        raise PaymentError(
            _("A link can be valid for 1 to %(most)s days.") % {"most": MAX_DAYS},
            field="days",
            code=PaymentErrorCode.PAYMENT_INVALID,
        )
    require_payments(booking.clinic)  # before anything is written
    now = now or timezone.now()
    with transaction.atomic():
        booking = (
            Booking.objects.select_for_update(of=("self",))
            .select_related("clinic__site", "client__user", "service")
            .get(pk=booking.pk)
        )
        if booking.status not in cards.ALLOWED_STATUSES[kind]:
            raise PaymentError(
                _("A %(charge)s cannot be asked for on a booking that is %(status)s.")
                % {
                    "charge": PaymentKind(kind).label.lower(),
                    "status": booking.get_status_display().lower(),
                },
                field="kind",
                code=PaymentErrorCode.BOOKING_NOT_CHARGEABLE,
            )
        due = cards.charge_due(booking, kind)
        amount = due if amount is None else int(amount)
        if amount <= 0:
            raise PaymentError(
                _("Nothing is due: give an amount greater than zero."),
                field="amount",
                code=PaymentErrorCode.AMOUNT_INVALID,
            )
        if amount > due:
            raise PaymentError(
                _("At most %(amount)s can be asked for.")
                % {"amount": format_money(due, booking.currency)},
                field="amount",
                code=PaymentErrorCode.AMOUNT_INVALID,
            )
        if PaymentLink.objects.filter(
            booking=booking, kind=kind, status=PaymentLinkStatus.OPEN, expires_at__gt=now
        ).exists():
            raise PaymentError(
                _("A payment link for this is already waiting to be paid: cancel it first."),
                field="kind",
                code=PaymentErrorCode.LINK_OPEN,
            )
        _send_check(booking, send_by)
        link = PaymentLink.objects.create(
            clinic=booking.clinic,
            booking=booking,
            kind=kind,
            amount=amount,
            currency=booking.currency,
            reason=(reason or "").strip()[:200],
            expires_at=now + datetime.timedelta(days=days),
            sent_by=send_by,
            created_by=actor,
        )
        audit_record(
            clinic=booking.clinic,
            actor=actor,
            action=AuditAction.CHANGE,
            client=booking.client,
            summary=f"Sent a payment link for the {link.get_kind_display().lower()} of "
            f"{format_money(amount, booking.currency)} on booking {booking.pk} "
            f"(link {link.pk}, by {', '.join(send_by) or 'no message'})",
            request=request,
        )
        _send(link, send_by)
    return link


def _send(link, send_by):
    booking, clinic = link.booking, link.clinic
    url = pay_link_url(link)
    with speaking_to(clinic, booking.client.user):
        values = {
            "name": booking.client.user.first_name or booking.client.name,
            "clinic": clinic.name,
            "amount": format_money(link.amount, link.currency),
            "what": link.reason or link.get_kind_display(),
            "service": booking.service.name,
            "until": clinic_time.format_datetime(link.expires_at, "weekday"),
        }
        title = _("%(clinic)s: payment request") % values
        body = (
            _(
                "Hello %(name)s, %(clinic)s asks you to pay %(amount)s for %(what)s "
                "(%(service)s). Pay securely on your phone:"
            )
            % values
            + f"\n{url}\n"
            + _("The link works until %(until)s.") % values
        )
    for channel, category in ((Channel.EMAIL, Category.ACCOUNT), (Channel.SMS, SMS_CATEGORY)):
        if channel in send_by:
            notify(
                clinic=clinic,
                user=booking.client.user,
                kind="payment.link",
                category=category,
                title=title,
                body=body,
                url=url,
                channels=[channel],
                phone=booking.client.phone,
                object_id=booking.pk,
                idempotency_key=f"paylink-{link.pk}-{channel}",
            )


def _require_open(link):
    state = link_state(link)
    if state == "paid":
        raise PaymentError(
            _("This payment link has already been paid. Thank you."),
            field="token",
            status=410,
            code=PaymentErrorCode.LINK_CLOSED,
        )
    if state == "cancelled":
        raise PaymentError(
            _("This payment link was cancelled by the clinic."),
            field="token",
            status=410,
            code=PaymentErrorCode.LINK_CLOSED,
        )
    if state == "expired":
        raise PaymentError(
            _("This payment link has expired. Please ask the clinic for a new one."),
            field="token",
            status=410,
            code=PaymentErrorCode.LINK_CLOSED,
        )


def pay_link_start(*, link) -> Payment:
    """The link's payment and its PaymentIntent, made once (the same on every visit).
    The returned payment carries ``client_secret`` for Stripe.js. Refused when the link
    is closed or nothing is owed any more (paid another way)."""
    link = PaymentLink.objects.select_related("clinic", "booking", "payment").get(pk=link.pk)
    _require_open(link)
    if cards.charge_due(link.booking, link.kind) < link.amount:
        # Paid another way meanwhile (the card on file, another link): nothing to take.
        raise PaymentError(
            _("Nothing more is owed for this. Please contact the clinic if unsure."),
            field="token",
            status=410,
            code=PaymentErrorCode.LINK_CLOSED,
        )
    require_payments(link.clinic)
    with transaction.atomic():
        link = PaymentLink.objects.select_for_update().get(pk=link.pk)
        payment, _created = Payment.objects.get_or_create(
            idempotency_key=f"paylink-{link.public_id}",
            defaults={
                "clinic": link.clinic,
                "booking": link.booking,
                "kind": link.kind,
                "amount": link.amount,
                "currency": link.currency,
                "actor": link.created_by,
            },
        )
        if link.payment_id != payment.pk:
            link.payment = payment
            link.save(update_fields=["payment"])
    if payment.stripe_payment_intent_id:
        intent = charge_intent_retrieve(
            clinic=link.clinic, intent_id=payment.stripe_payment_intent_id
        )
    else:
        intent = charge_intent_create(
            clinic=link.clinic,
            purpose=PURPOSE,
            key=payment.idempotency_key,
            amount=payment.amount,
            currency=payment.currency,
            metadata=_metadata(link, payment),
        )
        Payment.objects.filter(pk=payment.pk, stripe_payment_intent_id="").update(
            stripe_payment_intent_id=intent.id
        )
        payment.refresh_from_db()
    payment.client_secret = intent.client_secret
    return payment


def _metadata(link, payment):
    return {
        "booking_id": link.booking_id,
        "payment_id": payment.pk,
        "payment_link": link.pk,
        "clinic": link.clinic.slug,
        "kind": link.kind,
    }


def pay_link_confirm(*, link, payment_method) -> Payment:
    """Pay with ``payment_method`` confirmed on the server (a test card against the
    local test server). A decline raises ``CardDeclinedError``; the next card gets a
    fresh attempt."""
    payment = pay_link_start(link=link)
    if payment.status == PaymentStatus.SUCCEEDED:
        return payment
    with transaction.atomic():
        payment = Payment.objects.select_for_update().get(pk=payment.pk)
        payment.confirm_attempts += 1
        payment.save(update_fields=["confirm_attempts", "updated_at"])
    intent = charge_confirm(
        clinic=link.clinic,
        intent_id=payment.stripe_payment_intent_id,
        payment_method=payment_method,
        client=link.booking.client,
        key=payment.idempotency_key,
        attempt=payment.confirm_attempts,
        purpose=PURPOSE,
        metadata=_metadata(link, payment),
    )
    if intent.id != payment.stripe_payment_intent_id:
        Payment.objects.filter(pk=payment.pk).update(stripe_payment_intent_id=intent.id)
    return payment_apply_intent(payment_id=payment.pk, intent=intent)


def pay_link_test_authenticate(*, link, success) -> Payment:
    """The 3-D Secure step of a test card on the link's payment (local test server only):
    completed, the link is paid; failed, the next card gets a fresh attempt."""
    payment = pay_link_start(link=link)
    if payment.status != PaymentStatus.REQUIRES_ACTION:
        return payment
    intent = charge_test_authenticate(
        clinic=link.clinic, intent_id=payment.stripe_payment_intent_id, success=success
    )
    return payment_apply_intent(payment_id=payment.pk, intent=intent)


def pay_link_refresh(*, link) -> PaymentLink:
    """Read the link's intent again from Stripe (the return from Stripe.js: the webhook
    may not have arrived yet) and apply it."""
    link = PaymentLink.objects.select_related("payment__clinic").get(pk=link.pk)
    if link.payment is not None:
        payment_refresh(payment=link.payment)
        link.refresh_from_db()
    return link


def pay_link_cancel(*, link, actor, request=None) -> PaymentLink:
    """Staff close an unpaid link: the page then says so and charges nothing. Audited."""
    with transaction.atomic():
        link = (
            PaymentLink.objects.select_for_update(of=("self",))
            .select_related("booking__client", "payment")
            .get(pk=link.pk)
        )
        if link.status == PaymentLinkStatus.PAID:
            raise PaymentError(
                _("This link has already been paid: refund the payment instead."),
                field="link",
                code=PaymentErrorCode.LINK_CLOSED,
            )
        if link.status == PaymentLinkStatus.CANCELLED:
            return link
        link.status = PaymentLinkStatus.CANCELLED
        link.cancelled_at = timezone.now()
        link.cancelled_by = actor
        link.save(update_fields=["status", "cancelled_at", "cancelled_by"])
        audit_record(
            clinic=link.clinic,
            actor=actor,
            action=AuditAction.CHANGE,
            client=link.booking.client,
            summary=f"Cancelled payment link {link.pk} on booking {link.booking_id}",
            request=request,
        )
    payment = link.payment
    if payment is not None and payment.stripe_payment_intent_id:
        payment_intent_cancel(payment=payment)
    return link
