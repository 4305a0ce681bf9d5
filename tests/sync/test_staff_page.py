"""Staff see the sync (Clinic → Practice sync) and the patient sees how fresh their
pets are."""

import datetime

import pytest
from django.utils import timezone

from people.pet_services import pet_create
from sync.models import PetMerge, SyncConnection, SyncRun
from sync.services.runner import connection_run
from tests.factories.clients import MembershipFactory
from tests.fixtures.clinics import admin_client_for

pytestmark = pytest.mark.django_db
URL = "/admin/clinic/sync/"


@pytest.fixture
def vet_manager(vet):
    return MembershipFactory(clinic=vet, role="manager").user


def test_the_page_shows_the_connection_runs_and_skipped_records_by_name(
    vet, vet_manager, practice, practice_connection
):
    practice.put("clients", {"id": "c1", "email": "mia@example.com", "first_name": "Mia"})
    practice.raw_items["pets"] = [{"id": "p-orphan", "owner_id": "ghost", "name": "Tom"}]
    connection_run(connection_id=practice_connection.pk)
    page = admin_client_for(vet_manager, vet).get(URL)
    assert page.status_code == 200
    html = page.content.decode()
    assert 'data-record="pets:p-orphan"' in html and "Missing owner" in html
    assert "clients: +1" in html
    assert "test-key" not in html  # credentials never go back to the browser


def test_quiet_runs_do_not_push_what_happened_off_the_page(
    vet, vet_manager, practice, practice_connection
):
    """A run every minute that finds nothing keeps only its newest (found on the demo:
    "Recent runs" was ten empty runs within minutes)."""
    practice.put("clients", {"id": "c1", "email": "mia@example.com", "first_name": "Mia"})
    first = connection_run(connection_id=practice_connection.pk)
    quiet = [connection_run(connection_id=practice_connection.pk) for _ in range(12)]
    by_staff = connection_run(connection_id=practice_connection.pk, trigger="staff")
    after_staff = connection_run(connection_id=practice_connection.pk)
    kept = list(SyncRun.objects.order_by("pk").values_list("pk", flat=True))
    assert kept == [first.pk, quiet[-1].pk, by_staff.pk, after_staff.pk]
    html = admin_client_for(vet_manager, vet).get(URL).content.decode()
    assert "clients: +1" in html


def test_the_test_button_answers_reachable_signed_in_and_resources(
    vet, vet_manager, practice, practice_connection
):
    admin = admin_client_for(vet_manager, vet)
    answer = admin.post(URL + "test/", follow=True).content.decode()
    assert "Reachable." in answer and "Signed in." in answer
    assert "appointments: answers" in answer


def test_sync_now_runs_at_once(
    vet, vet_manager, practice, practice_connection, django_capture_on_commit_callbacks
):
    practice.put("clients", {"id": "c1", "email": "mia@example.com", "first_name": "Mia"})
    with django_capture_on_commit_callbacks(execute=True):
        admin_client_for(vet_manager, vet).post(URL + "run/")
    assert vet.client_accounts.filter(user__email="mia@example.com").exists()
    assert SyncConnection.objects.get().last_success_at is not None


def test_a_manager_saves_the_connection_and_a_stored_secret_is_kept(vet, vet_manager):
    admin = admin_client_for(vet_manager, vet)
    form = {
        "kind": "ezyvet",
        "base_url": "https://api.trial.ezyvet.com",
        "auth": "oauth2",
        "client_id": "cid",
        "client_secret": "s3",
        "partner_id": "P1",
        "staff_map": "6 = sam",
        "pet_removal_hours": "24",
        "interval_minutes": "5",
        "enabled": "on",
    }
    assert admin.post(URL, form).status_code == 302
    admin.post(URL, {**form, "client_secret": ""})
    connection = SyncConnection.objects.get(clinic=vet)
    assert connection.credentials["client_secret"] == "s3"
    assert connection.staff_map == {"6": "sam"}
    bad = admin.post(URL, {**form, "pet_removal_hours": "72"})
    assert bad.status_code == 200 and SyncConnection.objects.get().pet_removal_hours == 24


def test_another_clinics_staff_cannot_undo_a_merge_here(vet, clinic, practice, practice_connection):
    practice.put("clients", {"id": "c1", "email": "mia@example.com", "first_name": "Mia"})
    connection_run(connection_id=practice_connection.pk)
    owner = vet.client_accounts.get()
    pet_create(
        clinic=vet, owner=owner, name="Bo", species="dog", date_of_birth=datetime.date(2020, 1, 1)
    )
    practice.put(
        "pets", {"id": "p1", "owner_id": "c1", "name": "Bo", "date_of_birth": "2020-01-01"}
    )
    connection_run(connection_id=practice_connection.pk)
    merge = PetMerge.objects.get()
    glow_manager = MembershipFactory(clinic=clinic, role="manager").user
    answer = admin_client_for(glow_manager, clinic).post(f"{URL}merges/{merge.pk}/undo/")
    assert answer.status_code == 404
    merge.refresh_from_db()
    assert merge.undone_at is None


def test_the_patient_sees_how_fresh_their_pets_are(vet, owner, vet_portal, practice_connection):
    SyncConnection.objects.update(last_success_at=timezone.now() - datetime.timedelta(minutes=4))
    page = vet_portal.get("/pets/").content.decode()
    assert "Last updated 4\xa0minutes ago" in page
