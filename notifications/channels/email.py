import base64
import hashlib
from email.utils import formataddr, parseaddr

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string

from branding.links import portal_url
from branding.selectors import clinic_branding
from notifications.language import speaking_to
from notifications.unsubscribe import unsubscribe_url


def send_email(delivery):
    notification = delivery.notification
    clinic = notification.clinic
    context = {
        "notification": notification,
        "clinic": clinic,
        "branding": clinic_branding(clinic),
        "portal_url": portal_url(clinic),
    }
    headers = {"Message-ID": message_id(notification)}
    unsubscribe = unsubscribe_url(notification)
    if unsubscribe:  # RFC 8058: mail programs show an "Unsubscribe" button that posts here
        headers["List-Unsubscribe"] = f"<{unsubscribe}>"
        headers["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    context["unsubscribe_url"] = unsubscribe
    # The layout in the person's language; an email to someone else on their behalf (a
    # gift card) is in the clinic's, as its sender wrote it.
    with speaking_to(clinic, None if delivery.extra.get("to") else notification.user):
        text = render_to_string("notifications/email.txt", context)
        html = render_to_string("notifications/email.html", context)
    message = EmailMultiAlternatives(
        # A header may not hold a line break; a title built from user input might.
        subject=" ".join(notification.title.split()),
        body=text,
        from_email=clinic_sender(clinic),
        to=[delivery.extra.get("to") or notification.user.email],
        headers=headers,
    )
    message.attach_alternative(html, "text/html")
    for item in delivery.extra.get("attachments", []):  # see notify(attachments=...)
        message.attach(item["filename"], base64.b64decode(item["content"]), item["mimetype"])
    message.send()


def message_id(notification):
    """A stable Message-ID, so mail systems drop a duplicate if a retry ever re-sends.
    Derived from the idempotency key (hashed: a key may hold characters a Message-ID
    may not)."""
    digest = hashlib.sha256(notification.idempotency_key.encode()).hexdigest()[:32]
    return f"<{digest}@{notification.clinic.site.hostname}>"


def clinic_sender(clinic):
    """The From of every email a clinic sends (notifications and account emails alike):
    the clinic's name on the platform's address. formataddr quotes a clinic name such
    as "Smith, Jones & Co" correctly."""
    return formataddr((clinic.name, _from_address()))


def _from_address():
    return parseaddr(settings.DEFAULT_FROM_EMAIL)[1] or settings.DEFAULT_FROM_EMAIL
