"""Applying one page of records from the practice system. Each record is written in its
own savepoint: a record that cannot be used is logged (``SyncRecordError``) and the rest
of the page goes on; the page and its cursor commit together (``sync.services.runner``).

The practice system wins on every field both sides hold. Applying a record twice
changes nothing (upserts by the practice system's id, unique per clinic)."""

import datetime

from django.db import DatabaseError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from booking_api.lifecycle import UPCOMING_STATUSES, Role
from booking_api.models import StaffMember
from booking_api.services import booking_cancel, booking_reschedule
from branding.errors import DomainError
from people.models import Pet
from people.pet_services import pet_deactivate, pet_import, pet_reactivate
from people.phones import phone_to_e164, region_for_clinic
from people.services import client_upsert
from people.services.bulk import (
    client_values_check,
    clients_bulk_create,
    clients_bulk_update,
    emails_taken,
    pet_values_check,
    pets_bulk_save,
)
from sync.connectors.base import RecordError
from sync.models import (
    BookingLink,
    ClientLink,
    ExternalAppointment,
    LinkState,
    PetStatus,
    PetSyncState,
)
from sync.services.errors_log import record_error_log, record_key
from sync.services.loyalty_pull import loyalty_apply, loyalty_prefetch


class PageContext:
    """What one page's records share: the connection, the clock, caches."""

    def __init__(self, connection, now):
        self.connection = connection
        self.clinic = connection.clinic
        self.now = now
        self.seen = {}  # external id → the record first seen in this page
        self.cache = {}  # what a resource's prefetch loaded for the page
        self._staff = {}  # practice resource id → staff member (or None)

    def staff_for(self, resource_id):
        if not resource_id:
            return None
        if resource_id not in self._staff:
            key = (self.connection.staff_map or {}).get(resource_id, resource_id)
            self._staff[resource_id] = StaffMember.objects.filter(
                clinic=self.clinic, key=key
            ).first()
        return self._staff[resource_id]


SLOW = object()  # the bulk pass leaves this record to the one-by-one path


def page_apply(*, connection, resource, items, parse, now=None) -> dict:
    """Apply one page. Returns counts: created, updated, unchanged, errors.

    The common records (new or known clients, pets, practice appointments) are checked
    one by one in memory (``APPLIERS``) and written together, a few queries for the
    whole page (``FLUSH``); the rest (a person the portal knows by email, a pet changing
    status, a portal booking coming back) go one by one, each in its own savepoint.
    Either way a record that cannot be used is skipped, logged and named."""
    context = PageContext(connection, now or timezone.now())
    counts = {"created": 0, "updated": 0, "unchanged": 0, "errors": 0}
    entries = []  # (item, external id, record or the error it makes, first occurrence)
    for item in items:
        external_id = item.get("id") if isinstance(item, dict) else None
        try:
            record = parse(item)
        except RecordError as exc:
            entries.append((item, external_id, exc, True))
            continue
        external_id = record.external_id
        previous = context.seen.get(external_id)
        if previous is None:
            context.seen[external_id] = record
            entries.append((item, external_id, record, True))
        elif previous != record:
            error = RecordError(
                _("The id %(id)s appears twice in one page with different values.")
                % {"id": external_id},
                external_id=external_id,
            )
            entries.append((item, external_id, error, False))
        else:
            entries.append((item, external_id, record, False))
    records = [
        (index, record)
        for index, (_item, _id, record, first) in enumerate(entries)
        if first and not isinstance(record, RecordError)
    ]
    prefetch = PREFETCH[resource]
    plan, one_by_one = APPLIERS[resource], ONE_BY_ONE[resource]
    results = {}
    if records:
        # A few queries for the whole page instead of a few per record.
        prefetch(context, [record for _, record in records])
        for index, record in records:
            try:
                results[index] = plan(context, record)
            except (RecordError, DomainError) as exc:
                results[index] = exc
        try:
            with transaction.atomic():
                FLUSH[resource](context)
        except DatabaseError:
            # Something in the page clashes in the database (another writer meanwhile,
            # a value too long for its column): nothing of the page's writes stays; each
            # record goes on its own, and the one at fault is named.
            prefetch(context, [record for _, record in records])
            results = dict.fromkeys(results, SLOW)
    outcomes = {}  # external id → its first occurrence's outcome
    applied = []
    for index, (item, external_id, record, first) in enumerate(entries):
        if isinstance(record, RecordError):
            result = record
        elif not first:
            # The same record twice in one page: the second changes nothing.
            result = outcomes.get(external_id, "unchanged")
            result = "unchanged" if isinstance(result, str) else result
        else:
            result = results.get(index, SLOW)
            if result is SLOW:
                try:
                    with transaction.atomic():
                        result = one_by_one(context, record)
                except (RecordError, DomainError) as exc:
                    result = exc
            outcomes[external_id] = result
        if isinstance(result, RecordError):
            counts["errors"] += 1
            record_error_log(
                connection=connection,
                resource=resource,
                external_id=result.external_id or external_id,
                message=str(result),
                raw=item,
                now=context.now,
            )
        elif isinstance(result, DomainError):
            counts["errors"] += 1
            field = f"{result.field}: " if result.field else ""
            record_error_log(
                connection=connection,
                resource=resource,
                external_id=external_id,
                message=f"{field}{result.message}",
                raw=item,
                now=context.now,
            )
        else:
            counts[result] += 1
            applied.append(external_id)
    record_error_resolve(
        connection=connection, resource=resource, external_ids=applied, now=context.now
    )
    return counts


# --- clients -----------------------------------------------------------------------------


def _client_apply(context, record):
    clinic = context.clinic
    phone = phone_to_e164(record.phone, region=region_for_clinic(clinic)) if record.phone else ""
    link = (
        ClientLink.objects.filter(clinic=clinic, external_id=record.external_id)
        .select_related("client__user")
        .first()
    )
    if link is None:
        _email_required(record)
        client = client_upsert(
            clinic=clinic,
            email=record.email,
            first_name=record.first_name,
            last_name=record.last_name,
            phone=phone,
        )
        other = ClientLink.objects.filter(client=client).values_list("external_id", flat=True)
        other = other.first()
        if other is not None:
            raise RecordError(
                _("Duplicate: %(email)s is already the practice system's client %(other)s.")
                % {"email": record.email, "other": other},
                external_id=record.external_id,
            )
        ClientLink.objects.create(clinic=clinic, client=client, external_id=record.external_id)
        _client_fields(client, record, phone)
        return "created"
    return "updated" if _client_fields(link.client, record, phone) else "unchanged"


def _email_required(record):
    """A client the portal does not know yet comes with an email (their login); only one
    the portal sent, known by phone only, may come back without (docs/sync.md)."""
    if not record.email:
        raise RecordError(
            _("No email: a new client from the practice system needs one."),
            external_id=record.external_id,
        )


def _client_fields(client, record, phone) -> bool:
    """The practice system's name and phone win. The email is the person's login and
    stays theirs (docs/sync.md)."""
    user, changed = client.user, False
    names = {"first_name": record.first_name, "last_name": record.last_name}
    if any(value and getattr(user, attr) != value for attr, value in names.items()):
        for attr, value in names.items():
            if value:
                setattr(user, attr, value)
        user.save(update_fields=["first_name", "last_name"])
        changed = True
    if phone and client.phone != phone:
        client.phone = phone
        client.save(update_fields=["phone"])
        changed = True
    return changed


def _clients_prefetch(context, records):
    """The page's known clients (with their person) and which new emails belong to a
    person already: two queries."""
    ids = [r.external_id for r in records]
    links = {
        link.external_id: link
        for link in ClientLink.objects.filter(
            clinic=context.clinic, external_id__in=ids
        ).select_related("client__user")
    }
    context.cache = {
        "links": links,
        "taken": emails_taken(r.email for r in records if r.email and r.external_id not in links),
        "region": region_for_clinic(context.clinic),
        "new_emails": {},  # email → the practice id first seen with it in the page
        "create": [],
        "users": {},
        "accounts": {},
    }


def _client_plan(context, record):
    """``_client_apply`` in memory: what the record changes, written by
    ``_clients_flush`` for the whole page. A person the portal already knows by email
    (no link yet) goes one by one (``SLOW``)."""
    cache = context.cache
    phone = phone_to_e164(record.phone, region=cache["region"]) if record.phone else ""
    link = cache["links"].get(record.external_id)
    if link is None:
        _email_required(record)
        values = client_values_check(
            clinic=context.clinic,
            email=record.email,
            first_name=record.first_name,
            last_name=record.last_name,
            phone=phone,
        )
        email = values["email"]
        if email in cache["taken"]:
            return SLOW
        other = cache["new_emails"].get(email)
        if other is not None:
            raise RecordError(
                _("Duplicate: %(email)s is already the practice system's client %(other)s.")
                % {"email": record.email, "other": other},
                external_id=record.external_id,
            )
        cache["new_emails"][email] = record.external_id
        cache["create"].append((record.external_id, values))
        return "created"
    client, user, changed = link.client, link.client.user, False
    names = {"first_name": record.first_name, "last_name": record.last_name}
    if any(value and getattr(user, attr) != value for attr, value in names.items()):
        for attr, value in names.items():
            if value:
                setattr(user, attr, value)
        cache["users"][user.pk] = user
        changed = True
    if phone and client.phone != phone:
        client.phone = phone
        cache["accounts"][client.pk] = client
        changed = True
    return "updated" if changed else "unchanged"


def _clients_flush(context):
    cache = context.cache
    clients_bulk_update(users=cache["users"].values(), accounts=cache["accounts"].values())
    if cache["create"]:
        created = clients_bulk_create(
            clinic=context.clinic, rows=[values for _, values in cache["create"]]
        )
        ClientLink.objects.bulk_create(
            ClientLink(clinic=context.clinic, client=account, external_id=external_id)
            for (external_id, _values), account in zip(cache["create"], created, strict=True)
        )


# --- pets --------------------------------------------------------------------------------


def _pet_apply(context, record):
    clinic = context.clinic
    link = (
        ClientLink.objects.filter(clinic=clinic, external_id=record.owner_id)
        .select_related("client")
        .first()
    )
    if link is None:
        raise RecordError(
            _("Missing owner: no client has the practice id %(id)s.") % {"id": record.owner_id},
            external_id=record.external_id,
        )
    pet = Pet.objects.filter(clinic=clinic, external_id=record.external_id).first()
    before = (
        None if pet is None else (pet.name, pet.species, pet.breed, pet.date_of_birth, pet.owner_id)
    )
    pet = pet_import(
        clinic=clinic,
        owner=link.client,
        external_id=record.external_id,
        name=record.name,
        species=record.species,
        breed=record.breed,
        date_of_birth=record.date_of_birth,
    )
    status_changed = _pet_status(context, pet, record.status)
    if before is None:
        return "created"
    after = (pet.name, pet.species, pet.breed, pet.date_of_birth, pet.owner_id)
    return "updated" if after != before or status_changed else "unchanged"


def _pet_status(context, pet, status) -> bool:
    """Follow the practice system's status: a deceased or inactive pet leaves the app
    after the clinic's delay; an active one comes back. A pet staff reinstated is left
    alone until the status changes again."""
    state = PetSyncState.objects.filter(pet=pet).first()
    if state is None:
        if status == PetStatus.ACTIVE:
            return False
        state = PetSyncState(clinic=context.clinic, pet=pet, status=PetStatus.ACTIVE)
    if state.status == status:
        return False
    state.status, state.status_since, state.reinstated_at = status, context.now, None
    if status == PetStatus.ACTIVE:
        state.remove_after = None
        if state.removed_at is not None:
            pet_reactivate(pet=pet)
            state.removed_at = None
    else:
        hours = context.connection.pet_removal_hours
        state.remove_after = context.now + datetime.timedelta(hours=hours)
    state.save()
    return True


def pets_remove_due(*, clinic, now=None) -> int:
    """Take out of the app the pets whose delay after a deceased or inactive status has
    passed (and that staff did not reinstate)."""
    now = now or timezone.now()
    removed = 0
    due = PetSyncState.objects.filter(
        clinic=clinic, remove_after__lte=now, removed_at__isnull=True, reinstated_at__isnull=True
    ).select_related("pet")
    for state in due:
        with transaction.atomic():
            pet_deactivate(pet=state.pet)
            state.removed_at = now
            state.save(update_fields=["removed_at"])
        removed += 1
    return removed


def _pets_prefetch(context, records):
    """The page's owners, known pets and their practice statuses, one query each."""
    clinic = context.clinic
    pets = {}
    for pet in Pet.objects.filter(
        clinic=clinic, external_id__in=[r.external_id for r in records]
    ).order_by("name", "pk"):
        pets.setdefault(pet.external_id, pet)
    context.cache = {
        "owners": dict(
            ClientLink.objects.filter(
                clinic=clinic, external_id__in={r.owner_id for r in records}
            ).values_list("external_id", "client_id")
        ),
        "pets": pets,
        "states": {
            state.pet_id: state
            for state in PetSyncState.objects.filter(pet__in=[p.pk for p in pets.values()])
        }
        if pets
        else {},
        "new": [],
        "changed": [],
        "statuses": [],
    }


def _pet_plan(context, record):
    """``_pet_apply`` in memory, written by ``_pets_flush`` for the whole page. A pet
    changing owner or status goes one by one (``SLOW``)."""
    cache = context.cache
    owner_id = cache["owners"].get(record.owner_id)
    if owner_id is None:
        raise RecordError(
            _("Missing owner: no client has the practice id %(id)s.") % {"id": record.owner_id},
            external_id=record.external_id,
        )
    pet = cache["pets"].get(record.external_id)
    state = cache["states"].get(pet.pk) if pet is not None else None
    if pet is not None and (
        pet.owner_id != owner_id or (state is not None and state.status != record.status)
    ):
        return SLOW
    values = pet_values_check(
        clinic=context.clinic,
        name=record.name,
        species=record.species,
        breed=record.breed,
        date_of_birth=record.date_of_birth,
        new=pet is None,
    )
    first_status = state is None and record.status != PetStatus.ACTIVE
    if first_status:
        cache["statuses"].append((record.external_id, record.status))
    if pet is None:
        pet = Pet(clinic=context.clinic, owner_id=owner_id, external_id=record.external_id)
        for attr, value in values.items():
            setattr(pet, attr, value)
        cache["new"].append(pet)
        return "created"
    if any(getattr(pet, k) != v for k, v in values.items()):
        for attr, value in values.items():
            setattr(pet, attr, value)
        cache["changed"].append(pet)
        return "updated"
    return "updated" if first_status else "unchanged"


def _pets_flush(context):
    cache = context.cache
    created = pets_bulk_save(new=cache["new"], changed=cache["changed"])
    if cache["statuses"]:
        by_id = {**cache["pets"], **{pet.external_id: pet for pet in created}}
        hours = datetime.timedelta(hours=context.connection.pet_removal_hours)
        PetSyncState.objects.bulk_create(
            PetSyncState(
                clinic=context.clinic,
                pet=by_id[external_id],
                status=status,
                status_since=context.now,
                remove_after=context.now + hours,
            )
            for external_id, status in cache["statuses"]
        )


# --- appointments ------------------------------------------------------------------------


def _appointment_apply(context, record):
    clinic = context.clinic
    if record.end <= record.start:
        raise RecordError(_("The appointment ends before it starts."), record.external_id)
    link = context.cache["links"].get(record.external_id)
    reference = _uuid_or_none(record.portal_reference) if record.portal_reference else None
    if link is None and reference is not None:
        # A booking we pushed whose answer (the new id) was lost: its reference says so.
        link = BookingLink.objects.filter(clinic=clinic, booking__reference=reference).first()
    if link is not None:
        return _booking_follow(context, link, record)
    cache = context.cache
    values = _appointment_values(context, record)
    existing = cache["existing"].get(record.external_id)
    if existing is None:
        cache["existing"][record.external_id] = ExternalAppointment.objects.create(
            clinic=clinic, external_id=record.external_id, **values
        )
        return "created"
    if all(getattr(existing, k) == v for k, v in values.items()):
        return "unchanged"
    for attr, value in values.items():
        setattr(existing, attr, value)
    existing.save()
    return "updated"


def _appointment_plan(context, record):
    """``_appointment_apply`` in memory, written by ``_appointments_flush`` for the
    whole page. A portal booking coming back goes one by one (``SLOW``)."""
    cache = context.cache
    if record.end <= record.start:
        raise RecordError(_("The appointment ends before it starts."), record.external_id)
    if record.external_id in cache["links"] or (
        record.portal_reference and _uuid_or_none(record.portal_reference) is not None
    ):
        return SLOW
    values = _appointment_values(context, record)
    existing = cache["existing"].get(record.external_id)
    if existing is None:
        cache["new"].append(
            ExternalAppointment(clinic=context.clinic, external_id=record.external_id, **values)
        )
        return "created"
    if all(getattr(existing, k) == v for k, v in values.items()):
        return "unchanged"
    for attr, value in values.items():
        setattr(existing, attr, value)
    existing.updated_at = timezone.now()
    cache["changed"].append(existing)
    return "updated"


def _appointments_flush(context):
    cache = context.cache
    if cache["new"]:
        ExternalAppointment.objects.bulk_create(cache["new"])
        for row in cache["new"]:
            cache["existing"][row.external_id] = row
    if cache["changed"]:
        ExternalAppointment.objects.bulk_update(
            cache["changed"], [*APPOINTMENT_FIELDS, "updated_at"]
        )


APPOINTMENT_FIELDS = ("client_id", "pet_id", "staff_id", "resource_id", "start", "end", "cancelled")


def _appointment_values(context, record):
    cache = context.cache
    return {
        "client_id": cache["clients"].get(record.client_id) if record.client_id else None,
        "pet_id": cache["pets"].get(record.pet_id) if record.pet_id else None,
        "staff_id": getattr(context.staff_for(record.resource_id), "pk", None),
        "resource_id": record.resource_id or "",
        "start": record.start,
        "end": record.end,
        "cancelled": record.cancelled,
    }


def _appointments_prefetch(context, records):
    """The page's links, clients, pets and known appointments, one query each."""
    clinic = context.clinic
    ids = [r.external_id for r in records]
    client_ids = {r.client_id for r in records if r.client_id}
    pet_ids = {r.pet_id for r in records if r.pet_id}
    context.cache = {
        "links": {
            link.external_id: link
            for link in BookingLink.objects.filter(clinic=clinic, external_id__in=ids)
        },
        "clients": dict(
            ClientLink.objects.filter(clinic=clinic, external_id__in=client_ids).values_list(
                "external_id", "client_id"
            )
        )
        if client_ids
        else {},
        "pets": dict(
            Pet.objects.filter(clinic=clinic, external_id__in=pet_ids).values_list(
                "external_id", "pk"
            )
        )
        if pet_ids
        else {},
        "existing": {
            row.external_id: row
            for row in ExternalAppointment.objects.filter(clinic=clinic, external_id__in=ids)
        },
        "new": [],
        "changed": [],
    }
    # The page's vets and rooms, one query (``staff_for`` then asks no more).
    staff_map = context.connection.staff_map or {}
    keys = {rid: staff_map.get(rid, rid) for r in records if (rid := r.resource_id)}
    wanted = {rid: key for rid, key in keys.items() if rid not in context._staff}
    if wanted:
        by_key = {}
        for staff in StaffMember.objects.filter(clinic=clinic, key__in=set(wanted.values())):
            by_key.setdefault(staff.key, staff)
        for rid, key in wanted.items():
            context._staff[rid] = by_key.get(key)


def _uuid_or_none(text):
    import uuid

    try:
        return uuid.UUID(str(text))
    except ValueError:
        return None


def _booking_follow(context, link, record):
    """The practice system's word on a booking made in the portal wins: cancelled
    there is cancelled here, moved there is moved here — unless the portal's own move is
    still to be taken there. A move the portal cannot make (the time is not free here)
    is left for staff, "needs attention"."""
    from booking_api.models import Booking

    booking = Booking.objects.select_related("clinic").get(pk=link.booking_id)
    changed = False
    if not link.external_id:
        link.external_id = record.external_id
        link.state, link.action = LinkState.SYNCED, ""
        changed = True
    if booking.status in UPCOMING_STATUSES:
        if record.cancelled:
            booking_cancel(
                booking=booking,
                actor=None,
                by_client=False,
                role=Role.SYSTEM,
                reason=_("Cancelled in the practice system."),
                data={"practice_system": True},
            )
            changed = True
        elif record.start != booking.start and not link.action:
            # (A portal move not yet taken there — pending, or refused and left to staff —
            # is not undone by the practice's older time: staff decide.)
            staff = context.staff_for(record.resource_id)
            try:
                with transaction.atomic():
                    booking_reschedule(
                        booking=booking, start=record.start, staff=staff, by_client=False
                    )
            except DomainError as exc:
                link.state = LinkState.NEEDS_ATTENTION
                link.message = _(
                    "Moved in the practice system to %(start)s, but that time is not free "
                    "here: %(why)s"
                ) % {"start": record.start.isoformat(), "why": exc.message}
            changed = True
    if changed:
        link.updated_at = context.now
        link.save()
        return "updated"
    return "unchanged"


PREFETCH = {
    "clients": _clients_prefetch,
    "pets": _pets_prefetch,
    "appointments": _appointments_prefetch,
    "loyalty": loyalty_prefetch,
}

# Each record is first planned in memory (``APPLIERS``), then the page's writes go
# together (``FLUSH``); what a plan leaves (``SLOW``) is applied alone (``ONE_BY_ONE``).
APPLIERS = {
    "clients": _client_plan,
    "pets": _pet_plan,
    "appointments": _appointment_plan,
    # Each transaction posts under its client's ledger lock: one by one.
    "loyalty": lambda context, record: SLOW,
}

FLUSH = {
    "clients": _clients_flush,
    "pets": _pets_flush,
    "appointments": _appointments_flush,
    "loyalty": lambda context: None,
}

ONE_BY_ONE = {
    "clients": _client_apply,
    "pets": _pet_apply,
    "appointments": _appointment_apply,
    "loyalty": loyalty_apply,
}


def record_error_resolve(*, connection, resource, external_ids, now=None):
    """Records that went through after an earlier error: their errors are resolved."""
    from sync.models import SyncRecordError

    keys = [record_key(i, None) for i in external_ids if i]
    if keys:
        SyncRecordError.objects.filter(
            connection=connection, resource=resource, external_id__in=keys, resolved_at=None
        ).update(resolved_at=now or timezone.now())
