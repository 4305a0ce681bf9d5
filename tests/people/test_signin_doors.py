"""Issue 18 #2: every door that signs a person in with a password — the portal, Wagtail's
own /_util/login/, the Wagtail admin, the Django admin and the apps' token — shares one
failed sign-in limit, per account and per real client address (TRUSTED_PROXY_COUNT,
never an address the client wrote), and refuses an unconfirmed email; an admin refuses
people who may not open it before looking at their password, in the words it uses for a
wrong password."""

import re

import pytest
from django.test import Client
from rest_framework.test import APIClient

from tests.factories.clients import PASSWORD, ClientAccountFactory, UserFactory
from tests.fixtures.people import signed_in_user_id

pytestmark = pytest.mark.django_db

GUESS = "not-the-password"
# The portal allows 5 failures per account in 5 minutes and 10 per client address a
# minute (ACCOUNT_RATE_LIMITS["login_failed"]).
PER_ACCOUNT = 5
PER_ADDRESS = 10


class Door:
    """One sign-in door: how to try a password there and whether it let the person in."""

    def __init__(self, name, path, fields, host=None, api=False):
        self.name, self.path, self.fields, self.host, self.api = name, path, fields, host, api

    def browser(self, clinic, forwarded_for=None):
        extra = {"HTTP_HOST": self.host or clinic.site.hostname}
        if forwarded_for:
            extra["HTTP_X_FORWARDED_FOR"] = forwarded_for
        return (APIClient if self.api else Client)(**extra)

    def attempt(self, browser, email, password):
        login, secret = self.fields
        data = {login: email, secret: password}
        if self.api:
            return browser.post(self.path, data, format="json")
        return browser.post(self.path, data)

    def let_in(self, browser, response):
        if self.api:
            return response.status_code == 200 and "token" in response.json()
        return signed_in_user_id(browser) is not None


PORTAL = Door("portal", "/accounts/login/", ("login", "password"))
TOKEN = Door("token", "/api/v1/auth/token", ("email", "password"), api=True)
WAGTAIL_ADMIN = Door("wagtail admin", "/admin/login/", ("username", "password"))
DJANGO_ADMIN = Door(
    "django admin", "/django-admin/login/", ("username", "password"), host="testserver"
)
DOORS = [PORTAL, TOKEN, WAGTAIL_ADMIN, DJANGO_ADMIN]


def person_for(door, clinic):
    """Someone this door is for: a patient at the portal and the apps, a clinic manager
    at the Wagtail admin, platform staff at the Django admin."""
    from tests.factories.clients import MembershipFactory

    if door is WAGTAIL_ADMIN:
        return MembershipFactory(clinic=clinic, role="manager").user
    if door is DJANGO_ADMIN:
        user = UserFactory()
        user.is_staff = True
        user.save()
        return user
    return ClientAccountFactory(clinic=clinic).user


def other_people(clinic, count):
    return [ClientAccountFactory(clinic=clinic).user for _ in range(count)]


# --- per account ------------------------------------------------------------------------


@pytest.mark.parametrize("door", DOORS, ids=lambda d: d.name)
def test_after_failed_attempts_even_the_right_password_is_refused(door, clinic):
    person = person_for(door, clinic)
    for _attempt in range(PER_ACCOUNT):
        browser = door.browser(clinic)
        assert not door.let_in(browser, door.attempt(browser, person.email, GUESS))

    browser = door.browser(clinic)
    response = door.attempt(browser, person.email, PASSWORD)
    assert not door.let_in(browser, response)
    if door.api:
        assert response.status_code == 429
        assert response.json()["code"] == "too_many_attempts"
    else:
        assert response.status_code == 200
        assert "Too many failed" in response.content.decode()


@pytest.mark.parametrize("door", DOORS, ids=lambda d: d.name)
def test_the_account_limit_holds_when_every_guess_comes_from_another_address(
    door, clinic, settings
):
    # Behind one proxy, five real clients (the address our balancer appended) guess.
    settings.TRUSTED_PROXY_COUNT = 1
    person = person_for(door, clinic)
    for n in range(PER_ACCOUNT):
        browser = door.browser(clinic, forwarded_for=f"203.0.113.{n + 1}")
        door.attempt(browser, person.email, GUESS)
    browser = door.browser(clinic, forwarded_for="203.0.113.99")
    assert not door.let_in(browser, door.attempt(browser, person.email, PASSWORD))


def test_one_count_per_person_across_every_door_and_clinic_domain(clinic, other_clinic):
    patient = ClientAccountFactory(clinic=clinic).user
    ClientAccountFactory(clinic=other_clinic, user=patient)
    # Guesses spread over the portal at both clinics, the admin and the apps' door.
    tries = [
        (PORTAL, clinic),
        (PORTAL, other_clinic),
        (WAGTAIL_ADMIN, clinic),
        (TOKEN, other_clinic),
        (PORTAL, clinic),
    ]
    for door, where in tries:
        browser = door.browser(where)
        door.attempt(browser, patient.email, GUESS)
    for door, where in [(PORTAL, other_clinic), (TOKEN, clinic)]:
        browser = door.browser(where)
        assert not door.let_in(browser, door.attempt(browser, patient.email, PASSWORD)), door.name


# --- per client address -----------------------------------------------------------------


@pytest.mark.parametrize("door", DOORS, ids=lambda d: d.name)
@pytest.mark.parametrize("proxies", [0, 1])
def test_rotating_x_forwarded_for_does_not_reset_the_address_limit(door, proxies, clinic, settings):
    settings.TRUSTED_PROXY_COUNT = proxies
    real = "198.51.100.7"
    # One client guesses one password each for many people, writing a new
    # X-Forwarded-For every time; its real address (REMOTE_ADDR, or what our one
    # balancer appended) stays the same.
    for n, victim in enumerate(other_people(clinic, PER_ADDRESS)):
        forged = f"10.9.{n}.{n + 1}"
        browser = door.browser(clinic, forwarded_for=f"{forged}, {real}" if proxies else forged)
        door.attempt(browser, victim.email, GUESS)
    person = person_for(door, clinic)
    forged = "10.200.200.200"
    browser = door.browser(clinic, forwarded_for=f"{forged}, {real}" if proxies else forged)
    assert not door.let_in(browser, door.attempt(browser, person.email, PASSWORD))


@pytest.mark.parametrize("door", [PORTAL, WAGTAIL_ADMIN], ids=lambda d: d.name)
def test_behind_a_proxy_one_clients_guesses_do_not_lock_out_another_client(door, clinic, settings):
    # With a load balancer in front, every request has its REMOTE_ADDR: the limit must
    # count per real client, or one guesser locks the whole clinic out.
    settings.TRUSTED_PROXY_COUNT = 1
    for victim in other_people(clinic, PER_ADDRESS + 2):
        browser = door.browser(clinic, forwarded_for="198.51.100.7")
        door.attempt(browser, victim.email, GUESS)
    person = person_for(door, clinic)
    neighbour = door.browser(clinic, forwarded_for="203.0.113.50")
    assert door.let_in(neighbour, door.attempt(neighbour, person.email, PASSWORD))


# --- unconfirmed email -------------------------------------------------------------------


@pytest.mark.parametrize("door", DOORS, ids=lambda d: d.name)
def test_an_unconfirmed_email_does_not_sign_in_with_the_right_password(door, clinic):
    person = person_for(door, clinic)
    from allauth.account.models import EmailAddress

    EmailAddress.objects.filter(user=person).update(verified=False)
    browser = door.browser(clinic)
    response = door.attempt(browser, person.email, PASSWORD)
    assert not door.let_in(browser, response)
    if door.api:
        assert response.status_code == 403
        assert response.json()["code"] == "email_unconfirmed"


@pytest.mark.parametrize("door", DOORS, ids=lambda d: d.name)
def test_the_right_person_with_the_right_password_still_signs_in(door, clinic):
    person = person_for(door, clinic)
    browser = door.browser(clinic)
    assert door.let_in(browser, door.attempt(browser, person.email, PASSWORD))


# --- the admins are no oracle -------------------------------------------------------------


def _answer(response):
    """What the page says, without the per-request CSRF token."""
    page = response.content.decode()
    page = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", page)
    page = re.sub(r'"CSRF_TOKEN": "[^"]+"', "", page)
    return response.status_code, page.splitlines()


@pytest.mark.parametrize("door", [WAGTAIL_ADMIN, DJANGO_ADMIN], ids=lambda d: d.name)
def test_an_admin_answers_a_patients_right_and_wrong_password_alike(door, clinic):
    patient = ClientAccountFactory(clinic=clinic).user
    right_browser, wrong_browser = door.browser(clinic), door.browser(clinic)
    right = door.attempt(right_browser, patient.email, PASSWORD)
    wrong = door.attempt(wrong_browser, patient.email, GUESS)

    assert _answer(right) == _answer(wrong)
    assert right.status_code == 200
    assert signed_in_user_id(right_browser) is None
    assert "password" in right.context["form"].non_field_errors()[0]


def test_the_admin_does_not_sign_a_patient_in_to_the_portal_either(clinic):
    patient = ClientAccountFactory(clinic=clinic).user
    browser = WAGTAIL_ADMIN.browser(clinic)
    WAGTAIL_ADMIN.attempt(browser, patient.email, PASSWORD)
    assert signed_in_user_id(browser) is None
    assert browser.get("/bookings/").status_code == 302  # asked to sign in


# --- Wagtail's own front-end sign-in -------------------------------------------------------


def test_wagtails_util_login_signs_nobody_in_and_sends_people_to_the_portals(clinic):
    patient = ClientAccountFactory(clinic=clinic).user
    browser = Client(HTTP_HOST=clinic.site.hostname)
    response = browser.post(
        "/_util/login/?next=/members/", {"username": patient.email, "password": PASSWORD}
    )
    assert signed_in_user_id(browser) is None
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/members/"
    assert browser.get("/_util/login/")["Location"] == "/accounts/login/"


def test_wagtails_util_login_does_not_sign_in_an_unconfirmed_account(clinic):
    unconfirmed = UserFactory(verified_email=False)
    browser = Client(HTTP_HOST=clinic.site.hostname)
    browser.post("/_util/login/", {"username": unconfirmed.email, "password": PASSWORD})
    assert signed_in_user_id(browser) is None


def test_a_private_page_sends_visitors_to_the_portals_sign_in(clinic):
    from wagtail.models import PageViewRestriction

    PageViewRestriction.objects.create(
        page=clinic.site.root_page, restriction_type=PageViewRestriction.LOGIN
    )
    response = Client(HTTP_HOST=clinic.site.hostname).get("/")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/"


# --- how admins come to have a confirmed address --------------------------------------------


def test_createsuperuser_records_the_address_as_confirmed(clinic, monkeypatch):
    from django.core.management import call_command

    from people.services import email_is_verified

    monkeypatch.setenv("DJANGO_SUPERUSER_PASSWORD", PASSWORD)
    call_command("createsuperuser", "--noinput", "--email", "Root@Example.com", verbosity=0)
    root = UserFactory._meta.model.objects.get(email="root@example.com")
    assert root.is_superuser and email_is_verified(root)
    browser = WAGTAIL_ADMIN.browser(clinic)
    assert WAGTAIL_ADMIN.let_in(browser, WAGTAIL_ADMIN.attempt(browser, root.email, PASSWORD))


def test_confirm_email_command_confirms_an_older_admins_address(clinic):
    from django.core.management import call_command

    manager = person_for(WAGTAIL_ADMIN, clinic)
    from allauth.account.models import EmailAddress

    EmailAddress.objects.filter(user=manager).delete()
    browser = WAGTAIL_ADMIN.browser(clinic)
    assert not WAGTAIL_ADMIN.let_in(
        browser, WAGTAIL_ADMIN.attempt(browser, manager.email, PASSWORD)
    )
    call_command("confirm_email", manager.email.upper(), verbosity=0)
    browser = WAGTAIL_ADMIN.browser(clinic)
    assert WAGTAIL_ADMIN.let_in(browser, WAGTAIL_ADMIN.attempt(browser, manager.email, PASSWORD))


def test_the_admins_reset_link_confirms_the_address(clinic):
    from allauth.account.models import EmailAddress
    from django.core import mail

    manager = person_for(WAGTAIL_ADMIN, clinic)
    EmailAddress.objects.filter(user=manager).delete()
    browser = WAGTAIL_ADMIN.browser(clinic)
    browser.post("/admin/password_reset/", {"email": manager.email})
    link = re.search(r"/admin/password_reset/confirm/\S+/\S+/", mail.outbox[-1].body).group(0)
    form = browser.get(link, follow=True)
    new = "a-brand-new-admin-pass-42"
    browser.post(form.redirect_chain[-1][0], {"new_password1": new, "new_password2": new})
    browser = WAGTAIL_ADMIN.browser(clinic)
    assert WAGTAIL_ADMIN.let_in(browser, WAGTAIL_ADMIN.attempt(browser, manager.email, new))
