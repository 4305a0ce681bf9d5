"""Issue 19: services and staff carry their pictures (chosen in the admin) as rendition
URLs, in a constant number of queries however many there are; null without one."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.factories.booking import ServiceFactory, StaffFactory, wagtail_image

pytestmark = pytest.mark.django_db


def test_services_and_staff_carry_their_pictures_as_rendition_urls(api, clinic, service, emma):
    assert api.get("/api/v1/services").json()["results"][0]["image"] is None
    assert api.get("/api/v1/staff").json()["results"][0]["photo"] is None

    service.image = wagtail_image("Consultation")
    service.save()
    emma.photo = wagtail_image("Emma", size=(600, 800))
    emma.save()
    image = api.get("/api/v1/services").json()["results"][0]["image"]
    assert set(image) == {"card", "thumb"}
    assert image["card"].startswith("http://") and ".fill-640x360" in image["card"]
    assert api.get(image["thumb"].split(clinic.site.hostname, 1)[1]).status_code in (200, 404)
    photo = api.get("/api/v1/staff").json()["results"][0]["photo"]
    assert set(photo) == {"avatar", "portrait"} and ".fill-192x192" in photo["avatar"]


def test_the_service_list_reads_pictures_in_a_constant_number_of_queries(api, clinic):
    def count():
        with CaptureQueriesContext(connection) as ctx:
            assert api.get("/api/v1/services").status_code == 200
        return len(ctx)

    def add(n):
        for i in range(n):
            service = ServiceFactory(clinic=clinic, image=wagtail_image(f"Service {i}"))
            StaffFactory(clinic=clinic, services=[service], photo=wagtail_image(f"Staff {i}"))

    add(1)
    count()  # the renditions are made once
    small = count()
    add(4)
    count()
    assert count() == small
