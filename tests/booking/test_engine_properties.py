"""Properties of the availability engine over random schedules, services and bookings:
no offered slot collides with a blocked interval, and every offered slot can be booked."""

import datetime

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from booking_api.availability import find_slots
from booking_api.models import BLOCKING_STATUSES, Booking, TimeOff
from booking_api.services import booking_create
from tests.factories.booking import ServiceFactory, StaffFactory
from tests.factories.clients import ClientAccountFactory
from tests.fixtures.booking import MONDAY, at

pytestmark = pytest.mark.django_db

NOW = at(MONDAY, "00:00") - datetime.timedelta(days=1)


@st.composite
def scenarios(draw):
    minutes = st.integers(min_value=6 * 60, max_value=20 * 60).map(lambda m: m - m % 5)
    ranges = []
    for _ in range(draw(st.integers(1, 3))):
        start = draw(minutes)
        length = draw(st.integers(30, 6 * 60))
        ranges.append((start, min(start + length, 23 * 60 + 55)))
    ranges.sort()
    merged = []
    for start, end in ranges:  # the schedule itself never overlaps (the importer refuses it)
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return {
        "duration": draw(st.sampled_from([10, 15, 20, 30, 45, 60, 90])),
        "step": draw(st.sampled_from([5, 10, 15, 20, 30])),
        "before": draw(st.sampled_from([0, 5, 10, 15])),
        "after": draw(st.sampled_from([0, 5, 10, 30])),
        "hours": [
            (f"{s // 60:02d}:{s % 60:02d}", f"{e // 60:02d}:{e % 60:02d}")
            for s, e in merged
            if e > s
        ],
        "bookings": draw(st.lists(minutes, max_size=6)),
        "time_off": draw(st.lists(st.tuples(minutes, st.integers(15, 180)), max_size=2)),
    }


def build(clinic, scenario):
    service = ServiceFactory(
        clinic=clinic,
        duration_minutes=scenario["duration"],
        slot_step_minutes=scenario["step"],
        buffer_before_minutes=scenario["before"],
        buffer_after_minutes=scenario["after"],
    )
    staff = StaffFactory(clinic=clinic, services=[service], hours={0: scenario["hours"]})
    for start, length in scenario["time_off"]:
        begins = at(MONDAY, "00:00") + datetime.timedelta(minutes=start)
        TimeOff.objects.create(
            staff=staff, start=begins, end=begins + datetime.timedelta(minutes=length)
        )
    client = ClientAccountFactory(clinic=clinic)
    for start in scenario["bookings"]:
        wanted = at(MONDAY, "00:00") + datetime.timedelta(minutes=start)
        # Book the first offered slot at or after the wanted time, as a client would.
        offered = [s for s in slots(clinic, service) if s.start >= wanted]
        if offered:
            booking_create(
                clinic=clinic,
                client=client,
                service=service,
                staff=staff,
                start=offered[0].start,
                source="staff",
            )
    return service, staff, client


def slots(clinic, service):
    return find_slots(clinic=clinic, service=service, date_from=MONDAY, date_to=MONDAY, now=NOW)


def blocked(slot, service):
    return (
        slot.start - datetime.timedelta(minutes=service.buffer_before_minutes),
        slot.end + datetime.timedelta(minutes=service.buffer_after_minutes),
    )


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(scenario=scenarios())
def test_offered_slots_never_collide_and_can_all_be_booked(clinic, open_policy, scenario):
    with transaction.atomic():
        service, staff, client = build(clinic, scenario)
        taken = list(
            Booking.objects.filter(staff=staff, status__in=BLOCKING_STATUSES).values_list(
                "blocked_start", "blocked_end"
            )
        )
        absences = list(staff.time_off.values_list("start", "end"))
        offered = slots(clinic, service)
        for slot in offered:
            start, end = blocked(slot, service)
            assert not any(s < end and start < e for s, e in taken), slot
            assert not any(s < slot.end and slot.start < e for s, e in absences), slot
            local = slot.start.astimezone(at(MONDAY, "00:00").tzinfo)
            assert any(
                f"{local:%H:%M}" >= h[0] and f"{slot.end.astimezone(local.tzinfo):%H:%M}" <= h[1]
                for h in scenario["hours"]
            ), slot
        for slot in offered:
            with transaction.atomic():
                booking = booking_create(
                    clinic=clinic,
                    client=client,
                    service=service,
                    staff=staff,
                    start=slot.start,
                    source="staff",
                )
                assert booking.start == slot.start
                transaction.set_rollback(True)
        transaction.set_rollback(True)
