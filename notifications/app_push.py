"""Native push to the clinic's apps: the phones registered by a person at a clinic
(``AppDevice``), what each provider is sent, and pruning what the provider says is gone.

A device is registered with one of the person's app sign-ins and goes with it: signing
that device out (``people``) calls ``app_devices_forget``. The same provider token
registered again (the app reinstalled, another person signing in on the phone) is the
same device, moved to whoever registered it last."""

import re
from urllib.parse import urlsplit

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from branding.errors import DomainError
from notifications.errors import NotificationErrorCode
from notifications.models import AppDevice, AppPlatform
from notifications.providers import Result
from notifications.providers.apns import ApnsClient
from notifications.providers.fcm import FcmClient
from notifications.selectors import unread_count

# APNs device tokens are hex (32 bytes today, Apple says they may grow); FCM registration
# tokens are URL-safe text with a colon.
_TOKEN_FORMATS = {
    AppPlatform.APNS: re.compile(r"[0-9a-fA-F]{64,200}"),
    AppPlatform.FCM: re.compile(r"[A-Za-z0-9_:\-]{32,512}"),
}


def platforms_available() -> list[str]:
    """The platforms this deployment can push to (their provider is configured)."""
    clients = {AppPlatform.FCM: FcmClient.from_settings, AppPlatform.APNS: ApnsClient.from_settings}
    return [platform for platform, client in clients.items() if client() is not None]


def app_devices_for(clinic, user):
    return AppDevice.objects.filter(clinic=clinic, user=user)


@transaction.atomic
def app_device_register(*, clinic, user, signin, platform, push_token, name="") -> AppDevice:
    """Register the app on this phone for push, for ``user`` at ``clinic``, tied to the
    sign-in ``signin`` (the device token's digest). Bad input names its field and
    writes nothing."""
    platform = (platform or "").strip().lower()
    push_token = (push_token or "").strip()
    if platform in AppPlatform.values and not _TOKEN_FORMATS[platform].fullmatch(push_token):
        raise DomainError(
            gettext("This is not a push token of that platform."),
            field="push_token",
            code=NotificationErrorCode.PUSH_TOKEN_INVALID,
        )
    if platform not in AppPlatform.values or platform not in platforms_available():
        raise DomainError(
            gettext("Push to %(platform)s apps is not available here.")
            % {"platform": platform or "?"},
            field="platform",
            code=NotificationErrorCode.PUSH_PLATFORM_INVALID,
        )
    if not signin:
        raise DomainError(
            gettext("Register push devices with the app's device token."),
            code=NotificationErrorCode.PUSH_SIGNIN_REQUIRED,
        )
    device, _ = AppDevice.objects.update_or_create(
        clinic=clinic,
        platform=platform,
        push_token=push_token,
        defaults={"user": user, "signin": signin, "name": (name or "").strip()[:100]},
    )
    return device


@transaction.atomic
def app_device_unregister(*, clinic, user, device_id) -> bool:
    """Forget one of the person's devices here; another person's is as unknown as none."""
    deleted, _ = app_devices_for(clinic, user).filter(pk=device_id).delete()
    return bool(deleted)


def app_devices_forget(*, signin) -> int:
    """The sign-in ``signin`` ended (signed out, lapsed, revoked): its phones get
    nothing more."""
    if not signin:
        return 0
    deleted, _ = AppDevice.objects.filter(signin=signin).delete()
    return deleted


# --- what is sent --------------------------------------------------------------------


def routing(notification) -> dict:
    """What an app routes on: the kind, the object it is about and the path to open
    (the path of the notification's link; universal/app links share the portal's)."""
    url = notification.url or ""
    path = urlsplit(url).path if url else "/notifications/"
    return {
        "type": notification.kind,
        "id": notification.object_id,
        "path": path or "/",
        "notification_id": str(notification.pk),
    }


def fcm_message(notification, push_token, badge) -> dict:
    """The FCM v1 ``Message``: the clinic's name over the notification's title (never
    the email body), the routing keys as ``data`` (strings, as FCM wants) and the unread
    count as Android's notification count."""
    return {
        "token": push_token,
        "notification": {"title": notification.clinic.name, "body": notification.title},
        "data": {**routing(notification), "badge": str(badge)},
        "android": {
            "priority": "HIGH",
            "notification": {"tag": f"notification-{notification.pk}", "notification_count": badge},
        },
    }


def apns_payload(notification, badge) -> dict:
    return {
        "aps": {
            "alert": {"title": notification.clinic.name, "body": notification.title},
            "badge": badge,
            "sound": "default",
            "thread-id": notification.kind,
        },
        **routing(notification),
    }


def send_app_push(notification, *, skip=()) -> tuple[list[str], list[str]]:
    """Push ``notification`` to the person's phones at its clinic (but the device ids in
    ``skip``, which had it on an earlier try). Forgets the devices the provider says are
    gone. Returns (ids sent to, failures)."""
    devices = [
        d for d in app_devices_for(notification.clinic, notification.user) if str(d.pk) not in skip
    ]
    if not devices:
        return [], []
    badge = unread_count(notification.clinic, notification.user)
    results: dict[int, Result] = {}
    fcm = [d for d in devices if d.platform == AppPlatform.FCM]
    apns = [d for d in devices if d.platform == AppPlatform.APNS]
    if fcm:
        client = FcmClient.from_settings()
        for device in fcm:
            results[device.pk] = (
                client.send(fcm_message(notification, device.push_token, badge))
                if client
                else Result(error="FCM is not configured")
            )
    if apns:
        client = ApnsClient.from_settings()
        payload = apns_payload(notification, badge)
        answers = (
            client.send_many([(d.push_token, payload) for d in apns])
            if client
            else [Result(error="APNs is not configured")] * len(apns)
        )
        results.update(zip([d.pk for d in apns], answers, strict=True))
    sent = [pk for pk, result in results.items() if result.ok]
    gone = [pk for pk, result in results.items() if result.gone]
    if sent:
        AppDevice.objects.filter(pk__in=sent).update(last_sent_at=timezone.now())
    if gone:
        AppDevice.objects.filter(pk__in=gone).delete()
    failures = [result.error for result in results.values() if not (result.ok or result.gone)]
    return [str(pk) for pk in sent], failures
