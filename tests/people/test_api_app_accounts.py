"""Apps make and recover accounts through allauth's headless API
(``/_allauth/app/v1/…``) with the portal's rules: sign up, confirm the email, sign in
with a one-time code, reset the password. A flow that ends signed in answers a device
token for this clinic (``meta.access_token``), the one ``/api/v1/`` takes."""

import re

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from rest_framework.test import APIClient

from people.models import ClientAccount, DeviceToken, User
from tests.factories.clients import PASSWORD
from tests.fixtures.clinics import host_client
from tests.fixtures.honesty import nothing_changes
from tests.fixtures.people import SIGNUP_DETAILS, last_email_to, login_code_in

pytestmark = pytest.mark.django_db

AUTH = "/_allauth/app/v1/auth"
NEW = "new.patient@example.com"


class App:
    """A phone app at one clinic's host: keeps allauth's session token between calls."""

    def __init__(self, clinic, device="Ana's phone"):
        self.http = host_client(clinic, APIClient)
        self.clinic = clinic
        self.device = device
        self.session_token = None

    def call(self, method, path, body=None):
        headers = {"HTTP_X_DEVICE_NAME": self.device} if self.device else {}
        if self.session_token:
            headers["HTTP_X_SESSION_TOKEN"] = self.session_token
        response = getattr(self.http, method)(f"{AUTH}{path}", body, format="json", **headers)
        meta = response.json().get("meta", {}) if response.content else {}
        self.session_token = meta.get("session_token", self.session_token)
        return response

    def api(self, access_token):
        client = host_client(self.clinic, APIClient)
        client.credentials(HTTP_AUTHORIZATION=f"Token {access_token}")
        return client


def pending(response):
    return [flow["id"] for flow in response.json()["data"]["flows"] if flow.get("is_pending")]


def confirmation_key(address):
    match = re.search(r"/accounts/confirm-email/([^/\s]+)/", last_email_to(address).body)
    assert match, last_email_to(address).body
    return match.group(1)


def sign_up(app, email=NEW):
    return app.call("post", "/signup", {"email": email, "password": PASSWORD, **SIGNUP_DETAILS})


def test_sign_up_confirm_the_email_and_the_app_is_signed_in_here(clinic):
    app = App(clinic)
    response = sign_up(app)
    # Signed up, not signed in: the email must be confirmed first, as in the portal.
    assert response.status_code == 401
    assert pending(response) == ["verify_email"]
    assert app.session_token
    person = User.objects.get(email=NEW)
    assert (person.first_name, person.last_name) == ("Ana", "Petrova")
    assert not DeviceToken.objects.exists()

    confirmed = app.call("post", "/email/verify", {"key": confirmation_key(NEW)})
    assert confirmed.status_code == 200, confirmed.content
    meta = confirmed.json()["meta"]
    assert meta["is_authenticated"] is True
    me = app.api(meta["access_token"]).get("/api/v1/me")
    assert me.status_code == 200
    assert me.json()["phone"] == "+447700900123"
    assert EmailAddress.objects.get(email=NEW).verified
    assert [d.name for d in DeviceToken.objects.filter(clinic=clinic)] == ["Ana's phone"]
    assert list(ClientAccount.objects.filter(user=person).values_list("clinic", flat=True)) == [
        clinic.pk
    ]


def test_sign_up_with_a_bad_phone_names_the_field_and_creates_nobody(clinic):
    app = App(clinic)
    with nothing_changes(User.objects.all()):
        response = app.call(
            "post",
            "/signup",
            {"email": NEW, "password": PASSWORD, **SIGNUP_DETAILS, "phone": "call me"},
        )
    assert response.status_code == 400
    assert [e["param"] for e in response.json()["errors"]] == ["phone"]


def test_an_unconfirmed_address_signs_in_to_nothing(clinic):
    app = App(clinic)
    sign_up(app)
    again = App(clinic)
    response = again.call("post", "/login", {"email": NEW, "password": PASSWORD})
    assert response.status_code == 401
    assert pending(response) == ["verify_email"]
    assert "access_token" not in response.json().get("meta", {})
    assert not DeviceToken.objects.exists()


def test_password_sign_in_gives_a_device_token_for_this_clinic(clinic, other_clinic, patient):
    app = App(clinic)
    response = app.call("post", "/login", {"email": patient.user.email, "password": PASSWORD})
    assert response.status_code == 200
    token = response.json()["meta"]["access_token"]
    assert app.api(token).get("/api/v1/me").status_code == 200
    # Glow's token at Riverside's host is refused.
    riverside = App(other_clinic).api(token)
    assert riverside.get("/api/v1/me").status_code == 401


def test_the_device_is_named_by_the_body_as_at_the_token_endpoint(clinic, patient):
    app = App(clinic, device="")
    response = app.call(
        "post",
        "/login",
        {"email": patient.user.email, "password": PASSWORD, "device": "Jo's iPad"},
    )
    assert response.status_code == 200
    devices = (
        app.api(response.json()["meta"]["access_token"])
        .get("/api/v1/auth/devices")
        .json()["results"]
    )
    assert [d["name"] for d in devices] == ["Jo's iPad"]


def test_another_clinics_session_token_is_nobody_here(clinic, other_clinic, patient):
    glow = App(clinic)
    glow.call("post", "/login", {"email": patient.user.email, "password": PASSWORD})
    riverside = App(other_clinic)
    riverside.session_token = glow.session_token
    response = riverside.call("get", "/session")
    assert response.status_code == 401
    assert response.json()["meta"]["is_authenticated"] is False


def test_one_time_code_sign_in(clinic, patient):
    app = App(clinic)
    asked = app.call("post", "/code/request", {"email": patient.user.email})
    assert asked.status_code == 401
    assert pending(asked) == ["login_by_code"]
    code = login_code_in(last_email_to(patient.user.email))

    response = app.call("post", "/code/confirm", {"code": code})
    assert response.status_code == 200
    assert app.api(response.json()["meta"]["access_token"]).get("/api/v1/me").status_code == 200
    # Single use: the same code again signs nobody in.
    again = App(clinic)
    again.call("post", "/code/request", {"email": patient.user.email})
    assert again.call("post", "/code/confirm", {"code": code}).status_code == 400


def test_a_wrong_code_three_times_ends_the_attempt(clinic, patient):
    app = App(clinic)
    app.call("post", "/code/request", {"email": patient.user.email})
    code = login_code_in(last_email_to(patient.user.email))
    for _attempt in range(3):
        assert app.call("post", "/code/confirm", {"code": "AAAA-AAAA"}).status_code == 400
    response = app.call("post", "/code/confirm", {"code": code})
    assert response.status_code in (400, 409)
    assert not DeviceToken.objects.exists()


def test_asking_for_codes_is_rate_limited(clinic, patient):
    # ACCOUNT_RATE_LIMITS["request_login_code"]: 3 a minute per address asked for.
    for _attempt in range(3):
        asked = App(clinic).call("post", "/code/request", {"email": patient.user.email})
        assert asked.status_code == 401
    sent = len(mail.outbox)
    response = App(clinic).call("post", "/code/request", {"email": patient.user.email})
    assert response.status_code == 400  # allauth's answer to a used-up limit
    assert [e["code"] for e in response.json()["errors"]] == ["too_many_login_attempts"]
    assert len(mail.outbox) == sent  # no fourth code


def test_password_reset_signs_every_device_out_and_the_new_password_works(clinic, patient):
    signed_in = App(clinic)
    old = signed_in.call("post", "/login", {"email": patient.user.email, "password": PASSWORD})
    old_token = old.json()["meta"]["access_token"]

    app = App(clinic)
    assert app.call("post", "/password/request", {"email": patient.user.email}).status_code == 200
    body = last_email_to(patient.user.email).body
    key = re.search(r"/accounts/password/reset/key/([^/\s]+)/", body).group(1)
    new = "a-brand-new-pass-77"
    response = app.call("post", "/password/reset", {"key": key, "password": new})
    assert response.status_code in (200, 401), response.content

    assert signed_in.api(old_token).get("/api/v1/me").status_code == 401
    fresh = App(clinic).call("post", "/login", {"email": patient.user.email, "password": new})
    assert fresh.status_code == 200
    assert (
        App(clinic).api(fresh.json()["meta"]["access_token"]).get("/api/v1/me").status_code == 200
    )


def test_no_headless_sign_up_at_an_unknown_host(db):
    response = APIClient(HTTP_HOST="nowhere.localhost").post(
        f"{AUTH}/signup", {"email": NEW, "password": PASSWORD}, format="json"
    )
    assert response.status_code == 404
    assert not User.objects.filter(email=NEW).exists()
    assert not mail.outbox


def test_password_change_in_the_app_signs_every_device_out(clinic, patient):
    phone = App(clinic)
    signed_in = phone.call("post", "/login", {"email": patient.user.email, "password": PASSWORD})
    token = signed_in.json()["meta"]["access_token"]
    other = App(clinic, device="Tablet").call(
        "post", "/login", {"email": patient.user.email, "password": PASSWORD}
    )
    # The flow's session token (kept from the sign-in) authenticates allauth's account API.
    changed = phone.http.post(
        "/_allauth/app/v1/account/password/change",
        {"current_password": PASSWORD, "new_password": "a-brand-new-pass-77"},
        format="json",
        HTTP_X_SESSION_TOKEN=phone.session_token,
    )
    assert changed.status_code in (200, 401), changed.content
    patient.user.refresh_from_db()
    assert patient.user.check_password("a-brand-new-pass-77")
    for key in (token, other.json()["meta"]["access_token"]):
        assert phone.api(key).get("/api/v1/me").status_code == 401


def test_a_wrong_current_password_changes_nothing(clinic, patient):
    phone = App(clinic)
    phone.call("post", "/login", {"email": patient.user.email, "password": PASSWORD})
    with nothing_changes(User, DeviceToken):
        refused = phone.http.post(
            "/_allauth/app/v1/account/password/change",
            {"current_password": "wrong-pass-000", "new_password": "a-brand-new-pass-77"},
            format="json",
            HTTP_X_SESSION_TOKEN=phone.session_token,
        )
    assert refused.status_code == 400
    assert refused.json()["errors"][0]["param"] == "current_password"
