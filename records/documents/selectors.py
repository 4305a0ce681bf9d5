"""Reads about forms, clinic first, in a constant number of queries."""

import datetime
from dataclasses import dataclass

from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from records.models import FormTemplate, SignedForm

# A signed form is "due for renewal" this long before it expires.
RENEWAL_WINDOW = datetime.timedelta(days=30)


class FormStatus:
    SIGNED = "signed"
    RENEWAL_DUE = "renewal_due"
    EXPIRED = "expired"
    PENDING = "pending"


@dataclass(frozen=True)
class ClientForm:
    """One of the clinic's forms as it stands for one client."""

    template: FormTemplate
    status: str
    latest: SignedForm | None

    @property
    def needs_signing(self):
        return self.status != FormStatus.SIGNED


def _is_valid(signed, now):
    return signed is not None and (signed.expires_at is None or signed.expires_at > now)


def _status(signed, now):
    if signed is None:
        return FormStatus.PENDING
    if not _is_valid(signed, now):
        return FormStatus.EXPIRED
    if signed.expires_at is not None and signed.expires_at - now <= RENEWAL_WINDOW:
        return FormStatus.RENEWAL_DUE
    return FormStatus.SIGNED


def _signed_without_blobs():
    # Lists never need the PDF or signature bytes.
    return SignedForm.objects.defer("pdf", "signature_png", "questions", "answers")


def _latest_by_template(clinic, client, template_ids=None):
    if client is None:
        return {}
    signed = _signed_without_blobs().filter(clinic=clinic, client=client)
    if template_ids is not None:
        signed = signed.filter(template_id__in=template_ids)
    latest = {}
    for record in signed.order_by("-signed_at", "-pk"):
        latest.setdefault(record.template_id, record)
    return latest


def active_form_templates(clinic):
    return FormTemplate.objects.filter(clinic=clinic, active=True).order_by("title")


def forms_for_client(clinic, client, *, now=None) -> list[ClientForm]:
    """Every active form of the clinic with the client's standing: signed, due for
    renewal, expired or pending. Two queries."""
    now = now or timezone.now()
    templates = list(active_form_templates(clinic))
    latest = _latest_by_template(clinic, client)
    return [
        ClientForm(template=t, status=_status(latest.get(t.pk), now), latest=latest.get(t.pk))
        for t in templates
    ]


def forms_missing_for(clinic, client, services, *, now=None) -> list[FormTemplate]:
    """The active forms that any of ``services`` requires and that ``client`` (None: a
    new client) has no valid signature for. Booking those services waits for them."""
    now = now or timezone.now()
    service_ids = [getattr(s, "pk", s) for s in services]
    required = list(active_form_templates(clinic).filter(services__in=service_ids).distinct())
    if not required:
        return []
    latest = _latest_by_template(clinic, client, [t.pk for t in required])
    return [t for t in required if not _is_valid(latest.get(t.pk), now)]


def form_template_for_signing(clinic, pk):
    """An active form of this clinic, or None (another clinic's id finds nothing)."""
    return active_form_templates(clinic).filter(pk=pk).first()


def signed_form_for_client(clinic, client, pk):
    """One of the client's own signed forms (with its PDF), or None."""
    if client is None:
        return None
    return SignedForm.objects.filter(clinic=clinic, client=client, pk=pk).first()


def signed_form_in_clinic(clinic, pk):
    """Any signed form of this clinic, for its staff (with its PDF), or None."""
    return SignedForm.objects.filter(clinic=clinic, pk=pk).select_related("client__user").first()


def signed_forms_for_client(clinic, client):
    """Every form the client signed here, newest first, without the PDF bytes."""
    return _signed_without_blobs().filter(clinic=clinic, client=client)


def signed_forms_due_reminder(*, now=None):
    """Across clinics: signed forms expiring within the renewal window (or expired) that
    are still their client's newest for that form, whose form is still asked for, and
    that have had no renewal reminder yet."""
    now = now or timezone.now()
    newer = SignedForm.objects.filter(
        client_id=OuterRef("client_id"),
        template_id=OuterRef("template_id"),
        signed_at__gt=OuterRef("signed_at"),
    )
    return (
        _signed_without_blobs()
        .filter(
            expires_at__isnull=False,
            expires_at__lte=now + RENEWAL_WINDOW,
            template__active=True,
            client__archived_at__isnull=True,
        )
        .filter(Q(renewal_reminder__isnull=True))
        .exclude(Exists(newer))
        .select_related("clinic", "client__user", "template")
    )
