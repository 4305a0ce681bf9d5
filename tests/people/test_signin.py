"""Signing in to a clinic's portal in a browser: pages in the clinic's branding,
registration with a confirmed email, password sign-in, password reset, sign-in by
emailed code, the failed-sign-in limit, and a client account per clinic visited."""

import re
import time

import pytest
from allauth.account.models import EmailAddress
from django.conf import settings
from django.core import mail
from django.core.cache import cache
from django.db import connection

from people.models import ClientAccount, User
from tests.factories.clients import PASSWORD, ClientAccountFactory
from tests.fixtures.clinics import host_client
from tests.fixtures.people import (
    SIGNUP_DETAILS,
    confirm_email,
    last_email_to,
    link_in,
    login_code_in,
    signed_in_user_id,
)

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "a-brand-new-secret-42"
WRONG_CREDENTIALS = "The email address and/or password you specified are not correct."


def sign_in(client, email, password):
    return client.post("/accounts/login/", {"login": email, "password": password})


def clinics_of(user):
    return set(ClientAccount.objects.filter(user=user).values_list("clinic__slug", flat=True))


# --- Pages ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "path",
    [
        "/accounts/login/",
        "/accounts/signup/",
        "/accounts/password/reset/",
        "/accounts/login/code/",
    ],
)
def test_account_pages_are_in_the_clinics_branding_with_labelled_fields(
    clinic, other_clinic, portal, path
):
    response = portal.get(path)
    assert response.status_code == 200
    html = response.content.decode()
    # The clinic's portal layout: its name, its colours, the sign-in styles.
    assert "Glow Aesthetics" in html
    assert "--brand-primary: #2f5d8a" in html
    assert 'class="site-header"' in html
    assert "/static/portal/auth.css" in html
    assert "Riverside Vets" not in html
    # Every field a person fills in has a label naming it.
    inputs = re.findall(r"<input\b[^>]*>", html)
    visible = [tag for tag in inputs if 'type="hidden"' not in tag]
    assert visible, "the page has no fields"
    for tag in visible:
        field_id = re.search(r'\bid="([^"]+)"', tag).group(1)
        assert re.search(rf'<label for="{field_id}">\s*\S', html), f"no label for {tag}"


def test_account_pages_are_translated(clinic, portal):
    response = portal.get("/accounts/login/", HTTP_ACCEPT_LANGUAGE="bg")
    html = response.content.decode()
    assert 'lang="bg"' in html
    # allauth ships Bulgarian; our layout and sign-in elements pass it through.
    assert "Вход" in html
    assert "Sign In" not in html


def test_account_pages_at_an_unknown_address_are_not_any_clinics(clinic):
    response = host_client_for("nowhere.localhost").get("/accounts/login/")
    assert response.status_code == 404
    assert b"Glow" not in response.content


def host_client_for(host):
    from django.test import Client

    return Client(HTTP_HOST=host)


# --- Registration and email confirmation ---------------------------------------------


def test_new_patient_must_confirm_their_email_before_signing_in(clinic, portal):
    response = portal.post(
        "/accounts/signup/",
        {
            "email": "new.patient@example.com",
            "password1": PASSWORD,
            "password2": PASSWORD,
            **SIGNUP_DETAILS,
        },
    )
    assert response.status_code == 302
    assert response["Location"] == "/accounts/confirm-email/"
    assert signed_in_user_id(portal) is None
    user = User.objects.get(email="new.patient@example.com")
    assert not EmailAddress.objects.filter(user=user, verified=True).exists()

    # Signing in with the right password, before confirming, is not enough.
    other_browser = host_client(clinic)
    response = sign_in(other_browser, "new.patient@example.com", PASSWORD)
    assert response["Location"] == "/accounts/confirm-email/"
    assert signed_in_user_id(other_browser) is None
    page = other_browser.get("/accounts/confirm-email/").content.decode()
    assert "Verify Your Email Address" in page

    # The link in the email, at this clinic's address, confirms and signs them in.
    message = last_email_to("new.patient@example.com")
    assert message.subject.startswith("[Glow Aesthetics] ")
    host, path = link_in(message, r"/accounts/confirm-email/[^/\s]+/")
    assert host == "glow.localhost"
    page = portal.get(path)
    assert page.status_code == 200
    assert b"new.patient@example.com" in page.content
    response = portal.post(path)
    assert response.status_code == 302
    assert signed_in_user_id(portal) == str(user.pk)
    assert EmailAddress.objects.filter(user=user, verified=True).exists()
    assert clinics_of(user) == {"glow"}

    # From then on the password works in any browser.
    fresh = host_client(clinic)
    assert sign_in(fresh, "new.patient@example.com", PASSWORD)["Location"] == "/"
    assert signed_in_user_id(fresh) == str(user.pk)


def test_registration_shows_what_is_wrong_with_the_form(clinic, portal):
    response = portal.post(
        "/accounts/signup/",
        {"email": "not-an-email", "password1": "short", "password2": "different"},
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "Enter a valid email address." in html
    assert "has-error" in html
    assert not User.objects.filter(email="not-an-email").exists()
    assert mail.outbox == []


def test_registration_keeps_the_name_and_mobile_for_the_clinic(clinic, portal):
    portal.post(
        "/accounts/signup/",
        {
            "email": "ana@example.com",
            "password1": PASSWORD,
            "password2": PASSWORD,
            **SIGNUP_DETAILS,
        },
    )
    account = ClientAccount.objects.get(user__email="ana@example.com", clinic=clinic)
    assert (account.user.first_name, account.user.last_name) == ("Ana", "Petrova")
    assert account.phone == "+447700900123"


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("phone", "12", "12 is not a possible phone number."),
        ("phone", "", "This field is required."),
        ("first_name", "", "This field is required."),
        ("first_name", "<b>Ana</b>", "cannot contain"),
    ],
)
def test_registration_refuses_a_bad_name_or_mobile_and_creates_nobody(
    clinic, portal, field, value, message
):
    details = {**SIGNUP_DETAILS, field: value}
    response = portal.post(
        "/accounts/signup/",
        {"email": "ana@example.com", "password1": PASSWORD, "password2": PASSWORD, **details},
    )
    assert response.status_code == 200
    html = response.content.decode()
    errors = re.search(rf'id="id_{field}".*?</(div|p|ul)>', html, re.S)
    assert message in html and errors, html
    assert not User.objects.filter(email="ana@example.com").exists()
    assert mail.outbox == []


# --- Password sign-in ----------------------------------------------------------------


def test_sign_in_with_email_and_password_then_sign_out(verified_patient, portal):
    email = verified_patient.user.email
    response = sign_in(portal, email.upper(), PASSWORD)
    assert response.status_code == 302
    assert signed_in_user_id(portal) == str(verified_patient.user.pk)
    # The header's account icon leads to the menu, which signs out.
    assert 'href="/menu/"' in portal.get("/").content.decode()
    assert "Sign out" in portal.get("/menu/").content.decode()

    portal.post("/accounts/logout/")
    assert signed_in_user_id(portal) is None
    assert portal.get("/menu/").status_code == 302  # to sign in
    assert 'href="/accounts/login/"' in portal.get("/").content.decode()


def test_wrong_password_is_refused_with_a_clear_message(verified_patient, portal):
    response = sign_in(portal, verified_patient.user.email, "not-my-password")
    assert response.status_code == 200
    assert WRONG_CREDENTIALS in response.content.decode()
    assert signed_in_user_id(portal) is None


# --- Failed sign-in limit ------------------------------------------------------------


def test_tests_use_the_database_cache_and_its_table_exists():
    # Rate limits must hold across processes, so they live in the real database cache.
    assert settings.CACHES["default"]["BACKEND"].endswith("DatabaseCache")
    assert settings.CACHES["default"]["LOCATION"] in connection.introspection.table_names()
    cache.set("probe", 42)
    assert cache.get("probe") == 42


def test_after_five_failed_sign_ins_even_the_right_password_is_refused(verified_patient, portal):
    email = verified_patient.user.email
    for _attempt in range(5):
        response = sign_in(portal, email, "guessing")
        assert WRONG_CREDENTIALS in response.content.decode()
    # The counter is in the shared database cache.
    with connection.cursor() as cursor:
        cursor.execute("SELECT COUNT(*) FROM cache_table")
        assert cursor.fetchone()[0] > 0

    response = sign_in(portal, email, PASSWORD)
    assert response.status_code == 200
    assert "Too many failed login attempts. Try again later." in response.content.decode()
    assert signed_in_user_id(portal) is None

    # The limit is per account: someone else can still sign in from the same place.
    neighbour = ClientAccountFactory(clinic=verified_patient.clinic)
    confirm_email(neighbour.user)
    assert sign_in(portal, neighbour.user.email, PASSWORD).status_code == 302


def test_resetting_the_password_lifts_the_failed_sign_in_limit(verified_patient, portal):
    email = verified_patient.user.email
    for _attempt in range(6):
        sign_in(portal, email, "guessing")
    portal.post("/accounts/password/reset/", {"email": email})
    _host, path = link_in(last_email_to(email), r"/accounts/password/reset/key/\S+/")
    set_password_page = portal.get(path)["Location"]
    portal.post(set_password_page, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
    assert sign_in(portal, email, NEW_PASSWORD).status_code == 302
    assert signed_in_user_id(portal) == str(verified_patient.user.pk)


# --- Password reset ------------------------------------------------------------------


def test_password_reset_by_emailed_link(verified_patient, portal):
    email = verified_patient.user.email
    response = portal.post("/accounts/password/reset/", {"email": email})
    assert response["Location"] == "/accounts/password/reset/done/"
    message = last_email_to(email)
    host, path = link_in(message, r"/accounts/password/reset/key/\S+/")
    assert host == "glow.localhost"

    # The link hides its key from the address bar, then asks for the new password.
    response = portal.get(path)
    assert response.status_code == 302
    assert response["Location"].endswith("-set-password/")
    form = portal.get(response["Location"]).content.decode()
    assert '<label for="id_password1">' in form
    response = portal.post(
        response["Location"], {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD}
    )
    # The emailed link proved the address: the new password signs them in at once.
    assert response["Location"] == "/"
    assert signed_in_user_id(portal) == str(verified_patient.user.pk)

    assert WRONG_CREDENTIALS in sign_in(host_client_for(host), email, PASSWORD).content.decode()
    browser = host_client_for(host)
    assert sign_in(browser, email, NEW_PASSWORD).status_code == 302
    assert signed_in_user_id(browser) == str(verified_patient.user.pk)

    # The link works once.
    again = host_client_for(host).get(path)
    assert again.status_code == 200
    assert "Bad Token" in again.content.decode()


# --- Sign-in by emailed code ---------------------------------------------------------


def request_code(client, email):
    response = client.post("/accounts/login/code/", {"email": email})
    assert response["Location"] == "/accounts/login/code/confirm/"
    return login_code_in(last_email_to(email))


def enter_code(client, code):
    return client.post("/accounts/login/code/confirm/", {"code": code})


def age_pending_code(client, seconds):
    """Make the code the browser is waiting on ``seconds`` older. allauth keeps the
    moment it issued the code in the session (the code is bound to that browser)."""
    session = client.session
    pending = session["account_login"]
    pending["state"]["stages"]["login_by_code"]["data"]["at"] -= seconds
    session["account_login"] = pending
    session.save()


def test_sign_in_with_an_emailed_code(clinic, verified_user, portal):
    code = request_code(portal, verified_user.email)
    page = portal.get("/accounts/login/code/confirm/").content.decode()
    assert verified_user.email in page
    assert '<label for="id_code">' in page

    response = enter_code(portal, code)
    assert response.status_code == 302
    assert signed_in_user_id(portal) == str(verified_user.pk)
    assert clinics_of(verified_user) == {"glow"}


def test_a_used_code_cannot_be_used_again(verified_user, portal):
    code = request_code(portal, verified_user.email)
    enter_code(portal, code)
    assert signed_in_user_id(portal) == str(verified_user.pk)
    portal.post("/accounts/logout/")

    response = enter_code(portal, code)
    assert signed_in_user_id(portal) is None
    # Sent back to ask for a new code.
    assert response["Location"].startswith("/accounts/login/")


def test_a_code_works_only_in_the_browser_that_asked_for_it(clinic, verified_user, portal):
    code = request_code(portal, verified_user.email)
    elsewhere = host_client(clinic)
    enter_code(elsewhere, code)
    assert signed_in_user_id(elsewhere) is None


def test_a_code_is_still_good_just_under_ten_minutes(verified_user, portal):
    code = request_code(portal, verified_user.email)
    age_pending_code(portal, 590)
    enter_code(portal, code)
    assert signed_in_user_id(portal) == str(verified_user.pk)


def test_a_code_expires_after_ten_minutes(verified_user, portal):
    code = request_code(portal, verified_user.email)
    age_pending_code(portal, 601)
    response = enter_code(portal, code)
    assert signed_in_user_id(portal) is None
    # Sent back to ask for a new code.
    assert response["Location"].startswith("/accounts/login/")
    # The expired code is gone for good, not merely refused this once.
    assert "account_login" not in portal.session


def test_three_wrong_codes_void_the_code(verified_user, portal):
    code = request_code(portal, verified_user.email)
    wrong = "AAAA-AAAA" if code != "AAAA-AAAA" else "BBBB-BBBB"
    first = enter_code(portal, wrong)
    assert first.status_code == 200
    assert "Incorrect code." in first.content.decode()
    enter_code(portal, wrong)
    enter_code(portal, wrong)
    enter_code(portal, code)
    assert signed_in_user_id(portal) is None


def test_a_code_for_an_unknown_address_signs_nobody_in(clinic, portal):
    response = portal.post("/accounts/login/code/", {"email": "stranger@example.com"})
    # No hint whether the address has an account (the email says so instead).
    assert response["Location"] == "/accounts/login/code/confirm/"
    message = last_email_to("stranger@example.com")
    assert not re.search(r"^[A-Z0-9]{4}-[A-Z0-9]{4}$", message.body, re.MULTILINE)
    assert signed_in_user_id(portal) is None


# --- One person, one client account per clinic ---------------------------------------


def test_signing_up_at_one_clinic_makes_a_client_there_only(clinic, other_clinic, portal):
    portal.post(
        "/accounts/signup/",
        {
            "email": "ana@example.com",
            "password1": PASSWORD,
            "password2": PASSWORD,
            **SIGNUP_DETAILS,
        },
    )
    _host, path = link_in(last_email_to("ana@example.com"), r"/accounts/confirm-email/\S+/")
    portal.post(path)
    user = User.objects.get(email="ana@example.com")
    assert clinics_of(user) == {"glow"}


def test_signing_in_at_a_second_clinic_makes_a_client_there_too(
    clinic, other_clinic, verified_user, portal, other_portal
):
    sign_in(portal, verified_user.email, PASSWORD)
    assert clinics_of(verified_user) == {"glow"}
    sign_in(other_portal, verified_user.email, PASSWORD)
    assert signed_in_user_id(other_portal) == str(verified_user.pk)
    assert clinics_of(verified_user) == {"glow", "riverside"}


def test_a_clinics_pages_show_only_that_clinics_account(
    clinic, other_clinic, verified_patient, portal, other_portal
):
    user = verified_patient.user
    verified_patient.phone = "+447700900111"
    verified_patient.save()
    ClientAccountFactory(clinic=other_clinic, user=user, phone="+12025550199")
    for browser in (portal, other_portal):
        sign_in(browser, user.email, PASSWORD)

    glow = portal.get("/api/v1/me").json()
    riverside = other_portal.get("/api/v1/me").json()
    assert glow["phone"] == "+447700900111"
    assert riverside["phone"] == "+12025550199"

    glow_home = portal.get("/").content.decode()
    riverside_home = other_portal.get("/").content.decode()
    assert "Glow Aesthetics" in glow_home and "Riverside Vets" not in glow_home
    assert "Riverside Vets" in riverside_home and "Glow Aesthetics" not in riverside_home


def test_staff_of_one_clinic_signing_in_elsewhere_are_just_clients_there(
    clinic, other_clinic, staff_user, other_portal
):
    confirm_email(staff_user)
    sign_in(other_portal, staff_user.email, PASSWORD)
    assert signed_in_user_id(other_portal) == str(staff_user.pk)
    assert clinics_of(staff_user) == {"riverside"}
    assert not staff_user.memberships.filter(clinic=other_clinic).exists()


def test_sign_in_time_is_recorded(verified_user, portal):
    before = time.time()
    sign_in(portal, verified_user.email, PASSWORD)
    methods = portal.session["account_authentication_methods"]
    assert methods[-1]["method"] == "password"
    assert methods[-1]["at"] >= before
