"""A typed client generated from the published schema (openapi-python-client, as a
mobile team would generate Kotlin or Swift) is complete enough to use: it builds, and a
call round-trips through typed models — the clinic, a patient's paged bookings with
their status enum, and a refusal as the ``Error`` model with its code enum."""

import importlib
import json
import os
import shutil
import subprocess
import sys

import httpx
import pytest

from tests.api.openapi_check import DjangoTestWsgi, openapi
from tests.fixtures.booking import MONDAY, at

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def portal_client(tmp_path_factory):
    """The generated package, imported (``portal_client``), made once per run."""
    root = tmp_path_factory.mktemp("typed_client")
    schema = root / "schema.json"
    schema.write_text(json.dumps(openapi()))
    bin_dir = os.path.dirname(sys.executable)
    generator = shutil.which("openapi-python-client", path=bin_dir)
    assert generator, "openapi-python-client is in the test lock"
    result = subprocess.run(
        [generator, "generate", "--path", str(schema), "--meta", "none"]
        + ["--output-path", str(root / "portal_client")],
        cwd=root,
        env={**os.environ, "PATH": f"{bin_dir}{os.pathsep}{os.environ.get('PATH', '')}"},
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    # Every schema (model) was generated; only file downloads (PDF, images) are left out.
    assert "Unable to process schema" not in result.stdout, result.stdout
    sys.path.insert(0, str(root))
    try:
        yield importlib.import_module("portal_client")
    finally:
        sys.path.remove(str(root))
        for name in [m for m in sys.modules if m.split(".")[0] == "portal_client"]:
            del sys.modules[name]


def _transport():
    return {"transport": httpx.WSGITransport(app=DjangoTestWsgi())}


def test_a_generated_typed_client_round_trips(
    portal_client, clinic, patient, full_policy, emma, patient_api
):
    from people.services import device_token_issue

    base_url = f"http://{clinic.site.hostname}"
    clinic_api = importlib.import_module("portal_client.api.clinic.clinic_retrieve")
    bookings_api = importlib.import_module("portal_client.api.booking.bookings_list")
    me_api = importlib.import_module("portal_client.api.account.me_retrieve")
    models = importlib.import_module("portal_client.models")

    visitor = portal_client.Client(base_url=base_url, httpx_args=_transport())
    answer = clinic_api.sync_detailed(client=visitor)
    assert answer.status_code == 200
    assert answer.parsed.name == clinic.name
    assert answer.parsed.to_dict() == json.loads(answer.content)  # a lossless round trip

    patient_api.post(
        "/api/v1/bookings",
        {"service": "consult", "staff": "emma", "start": at(MONDAY, "10:00").isoformat()},
        format="json",
    )
    _token, key = device_token_issue(clinic=clinic, user=patient.user, name="typed client")
    app = portal_client.AuthenticatedClient(
        base_url=base_url, token=key, prefix="Token", httpx_args=_transport()
    )
    page = bookings_api.sync(client=app, page_size=10)
    assert isinstance(page, models.PaginatedBookingList) and page.count == 1
    [booking] = page.results
    assert isinstance(booking.status, models.BookingStatusEnum)
    assert booking.service.key == "consult"

    refused = me_api.sync_detailed(client=visitor)
    assert refused.status_code == 401
    assert isinstance(refused.parsed, models.Error)
    assert refused.parsed.code == models.ErrorCodeEnum.NOT_AUTHENTICATED
