"""The booking keys of the clinic import: services, staff (schedules, time off) and existing
bookings, with the same idempotency and all-or-nothing rules as the rest of the file."""

import copy
import datetime
import zoneinfo

import pytest
import yaml

from booking_api.models import Booking, Service, StaffMember, TimeOff, WorkingHours
from branding.importing import ImportFileError, import_clinic_file
from branding.models import Clinic

pytestmark = pytest.mark.django_db
LONDON = zoneinfo.ZoneInfo("Europe/London")

DOC = {
    "clinic": {
        "name": "Glow Aesthetics",
        "slug": "glow",
        "domain": "glow.localhost",
        "timezone": "Europe/London",
        "currency": "GBP",
    },
    "locations": [{"key": "soho", "name": "Glow Soho"}],
    "services": [
        {
            "key": "consult",
            "category": "Consultations",
            "name": "Consultation",
            "duration_minutes": 30,
            "price": "45.00",
            "buffer_before_minutes": 0,
            "buffer_after_minutes": 10,
            "slot_step_minutes": 15,
            "deposit": "10.00",
        },
        {
            "key": "peel",
            "name": "Chemical peel",
            "duration_minutes": 60,
            "price": "120",
            "locations": ["soho"],
        },
    ],
    "staff": [
        {
            "key": "emma",
            "name": "Dr Emma Hart",
            "email": "emma@glow.example",
            "services": ["consult", "peel"],
            "schedule": {
                "mon": [["09:00", "12:00"], ["13:00", "17:00"]],
                "tue": [["09:00", "17:00", "soho"]],
            },
            "time_off": [{"start": "2026-07-01T09:00", "end": "2026-07-01T12:00"}],
        }
    ],
    "clients": [
        {
            "key": "sara",
            "name": "Sara Mitchell",
            "email": "sara@example.com",
            "phone": "+447700900123",
        }
    ],
    "bookings": [
        {
            "staff": "emma",
            "service": "consult",
            "client": "sara",
            "start": "2026-12-02T10:00",
            "status": "confirmed",
        }
    ],
}


@pytest.fixture
def write(tmp_path):
    def _write(doc):
        path = tmp_path / "clinic.yaml"
        path.write_text(yaml.safe_dump(doc))
        return path

    return _write


def rows():
    return {
        "services": sorted(
            Service.objects.values_list(
                "key", "name", "price", "deposit", "duration_minutes", "buffer_after_minutes"
            )
        ),
        "hours": sorted(
            WorkingHours.objects.values_list(
                "staff__key", "weekday", "start", "end", "location__key"
            )
        ),
        "time_off": sorted(TimeOff.objects.values_list("staff__key", "start", "end")),
        "bookings": sorted(
            Booking.objects.values_list(
                "staff__key",
                "service__key",
                "client__key",
                "start",
                "end",
                "blocked_end",
                "status",
                "price",
            )
        ),
    }


def test_services_staff_and_bookings_are_imported(write):
    import_clinic_file(write(DOC))
    consult = Service.objects.get(key="consult")
    assert (consult.price, consult.deposit, consult.category.name) == (4500, 1000, "Consultations")
    peel = Service.objects.get(key="peel")
    assert peel.price == 12000 and [loc.key for loc in peel.locations.all()] == ["soho"]
    emma = StaffMember.objects.get(key="emma")
    assert emma.user.email == "emma@glow.example"
    assert sorted(emma.services.values_list("key", flat=True)) == ["consult", "peel"]
    assert rows()["hours"] == [
        ("emma", 0, datetime.time(9), datetime.time(12), "main"),
        ("emma", 0, datetime.time(13), datetime.time(17), "main"),
        ("emma", 1, datetime.time(9), datetime.time(17), "soho"),
    ]
    # Local times in summer are an hour ahead of UTC.
    off = TimeOff.objects.get()
    assert off.start == datetime.datetime(2026, 7, 1, 8, tzinfo=datetime.UTC)
    booking = Booking.objects.get()
    assert booking.start == datetime.datetime(2026, 12, 2, 10, tzinfo=LONDON)
    assert booking.blocked_end == booking.end + datetime.timedelta(minutes=10)
    assert (booking.status, booking.price, booking.source) == ("confirmed", 4500, "import")


def test_importing_twice_changes_nothing(write):
    import_clinic_file(write(DOC))
    before = rows()
    import_clinic_file(write(DOC))
    assert rows() == before


def test_colliding_bookings_in_the_file_are_refused_naming_both(write):
    doc = copy.deepcopy(DOC)
    doc["bookings"].append(
        {"staff": "emma", "service": "consult", "client": "sara", "start": "2026-12-02T10:30"}
    )  # inside the 10-minute buffer
    with pytest.raises(ImportFileError) as refused:
        import_clinic_file(write(doc))
    assert refused.value.problems == [("bookings[1]", "overlaps bookings[0] for staff 'emma'")]
    assert not Clinic.objects.exists() and not Booking.objects.exists()


def test_a_booking_colliding_with_a_stored_one_is_refused(write):
    import_clinic_file(write(DOC))
    doc = copy.deepcopy(DOC)
    doc["bookings"] = [
        {"staff": "emma", "service": "consult", "client": "sara", "start": "2026-12-02T10:15"}
    ]
    with pytest.raises(ImportFileError) as refused:
        import_clinic_file(write(doc))
    ((path, message),) = refused.value.problems
    assert path == "bookings[0]" and "overlaps the stored booking" in message
    assert Booking.objects.count() == 1


def test_cancelled_bookings_do_not_collide(write):
    doc = copy.deepcopy(DOC)
    doc["bookings"].append(
        {
            "staff": "emma",
            "service": "consult",
            "client": "sara",
            "start": "2026-12-02T10:15",
            "status": "cancelled",
        }
    )
    import_clinic_file(write(doc))
    assert Booking.objects.count() == 2


@pytest.mark.parametrize(
    ("mutate", "path", "message"),
    [
        (
            lambda d: d["services"][0].update(price="45.001"),
            "services[0].price",
            "more decimals than GBP allows",
        ),
        (lambda d: d["services"][0].update(price="free"), "services[0].price", "is not an amount"),
        (
            lambda d: d["services"][0].update(deposit="50"),
            "services[0].deposit",
            "more than the price",
        ),
        (
            lambda d: d["services"][0].update(duration_minutes=0),
            "services[0].duration_minutes",
            "between 1 and 1440",
        ),
        (
            lambda d: d["services"][1].update(locations=["mars"]),
            "services[1].locations[0]",
            "no location 'mars'",
        ),
        (lambda d: d["services"].append(dict(d["services"][0])), "services[2].key", "used twice"),
        (
            lambda d: d["staff"][0].update(services=["botox"]),
            "staff[0].services[0]",
            "no service 'botox'",
        ),
        (
            lambda d: d["staff"][0]["schedule"].update(wed=[["09:00", "17:00", "paris"]]),
            "staff[0].schedule.wed[0]",
            "no location 'paris'",
        ),
        (
            lambda d: d["staff"][0]["schedule"].update(wed=[["17:00", "09:00"]]),
            "staff[0].schedule.wed[0]",
            "end before start",
        ),
        (
            lambda d: d["staff"][0]["time_off"][0].update(end="2026-07-01T08:00"),
            "staff[0].time_off[0].end",
            "end before start",
        ),
        (
            lambda d: d["staff"][0].update(email="not-an-email"),
            "staff[0].email",
            "not an email address",
        ),
        (
            lambda d: d["bookings"][0].update(client="nobody"),
            "bookings[0].client",
            "no client 'nobody'",
        ),
        (lambda d: d["bookings"][0].update(status="maybe"), "bookings[0].status", "Input"),
        (lambda d: d["bookings"][0].update(start="soon"), "bookings[0].start", "Input"),
    ],
)
def test_bad_booking_keys_are_refused_with_their_path(write, mutate, path, message):
    doc = copy.deepcopy(DOC)
    mutate(doc)
    with pytest.raises(ImportFileError) as refused:
        import_clinic_file(write(doc))
    problems = dict(refused.value.problems)
    assert path in problems, refused.value.problems
    assert message in problems[path]
    assert not Clinic.objects.exists() and not Service.objects.exists()


def test_patch_test_requirement_and_service_are_imported_and_can_move(write):
    doc = copy.deepcopy(DOC)
    doc["services"][0]["is_patch_test"] = True
    doc["services"][1]["patch_test_months"] = 6
    import_clinic_file(write(doc))
    consult, peel = Service.objects.get(key="consult"), Service.objects.get(key="peel")
    assert (consult.is_patch_test, peel.patch_test_months) == (True, 6)

    # The patch test moves to the peel's row in a later file: never two at once.
    doc["services"][0]["is_patch_test"] = False
    doc["services"][1]["is_patch_test"] = True
    import_clinic_file(write(doc))
    assert list(Service.objects.filter(is_patch_test=True).values_list("key", flat=True)) == [
        "peel"
    ]

    doc["services"][0]["is_patch_test"] = True
    with pytest.raises(ImportFileError) as refused:
        import_clinic_file(write(doc))
    assert "services[1].is_patch_test" in dict(refused.value.problems)


def test_rebooking_interval_is_imported_in_weeks_and_checked(write):
    doc = copy.deepcopy(DOC)
    doc["services"][1]["rebooking_weeks"] = 12
    import_clinic_file(write(doc))
    peel = Service.objects.get(key="peel")
    assert peel.rebooking_interval == datetime.timedelta(weeks=12)
    assert Service.objects.get(key="consult").rebooking_interval is None

    doc["services"][1]["rebooking_weeks"] = 0
    with pytest.raises(ImportFileError) as refused:
        import_clinic_file(write(doc))
    assert "between 1 and 520 weeks" in dict(refused.value.problems)["services[1].rebooking_weeks"]
    assert Service.objects.get(key="peel").rebooking_interval == datetime.timedelta(weeks=12)


def test_a_services_calendar_colour_is_imported_from_the_palette(write):
    doc = copy.deepcopy(DOC)
    doc["services"][0]["colour"] = "mint"
    import_clinic_file(write(doc))
    colours = dict(Service.objects.values_list("key", "colour"))
    assert colours == {"consult": "mint", "peel": ""}  # no colour: the calendar's default

    doc["services"][0]["colour"] = "hotpink"
    with pytest.raises(ImportFileError) as refused:
        import_clinic_file(write(doc))
    assert "services[0].colour" in dict(refused.value.problems)
    assert Service.objects.get(key="consult").colour == "mint"
