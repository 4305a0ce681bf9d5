"""Erasure: the patient asks (portal or API), staff approve or decline in the admin
(audited); approved, the person is anonymised in one transaction — no name, email,
phone, photo or message of theirs left in any table — while payments, signed forms and
clinical notes stay on the detached account for the clinic's retention period, and
they can no longer sign in."""

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from booking_api.models import Booking
from notifications.models import AppDevice, Notification
from payments.models import Payment
from people.models import AuditEntry, ClientAccount, DeviceToken, Photo, User
from people.services import device_token_issue
from privacy.models import ErasureRequest, ErasureStatus, PrivacySettings
from privacy.services import erasure_request
from records.models import MedicalHistoryVersion, Message, MessageThread, SignedForm
from tests.factories.clients import PASSWORD, ClientAccountFactory, MembershipFactory
from tests.fixtures.clinics import admin_client_for, host_client
from tests.fixtures.privacy import ZELDA

pytestmark = pytest.mark.django_db

# Rows the law keeps as they are: the append-only audit log (who looked at what) and
# the signed forms (the typed name and the PDF are the signature).
KEPT_AS_SIGNED = {"clients_auditentry", "clients_signedform"}


def tables_mentioning(needle):
    """Every (table, column) whose text holds ``needle``, case-insensitively."""
    found = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            if table in KEPT_AS_SIGNED:
                continue
            for column in connection.introspection.get_table_description(cursor, table):
                name = connection.ops.quote_name(column.name)
                cursor.execute(
                    f"SELECT COUNT(*) FROM {connection.ops.quote_name(table)} "
                    f"WHERE LOWER(CAST({name} AS TEXT)) LIKE %s",
                    [f"%{needle.lower()}%"],
                )
                if cursor.fetchone()[0]:
                    found.append((table, column.name))
    return found


def _approve(clinic, staff_user, erasure):
    admin = admin_client_for(staff_user, clinic)
    return admin.post(reverse("clinic_privacy:approve", args=[erasure.pk]))


def test_approved_erasure_leaves_no_trace_of_the_person_and_keeps_the_records(
    clinic, zelda, staff_user, django_capture_on_commit_callbacks
):
    user = zelda.user
    browser = host_client(clinic)
    browser.force_login(user)
    device_token_issue(clinic=clinic, user=user, name="Phone")
    for needle in (ZELDA["email"], ZELDA["last_name"], ZELDA["phone"][3:]):
        assert tables_mentioning(needle), needle  # there before
    photo_files = [photo.image for photo in Photo.objects.filter(client=zelda)]
    photo_files += [
        m.attachment for m in Message.objects.filter(thread__client=zelda) if m.attachment
    ]
    assert len(photo_files) == 2  # the selfie and the message's file
    assert all(f.storage.exists(f.name) for f in photo_files)
    kept_before = (
        Payment.objects.filter(booking__client=zelda).count(),
        SignedForm.objects.filter(client=zelda).count(),
        MedicalHistoryVersion.objects.filter(client=zelda).count(),
        Booking.objects.filter(client=zelda).count(),
    )
    erasure = erasure_request(clinic=clinic, client=zelda, source="portal")

    with django_capture_on_commit_callbacks(execute=True):
        response = _approve(clinic, staff_user, erasure)
    assert response.status_code == 302

    for needle in (
        ZELDA["email"],
        ZELDA["first_name"],
        ZELDA["last_name"],
        ZELDA["phone"],
        ZELDA["phone"][3:],
        "07700 900777",
    ):
        assert tables_mentioning(needle) == [], needle
    assert not Photo.objects.filter(client=zelda).exists()
    assert not any(f.storage.exists(f.name) for f in photo_files)
    assert not MessageThread.objects.filter(client=zelda).exists()
    assert not Message.objects.filter(author=user).exists()
    assert not AppDevice.objects.filter(user=user).exists()
    # Kept, on the same (now nameless) account.
    assert (
        Payment.objects.filter(booking__client=zelda).count(),
        SignedForm.objects.filter(client=zelda).count(),
        MedicalHistoryVersion.objects.filter(client=zelda).count(),
        Booking.objects.filter(client=zelda).count(),
    ) == kept_before
    zelda.refresh_from_db()
    assert zelda.user_id != user.pk and zelda.user.email.endswith("@erased.invalid")
    assert zelda.archived_at is not None and zelda.phone == ""
    # The person cannot sign in any more; their devices and sessions are gone.
    user.refresh_from_db()
    assert not user.is_active and not user.has_usable_password()
    assert not DeviceToken.objects.filter(user=user).exists()
    assert browser.get(reverse("portal:privacy")).status_code == 302  # to sign in
    assert not host_client(clinic).login(email=ZELDA["email"], password=PASSWORD)
    token = host_client(clinic, APIClient).post(
        "/api/v1/auth/token", {"email": ZELDA["email"], "password": PASSWORD}, format="json"
    )
    assert token.status_code in (400, 401)
    # Recorded, audited, kept until the retention period ends.
    erasure.refresh_from_db()
    assert erasure.status == ErasureStatus.APPROVED and erasure.decided_by == staff_user
    assert erasure.keep_until.year == timezone.localdate().year + 7
    assert AuditEntry.objects.filter(
        client=zelda, actor=staff_user, summary__startswith="Approved the erasure"
    ).exists()


def test_the_retention_period_is_the_clinics(clinic, zelda, staff_user, manager):
    admin = admin_client_for(manager, clinic)
    response = admin.post(reverse("clinic_privacy:retention"), {"retention_years": "10"})
    assert response.status_code == 302
    assert PrivacySettings.objects.get(clinic=clinic).retention_years == 10
    erasure = erasure_request(clinic=clinic, client=zelda, source="api")
    _approve(clinic, staff_user, erasure)
    erasure.refresh_from_db()
    assert erasure.keep_until.year == timezone.localdate().year + 10


def test_a_bad_retention_period_changes_nothing(clinic, manager, staff_user):
    response = admin_client_for(manager, clinic).post(
        reverse("clinic_privacy:retention"), {"retention_years": "0"}
    )
    assert response.status_code == 400
    assert not PrivacySettings.objects.filter(clinic=clinic, retention_years=0).exists()
    # Front-desk staff may decide requests but not set the period.
    refused = admin_client_for(staff_user, clinic).post(
        reverse("clinic_privacy:retention"), {"retention_years": "3"}
    )
    assert (refused.status_code, refused["Location"]) == (302, "/admin/")  # Wagtail's refusal
    assert not PrivacySettings.objects.filter(clinic=clinic, retention_years=3).exists()


def _snapshot(account):
    account.refresh_from_db()
    account.user.refresh_from_db()
    return (
        account.user_id,
        account.user.email,
        account.user.first_name,
        account.user.is_active,
        account.phone,
        Photo.objects.filter(client=account).count(),
        MessageThread.objects.filter(client=account).count(),
    )


def test_declined_with_a_reason_changes_nothing_but_the_request(clinic, zelda, staff_user):
    before = _snapshot(zelda)
    erasure = erasure_request(clinic=clinic, client=zelda, source="portal")
    admin = admin_client_for(staff_user, clinic)
    # No reason: refused, still waiting.
    admin.post(reverse("clinic_privacy:decline", args=[erasure.pk]), {"reason": " "})
    erasure.refresh_from_db()
    assert erasure.status == ErasureStatus.REQUESTED
    admin.post(
        reverse("clinic_privacy:decline", args=[erasure.pk]),
        {"reason": "Treatment in progress; ask again after it"},
    )
    erasure.refresh_from_db()
    assert erasure.status == ErasureStatus.DECLINED and erasure.decided_by == staff_user
    assert _snapshot(zelda) == before
    assert AuditEntry.objects.filter(client=zelda, summary="Declined the erasure request").exists()
    told = Notification.objects.get(user=zelda.user, kind="erasure_declined")
    assert "Treatment in progress" in told.body
    # A decided request cannot be approved after all.
    _approve(clinic, staff_user, erasure)
    erasure.refresh_from_db()
    assert erasure.status == ErasureStatus.DECLINED
    assert _snapshot(zelda) == before
    page = host_client(clinic)
    page.force_login(zelda.user)
    assert "Treatment in progress" in page.get(reverse("portal:privacy")).content.decode()


def test_other_clinics_and_therapists_cannot_approve(clinic, other_clinic, zelda):
    before = _snapshot(zelda)
    erasure = erasure_request(clinic=clinic, client=zelda, source="portal")
    other_manager = MembershipFactory(clinic=other_clinic, role="manager").user
    response = admin_client_for(other_manager, other_clinic).post(
        reverse("clinic_privacy:approve", args=[erasure.pk])
    )
    assert response.status_code == 302  # "no such request" at their clinic
    therapist = MembershipFactory(clinic=clinic, role="therapist").user
    refused = admin_client_for(therapist, clinic).post(
        reverse("clinic_privacy:approve", args=[erasure.pk])
    )
    assert (refused.status_code, refused["Location"]) == (302, "/admin/")  # Wagtail's refusal
    erasure.refresh_from_db()
    assert erasure.status == ErasureStatus.REQUESTED
    assert _snapshot(zelda) == before


def test_the_portal_asks_once_and_needs_the_box_ticked(clinic, zelda):
    browser = host_client(clinic)
    browser.force_login(zelda.user)
    browser.post(reverse("portal:privacy_erasure"))
    assert not ErasureRequest.objects.filter(client=zelda).exists()
    browser.post(reverse("portal:privacy_erasure"), {"confirm": "yes"})
    browser.post(reverse("portal:privacy_erasure"), {"confirm": "yes"})
    assert ErasureRequest.objects.filter(client=zelda).count() == 1
    assert "You asked to be erased" in browser.get(reverse("portal:privacy")).content.decode()


def test_the_api_requests_erasure_once(clinic, zelda, staff_user):
    api = host_client(clinic, APIClient)
    api.force_authenticate(zelda.user)
    assert api.get("/api/v1/privacy/erasure").status_code == 204
    response = api.post("/api/v1/privacy/erasure")
    assert response.status_code == 201 and response.json()["status"] == "requested"
    again = api.post("/api/v1/privacy/erasure")
    assert (again.status_code, again.json()["code"]) == (409, "erasure_pending")
    assert ErasureRequest.objects.filter(client=zelda).count() == 1
    listing = admin_client_for(staff_user, clinic).get(reverse("clinic_privacy:requests"))
    assert zelda.user.get_full_name() in listing.content.decode()


def test_a_person_who_is_a_client_elsewhere_is_detached_here_only(
    clinic, other_clinic, zelda, staff_user
):
    user = zelda.user
    elsewhere = ClientAccountFactory(clinic=other_clinic, user=user)
    erasure = erasure_request(clinic=clinic, client=zelda, source="portal")
    _approve(clinic, staff_user, erasure)
    zelda.refresh_from_db()
    user.refresh_from_db()
    assert zelda.user_id != user.pk and zelda.phone == ""
    assert user.is_active and ClientAccount.objects.get(pk=elsewhere.pk).user_id == user.pk
    assert not ClientAccount.objects.filter(clinic=clinic, user=user).exists()
    assert User.objects.get(pk=zelda.user_id).get_full_name() == ""


def test_the_staff_client_page_shows_the_request_and_consents(clinic, zelda, staff_user):
    from privacy.services import consent_set

    consent_set(clinic=clinic, client=zelda, kind="marketing", given=True, source="portal")
    erasure_request(clinic=clinic, client=zelda, source="api")
    page = admin_client_for(staff_user, clinic).get(
        reverse("clinic_workspace:client_detail", args=[zelda.pk]) + "?tab=privacy"
    )
    html = page.content.decode()
    assert "data-privacy-consents" in html and "may send me offers and news" in html
    assert "data-privacy-approve" in html


def test_the_practice_system_link_goes_so_a_sync_cannot_name_the_account_again(
    clinic, zelda, staff_user
):
    from sync.models import ClientLink

    ClientLink.objects.create(clinic=clinic, client=zelda, external_id="EZ-42")
    erasure = erasure_request(clinic=clinic, client=zelda, source="portal")
    _approve(clinic, staff_user, erasure)
    assert not ClientLink.objects.filter(client=zelda).exists()
    erasure.refresh_from_db()
    assert erasure.summary["practice_sync.practice_link"] == 1


def test_deciding_from_the_client_page_returns_to_it(clinic, zelda, staff_user):
    erasure = erasure_request(clinic=clinic, client=zelda, source="portal")
    page = reverse("clinic_workspace:client_detail", args=[zelda.pk])
    response = admin_client_for(staff_user, clinic).post(
        reverse("clinic_privacy:decline", args=[erasure.pk]),
        {"reason": "Open invoice", "next": f"{page}#tab-privacy"},
    )
    assert response["Location"] == f"{page}#tab-privacy"
    # Anywhere else is not followed.
    other = erasure_request(clinic=clinic, client=zelda, source="portal")
    response = admin_client_for(staff_user, clinic).post(
        reverse("clinic_privacy:decline", args=[other.pk]),
        {"reason": "Open invoice", "next": "https://evil.example.com/"},
    )
    assert response["Location"] == reverse("clinic_privacy:requests")
