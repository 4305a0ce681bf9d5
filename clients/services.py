"""Writes about people: users, client accounts, staff memberships, invitations."""

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.validators import validate_email, validate_ipv46_address
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from branding.errors import DomainError
from branding.services import clinic_admin_groups_ensure
from clients.models import AuditAction, AuditEntry, ClientAccount, ClinicMembership, StaffRole
from clients.phones import phone_to_e164, region_for_clinic
from notifications.services import Category, notify

User = get_user_model()


class ClientError(DomainError):
    pass


def _clean_email(email, field="email"):
    email = (email or "").strip().lower()
    try:
        validate_email(email)
    except ValidationError as exc:
        raise ClientError(
            f"{email or 'An empty value'} is not an email address.", field=field
        ) from exc
    return email


def split_name(full_name):
    first, _, last = (full_name or "").strip().partition(" ")
    return first, last.strip()


@transaction.atomic
def user_get_or_create(*, email, first_name="", last_name="") -> tuple[User, bool]:
    email = _clean_email(email)
    user = User.objects.filter(email__iexact=email).first()
    if user:
        changed = False
        for attr, value in (("first_name", first_name), ("last_name", last_name)):
            if value and not getattr(user, attr):
                setattr(user, attr, value)
                changed = True
        if changed:
            user.save(update_fields=["first_name", "last_name"])
        return user, False
    return User.objects.create_user(email=email, first_name=first_name, last_name=last_name), True


@transaction.atomic
def client_account_ensure(*, clinic, user) -> ClientAccount:
    """The person's account at this clinic, created on their first visit."""
    account, _ = ClientAccount.objects.get_or_create(clinic=clinic, user=user)
    return account


@transaction.atomic
def client_upsert(*, clinic, email, first_name="", last_name="", phone="", key="") -> ClientAccount:
    """Create or update a client of the clinic (used by staff and the importer)."""
    phone = phone_to_e164(phone, region=region_for_clinic(clinic))
    user, _ = user_get_or_create(email=email, first_name=first_name, last_name=last_name)
    account = ClientAccount.objects.filter(clinic=clinic, user=user).first()
    if account is None:
        account = ClientAccount(clinic=clinic, user=user)
    changed = account.pk is None or (account.phone, account.key) != (
        phone or account.phone,
        key or account.key,
    )
    account.phone = phone or account.phone
    account.key = key or account.key
    if changed:
        account.save()
    return account


@transaction.atomic
def client_invite(
    *, clinic, email, first_name="", last_name="", phone="", invited_by=None, base_url
) -> ClientAccount:
    """Staff create a client's profile; the client gets an email to set a password."""
    account = client_upsert(
        clinic=clinic, email=email, first_name=first_name, last_name=last_name, phone=phone
    )
    account.invited_at = timezone.now()
    account.save(update_fields=["invited_at"])
    user = account.user
    link = base_url.rstrip("/") + _password_set_path(user)
    notify(
        clinic=clinic,
        user=user,
        kind="account.invitation",
        category=Category.ACCOUNT,
        title=f"{clinic.name} has created your account",
        body=(
            f"Hello {user.get_short_name()},\n\n{clinic.name} has set up your client account "
            f"so you can book and manage appointments online. Choose a password to "
            f"get started:\n\n{link}\n\nThe link works once."
        ),
        url=link,
        idempotency_key=f"invite-{account.pk}-{account.invited_at.timestamp():.0f}",
    )
    return account


def _password_set_path(user):
    from allauth.account.forms import default_token_generator
    from allauth.account.utils import user_pk_to_url_str

    return reverse(
        "account_reset_password_from_key",
        kwargs={
            "uidb36": user_pk_to_url_str(user),
            "key": default_token_generator.make_token(user),
        },
    )


@transaction.atomic
def email_mark_verified(*, user) -> None:
    """The person proved they read mail at their address (e.g. by following an invitation
    or reset link): record it as verified so sign-in does not ask again."""
    from allauth.account.models import EmailAddress

    address = EmailAddress.objects.filter(user=user, email__iexact=user.email).first()
    if address is None:
        has_primary = EmailAddress.objects.filter(user=user, primary=True).exists()
        EmailAddress.objects.create(
            user=user, email=user.email, verified=True, primary=not has_primary
        )
    elif not address.verified:
        address.verified = True
        address.save(update_fields=["verified"])


def email_is_verified(user) -> bool:
    from allauth.account.models import EmailAddress

    return EmailAddress.objects.filter(user=user, email__iexact=user.email, verified=True).exists()


@transaction.atomic
def membership_grant(*, clinic, user, role) -> ClinicMembership:
    """Make ``user`` a member of the clinic's staff in ``role`` (one role per clinic)."""
    if role not in StaffRole.values:
        raise ClientError(f"Unknown role {role!r}.", field="role")
    groups = clinic_admin_groups_ensure(clinic)
    membership, _ = ClinicMembership.objects.update_or_create(
        clinic=clinic, user=user, defaults={"role": role}
    )
    user.groups.remove(*[g for r, g in groups.items() if r != role])
    user.groups.add(groups[role])
    return membership


@transaction.atomic
def membership_revoke(*, clinic, user) -> None:
    groups = clinic_admin_groups_ensure(clinic)
    user.groups.remove(*groups.values())
    ClinicMembership.objects.filter(clinic=clinic, user=user).delete()


def _request_origin(request):
    """Where a request came from: (IP address or None, user agent)."""
    if request is None:
        return None, ""
    ip = (request.META.get("REMOTE_ADDR") or "").strip() or None
    if ip:
        try:
            validate_ipv46_address(ip)
        except ValidationError:
            ip = None
    agent = (request.META.get("HTTP_USER_AGENT") or "")[:400]
    return ip, agent


@transaction.atomic
def audit_record(
    *, clinic, actor, action, client=None, summary, changes=None, request=None
) -> AuditEntry:
    """Append one entry to the clinic's audit log: ``actor`` did ``action`` (an
    ``AuditAction``) to ``client`` (None for clinic-level actions), with ``changes`` as
    field → [old, new]. ``request`` supplies the IP address and user agent."""
    if action not in AuditAction.values:
        raise ClientError(f"Unknown audit action {action!r}.", field="action")
    if client is not None and client.clinic_id != clinic.pk:
        raise ClientError("That client belongs to another clinic.", field="client")
    ip, agent = _request_origin(request)
    return AuditEntry.objects.create(
        clinic=clinic,
        actor=actor if actor is not None and actor.is_authenticated else None,
        client=client,
        action=action,
        summary=str(summary)[:300],
        changes={field: [old, new] for field, (old, new) in (changes or {}).items()},
        ip_address=ip,
        user_agent=agent,
    )


def audit_changes(before, after):
    """The fields whose values differ between two snapshots, as field → [old, new]."""
    return {
        field: [before.get(field), after.get(field)]
        for field in sorted(set(before) | set(after))
        if before.get(field) != after.get(field)
    }
