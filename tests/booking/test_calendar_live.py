"""The calendar's live-update version: changes when a booking in range is made, moved
or cancelled by someone else, and not for another clinic's bookings."""

import datetime

import pytest

from booking_api.calendar_selectors import calendar_version
from booking_api.services import booking_create, booking_reschedule
from booking_api.services.transitions import booking_cancel
from tests.factories.booking import ServiceFactory, StaffFactory
from tests.factories.clients import ClientAccountFactory
from tests.fixtures.booking import MONDAY, at

pytestmark = pytest.mark.django_db


def book(clinic, client, service, staff, start):
    return booking_create(
        clinic=clinic, client=client, service=service, start=start, staff=staff, source="staff"
    )


def version(clinic):
    return calendar_version(clinic, first_day=MONDAY, days=7)


def test_version_changes_on_book_move_and_cancel(
    open_policy, patient, service, emma, django_assert_num_queries
):
    empty = version(open_policy)
    booking = book(open_policy, patient, service, emma, at(MONDAY, "10:00"))
    booked = version(open_policy)
    assert booked != empty

    booking_reschedule(booking=booking, start=at(MONDAY, "11:00"), by_client=False)
    moved = version(open_policy)
    assert moved != booked

    booking.refresh_from_db()
    booking_cancel(booking=booking, by_client=False)
    cancelled = version(open_policy)
    assert cancelled != moved

    with django_assert_num_queries(1):
        version(open_policy)


def test_another_clinics_booking_does_not_change_it(open_policy, other_clinic):
    from branding.services import policy_update

    before = version(open_policy)
    policy_update(clinic=other_clinic, min_notice_minutes=0, max_advance_days=730)
    service = ServiceFactory(clinic=other_clinic, name="Check-up")
    vet = StaffFactory(clinic=other_clinic, services=[service])
    client = ClientAccountFactory(clinic=other_clinic)
    book(other_clinic, client, service, vet, at(MONDAY, "10:00") + datetime.timedelta(hours=5))
    assert version(open_policy) == before


def test_the_version_endpoint_is_clinic_scoped_json(clinic, staff_user, other_clinic):
    from django.test import Client
    from django.urls import reverse

    client = Client(HTTP_HOST=clinic.site.hostname)
    client.force_login(staff_user)
    url = reverse("booking_calendar:version") + f"?view=week&date={MONDAY.isoformat()}"
    response = client.get(url)
    assert response.status_code == 200
    assert response.json()["version"] == calendar_version(clinic, first_day=MONDAY, days=7)

    anonymous = Client(HTTP_HOST=clinic.site.hostname).get(url)
    assert anonymous.status_code in (302, 403)


def test_the_calendar_page_names_the_version_url_for_its_script(clinic, staff_user):
    from django.test import Client
    from django.urls import reverse

    client = Client(HTTP_HOST=clinic.site.hostname)
    client.force_login(staff_user)
    html = client.get(reverse("booking_calendar:calendar")).content.decode()
    assert f'data-version-url="{reverse("booking_calendar:version")}"' in html


def test_the_live_refresh_adds_no_audit_entry_opening_the_calendar_does(clinic, staff_user):
    from django.test import Client
    from django.urls import reverse

    from people.models import AuditEntry

    client = Client(HTTP_HOST=clinic.site.hostname)
    client.force_login(staff_user)
    url = reverse("booking_calendar:calendar")
    before = AuditEntry.objects.count()
    client.get(url)
    assert AuditEntry.objects.count() == before + 1
    refreshed = client.get(url, headers={"X-Calendar-Refresh": "1"})
    assert refreshed.status_code == 200 and "data-calendar" in refreshed.content.decode()
    assert AuditEntry.objects.count() == before + 1
