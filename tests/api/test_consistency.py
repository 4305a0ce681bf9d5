"""Every answer under /api/ is JSON in the one error shape with a code — unknown paths,
trailing slashes, an unknown host and a server error included — and sign-in refusals
tell "who are you?" (401, with WWW-Authenticate) from "not you" (403)."""

import pytest
from rest_framework.test import APIClient

from branding.errors import error_code
from branding.services import features_update
from tests.fixtures.clinics import host_client

pytestmark = pytest.mark.django_db

# A sample of endpoints that need a signed-in person, from every app.
SIGNED_IN_ONLY = [
    ("get", "/api/v1/me"),
    ("get", "/api/v1/notifications"),
    ("get", "/api/v1/bookings"),
    ("post", "/api/v1/bookings"),
    ("get", "/api/v1/bookings/1"),
    ("get", "/api/v1/cart"),
    ("get", "/api/v1/cards"),
    ("get", "/api/v1/loyalty"),
    ("get", "/api/v1/games"),
    ("get", "/api/v1/forms"),
    ("post", "/api/v1/messages"),
    ("get", "/api/v1/pets"),
    ("get", "/api/v1/medical-history"),
]


def assert_error(response, status, code):
    assert response.status_code == status, (response.status_code, response.content[:300])
    assert response["Content-Type"].startswith("application/json"), response["Content-Type"]
    body = response.json()
    assert body["code"] == code, body
    assert body["detail"] and isinstance(body["detail"], str)
    error_code(body["code"])  # a code the published contract lists
    return body


@pytest.mark.parametrize(("method", "path"), SIGNED_IN_ONLY)
def test_missing_credentials_are_401_with_www_authenticate(api, method, path):
    response = getattr(api, method)(path, format="json")
    assert_error(response, 401, "not_authenticated")
    assert response["WWW-Authenticate"].startswith("Token")


@pytest.mark.parametrize(("method", "path"), SIGNED_IN_ONLY[:6])
def test_an_invalid_token_is_401_with_www_authenticate(api, method, path):
    api.credentials(HTTP_AUTHORIZATION="Token not-a-real-token")
    response = getattr(api, method)(path, format="json")
    assert_error(response, 401, "authentication_failed")
    assert response["WWW-Authenticate"].startswith("Token")


def test_valid_credentials_but_feature_off_is_403_not_401(api, patient_api, clinic):
    features_update(clinic=clinic, online_booking=False, rewards=False)
    assert_error(patient_api.get("/api/v1/loyalty"), 403, "feature_disabled")
    # An endpoint open to visitors: the feature is off for everyone, signing in would
    # not help, so it is a 403 too (never a 401 asking to sign in).
    response = api.get("/api/v1/availability?service=x&from=2030-01-01&to=2030-01-02")
    assert_error(response, 403, "feature_disabled")
    assert "WWW-Authenticate" not in response


def test_a_session_without_its_csrf_token_is_403(clinic, patient):
    browser = host_client(clinic, APIClient)
    browser.force_login(patient.user)
    browser.handler.enforce_csrf_checks = True
    response = browser.post("/api/v1/messages", {"thread": 1, "body": "hi"}, format="json")
    assert_error(response, 403, "not_allowed")


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("get", "/api/v1/nothing-here"),
        ("get", "/api/v1/clinic/"),  # a trailing slash
        ("get", "/api/v1/bookings/"),
        ("post", "/api/v1/bookings/"),
        ("delete", "/api/v1/bookings/1/nothing"),
        ("get", "/api/v2/clinic"),
        ("get", "/api/"),
        ("get", "/api"),
    ],
)
def test_unknown_paths_and_trailing_slashes_are_json_404(api, patient_api, method, path):
    for client in (api, patient_api):
        response = getattr(client, method)(path, format="json")
        assert_error(response, 404, "unknown_endpoint")
        assert "Location" not in response  # not redirected to an HTML page


def test_a_trailing_slash_404_names_the_path_without_it(api):
    body = api.get("/api/v1/clinic/").json()
    assert "/api/v1/clinic" in body["detail"]


def test_a_missing_slash_on_the_docs_names_them(api):
    body = assert_error(api.get("/api/docs"), 404, "unknown_endpoint")
    assert "Did you mean /api/docs/?" in body["detail"]


def test_an_unknown_host_answers_json_under_api(clinic):
    stranger = APIClient(HTTP_HOST="nowhere.example.com")
    body = assert_error(stranger.get("/api/v1/clinic"), 404, "unknown_clinic")
    assert "Glow" not in str(body)
    # The portal's pages still answer with the HTML page.
    page = stranger.get("/")
    assert page.status_code == 404 and page["Content-Type"].startswith("text/html")


def test_method_not_allowed_is_json_with_a_code(api):
    assert_error(api.delete("/api/v1/clinic"), 405, "method_not_allowed")


def test_malformed_json_is_400_with_a_code(patient_api):
    response = patient_api.post(
        "/api/v1/messages", data="{not json", content_type="application/json"
    )
    assert_error(response, 400, "malformed_request")


def test_not_found_objects_have_a_code(patient_api):
    assert_error(patient_api.get("/api/v1/bookings/999999"), 404, "not_found")


def test_a_server_error_under_api_is_json_500(clinic, monkeypatch):
    from branding.api import views

    def boom(self, request):
        raise RuntimeError("boom")

    monkeypatch.setattr(views.ClinicView, "get", boom)
    client = APIClient(HTTP_HOST=clinic.site.hostname, raise_request_exception=False)
    body = assert_error(client.get("/api/v1/clinic"), 500, "server_error")
    assert "boom" not in body["detail"]  # nothing internal leaks


def test_a_wrong_password_is_401_with_www_authenticate(api, patient):
    response = api.post(
        "/api/v1/auth/token",
        {"email": patient.user.email, "password": "not the password"},
        format="json",
    )
    assert_error(response, 401, "sign_in_failed")
    assert response["WWW-Authenticate"].startswith("Token")


def test_a_serializers_refusal_has_the_one_error_shape_naming_each_input(patient_api):
    response = patient_api.patch(
        "/api/v1/preferences",
        {"communication": {"push": "maybe"}, "booking": {"services": ["x"]}},
        format="json",
    )
    body = assert_error(response, 400, "invalid")
    assert set(body) == {"detail", "code", "field", "errors"}
    assert body["field"] in body["errors"] and body["detail"] == body["errors"][body["field"]][0]
    assert "communication.push" in body["errors"]
    assert all(isinstance(m, str) for msgs in body["errors"].values() for m in msgs)
    missing = patient_api.post("/api/v1/bookings", {}, format="json")
    body = assert_error(missing, 400, "invalid")
    assert body["field"] in ("service", "start") and {"service", "start"} <= set(body["errors"])
