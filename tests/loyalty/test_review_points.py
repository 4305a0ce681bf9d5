"""The programme's "per review" earn rule: a client who answers the post-visit survey
earns the review points once for that answer."""

import datetime

import pytest
from django.utils import timezone

from booking_api.models import BookingStatus
from loyalty import tasks
from loyalty.selectors import balance
from loyalty.services import programme_upsert
from records.feedback.services import feedback_submit
from records.models import Feedback
from tests.factories.booking import ServiceFactory, StaffFactory
from tests.fixtures.booking import add_booking

pytestmark = pytest.mark.django_db


@pytest.fixture
def completed_visit(clinic, patient):
    service = ServiceFactory(clinic=clinic, key="facial", name="Facial")
    staff = StaffFactory(clinic=clinic, key="emma", display_name="Emma", services=[service])
    start = timezone.now() - datetime.timedelta(days=1)
    return add_booking(clinic, patient, service, staff, start, status=BookingStatus.COMPLETED)


def test_a_survey_answer_earns_the_review_points_once(
    clinic, patient, completed_visit, django_capture_on_commit_callbacks
):
    programme_upsert(clinic=clinic, unit_name="points", per_review=25)
    with django_capture_on_commit_callbacks(execute=True):
        feedback_submit(clinic=clinic, booking_id=completed_visit.pk, rating=5, comment="Great")
    assert balance(clinic, patient) == 25
    # The task may run again (a worker died): still once.
    tasks.review_submitted(Feedback.objects.get(booking=completed_visit).pk)
    assert balance(clinic, patient) == 25


def test_no_review_points_when_the_programme_gives_none(
    clinic, patient, completed_visit, django_capture_on_commit_callbacks
):
    programme_upsert(clinic=clinic, unit_name="points", per_review=0)
    with django_capture_on_commit_callbacks(execute=True):
        feedback_submit(clinic=clinic, booking_id=completed_visit.pk, rating=3)
    assert balance(clinic, patient) == 0
