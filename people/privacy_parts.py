"""People's parts of a client's data for ``privacy`` (see ``privacy/registry.py``): the
profile, pets and photos, and — for ``notifications``, which sits below people and
knows no client accounts — the notification centre and communication preferences.

The ``profile`` part erases last: it detaches the client account (which keeps the
records the clinic must keep) from the person, and anonymises and deactivates the person
when they are nobody else's client and not staff anywhere."""

import uuid

from allauth.account.models import EmailAddress
from allauth.socialaccount.models import SocialAccount
from django.db import transaction
from django.utils import timezone

from notifications.models import AppDevice, Notification, Preferences
from notifications.push import push_subscription_delete
from people.models import ClientAccount, ClientNote, ClinicMembership, DeviceToken, Pet, Photo, User

ERASED_DOMAIN = "erased.invalid"


def _iso(value):
    return value.isoformat() if value else None


def export_profile(*, clinic, client):
    user = client.user
    return {
        "data": {
            "first_name": user.first_name,
            "last_name": user.last_name,
            "email": user.email,
            "phone": client.phone,
            "date_of_birth": _iso(client.date_of_birth),
            "client_since": _iso(client.created_at),
            "tags": client.tags,
        }
    }


def export_pets(*, clinic, client):
    pets = Pet.objects.filter(clinic=clinic, owner=client).order_by("pk")
    return {
        "data": [
            {
                "name": pet.name,
                "species": pet.species,
                "breed": pet.breed,
                "date_of_birth": _iso(pet.date_of_birth),
                "notes": pet.notes,
                "active": pet.active,
            }
            for pet in pets
        ]
    }


def export_photos(*, clinic, client):
    photos = list(Photo.objects.filter(clinic=clinic, client=client).order_by("pk"))
    data, files = [], []
    for photo in photos:
        name = f"{photo.pk}.{photo.image.name.rsplit('.', 1)[-1]}"
        with photo.image.open("rb") as handle:
            files.append((name, handle.read()))
        data.append(
            {
                "file": name,
                "kind": photo.kind,
                "caption": photo.caption,
                "shareable": photo.shareable,
                "taken": _iso(photo.created_at),
            }
        )
    return {"data": data, "files": files}


def export_notifications(*, clinic, client):
    prefs = Preferences.objects.filter(clinic=clinic, user=client.user).first()
    fields = [f.name for f in Preferences._meta.fields if f.name not in ("id", "clinic", "user")]
    return {
        "data": {
            "preferences": {name: getattr(prefs, name) for name in fields} if prefs else {},
            "notifications": list(
                Notification.objects.filter(clinic=clinic, user=client.user)
                .order_by("pk")
                .values("title", "body", "category", "created_at", "read_at")
            ),
        }
    }


def erase_photos(*, clinic, client, user):
    photos = list(Photo.objects.filter(clinic=clinic, client=client))
    for photo in photos:
        name, storage = photo.image.name, photo.image.storage
        transaction.on_commit(lambda name=name, storage=storage: storage.delete(name))
    Pet.objects.filter(clinic=clinic, owner=client).update(photo=None)
    Photo.objects.filter(pk__in=[photo.pk for photo in photos]).delete()
    return {"photos": len(photos)}


def erase_pets(*, clinic, client, user):
    # Pets stay with their clinical history (on the detached account); the owner's free
    # text about them goes.
    return {"pet_notes": Pet.objects.filter(clinic=clinic, owner=client).update(notes="")}


def erase_notifications(*, clinic, client, user):
    deleted, _ = Notification.objects.filter(clinic=clinic, user=user).delete()
    Preferences.objects.filter(clinic=clinic, user=user).delete()
    AppDevice.objects.filter(clinic=clinic, user=user).delete()
    push_subscription_delete(clinic=clinic, user=user)
    return {"notifications": deleted}


def erase_profile(*, clinic, client, user):
    """Detach the account from the person; anonymise and deactivate the person when
    nothing else ties them to the platform. Their devices here are signed out."""
    ClientNote.objects.filter(clinic=clinic, client=client).delete()
    DeviceToken.objects.filter(clinic=clinic, user=user).delete()
    placeholder = User.objects.create_user(
        email=f"erased-{uuid.uuid4().hex}@{ERASED_DOMAIN}", is_active=False
    )
    now = timezone.now()
    ClientAccount.objects.filter(pk=client.pk).update(
        user=placeholder,
        key="",
        phone="",
        date_of_birth=None,
        tags=[],
        vip=False,
        search_text="",
        archived_at=now,
        deactivated_at=now,
    )
    client.refresh_from_db()
    still_tied = (
        ClientAccount.objects.filter(user=user).exists()
        or ClinicMembership.objects.filter(user=user).exists()
        or user.is_staff
        or user.is_superuser
    )
    if still_tied:
        return {"detached": 1}
    EmailAddress.objects.filter(user=user).delete()
    SocialAccount.objects.filter(user=user).delete()
    user.email = f"erased-{uuid.uuid4().hex}@{ERASED_DOMAIN}"
    user.first_name = user.last_name = ""
    user.is_active = False
    # A new (unusable) password: every session's hash no longer matches, and the save
    # signs every app out (people.models.User.save).
    user.set_unusable_password()
    user.save()
    return {"detached": 1, "person_anonymised": 1}


PARTS = [
    {
        "key": "profile",
        "order": 10,
        "erase_order": 1000,
        "export": export_profile,
        "erase": erase_profile,
    },
    {"key": "pets", "order": 11, "export": export_pets, "erase": erase_pets},
    {"key": "photos", "order": 12, "export": export_photos, "erase": erase_photos},
    {
        "key": "notifications",
        "order": 13,
        "export": export_notifications,
        "erase": erase_notifications,
    },
]
