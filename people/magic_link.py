"""Sign-in by a link in the sign-in code email, for the phone whose mail app opens links
in another browser than the one that asked for the code.

The link is signed (it cannot be forged or moved to another clinic), lasts as long as a
code (``ACCOUNT_LOGIN_BY_CODE_TIMEOUT``) and works once: it carries the person's last
sign-in time, which signing in changes. Opening it shows a button; only pressing it
(a POST) signs in, so mail scanners that fetch links do not use it up."""

from django.conf import settings
from django.contrib.auth import login
from django.core import signing
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from people.models import User
from people.services import client_account_ensure, email_mark_verified

SALT = "people.magic-link"


def _last_login_mark(user) -> str:
    return user.last_login.isoformat() if user.last_login else "never"


def sign_in_link(request, *, user) -> str:
    """The absolute sign-in link for ``user`` at the request's clinic."""
    token = signing.dumps(
        {"u": user.pk, "c": request.clinic.pk, "l": _last_login_mark(user)},
        salt=SALT,
        compress=True,
    )
    return request.build_absolute_uri(reverse("magic_link_sign_in", args=[token]))


def user_for_sign_in_link(clinic, token):
    """The person the link signs in here, or None if it is forged, expired, used, or
    another clinic's."""
    try:
        data = signing.loads(token, salt=SALT, max_age=settings.ACCOUNT_LOGIN_BY_CODE_TIMEOUT)
    except signing.BadSignature:
        return None
    if clinic is None or data.get("c") != clinic.pk:
        return None
    user = User.objects.filter(pk=data.get("u"), is_active=True).first()
    if user is None or _last_login_mark(user) != data.get("l"):
        return None
    return user


@require_http_methods(["GET", "POST"])
def magic_link_sign_in(request, token):
    user = user_for_sign_in_link(getattr(request, "clinic", None), token)
    if user is None:
        return render(request, "account/magic_link.html", {"expired": True}, status=410)
    if request.method == "GET":
        return render(request, "account/magic_link.html", {"person": user})
    # Following a link mailed to the address proves it, as a confirmation link does.
    email_mark_verified(user=user)
    client_account_ensure(clinic=request.clinic, user=user)
    login(request, user, backend="allauth.account.auth_backends.AuthenticationBackend")
    return redirect(settings.LOGIN_REDIRECT_URL)
