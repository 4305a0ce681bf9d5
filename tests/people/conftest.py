"""Fixtures and helpers for the sign-in tests: people whose email is confirmed (sign-in
requires it), reading links and codes out of the emails a person receives."""

import re

import pytest
from allauth.account.models import EmailAddress
from django.core import mail

from tests.conftest import host_client
from tests.factories.clients import ClientAccountFactory, UserFactory


def confirm_email(user):
    """Mark the person's address as confirmed, as if they had clicked the link."""
    EmailAddress.objects.update_or_create(
        user=user, email=user.email, defaults={"verified": True, "primary": True}
    )
    return user


@pytest.fixture
def verified_user(db):
    """Someone with a password and a confirmed email, not yet a client anywhere."""
    return confirm_email(UserFactory())


@pytest.fixture
def verified_patient(clinic):
    """A client of the clinic whose email is confirmed, so they can sign in."""
    account = ClientAccountFactory(clinic=clinic)
    confirm_email(account.user)
    return account


@pytest.fixture
def other_portal(other_clinic):
    """A browser at the other clinic's domain."""
    return host_client(other_clinic)


def emails_to(address):
    return [m for m in mail.outbox if address in m.to]


def last_email_to(address):
    sent = emails_to(address)
    assert sent, f"no email was sent to {address}; outbox: {[m.to for m in mail.outbox]}"
    return sent[-1]


def link_in(message, path_pattern):
    """The first link in the email whose path matches, returned as (host, path)."""
    match = re.search(r"https?://([^/\s]+)(" + path_pattern + r")", message.body)
    assert match, f"no link matching {path_pattern!r} in:\n{message.body}"
    return match.group(1), match.group(2)


def login_code_in(message):
    match = re.search(r"^\s*([A-Z0-9]{4}-[A-Z0-9]{4})\s*$", message.body, re.MULTILINE)
    assert match, f"no sign-in code in:\n{message.body}"
    return match.group(1)


def signed_in_user_id(client):
    """Who the browser is signed in as (None when signed out)."""
    return client.session.get("_auth_user_id")
