"""What the portal sends the practice system: new clients, new pets, bookings made,
moved or cancelled, consent forms signed. A booking the practice system refuses is
cancelled here with nothing kept (payments refunds on the cancellation), left "needs
attention" for staff, and the patient is told in plain words."""

import base64
import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from booking_api.lifecycle import BLOCKING_STATUSES, Role
from booking_api.models import Booking
from booking_api.services import booking_cancel
from branding import clinic_time
from notifications.language import speaking_to
from notifications.services import Category, notify
from people.models import ClientAccount, Pet
from records.models import SignedForm
from sync.connectors.base import PushRefused
from sync.models import BookingLink, ClientLink, FormLink, LinkState

BATCH = 100
# A pet added in the portal goes to the practice system after a day (or with its first
# booking): until then a profile the owner made for a pet the practice already has can
# still be merged at the next sync, when either side is edited to match.
PET_PUSH_AFTER = datetime.timedelta(hours=24)


def _client_external_id(connection, connector, client) -> str:
    link = ClientLink.objects.filter(client=client).first()
    if link is not None:
        return link.external_id
    user = client.user
    payload = {"first_name": user.first_name, "last_name": user.last_name, "phone": client.phone}
    if user.email:  # a client known by phone only has none: the key is left out (docs/sync.md)
        payload["email"] = user.email
    external_id = connector.client_create(payload)
    ClientLink.objects.create(clinic_id=client.clinic_id, client=client, external_id=external_id)
    return external_id


def _pet_external_id(connection, connector, pet) -> str:
    if pet.external_id:
        return pet.external_id
    owner_id = _client_external_id(connection, connector, pet.owner)
    external_id = connector.pet_create(
        {
            "owner_id": owner_id,
            "name": pet.name,
            "species": pet.species,
            "breed": pet.breed,
            "date_of_birth": pet.date_of_birth,
        }
    )
    Pet.objects.filter(pk=pet.pk, external_id="").update(external_id=external_id)
    pet.external_id = external_id
    return external_id


def _resource_for(connection, staff):
    reverse = {key: resource for resource, key in (connection.staff_map or {}).items()}
    return reverse.get(staff.key, staff.key)


def push_pending(*, connection, connector, now=None) -> dict:
    """Send what is waiting. A failing remote raises (the run fails and retries)."""
    counts = {"clients": 0, "pets": 0, "bookings": 0, "refused": 0, "consents": 0}
    clinic = connection.clinic
    new_clients = (
        ClientAccount.objects.filter(clinic=clinic, sync_link__isnull=True, archived_at=None)
        .select_related("user")
        .order_by("pk")[:BATCH]
    )
    for client in new_clients:
        _client_external_id(connection, connector, client)
        counts["clients"] += 1
    new_pets = (
        Pet.objects.filter(
            clinic=clinic,
            external_id="",
            merged_into__isnull=True,
            active=True,
            created_at__lte=(now or timezone.now()) - PET_PUSH_AFTER,
        )
        .select_related("owner__user")
        .order_by("pk")[:BATCH]
    )
    for pet in new_pets:
        _pet_external_id(connection, connector, pet)
        counts["pets"] += 1
    links = (
        BookingLink.objects.filter(clinic=clinic, state=LinkState.PENDING)
        .select_related("booking__client__user", "booking__pet", "booking__staff")
        .order_by("pk")[:BATCH]
    )
    for link in links:
        outcome = booking_push(connection=connection, connector=connector, link=link)
        counts["refused" if outcome == "refused" else "bookings"] += 1
    if connector.supports_consents:
        counts["consents"] = consents_push(connection=connection, connector=connector)
    return counts


def consents_push(*, connection, connector) -> int:
    """Consent forms signed in the portal since the connection was made go to the
    practice system once each, with their PDF (the signed record itself). One the
    practice system refuses is listed for staff with its answer (``SyncRecordError``,
    resource ``consents``) and tried again at the next run; the rest go on."""
    from sync.services.apply import record_error_resolve
    from sync.services.errors_log import record_error_log

    sent = 0
    forms = (
        SignedForm.objects.filter(
            clinic=connection.clinic,
            signed_at__gte=connection.created_at,
            sync_link__isnull=True,
        )
        .select_related("client__user")
        .order_by("pk")[:BATCH]
    )
    for signed in forms:
        reference = f"signed-form-{signed.pk}"
        payload = {
            "client_id": _client_external_id(connection, connector, signed.client),
            "title": signed.title,
            "signed_at": signed.signed_at,
            "expires_at": signed.expires_at,
            "signed_by": signed.typed_name,
            "signature": signed.signature_method,
            "questions": signed.questions,
            "answers": signed.answers,
            "pdf_base64": base64.b64encode(bytes(signed.pdf)).decode(),
            "pdf_sha256": signed.pdf_sha256,
            "portal_reference": reference,
        }
        try:
            external_id = connector.consent_create(payload)
        except PushRefused as exc:
            record_error_log(
                connection=connection,
                resource="consents",
                external_id=reference,
                message=_("The practice system refused the signed form “%(title)s”: %(answer)s")
                % {"title": signed.title, "answer": exc},
                raw={k: v for k, v in payload.items() if k != "pdf_base64"},
            )
            continue
        FormLink.objects.create(
            clinic_id=connection.clinic_id, signed_form=signed, external_id=external_id
        )
        record_error_resolve(connection=connection, resource="consents", external_ids=[reference])
        sent += 1
    return sent


def booking_push(*, connection, connector, link) -> str:
    booking = link.booking
    payload = {
        "start": booking.start,
        "end": booking.end,
        "resource_id": _resource_for(connection, booking.staff),
        "service": booking.service.name,
        "portal_reference": str(booking.reference),
    }
    try:
        if link.action == "cancel":
            if link.external_id:
                connector.appointment_cancel(link.external_id)
        elif link.action == "move" and link.external_id:
            connector.appointment_move(link.external_id, payload)
        elif booking.status in BLOCKING_STATUSES:
            payload["client_id"] = _client_external_id(connection, connector, booking.client)
            payload["pet_id"] = (
                _pet_external_id(connection, connector, booking.pet) if booking.pet else None
            )
            link.external_id = connector.appointment_create(payload)
    except PushRefused as exc:
        booking_refused(link_id=link.pk, answer=str(exc))
        return "refused"
    link.state, link.action, link.attempts = LinkState.SYNCED, "", link.attempts + 1
    link.updated_at = timezone.now()
    link.save()
    return "sent"


@transaction.atomic
def booking_refused(*, link_id, answer) -> BookingLink:
    """The practice system said no. A new booking that does not exist there is
    cancelled here (nothing charged is kept: the cancellation refunds it in full) and
    the patient is told why; a refused move or cancellation is left to staff."""
    link = BookingLink.objects.select_for_update().get(pk=link_id)
    booking = Booking.objects.select_related("clinic", "client__user", "service").get(
        pk=link.booking_id
    )
    link.state, link.message = LinkState.NEEDS_ATTENTION, answer[:2000]
    link.attempts += 1
    link.updated_at = timezone.now()
    link.save()
    if link.action in ("", "create") and booking.status in BLOCKING_STATUSES:
        booking_cancel(
            booking=booking,
            actor=None,
            by_client=False,
            role=Role.SYSTEM,
            reason=_("The practice system refused the booking: %(answer)s") % {"answer": answer},
            data={"practice_refused": True, "client_told": True},
        )
        _tell_patient(booking)
    return link


def _tell_patient(booking):
    clinic = booking.clinic
    with speaking_to(clinic, booking.client.user):
        body = _(
            "Sorry — we could not book your %(service)s on %(day)s at %(time)s: that time "
            "was taken at the clinic just before your booking reached it. You have not "
            "been charged for it; anything you paid is being refunded in full. Please "
            "choose another time or call us."
        ) % {
            "service": booking.service.name,
            "day": clinic_time.format_date(booking.start, "weekday"),
            "time": clinic_time.format_time(booking.start),
        }
        notify(
            clinic=clinic,
            user=booking.client.user,
            kind="booking_practice_refused",
            category=Category.BOOKING,
            title=_("We could not book your appointment"),
            body=body,
            idempotency_key=f"booking-{booking.pk}-practice-refused",
        )
