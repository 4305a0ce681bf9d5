"""Issue #18 item 6: bad input is a 400 naming the field (JSON under /api/), never a 500.
Each test reproduced a 500 or an uncaught exception before its fix."""

import datetime

import pytest
from django.test import Client, override_settings

from tests.fixtures.booking import MONDAY

pytestmark = pytest.mark.django_db


@pytest.fixture
def raising(api):
    """Anonymous API client that lets a 500 surface as an exception, as in production logs."""
    api.raise_request_exception = True
    return api


@pytest.mark.parametrize("day", ["9999-12-31", "0001-01-01"])
@pytest.mark.parametrize("field", ["from", "to"])
def test_availability_at_the_edge_of_the_calendar_is_a_400_naming_the_field(
    raising, open_policy, service, emma, day, field
):
    other = "to" if field == "from" else "from"
    params = {"service": "consult", field: day, other: day}
    response = raising.get("/api/v1/availability", params)
    assert response.status_code == 400, response.content
    body = response.json()
    assert "from" in body or "to" in body or body.get("field") in ("from", "to"), body


@pytest.mark.parametrize("start", ["9999-12-31T23:30:00-05:00", "0001-01-01T00:30:00+05:00"])
def test_booking_at_the_edge_of_the_calendar_is_a_400_naming_start(
    patient_api, open_policy, service, emma, start
):
    patient_api.raise_request_exception = True
    response = patient_api.post(
        "/api/v1/bookings", {"service": "consult", "start": start}, format="json"
    )
    assert response.status_code == 400, response.content
    body = response.json()
    assert "start" in body or body.get("field") == "start", body


@pytest.mark.parametrize("t", ["99999999999999", "-99999999999999", "1e400", "nan"])
def test_confirm_with_a_start_out_of_range_goes_back_to_the_calendar(
    clinic, open_policy, service, emma, t
):
    portal = Client(HTTP_HOST=clinic.site.hostname, raise_request_exception=True)
    response = portal.get("/book/confirm/", {"service": service.pk, "staff": "any", "t": t})
    assert response.status_code == 302
    assert response["Location"] == f"/book/service/{service.pk}/any/"


@pytest.mark.parametrize("day", ["9999-12-31", "0001-01-01"])
def test_wizard_day_at_the_edge_of_the_calendar_is_not_a_500(
    clinic, open_policy, service, emma, day
):
    portal = Client(HTTP_HOST=clinic.site.hostname, raise_request_exception=True)
    response = portal.get(f"/book/service/{service.pk}/any/{day}/")
    assert response.status_code == 404


@pytest.mark.parametrize("month", ["9999-12", "0001-01"])
def test_wizard_month_at_the_edge_of_the_calendar_is_not_a_500(
    clinic, open_policy, service, emma, month
):
    portal = Client(HTTP_HOST=clinic.site.hostname, raise_request_exception=True)
    response = portal.get(f"/book/service/{service.pk}/any/", {"month": month})
    assert response.status_code == 200


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/bookings/99999999999999999999999/cancel",
        "/api/v1/cart/99999999999999999999999/book",
    ],
)
def test_posts_to_ids_out_of_range_are_not_a_500(patient_api, open_policy, path):
    patient_api.raise_request_exception = True
    response = patient_api.post(path, {"start": f"{MONDAY}T09:00:00+00:00"}, format="json")
    assert response.status_code == 404


@pytest.mark.parametrize("service_ref", ["１２", "٣", "99999999999999999999999"])
def test_booking_with_a_strange_service_id_is_a_400_naming_service(
    patient_api, open_policy, service, emma, service_ref
):
    patient_api.raise_request_exception = True
    response = patient_api.post(
        "/api/v1/bookings",
        {"service": service_ref, "start": f"{MONDAY}T09:00:00+00:00"},
        format="json",
    )
    assert response.status_code == 400, response.content
    body = response.json()
    assert "service" in body or body.get("field") == "service", body


@override_settings(DATA_UPLOAD_MAX_MEMORY_SIZE=1000)
def test_a_body_over_the_size_limit_is_a_json_400_under_api(patient_api, open_policy):
    response = patient_api.post(
        "/api/v1/bookings", {"service": "consult", "client_notes": "x" * 5000}
    )
    assert response.status_code == 400
    assert response["Content-Type"].startswith("application/json")
    assert response.json()["code"] == "body_too_large"


@pytest.mark.parametrize(
    "dates",
    [
        {"date_from": "9999-12-31", "date_to": "9999-12-31"},
        {"date_from": "0001-01-01", "date_to": "0001-01-02"},
    ],
)
def test_waitlist_at_the_edge_of_the_calendar_is_not_a_500(
    patient_api, clinic, open_policy, service, emma, dates
):
    patient_api.raise_request_exception = True
    response = patient_api.post("/api/v1/waitlist", {"service": "consult", **dates}, format="json")
    assert response.status_code == 400, response.content
    body = response.json()
    assert "date_from" in body or body.get("field") in ("date_from", "date_to"), body


@pytest.mark.parametrize("day", [datetime.date.max, datetime.date.min])
def test_the_engine_offers_nothing_at_the_calendar_edges(clinic, open_policy, service, emma, day):
    from booking_api.availability import find_slots

    assert find_slots(clinic=clinic, service=service, date_from=day, date_to=day) == []
