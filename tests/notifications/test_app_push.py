"""Native push end to end: an app registers its phone through the API with its device
token; a notification goes, by the person's push preference and through the worker, to
a local FCM (HTTP v1, after the OAuth 2 exchange for its service account) and a local
APNs (HTTP/2 over TLS with ALPN h2, an ES256 provider token) — and the tests assert the
exact request each provider receives. Tokens the provider says are gone are pruned."""

import time

import pytest
from rest_framework.test import APIClient

from notifications.models import AppDevice, Delivery, DeliveryStatus, Notification
from notifications.providers.fcm import GRANT_TYPE, SCOPE
from notifications.services import Category, Channel, notify, preferences_update
from people.models import DeviceToken
from tests.factories.clients import PASSWORD, ClientAccountFactory
from tests.fixtures.clinics import host_client
from tests.fixtures.honesty import nothing_changes
from tests.fixtures.push_providers import APNS_KEY_ID, APNS_TEAM, APNS_TOPIC, FCM_PROJECT

pytestmark = pytest.mark.django_db

FCM_TOKEN = "fcm-token_" + "A1b2C3d4" * 12 + ":APA91b"
APNS_TOKEN = "a1b2c3d4" * 8
EMAIL_BODY = "Dear Jo,\n\nYour appointment is confirmed. Please arrive ten minutes early."


def sign_in(clinic, user, device="Jo's phone"):
    app = host_client(clinic, APIClient)
    answer = app.post(
        "/api/v1/auth/token",
        {"email": user.email, "password": PASSWORD, "device": device},
        format="json",
    )
    assert answer.status_code == 200, answer.content
    app.credentials(HTTP_AUTHORIZATION=f"Token {answer.json()['token']}")
    return app


def register(app, platform, token, name="Jo's phone"):
    return app.post(
        "/api/v1/push/devices",
        {"platform": platform, "push_token": token, "name": name},
        format="json",
    )


def tell(clinic, user, capture, key="booking-42-confirmed", category=Category.BOOKING):
    with capture(execute=True):
        return notify(
            clinic=clinic,
            user=user,
            kind="booking_confirmed",
            category=category,
            title="Booked: Consultation on Mon 3 Mar at 10:00",
            body=EMAIL_BODY,
            url=f"https://{clinic.site.hostname}/bookings/42/",
            object_id=42,
            idempotency_key=key,
        )


def test_an_android_phone_gets_the_exact_fcm_v1_request_after_the_oauth_exchange(
    clinic, patient, fcm_server, django_capture_on_commit_callbacks
):
    app = sign_in(clinic, patient.user)
    registered = register(app, "fcm", FCM_TOKEN)
    assert registered.status_code == 201, registered.content
    assert set(registered.json()) == {
        "id",
        "platform",
        "name",
        "created_at",
        "last_sent_at",
        "current",
    }
    assert registered.json()["current"] is True and FCM_TOKEN not in str(registered.json())
    # Two older notifications here, one read: the badge counts the unread, this one too.
    Notification.objects.create(
        clinic=clinic,
        user=patient.user,
        kind="x",
        category="booking",
        title="old",
        body="",
        idempotency_key="old-1",
    )
    Notification.objects.create(
        clinic=clinic,
        user=patient.user,
        kind="x",
        category="booking",
        title="read",
        body="",
        idempotency_key="old-2",
        read_at="2026-01-01T00:00:00Z",
    )

    before = int(time.time())
    notification = tell(clinic, patient.user, django_capture_on_commit_callbacks)

    [exchange] = fcm_server.token_requests
    assert exchange["form"]["grant_type"] == GRANT_TYPE
    claims = exchange["claims"]  # verified with the service account's public key
    assert claims["iss"] == f"push@{FCM_PROJECT}.iam.gserviceaccount.com"
    assert claims["scope"] == SCOPE
    assert claims["aud"] == f"{fcm_server.url}/token"
    assert before - 5 <= claims["iat"] <= time.time() and claims["exp"] == claims["iat"] + 3600
    assert exchange["header"] == {"alg": "RS256", "typ": "JWT", "kid": "key-1"}

    [send] = fcm_server.requests
    assert send["path"] == f"/v1/projects/{FCM_PROJECT}/messages:send"
    assert send["headers"]["Authorization"] in {
        f"Bearer {token}" for token in fcm_server.access_tokens
    }
    assert send["headers"]["Content-Type"] == "application/json"
    assert send["json"] == {
        "message": {
            "token": FCM_TOKEN,
            "notification": {
                "title": clinic.name,
                "body": "Booked: Consultation on Mon 3 Mar at 10:00",
            },
            "data": {
                "type": "booking_confirmed",
                "id": "42",
                "path": "/bookings/42/",
                "notification_id": str(notification.pk),
                "badge": "2",
            },
            "android": {
                "priority": "HIGH",
                "notification": {
                    "tag": f"notification-{notification.pk}",
                    "notification_count": 2,
                },
            },
        }
    }
    assert "arrive ten minutes" not in str(send["json"])  # never the email body
    delivery = Delivery.objects.get(notification=notification, channel=Channel.PUSH)
    assert delivery.status == DeliveryStatus.SENT
    assert AppDevice.objects.get().last_sent_at is not None


def test_the_access_token_is_reused_until_it_lapses(
    clinic, patient, fcm_server, django_capture_on_commit_callbacks
):
    register(sign_in(clinic, patient.user), "fcm", FCM_TOKEN)
    tell(clinic, patient.user, django_capture_on_commit_callbacks, key="one")
    tell(clinic, patient.user, django_capture_on_commit_callbacks, key="two")
    assert len(fcm_server.requests) == 2
    assert len(fcm_server.token_requests) == 1


def test_a_revoked_access_token_is_exchanged_again_once(
    clinic, patient, fcm_server, django_capture_on_commit_callbacks
):
    register(sign_in(clinic, patient.user), "fcm", FCM_TOKEN)
    tell(clinic, patient.user, django_capture_on_commit_callbacks, key="one")
    fcm_server.access_tokens.clear()  # Google revoked it before it lapsed
    notification = tell(clinic, patient.user, django_capture_on_commit_callbacks, key="two")
    assert len(fcm_server.token_requests) == 2
    assert len(fcm_server.requests) == 3  # the refused try, then the one that went
    delivery = Delivery.objects.get(notification=notification, channel=Channel.PUSH)
    assert delivery.status == DeliveryStatus.SENT


def test_the_apns_provider_token_is_reused_between_pushes(
    clinic, patient, apns_server, django_capture_on_commit_callbacks
):
    register(sign_in(clinic, patient.user), "apns", APNS_TOKEN)
    tell(clinic, patient.user, django_capture_on_commit_callbacks, key="one")
    tell(clinic, patient.user, django_capture_on_commit_callbacks, key="two")
    first, second = apns_server.requests
    assert first["headers"]["authorization"] == second["headers"]["authorization"]
    assert second["claims"]["iss"] == APNS_TEAM


def test_an_iphone_gets_the_exact_apns_request_over_http2_with_a_jwt_provider_token(
    clinic, patient, apns_server, django_capture_on_commit_callbacks
):
    app = sign_in(clinic, patient.user)
    assert register(app, "apns", APNS_TOKEN).status_code == 201
    before = int(time.time())
    notification = tell(clinic, patient.user, django_capture_on_commit_callbacks)

    assert apns_server.connections == [("h2", "TLSv1.3")]
    [request] = apns_server.requests
    headers = request["headers"]
    assert headers[":method"] == "POST"
    assert headers[":scheme"] == "https"
    assert headers[":path"] == f"/3/device/{APNS_TOKEN}"
    assert headers[":authority"] == apns_server.url.removeprefix("https://")
    assert headers["apns-topic"] == APNS_TOPIC
    assert headers["apns-push-type"] == "alert"
    assert headers["apns-priority"] == "10"
    assert before + 24 * 3600 <= int(headers["apns-expiration"]) <= time.time() + 24 * 3600
    assert headers["content-type"] == "application/json"
    assert headers["authorization"].startswith("bearer ")
    # The provider token, verified with the team key's public half.
    assert request["jwt_header"] == {"alg": "ES256", "typ": "JWT", "kid": APNS_KEY_ID}
    assert request["claims"]["iss"] == APNS_TEAM
    assert before - 5 <= request["claims"]["iat"] <= time.time()
    assert request["json"] == {
        "aps": {
            "alert": {"title": clinic.name, "body": "Booked: Consultation on Mon 3 Mar at 10:00"},
            "badge": 1,
            "sound": "default",
            "thread-id": "booking_confirmed",
        },
        "type": "booking_confirmed",
        "id": "42",
        "path": "/bookings/42/",
        "notification_id": str(notification.pk),
    }
    assert Delivery.objects.get(channel=Channel.PUSH).status == DeliveryStatus.SENT


def test_tokens_the_providers_say_are_gone_are_pruned_and_the_rest_still_get_it(
    clinic, patient, fcm_server, apns_server, django_capture_on_commit_callbacks
):
    gone_fcm, gone_apns, bad_apns = FCM_TOKEN + "gone", "0f" * 32, "ee" * 32
    fcm_server.unregistered.add(gone_fcm)
    apns_server.unregistered.add(gone_apns)
    apns_server.bad.add(bad_apns)
    for platform, token in [
        ("fcm", FCM_TOKEN),
        ("fcm", gone_fcm),
        ("apns", APNS_TOKEN),
        ("apns", gone_apns),
        ("apns", bad_apns),
    ]:
        assert register(sign_in(clinic, patient.user), platform, token).status_code == 201

    notification = tell(clinic, patient.user, django_capture_on_commit_callbacks)

    assert {r["json"]["message"]["token"] for r in fcm_server.requests} == {FCM_TOKEN, gone_fcm}
    assert {r["token"] for r in apns_server.requests} == {APNS_TOKEN, gone_apns, bad_apns}
    assert len(apns_server.connections) == 1  # one HTTP/2 connection for the three
    assert set(AppDevice.objects.values_list("push_token", flat=True)) == {FCM_TOKEN, APNS_TOKEN}
    assert (
        Delivery.objects.get(notification=notification, channel=Channel.PUSH).status
        == DeliveryStatus.SENT
    )


def test_only_gone_tokens_is_no_failure_and_nothing_to_retry(
    clinic, patient, fcm_server, django_capture_on_commit_callbacks
):
    fcm_server.unregistered.add(FCM_TOKEN)
    register(sign_in(clinic, patient.user), "fcm", FCM_TOKEN)
    notification = tell(clinic, patient.user, django_capture_on_commit_callbacks)
    assert not AppDevice.objects.exists()
    assert (
        Delivery.objects.get(notification=notification, channel=Channel.PUSH).status
        == DeliveryStatus.SENT
    )


def test_a_provider_down_fails_the_delivery_and_the_retry_reaches_only_the_phone_that_missed_it(
    clinic, patient, fcm_server, django_capture_on_commit_callbacks
):
    from notifications.services import delivery_send

    later = FCM_TOKEN + "later"
    fcm_server.unavailable.add(later)
    register(sign_in(clinic, patient.user), "fcm", FCM_TOKEN)
    register(sign_in(clinic, patient.user), "fcm", later)
    with pytest.raises(Exception, match="FCM 503"):
        tell(clinic, patient.user, django_capture_on_commit_callbacks)
    delivery = Delivery.objects.get(channel=Channel.PUSH)
    assert delivery.status == DeliveryStatus.FAILED
    assert AppDevice.objects.count() == 2  # a provider's hiccup forgets nobody

    fcm_server.unavailable.clear()
    delivery_send(delivery_id=delivery.pk)
    assert [len(fcm_server.sends_to(t)) for t in (FCM_TOKEN, later)] == [1, 2]
    assert Delivery.objects.get(pk=delivery.pk).status == DeliveryStatus.SENT


def test_push_follows_the_preference_and_categories(
    clinic, patient, fcm_server, django_capture_on_commit_callbacks
):
    register(sign_in(clinic, patient.user), "fcm", FCM_TOKEN)
    tell(clinic, patient.user, django_capture_on_commit_callbacks, "acct", Category.ACCOUNT)
    preferences_update(clinic=clinic, user=patient.user, push=False)
    tell(clinic, patient.user, django_capture_on_commit_callbacks, "booking")
    assert fcm_server.requests == []
    assert not Delivery.objects.filter(channel=Channel.PUSH).exists()


def test_a_phone_registered_at_one_clinic_gets_nothing_from_another(
    clinic, other_clinic, fcm_server, django_capture_on_commit_callbacks
):
    patient = ClientAccountFactory(clinic=clinic)
    ClientAccountFactory(clinic=other_clinic, user=patient.user)
    register(sign_in(clinic, patient.user), "fcm", FCM_TOKEN)
    tell(other_clinic, patient.user, django_capture_on_commit_callbacks)
    assert fcm_server.requests == []
    elsewhere = sign_in(other_clinic, patient.user)
    assert elsewhere.get("/api/v1/push/devices").json()["results"] == []
    [device] = AppDevice.objects.all()
    assert elsewhere.delete(f"/api/v1/push/devices/{device.pk}").status_code == 404
    assert AppDevice.objects.filter(clinic=clinic).count() == 1


def test_another_person_can_neither_see_nor_remove_my_phone(clinic, patient, fcm_server):
    register(sign_in(clinic, patient.user), "fcm", FCM_TOKEN)
    device = AppDevice.objects.get()
    stranger = sign_in(clinic, ClientAccountFactory(clinic=clinic).user)
    assert stranger.get("/api/v1/push/devices").json()["results"] == []
    with nothing_changes(AppDevice):
        assert stranger.delete(f"/api/v1/push/devices/{device.pk}").status_code == 404


def test_the_same_push_token_is_one_phone_moved_to_whoever_registered_it_last(
    clinic, patient, fcm_server
):
    mine = sign_in(clinic, patient.user)
    assert register(mine, "fcm", FCM_TOKEN).status_code == 201
    assert register(mine, "fcm", FCM_TOKEN, name="renamed").status_code == 200
    assert AppDevice.objects.get().name == "renamed"
    other = ClientAccountFactory(clinic=clinic).user
    assert register(sign_in(clinic, other), "fcm", FCM_TOKEN).status_code == 201
    assert AppDevice.objects.get().user == other
    assert mine.get("/api/v1/push/devices").json()["results"] == []


def test_the_registration_ends_with_its_sign_in(clinic, patient, fcm_server):
    phone = sign_in(clinic, patient.user, "phone")
    tablet = sign_in(clinic, patient.user, "tablet")
    register(phone, "fcm", FCM_TOKEN, name="phone")
    register(tablet, "fcm", FCM_TOKEN + "tab", name="tablet")
    listed = tablet.get("/api/v1/push/devices").json()["results"]
    assert {(d["name"], d["current"]) for d in listed} == {("phone", False), ("tablet", True)}

    assert phone.delete("/api/v1/auth/token").status_code == 204  # sign this device out
    assert list(AppDevice.objects.values_list("name", flat=True)) == ["tablet"]
    DeviceToken.objects.filter(user=patient.user).delete()  # a password change, say
    assert not AppDevice.objects.exists()


def test_unregistering_this_phone(clinic, patient, fcm_server):
    app = sign_in(clinic, patient.user)
    device_id = register(app, "fcm", FCM_TOKEN).json()["id"]
    assert app.delete(f"/api/v1/push/devices/{device_id}").status_code == 204
    assert not AppDevice.objects.exists()
    assert app.delete(f"/api/v1/push/devices/{device_id}").status_code == 404


@pytest.mark.parametrize(
    ("body", "field", "code"),
    [
        ({"platform": "wns", "push_token": FCM_TOKEN}, "platform", None),
        ({"platform": "apns", "push_token": "not-hex"}, "push_token", "push_token_invalid"),
        ({"platform": "fcm", "push_token": "short"}, "push_token", "push_token_invalid"),
        ({"platform": "apns", "push_token": APNS_TOKEN}, "platform", "push_platform_invalid"),
        ({"platform": "fcm"}, "push_token", None),
    ],
)
def test_bad_registrations_name_the_field_and_write_nothing(
    clinic, patient, fcm_server, body, field, code
):
    app = sign_in(clinic, patient.user)  # FCM configured here, APNs not
    with nothing_changes(AppDevice):
        answer = app.post("/api/v1/push/devices", body, format="json")
    assert answer.status_code == 400, answer.content
    body = answer.json()
    # The one error shape, a serializer's refusal (code "invalid") as a service's.
    assert body["field"] == field
    assert body["code"] == (code or "invalid")


def test_a_browser_session_cannot_register_a_phone(clinic, patient, fcm_server):
    browser = host_client(clinic, APIClient)
    browser.force_login(patient.user)
    with nothing_changes(AppDevice):
        answer = browser.post(
            "/api/v1/push/devices", {"platform": "fcm", "push_token": FCM_TOKEN}, format="json"
        )
    assert answer.status_code == 403 and answer.json()["code"] == "push_signin_required"
    anonymous = host_client(clinic, APIClient)
    assert anonymous.get("/api/v1/push/devices").status_code == 401
