"""Issue 19, "money that adds up": the cancellation policy is on the page where the
patient confirms a booking — free until when, the late fee after — and a time already
inside the late-cancellation window says so before it is booked."""

import datetime

import pytest
from django.utils import timezone

from branding import clinic_time
from branding.services import policy_update
from tests.fixtures.booking import at, local_day

pytestmark = pytest.mark.django_db


def confirm_url(service, staff, start):
    return f"/book/confirm/?service={service.pk}&staff={staff}&t={int(start.timestamp())}"


def test_the_confirm_page_shows_the_policy_before_booking(
    clinic, signed_in, skin_consult, portal_emma
):
    start = at(local_day(4), "11:30")
    html = signed_in.get(confirm_url(skin_consult, portal_emma.pk, start)).content.decode()
    assert "data-cancellation-policy" in html
    # The moment on the clinic's clock, in its locale's "weekday" style, as every page
    # and email writes a booking's day: "Free cancellation until Sat, 5 Dec 2026, 11:30."
    # for a London clinic.
    with clinic_time.override(clinic):
        free_until = clinic_time.format_datetime(start - datetime.timedelta(hours=24), "weekday")
    assert f"Free cancellation until {free_until}." in html
    assert "After that, a late cancellation fee of £22.50 applies." in html
    assert "already inside the late-cancellation window" not in html


def test_a_time_inside_the_window_says_so_before_booking(
    clinic, signed_in, skin_consult, portal_emma
):
    start = (timezone.now() + datetime.timedelta(hours=5)).replace(
        minute=0, second=0, microsecond=0
    )
    html = signed_in.get(confirm_url(skin_consult, portal_emma.pk, start)).content.decode()
    assert "This booking is already inside the late-cancellation window" in html
    assert "cancelling it would cost £22.50." in html


def test_inside_the_window_at_a_clinic_that_asks_to_be_called(
    clinic, signed_in, skin_consult, portal_emma
):
    policy_update(clinic=clinic, late_cancel_contact_clinic=True)
    start = (timezone.now() + datetime.timedelta(hours=5)).replace(
        minute=0, second=0, microsecond=0
    )
    html = signed_in.get(confirm_url(skin_consult, portal_emma.pk, start)).content.decode()
    assert "This booking is already inside the late-cancellation window" in html
    assert "to cancel it you would need to contact the clinic." in html
