"""A member-only booking window (issue 16): a membership plan may let its members book
further ahead than the clinic's usual limit. Members see and book those days (API and
portal); everyone else is still held to the clinic's limit, and a member whose
membership is paused is too."""

import datetime

import pytest
from django.utils import timezone

from booking_api.models import Booking
from branding.services import policy_update
from commerce.models import Membership, MembershipStatus
from tests.factories.clients import ClientAccountFactory
from tests.fixtures.clinics import host_client

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("stripe_at_localstripe")]


@pytest.fixture
def windowed(clinic, member_plan, emma):
    """The clinic books 30 days ahead; Glow club members 90."""
    policy_update(clinic=clinic, min_notice_minutes=0, max_advance_days=30)
    member_plan.booking_window_days = 90
    member_plan.save()
    return member_plan


def monday_about(days):
    day = timezone.localdate() + datetime.timedelta(days=days)
    return day + datetime.timedelta(days=(7 - day.weekday()) % 7)


def free_starts(api, day):
    answer = api.get("/api/v1/availability", {"service": "consult", "from": day, "to": day}).json()
    return [slot["start"] for slot in answer["slots"]]


def test_members_see_and_book_days_beyond_the_clinics_limit(
    clinic, patient, windowed, member, patient_api
):
    assert Membership.objects.get(pk=member.pk).booking_window_days == 90  # copied at joining
    far = monday_about(60)
    starts = free_starts(patient_api, far)
    assert starts, "a member sees the day 60 days ahead"
    booked = patient_api.post("/api/v1/bookings", {"service": "consult", "start": starts[0]})
    assert booked.status_code == 201, booked.content

    # Beyond the members' window: nothing, for members too.
    assert free_starts(patient_api, monday_about(100)) == []

    # Someone else (signed in, not a member; or nobody signed in) is held to 30 days.
    other = ClientAccountFactory(clinic=clinic)
    other_api = host_client(clinic, type(patient_api))
    other_api.force_authenticate(other.user)
    assert free_starts(other_api, far) == []
    assert free_starts(host_client(clinic, type(patient_api)), far) == []
    refused = other_api.post("/api/v1/bookings", {"service": "consult", "start": starts[1]})
    assert refused.status_code == 400
    assert refused.json()["code"] == "slot_not_offered"
    assert not Booking.objects.filter(client=other).exists()


def test_the_portal_calendar_opens_the_members_days(clinic, patient, windowed, member, signed_in):
    far = monday_about(60)
    service = windowed.credit_services.first()
    url = f"/book/service/{service.pk}/any/"
    link = f'href="{url}{far.isoformat()}/"'
    page = signed_in.get(url, {"month": far.strftime("%Y-%m")})
    assert link in page.content.decode()
    other = host_client(clinic)
    other.force_login(ClientAccountFactory(clinic=clinic).user)
    page = other.get(url, {"month": far.strftime("%Y-%m")})
    assert link not in page.content.decode()


def test_a_paused_membership_gives_no_window(clinic, patient, windowed, member, patient_api):
    Membership.objects.filter(pk=member.pk).update(status=MembershipStatus.PAST_DUE)
    assert free_starts(patient_api, monday_about(60)) == []
