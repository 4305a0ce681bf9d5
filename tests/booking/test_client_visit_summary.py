"""The client account's header figures — completed visits, the last and the next
visits — and the Overview's next few visits come from one summary in two
queries whatever the client's history (issue 12, "Speed")."""

import pytest

from booking_api.client_selectors import client_visit_summary
from booking_api.models import BookingStatus
from tests.records.test_client_overview import book

pytestmark = pytest.mark.django_db


def test_the_summary_counts_completed_visits_and_finds_the_last_and_next(
    clinic, patient, other_clinic, django_assert_num_queries
):
    for days in range(1, 31):
        book(clinic, patient, days=-days, status=BookingStatus.COMPLETED, price=1000 + days)
    book(clinic, patient, days=-40, status=BookingStatus.CANCELLED, price=9999)
    book(clinic, patient, days=-41, status=BookingStatus.NO_SHOW, price=9999)
    later = book(clinic, patient, days=9)
    soonest = book(clinic, patient, days=2)
    second = book(clinic, patient, days=5, status=BookingStatus.CONFIRMED)
    book(clinic, patient, days=3, status=BookingStatus.CANCELLED)

    with django_assert_num_queries(2):
        summary = client_visit_summary(clinic, patient, upcoming=3)
        # service, staff (and the next visits' pets) come with them
        names = [summary.last.service.name, summary.last.staff.display_name]
        names += [b.service.name for b in summary.upcoming] + [str(b.pet) for b in summary.upcoming]
    assert summary.visits == 30
    assert summary.last.service.name == "Facial -1" and names[1] == "Tess"
    assert summary.next == soonest
    assert summary.upcoming == [soonest, second, later]
    assert client_visit_summary(clinic, patient).upcoming == [soonest]


def test_a_client_without_visits_has_an_empty_summary(clinic, patient, other_clinic):
    book(clinic, patient, days=-3, status=BookingStatus.CANCELLED)
    summary = client_visit_summary(clinic, patient, upcoming=3)
    assert (summary.visits, summary.last, summary.next, summary.upcoming) == (0, None, None, [])
    book(clinic, patient, days=-2, status=BookingStatus.COMPLETED, price=4500)
    assert client_visit_summary(other_clinic, patient).visits == 0
    assert client_visit_summary(clinic, patient).visits == 1
