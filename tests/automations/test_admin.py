"""Managers set nudges up in the admin without code: the form checks the message's
placeholders (naming the field), the live preview fills them for a sample patient, the
settings page keeps the cap, quiet hours and reminder offsets; another clinic's rows are
out of reach, and front desk cannot edit nudges."""

import pytest

from automations.models import Automation, AutomationSettings, PetHealthDue
from branding.services import features_update
from tests.factories.records import PetFactory
from tests.fixtures.automations import make_automation
from tests.fixtures.clinics import admin_client_for
from tests.fixtures.honesty import nothing_changes

pytestmark = pytest.mark.django_db

ADD = "/admin/automations/nudges/new/"

FORM = {
    "name": "Due again",
    "kind": "rebook",
    "enabled": "on",
    "channel_order": "sms, email",
    "title_template": "Time for your {service}, {first_name}",
    "body_template": "Book again with {staff}: {link}",
    "tags": "botox, vip",
    "months": "6",
    "offsets_days": "28,7",
}


def test_manager_creates_a_nudge_without_code(manager_admin, clinic):
    answer = manager_admin.post(ADD, FORM)
    assert answer.status_code == 302, answer.content.decode()[:2000]
    automation = Automation.objects.get()
    assert automation.clinic == clinic
    assert automation.enabled and automation.channels == ["sms", "email"]
    assert automation.tags == ["botox", "vip"]
    assert automation.body_template == "Book again with {staff}: {link}"


def test_unknown_placeholder_is_refused_naming_the_field(manager_admin):
    with nothing_changes(Automation):
        answer = manager_admin.post(ADD, {**FORM, "body_template": "Hi {pet_name}"})
    assert answer.status_code == 200
    errors = answer.context["form"].errors
    assert "body_template" in errors and "{pet_name}" in errors["body_template"][0]


def test_bad_channel_order_is_refused(manager_admin):
    with nothing_changes(Automation):
        answer = manager_admin.post(ADD, {**FORM, "channel_order": "email, fax"})
    assert "channel_order" in answer.context["form"].errors


def test_edit_page_has_the_live_preview(manager_admin, clinic):
    automation = make_automation(clinic)
    html = manager_admin.get(f"/admin/automations/nudges/edit/{automation.pk}/").content.decode()
    assert "data-nudge-preview" in html and "/admin/automations/preview/" in html


def test_live_preview_fills_the_template_for_a_sample_patient(manager_admin, clinic):
    answer = manager_admin.post(
        "/admin/automations/preview/",
        {"kind": "rebook", "title_template": "Hi {first_name}", "body_template": "{service}"},
    )
    assert answer.status_code == 200
    preview = answer.json()
    assert preview["email"] == {"title": "Hi Alex", "body": "Facial"}
    assert preview["sms"]["body"] == "Facial\nReply STOP to opt out."


def test_preview_before_a_kind_is_chosen_is_a_hint_not_an_error(manager_admin):
    answer = manager_admin.post("/admin/automations/preview/", {"kind": "", "body_template": ""})
    assert answer.status_code == 200
    assert answer.json() == {"hint": "Choose a kind to see the preview."}


def test_winback_accepts_staff_and_help_lists_each_kinds_placeholders(manager_admin):
    answer = manager_admin.post(
        ADD, {**FORM, "kind": "winback", "body_template": "{staff} misses you"}
    )
    assert answer.status_code == 302
    html = manager_admin.get(ADD).content.decode()
    assert 'data-placeholders-for="winback"' in html


def test_pet_reminders_are_offered_only_where_pets_are_kept(manager_admin, clinic):
    def kinds():
        return [v for v, _ in manager_admin.get(ADD).context["form"].fields["kind"].choices]

    assert "pet_health" not in kinds() and "winback" in kinds()
    features_update(clinic=clinic, pets=True)
    assert "pet_health" in kinds()


def test_live_preview_names_the_faulty_field(manager_admin):
    answer = manager_admin.post(
        "/admin/automations/preview/",
        {"kind": "birthday", "title_template": "Hi", "body_template": "{service"},
    )
    assert answer.status_code == 400
    assert answer.json()["field"] == "body_template"


def test_front_desk_cannot_edit_nudges_or_preview(staff_user, clinic):
    desk = admin_client_for(staff_user, clinic)
    automation = make_automation(clinic)
    assert desk.get(f"/admin/automations/nudges/edit/{automation.pk}/").status_code in (302, 403)
    refused = desk.post("/admin/automations/preview/", {"kind": "rebook"})
    assert refused.status_code in (302, 403) and b"Facial" not in refused.content


def test_another_clinics_nudge_is_not_found(manager_admin, other_clinic):
    theirs = make_automation(other_clinic)
    assert manager_admin.get(f"/admin/automations/nudges/edit/{theirs.pk}/").status_code == 404
    listing = manager_admin.get("/admin/automations/nudges/").content.decode()
    assert theirs.name not in listing or "Time for your next" not in listing


def test_settings_page_saves_cap_quiet_hours_and_reminder_offsets(manager_admin, clinic):
    answer = manager_admin.post(
        "/admin/automations/settings/",
        {
            "weekly_cap": "3",
            "quiet_start": "20:00",
            "quiet_end": "08:30",
            "reminder_offsets": "48h, 2h",
            "reminder_email": "on",
            "reminder_sms": "on",
            "sms_confirm": "on",
            "public_review_url": "https://g.page/glow/review",
            "ask_public_review": "on",
        },
    )
    assert answer.status_code == 302
    saved = AutomationSettings.objects.get(clinic=clinic)
    assert (saved.weekly_cap, str(saved.quiet_start), saved.reminder_offsets) == (
        3,
        "20:00:00",
        "48h, 2h",
    )
    assert not saved.reminder_push and saved.sms_confirm


def test_settings_refuse_an_unreadable_offset(manager_admin, clinic):
    with nothing_changes(AutomationSettings):
        answer = manager_admin.post(
            "/admin/automations/settings/",
            {
                "weekly_cap": "2",
                "quiet_start": "21:00",
                "quiet_end": "09:00",
                "reminder_offsets": "24h, soon",
            },
        )
    assert "reminder_offsets" in answer.context["form"].errors


def test_front_desk_records_a_pets_due_date_of_their_clinic_only(staff_user, clinic, patient):
    desk = admin_client_for(staff_user, clinic)
    pet = PetFactory(clinic=clinic, owner=patient, name="Rex")
    answer = desk.post(
        "/admin/automations/pet-health/new/",
        {"pet": pet.pk, "name": "Rabies booster", "due_on": "2027-03-01"},
    )
    assert answer.status_code == 302, answer.content.decode()[:1500]
    due = PetHealthDue.objects.get()
    assert (due.clinic, due.pet, str(due.due_on)) == (clinic, pet, "2027-03-01")
