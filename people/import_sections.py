"""The import keys the clients app owns: ``team`` (staff and their roles) and ``clients``
(the clinic's client accounts). Passwords never come from the file: people set their
own through the invitation / password-reset flow.

Later sections look the results up in the import context:
``ctx.refs["team"][email]`` is the membership, ``ctx.refs["client"][key]`` the account.
"""

from typing import Literal

from branding.errors import DomainError
from branding.importing import ImportContext, ImportFileError, ImportSection, register_section
from branding.importing.types import Email, Key, Name, Strict
from people.models import ClientAccount, StaffRole
from people.phones import phone_to_e164, region_for_clinic
from people.services import client_upsert, membership_grant, split_name, user_get_or_create


class TeamMemberIn(Strict):
    email: Email
    name: Name
    role: Literal[tuple(StaffRole.values)]  # type: ignore[valid-type]


class ClientIn(Strict):
    key: Key
    name: Name
    email: Email
    phone: str = ""


def _duplicates(items, attr, section, what):
    seen = {}
    for i, item in enumerate(items):
        value = getattr(item, attr)
        if value in seen:
            yield (
                f"{section}[{i}].{attr}",
                f"{value!r} is already used by {section}[{seen[value]}] ({what} must be unique)",
            )
        else:
            seen[value] = i


def check_team(value: list[TeamMemberIn], doc):
    yield from _duplicates(value, "email", "team", "a person has one role per clinic")


def apply_team(value: list[TeamMemberIn], ctx: ImportContext):
    for i, member in enumerate(value):
        first_name, last_name = split_name(member.name)
        try:
            user, _ = user_get_or_create(
                email=member.email, first_name=first_name, last_name=last_name
            )
            membership = membership_grant(clinic=ctx.clinic, user=user, role=member.role)
        except DomainError as exc:
            raise ImportFileError([(f"team[{i}].{exc.field or 'email'}", exc.message)]) from exc
        ctx.remember("team", member.email, membership)
        ctx.count("team members")


def check_clients(value: list[ClientIn], doc):
    yield from _duplicates(value, "key", "clients", "client keys")
    yield from _duplicates(value, "email", "clients", "one account per person")
    clinic = doc.get("clinic")
    region = region_for_clinic(clinic) if clinic is not None else "GB"
    for i, client in enumerate(value):
        try:
            phone_to_e164(client.phone, region=region)
        except DomainError as exc:
            yield (f"clients[{i}].phone", f"{exc.message} Write it in E.164, e.g. +447700900123.")


def apply_clients(value: list[ClientIn], ctx: ImportContext):
    for i, client in enumerate(value):
        taken = (
            ClientAccount.objects.filter(clinic=ctx.clinic, key=client.key)
            .exclude(user__email__iexact=client.email)
            .select_related("user")
            .first()
        )
        if taken:
            raise ImportFileError(
                [
                    (
                        f"clients[{i}].key",
                        f"{client.key!r} already belongs to another client of this clinic "
                        f"({taken.user.email})",
                    )
                ]
            )
        first_name, last_name = split_name(client.name)
        try:
            account = client_upsert(
                clinic=ctx.clinic,
                email=client.email,
                first_name=first_name,
                last_name=last_name,
                phone=client.phone,
                key=client.key,
            )
        except DomainError as exc:
            raise ImportFileError([(f"clients[{i}].{exc.field or 'email'}", exc.message)]) from exc
        ctx.remember("client", client.key, account)
        ctx.count("clients")


def register():
    register_section(
        ImportSection(
            key="team", schema=list[TeamMemberIn], apply=apply_team, check=check_team, order=20
        )
    )
    register_section(
        ImportSection(
            key="clients",
            schema=list[ClientIn],
            apply=apply_clients,
            check=check_clients,
            order=30,
        )
    )
    from people import import_pets

    import_pets.register()
