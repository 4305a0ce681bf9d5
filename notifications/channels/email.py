from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.utils import translation

from branding.selectors import clinic_branding


def send_email(delivery):
    notification = delivery.notification
    clinic = notification.clinic
    context = {
        "notification": notification,
        "clinic": clinic,
        "branding": clinic_branding(clinic),
        "portal_url": f"https://{clinic.site.hostname}/",
    }
    with translation.override(clinic.language):
        text = render_to_string("notifications/email.txt", context)
        html = render_to_string("notifications/email.html", context)
    message = EmailMultiAlternatives(
        subject=notification.title,
        body=text,
        from_email=f"{clinic.name} <{_from_address()}>",
        to=[notification.user.email],
        # A stable Message-ID lets mail systems drop a duplicate if a retry ever re-sends.
        headers={"Message-ID": f"<{notification.idempotency_key}@{clinic.site.hostname}>"},
    )
    message.attach_alternative(html, "text/html")
    message.send()


def _from_address():
    value = settings.DEFAULT_FROM_EMAIL
    return value.split("<", 1)[1].rstrip(">") if "<" in value else value
