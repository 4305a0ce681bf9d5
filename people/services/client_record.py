"""Staff edits of a client's account from the workspace: one field at a time, archive and
deactivate, internal notes, communication preferences; each audited in the same
transaction."""

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from branding import clinic_time
from people.errors import ClientError, PeopleErrorCode
from people.models import AuditAction, ClientAccount, ClinicMembership
from people.phones import phone_to_e164, region_for_clinic
from people.services.accounts import clean_email, name_check
from people.services.audit import audit_changes, audit_record
from people.services.devices import api_tokens_revoke

User = get_user_model()


CLIENT_USER_FIELDS = ("first_name", "last_name", "email")


CLIENT_ACCOUNT_FIELDS = ("phone", "date_of_birth", "vip", "tags")


CLIENT_EDITABLE_FIELDS = CLIENT_USER_FIELDS + CLIENT_ACCOUNT_FIELDS


MAX_TAGS = 20


MAX_TAG_LENGTH = 40


def _clean_name(value, field, *, required):
    name_check(str(value or "").strip(), field)
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
        # ISO (the API) or the clinic's own order (the admin: dd/mm/yyyy in the UK)
        parsed = clinic_time.parse_date_input(str(value))
        if parsed is None:
            try:
                parsed = datetime.date.fromisoformat(str(value).strip())
            except ValueError as exc:
                raise ClientError(
                    gettext("%(value)s is not a date (use %(format)s).")
                    % {"value": value, "format": clinic_time.date_input_placeholder()},
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
    email = clean_email(value)
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
    """The client stays listed but may no longer book online at this clinic; their apps
    are signed out (an API token still serves every clinic until apps get one per clinic)."""
    account = _client_flag(
        clinic=clinic,
        account=account,
        actor=actor,
        attr="deactivated_at",
        on=True,
        summary=f"Deactivated {account.name}",
        request=request,
    )
    api_tokens_revoke(user=account.user)
    return account


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
def client_online_booking_unblock(*, clinic, account, actor, reason="", request=None):
    """Lift the online-booking block a no-show put on the client (staff decide per case),
    audited with the reason."""
    if account.clinic_id != clinic.pk:
        raise ClientError(
            gettext("That client belongs to another clinic."),
            field="client",
            code=PeopleErrorCode.OTHER_CLINIC,
        )
    if not account.online_booking_blocked:
        return account
    account.online_booking_blocked = False
    account.save(update_fields=["online_booking_blocked"])
    audit_record(
        clinic=clinic,
        actor=actor,
        action=AuditAction.CHANGE,
        client=account,
        summary=f"Lifted the online-booking block on {account.name}"
        + (f" ({reason})" if reason else ""),
        changes={"online_booking_blocked": [True, False]},
        request=request,
    )
    return account


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
    prefs = preferences_update(clinic=clinic, user=account.user, source="staff", **values)
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
