"""A clinic goes live without an engineer: a platform operator creates it in the admin
(name, domain, time zone, currency, language, first manager's email); it has a working
portal with starter cards and a policy page at once, and its manager is emailed a link
to choose a password, after which they sign in to the admin on the clinic's domain."""

import pytest
from django.test import Client
from wagtail.models import Site

from branding.models import Clinic
from people.models import ClinicMembership
from portal_pages.models import PolicyPage
from tests.fixtures.clinics import admin_client_for
from tests.fixtures.honesty import nothing_changes
from tests.fixtures.people import last_email_to, link_in, signed_in_user_id

pytestmark = pytest.mark.django_db

CHOSEN = "manager-secret-2026"
FORM = {
    "name": "Harbour Physio",
    "domain": "harbour.localhost",
    "timezone": "America/New_York",
    "currency": "USD",
    "language": "en",
    "manager_email": "maya@harbour.example",
}


def launch(superuser, django_capture_on_commit_callbacks, **overrides):
    admin = Client()
    admin.force_login(superuser)
    with django_capture_on_commit_callbacks(execute=True):
        return admin.post("/admin/clinics/new/", {**FORM, **overrides}, follow=True)


def test_an_operator_creates_a_clinic_that_works_at_once(
    superuser, django_capture_on_commit_callbacks
):
    response = launch(superuser, django_capture_on_commit_callbacks)
    assert "Harbour Physio is live at harbour.localhost" in response.content.decode()
    clinic = Clinic.objects.get(site__hostname="harbour.localhost")
    assert (clinic.name, clinic.timezone, clinic.currency, clinic.language) == (
        "Harbour Physio",
        "America/New_York",
        "USD",
        "en",
    )
    portal = Client(HTTP_HOST="harbour.localhost")
    home = portal.get("/")
    assert home.status_code == 200 and "Harbour Physio" in home.content.decode()
    assert 'class="cards' in home.content.decode() or "card-" in home.content.decode()
    policy = PolicyPage.objects.live().descendant_of(clinic.site.root_page).get()
    assert portal.get(policy.url).status_code == 200
    assert ClinicMembership.objects.get(clinic=clinic).user.email == "maya@harbour.example"


def test_the_manager_chooses_a_password_from_the_invitation_and_opens_the_admin(
    superuser, django_capture_on_commit_callbacks
):
    launch(superuser, django_capture_on_commit_callbacks)
    message = last_email_to("maya@harbour.example")
    assert "Harbour Physio" in message.subject
    host, path = link_in(message, r"/accounts/password/reset/key/\S+/")
    assert host == "harbour.localhost"
    browser = Client(HTTP_HOST="harbour.localhost")
    form_url = browser.get(path)["Location"]
    response = browser.post(form_url, {"password1": CHOSEN, "password2": CHOSEN})
    # The invitation proved the address: choosing the password signs the manager in.
    assert response["Location"] == "/"
    assert signed_in_user_id(browser) is not None

    admin = Client(HTTP_HOST="harbour.localhost")
    signed = admin.post(
        "/admin/login/", {"username": "maya@harbour.example", "password": CHOSEN}, follow=True
    )
    assert signed.status_code == 200
    assert admin.get("/admin/").status_code == 200


def test_a_domain_in_use_is_refused_naming_it_and_nothing_is_made(
    clinic, superuser, django_capture_on_commit_callbacks
):
    with nothing_changes(Clinic, Site, ClinicMembership):
        response = launch(
            superuser, django_capture_on_commit_callbacks, domain=clinic.site.hostname
        )
    assert response.context["form"].errors["domain"] == [
        f"{clinic.site.hostname} is already in use."
    ]


def test_a_bad_time_zone_is_refused_naming_it(superuser, django_capture_on_commit_callbacks):
    with nothing_changes(Clinic, Site):
        response = launch(superuser, django_capture_on_commit_callbacks, timezone="Mars/Base")
    assert list(response.context["form"].errors) == ["timezone"]


def test_only_platform_operators_create_clinics(clinic, manager):
    admin = admin_client_for(manager, clinic)
    refused = admin.get("/admin/clinics/new/")  # Wagtail's refusal: back to the dashboard
    assert (refused.status_code, refused["Location"]) == (302, "/admin/")
    with nothing_changes(Clinic, Site):
        posted = admin.post("/admin/clinics/new/", FORM)
    assert (posted.status_code, posted["Location"]) == (302, "/admin/")
    assert "New clinic" not in admin.get("/admin/").content.decode()


# --- the admin's "forgotten password", for every staff account -------------------------


def reset_link_sent_to(email, clinic, mailoutbox):
    before = len(mailoutbox)
    response = Client(HTTP_HOST=clinic.site.hostname).post(
        "/admin/password_reset/", {"email": email}
    )
    assert response.status_code == 302  # the same answer whoever asked
    return [m for m in mailoutbox[before:] if email in m.to]


def test_a_staff_member_without_a_password_yet_can_reset_it_in_the_admin(clinic, mailoutbox):
    from people.services import membership_grant, user_get_or_create

    invited, _created = user_get_or_create(email="sam.staff@example.com")
    invited.set_unusable_password()
    invited.save()
    membership_grant(clinic=clinic, user=invited, role="staff")
    sent = reset_link_sent_to("sam.staff@example.com", clinic, mailoutbox)
    assert len(sent) == 1
    host, path = link_in(sent[0], r"/admin/password_reset/confirm/\S+/")
    browser = Client(HTTP_HOST=clinic.site.hostname)
    form_url = browser.get(path)["Location"]
    done = browser.post(form_url, {"new_password1": CHOSEN, "new_password2": CHOSEN})
    assert done.status_code == 302
    signed = browser.post(
        "/admin/login/", {"username": "sam.staff@example.com", "password": CHOSEN}
    )
    assert signed.status_code == 302 and browser.get("/admin/").status_code == 200


def test_the_admin_sends_a_patient_no_reset_link(clinic, patient, mailoutbox):
    assert reset_link_sent_to(patient.user.email, clinic, mailoutbox) == []
