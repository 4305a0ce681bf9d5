"""Pets and the practice system: duplicate profiles merged at each sync (audited,
undone by staff within 30 days), staff reinstating a pet the sync took out."""

import datetime
from collections import defaultdict

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from people.models import AuditAction, Pet, Photo
from people.pet_selectors import pet_name_key
from people.pet_services import pet_merge, pet_reactivate, pet_snapshot, pet_unmerge
from people.services import audit_record
from sync.errors import SyncError, SyncErrorCode
from sync.models import PetMerge, PetSyncState


def pets_merge_pass(*, clinic, now=None) -> int:
    """Merge every profile the owner added in the portal into the practice system's
    profile of the same pet: same owner, same name (case and accents ignored), same
    date of birth — whichever side was edited to match. One query when there is
    nothing to merge. A pair staff separated is left apart."""
    rows = Pet.objects.filter(
        clinic=clinic, merged_into__isnull=True, date_of_birth__isnull=False
    ).values_list("pk", "owner_id", "name", "date_of_birth", "external_id")
    groups = defaultdict(list)
    for pk, owner_id, name, born, external_id in rows:
        groups[(owner_id, pet_name_key(name), born)].append((pk, external_id))
    merged = 0
    for profiles in groups.values():
        if len(profiles) < 2:
            continue
        practice = [pk for pk, ext in profiles if ext]
        portal = [pk for pk, ext in profiles if not ext]
        if len(practice) != 1 or not portal:
            continue  # two practice profiles are two pets there; none: staff's to merge
        keep_id = practice[0]
        undone = set(
            PetMerge.objects.filter(
                kept_id=keep_id, merged_id__in=portal, undone_at__isnull=False
            ).values_list("merged_id", flat=True)
        )
        for duplicate_id in portal:
            if duplicate_id not in undone:
                pet_merge_record(keep_id=keep_id, duplicate_id=duplicate_id, now=now)
                merged += 1
    return merged


@transaction.atomic
def pet_merge_record(*, keep_id, duplicate_id, actor=None, now=None) -> PetMerge:
    keep = Pet.objects.select_for_update().select_related("owner").get(pk=keep_id)
    duplicate = Pet.objects.select_for_update().get(pk=duplicate_id)
    moved_bookings = list(duplicate.bookings.values_list("pk", flat=True))
    moved_photos = list(Photo.objects.filter(pet=duplicate).values_list("pk", flat=True))
    record = PetMerge(
        clinic_id=keep.clinic_id,
        kept=keep,
        merged=duplicate,
        moved_bookings=moved_bookings,
        moved_photos=moved_photos,
        kept_before=pet_snapshot(keep),
        merged_before=pet_snapshot(duplicate),
        merged_at=now or timezone.now(),
    )
    pet_merge(keep=keep, duplicate=duplicate)
    record.save()
    audit_record(
        clinic=keep.clinic,
        actor=actor,
        action=AuditAction.CHANGE,
        client=keep.owner,
        summary=_("Pet profiles merged by the practice sync: %(name)s (#%(dup)s) into #%(keep)s")
        % {"name": duplicate.name, "dup": duplicate.pk, "keep": keep.pk},
        changes={"pet_merge": [duplicate.pk, keep.pk]},
    )
    return record


@transaction.atomic
def pet_merge_undo(*, clinic, merge_id, actor, now=None, request=None) -> PetMerge:
    """Separate the two profiles again, as they were before the merge, with their own
    bookings and photos; the sync will not merge them again."""
    now = now or timezone.now()
    merge = (
        PetMerge.objects.select_for_update()
        .select_related("kept__owner")
        .get(pk=merge_id, clinic=clinic)
    )
    if merge.undone_at is not None or now - merge.merged_at > datetime.timedelta(
        days=PetMerge.UNDO_DAYS
    ):
        raise SyncError(
            _("This merge can no longer be undone (30 days, once)."),
            field="merge",
            code=SyncErrorCode.UNDO_EXPIRED,
        )
    pet_unmerge(
        keep=merge.kept,
        duplicate=merge.merged,
        bookings=merge.moved_bookings,
        photos=merge.moved_photos,
        keep_values=merge.kept_before,
        duplicate_values=merge.merged_before,
    )
    merge.undone_at, merge.undone_by = now, actor
    merge.save(update_fields=["undone_at", "undone_by"])
    audit_record(
        clinic=clinic,
        actor=actor,
        action=AuditAction.CHANGE,
        client=merge.kept.owner,
        summary=_("Pet merge undone: #%(dup)s separated from #%(keep)s")
        % {"dup": merge.merged_id, "keep": merge.kept_id},
        changes={"pet_merge": [merge.kept_id, None]},
        request=request,
    )
    return merge


@transaction.atomic
def pet_reinstate(*, clinic, pet_id, actor, now=None, request=None) -> Pet:
    """Staff keep a pet the practice system marked deceased or inactive (the owner asked
    to): back in the app, and the next sync leaves it there."""
    state = (
        PetSyncState.objects.select_for_update()
        .select_related("pet__owner")
        .filter(clinic=clinic, pet_id=pet_id)
        .first()
    )
    if state is None or state.status == "active":
        raise SyncError(
            _("The practice system has not taken this pet out of the app."),
            field="pet",
            code=SyncErrorCode.NOT_REMOVED,
        )
    pet = pet_reactivate(pet=state.pet)
    state.reinstated_at, state.reinstated_by = now or timezone.now(), actor
    state.save(update_fields=["reinstated_at", "reinstated_by"])
    audit_record(
        clinic=clinic,
        actor=actor,
        action=AuditAction.CHANGE,
        client=pet.owner,
        summary=_("Pet reinstated after the practice system marked it %(status)s: %(name)s")
        % {"status": state.get_status_display().lower(), "name": pet.name},
        changes={"active": [False, True]},
        request=request,
    )
    return pet


def pet_is_deceased(pet_id) -> bool:
    return bool(pet_id) and PetSyncState.objects.filter(pet_id=pet_id, status="deceased").exists()
