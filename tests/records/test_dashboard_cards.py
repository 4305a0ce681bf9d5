"""The Pets and Photo slideshow dashboard cards."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from people.photo_services import photo_mark
from tests.factories.clients import ClientAccountFactory
from tests.factories.records import PetFactory, upload
from tests.fixtures.clinics import host_client
from tests.fixtures.portal import set_cards

pytestmark = pytest.mark.django_db


def test_pets_and_slideshow_cards_show_the_right_things_in_few_queries(vet, owner, vet_portal):
    set_cards(vet, ("pets", {"heading": "Your pets"}), ("slideshow", {"heading": "Happy pets"}))
    PetFactory(owner=owner, name="Biscuit", notes="Loves cheese")
    PetFactory(owner=owner, name="Gone", active=False)
    vet_portal.post("/photos/", {"image": upload(), "shareable": "on", "caption": "Shared one"})
    vet_portal.post("/photos/", {"image": upload(), "caption": "Kept private"})
    from people.models import Photo

    for photo in Photo.objects.all():
        photo_mark(photo=photo, starred=True)

    with CaptureQueriesContext(connection) as queries:
        page = vet_portal.get("/").content.decode()
    assert len(queries) <= 20
    assert "Biscuit" in page and "Loves cheese" in page and "Gone" not in page
    assert "Shared one" in page and "Kept private" not in page

    # A visitor sees the slideshow but no pets card.
    visitor_page = host_client(vet).get("/").content.decode()
    assert "Shared one" in visitor_page and "Biscuit" not in visitor_page
    other = host_client(vet)
    other.force_login(ClientAccountFactory(clinic=vet).user)
    assert "Biscuit" not in other.get("/").content.decode()
