"""The push channel: to the person's browsers (web push, ``channels.webpush``) and
phones (native push, ``notifications.app_push``) at the clinic."""

from notifications.app_push import send_app_push
from notifications.channels.webpush import PushSendError, send_webpush
from notifications.models import Delivery


def send_push(delivery):
    """The push channel: the person's browsers (web push) and phones (native push,
    ``notifications.app_push``) at the clinic. Fails — to be tried again — only when
    every browser or phone it tried failed; the phones that had it are noted on the
    delivery, so a retry does not buzz them twice. A device its provider says is gone is
    forgotten, not a failure."""
    notification = delivery.notification
    pushed = list(delivery.extra.get("app_devices_pushed", []))
    web_tried, web_failures = send_webpush(notification)
    app_sent, app_failures = send_app_push(notification, skip=set(pushed))
    web_sent = web_tried - len(web_failures)
    if app_sent or web_sent:
        # Which way it reached the person (the staff's communication log says so).
        pushed += app_sent
        delivery.extra = {
            **delivery.extra,
            "app_devices_pushed": pushed,
            "web_pushed": delivery.extra.get("web_pushed", 0) + web_sent,
        }
        Delivery.objects.filter(pk=delivery.pk).update(extra=delivery.extra)
    failures = web_failures + app_failures
    tried = web_tried + len(app_sent) + len(app_failures)
    if tried and len(failures) == tried:
        raise PushSendError("; ".join(failures)[:500])
    if app_failures and not (web_tried - len(web_failures)):
        # Some phones had it, others failed for now: the retry reaches the rest only.
        raise PushSendError("; ".join(app_failures)[:500])
