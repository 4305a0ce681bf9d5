"""Booking from the calendar: the staff list offers only those who perform the chosen
service, and the server refuses anyone else."""

import json

import pytest

from booking_api.models import Booking
from tests.booking.test_admin_calendar import CALENDAR, DAY, new_booking
from tests.factories.booking import ServiceFactory, StaffFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def laser(clinic):
    return ServiceFactory(clinic=clinic, key="laser", name="Laser", duration_minutes=30)


@pytest.fixture
def lena(clinic, laser):
    return StaffFactory(clinic=clinic, key="lena", display_name="Lena Laser", services=[laser])


@pytest.fixture
def desk(open_policy, staff_user):
    from tests.booking.test_admin_calendar import signed_in

    return signed_in(staff_user, open_policy)


def test_the_staff_list_shows_only_who_performs_the_service(desk, service, emma, laser, lena):
    response = desk.get(f"{CALENDAR}new/", {"service": service.pk, "date": DAY})
    choices = [str(s) for s in response.context["form"].fields["staff"].queryset]
    assert choices == ["Emma"]
    html = response.content.decode()
    assert ">Lena Laser<" not in html

    # The page's script gets who performs each service.
    mapping = json.loads(
        html.split('id="staff-by-service" type="application/json">')[1].split("</script>")[0]
    )
    assert mapping[str(laser.pk)] == [[lena.pk, "Lena Laser"]]
    assert mapping[str(service.pk)] == [[emma.pk, "Emma"]]


def test_without_a_service_every_active_staff_member_is_listed(desk, emma, lena):
    response = desk.get(f"{CALENDAR}new/", {"date": DAY})
    assert {str(s) for s in response.context["form"].fields["staff"].queryset} == {
        "Emma",
        "Lena Laser",
    }


def test_booking_someone_who_does_not_perform_the_service_is_refused(desk, patient, service, lena):
    response = new_booking(desk, client=patient, service=service, staff=lena, time="11:00")
    assert response.status_code == 200
    assert response.context["form"].errors["staff"] == [
        "Choose a staff member who performs this service."
    ]
    assert Booking.objects.count() == 0
