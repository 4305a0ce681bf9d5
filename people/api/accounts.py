"""The caller's client account at the request's clinic, for the API's reads.

A read never creates an account: a token issued at one clinic and sent to another
clinic's host must not make the person a client there, and put their name in its client
list, as a side effect of a GET. Signing in at the clinic's host (``POST /auth/token``),
or booking there, does that."""

from django.utils.translation import gettext as _

from people.errors import ClientError, PeopleErrorCode
from people.selectors import client_account_for_user


def client_account_here(request):
    """The caller's account at this clinic; 403 ``not_a_client_here`` when there is none."""
    account = client_account_for_user(request.clinic, request.user)
    if account is None:
        raise ClientError(
            _("You have no account at this clinic yet: sign in here first."),
            code=PeopleErrorCode.NOT_A_CLIENT_HERE,
        )
    return account
