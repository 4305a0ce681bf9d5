"""The client account's "Communication log" tab: everything told to the client —
confirmations, reminders, receipts, nudges, messages, account emails — newest first,
25 a page, each with its channels (email, SMS, web or app push, in-app only) and their
delivery status, times in the clinic's time zone. Staff read the subject only: never
the body or its link (a sign-in code, a gift-card code, a link with a token)."""

from django.core.paginator import Paginator
from django.utils.translation import gettext_lazy as _

from notifications.models import Category, Channel, DeliveryStatus
from notifications.selectors import communication_log

PER_PAGE = 25
PAGE_PARAM = "log_page"

CHANNEL_LABELS = {
    Channel.EMAIL: _("Email"),
    Channel.SMS: _("SMS"),
    "web_push": _("Web push"),
    "app_push": _("App push"),
    Channel.PUSH: _("Push"),
}
STATUS_LEVEL = {
    DeliveryStatus.SENT: "success",
    DeliveryStatus.FAILED: "critical",
    DeliveryStatus.PENDING: "label",
    DeliveryStatus.SENDING: "label",
}


def _channels(delivery):
    if delivery.channel != Channel.PUSH:
        return [delivery.channel]
    ways = (["web_push"] if delivery.web_pushed else []) + (
        ["app_push"] if delivery.app_pushed else []
    )
    return ways or [Channel.PUSH]


def _rows(notifications):
    categories = dict(Category.choices)
    for notification in notifications:
        deliveries = [
            {
                "channel": ", ".join(str(CHANNEL_LABELS[c]) for c in _channels(delivery)),
                "status": delivery.get_status_display(),
                "status_key": delivery.status,
                "level": STATUS_LEVEL.get(delivery.status, "label"),
                "sent_at": delivery.sent_at,
            }
            for delivery in notification.deliveries.all()
        ]
        yield {
            "pk": notification.pk,
            "at": notification.created_at,
            "title": notification.title,
            "category": categories.get(notification.category, notification.category),
            "deliveries": deliveries,
            "in_centre": notification.in_centre,
        }


def communication_context(request, clinic, account):
    page = Paginator(communication_log(clinic, account.user), PER_PAGE).get_page(
        request.GET.get(PAGE_PARAM)
    )
    return {"page": page, "rows": list(_rows(page.object_list)), "param": PAGE_PARAM}
