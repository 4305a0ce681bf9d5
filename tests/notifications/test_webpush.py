"""Web push end to end: a notification goes out as a real RFC 8291 (aes128gcm) push,
signed with our VAPID key (RFC 8292), to a local push service over HTTPS. The receiver
decrypts it with the subscription's private key and checks the signature — no mocks."""

import base64
import http.server
import json
import ssl

import http_ece
import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec

from notifications.models import Delivery, DeliveryStatus
from notifications.push import (
    PushError,
    push_enabled_for,
    push_subscription_save,
    vapid_keys_ensure,
    vapid_public_key,
)
from notifications.services import Category, Channel, notify, preferences_update
from tests.fixtures.clinics import host_client
from tests.fixtures.local_servers import self_signed_certificate, serving

pytestmark = pytest.mark.django_db


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def unb64url(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


class BrowserSubscription:
    """What a browser holds after pushManager.subscribe(): a key pair and auth secret."""

    def __init__(self):
        self.private_key = ec.generate_private_key(ec.SECP256R1())
        self.auth = b"0123456789abcdef"
        point = self.private_key.public_key().public_bytes(
            serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
        )
        self.p256dh = b64url(point)

    def decrypt(self, body: bytes) -> bytes:
        return http_ece.decrypt(
            body, private_key=self.private_key, auth_secret=self.auth, version="aes128gcm"
        )


@pytest.fixture
def push_service(tmp_path, monkeypatch):
    """A local push service over HTTPS that records what it is sent."""
    received = []
    status = {"code": 201}

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_POST(self):
            length = int(self.headers.get("Content-Length", 0))
            received.append(
                {
                    "path": self.path,
                    "headers": {k.lower(): v for k, v in self.headers.items()},
                    "body": self.rfile.read(length),
                }
            )
            self.send_response(status["code"])
            self.end_headers()

        def log_message(self, *args):
            pass

    cert_path, key_path = self_signed_certificate(tmp_path, "push")
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert_path, key_path)
    with serving(Handler, wrap_socket=lambda s: context.wrap_socket(s, server_side=True)) as server:
        monkeypatch.setenv("REQUESTS_CA_BUNDLE", str(cert_path))  # trust our own certificate
        base = f"https://127.0.0.1:{server.server_address[1]}"
        yield {"base": base, "received": received, "status": status}


@pytest.fixture
def send_now(django_capture_on_commit_callbacks):
    """Notify and run the queued sending at once, as the worker would after commit."""

    def run(clinic, user, key="push-1"):
        with django_capture_on_commit_callbacks(execute=True):
            return _notify(clinic, user, key=key)

    return run


@pytest.fixture
def vapid(tmp_path, settings, monkeypatch):
    path = tmp_path / "vapid.pem"
    assert vapid_keys_ensure(path) is True
    assert vapid_keys_ensure(path) is False  # a second run keeps the key
    # django-push-notifications keeps a reference to this dict: change it in place.
    monkeypatch.setitem(settings.PUSH_NOTIFICATIONS_SETTINGS, "WP_PRIVATE_KEY", str(path))
    return vapid_public_key()


def _notify(clinic, user, key="push-1"):
    return notify(
        clinic=clinic,
        user=user,
        kind="booking_confirmed",
        category=Category.BOOKING,
        title="Booking confirmed",
        body="Facial on Friday at 10:00 — see you then!",
        url="/bookings/",
        idempotency_key=key,
    )


def test_a_notification_arrives_encrypted_and_signed(
    clinic, patient, push_service, vapid, send_now
):
    browser = BrowserSubscription()
    endpoint = f"{push_service['base']}/push/abc123"
    push_subscription_save(
        clinic=clinic,
        user=patient.user,
        endpoint=endpoint,
        p256dh=browser.p256dh,
        auth=b64url(browser.auth),
    )

    notification = send_now(clinic, patient.user)

    delivery = Delivery.objects.get(notification=notification, channel=Channel.PUSH)
    assert delivery.status == DeliveryStatus.SENT
    [request] = push_service["received"]
    assert request["path"] == "/push/abc123"
    assert request["headers"]["content-encoding"] == "aes128gcm"
    payload = json.loads(browser.decrypt(request["body"]))
    assert payload == {
        "title": "Booking confirmed",
        "body": "Facial on Friday at 10:00 — see you then!",
        "url": "/bookings/",
        "tag": f"notification-{notification.pk}",
    }
    # RFC 8292: "vapid t=<JWT>, k=<our public key>", the JWT signed by that key for
    # the push service's origin.
    scheme, _, params = request["headers"]["authorization"].partition(" ")
    assert scheme == "vapid"
    fields = dict(part.strip().split("=", 1) for part in params.split(","))
    assert fields["k"] == vapid
    public_key = ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), unb64url(vapid))
    claims = jwt.decode(
        fields["t"], public_key, algorithms=["ES256"], audience=push_service["base"]
    )
    assert claims["sub"].startswith("mailto:")


def test_no_push_without_a_subscription_or_when_turned_off(clinic, patient, push_service, vapid):
    notification = _notify(clinic, patient.user, key="push-none")
    assert not notification.deliveries.filter(channel=Channel.PUSH).exists()

    browser = BrowserSubscription()
    push_subscription_save(
        clinic=clinic,
        user=patient.user,
        endpoint=f"{push_service['base']}/push/x",
        p256dh=browser.p256dh,
        auth=b64url(browser.auth),
    )
    preferences_update(clinic=clinic, user=patient.user, push=False)
    notification = _notify(clinic, patient.user, key="push-off")
    assert not notification.deliveries.filter(channel=Channel.PUSH).exists()
    assert push_service["received"] == []


def test_a_subscription_belongs_to_its_clinic(clinic, other_clinic, patient, push_service, vapid):
    browser = BrowserSubscription()
    push_subscription_save(
        clinic=other_clinic,
        user=patient.user,
        endpoint=f"{push_service['base']}/push/other",
        p256dh=browser.p256dh,
        auth=b64url(browser.auth),
    )
    assert push_enabled_for(other_clinic, patient.user)
    assert not push_enabled_for(clinic, patient.user)
    notification = _notify(clinic, patient.user, key="push-other")
    assert not notification.deliveries.filter(channel=Channel.PUSH).exists()


def test_a_gone_subscription_is_switched_off(clinic, patient, push_service, vapid, send_now):
    browser = BrowserSubscription()
    device = push_subscription_save(
        clinic=clinic,
        user=patient.user,
        endpoint=f"{push_service['base']}/push/gone",
        p256dh=browser.p256dh,
        auth=b64url(browser.auth),
    )
    push_service["status"]["code"] = 410
    send_now(clinic, patient.user, key="push-gone")
    device.refresh_from_db()
    assert device.active is False
    assert not push_enabled_for(clinic, patient.user)


def test_bad_subscriptions_are_refused_naming_the_field(clinic, patient):
    with pytest.raises(PushError) as error:
        push_subscription_save(
            clinic=clinic, user=patient.user, endpoint="http://x", p256dh="a", auth="b"
        )
    assert error.value.field == "endpoint"
    with pytest.raises(PushError) as error:
        push_subscription_save(
            clinic=clinic, user=patient.user, endpoint="https://x/1", p256dh="", auth="b"
        )
    assert error.value.field == "p256dh"


def test_the_profile_subscribes_the_browser(clinic, patient, vapid):
    portal = host_client(clinic)
    portal.force_login(patient.user)
    browser = BrowserSubscription()
    body = {
        "endpoint": "https://push.example.test/sub/1",
        "keys": {"p256dh": browser.p256dh, "auth": b64url(browser.auth)},
    }
    response = portal.post("/account/push/", body, content_type="application/json")
    assert response.status_code == 201
    assert push_enabled_for(clinic, patient.user)

    response = portal.post(
        "/account/push/", {"endpoint": "nope", "keys": {}}, content_type="application/json"
    )
    assert response.status_code == 400
    assert response.json()["field"] == "endpoint"

    response = portal.delete(
        "/account/push/", {"endpoint": body["endpoint"]}, content_type="application/json"
    )
    assert response.status_code == 204
    assert not push_enabled_for(clinic, patient.user)


def test_subscribing_needs_a_signed_in_client(clinic):
    response = host_client(clinic).post(
        "/account/push/", {"endpoint": "https://x/1"}, content_type="application/json"
    )
    assert response.status_code in (302, 403)


def test_ensure_vapid_keys_creates_the_key_once(tmp_path, settings, monkeypatch):
    from django.core.management import call_command

    path = tmp_path / "var" / "vapid.pem"
    monkeypatch.setitem(settings.PUSH_NOTIFICATIONS_SETTINGS, "WP_PRIVATE_KEY", str(path))
    call_command("ensure_vapid_keys")
    first = path.read_bytes()
    public = vapid_public_key()
    assert len(unb64url(public)) == 65  # an uncompressed P-256 point
    call_command("ensure_vapid_keys")
    assert path.read_bytes() == first and vapid_public_key() == public


def test_the_profile_offers_push_only_with_a_key(clinic, patient, settings, monkeypatch, vapid):
    portal = host_client(clinic)
    portal.force_login(patient.user)
    assert f'data-vapid-key="{vapid}"' in portal.get("/account/").content.decode()
    monkeypatch.setitem(settings.PUSH_NOTIFICATIONS_SETTINGS, "WP_PRIVATE_KEY", "")
    assert "data-vapid-key" not in portal.get("/account/").content.decode()
