"""``seed_demo``: each demo clinic answers at its host, with its logo. Kept apart from
test_seed_demo.py, which seeds once per module: these tests read the logo files, and media
lives in a folder of each test's own, so each seeds afresh."""

import pytest
from django.test import Client

from tests.demo.test_seed_demo import seed

pytestmark = pytest.mark.django_db


@pytest.fixture
def freshly_seeded(db):
    return seed()


@pytest.mark.parametrize(
    ("host", "name", "currency"),
    [
        ("glow.localhost", "Glow Aesthetics", "GBP"),
        ("riverside.localhost", "Riverside Veterinary", "USD"),
    ],
)
def test_each_clinic_answers_at_its_host(freshly_seeded, host, name, currency):
    response = Client(HTTP_HOST=host).get("/api/v1/clinic")
    assert response.status_code == 200
    body = response.json()
    assert (body["name"], body["currency"], body["domain"]) == (name, currency, host)
    assert body["logo_url"]
