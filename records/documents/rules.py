"""The booking rule forms impose: a service that requires a form is booked online only
once the client has a valid signature for it. booking_api calls it as a booking
precondition, registered in ``RecordsConfig.ready``."""

from django.urls import reverse
from django.utils.translation import ngettext

from branding.errors import NotAllowedError
from records.documents.selectors import forms_missing_for
from records.errors import RecordsErrorCode


class FormsRequiredError(NotAllowedError):
    code = RecordsErrorCode.FORMS_REQUIRED

    def __init__(self, message, *, forms, **kwargs):
        super().__init__(message, **kwargs)
        self.forms = forms

    def as_dict(self):
        body = super().as_dict()
        body["forms"] = [
            {"id": t.pk, "title": t.title, "sign_url": sign_path(t)} for t in self.forms
        ]
        return body


def sign_path(template):
    return reverse("portal:document_sign", args=[template.pk])


def forms_check_signed(*, clinic, client, service):
    """Raise FormsRequiredError (403, naming the service and each form with where to
    sign it) when ``client`` has not signed a form that ``service`` requires."""
    missing = forms_missing_for(clinic, client, [service])
    if not missing:
        return
    titles = ", ".join(t.title for t in missing)
    message = ngettext(
        "Please sign %(forms)s before booking %(service)s: %(links)s",
        "Please sign these forms before booking %(service)s: %(forms)s. %(links)s",
        len(missing),
    ) % {
        "forms": titles,
        "service": service.name,
        "links": " ".join(sign_path(t) for t in missing),
    }
    raise FormsRequiredError(message, forms=missing, field="service")


def forms_booking_precondition(*, clinic, client, service, start):
    """``forms_check_signed`` as a booking_api precondition (``start`` is not needed)."""
    forms_check_signed(clinic=clinic, client=client, service=service)
