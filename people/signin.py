"""Signing in with a password, whichever door it is: the portal (allauth's sign-in form),
the apps' token (``POST /api/v1/auth/token``), the Wagtail admin and the Django admin.

One limiter for all of them: allauth's failed sign-in limit, the lockout the portal
already had (``ACCOUNT_RATE_LIMITS["login_failed"]``: so many failures per client address
a minute and per account in five minutes, kept in the shared cache). Our account adapter
counts per real client address (``branding.client_address.client_ip``, behind
``TRUSTED_PROXY_COUNT`` proxies) and per person whatever the host. Once it is used up even
the right password is refused until it cools down.

One rule: a person whose email address is not confirmed does not sign in.

A door for some people only (the admins) refuses everyone else before the password is
looked at, and answers them exactly as it answers a wrong password: it is no oracle for
patients' passwords."""

from allauth.account.adapter import get_adapter
from django import forms
from django.conf import settings
from django.contrib.auth import get_user_model
from django.utils.translation import gettext as _

from people.errors import PeopleErrorCode, SignInError
from people.services import email_is_verified


def _wrong():
    return SignInError(
        _("That email and password do not match an account."),
        code=PeopleErrorCode.SIGN_IN_FAILED,
    )


def _too_many():
    return SignInError(
        _("Too many failed sign-in attempts. Please try again later."),
        code=PeopleErrorCode.TOO_MANY_ATTEMPTS,
    )


def _unconfirmed():
    return SignInError(
        _("Please confirm your email address first: open the link we emailed you."),
        code=PeopleErrorCode.EMAIL_UNCONFIRMED,
    )


def password_sign_in_check(request, *, email, password, may_use_door=None):
    """The person ``email`` and ``password`` sign in as, or ``SignInError``: wrong
    (401), too many failed attempts (429) or an unconfirmed email (403).

    ``may_use_door(user)``: who this door is for (e.g. people who may open the admin).
    Anyone else is refused as a wrong password is — the attempt counts as a failure and
    takes as long as a password check — without their password being checked."""
    adapter = get_adapter(request)
    email = (email or "").strip().lower()
    User = get_user_model()
    try:
        if may_use_door is not None:
            person = User._default_manager.filter(email__iexact=email).first()
            if person is None or not person.is_active or not may_use_door(person):
                adapter.pre_authenticate(request, email=email)  # counts a failure
                User().set_password(password)  # as long as checking a password takes
                raise _wrong()
        # Counts the attempt, checks the password, and gives the attempt back if right.
        user = adapter.authenticate(request, email=email, password=password)
    except forms.ValidationError as exc:  # allauth: the failed sign-in limit is used up
        raise _too_many() from exc
    if user is None or not user.is_active:
        raise _wrong()
    if settings.ACCOUNT_EMAIL_VERIFICATION == "mandatory" and not email_is_verified(user):
        raise _unconfirmed()
    return user


def may_open_wagtail_admin(user) -> bool:
    return user.is_active and user.has_perm("wagtailadmin.access_admin")


def may_open_django_admin(user) -> bool:
    return user.is_active and user.is_staff
