"""The availability rules, one by one, through ``find_slots`` (the function both the slot
listing and booking use)."""

import datetime
import zoneinfo

import pytest

from booking_api.availability import find_slots
from booking_api.models import Booking, BookingStatus
from branding.models import Closure, OpeningHours
from branding.services import clinic_upsert, policy_update
from tests.factories.booking import ServiceFactory, StaffFactory, TimeOffFactory, main_location
from tests.factories.clients import ClientAccountFactory
from tests.fixtures.booking import MONDAY, at, early_now

pytestmark = pytest.mark.django_db


def starts(slots, tz=None):
    return [
        s.start.astimezone(tz).strftime("%H:%M") if tz else s.start.strftime("%H:%M") for s in slots
    ]


def slots_on(clinic, service, day=MONDAY, now=None, **kwargs):
    # Unless a test says otherwise, "now" is a month before the day asked about.
    now = now or at(day, "00:00") - datetime.timedelta(days=30)
    return find_slots(clinic=clinic, service=service, date_from=day, date_to=day, now=now, **kwargs)


def book(clinic, service, staff, start, status=BookingStatus.CONFIRMED):
    """Store a booking directly (as an import would), with the service's buffers."""
    end = start + datetime.timedelta(minutes=service.duration_minutes)
    return Booking.objects.create(
        clinic=clinic,
        client=ClientAccountFactory(clinic=clinic),
        service=service,
        staff=staff,
        location=main_location(clinic),
        start=start,
        end=end,
        blocked_start=start - datetime.timedelta(minutes=service.buffer_before_minutes),
        blocked_end=end + datetime.timedelta(minutes=service.buffer_after_minutes),
        status=status,
        price=service.price,
        currency="GBP",
        source="staff",
    )


def test_steps_count_from_the_start_of_the_range(clinic, open_policy):
    service = ServiceFactory(clinic=clinic, duration_minutes=8, slot_step_minutes=8)
    StaffFactory(clinic=clinic, services=[service], hours={0: [("07:22", "08:00")]})
    assert starts(slots_on(clinic, service)) == ["07:22", "07:30", "07:38", "07:46"]


def test_default_step_is_fifteen_minutes(clinic, open_policy):
    service = ServiceFactory(clinic=clinic, duration_minutes=30, slot_step_minutes=None)
    StaffFactory(clinic=clinic, services=[service], hours={0: [("09:00", "10:00")]})
    assert starts(slots_on(clinic, service)) == ["09:00", "09:15", "09:30"]


def test_breaks_split_the_day(clinic, open_policy, service):
    StaffFactory(
        clinic=clinic, services=[service], hours={0: [("09:00", "10:00"), ("13:00", "13:45")]}
    )
    assert starts(slots_on(clinic, service)) == ["09:00", "09:15", "09:30", "13:00", "13:15"]


def test_staff_who_do_not_perform_the_service_offer_nothing(clinic, open_policy, service):
    StaffFactory(clinic=clinic, services=[], hours={0: [("09:00", "17:00")]})
    assert slots_on(clinic, service) == []


def test_a_booking_and_its_buffers_block_time(clinic, open_policy):
    service = ServiceFactory(
        clinic=clinic,
        duration_minutes=30,
        buffer_before_minutes=15,
        buffer_after_minutes=30,
        slot_step_minutes=15,
    )
    staff = StaffFactory(clinic=clinic, services=[service], hours={0: [("09:00", "17:00")]})
    book(clinic, service, staff, at(MONDAY, "12:00"))  # blocks 11:45–13:00
    offered = starts(slots_on(clinic, service))
    # A new appointment's own blocked time [s-15, s+60) must miss 11:45–13:00.
    assert "10:45" in offered and "11:00" not in offered
    assert "13:00" not in offered and "13:15" in offered


def test_a_booking_ending_off_the_grid_does_not_shift_it(clinic, open_policy):
    """Found trying the demo: after a 45-minute visit with a 10-minute clean-up the times
    moved onto 11:55, 12:10…, and a free 15:00 was refused as "just taken"."""
    service = ServiceFactory(
        clinic=clinic, duration_minutes=45, buffer_after_minutes=10, slot_step_minutes=15
    )
    staff = StaffFactory(clinic=clinic, services=[service], hours={0: [("09:00", "17:00")]})
    book(clinic, service, staff, at(MONDAY, "11:00"))  # blocks 11:00–11:55
    offered = starts(slots_on(clinic, service))
    after = [s for s in offered if s >= "11:00"]
    assert after[:3] == ["12:00", "12:15", "12:30"]
    assert "15:00" in offered
    assert all(s[3:] in {"00", "15", "30", "45"} for s in offered)


def test_buffers_add_up_to_a_gap_of_120_minutes(clinic, open_policy):
    """15 before and 30 after: a 30-minute appointment fits between two bookings only
    when their appointments are 120 minutes apart."""
    service = ServiceFactory(
        clinic=clinic,
        duration_minutes=30,
        buffer_before_minutes=15,
        buffer_after_minutes=30,
        slot_step_minutes=5,
    )
    staff = StaffFactory(clinic=clinic, services=[service], hours={0: [("08:00", "18:00")]})
    book(clinic, service, staff, at(MONDAY, "09:00"))  # ends 09:30
    book(clinic, service, staff, at(MONDAY, "11:30"))  # 120 minutes after the first ends
    between = [s for s in starts(slots_on(clinic, service)) if "09:30" <= s < "11:30"]
    assert between == ["10:15"]

    Booking.objects.filter(start=at(MONDAY, "11:30")).update(
        start=at(MONDAY, "11:25"),
        end=at(MONDAY, "11:55"),
        blocked_start=at(MONDAY, "11:10"),
        blocked_end=at(MONDAY, "12:25"),
    )
    between = [s for s in starts(slots_on(clinic, service)) if "09:30" <= s < "11:30"]
    assert between == []


def test_buffers_may_fall_outside_working_hours(clinic, open_policy):
    service = ServiceFactory(
        clinic=clinic,
        duration_minutes=30,
        buffer_before_minutes=15,
        buffer_after_minutes=15,
        slot_step_minutes=30,
    )
    StaffFactory(clinic=clinic, services=[service], hours={0: [("09:00", "10:00")]})
    assert starts(slots_on(clinic, service)) == ["09:00", "09:30"]


def test_cancelled_bookings_free_their_time(clinic, open_policy, service, emma):
    book(clinic, service, emma, at(MONDAY, "09:00"), status=BookingStatus.CANCELLED)
    assert "09:00" in starts(slots_on(clinic, service))


def test_time_off_removes_slots(clinic, open_policy, service, emma):
    TimeOffFactory(staff=emma, start=at(MONDAY, "10:00"), end=at(MONDAY, "12:00"))
    offered = starts(slots_on(clinic, service))
    assert "09:30" in offered and "09:45" not in offered
    assert "11:45" not in offered and "12:00" in offered


def test_closures_close_the_whole_day(clinic, open_policy, service, emma):
    Closure.objects.create(location=main_location(clinic), date=MONDAY)
    assert slots_on(clinic, service) == []
    assert slots_on(clinic, service, day=MONDAY + datetime.timedelta(days=1))


def test_appointments_stay_inside_opening_hours(clinic, open_policy, service, emma):
    OpeningHours.objects.create(
        location=main_location(clinic), weekday=0, start=datetime.time(10), end=datetime.time(12)
    )
    assert starts(slots_on(clinic, service)) == [
        "10:00",
        "10:15",
        "10:30",
        "10:45",
        "11:00",
        "11:15",
        "11:30",
    ]
    # A weekday with no opening hours, when others have some, is closed.
    assert slots_on(clinic, service, day=MONDAY + datetime.timedelta(days=1)) == []


def test_minimum_notice_and_past(clinic, service, emma):
    policy_update(clinic=clinic, min_notice_minutes=60, max_advance_days=90)
    now = at(MONDAY, "10:05")
    offered = starts(slots_on(clinic, service, now=now))
    assert offered[0] == "11:15"  # 11:05 is the earliest; the grid stays on quarter hours


def test_horizon(clinic, service, emma):
    policy_update(clinic=clinic, min_notice_minutes=0, max_advance_days=1)
    now = at(MONDAY, "12:00")
    tomorrow = MONDAY + datetime.timedelta(days=1)
    offered = starts(slots_on(clinic, service, day=tomorrow, now=now))
    assert offered[-1] == "12:00"
    assert slots_on(clinic, service, day=tomorrow + datetime.timedelta(days=1), now=now) == []


def test_any_available_is_the_union_of_staff(clinic, open_policy, service):
    early = StaffFactory(clinic=clinic, services=[service], hours={0: [("09:00", "10:00")]})
    late = StaffFactory(clinic=clinic, services=[service], hours={0: [("09:30", "11:00")]})
    slots = {s.start.strftime("%H:%M"): set(s.staff_ids) for s in slots_on(clinic, service)}
    assert slots["09:00"] == {early.pk}
    assert slots["09:30"] == {early.pk, late.pk}
    assert slots["10:30"] == {late.pk}
    only_late = slots_on(clinic, service, staff_ids=[late.pk])
    assert starts(only_late)[0] == "09:30"


def test_a_range_of_days(clinic, open_policy, service, emma):
    slots = find_slots(
        clinic=clinic,
        service=service,
        date_from=MONDAY,
        date_to=MONDAY + datetime.timedelta(days=6),
        now=early_now(),
    )
    assert len(slots) == 7 * 31
    assert slots == sorted(slots, key=lambda s: s.start)


def test_locations_limit_where_a_service_is_offered(clinic, open_policy, service):
    from branding.services import location_upsert

    soho = location_upsert(clinic=clinic, key="soho", name="Soho")
    main = main_location(clinic)
    StaffFactory(clinic=clinic, services=[service], hours={0: [("09:00", "10:00")]})
    StaffFactory(
        clinic=clinic, services=[service], hours={0: [("14:00", "15:00")]}, hours__location=soho
    )
    every = slots_on(clinic, service)
    assert {s.location_id for s in every} == {main.pk, soho.pk}
    assert {s.location_id for s in slots_on(clinic, service, location_id=soho.pk)} == {soho.pk}
    service.locations.set([main])
    assert {s.location_id for s in slots_on(clinic, service)} == {main.pk}


@pytest.mark.parametrize(
    ("tz_name", "spring", "autumn"),
    [
        ("Europe/London", datetime.date(2030, 3, 31), datetime.date(2030, 10, 27)),
        ("America/New_York", datetime.date(2030, 3, 10), datetime.date(2030, 11, 3)),
    ],
)
def test_schedules_are_local_wall_clock_across_dst(tz_name, spring, autumn):
    clinic, _ = clinic_upsert(slug="dst", name="DST", domain="dst.localhost", timezone=tz_name)
    policy_update(clinic=clinic, min_notice_minutes=0, max_advance_days=730)
    tz = zoneinfo.ZoneInfo(tz_name)
    service = ServiceFactory(clinic=clinic, duration_minutes=60, slot_step_minutes=60)
    StaffFactory(
        clinic=clinic, services=[service], hours={d: [("09:00", "17:00")] for d in range(7)}
    )
    for day in (
        spring - datetime.timedelta(days=1),
        spring,
        autumn - datetime.timedelta(days=1),
        autumn,
    ):
        slots = slots_on(clinic, service, day=day)
        assert starts(slots, tz) == [f"{h:02d}:00" for h in range(9, 17)], day
        assert all(s.start.utcoffset() == s.start.astimezone(tz).utcoffset() for s in slots)


def real_minutes(slots):
    # Timestamps, not aware subtraction: Python subtracts same-zone datetimes as wall time.
    return (slots[-1].end.timestamp() - slots[0].start.timestamp()) / 60


def test_missing_and_repeated_hours_are_handled(clinic):
    """Night ranges over the spring-forward gap and the autumn repeat give no error and
    step in real time."""
    policy_update(clinic=clinic, min_notice_minutes=0, max_advance_days=730)
    service = ServiceFactory(clinic=clinic, duration_minutes=30, slot_step_minutes=30)
    StaffFactory(clinic=clinic, services=[service], hours={6: [("00:30", "03:00")]})
    spring = datetime.date(2030, 3, 31)  # 01:00 GMT jumps to 02:00 BST
    slots = slots_on(clinic, service, day=spring)
    assert real_minutes(slots) == 90  # 00:30 GMT to 03:00 BST is an hour and a half
    autumn = datetime.date(2030, 10, 27)  # 02:00 BST falls back to 01:00 GMT
    slots = slots_on(clinic, service, day=autumn)
    assert real_minutes(slots) == 210


def test_half_hour_offset_zone():
    clinic, _ = clinic_upsert(
        slug="adelaide",
        name="Adelaide",
        domain="adl.localhost",
        timezone="Australia/Adelaide",
        currency="AUD",
    )
    policy_update(clinic=clinic, min_notice_minutes=0, max_advance_days=730)
    tz = zoneinfo.ZoneInfo("Australia/Adelaide")
    service = ServiceFactory(clinic=clinic, duration_minutes=30, slot_step_minutes=30)
    StaffFactory(clinic=clinic, services=[service], hours={0: [("09:00", "10:00")]})
    slots = slots_on(clinic, service)
    assert starts(slots, tz) == ["09:00", "09:30"]
    assert slots[0].start.astimezone(datetime.UTC).minute == 30  # UTC+10:30 in January


def test_ignoring_a_booking_frees_its_own_time(clinic, open_policy, service, emma):
    booking = book(clinic, service, emma, at(MONDAY, "09:00"))
    assert "09:00" not in starts(slots_on(clinic, service))
    assert "09:00" in starts(slots_on(clinic, service, ignore_booking_id=booking.pk))
