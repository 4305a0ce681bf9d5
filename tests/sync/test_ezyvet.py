"""The ezyVet connector against a local server speaking ezyVet's v1 protocol: the
token request, bearer calls, ``items``/``meta`` paging, the ``modified_at`` comparator
for incremental runs, a fresh token after a 401, its error answers."""

import datetime
import json

import pytest

from booking_api.models import BookingStatus
from booking_api.services import booking_create
from people.models import ClientAccount, Pet
from sync.models import BookingLink, ExternalAppointment, LinkState, SyncCursor
from sync.services.connections import connection_save, connection_test
from sync.services.runner import connection_run
from tests.factories.booking import ServiceFactory, StaffFactory
from tests.fixtures.booking import MONDAY, at

pytestmark = pytest.mark.django_db
NY = datetime.timezone(datetime.timedelta(hours=-5))


def seed(ezyvet):
    ezyvet.put("species", {"id": "1", "name": "Canine"})
    ezyvet.put("species", {"id": "2", "name": "Feline"})
    for n, (first, email) in enumerate(
        [("Ann", "ann@example.com"), ("Bob", "bob@example.com"), ("Cy", "cy@example.com")], start=1
    ):
        ezyvet.put(
            "contact",
            {"id": str(n), "first_name": first, "last_name": "Lee", "modified_at": 1700000000 + n},
        )
        ezyvet.put(
            "contactdetail",
            {"id": str(100 + n), "contact_id": str(n), "value": email, "modified_at": 1},
        )
    ezyvet.put(
        "contactdetail",
        {"id": "200", "contact_id": "1", "value": "+1 212 555 0100", "modified_at": 1},
    )
    ezyvet.put(
        "animal",
        {
            "id": "11",
            "name": "Rex",
            "contact_id": "1",
            "species_id": "1",
            "date_of_birth": "2018-06-01",
            "is_dead": "0",
            "modified_at": 1700000100,
        },
    )
    ezyvet.put(
        "animal",
        {
            "id": "12",
            "name": "Tom",
            "contact_id": "2",
            "species_id": "2",
            "date_of_birth": "2010-01-01",
            "is_dead": "1",
            "modified_at": 1700000101,
        },
    )
    start = int(at(MONDAY, "09:00", tz=NY).timestamp())
    ezyvet.put(
        "appointment",
        {
            "id": "21",
            "modified_at": 1700000200,
            "details": {
                "start_at": start,
                "end_at": start + 1800,
                "resource_list": ["6"],
                "animal_id": "11",
                "contact_id": "1",
                "description": "Vaccines",
            },
        },
    )


def test_a_first_sync_speaks_ezyvets_protocol_then_asks_only_for_changes(
    vet, ezyvet, ezyvet_connection
):
    sam = StaffFactory(clinic=vet, key="sam")
    seed(ezyvet)
    ezyvet_connection.page_size = 2
    ezyvet_connection.save()
    run = connection_run(connection_id=ezyvet_connection.pk)
    assert run.status == "succeeded", run.error

    token_call = ezyvet.requests[0]
    assert (token_call["method"], token_call["path"]) == ("POST", "/v1/oauth/access_token")
    assert token_call["body"]["grant_type"] == "client_credentials"
    assert (token_call["body"]["partner_id"], token_call["body"]["client_id"]) == ("P1", "cid")
    assert token_call["body"]["client_secret"] == "secret"
    assert "read-animal" in token_call["body"]["scope"]
    gets = [(r["path"], r["query"]) for r in ezyvet.requests if r["method"] == "GET"]
    assert gets[:4] == [
        ("/v1/contact", {"limit": "2", "page": "1"}),
        ("/v1/contactdetail", {"contact_id": '{"in":["1","2"]}', "limit": "200"}),
        ("/v1/contact", {"limit": "2", "page": "2"}),
        ("/v1/contactdetail", {"contact_id": '{"in":["3"]}', "limit": "200"}),
    ]
    bearer = {r["headers"]["Authorization"] for r in ezyvet.requests if r["method"] == "GET"}
    assert bearer == {f"Bearer {next(iter(ezyvet.tokens))}"}
    assert ezyvet_connection.__class__.objects.get().access_token in ezyvet.tokens

    ann = ClientAccount.objects.get(clinic=vet, user__email="ann@example.com")
    assert (ann.user.first_name, ann.phone) == ("Ann", "+12125550100")
    rex = Pet.objects.get(clinic=vet, external_id="11")
    assert (rex.owner, rex.species, rex.date_of_birth) == (ann, "dog", datetime.date(2018, 6, 1))
    assert Pet.objects.get(external_id="12").sync_state.status == "deceased"
    visit = ExternalAppointment.objects.get(external_id="21")
    assert (visit.staff, visit.pet, visit.start) == (sam, rex, at(MONDAY, "09:00", tz=NY))
    assert SyncCursor.objects.get(resource="clients").cursor == "1700000003:1:1700000003"

    # The next run asks only for what changed since (ezyVet's field comparator).
    ezyvet.requests.clear()
    again = connection_run(connection_id=ezyvet_connection.pk)
    assert again.counts["clients"]["created"] == 0
    contact_get = next(r for r in ezyvet.requests if r["path"] == "/v1/contact")
    assert json.loads(contact_get["query"]["modified_at"]) == {"gte": 1700000003}
    assert ClientAccount.objects.filter(clinic=vet).count() == 3


def test_an_expired_token_is_renewed_once_and_a_busy_server_retried(vet, ezyvet, ezyvet_connection):
    seed(ezyvet)
    connection_run(connection_id=ezyvet_connection.pk)
    ezyvet.requests.clear()
    ezyvet.expire_tokens = True  # the next call gets a 401
    ezyvet.fail_next = 0
    run = connection_run(connection_id=ezyvet_connection.pk)
    assert run.status == "succeeded", run.error
    calls = [(r["method"], r["path"]) for r in ezyvet.requests]
    assert calls[:3] == [
        ("GET", "/v1/contact"),
        ("POST", "/v1/oauth/access_token"),
        ("GET", "/v1/contact"),
    ]
    ezyvet.fail_next = 2  # two 503s: retried
    assert connection_run(connection_id=ezyvet_connection.pk).status == "succeeded"


def test_refused_credentials_fail_the_run_at_once_and_the_test_button_says_so(
    vet, ezyvet, ezyvet_connection
):
    connection_save(
        clinic=vet,
        kind="ezyvet",
        base_url=ezyvet.url,
        auth="oauth2",
        credentials={"client_id": "cid", "client_secret": "wrong", "partner_id": "P1"},
    )
    run = connection_run(connection_id=ezyvet_connection.pk)
    assert run.status == "failed" and "Client authentication failed" in run.error
    assert [r["path"] for r in ezyvet.requests] == ["/v1/oauth/access_token"]  # no retries

    result = connection_test(connection=ezyvet_connection.__class__.objects.get())
    assert result.reachable and not result.authenticated
    assert "Client authentication failed" in result.message


def test_the_test_button_lists_the_resources_that_answer(vet, ezyvet, ezyvet_connection):
    result = connection_test(connection=ezyvet_connection)
    assert (result.reachable, result.authenticated) == (True, True)
    assert result.resources == {"clients": True, "pets": True, "appointments": True}


def test_a_booking_ezyvet_refuses_is_cancelled_and_needs_attention(
    vet, owner, ezyvet, ezyvet_connection, django_capture_on_commit_callbacks
):
    from branding.services import policy_update

    policy_update(clinic=vet, min_notice_minutes=0, max_advance_days=730)
    service = ServiceFactory(clinic=vet, duration_minutes=30, slot_step_minutes=30, price=0)
    sam = StaffFactory(clinic=vet, key="sam", services=[service])
    start = at(MONDAY, "10:00", tz=NY)
    ezyvet.put(
        "appointment",
        {
            "id": "99",
            "active": "1",
            "modified_at": 5,
            "details": {
                "start_at": int(start.timestamp()),
                "end_at": int(start.timestamp()) + 1800,
                "resource_list": ["6"],
            },
        },
    )
    ezyvet.requests.clear()
    with django_capture_on_commit_callbacks(execute=True):
        booking = booking_create(clinic=vet, client=owner, service=service, staff=sam, start=start)
    posted = [r for r in ezyvet.requests if (r["method"], r["path"]) == ("POST", "/v1/appointment")]
    assert posted[0]["body"]["start_time"] == int(start.timestamp())
    assert posted[0]["body"]["duration"] == 30
    assert posted[0]["body"]["resources"] == [{"id": "6"}]
    assert posted[0]["body"]["description"] == str(booking.reference)
    booking.refresh_from_db()
    assert booking.status == BookingStatus.CANCELLED
    link = BookingLink.objects.get(booking=booking)
    assert link.state == LinkState.NEEDS_ATTENTION and "already booked" in link.message


def test_a_signed_consent_form_reaches_ezyvet_as_an_attachment_on_the_contact(
    vet, owner, ezyvet, ezyvet_connection
):
    from records.models import SignedForm
    from sync.models import ClientLink, FormLink, SyncRecordError
    from tests.factories.forms import FormTemplateFactory
    from tests.fixtures.forms import sign

    template = FormTemplateFactory(clinic=vet, title="Anaesthetic consent")
    signed = sign(template, owner, typed_name="Ann Lee")
    run = connection_run(connection_id=ezyvet_connection.pk)
    assert run.status == "succeeded", run.error
    assert run.counts["pushed"]["consents"] == 1
    contact_id = ClientLink.objects.get(client=owner).external_id
    sent = [r for r in ezyvet.requests if (r["method"], r["path"]) == ("POST", "/v1/attachment")]
    assert len(sent) == 1
    assert sent[0]["headers"]["Authorization"].startswith("Bearer ezy-")
    assert sent[0]["headers"]["Content-Type"].startswith("multipart/form-data")
    attachment = ezyvet.rows["attachment"][FormLink.objects.get(signed_form=signed).external_id]
    assert (attachment["record_type"], attachment["record_id"]) == ("Contact", contact_id)
    assert attachment["content"] == bytes(signed.pdf) and attachment["content"].startswith(b"%PDF")
    assert (attachment["file_name"], attachment["mime_type"]) == (
        f"signed-form-{signed.pk}.pdf",
        "application/pdf",
    )
    assert "Anaesthetic consent" in attachment["notes"] and "Ann Lee" in attachment["notes"]
    assert signed.pdf_sha256 in attachment["notes"]

    # Once only.
    ezyvet.requests.clear()
    again = connection_run(connection_id=ezyvet_connection.pk)
    assert again.counts["pushed"]["consents"] == 0
    assert not [r for r in ezyvet.requests if r["path"] == "/v1/attachment"]

    # One ezyVet refuses (the contact is gone there) is listed for staff, not linked.
    other = sign(template, owner)
    ezyvet.rows["contact"].pop(contact_id)
    third = connection_run(connection_id=ezyvet_connection.pk)
    assert third.counts["pushed"]["consents"] == 0
    assert not FormLink.objects.filter(signed_form=other).exists()
    error = SyncRecordError.objects.get(resource="consents")
    assert error.external_id == f"signed-form-{other.pk}" and "no such record" in error.message
    assert SignedForm.objects.filter(pk=other.pk).exists()
