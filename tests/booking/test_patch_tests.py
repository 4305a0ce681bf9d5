"""Patch tests: a service that needs a recent passed test is refused online without one
(offering the clinic's patch-test service), staff may book it after a warning, and staff
record results from the client's "Patch tests" tab."""

import datetime

import pytest
from django.test import Client

from booking_api.models import Booking, PatchTest, Service
from booking_api.services import booking_create
from booking_api.services.patch_tests import PatchTestRequiredError
from people.models import AuditEntry
from tests.factories.booking import ServiceFactory, StaffFactory
from tests.factories.clients import ClientAccountFactory
from tests.fixtures.booking import MONDAY, at

pytestmark = pytest.mark.django_db

CALENDAR = "/admin/bookings/calendar/"


@pytest.fixture
def tint(open_policy):
    return ServiceFactory(clinic=open_policy, key="tint", name="Lash tint", patch_test_months=6)


@pytest.fixture
def patch_service(open_policy):
    return ServiceFactory(
        clinic=open_policy, key="patch", name="Patch test", is_patch_test=True, price=0
    )


@pytest.fixture
def lena(open_policy, tint, patch_service):
    return StaffFactory(clinic=open_policy, display_name="Lena", services=[tint, patch_service])


def passed(clinic, client, tested_on, result="passed"):
    return PatchTest.objects.create(
        clinic=clinic, client=client, tested_on=tested_on, result=result
    )


def online(clinic, client, service, staff, start, source="portal"):
    return booking_create(
        clinic=clinic, client=client, service=service, staff=staff, start=start, source=source
    )


def test_online_booking_without_a_test_is_refused_offering_the_patch_test(
    open_policy, patient, tint, lena, patch_service
):
    for source in ("portal", "app"):
        with pytest.raises(PatchTestRequiredError) as error:
            online(open_policy, patient, tint, lena, at(MONDAY, "10:00"), source=source)
        assert error.value.field == "service"
        assert error.value.status == 403
        assert "Lash tint needs a patch test" in error.value.message
        assert "Please book a Patch test first." in error.value.message
        assert error.value.as_dict()["patch_test_service"] == {
            "id": patch_service.pk,
            "name": "Patch test",
        }
    assert Booking.objects.count() == 0
    # The patch test itself books fine.
    online(open_policy, patient, patch_service, lena, at(MONDAY, "10:00"))


def test_a_recent_passed_test_lets_the_client_book(open_policy, patient, tint, lena):
    passed(open_policy, patient, MONDAY - datetime.timedelta(days=150))
    assert online(open_policy, patient, tint, lena, at(MONDAY, "10:00")).pk


@pytest.mark.parametrize(
    ("days_before", "result"),
    [(200, "passed"), (10, "failed"), (10, "inconclusive"), (-3, "passed")],
    ids=["too old", "failed", "inconclusive", "after the appointment"],
)
def test_old_failed_or_later_tests_do_not_count(
    open_policy, patient, tint, lena, days_before, result
):
    passed(open_policy, patient, MONDAY - datetime.timedelta(days=days_before), result)
    with pytest.raises(PatchTestRequiredError):
        online(open_policy, patient, tint, lena, at(MONDAY, "10:00"))


def test_another_clinics_test_does_not_count(open_policy, other_clinic, patient, tint, lena):
    passed(other_clinic, patient, MONDAY - datetime.timedelta(days=5))
    with pytest.raises(PatchTestRequiredError):
        online(open_policy, patient, tint, lena, at(MONDAY, "10:00"))


def test_without_a_patch_test_service_the_client_is_asked_to_call(open_policy, patient):
    tint = ServiceFactory(clinic=open_policy, name="Brow tint", patch_test_months=12)
    staff = StaffFactory(clinic=open_policy, services=[tint])
    with pytest.raises(PatchTestRequiredError) as error:
        online(open_policy, patient, tint, staff, at(MONDAY, "10:00"))
    assert "contact the clinic" in error.value.message
    assert "patch_test_service" not in error.value.as_dict()


def test_the_api_refuses_naming_the_field_and_offering_the_patch_test(
    open_policy, patient, tint, lena, patch_service
):
    from rest_framework.test import APIClient

    api = APIClient(HTTP_HOST=open_policy.site.hostname)
    api.force_authenticate(patient.user)
    response = api.post(
        "/api/v1/bookings",
        {"service": tint.pk, "staff": lena.pk, "start": at(MONDAY, "10:00").isoformat()},
        format="json",
    )
    assert response.status_code == 403, response.content
    body = response.json()
    assert body["code"] == "patch_test_required"
    assert body["field"] == "service"
    assert body["patch_test_service"]["id"] == patch_service.pk
    assert Booking.objects.count() == 0


# --- Staff: warned, may override ------------------------------------------------------


def staff_client(user, clinic):
    client = Client(HTTP_HOST=clinic.site.hostname)
    client.force_login(user)
    return client


def test_staff_are_warned_and_may_book_anyway(open_policy, staff_user, patient, tint, lena):
    desk = staff_client(staff_user, open_policy)
    data = {
        "client": patient.pk,
        "service": tint.pk,
        "staff": lena.pk,
        "date": MONDAY.isoformat(),
        "time": "10:00",
    }
    response = desk.post(f"{CALENDAR}new/", data)
    assert response.status_code == 200
    assert "no passed patch test" in response.context["form"].errors["override_patch_test"][0]
    assert Booking.objects.count() == 0

    response = desk.post(f"{CALENDAR}new/", {**data, "override_patch_test": "on"})
    assert response.status_code == 302
    booking = Booking.objects.get()
    assert booking.events.get(kind="patch_test_overridden").actor == staff_user
    assert (
        "without a valid patch test"
        in AuditEntry.objects.filter(client=patient).latest("pk").summary
    )


# --- Recording results ----------------------------------------------------------------


def test_staff_record_a_result_from_the_client_tab(open_policy, staff_user, patient):
    desk = staff_client(staff_user, open_policy)
    page = desk.get(f"/admin/clinic/clients/{patient.pk}/?tab=patch_tests")
    assert "Patch tests" in page.content.decode()
    assert "No patch tests on record." in page.content.decode()

    today = datetime.date.today()
    response = desk.post(
        f"{CALENDAR}patch-tests/{patient.pk}/",
        {"tested_on": today.isoformat(), "result": "passed", "notes": "Left ear, 48h"},
    )
    assert response.status_code == 302
    test = PatchTest.objects.get()
    assert (test.client, test.result, test.recorded_by) == (patient, "passed", staff_user)
    assert "Recorded a patch test" in AuditEntry.objects.filter(client=patient).latest("pk").summary
    page = desk.get(f"/admin/clinic/clients/{patient.pk}/?tab=patch_tests")
    assert "Left ear, 48h" in page.content.decode()


def test_bad_results_are_refused_naming_the_field(open_policy, staff_user, patient):
    desk = staff_client(staff_user, open_policy)
    future = (datetime.date.today() + datetime.timedelta(days=3)).isoformat()
    response = desk.post(
        f"{CALENDAR}patch-tests/{patient.pk}/",
        {"tested_on": future, "result": "passed"},
        follow=True,
    )
    assert "The test date cannot be in the future." in response.content.decode()
    response = desk.post(
        f"{CALENDAR}patch-tests/{patient.pk}/",
        {"tested_on": "yesterday", "result": "maybe"},
        follow=True,
    )
    assert "Date of the test" in response.content.decode()
    assert PatchTest.objects.count() == 0


def test_another_clinics_client_is_not_found(open_policy, other_clinic, staff_user):
    stranger = ClientAccountFactory(clinic=other_clinic)
    desk = staff_client(staff_user, open_policy)
    response = desk.post(
        f"{CALENDAR}patch-tests/{stranger.pk}/",
        {"tested_on": datetime.date.today().isoformat(), "result": "passed"},
    )
    assert response.status_code == 404
    assert PatchTest.objects.count() == 0


def test_the_portal_wizard_refuses_and_offers_the_patch_test(
    open_policy, patient, tint, lena, patch_service
):
    portal = Client(HTTP_HOST=open_policy.site.hostname)
    portal.force_login(patient.user)
    start = at(MONDAY, "10:00")
    response = portal.post(
        "/book/confirm/",
        {"service": tint.pk, "staff": lena.pk, "t": int(start.timestamp()), "notes": ""},
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "Lash tint needs a patch test" in html
    assert f'href="/book/service/{patch_service.pk}/"' in html
    assert "Book a Patch test" in html
    assert Booking.objects.count() == 0


def test_managers_set_the_requirement_and_one_patch_test_service(
    open_policy, manager, patch_service
):
    from tests.booking.test_admin_catalogue import SERVICES, service_form

    desk = staff_client(manager, open_policy)
    response = desk.post(SERVICES + "new/", service_form(name="Brow tint", patch_test_months=6))
    assert response.status_code == 302
    assert Service.objects.get(name="Brow tint").patch_test_months == 6

    response = desk.post(SERVICES + "new/", service_form(name="Second patch", is_patch_test="on"))
    assert response.status_code == 200
    assert response.context["form"].errors["is_patch_test"] == [
        "Patch test is already the clinic's patch test."
    ]
    assert not Service.objects.filter(name="Second patch").exists()
