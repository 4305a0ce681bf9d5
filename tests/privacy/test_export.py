"""A patient's copy of their data: asked for in the portal or the API, made by the worker,
downloaded once through a signed link that only they can use, at this clinic only, until
it expires."""

import io
import json
import re
import zipfile
from datetime import timedelta

import pytest
from django.core import signing
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from privacy.models import DataExport, ExportStatus
from privacy.services import LINK_SALT, export_link_token, export_request
from tests.factories.clients import ClientAccountFactory
from tests.fixtures.clinics import host_client

pytestmark = pytest.mark.django_db


def _portal(clinic, user):
    client = host_client(clinic)
    client.force_login(user)
    return client


def _api(clinic, user):
    client = host_client(clinic, APIClient)
    client.force_authenticate(user)
    return client


def _ready_export(clinic, account, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        export = export_request(clinic=clinic, client=account)
    export.refresh_from_db()
    return export


def test_the_portal_asks_the_worker_makes_the_zip_and_its_link_works_once(
    clinic, zelda, django_capture_on_commit_callbacks
):
    browser = _portal(clinic, zelda.user)
    with django_capture_on_commit_callbacks(execute=True):
        response = browser.post(reverse("portal:privacy_export"))
    assert response.status_code == 302
    export = DataExport.objects.get(client=zelda)
    assert export.status == ExportStatus.READY and export.expires_at > timezone.now()

    page = browser.get(reverse("portal:privacy")).content.decode()
    # The token is signed with the time: read the page's own link, then check it is this
    # export's (one made here a second later would differ letter for letter).
    prefix = reverse("portal:privacy_download", args=["TOKEN"]).split("TOKEN")[0]
    match = re.search(re.escape(prefix) + r"([^/\"]+)/", page)
    assert match, "the privacy page offers no download link"
    link = match.group(0)
    assert signing.loads(match.group(1), salt=LINK_SALT)["e"] == export.pk

    response = browser.get(link)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    assert response["Cache-Control"] == "private, no-store"
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    names = set(archive.namelist())
    for part in (
        "profile",
        "bookings",
        "payments",
        "forms",
        "medical_history",
        "messages",
        "photos",
        "loyalty",
        "notifications",
        "consents",
    ):
        assert f"{part}/data.json" in names, part
    profile = json.loads(archive.read("profile/data.json"))
    assert (profile["email"], profile["phone"]) == ("zelda.quixotic@example.com", "+447700900777")
    bookings = json.loads(archive.read("bookings/data.json"))
    assert bookings[0]["your_notes"] == "Zelda Quixotic prefers mornings"
    payments = json.loads(archive.read("payments/data.json"))
    assert payments["payments"][0]["amount_minor_units"] == 2000
    forms = json.loads(archive.read("forms/data.json"))
    assert archive.read(f"forms/{forms[0]['pdf']}").startswith(b"%PDF")
    messages = json.loads(archive.read("messages/data.json"))
    reply = messages[0]["messages"][-1]
    assert reply["body"].startswith("Thanks, Zelda")
    assert archive.read(f"messages/{reply['attachment']}")[:3] == b"\xff\xd8\xff"
    photos = json.loads(archive.read("photos/data.json"))
    assert archive.read(f"photos/{photos[0]['file']}")[:3] == b"\xff\xd8\xff"  # a JPEG
    loyalty = json.loads(archive.read("loyalty/data.json"))
    assert loyalty["ledger"][0]["amount"] == 50
    # Staff's internal notes are not the client's to read (people.models.notes).
    assert "Zelda Quixotic is lovely" not in json.dumps(
        [json.loads(archive.read(n)) for n in names if n.endswith(".json")]
    )

    again = browser.get(link)
    assert again.status_code == 410
    assert "already used" in again.content.decode()
    export.refresh_from_db()
    assert export.status == ExportStatus.DOWNLOADED and not export.file


def test_an_expired_link_says_so_and_gives_nothing(
    clinic, zelda, django_capture_on_commit_callbacks
):
    export = _ready_export(clinic, zelda, django_capture_on_commit_callbacks)
    DataExport.objects.filter(pk=export.pk).update(expires_at=timezone.now() - timedelta(minutes=1))
    response = _portal(clinic, zelda.user).get(
        reverse("portal:privacy_download", args=[export_link_token(export)])
    )
    assert response.status_code == 410
    assert "expired" in response.content.decode()
    export.refresh_from_db()
    assert export.status == ExportStatus.READY and export.downloaded_at is None


def test_another_person_or_clinic_cannot_use_the_link(
    clinic, other_clinic, zelda, django_capture_on_commit_callbacks
):
    export = _ready_export(clinic, zelda, django_capture_on_commit_callbacks)
    token = export_link_token(export)
    path = reverse("portal:privacy_download", args=[token])
    someone = ClientAccountFactory(clinic=clinic)
    assert _portal(clinic, someone.user).get(path).status_code == 404
    # The same person at another clinic's domain.
    ClientAccountFactory(clinic=other_clinic, user=zelda.user)
    assert _portal(other_clinic, zelda.user).get(path).status_code == 404
    # A tampered token.
    assert _portal(clinic, zelda.user).get(path.replace(token, token[:-2] + "xx")).status_code == (
        404
    )
    # Signed out: to the sign-in page, nothing given.
    assert host_client(clinic).get(path).status_code == 302
    export.refresh_from_db()
    assert export.status == ExportStatus.READY and export.file


def test_the_api_asks_lists_and_downloads_once(clinic, zelda, django_capture_on_commit_callbacks):
    api = _api(clinic, zelda.user)
    assert api.get("/api/v1/privacy/export").status_code == 204
    with django_capture_on_commit_callbacks(execute=True):
        response = api.post("/api/v1/privacy/export")
    assert response.status_code == 202
    body = api.get("/api/v1/privacy/export").json()
    assert body["status"] == "ready" and body["download_url"]
    download = api.get(body["download_url"])
    assert download.status_code == 200
    assert "profile/data.json" in zipfile.ZipFile(io.BytesIO(download.content)).namelist()
    used = api.get(body["download_url"])
    assert (used.status_code, used.json()["code"]) == (410, "export_link_used")
    assert api.get("/api/v1/privacy/export").json()["download_url"] is None


def test_the_api_link_refuses_another_person(clinic, zelda, django_capture_on_commit_callbacks):
    export = _ready_export(clinic, zelda, django_capture_on_commit_callbacks)
    url = reverse("api:privacy-export-download", args=[export_link_token(export)])
    other = ClientAccountFactory(clinic=clinic)
    response = _api(clinic, other.user).get(url)
    assert (response.status_code, response.json()["code"]) == (404, "export_link_invalid")
    assert host_client(clinic, APIClient).get(url).status_code == 401


def test_one_export_at_a_time(clinic, zelda):
    api = _api(clinic, zelda.user)
    assert api.post("/api/v1/privacy/export").status_code == 202  # the worker not run
    refused = api.post("/api/v1/privacy/export")
    assert (refused.status_code, refused.json()["code"]) == (409, "export_pending")
    assert DataExport.objects.filter(client=zelda).count() == 1


def test_a_new_export_kills_the_old_link(clinic, zelda, django_capture_on_commit_callbacks):
    first = _ready_export(clinic, zelda, django_capture_on_commit_callbacks)
    old_token = export_link_token(first)
    _ready_export(clinic, zelda, django_capture_on_commit_callbacks)
    first.refresh_from_db()
    assert not first.file
    response = _portal(clinic, zelda.user).get(reverse("portal:privacy_download", args=[old_token]))
    assert response.status_code == 410


def test_the_hourly_purge_removes_expired_files_and_the_link_still_says_expired(
    clinic, zelda, django_capture_on_commit_callbacks
):
    from privacy.tasks import purge_expired_exports

    export = _ready_export(clinic, zelda, django_capture_on_commit_callbacks)
    stored = export.file.name
    assert purge_expired_exports() == 0  # not expired yet
    DataExport.objects.filter(pk=export.pk).update(expires_at=timezone.now() - timedelta(hours=1))
    assert purge_expired_exports() == 1
    export.refresh_from_db()
    assert not export.file and not export.file.storage.exists(stored)
    response = _api(clinic, zelda.user).get(
        reverse("api:privacy-export-download", args=[export_link_token(export)])
    )
    assert (response.status_code, response.json()["code"]) == (410, "export_link_expired")


def test_the_person_is_told_when_the_copy_is_ready(
    clinic, zelda, django_capture_on_commit_callbacks
):
    from notifications.models import Notification

    export = _ready_export(clinic, zelda, django_capture_on_commit_callbacks)
    note = Notification.objects.get(clinic=clinic, user=zelda.user, kind="data_export_ready")
    assert note.url.endswith(reverse("portal:privacy"))
    assert note.idempotency_key == f"data-export-{export.pk}"
    # The link itself is never sent: it works only for the signed-in person.
    download = reverse("portal:privacy_download", args=["TOKEN"]).split("TOKEN")[0]
    assert download not in note.body + note.url
