"""Treatment records: recorded on an appointment (notes, products with batch numbers and
quantities, areas, a follow-up), refused naming the field, amended with every version
kept (author or manager only, audited), shown on the client's "Treatment records" tab
and the appointment page, and the follow-up list (overdue, today, upcoming; mark done)
in the clinic's time zone."""

import datetime
import zoneinfo

import pytest
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from booking_api.models import BookingStatus
from people.models import AuditEntry
from records.errors import RecordsErrorCode
from records.models import TreatmentRecord, TreatmentRecordVersion
from records.treatment_admin import treatments_tab_context
from records.treatment_selectors import follow_ups_due, treatment_records_for_client
from records.treatment_services import (
    TreatmentError,
    follow_up_mark_done,
    treatment_record_add,
    treatment_record_amend,
)
from tests.factories.booking import StaffFactory
from tests.factories.clients import ClientAccountFactory, MembershipFactory
from tests.fixtures.booking import add_booking
from tests.fixtures.clinics import admin_client_for

pytestmark = pytest.mark.django_db

BOTOX = {"name": "Botox 100U", "batch": "C3709C3", "quantity": "20", "unit": "units"}


@pytest.fixture
def nurse(clinic, emma):
    user = MembershipFactory(clinic=clinic, role="therapist", user__first_name="Nia").user
    emma.user = user
    emma.save()
    return user


@pytest.fixture
def visit(clinic, patient, service, emma):
    return add_booking(
        clinic,
        patient,
        service,
        emma,
        timezone.now() - datetime.timedelta(hours=2),
        status=BookingStatus.COMPLETED,
    )


def record(clinic, visit, author, **values):
    return treatment_record_add(
        clinic=clinic,
        booking=visit,
        author=author,
        **{"notes": "Glabella 20u, no bruising", "products": [BOTOX], **values},
    )


def test_a_treatment_record_keeps_products_batches_areas_and_follow_up(clinic, visit, nurse):
    follow_up_on = timezone.localdate() + datetime.timedelta(days=14)
    saved = record(
        clinic,
        visit,
        nurse,
        products=[BOTOX, {"name": "", "batch": "", "quantity": "", "unit": ""}],
        areas=["Glabella (frown lines)", " Forehead ", "forehead"],
        follow_up="Review at two weeks",
        follow_up_on=follow_up_on,
    )
    saved.refresh_from_db()
    assert saved.products == [BOTOX]  # the empty row is dropped
    assert saved.areas == ["Glabella (frown lines)", "Forehead"]
    assert (saved.client, saved.version, saved.follow_up_on) == (visit.client, 1, follow_up_on)
    assert saved.versions.get().notes == "Glabella 20u, no bruising"
    entry = AuditEntry.objects.get(client=visit.client, action="note")
    assert entry.actor == nurse and entry.changes == {"batches": [None, ["C3709C3"]]}


@pytest.mark.parametrize(
    ("values", "field", "code"),
    [
        ({"notes": "  "}, "notes", RecordsErrorCode.REQUIRED),
        ({"products": [{**BOTOX, "batch": ""}]}, "products.0.batch", RecordsErrorCode.REQUIRED),
        (
            {"products": [BOTOX, {**BOTOX, "quantity": "lots"}]},
            "products.1.quantity",
            RecordsErrorCode.VALUE_INVALID,
        ),
        ({"products": [{**BOTOX, "quantity": "0"}]}, "products.0.quantity", "value_invalid"),
        ({"products": [{**BOTOX, "name": ""}]}, "products.0.name", RecordsErrorCode.REQUIRED),
        ({"areas": ["x" * 81]}, "areas.0", RecordsErrorCode.TOO_LONG),
        (
            {"follow_up_on": timezone.localdate() - datetime.timedelta(days=30)},
            "follow_up_on",
            RecordsErrorCode.DATE_INVALID,
        ),
    ],
)
def test_bad_input_is_refused_naming_the_field_and_nothing_is_written(
    clinic, visit, nurse, values, field, code
):
    with pytest.raises(TreatmentError) as refused:
        record(clinic, visit, nurse, **values)
    assert (refused.value.field, refused.value.code) == (field, code)
    assert not TreatmentRecord.objects.exists() and not TreatmentRecordVersion.objects.exists()
    assert not AuditEntry.objects.filter(action="note").exists()


def test_a_cancelled_or_another_clinics_appointment_takes_no_record(
    clinic, other_clinic, visit, nurse
):
    visit.status = BookingStatus.CANCELLED
    visit.save()
    with pytest.raises(TreatmentError) as refused:
        record(clinic, visit, nurse)
    assert refused.value.code == RecordsErrorCode.BOOKING_CANCELLED
    with pytest.raises(TreatmentError) as refused:
        record(other_clinic, visit, MembershipFactory(clinic=other_clinic, role="manager").user)
    assert refused.value.code == RecordsErrorCode.OTHER_CLINIC
    assert not TreatmentRecord.objects.exists()


def test_amending_keeps_every_version_and_is_audited(clinic, visit, nurse, manager):
    saved = record(clinic, visit, nurse)
    amended = treatment_record_amend(
        clinic=clinic,
        record=saved,
        actor=nurse,
        reason="Wrong batch written",
        notes="Glabella 20u, no bruising",
        products=[{**BOTOX, "batch": "C3710A1"}],
    )
    assert amended.version == 2 and amended.products[0]["batch"] == "C3710A1"
    treatment_record_amend(
        clinic=clinic,
        record=amended,
        actor=manager,
        reason="Added the area",
        notes="Glabella 20u, no bruising",
        products=[{**BOTOX, "batch": "C3710A1"}],
        areas=["Glabella (frown lines)"],
    )
    versions = list(saved.versions.order_by("number"))
    assert [v.products[0]["batch"] for v in versions] == ["C3709C3", "C3710A1", "C3710A1"]
    assert [(v.author, v.reason) for v in versions[1:]] == [
        (nurse, "Wrong batch written"),
        (manager, "Added the area"),
    ]
    entry = AuditEntry.objects.filter(action="change", client=visit.client).order_by("pk").first()
    assert entry.changes["products"][0][0]["batch"] == "C3709C3"
    assert "Wrong batch written" in entry.summary


def test_only_the_author_or_a_manager_amends_with_a_reason_and_unchanged_writes_nothing(
    clinic, visit, nurse, staff_user
):
    saved = record(clinic, visit, nurse)
    same = {"notes": "Glabella 20u, no bruising", "products": [BOTOX]}
    with pytest.raises(TreatmentError) as refused:
        treatment_record_amend(
            clinic=clinic, record=saved, actor=staff_user, reason="Mine now", **same
        )
    assert refused.value.code == RecordsErrorCode.ROLE_NOT_ALLOWED
    with pytest.raises(TreatmentError) as refused:
        treatment_record_amend(
            clinic=clinic, record=saved, actor=nurse, reason=" ", **{**same, "notes": "Changed"}
        )
    assert refused.value.field == "reason"
    treatment_record_amend(clinic=clinic, record=saved, actor=nurse, reason="", **same)
    saved.refresh_from_db()
    assert saved.version == 1 and saved.notes == "Glabella 20u, no bruising"
    assert saved.versions.count() == 1


def test_client_records_newest_visit_first_in_two_queries(
    clinic, patient, service, emma, nurse, django_assert_num_queries
):
    for days in (30, 2, 10):
        booking = add_booking(
            clinic, patient, service, emma, timezone.now() - datetime.timedelta(days=days)
        )
        record(clinic, booking, nurse, notes=f"{days} days ago")
    with django_assert_num_queries(2):
        records = treatment_records_for_client(clinic, patient)
        versions = [list(r.versions.all()) for r in records]
    assert [r.notes for r in records] == ["2 days ago", "10 days ago", "30 days ago"]
    assert all(len(v) == 1 for v in versions)


def test_follow_ups_are_grouped_overdue_today_upcoming_and_marked_done(
    clinic, patient, service, emma, nurse, django_assert_num_queries
):
    today = datetime.date(2031, 3, 10)
    start = datetime.datetime(2031, 3, 1, 15, tzinfo=datetime.UTC)
    booking = add_booking(clinic, patient, service, emma, start)
    due = {}
    for name, days in (("overdue", -1), ("today", 0), ("upcoming", 10), ("far", 50)):
        due[name] = record(
            clinic, booking, nurse, notes=name, follow_up_on=today + datetime.timedelta(days)
        )
    with django_assert_num_queries(1):
        overdue, on_the_day, upcoming = follow_ups_due(
            clinic, user=nurse, role="staff", today=today
        )
    assert [[r.notes for r in group] for group in (overdue, on_the_day, upcoming)] == [
        ["overdue"],
        ["today"],
        ["upcoming"],
    ]
    follow_up_mark_done(clinic=clinic, record=due["overdue"], actor=nurse)
    assert follow_ups_due(clinic, user=nurse, role="staff", today=today)[0] == []
    assert AuditEntry.objects.filter(summary="Follow-up of 2031-03-09 done").exists()


def test_therapists_see_follow_ups_of_their_clients_only(clinic, service, emma, nurse, manager):
    mine, stranger = ClientAccountFactory(clinic=clinic), ClientAccountFactory(clinic=clinic)
    when = timezone.now() - datetime.timedelta(days=1)
    other_staff = MembershipFactory(clinic=clinic, role="therapist").user
    soon = timezone.localdate() + datetime.timedelta(days=3)
    record(clinic, add_booking(clinic, mine, service, emma, when), nurse, follow_up_on=soon)
    theirs = add_booking(clinic, stranger, service, StaffFactory(clinic=clinic), when)
    record(clinic, theirs, manager, notes="not hers", follow_up_on=soon)
    seen = follow_ups_due(clinic, user=nurse, role="therapist", today=timezone.localdate())
    assert [r.client for r in seen[2]] == [mine]
    assert follow_ups_due(
        clinic, user=other_staff, role="therapist", today=timezone.localdate()
    ) == (
        [],
        [],
        [],
    )


# --- Pages ----------------------------------------------------------------------------


def test_the_follow_up_page_counts_today_on_the_clinics_calendar(
    clinic, patient, service, emma, manager
):
    """Kiritimati (UTC+14) and Pago Pago (UTC-11): at any moment one of them is on
    another date than UTC; the clinic is put there, so "today" must be the clinic's."""
    now = timezone.now()
    for zone in ("Pacific/Kiritimati", "Pacific/Pago_Pago"):
        local_today = now.astimezone(zoneinfo.ZoneInfo(zone)).date()
        if local_today != now.astimezone(datetime.UTC).date():
            break
    clinic.timezone = zone
    clinic.save()
    booking = add_booking(clinic, patient, service, emma, now - datetime.timedelta(days=3))
    record(clinic, booking, manager, follow_up="Call about the result", follow_up_on=local_today)
    page = admin_client_for(manager, clinic).get(reverse("clinic_treatments:follow_ups"))
    today_group = page.context["groups"][1]
    assert today_group[0] == "today" and [r.follow_up for r in today_group[2]] == [
        "Call about the result"
    ]


def test_recording_from_the_appointment_shows_on_the_client_tab_and_the_follow_up_list(
    clinic, visit, nurse, manager, django_assert_max_num_queries
):
    room = admin_client_for(nurse, clinic)
    appointment = reverse("booking_calendar:booking", args=[visit.pk])
    assert "Record treatment" in room.get(appointment).content.decode()
    response = room.post(
        reverse("clinic_treatments:new", args=[visit.pk]),
        {
            "notes": "Lips 1ml",
            "products.0.name": "Juvederm Volbella",
            "products.0.batch": "V12345",
            "products.0.quantity": "1",
            "products.0.unit": "ml",
            "areas": ["Lips"],
            "other_areas": "Philtrum",
            "follow_up": "Check symmetry",
            "follow_up_on": (timezone.localdate() + datetime.timedelta(days=1)).isoformat(),
        },
    )
    assert response.status_code == 302 and response["Location"] == appointment
    saved = TreatmentRecord.objects.get()
    assert saved.areas == ["Lips", "Philtrum"] and saved.products[0]["batch"] == "V12345"

    desk = admin_client_for(manager, clinic)
    request = RequestFactory().get("/")
    request.user, request.session, request.clinic = manager, {}, clinic
    # records, versions, and the admin clinic and role (cached on a real page request)
    with django_assert_max_num_queries(4):
        treatments_tab_context(request, clinic, visit.client)
    page = desk.get(
        reverse("clinic_workspace:client_detail", args=[visit.client_id]) + "?tab=treatments"
    )
    html = page.content.decode()
    assert "Treatment records" in html and "V12345" in html and "Juvederm Volbella" in html
    follow_ups = desk.get(reverse("clinic_treatments:follow_ups")).content.decode()
    assert "Check symmetry" in follow_ups
    assert AuditEntry.objects.filter(
        actor=manager, summary__startswith="Viewed follow-ups"
    ).exists()


def test_a_refused_batch_shows_on_its_field_and_another_clinics_ids_answer_404(
    clinic, other_clinic, visit, nurse, manager
):
    room = admin_client_for(nurse, clinic)
    response = room.post(
        reverse("clinic_treatments:new", args=[visit.pk]),
        {"notes": "Lips", "products.0.name": "Volbella", "products.0.quantity": "1"},
    )
    assert response.status_code == 200
    assert "products.0.batch" in response.context["form"].errors
    assert not TreatmentRecord.objects.exists()

    saved = record(clinic, visit, nurse)
    outsider = admin_client_for(
        MembershipFactory(clinic=other_clinic, role="manager").user, other_clinic
    )
    assert outsider.get(reverse("clinic_treatments:amend", args=[saved.pk])).status_code == 404
    assert (
        outsider.post(reverse("clinic_treatments:follow_up_done", args=[saved.pk])).status_code
        == 404
    )
    assert outsider.get(reverse("clinic_treatments:new", args=[visit.pk])).status_code == 404


def test_amending_from_the_page_keeps_the_old_version_visible(clinic, visit, nurse, manager):
    saved = record(clinic, visit, nurse)
    room = admin_client_for(nurse, clinic)
    url = reverse("clinic_treatments:amend", args=[saved.pk])
    form = room.get(url)
    assert form.context["form"].initial["products.0.batch"] == "C3709C3"
    response = room.post(
        url,
        {
            "notes": "Glabella 20u, slight bruising",
            "products.0.name": "Botox 100U",
            "products.0.batch": "C3709C3",
            "products.0.quantity": "20",
            "products.0.unit": "units",
            "reason": "Bruising noticed after",
        },
    )
    assert response.status_code == 302
    tab = admin_client_for(manager, clinic).get(
        reverse("clinic_workspace:client_detail", args=[visit.client_id]) + "?tab=treatments"
    )
    html = tab.content.decode()
    assert "slight bruising" in html and "no bruising" in html and "Bruising noticed after" in html


def test_a_therapist_cannot_mark_done_a_follow_up_of_a_client_they_do_not_treat(
    clinic, service, nurse, manager
):
    stranger = ClientAccountFactory(clinic=clinic)
    theirs = add_booking(clinic, stranger, service, StaffFactory(clinic=clinic), timezone.now())
    saved = record(clinic, theirs, manager, follow_up_on=timezone.localdate())
    room = admin_client_for(nurse, clinic)
    response = room.post(reverse("clinic_treatments:follow_up_done", args=[saved.pk]))
    assert response.status_code == 404
    saved.refresh_from_db()
    assert saved.follow_up_done_at is None
    desk = admin_client_for(manager, clinic)
    assert (
        desk.post(reverse("clinic_treatments:follow_up_done", args=[saved.pk])).status_code == 302
    )
    saved.refresh_from_db()
    assert saved.follow_up_done_by == manager
