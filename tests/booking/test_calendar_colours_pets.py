"""The calendar's boxes: the service's colour (a named palette, chosen by a manager; the
default for services without one) with the status as the stripe, and at a vet the pet's
name on the box and in its tooltip."""

import pytest
from django.test import Client

from booking_api.models import Booking, ServiceColour
from booking_api.services import booking_create
from tests.factories.records import PetFactory
from tests.fixtures.booking import MONDAY, at

pytestmark = pytest.mark.django_db

CALENDAR = "/admin/bookings/calendar/"


def signed_in(user, clinic):
    client = Client(HTTP_HOST=clinic.site.hostname)
    client.force_login(user)
    return client


def test_boxes_take_the_services_colour_and_keep_the_status_stripe(
    open_policy, staff_user, patient, service, emma
):
    booking = booking_create(
        clinic=open_policy,
        client=patient,
        service=service,
        start=at(MONDAY, "10:00"),
        staff=emma,
        source="staff",
    )
    desk = signed_in(staff_user, open_policy)
    html = desk.get(CALENDAR, {"date": MONDAY.isoformat()}).content.decode()
    assert "cal-event status-booked svc-default" in html
    assert "Status (left stripe):" in html

    service.colour = ServiceColour.LAVENDER
    service.save()
    html = desk.get(CALENDAR, {"date": MONDAY.isoformat()}).content.decode()
    assert "cal-event status-booked svc-lavender" in html
    assert 'class="cal-svc-swatch svc-lavender"></span>Consultation' in html
    assert f'data-booking="{booking.pk}"' in html


def test_the_pet_is_named_on_the_box_and_in_its_tooltip(
    open_policy, staff_user, patient, service, emma
):
    booking = booking_create(
        clinic=open_policy,
        client=patient,
        service=service,
        start=at(MONDAY, "10:00"),
        staff=emma,
        source="staff",
    )
    Booking.objects.filter(pk=booking.pk).update(pet=PetFactory(owner=patient, name="Biscuit"))
    html = signed_in(staff_user, open_policy).get(CALENDAR, {"date": MONDAY.isoformat()})
    html = html.content.decode()
    assert f"{patient.name} · Biscuit · Consultation" in html  # the tooltip
    assert '<span class="w-sr-only">Pet: </span>Biscuit</span>' in html


def test_a_manager_picks_a_colour_from_the_palette_in_the_service_form(
    open_policy, manager, service
):
    admin = signed_in(manager, open_policy)
    html = admin.get(f"/admin/bookings/services/edit/{service.pk}/").content.decode()
    assert 'name="colour"' in html
    assert ">Lavender<" in html and ">Stone grey<" in html
