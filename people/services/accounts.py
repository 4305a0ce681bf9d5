"""Writes about a person and their client accounts: sign-up and invitations, contact
details, email verification, the search text."""

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext

from branding.validators import name_is_clean
from notifications.services import Category, notify
from people.errors import ClientError, PeopleErrorCode
from people.models import ClientAccount
from people.phones import phone_to_e164, region_for_clinic

User = get_user_model()


def clean_email(email, field="email"):
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


def name_check(value, field):
    """Refuse a first or last name with markup or control characters, naming the field.
    Every write of a person's name goes through here (``branding.validators``' rule)."""
    if not name_is_clean(value):
        label = gettext("First name") if field == "first_name" else gettext("Last name")
        raise ClientError(
            gettext("%(field)s cannot contain “<”, “>” or control characters.") % {"field": label},
            field=field,
            code=PeopleErrorCode.NAME_INVALID,
        )
    return value


def split_name(full_name):
    first, _, last = (full_name or "").strip().partition(" ")
    return first, last.strip()


@transaction.atomic
def user_get_or_create(*, email, first_name="", last_name="") -> tuple[User, bool]:
    email = clean_email(email)
    name_check(first_name, "first_name")
    name_check(last_name, "last_name")
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
def client_add_at_desk(
    *,
    clinic,
    email="",
    first_name="",
    last_name="",
    phone="",
    invite=False,
    invited_by=None,
    base_url="",
) -> ClientAccount:
    """The front desk adds a client (a walk-in, someone on the phone): the profile, and
    an invitation email to choose a password only when staff ask for it (``invite``,
    which needs an email). Either an email or a phone is required; a client known by
    phone only has no email (``None``): nothing is emailed to them, and they sign in
    once an address is added. A phone another client of the clinic has is refused
    (naming ``phone``), so one person is not added twice."""
    email = (email or "").strip()
    phone = phone_to_e164(phone, region=region_for_clinic(clinic))
    if not email and not phone:
        raise ClientError(
            gettext("Give an email address or a phone number."),
            field="email",
            code=PeopleErrorCode.REQUIRED,
        )
    if invite and not email:
        raise ClientError(
            gettext("An invitation is sent by email: give the client's email address."),
            field="email",
            code=PeopleErrorCode.REQUIRED,
        )
    if email:
        email = clean_email(email)
    if phone:
        same_phone = ClientAccount.objects.filter(clinic=clinic, phone=phone)
        if email:
            same_phone = same_phone.exclude(user__email__iexact=email)
        if same_phone.exists():
            raise ClientError(
                gettext("Another client of this clinic has the phone number %(phone)s.")
                % {"phone": phone},
                field="phone",
                code=PeopleErrorCode.PHONE_TAKEN,
            )
    if invite:
        return client_invite(
            clinic=clinic,
            email=email,
            first_name=first_name,
            last_name=last_name,
            phone=phone,
            invited_by=invited_by,
            base_url=base_url,
        )
    if not email:
        return _client_without_email(
            clinic=clinic, first_name=first_name, last_name=last_name, phone=phone
        )
    return client_upsert(
        clinic=clinic, email=email, first_name=first_name, last_name=last_name, phone=phone
    )


def _client_without_email(*, clinic, first_name, last_name, phone) -> ClientAccount:
    """A person known by phone only, as a client of ``clinic`` (no password, no email)."""
    name_check(first_name, "first_name")
    name_check(last_name, "last_name")
    user = User(email=None, first_name=first_name, last_name=last_name)
    user.set_unusable_password()
    user.save()
    return ClientAccount.objects.create(clinic=clinic, user=user, phone=phone)


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


def password_set_url(user, *, base_url) -> str:
    """A single-use link for ``user`` to choose a password (allauth's reset-from-key
    page at ``base_url``, a clinic's portal): for invitations."""
    return base_url.rstrip("/") + _password_set_path(user)


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
    name_check(first_name, "first_name")
    name_check(last_name, "last_name")
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
