"""Every public or costly door is rate-limited, on the portal and the API, per real
client address behind the configured proxies: over the limit the API answers 429 with
Retry-After and code "throttled" (or the door's own code), the portal a "Too many
requests" page with Retry-After. The limits are set low here (2 a minute) so a test
needs three requests; production's are in settings (PUBLIC_RATE_LIMITS,
ACCOUNT_RATE_LIMITS)."""

import pytest
from django.core import mail
from django.test import Client
from rest_framework.test import APIClient

from branding.services import features_update
from tests.factories.games import make_game

pytestmark = pytest.mark.django_db

LOW = "2/m/ip"


@pytest.fixture(autouse=True)
def low_limits(settings):
    settings.PUBLIC_RATE_LIMITS = dict.fromkeys(settings.PUBLIC_RATE_LIMITS, LOW)
    settings.ACCOUNT_RATE_LIMITS = {
        **settings.ACCOUNT_RATE_LIMITS,
        "reset_password": LOW,
        "request_login_code": LOW,
        "gift_card_lookup": LOW,
        "guest_booking": LOW,
    }


def _portal(clinic, user=None, ip="198.51.100.1", **extra):
    client = Client(HTTP_HOST=clinic.site.hostname, REMOTE_ADDR=ip, **extra)
    if user is not None:
        client.force_login(user)
    return client


def _api(clinic, user=None, ip="198.51.100.1"):
    client = APIClient(HTTP_HOST=clinic.site.hostname, REMOTE_ADDR=ip)
    if user is not None:
        client.force_authenticate(user)
    return client


def _third_is_refused(send, *, api):
    answers = [send() for _ in range(3)]
    assert [a.status_code == 429 for a in answers] == [False, False, True], [
        a.status_code for a in answers
    ]
    refused = answers[-1]
    assert int(refused["Retry-After"]) > 0
    if api:
        assert refused["Content-Type"].startswith("application/json")
        assert refused.json()["code"] in ("throttled", "too_many_lookups")
    else:
        assert b"Too many requests" in refused.content
        assert refused["Cache-Control"] == "private, no-store"
    return refused


# --- Availability --------------------------------------------------------------------


def test_availability_in_the_wizard_is_limited(clinic, skin_consult, portal_emma):
    portal = _portal(clinic)
    url = f"/book/service/{skin_consult.pk}/{portal_emma.pk}/"

    _third_is_refused(lambda: portal.get(url), api=False)


def test_availability_in_the_api_is_limited(clinic, skin_consult):
    api = _api(clinic)

    _third_is_refused(
        lambda: api.get("/api/v1/availability", {"service": skin_consult.pk}), api=True
    )


def test_the_limit_counts_the_real_address_not_a_forged_header(clinic, skin_consult, settings):
    """Behind one proxy the client is the proxy's last entry: changing the entries the
    client wrote itself does not reset its count; another real client is not refused."""
    settings.TRUSTED_PROXY_COUNT = 1

    def from_(real, forged):
        return _portal(clinic, ip="10.0.0.2", HTTP_X_FORWARDED_FOR=f"{forged}, {real}").get(
            "/api/v1/availability", {"service": skin_consult.pk}
        )

    codes = [from_("203.0.113.5", f"192.0.2.{n}").status_code for n in range(3)]
    assert codes[-1] == 429
    assert from_("203.0.113.6", "192.0.2.1").status_code != 429


# --- Sign-in, codes, password reset ----------------------------------------------------


def test_password_reset_requests_are_limited(clinic):
    portal = _portal(clinic)

    _third_is_refused(
        lambda: portal.post("/accounts/password/reset/", {"email": "a@example.com"}), api=False
    )


def test_sign_in_code_requests_are_limited(clinic):
    """A fresh session each time (one with a code pending is sent to enter it)."""
    mail.outbox.clear()
    answers = [
        _portal(clinic).post("/accounts/login/code/", {"email": f"a{n}@example.com"})
        for n in range(3)
    ]

    # The form says so (allauth's message), and no third code is sent.
    assert [a.status_code for a in answers] == [302, 302, 200]
    assert b"Too many failed login attempts" in answers[-1].content
    assert [m.to for m in mail.outbox] == [["a0@example.com"], ["a1@example.com"]]


def test_the_apps_token_sign_in_is_limited(clinic):
    api = _api(clinic)
    answers = [
        api.post("/api/v1/auth/token", {"email": "a@example.com", "password": "x"})
        for _ in range(11)
    ]

    assert answers[-1].status_code == 429
    assert int(answers[-1]["Retry-After"]) > 0


# --- Code look-ups: gift cards, referrals; feedback links -------------------------------


def test_gift_card_look_ups_are_limited_with_retry_after(clinic):
    features_update(clinic=clinic, gift_cards=True)
    api = _api(clinic)

    _third_is_refused(
        lambda: api.post("/api/v1/gift-cards/lookup", {"code": "ZZZZ-ZZZZ"}), api=True
    )


def test_referral_code_look_ups_are_limited(clinic):
    portal = _portal(clinic)
    codes = iter(["AAAA1", "AAAA2", "AAAA3"])

    _third_is_refused(lambda: portal.get(f"/r/{next(codes)}/"), api=False)


def test_feedback_links_are_limited(clinic):
    portal = _portal(clinic)
    tokens = iter(["x1", "x2", "x3"])

    _third_is_refused(lambda: portal.get(f"/feedback/{next(tokens)}/"), api=False)


def test_payment_link_pages_are_limited(clinic):
    portal = _portal(clinic)
    tokens = iter(["p1", "p2", "p3"])

    _third_is_refused(lambda: portal.get(f"/pay/{next(tokens)}/"), api=False)


# --- Game plays, uploads, messages (signed in) ------------------------------------------


def test_game_plays_are_limited_in_the_portal_and_the_api(clinic, patient):
    features_update(clinic=clinic, games=True)
    game = make_game(clinic, plays_allowed=10)

    portal = _portal(clinic, patient.user)
    _third_is_refused(lambda: portal.post(f"/games/{game.pk}/play/"), api=False)
    api = _api(clinic, patient.user, ip="198.51.100.2")
    _third_is_refused(lambda: api.post(f"/api/v1/games/{game.pk}/play"), api=True)


def test_uploads_are_limited_in_the_portal_and_the_api(clinic, patient):
    features_update(clinic=clinic, selfies=True)

    portal = _portal(clinic, patient.user)
    _third_is_refused(lambda: portal.post("/photos/", {}), api=False)
    api = _api(clinic, patient.user, ip="198.51.100.2")
    _third_is_refused(lambda: api.post("/api/v1/photos", {}, format="multipart"), api=True)


def test_messages_are_limited_in_the_portal_and_the_api(clinic, patient):
    portal = _portal(clinic, patient.user)
    _third_is_refused(lambda: portal.post("/messages/999/", {"body": "hi"}), api=False)
    api = _api(clinic, patient.user, ip="198.51.100.2")
    _third_is_refused(lambda: api.post("/api/v1/messages/999", {"body": "hi"}), api=True)


def test_a_per_person_limit_follows_the_person_across_addresses(clinic, patient, settings):
    features_update(clinic=clinic, selfies=True)
    settings.PUBLIC_RATE_LIMITS = {**settings.PUBLIC_RATE_LIMITS, "upload": "100/m/ip,2/h/user"}

    codes = [
        _api(clinic, patient.user, ip=f"198.51.100.{n}")
        .post("/api/v1/photos", {}, format="multipart")
        .status_code
        for n in range(3)
    ]

    assert codes[-1] == 429
