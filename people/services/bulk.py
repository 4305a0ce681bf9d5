"""Writes of many clients or pets at once, for the practice-system sync: a page of
records in a few queries instead of a few per record. The caller checks each record
first with the same rules as the one-by-one services (``client_values_check``,
``pet_values_check``), so a bad record is refused alone, before anything is written,
with the same message."""

from django.db.models import Q

from people.models import ClientAccount, Pet, User
from people.phones import phone_to_e164, region_for_clinic
from people.services.accounts import clean_email, name_check


def client_values_check(*, clinic, email, first_name="", last_name="", phone="") -> dict:
    """The values ``client_upsert`` would store for a new client, or its error."""
    return {
        "email": clean_email(email),
        "first_name": name_check(first_name, "first_name"),
        "last_name": name_check(last_name, "last_name"),
        "phone": phone_to_e164(phone, region=region_for_clinic(clinic)) if phone else "",
    }


def emails_taken(emails) -> set[str]:
    """Which of these (lower-case) emails already belong to a person: one query."""
    emails = set(emails)
    if not emails:
        return set()
    return set(User.objects.filter(email__in=emails).values_list("email", flat=True))


def clients_bulk_create(*, clinic, rows) -> list[ClientAccount]:
    """New people and their accounts at ``clinic`` (two inserts), in ``rows``' order.
    ``rows``: checked values (``client_values_check``) whose emails nobody has yet."""
    users = []
    for row in rows:
        user = User(email=row["email"], first_name=row["first_name"], last_name=row["last_name"])
        user.set_unusable_password()
        users.append(user)
    users = User.objects.bulk_create(users)
    accounts = []
    for user, row in zip(users, rows, strict=True):
        account = ClientAccount(clinic=clinic, user=user, phone=row["phone"])
        account.search_text = account.compute_search_text()
        accounts.append(account)
    return ClientAccount.objects.bulk_create(accounts)


def clients_bulk_update(*, users=(), accounts=()) -> None:
    """Save changed names (``users``) and phones (``accounts``) and keep every affected
    client account's search text right, as the one-by-one saves do."""
    users, accounts = list(users), list(accounts)
    if users:
        User.objects.bulk_update(users, ["first_name", "last_name"])
    if accounts:
        ClientAccount.objects.bulk_update(accounts, ["phone"])
    if not users and not accounts:
        return
    stale = []
    affected = ClientAccount.objects.filter(
        Q(user__in=[u.pk for u in users]) | Q(pk__in=[a.pk for a in accounts])
    ).select_related("user")
    for account in affected:
        text = account.compute_search_text()
        if text != account.search_text:
            account.search_text = text
            stale.append(account)
    if stale:
        ClientAccount.objects.bulk_update(stale, ["search_text"])


def pet_values_check(*, clinic, name, species, breed="", date_of_birth=None, new=True) -> dict:
    """The values ``pet_import`` would store, or its error (a ``new`` pet needs the
    clinic to keep pets)."""
    from people.pet_services import _clean, _require_pets

    if new:
        _require_pets(clinic)
    return _clean(
        {"name": name, "species": species, "breed": breed, "date_of_birth": date_of_birth}
    )


PET_FIELDS = ("name", "species", "breed", "date_of_birth")


def pets_bulk_save(*, new=(), changed=()) -> list[Pet]:
    """Insert ``new`` pets and save ``changed`` ones' checked fields: two queries."""
    new = Pet.objects.bulk_create(list(new)) if new else []
    if changed:
        Pet.objects.bulk_update(list(changed), list(PET_FIELDS))
    return new
