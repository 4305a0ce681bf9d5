"""The post-visit survey: sent once after a completed visit to clients who take
surveys, answered once per booking through a signed link without signing in."""

import datetime
import re

import pytest
from django.core import mail
from django.utils import timezone

from booking_api.models import BookingStatus
from booking_api.services import booking_transition
from notifications.models import Notification
from notifications.services import preferences_update
from people.models import AuditEntry
from records.feedback.selectors import client_average_rating
from records.feedback.tokens import survey_token
from records.models import Feedback
from tests.factories.booking import ServiceFactory, StaffFactory
from tests.factories.clients import ClientAccountFactory, MembershipFactory
from tests.fixtures.booking import add_booking
from tests.fixtures.clinics import host_client

pytestmark = pytest.mark.django_db


@pytest.fixture
def visit(clinic, patient):
    service = ServiceFactory(clinic=clinic, key="facial", name="Facial")
    staff = StaffFactory(clinic=clinic, key="emma", display_name="Emma", services=[service])
    start = timezone.now() - datetime.timedelta(hours=2)
    return add_booking(clinic, patient, service, staff, start, status=BookingStatus.STARTED)


def complete(booking, capture):
    with capture(execute=True):
        return booking_transition(booking=booking, to_status=BookingStatus.COMPLETED)


def survey_mails(user):
    return [m for m in mail.outbox if m.to == [user.email] and "How was your" in m.subject]


def test_a_completed_visit_sends_one_survey_whose_link_takes_one_answer(
    clinic, patient, visit, django_capture_on_commit_callbacks
):
    complete(visit, django_capture_on_commit_callbacks)
    assert len(survey_mails(patient.user)) == 1
    # The side-effects task may run again: still one survey.
    from booking_api import tasks

    with django_capture_on_commit_callbacks(execute=True):
        tasks.booking_changed(visit.pk, "completed")
    assert Notification.objects.filter(kind="feedback.survey").count() == 1
    assert len(survey_mails(patient.user)) == 1
    path = re.search(
        r"https://glow\.localhost(/feedback/\S+/)", survey_mails(patient.user)[0].body
    )[1]
    anonymous = host_client(clinic)
    assert anonymous.get(path).status_code == 200
    response = anonymous.post(path, {"rating": "4", "comment": "Lovely, a bit rushed."})
    assert response.status_code == 200 and "Thank you" in response.content.decode()
    again = anonymous.post(path, {"rating": "1", "comment": "Changed my mind"})
    assert "Thank you" in again.content.decode()
    feedback = Feedback.objects.get()
    assert (feedback.rating, feedback.comment, feedback.client) == (
        4,
        "Lovely, a bit rushed.",
        patient,
    )
    assert client_average_rating(clinic, patient) == (4.0, 1)


def test_no_survey_for_clients_who_opted_out(
    clinic, patient, visit, django_capture_on_commit_callbacks
):
    preferences_update(clinic=clinic, user=patient.user, surveys=False)
    complete(visit, django_capture_on_commit_callbacks)
    assert survey_mails(patient.user) == []


def test_no_survey_for_clients_unsubscribed_from_all(
    clinic, patient, visit, django_capture_on_commit_callbacks
):
    preferences_update(clinic=clinic, user=patient.user, unsubscribed_all=True)
    complete(visit, django_capture_on_commit_callbacks)
    assert survey_mails(patient.user) == []


def test_a_bad_rating_is_named_and_a_forged_or_foreign_token_is_refused(
    clinic, other_clinic, patient, visit
):
    visit.status = BookingStatus.COMPLETED
    visit.save(update_fields=["status"])
    path = f"/feedback/{survey_token(visit)}/"
    response = host_client(clinic).post(path, {"rating": "9"})
    assert response.status_code == 200 and response.context["form"].errors["rating"]
    assert not Feedback.objects.exists()
    assert host_client(clinic).get(path[:-3] + "xx/").status_code == 404
    assert host_client(other_clinic).get(path).status_code == 404


def test_a_visit_that_is_not_completed_cannot_be_rated(clinic, visit):
    response = host_client(clinic).post(f"/feedback/{survey_token(visit)}/", {"rating": "5"})
    assert response.status_code == 404 and not Feedback.objects.exists()


def test_average_rating_is_per_client_and_clinic(clinic, patient, visit):
    other = ClientAccountFactory(clinic=clinic)
    visit.status = BookingStatus.COMPLETED
    visit.save(update_fields=["status"])
    Feedback.objects.create(clinic=clinic, client=patient, booking=visit, rating=5)
    assert client_average_rating(clinic, patient) == (5.0, 1)
    assert client_average_rating(clinic, other) == (None, 0)


def test_staff_follow_up_feedback_and_other_clinics_cannot(clinic, other_clinic, patient, visit):
    visit.status = BookingStatus.COMPLETED
    visit.save(update_fields=["status"])
    feedback = Feedback.objects.create(
        clinic=clinic, client=patient, booking=visit, rating=2, comment="Cold room"
    )
    staff = MembershipFactory(clinic=clinic, role="staff").user
    admin = host_client(clinic)
    admin.force_login(staff)
    page = admin.get("/admin/clinic/feedback/").content.decode()
    assert "Cold room" in page and f'data-feedback="{feedback.pk}"' in page
    elsewhere = host_client(other_clinic)
    elsewhere.force_login(MembershipFactory(clinic=other_clinic, role="manager").user)
    assert "Cold room" not in elsewhere.get("/admin/clinic/feedback/").content.decode()
    assert elsewhere.post(f"/admin/clinic/feedback/{feedback.pk}/follow-up/").status_code == 404
    assert admin.post(f"/admin/clinic/feedback/{feedback.pk}/follow-up/").status_code == 302
    feedback.refresh_from_db()
    assert feedback.followed_up_at and feedback.followed_up_by == staff
    assert AuditEntry.objects.filter(client=patient, action="change").count() == 1
    assert "Cold room" not in admin.get("/admin/clinic/feedback/").content.decode()
    assert "Cold room" in admin.get("/admin/clinic/feedback/?show=all").content.decode()
