"""The cart: saved services that reserve nothing, booked later with the slot checked
again. Through the API, as a client would use it."""

import datetime

import pytest

from booking_api.availability import find_slots
from booking_api.models import Booking, CartItem
from booking_api.services import booking_create
from booking_api.services.cart import CartError, cart_add
from branding.services import features_update
from tests.factories.booking import ServiceFactory, StaffFactory
from tests.factories.clients import ClientAccountFactory
from tests.fixtures.booking import at

pytestmark = pytest.mark.django_db

CART = "/api/v1/cart"


def soon():
    """A day two weeks ahead: inside the booking horizon, clear of minimum notice."""
    return datetime.date.today() + datetime.timedelta(days=14)


@pytest.fixture
def patient_api(api, patient):
    """The shared ``patient_api``, but the very client ``api`` is: tests here check both
    faces of one client."""
    api.force_authenticate(user=patient.user)
    return api


@pytest.fixture
def item(patient, service, emma):
    return CartItem.objects.create(client=patient, service=service, staff=emma)


def test_a_client_saves_lists_and_removes_services(patient_api, service, emma, open_policy):
    response = patient_api.post(CART, {"service": service.pk, "staff": emma.pk}, format="json")
    assert response.status_code == 201
    assert response.json()["service"]["name"] == "Consultation"
    assert response.json()["staff"]["name"] == "Emma"

    listing = patient_api.get(CART).json()["results"]
    assert [(i["service"]["name"], i["staff"]["name"]) for i in listing] == [
        ("Consultation", "Emma")
    ]

    assert patient_api.delete(f"{CART}/{listing[0]['id']}").status_code == 204
    assert patient_api.get(CART).json()["results"] == []


def test_a_service_is_saved_once_and_the_preferred_staff_can_change(
    patient_api, clinic, service, emma
):
    first = patient_api.post(CART, {"service": service.key, "staff": emma.key}, format="json")
    again = patient_api.post(CART, {"service": service.pk}, format="json")
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json()["id"] == first.json()["id"]
    assert again.json()["staff"] is None  # now: anyone available
    assert len(patient_api.get(CART).json()["results"]) == 1


def test_the_cart_reserves_nothing(patient_api, clinic, service, emma, open_policy):
    patient_api.post(CART, {"service": service.pk, "staff": emma.pk}, format="json")
    someone = ClientAccountFactory(clinic=clinic)
    start = at(soon(), "10:00")
    booking_create(clinic=clinic, client=someone, service=service, start=start, staff=emma)
    assert Booking.objects.filter(client=someone, start=start).exists()


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"service": 999999}, "service"),
        ({"service": "no-such-service"}, "service"),
        ({}, "service"),
        ({"service": "consult", "staff": 999999}, "staff"),
    ],
)
def test_bad_input_names_the_field(patient_api, service, emma, payload, field):
    response = patient_api.post(CART, payload, format="json")
    assert response.status_code == 400
    assert field in response.json().get("errors", response.json())
    assert CartItem.objects.count() == 0


def test_staff_who_do_not_perform_the_service_are_refused(patient_api, clinic, service):
    other = StaffFactory(
        clinic=clinic, display_name="Noah", services=[ServiceFactory(clinic=clinic)]
    )
    response = patient_api.post(CART, {"service": service.pk, "staff": other.pk}, format="json")
    assert response.status_code == 400
    assert response.json()["field"] == "staff"
    assert "Noah does not perform Consultation" in response.json()["detail"]


def test_another_clinics_service_cannot_be_saved(patient_api, other_clinic):
    theirs = ServiceFactory(clinic=other_clinic)
    response = patient_api.post(CART, {"service": theirs.pk}, format="json")
    assert response.status_code == 400
    assert response.json()["field"] == "service"


def test_booking_from_the_cart_books_and_empties_the_item(patient_api, item, open_policy):
    start = at(soon(), "10:00")
    response = patient_api.post(
        f"{CART}/{item.pk}/book", {"start": start.isoformat()}, format="json"
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["service"]["name"] == "Consultation"
    assert body["staff"]["name"] == "Emma"  # the preferred staff saved with the item
    assert datetime.datetime.fromisoformat(body["start"]) == start
    assert patient_api.get(CART).json()["results"] == []


def test_booking_from_the_cart_may_choose_other_staff(
    patient_api, clinic, service, item, open_policy
):
    StaffFactory(clinic=clinic, display_name="Zoe", key="zoe", services=[service])
    start = at(soon(), "11:00")
    response = patient_api.post(
        f"{CART}/{item.pk}/book", {"start": start.isoformat(), "staff": "zoe"}, format="json"
    )
    assert response.status_code == 201
    assert response.json()["staff"]["name"] == "Zoe"


def test_a_taken_slot_is_a_409_and_the_item_stays(
    patient_api, clinic, service, emma, item, open_policy
):
    start = at(soon(), "10:00")
    booking_create(
        clinic=clinic,
        client=ClientAccountFactory(clinic=clinic),
        service=service,
        start=start,
        staff=emma,
    )
    response = patient_api.post(
        f"{CART}/{item.pk}/book", {"start": start.isoformat()}, format="json"
    )
    assert response.status_code == 409
    assert "just been taken" in response.json()["detail"]
    assert len(patient_api.get(CART).json()["results"]) == 1


def test_a_time_never_offered_is_refused_naming_start(patient_api, item, open_policy):
    response = patient_api.post(
        f"{CART}/{item.pk}/book", {"start": at(soon(), "03:00").isoformat()}, format="json"
    )
    assert response.status_code == 400
    assert response.json()["field"] == "start"
    assert len(patient_api.get(CART).json()["results"]) == 1


def test_a_start_without_a_time_is_refused_naming_start(patient_api, item):
    response = patient_api.post(f"{CART}/{item.pk}/book", {"start": "tomorrow"}, format="json")
    assert response.status_code == 400
    assert "start" in response.json()["errors"]


def test_the_cart_is_403_when_the_clinic_turns_it_off(patient_api, clinic, service, item):
    features_update(clinic=clinic, cart=False)
    for response in (
        patient_api.get(CART),
        patient_api.post(CART, {"service": service.pk}, format="json"),
        patient_api.delete(f"{CART}/{item.pk}"),
        patient_api.post(
            f"{CART}/{item.pk}/book", {"start": at(soon(), "10:00").isoformat()}, format="json"
        ),
    ):
        assert response.status_code == 403
        assert "cart" in response.json()["detail"]
    assert CartItem.objects.filter(pk=item.pk).exists()


def test_another_clients_cart_item_is_not_found(api, clinic, item, open_policy):
    stranger = ClientAccountFactory(clinic=clinic)
    api.force_authenticate(user=stranger.user)
    assert api.get(CART).json()["results"] == []
    assert api.delete(f"{CART}/{item.pk}").status_code == 404
    response = api.post(
        f"{CART}/{item.pk}/book", {"start": at(soon(), "10:00").isoformat()}, format="json"
    )
    assert response.status_code == 404
    assert CartItem.objects.filter(pk=item.pk).exists()
    assert not Booking.objects.exists()


def test_the_same_person_at_another_clinic_sees_another_cart(clinic, other_clinic, item):
    from rest_framework.test import APIClient

    from tests.fixtures.clinics import host_client

    there = host_client(other_clinic, APIClient)
    there.force_authenticate(user=item.client.user)
    assert there.get(CART).json()["results"] == []
    assert there.delete(f"{CART}/{item.pk}").status_code == 404


def test_signed_out_visitors_have_no_cart(api):
    assert api.get(CART).status_code in (401, 403)


def test_the_service_refuses_a_client_of_another_clinic(clinic, other_clinic, service):
    stranger = ClientAccountFactory(clinic=other_clinic)
    with pytest.raises(CartError) as error:
        cart_add(clinic=clinic, client=stranger, service=service)
    assert error.value.field == "client"


def test_an_item_in_the_cart_leaves_the_slots_on_offer(clinic, service, emma, item, open_policy):
    day = soon()
    slots = find_slots(clinic=clinic, service=service, date_from=day, date_to=day)
    assert slots and slots[0].start == at(day, "09:00")
