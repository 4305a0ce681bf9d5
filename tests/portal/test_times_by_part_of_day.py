"""The day's free times come in Morning / Afternoon / Evening groups, split at the
clinic's local noon and 17:00, in the wizard and when rescheduling."""

import re

import pytest

from tests.factories.booking import StaffFactory
from tests.fixtures.booking import add_booking, at, local_day

pytestmark = pytest.mark.django_db


def groups(html):
    """{heading: [times]} in page order."""
    found = {}
    for part in re.split(r"<h[23][^>]*>", html)[1:]:
        heading, rest = part.split("</h", 1)
        times = re.findall(r'class="time"[^>]*>([^<]+)<', rest.split("</ul>")[0])
        if times:
            found[heading.strip()] = times
    return found


@pytest.fixture
def late_emma(clinic, skin_consult):
    """Works 11:00–18:00 every day: times on both sides of noon and of 17:00."""
    return StaffFactory(
        clinic=clinic,
        key="emma",
        display_name="Emma",
        services=[skin_consult],
        hours={day: [("11:00", "18:00")] for day in range(7)},
    )


def test_the_wizard_groups_times_by_part_of_day(clinic, portal, skin_consult, late_emma):
    day = local_day(3)
    html = portal.get(f"/book/service/{skin_consult.pk}/{late_emma.pk}/{day.isoformat()}/")
    found = groups(html.content.decode())
    assert list(found) == ["Morning", "Afternoon", "Evening"]
    assert found["Morning"] == ["11:00", "11:30"]
    assert found["Afternoon"][0] == "12:00" and found["Afternoon"][-1] == "16:30"
    assert found["Evening"] == ["17:00", "17:30"]


def test_rescheduling_groups_them_too_and_leaves_out_empty_parts(
    clinic, patient, signed_in, skin_consult, late_emma
):
    booking = add_booking(clinic, patient, skin_consult, late_emma, at(local_day(5), "11:00"))
    day = local_day(6)
    # Afternoon and evening taken: only the morning is offered.
    for hhmm in ("12:00", "12:30", "13:00", "13:30", "14:00", "14:30", "15:00", "15:30"):
        add_booking(clinic, patient, skin_consult, late_emma, at(day, hhmm))
    for hhmm in ("16:00", "16:30", "17:00", "17:30"):
        add_booking(clinic, patient, skin_consult, late_emma, at(day, hhmm))
    html = signed_in.get(f"/bookings/{booking.reference}/reschedule/?date={day.isoformat()}")
    found = groups(html.content.decode())
    assert list(found) == ["Morning"]
    assert found["Morning"] == ["11:00", "11:30"]
