"""Writes about people: users, client accounts, staff memberships, invitations."""

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.validators import validate_email, validate_ipv46_address
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext

from branding.errors import DomainError
from branding.services import clinic_admin_groups_ensure
from notifications.services import Category, notify
from people.errors import PeopleErrorCode
from people.models import AuditAction, AuditEntry, ClientAccount, ClinicMembership, StaffRole
from people.phones import phone_to_e164, region_for_clinic

User = get_user_model()


class ClientError(DomainError):
    pass


def _clean_email(email, field="email"):
    email = (email or "").strip().lower()
    try:
        validate_email(email)
    except ValidationError as exc:
        raise ClientError(
            gettext("%(value)s is not an email address.") % {"value": email}
            if email
            else gettext("An empty value is not an email address."),
            field=field,
            code=PeopleErrorCode.EMAIL_INVALID,
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
        raise ClientError(
            gettext("Unknown role %(role)r.") % {"role": role},
            field="role",
            code=PeopleErrorCode.UNKNOWN_CHOICE,
        )
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
        raise ClientError(
            gettext("Unknown audit action %(action)r.") % {"action": action},
            field="action",
            code=PeopleErrorCode.UNKNOWN_CHOICE,
        )
    if client is not None and client.clinic_id != clinic.pk:
        raise ClientError(
            gettext("That client belongs to another clinic."),
            field="client",
            code=PeopleErrorCode.OTHER_CLINIC,
        )
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


@transaction.atomic
def client_contact_update(*, clinic, user, first_name, last_name, phone) -> ClientAccount:
    """The patient's own contact details: their name (on the User, shared by every
    clinic they visit) and their phone at this clinic. Nothing is saved if one is bad."""
    first_name, last_name = (first_name or "").strip(), (last_name or "").strip()
    if not first_name:
        raise ClientError(
            gettext("Please give your first name."),
            field="first_name",
            code=PeopleErrorCode.REQUIRED,
        )
    phone = phone_to_e164(phone, region=region_for_clinic(clinic))
    user.first_name, user.last_name = first_name[:80], last_name[:80]
    user.save(update_fields=["first_name", "last_name"])
    account = client_account_ensure(clinic=clinic, user=user)
    if account.phone != phone:
        account.phone = phone
        account.save(update_fields=["phone"])
    return account


# --- The staff account view: contact details, standing, notes ------------------------

# Fields staff may edit inline on the account view; the first three live on the User.
CLIENT_USER_FIELDS = ("first_name", "last_name", "email")
CLIENT_ACCOUNT_FIELDS = ("phone", "date_of_birth", "vip", "tags")
CLIENT_EDITABLE_FIELDS = CLIENT_USER_FIELDS + CLIENT_ACCOUNT_FIELDS
MAX_TAGS = 20
MAX_TAG_LENGTH = 40


def client_search_text_refresh(*, user) -> int:
    """Recompute the search text of the person's client accounts (after their name or
    email changed). Returns how many changed."""
    stale = []
    for account in ClientAccount.objects.filter(user=user).select_related("user"):
        account.user = user
        text = account.compute_search_text()
        if text != account.search_text:
            account.search_text = text
            stale.append(account)
    ClientAccount.objects.bulk_update(stale, ["search_text"])
    return len(stale)


def _clean_name(value, field, *, required):
    value = " ".join(str(value or "").split())
    if required and not value:
        raise ClientError(
            gettext("A first name is required."), field=field, code=PeopleErrorCode.REQUIRED
        )
    if len(value) > 80:
        raise ClientError(
            gettext("Names are at most 80 characters."), field=field, code=PeopleErrorCode.TOO_LONG
        )
    return value


def _clean_date_of_birth(value):
    import datetime

    if value in (None, ""):
        return None
    if isinstance(value, datetime.date):
        parsed = value
    else:
        try:
            parsed = datetime.date.fromisoformat(str(value).strip())
        except ValueError as exc:
            raise ClientError(
                gettext("%(value)s is not a date (use YYYY-MM-DD).") % {"value": value},
                field="date_of_birth",
                code=PeopleErrorCode.DATE_INVALID,
            ) from exc
    if parsed > timezone.localdate() or parsed.year < 1900:
        raise ClientError(
            gettext("The date of birth is not a possible one."),
            field="date_of_birth",
            code=PeopleErrorCode.DATE_INVALID,
        )
    return parsed


def _clean_bool(value, field):
    if isinstance(value, bool):
        return value
    text = str(value or "").strip().lower()
    if text in ("1", "true", "on", "yes"):
        return True
    if text in ("", "0", "false", "off", "no"):
        return False
    raise ClientError(
        gettext("%(value)s is not yes or no.") % {"value": value},
        field=field,
        code=PeopleErrorCode.BOOLEAN_INVALID,
    )


def _clean_tags(value):
    raw = value if isinstance(value, list | tuple) else str(value or "").split(",")
    tags, seen = [], set()
    for tag in raw:
        tag = " ".join(str(tag).split())
        if not tag or tag.casefold() in seen:
            continue
        if len(tag) > MAX_TAG_LENGTH:
            raise ClientError(
                gettext("Tags are at most %(n)s characters.") % {"n": MAX_TAG_LENGTH},
                field="tags",
                code=PeopleErrorCode.TOO_LONG,
            )
        seen.add(tag.casefold())
        tags.append(tag)
    if len(tags) > MAX_TAGS:
        raise ClientError(
            gettext("A client has at most %(n)s tags.") % {"n": MAX_TAGS},
            field="tags",
            code=PeopleErrorCode.TOO_MANY_TAGS,
        )
    return tags


def _clean_client_email(account, value):
    email = _clean_email(value)
    user = account.user
    if email == user.email:
        return email
    if User.objects.filter(email__iexact=email).exclude(pk=user.pk).exists():
        raise ClientError(
            gettext("%(email)s already belongs to another person.") % {"email": email},
            field="email",
            code=PeopleErrorCode.EMAIL_TAKEN,
        )
    # The login is the person's, shared by every clinic they use: one clinic's staff
    # must not change how they sign in elsewhere.
    shared = (
        user.is_superuser
        or ClientAccount.objects.filter(user=user).exclude(pk=account.pk).exists()
        or ClinicMembership.objects.filter(user=user).exists()
    )
    if shared:
        raise ClientError(
            gettext(
                "This person also signs in at another clinic or works at one; only they can "
                "change their email, in their profile."
            ),
            field="email",
            code=PeopleErrorCode.EMAIL_SHARED,
        )
    return email


def _client_value(account, field):
    source = account.user if field in CLIENT_USER_FIELDS else account
    value = getattr(source, field)
    return list(value) if field == "tags" else value


@transaction.atomic
def client_update(*, clinic, account, actor, field, value, request=None) -> ClientAccount:
    """Change one of the client's details (``CLIENT_EDITABLE_FIELDS``), validated and
    audited with its before and after. Raises ``ClientError`` naming the field."""
    if account.clinic_id != clinic.pk:
        raise ClientError(
            gettext("That client belongs to another clinic."),
            field="client",
            code=PeopleErrorCode.OTHER_CLINIC,
        )
    if field not in CLIENT_EDITABLE_FIELDS:
        raise ClientError(
            gettext("%(field)s cannot be changed here.") % {"field": field},
            field=field,
            code=PeopleErrorCode.FIELD_NOT_EDITABLE,
        )
    cleaners = {
        "first_name": lambda v: _clean_name(v, "first_name", required=True),
        "last_name": lambda v: _clean_name(v, "last_name", required=False),
        "email": lambda v: _clean_client_email(account, v),
        "phone": lambda v: phone_to_e164(v, region=region_for_clinic(clinic), field="phone"),
        "date_of_birth": _clean_date_of_birth,
        "vip": lambda v: _clean_bool(v, "vip"),
        "tags": _clean_tags,
    }
    new = cleaners[field](value)
    old = _client_value(account, field)
    if new == old:
        return account
    if field in CLIENT_USER_FIELDS:
        setattr(account.user, field, new)
        account.user.save(update_fields=[field])  # the receiver refreshes search_text
        account.refresh_from_db(fields=["search_text"])
    else:
        setattr(account, field, new)
        account.save(update_fields=[field])
    audit_record(
        clinic=clinic,
        actor=actor,
        action=AuditAction.CHANGE,
        client=account,
        summary=f"Changed {field.replace('_', ' ')} of {account.name}",
        changes={field: [old, new]},
        request=request,
    )
    return account


def _client_flag(*, clinic, account, actor, attr, on, summary, request):
    if account.clinic_id != clinic.pk:
        raise ClientError(
            gettext("That client belongs to another clinic."),
            field="client",
            code=PeopleErrorCode.OTHER_CLINIC,
        )
    old = getattr(account, attr)
    if bool(old) == on:
        return account
    setattr(account, attr, timezone.now() if on else None)
    account.save(update_fields=[attr])
    audit_record(
        clinic=clinic,
        actor=actor,
        action=AuditAction.CHANGE,
        client=account,
        summary=summary,
        changes={attr: [old, getattr(account, attr)]},
        request=request,
    )
    return account


@transaction.atomic
def client_archive(*, clinic, account, actor, request=None) -> ClientAccount:
    """Hide the client from lists and searches; every record is kept (clients are never
    deleted here: bookings, payments and the audit log point at them)."""
    return _client_flag(
        clinic=clinic,
        account=account,
        actor=actor,
        attr="archived_at",
        on=True,
        summary=f"Archived {account.name}",
        request=request,
    )


@transaction.atomic
def client_unarchive(*, clinic, account, actor, request=None) -> ClientAccount:
    return _client_flag(
        clinic=clinic,
        account=account,
        actor=actor,
        attr="archived_at",
        on=False,
        summary=f"Restored {account.name} from the archive",
        request=request,
    )


@transaction.atomic
def client_deactivate(*, clinic, account, actor, request=None) -> ClientAccount:
    """The client stays listed but may no longer book online at this clinic."""
    return _client_flag(
        clinic=clinic,
        account=account,
        actor=actor,
        attr="deactivated_at",
        on=True,
        summary=f"Deactivated {account.name}",
        request=request,
    )


@transaction.atomic
def client_reactivate(*, clinic, account, actor, request=None) -> ClientAccount:
    return _client_flag(
        clinic=clinic,
        account=account,
        actor=actor,
        attr="deactivated_at",
        on=False,
        summary=f"Reactivated {account.name}",
        request=request,
    )


@transaction.atomic
def note_create(*, clinic, account, author, body, pinned=False, request=None):
    """An internal note on the client, audited (its text included: the log is staff-only
    too)."""
    from people.models import ClientNote

    if account.clinic_id != clinic.pk:
        raise ClientError(
            gettext("That client belongs to another clinic."),
            field="client",
            code=PeopleErrorCode.OTHER_CLINIC,
        )
    body = (body or "").strip()
    if not body:
        raise ClientError(
            gettext("Write the note first."), field="body", code=PeopleErrorCode.REQUIRED
        )
    if len(body) > 4000:
        raise ClientError(
            gettext("A note is at most 4,000 characters."),
            field="body",
            code=PeopleErrorCode.TOO_LONG,
        )
    note = ClientNote.objects.create(
        clinic=clinic, client=account, author=author, body=body, pinned=bool(pinned)
    )
    audit_record(
        clinic=clinic,
        actor=author,
        action=AuditAction.NOTE,
        client=account,
        summary=f"Added a {'pinned ' if note.pinned else ''}note on {account.name}",
        changes={"note": [None, body]},
        request=request,
    )
    return note


@transaction.atomic
def note_pin(*, clinic, note, actor, pinned, request=None):
    """Pin a note (shown first, in the header) or unpin it."""
    if note.clinic_id != clinic.pk:
        raise ClientError(
            gettext("That note belongs to another clinic."),
            field="note",
            code=PeopleErrorCode.OTHER_CLINIC,
        )
    pinned = bool(pinned)
    if note.pinned == pinned:
        return note
    note.pinned = pinned
    note.save(update_fields=["pinned"])
    audit_record(
        clinic=clinic,
        actor=actor,
        action=AuditAction.NOTE,
        client=note.client,
        summary=f"{'Pinned' if pinned else 'Unpinned'} a note on {note.client.name}",
        changes={"pinned": [not pinned, pinned]},
        request=request,
    )
    return note


@transaction.atomic
def client_preferences_update(*, clinic, account, actor, values, request=None):
    """Staff change the client's communication preferences (the same record the client
    edits in the portal), audited with before/after. ``values``: name → bool; names
    not given keep their value."""
    from notifications.services import preferences_for, preferences_update

    if account.clinic_id != clinic.pk:
        raise ClientError(
            gettext("That client belongs to another clinic."),
            field="client",
            code=PeopleErrorCode.OTHER_CLINIC,
        )
    prefs = preferences_for(clinic, account.user)
    before = {name: getattr(prefs, name) for name in values if hasattr(prefs, name)}
    prefs = preferences_update(clinic=clinic, user=account.user, **values)
    changes = audit_changes(before, {name: getattr(prefs, name) for name in before})
    if changes:
        audit_record(
            clinic=clinic,
            actor=actor,
            action=AuditAction.CHANGE,
            client=account,
            summary=f"Changed the communication preferences of {account.name}",
            changes=changes,
            request=request,
        )
    return prefs
