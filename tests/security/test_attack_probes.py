"""The security review's targeted probes (issue 17), tried as an attacker would:
enumeration (sign-in, reset, sign-up, codes, gift cards answer alike for known and
unknown), stored HTML in what patients write shown to staff, uploads that are not what
they claim, webhooks forged or replayed, one-time codes guessed. Each test counts the
requests it tried in ``PROBE_REPORT`` (the closing note quotes the figures)."""

import hashlib
import hmac
import json
import re
import time

import pytest
from django.test import Client
from rest_framework.test import APIClient

from booking_api.models import Booking
from branding.services import features_update
from payments.models import WebhookEvent
from people.models import Photo
from records.message_services import client_reply, thread_start
from tests.factories.booking import ServiceFactory, StaffFactory
from tests.factories.clients import PASSWORD, ClientAccountFactory
from tests.factories.records import image_bytes, upload
from tests.fixtures.booking import add_booking
from tests.fixtures.honesty import nothing_changes
from tests.fixtures.people import confirm_email, last_email_to, login_code_in

pytestmark = pytest.mark.django_db

PROBE_REPORT = {}


def _count(name, n):
    PROBE_REPORT[name] = PROBE_REPORT.get(name, 0) + n


def _portal(clinic, ip="198.51.100.7"):
    return Client(HTTP_HOST=clinic.site.hostname, REMOTE_ADDR=ip)


def _normalised(response, *emails):
    """The answer with what differs by design (the address typed, tokens) taken out."""
    text = response.content.decode("utf-8", "replace")
    for email in emails:
        text = text.replace(email, "EMAIL")
    text = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", text)
    text = re.sub(r"nonce=\"[^\"]+\"", "", text)
    return response.status_code, response.get("Location"), text


# --- Enumeration --------------------------------------------------------------------------


@pytest.fixture
def known(clinic):
    return confirm_email(ClientAccountFactory(clinic=clinic).user)


UNKNOWN = "nobody-here@example.com"


@pytest.mark.parametrize(
    "path, data",
    [
        ("/accounts/password/reset/", {}),
        ("/accounts/login/code/", {}),
        ("/accounts/login/", {"password": "wrong-password"}),
        (
            "/accounts/signup/",
            {
                "password1": "a-Long-pass-123",
                "password2": "a-Long-pass-123",
                "first_name": "Ana",
                "last_name": "Petrova",
                "phone": "07700 900123",
            },
        ),
    ],
)
def test_portal_account_doors_answer_alike_for_known_and_unknown_addresses(
    clinic, known, path, data
):
    key = "login" if path == "/accounts/login/" else "email"
    answers = [
        _normalised(_portal(clinic, ip=f"198.51.100.{n}").post(path, {key: email, **data}), email)
        for n, email in enumerate((known.email, UNKNOWN))
    ]
    _count("enumeration", 2)

    assert answers[0] == answers[1]


def test_the_apps_sign_in_and_reset_answer_alike_for_known_and_unknown(clinic, known):
    answers = []
    for n, email in enumerate((known.email, UNKNOWN)):
        api = APIClient(HTTP_HOST=clinic.site.hostname, REMOTE_ADDR=f"198.51.100.{20 + n}")
        token = api.post("/api/v1/auth/token", {"email": email, "password": "wrong"})
        reset = api.post("/_allauth/app/v1/auth/password/request", {"email": email}, format="json")
        answers.append((token.status_code, token.json(), reset.status_code, reset.json()))
    _count("enumeration", 4)

    assert answers[0] == answers[1]


def test_a_gift_card_code_of_another_clinic_answers_as_an_unknown_one(clinic, other_clinic):
    from commerce.giftcards.services import gift_card_staff_issue
    from tests.factories.clients import MembershipFactory

    features_update(clinic=clinic, gift_cards=True)
    features_update(clinic=other_clinic, gift_cards=True)
    theirs = gift_card_staff_issue(
        clinic=other_clinic,
        actor=MembershipFactory(clinic=other_clinic, role="manager").user,
        amount=1000,
        recipient_name="R",
        recipient_email="r@example.com",
        reason="probe",
    )
    api = APIClient(HTTP_HOST=clinic.site.hostname)

    answers = [
        api.post("/api/v1/gift-cards/lookup", {"code": code})
        for code in (theirs.printed_code, "ZZZZ-ZZZZ-ZZZZ-ZZZZ")
    ]
    _count("enumeration", 2)

    assert [a.status_code for a in answers] == [400, 400]
    assert answers[0].json() == answers[1].json()


# --- Stored HTML in what patients write, shown to staff ----------------------------------

PAYLOAD = '<img src=x onerror="alert(1)">'


def test_html_a_patient_wrote_is_shown_to_staff_as_text(
    clinic, staff_user, django_capture_on_commit_callbacks
):
    """Names refuse < and > at every door (branding.validators); older rows, an import
    or a practice sync could still hold them, and free text (notes, messages) may: every
    staff page shows them as text."""
    account = ClientAccountFactory(clinic=clinic)
    type(account.user).objects.filter(pk=account.user.pk).update(
        first_name=PAYLOAD, last_name=PAYLOAD
    )
    service = ServiceFactory(clinic=clinic, name="Facial")
    staff = StaffFactory(clinic=clinic, services=[service])
    from django.utils import timezone

    booking = add_booking(clinic, account, service, staff, timezone.now())
    Booking.objects.filter(pk=booking.pk).update(client_notes=PAYLOAD)
    thread = thread_start(
        clinic=clinic, client=account, author=staff_user, subject="Hello", body="Hi"
    )
    client_reply(thread=thread, author=account.user, body=PAYLOAD)
    admin = Client(HTTP_HOST=clinic.site.hostname)
    admin.force_login(staff_user)
    pages = [
        "/admin/",
        "/admin/clinic/clients/",
        f"/admin/clinic/clients/?q={account.user.email}",
        f"/admin/clinic/clients/{account.pk}/",
        f"/admin/bookings/calendar/{booking.pk}/",
        "/admin/bookings/calendar/",
    ]
    shown = []
    for page in pages:
        response = admin.get(page, follow=True)
        assert response.status_code == 200, page
        if PAYLOAD in response.content.decode():
            shown.append(page)
    _count("stored_html", len(pages))

    assert shown == []


# --- Uploads that are not what they claim -------------------------------------------------


@pytest.mark.parametrize(
    "name, content, content_type",
    [
        ("photo.jpg", b"<html><script>alert(1)</script></html>", "image/jpeg"),
        (
            "photo.svg",
            b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
            "image/svg+xml",
        ),
        ("photo.png", image_bytes("GIF"), "image/png"),
        ("photo.jpg", image_bytes() + b"<script>alert(1)</script>", "text/html"),
    ],
)
def test_an_upload_is_what_it_is_not_what_it_claims(clinic, patient, name, content, content_type):
    features_update(clinic=clinic, selfies=True)
    portal = _portal(clinic)
    portal.force_login(patient.user)
    api = APIClient(HTTP_HOST=clinic.site.hostname)
    api.force_authenticate(patient.user)

    portal.post(
        "/photos/", {"image": upload(name, content, content_type), "caption": "x", "kind": "selfie"}
    )
    api.post(
        "/api/v1/photos",
        {"image": upload(name, content, content_type), "kind": "selfie"},
        format="multipart",
    )
    _count("uploads", 2)

    for photo in Photo.objects.filter(client=patient):
        # Whatever was accepted was re-encoded: an image, served as one, never sniffed.
        served = portal.get(f"/photos/{photo.pk}/image")
        assert served["Content-Type"] in ("image/jpeg", "image/png", "image/webp")
        assert served["X-Content-Type-Options"] == "nosniff"
        body = b"".join(served.streaming_content) if served.streaming else served.content
        assert b"<script" not in body and b"<html" not in body and b"<svg" not in body
        _count("uploads", 1)


# --- Webhooks forged or replayed ----------------------------------------------------------

WEBHOOK = "/payments/stripe/webhook"


def _signature(payload: bytes, secret, at=None):
    at = int(at if at is not None else time.time())
    mac = hmac.new(secret.encode(), f"{at}.".encode() + payload, hashlib.sha256).hexdigest()
    return f"t={at},v1={mac}"


def test_forged_stale_and_replayed_webhooks_change_nothing(settings):
    settings.STRIPE_WEBHOOK_SECRET = "whsec_probe"
    event = {
        "id": "evt_probe_1",
        "object": "event",
        "type": "customer.created",
        "data": {"object": {"id": "cus_probe", "object": "customer"}},
    }
    payload = json.dumps(event).encode()
    post = Client().post

    with nothing_changes(WebhookEvent):
        refused = [
            post(WEBHOOK, data=payload, content_type="application/json"),
            post(
                WEBHOOK,
                data=payload,
                content_type="application/json",
                HTTP_STRIPE_SIGNATURE=_signature(payload, "whsec_guess"),
            ),
            post(
                WEBHOOK,
                data=payload,
                content_type="application/json",
                HTTP_STRIPE_SIGNATURE=_signature(payload, "whsec_probe", at=time.time() - 3600),
            ),
            post(
                WEBHOOK,
                data=payload.replace(b"cus_probe", b"cus_other"),
                content_type="application/json",
                HTTP_STRIPE_SIGNATURE=_signature(payload, "whsec_probe"),
            ),
        ]
    assert [r.status_code for r in refused] == [400, 400, 400, 400]

    for _ in range(3):  # the same event again and again: recorded once
        post(
            WEBHOOK,
            data=payload,
            content_type="application/json",
            HTTP_STRIPE_SIGNATURE=_signature(payload, "whsec_probe"),
        )
    _count("webhooks", 7)

    assert WebhookEvent.objects.filter(stripe_event_id="evt_probe_1").count() == 1


# --- One-time codes guessed ---------------------------------------------------------------


def test_a_sign_in_code_cannot_be_guessed(clinic, known, settings):
    portal = _portal(clinic)
    portal.post("/accounts/login/code/", {"email": known.email})
    code = login_code_in(last_email_to(known.email))
    wrong = "AAAA-AAAA" if code != "AAAA-AAAA" else "BBBB-BBBB"

    for _ in range(settings.ACCOUNT_LOGIN_BY_CODE_MAX_ATTEMPTS):
        portal.post("/accounts/login/code/confirm/", {"code": wrong})
    portal.post("/accounts/login/code/confirm/", {"code": code})
    _count("codes", settings.ACCOUNT_LOGIN_BY_CODE_MAX_ATTEMPTS + 2)

    # After the allowed attempts the code is spent, even the right one.
    assert "_auth_user_id" not in portal.session


def test_a_password_is_not_guessed_either(clinic, known):
    portal = _portal(clinic)
    answers = [
        portal.post("/accounts/login/", {"login": known.email, "password": f"guess{n}"})
        for n in range(6)
    ]
    last = portal.post("/accounts/login/", {"login": known.email, "password": PASSWORD})
    _count("codes", 7)

    assert "_auth_user_id" not in portal.session
    assert all(a.status_code in (200, 429) for a in answers) and last.status_code in (200, 429)


# --- Doors: another clinic's host, redirects ----------------------------------------------


def test_an_apps_token_opens_nothing_at_another_clinics_domain(clinic, other_clinic, known):
    token = (
        APIClient(HTTP_HOST=clinic.site.hostname)
        .post("/api/v1/auth/token", {"email": known.email, "password": PASSWORD})
        .json()["token"]
    )
    elsewhere = APIClient(HTTP_HOST=other_clinic.site.hostname)
    elsewhere.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    answers = [elsewhere.get(path) for path in ("/api/v1/me", "/api/v1/bookings", "/api/v1/pets")]
    _count("doors", 4)

    assert [a.status_code for a in answers] == [401, 401, 401]


@pytest.mark.parametrize(
    "target", ["https://evil.example/", "//evil.example/", "/\\evil.example/", "https:evil.example"]
)
def test_signing_in_never_sends_the_browser_to_another_site(clinic, known, target):
    portal = _portal(clinic)
    response = portal.post(
        f"/accounts/login/?next={target}", {"login": known.email, "password": PASSWORD}
    )
    _count("doors", 1)

    assert response.status_code == 302
    location = response["Location"]
    assert "evil.example" not in location, location
