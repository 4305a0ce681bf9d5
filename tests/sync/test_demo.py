"""The demo: ``make demo`` connects Riverside to a local practice system
(``python -m sync.fake_practice``, loopback only) seeded from demo/riverside.yaml; a pet
changed there shows in the portal after the next run."""

from io import StringIO
from pathlib import Path
from urllib.request import urlopen

import pytest
from django.conf import settings
from django.core.management import call_command

from people.models import Pet
from sync.fake_practice import demo_handler, demo_practice
from sync.models import SyncConnection
from sync.services.runner import connection_run
from tests.fixtures.local_servers import serving
from tests.fixtures.sync import server_url

pytestmark = pytest.mark.django_db
RIVERSIDE = Path(settings.BASE_DIR) / "demo" / "riverside.yaml"


def test_a_pet_changed_in_the_demo_practice_system_shows_in_the_portal_after_a_run(
    monkeypatch,
):
    practice = demo_practice(RIVERSIDE)
    with serving(demo_handler(practice)) as server:
        monkeypatch.setenv("PRACTICE_PORT", str(server.server_address[1]))
        call_command("seed_demo", stdout=StringIO())
        connection = SyncConnection.objects.get(clinic__slug="riverside")
        assert connection.base_url == server_url(server)
        first = connection_run(connection_id=connection.pk)
        assert first.status == "succeeded", first.error
        # The demo file and the practice system agree: nothing doubled.
        assert first.counts["pets"]["created"] == 0
        assert Pet.objects.filter(clinic=connection.clinic).count() == 3

        # The newcomer renames Biscuit on the practice system's page…
        body = b"id=PMS-1001&name=Biscuit+Jr&date_of_birth=2019-04-12&status=active"
        urlopen(f"{server_url(server)}/_edit", data=body).read()
        assert "Biscuit Jr" in urlopen(f"{server_url(server)}/").read().decode()
        connection_run(connection_id=connection.pk)
    assert Pet.objects.get(clinic=connection.clinic, external_id="PMS-1001").name == "Biscuit Jr"
