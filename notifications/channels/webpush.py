"""Web push: the notification as a small JSON payload to each browser the person
subscribed at this clinic, encrypted (RFC 8291) and signed with our VAPID key by
pywebpush through django-push-notifications. A subscription the push service says is
gone (404/410) is marked inactive by the library and skipped from then on."""

import json

from push_notifications.exceptions import WebPushError

from notifications.push import push_devices_for


class PushSendError(Exception):
    pass


def push_payload(notification) -> str:
    return json.dumps(
        {
            "title": notification.title,
            "body": notification.body[:300],
            "url": notification.url or "/notifications/",
            "tag": f"notification-{notification.pk}",
        },
        ensure_ascii=False,
    )


def send_webpush(notification) -> tuple[int, list[str]]:
    """Push to the person's browsers at the clinic: (how many were tried, failures)."""
    devices = list(push_devices_for(notification.clinic, notification.user))
    payload = push_payload(notification)
    failures = []
    for device in devices:
        try:
            result = device.send_message(payload, ttl=24 * 3600)
        except WebPushError as exc:
            failures.append(str(exc))
            continue
        if result.get("failure") and device.active:
            failures.append(str(result["results"][0].get("error", "refused")))
    return len(devices), failures
