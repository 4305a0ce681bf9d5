"""Writes about feedback: inviting a client to rate a completed visit, their answer,
and staff marking it followed up."""

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from booking_api.models import Booking, BookingStatus
from branding.errors import ConflictError, DomainError
from branding.links import portal_reverse
from notifications.language import speaking_to
from notifications.services import Category, notify, preferences_for
from people.models import AuditAction
from people.services import audit_record
from records.errors import RecordsErrorCode
from records.feedback.tokens import survey_token
from records.models import Feedback
from records.signals import feedback_submitted

COMPLETED = BookingStatus.COMPLETED


class FeedbackError(DomainError):
    pass


def survey_url(booking) -> str:
    return portal_reverse(booking.clinic, "portal:feedback", survey_token(booking))


def survey_invite(*, booking_id) -> bool:
    """Send the post-visit survey for a completed booking once, if the client takes
    surveys from this clinic. Returns whether a survey went out (or had already)."""
    booking = (
        Booking.objects.select_related("clinic", "client__user", "service")
        .filter(pk=booking_id, status=COMPLETED)
        .first()
    )
    if booking is None or Feedback.objects.filter(booking_id=booking_id).exists():
        return False
    clinic, user = booking.clinic, booking.client.user
    if not preferences_for(clinic, user).wants("surveys"):
        return False
    link = survey_url(booking)
    with speaking_to(clinic, user):
        notify(
            clinic=clinic,
            user=user,
            kind="feedback.survey",
            category=Category.MESSAGE,
            title=_("How was your %(service)s?") % {"service": booking.service.name},
            body=_(
                "Hello %(name)s,\n\nthank you for visiting %(clinic)s. How was your "
                "%(service)s? Tell us in two taps (rating and an optional comment):\n\n%(link)s"
            )
            % {
                "name": user.get_short_name(),
                "clinic": clinic.name,
                "service": booking.service.name,
                "link": link,
            },
            url=link,
            idempotency_key=f"survey-{booking.pk}",
        )
    return True


@transaction.atomic
def feedback_submit(*, clinic, booking_id, rating, comment="") -> Feedback:
    """The client's answer to the survey for one completed booking; once per booking."""
    booking = Booking.objects.filter(clinic=clinic, pk=booking_id).first()
    if booking is None or booking.status != COMPLETED:
        raise FeedbackError(
            _("This visit cannot be rated."),
            field="booking",
            code=RecordsErrorCode.VISIT_NOT_RATEABLE,
        )
    try:
        rating = int(rating)
    except (TypeError, ValueError):
        rating = 0
    if not 1 <= rating <= 5:
        raise FeedbackError(
            _("Choose a rating from 1 to 5."), field="rating", code=RecordsErrorCode.RATING_INVALID
        )
    comment = (comment or "").strip()
    if len(comment) > 2000:
        raise FeedbackError(
            _("Please keep the comment under 2,000 characters."),
            field="comment",
            code=RecordsErrorCode.TOO_LONG,
        )
    try:
        with transaction.atomic():  # a savepoint: a second answer hits the unique key
            feedback = Feedback.objects.create(
                clinic=clinic,
                client_id=booking.client_id,
                booking=booking,
                rating=rating,
                comment=comment,
            )
    except IntegrityError as exc:
        raise ConflictError(
            _("Thank you, this visit has already been rated."),
            field="booking",
            code=RecordsErrorCode.ALREADY_RATED,
        ) from exc
    transaction.on_commit(lambda: feedback_submitted.send(sender=Feedback, feedback=feedback))
    return feedback


@transaction.atomic
def feedback_mark_followed_up(*, clinic, feedback, actor, request=None) -> Feedback:
    if feedback.clinic_id != clinic.pk:
        raise FeedbackError(
            _("That feedback belongs to another clinic."),
            field="feedback",
            code=RecordsErrorCode.OTHER_CLINIC,
        )
    if feedback.followed_up_at is None:
        feedback.followed_up_at = timezone.now()
        feedback.followed_up_by = actor
        feedback.save(update_fields=["followed_up_at", "followed_up_by"])
        audit_record(
            clinic=clinic,
            actor=actor,
            action=AuditAction.CHANGE,
            client=feedback.client,
            summary=f"Followed up feedback {feedback.rating}/5 on booking {feedback.booking_id}",
            changes={"followed_up_at": [None, feedback.followed_up_at]},
            request=request,
        )
    return feedback
