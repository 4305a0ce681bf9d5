"""Apps' sign-ins: one django-rest-knox token per device and clinic (``DeviceToken``)."""

from django.db import transaction

from people.models import DeviceToken

DEVICE_NAME_MAX = 100


def device_token_issue(*, clinic, user, name: str = "") -> tuple[DeviceToken, str]:
    """Sign a device in at ``clinic``: a new token (its key is shown once; only the
    digest is kept). Returns the row and the key."""
    return DeviceToken.objects.create(
        user=user, clinic=clinic, name=(name or "").strip()[:DEVICE_NAME_MAX]
    )


def device_token_revoke(*, clinic, user, device_id: str) -> bool:
    """Sign one of the person's devices at ``clinic`` out (``device_id``: the id the
    device list shows). Another person's or clinic's device is as unknown as none."""
    if not device_id:
        return False
    with transaction.atomic():
        deleted, _ = DeviceToken.objects.filter(
            clinic=clinic, user=user, digest__startswith=device_id
        ).delete()
    return bool(deleted)


def device_tokens_revoke_here(*, clinic, user) -> int:
    """Sign every one of the person's devices at ``clinic`` out."""
    deleted, _ = DeviceToken.objects.filter(clinic=clinic, user=user).delete()
    return deleted


def api_tokens_revoke(*, user) -> int:
    """Sign every app out, at every clinic (after a password change or reset, or when an
    account is deactivated). Returns how many devices there were."""
    deleted, _ = DeviceToken.objects.filter(user=user).delete()
    return deleted
