"""Mobile apps sign in with POST /api/v1/auth/token and then send
``Authorization: Token <key>``; GET /api/v1/me is the person's account at the clinic
whose domain they call."""

import pytest
from rest_framework.test import APIClient

from people.models import ClientAccount
from tests.factories.clients import PASSWORD, ClientAccountFactory
from tests.fixtures.clinics import host_client
from tests.fixtures.honesty import nothing_changes
from tests.fixtures.people import SIGNUP_DETAILS

pytestmark = pytest.mark.django_db

MISMATCH = "That email and password do not match an account."


def get_token(api, email, password=PASSWORD):
    return api.post("/api/v1/auth/token", {"email": email, "password": password}, format="json")


def app_with_token(clinic, token):
    client = host_client(clinic, APIClient)
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    return client


def test_right_password_gives_a_token_that_signs_the_app_in(clinic, patient, api):
    response = get_token(api, patient.user.email)
    assert response.status_code == 200
    token = response.json()["token"]

    me = app_with_token(clinic, token).get("/api/v1/me")
    assert me.status_code == 200
    assert me.json()["email"] == patient.user.email
    assert me.json()["phone"] == patient.phone


def test_email_is_matched_whatever_its_case(clinic, patient, api):
    response = get_token(api, patient.user.email.upper())
    assert response.status_code == 200


@pytest.mark.parametrize(
    ("email", "password"),
    [("{email}", "wrong-password"), ("nobody@example.com", PASSWORD)],
    ids=["wrong password", "unknown email"],
)
def test_wrong_credentials_are_refused_with_a_message(clinic, patient, api, email, password):
    response = get_token(api, email.format(email=patient.user.email), password)
    assert response.status_code in (401, 403)
    assert response.json()["detail"] == MISMATCH
    assert "token" not in response.json()


def test_missing_fields_are_named(clinic, api):
    response = api.post("/api/v1/auth/token", {"email": "not-an-email"}, format="json")
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid" and body["field"] == "email"
    assert "email" in body["errors"] and "password" in body["errors"]


def test_without_a_token_me_is_refused(clinic, api):
    response = api.get("/api/v1/me")
    assert response.status_code in (401, 403)


def test_a_made_up_token_is_refused(clinic):
    response = app_with_token(clinic, "0" * 40).get("/api/v1/me")
    assert response.status_code in (401, 403)
    assert response.json()["detail"] == "Invalid token."


def test_signing_out_revokes_the_token(clinic, patient, api):
    token = get_token(api, patient.user.email).json()["token"]
    app = app_with_token(clinic, token)
    assert app.delete("/api/v1/auth/token").status_code == 204
    response = app.get("/api/v1/me")
    assert response.status_code in (401, 403)
    assert response.json()["detail"] == "Invalid token."


def test_deactivated_people_cannot_get_a_token(clinic, patient, api):
    patient.user.is_active = False
    patient.user.save()
    response = get_token(api, patient.user.email)
    assert response.status_code in (401, 403)
    assert response.json()["detail"] == MISMATCH


def test_a_token_works_only_at_the_clinic_that_issued_it(clinic, other_clinic, patient, api):
    """Glow's token sent to Riverside's host is refused as an unknown one would be (401),
    even though the person is a client at Riverside too; Riverside's own token works there
    and shows the account there."""
    ClientAccountFactory(clinic=other_clinic, user=patient.user, phone="+12025550199")
    glow_token = get_token(api, patient.user.email).json()["token"]

    refused = app_with_token(other_clinic, glow_token).get("/api/v1/me")
    assert refused.status_code == 401
    assert refused.json()["code"] == "authentication_failed"
    assert refused["WWW-Authenticate"] == "Token"

    riverside_token = get_token(host_client(other_clinic, APIClient), patient.user.email)
    at_riverside = app_with_token(other_clinic, riverside_token.json()["token"]).get("/api/v1/me")
    assert at_riverside.json()["phone"] == "+12025550199"
    assert app_with_token(clinic, glow_token).get("/api/v1/me").json()["phone"] == patient.phone


def test_getting_a_token_at_a_clinic_makes_a_client_there_only(clinic, other_clinic, user, api):
    assert get_token(api, user.email).status_code == 200
    clinics = set(ClientAccount.objects.filter(user=user).values_list("clinic__slug", flat=True))
    assert clinics == {"glow"}


def test_no_token_at_an_unknown_address(clinic, patient):
    stranger = APIClient(HTTP_HOST="nowhere.localhost")
    response = get_token(stranger, patient.user.email)
    assert response.status_code == 404
    assert "token" not in response.content.decode()


def test_password_guessing_is_throttled(clinic, patient, api):
    # The portal's failed sign-in limit (people.signin): 5 per account in 5 minutes.
    for _attempt in range(5):
        assert get_token(api, patient.user.email, "guess").status_code in (401, 403)
    response = get_token(api, patient.user.email)
    assert response.status_code == 429
    assert "token" not in response.json()


def test_more_than_ten_requests_a_minute_from_one_address_are_throttled(clinic, patient, api):
    # settings.REST_FRAMEWORK: "auth": "10/min" (DRF reads the rate at import time),
    # counted per client address (branding.client_address), right passwords too.
    for _attempt in range(10):
        assert get_token(api, patient.user.email).status_code == 200
    response = get_token(api, patient.user.email)
    assert response.status_code == 429
    assert "token" not in response.json()


def test_an_unconfirmed_registration_gets_no_token(clinic, portal, api):
    portal.post(
        "/accounts/signup/",
        {
            "email": "unconfirmed@example.com",
            "password1": PASSWORD,
            "password2": PASSWORD,
            **SIGNUP_DETAILS,
        },
    )
    response = get_token(api, "unconfirmed@example.com")
    assert response.status_code in (401, 403)


def assert_signed_out(app):
    response = app.get("/api/v1/me")
    assert response.status_code in (401, 403)
    assert response.json()["detail"] == "Invalid token."


def test_changing_the_password_in_the_portal_signs_every_app_out(clinic, patient, api):
    token = get_token(api, patient.user.email).json()["token"]
    app = app_with_token(clinic, token)
    assert app.get("/api/v1/me").status_code == 200

    browser = host_client(clinic)
    browser.force_login(patient.user)
    new = "a-new-pass-5678"
    response = browser.post(
        "/accounts/password/change/",
        {"oldpassword": PASSWORD, "password1": new, "password2": new},
    )
    assert response.status_code == 302
    assert_signed_out(app)
    # The new password gives a new token that works.
    fresh = get_token(api, patient.user.email, new).json()["token"]
    assert fresh != token
    assert app_with_token(clinic, fresh).get("/api/v1/me").status_code == 200


def test_a_password_set_by_any_other_door_signs_every_app_out(clinic, patient, api):
    # A reset link, the admin and manage.py all end in set_password() and save().
    app = app_with_token(clinic, get_token(api, patient.user.email).json()["token"])
    patient.user.set_password("reset-pass-9012")
    patient.user.save()
    assert_signed_out(app)


def test_each_sign_in_is_its_own_device_and_editing_the_name_keeps_them(clinic, patient, api):
    phone = get_token(api, patient.user.email).json()["token"]
    tablet = get_token(api, patient.user.email).json()["token"]
    assert phone != tablet
    patient.user.first_name = "Renamed"
    patient.user.save()
    assert app_with_token(clinic, phone).get("/api/v1/me").status_code == 200
    assert app_with_token(clinic, tablet).get("/api/v1/me").status_code == 200


def test_deactivating_the_client_signs_their_apps_out(clinic, patient, manager, api):
    from people.services import client_deactivate

    app = app_with_token(clinic, get_token(api, patient.user.email).json()["token"])
    client_deactivate(clinic=clinic, account=patient, actor=manager)
    assert_signed_out(app)


@pytest.mark.parametrize("path", ["/api/v1/me", "/api/v1/bookings", "/api/v1/bookings/1"])
def test_a_token_read_at_another_clinic_makes_nobody_a_client_there(
    clinic, other_clinic, patient, api, path
):
    """Glow's patient sends their token to Riverside's host: refused (the token is
    Glow's), and Riverside gains no client (their name never reaches its client list)."""
    token = get_token(api, patient.user.email).json()["token"]
    with nothing_changes(ClientAccount.objects.filter(user=patient.user)):
        response = app_with_token(other_clinic, token).get(path)
    assert response.status_code == 401
    assert response.json()["code"] == "authentication_failed"
    assert not ClientAccount.objects.filter(clinic=other_clinic).exists()


def test_a_signed_in_person_without_an_account_here_reads_nothing(other_clinic, patient):
    """A session (or any credentials) valid here for someone who is no client here:
    403 not_a_client_here, and no account is made by reading."""
    riverside = host_client(other_clinic, APIClient)
    riverside.force_authenticate(patient.user)
    with nothing_changes(ClientAccount.objects.filter(user=patient.user)):
        response = riverside.get("/api/v1/me")
    assert response.status_code == 403
    assert response.json()["code"] == "not_a_client_here"


def test_signing_in_at_the_other_clinic_makes_a_client_there_and_me_answers(
    clinic, other_clinic, patient
):
    riverside = host_client(other_clinic, APIClient)
    token = get_token(riverside, patient.user.email).json()["token"]
    assert app_with_token(other_clinic, token).get("/api/v1/me").status_code == 200
    assert ClientAccount.objects.filter(clinic=other_clinic, user=patient.user).exists()
