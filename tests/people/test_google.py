"""Signing in with Google, through allauth's real OAuth2 flow.

The only thing that is not real is Google itself: a local HTTP server started by the
test (127.0.0.1, a free port) plays Google's token and certificate endpoints. It answers
the code exchange with an access token and an OpenID id_token signed with an RSA key the
test generates, and publishes that key's certificate the way Google does.

How allauth is pointed at it: allauth's Google adapter copies its endpoint URLs from
``settings.SOCIALACCOUNT_PROVIDERS["google"]`` once, when
``allauth.socialaccount.providers.google.views`` is first imported (long before a test
can change settings). So the ``google_server`` fixture sets them where allauth reads
them at request time, with ``monkeypatch`` (undone after each test):
``GoogleOAuth2Adapter.access_token_url`` / ``authorize_url`` (used by the OAuth2 client)
and the module's ``CERTS_URL`` (used to check id_token signatures). The id_token's issuer
stays Google's real one, so ``ID_TOKEN_ISSUER`` needs no change. Every other step is
allauth's own: state and PKCE in the session, the callback, the code exchange over HTTP,
id_token checks (issuer, audience, expiry), and completing the login through our
adapters.

The Google app (client id and secret) comes from settings, as in a deployment where
GOOGLE_CLIENT_ID / GOOGLE_CLIENT_SECRET are set (cms/settings/base.py turns them into
``SOCIALACCOUNT_PROVIDERS["google"]["APPS"]``; django.contrib.sites is not installed, and
allauth then reads apps from settings and from every SocialApp row).
"""

import base64
import copy
import datetime
import functools
import hashlib
import json
import os
import subprocess
import sys
import time
from http.server import BaseHTTPRequestHandler
from urllib.parse import parse_qs, urlsplit

import jwt
import pytest
from allauth.socialaccount.models import SocialAccount
from allauth.socialaccount.providers.google import views as google_views
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID
from django.conf import settings as django_settings

from people.models import ClientAccount, User
from tests.fixtures.clinics import host_client
from tests.fixtures.local_servers import serving
from tests.fixtures.people import signed_in_user_id

pytestmark = pytest.mark.django_db

CLIENT_ID = "portal-test.apps.googleusercontent.com"
CLIENT_SECRET = "local-secret"
GOOGLE_ISSUER = "https://accounts.google.com"
KID = "local-test-key"


@functools.cache
def _signing_key():
    """Google's token-signing key and certificate, made once per run (an RSA key takes a
    tenth of a second to generate)."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    return key, _self_signed_certificate(key)


class FakeGoogle:
    """What the local server answers, and what it was asked."""

    def __init__(self):
        self.key, self.certificate_pem = _signing_key()
        self.token_requests = []
        self.claims = {}

    def id_token(self):
        now = int(time.time())
        claims = {
            "iss": GOOGLE_ISSUER,
            "aud": CLIENT_ID,
            "azp": CLIENT_ID,
            "sub": "109876543210987654321",
            "email": "maria.google@example.com",
            "email_verified": True,
            "given_name": "Maria",
            "family_name": "Lopez",
            "iat": now,
            "exp": now + 3600,
        }
        claims.update(self.claims)
        return jwt.encode(claims, self.key, algorithm="RS256", headers={"kid": KID})


def _self_signed_certificate(key):
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "local google test")])
    now = datetime.datetime.now(datetime.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=1))
        .sign(key, hashes.SHA256())
    )
    return certificate.public_bytes(serialization.Encoding.PEM).decode()


def _handler_for(google):
    class Handler(BaseHTTPRequestHandler):
        def _json(self, payload, status=200):
            body = json.dumps(payload).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def do_POST(self):  # noqa: N802 (http.server's naming)
            if self.path != "/token":
                return self._json({"error": "not_found"}, 404)
            length = int(self.headers.get("Content-Length", 0))
            form = {k: v[0] for k, v in parse_qs(self.rfile.read(length).decode()).items()}
            google.token_requests.append(form)
            if form.get("client_secret") != CLIENT_SECRET or form.get("code") != "good-code":
                return self._json({"error": "invalid_grant"}, 400)
            self._json(
                {
                    "access_token": "local-access-token",
                    "expires_in": 3599,
                    "token_type": "Bearer",
                    "scope": "openid email profile",
                    "id_token": google.id_token(),
                }
            )

        def do_GET(self):  # noqa: N802
            if self.path == "/certs":
                return self._json({KID: google.certificate_pem})
            self._json({"error": "not_found"}, 404)

        def log_message(self, *args):
            pass

    return Handler


@pytest.fixture
def google_server(monkeypatch):
    google = FakeGoogle()
    with serving(_handler_for(google)) as server:
        base = f"http://127.0.0.1:{server.server_address[1]}"
        google.base_url = base
        # See the module docstring: allauth froze these URLs at import time.
        adapter = google_views.GoogleOAuth2Adapter
        monkeypatch.setattr(adapter, "access_token_url", f"{base}/token")
        monkeypatch.setattr(adapter, "authorize_url", f"{base}/o/oauth2/v2/auth")
        monkeypatch.setattr(google_views, "CERTS_URL", f"{base}/certs")
        yield google


@pytest.fixture
def google_configured(settings):
    """The deployment has GOOGLE_CLIENT_ID / GOOGLE_CLIENT_SECRET set."""
    providers = copy.deepcopy(django_settings.SOCIALACCOUNT_PROVIDERS)
    providers["google"]["APPS"] = [{"client_id": CLIENT_ID, "secret": CLIENT_SECRET, "key": ""}]
    settings.SOCIALACCOUNT_PROVIDERS = providers


def start_google_login(browser):
    """Press "Continue with Google": allauth sends the browser to Google's consent page."""
    response = browser.post("/accounts/google/login/?process=login")
    assert response.status_code == 302
    return urlsplit(response["Location"]), {
        k: v[0] for k, v in parse_qs(urlsplit(response["Location"]).query).items()
    }


def return_from_google(browser, params, code="good-code"):
    """Google sends the browser back to the callback with the code and the state."""
    callback = urlsplit(params["redirect_uri"])
    return browser.get(callback.path, {"code": code, "state": params["state"]})


def google_sign_in(browser, code="good-code"):
    _url, params = start_google_login(browser)
    return return_from_google(browser, params, code=code)


def test_sign_in_page_offers_google_when_configured(clinic, portal, google_configured):
    html = portal.get("/accounts/login/").content.decode()
    assert "Continue with Google" in html
    assert 'href="/accounts/google/login/?process=login"' in html


def test_sign_in_page_has_no_google_button_without_configuration(clinic, portal):
    assert "APPS" not in django_settings.SOCIALACCOUNT_PROVIDERS["google"]
    html = portal.get("/accounts/login/").content.decode()
    assert "Google" not in html


def test_google_app_comes_from_environment_variables():
    # A fresh interpreter, as a deployment starts: base.py reads the env vars (the
    # settings alone; no need to load the apps).
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "cms.settings.test",
        "GOOGLE_CLIENT_ID": "from-env.apps.googleusercontent.com",
        "GOOGLE_CLIENT_SECRET": "env-secret",
    }
    script = (
        "import json; from django.conf import settings; "
        "print(json.dumps(settings.SOCIALACCOUNT_PROVIDERS['google']['APPS']))"
    )
    out = subprocess.run(
        [sys.executable, "-c", script],
        env=env,
        cwd=django_settings.BASE_DIR,
        capture_output=True,
        text=True,
        check=True,
    )
    apps = json.loads(out.stdout.strip().splitlines()[-1])
    assert apps == [
        {"client_id": "from-env.apps.googleusercontent.com", "secret": "env-secret", "key": ""}
    ]


def test_new_person_signs_in_with_google_and_becomes_a_client_of_this_clinic(
    clinic, other_clinic, portal, google_server, google_configured
):
    url, params = start_google_login(portal)
    # To Google's consent page, for our app, coming back to this clinic's own domain.
    assert f"{url.scheme}://{url.netloc}{url.path}" == f"{google_server.base_url}/o/oauth2/v2/auth"
    assert params["client_id"] == CLIENT_ID
    assert params["redirect_uri"] == "http://glow.localhost/accounts/google/login/callback/"
    assert set(params["scope"].split()) == {"profile", "email"}
    assert params["code_challenge_method"] == "S256"

    response = return_from_google(portal, params)
    assert response.status_code == 302
    assert response["Location"] == "/"

    # allauth exchanged the code with "Google", proving PKCE with the matching verifier.
    (exchange,) = google_server.token_requests
    assert exchange["client_id"] == CLIENT_ID
    assert exchange["redirect_uri"] == params["redirect_uri"]
    digest = hashlib.sha256(exchange["code_verifier"].encode()).digest()
    assert base64.urlsafe_b64encode(digest).rstrip(b"=").decode() == params["code_challenge"]

    user = User.objects.get(email="maria.google@example.com")
    assert (user.first_name, user.last_name) == ("Maria", "Lopez")
    assert signed_in_user_id(portal) == str(user.pk)
    assert SocialAccount.objects.get(user=user).uid == "109876543210987654321"
    # Google vouched for the address, so no confirmation email is needed.
    assert user.emailaddress_set.get().verified
    assert set(ClientAccount.objects.filter(user=user).values_list("clinic__slug", flat=True)) == {
        "glow"
    }
    assert "Sign out" in portal.get("/menu/").content.decode()


def test_google_sign_in_joins_an_existing_account_with_that_email(
    clinic, other_clinic, google_server, google_configured, verified_user
):
    google_server.claims = {"email": verified_user.email}
    browser = host_client(other_clinic)
    google_sign_in(browser)
    assert signed_in_user_id(browser) == str(verified_user.pk)
    assert User.objects.filter(email=verified_user.email).count() == 1
    assert set(
        ClientAccount.objects.filter(user=verified_user).values_list("clinic__slug", flat=True)
    ) == {"riverside"}


def test_the_same_google_account_later_signs_in_at_another_clinic(
    clinic, other_clinic, portal, other_portal, google_server, google_configured
):
    google_sign_in(portal)
    google_sign_in(other_portal)
    user = User.objects.get(email="maria.google@example.com")
    assert signed_in_user_id(other_portal) == str(user.pk)
    assert SocialAccount.objects.filter(user=user).count() == 1
    assert set(ClientAccount.objects.filter(user=user).values_list("clinic__slug", flat=True)) == {
        "glow",
        "riverside",
    }


@pytest.mark.parametrize(
    "claims",
    [
        {"aud": "someone-elses-app.apps.googleusercontent.com"},
        {"iss": "https://evil.example.com"},
        {"exp": int(time.time()) - 60},
    ],
    ids=["token for another app", "token from another issuer", "expired token"],
)
def test_a_bad_id_token_signs_nobody_in(clinic, portal, google_server, google_configured, claims):
    google_server.claims = claims
    response = google_sign_in(portal)
    assert response.status_code == 401
    html = response.content.decode()
    assert "Third-Party Login Failure" in html
    assert "Glow Aesthetics" in html
    assert signed_in_user_id(portal) is None
    assert not User.objects.filter(email="maria.google@example.com").exists()


def test_a_callback_without_our_state_is_refused(clinic, portal, google_server, google_configured):
    _url, params = start_google_login(portal)
    response = portal.get(
        "/accounts/google/login/callback/", {"code": "good-code", "state": "forged"}
    )
    assert "Third-Party Login Failure" in response.content.decode()
    assert google_server.token_requests == []
    # The genuine state still works once, and only once.
    return_from_google(portal, params)
    assert signed_in_user_id(portal) is not None
    portal.post("/accounts/logout/")
    return_from_google(portal, params)
    assert signed_in_user_id(portal) is None


def test_a_code_google_rejects_signs_nobody_in(clinic, portal, google_server, google_configured):
    response = google_sign_in(portal, code="stolen-code")
    assert "Third-Party Login Failure" in response.content.decode()
    assert signed_in_user_id(portal) is None


def test_google_sign_in_is_closed_away_from_a_clinic(google_server, google_configured, clinic):
    from django.test import Client

    response = Client(HTTP_HOST="nowhere.localhost").post("/accounts/google/login/")
    assert response.status_code == 404
    assert google_server.token_requests == []


def one_tap(browser, credential):
    """Google's "Sign in with Google" button posts an id_token straight to us; unlike the
    code exchange, that token did not come from Google over TLS, so allauth checks its
    signature against Google's published certificates."""
    browser.cookies["g_csrf_token"] = "double-submit"
    return browser.post(
        "/accounts/google/login/token/",
        {"credential": credential, "g_csrf_token": "double-submit"},
    )


def test_one_tap_token_signed_by_google_signs_in(clinic, portal, google_server, google_configured):
    response = one_tap(portal, google_server.id_token())
    assert response.status_code == 302
    user = User.objects.get(email="maria.google@example.com")
    assert signed_in_user_id(portal) == str(user.pk)


def test_one_tap_token_with_a_forged_signature_is_refused(
    clinic, portal, google_server, google_configured
):
    forger = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    claims = jwt.decode(google_server.id_token(), options={"verify_signature": False})
    forged = jwt.encode(claims, forger, algorithm="RS256", headers={"kid": KID})
    response = one_tap(portal, forged)
    assert response.status_code == 401
    assert "Third-Party Login Failure" in response.content.decode()
    assert signed_in_user_id(portal) is None
    assert not User.objects.filter(email="maria.google@example.com").exists()


def test_a_name_from_google_with_markup_is_not_taken(
    clinic, portal, google_server, google_configured
):
    """Issue 18 #12: names are checked at every door, Google's included. Nobody is there
    to ask, so a name with markup or control characters is left for the person to give
    on their profile page; the sign-in still works."""
    google_server.claims = {
        "given_name": '<img src=x onerror="alert(1)">',
        "family_name": "Lo\x1bpez",
    }

    response = google_sign_in(portal)

    assert response.status_code == 302
    user = User.objects.get(email="maria.google@example.com")
    assert (user.first_name, user.last_name) == ("", "")
    assert signed_in_user_id(portal) == str(user.pk)


# --- Apps: the native Google SDK's id_token, through allauth's headless API ---------------

PROVIDER_TOKEN = "/_allauth/app/v1/auth/provider/token"


def app_google_sign_in(clinic, id_token, client_id=CLIENT_ID, device="Maria's phone"):
    """What an app does after Google's native sign-in (Android Credential Manager, iOS
    GIDSignIn with the server client id): hand allauth the id_token it was given."""
    from rest_framework.test import APIClient

    app = host_client(clinic, APIClient)
    response = app.post(
        PROVIDER_TOKEN,
        {
            "provider": "google",
            "process": "login",
            "token": {"client_id": client_id, "id_token": id_token},
            "device": device,
        },
        format="json",
    )
    return app, response


def test_an_app_signs_in_with_the_id_token_of_googles_native_sdk(
    clinic, other_clinic, google_server, google_configured
):
    app, response = app_google_sign_in(clinic, google_server.id_token())
    assert response.status_code == 200, response.content
    meta = response.json()["meta"]
    assert meta["is_authenticated"] is True
    user = User.objects.get(email="maria.google@example.com")
    assert SocialAccount.objects.get(user=user).uid == "109876543210987654321"
    assert user.emailaddress_set.get().verified  # Google vouched for it
    # The answer carries this device's token for this clinic, named as asked.
    app.credentials(HTTP_AUTHORIZATION=f"Token {meta['access_token']}")
    assert app.get("/api/v1/me").json()["email"] == "maria.google@example.com"
    assert [d["name"] for d in app.get("/api/v1/auth/devices").json()["results"]] == [
        "Maria's phone"
    ]
    assert set(ClientAccount.objects.filter(user=user).values_list("clinic__slug", flat=True)) == {
        "glow"
    }
    # Verified against Google's published keys (the local key server), no code exchange.
    assert google_server.token_requests == []


@pytest.mark.parametrize(
    "claims",
    [
        {"aud": "someone-elses-app.apps.googleusercontent.com"},
        {"iss": "https://evil.example.com"},
        {"exp": int(time.time()) - 60},
    ],
    ids=["token for another app", "token from another issuer", "expired token"],
)
def test_an_apps_bad_google_id_token_signs_nobody_in(
    clinic, google_server, google_configured, claims
):
    google_server.claims = claims
    _app, response = app_google_sign_in(clinic, google_server.id_token())
    assert response.status_code == 400
    assert response.json()["errors"][0]["code"] == "invalid_token"
    assert not User.objects.filter(email="maria.google@example.com").exists()


def test_an_apps_google_id_token_with_a_forged_signature_is_refused(
    clinic, google_server, google_configured
):
    forger = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    claims = jwt.decode(google_server.id_token(), options={"verify_signature": False})
    forged = jwt.encode(claims, forger, algorithm="RS256", headers={"kid": KID})
    _app, response = app_google_sign_in(clinic, forged)
    assert response.status_code == 400
    assert "access_token" not in response.json().get("meta", {})
    assert not User.objects.filter(email="maria.google@example.com").exists()


def test_an_app_naming_another_google_client_is_refused(clinic, google_server, google_configured):
    _app, response = app_google_sign_in(
        clinic, google_server.id_token(), client_id="someone-elses-app.apps.googleusercontent.com"
    )
    assert response.status_code == 404  # allauth: no such Google app here
    assert not User.objects.exists()
