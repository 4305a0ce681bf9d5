"""allauth's headless API for apps (``/_allauth/app/v1/…``): sign-up, email
verification, password reset, one-time code sign-in — allauth's own flows, with the
portal's rules (the same adapter, rate limits and confirmed email).

The flows run on an allauth session whose key is the ``X-Session-Token``; when one ends
with the person signed in, the answer's ``meta.access_token`` is a device token for this
clinic (``people.DeviceToken``), the one every ``/api/v1/`` endpoint takes as
``Authorization: Token <key>``. A session token works only at the clinic whose host
began it.

The device is named like ``POST /api/v1/auth/token``'s: a ``"device"`` field in the body
of the call that ends signed in (login, code confirm, email verify, provider token…),
or an ``X-Device-Name`` header on it."""

import json

from allauth.headless.tokens.strategies.sessions import SessionTokenStrategy
from django.http.request import RawPostDataException

from people.api.serializers import device_id
from people.services import client_account_ensure, device_token_issue

CLINIC_KEY = "_headless_clinic"  # the session's clinic (see get_session_token)


def _device_name(request) -> str:
    """The ``device`` of the JSON body (allauth's inputs ignore fields they do not
    know), else the ``X-Device-Name`` header, else nameless."""
    try:
        body = json.loads(request.body or b"{}")
    except (ValueError, RawPostDataException):  # not JSON, or already read as a stream
        body = {}
    name = body.get("device") if isinstance(body, dict) else None
    if isinstance(name, str) and name.strip():
        return name
    return request.headers.get("X-Device-Name", "")


def _clinic_id(request):
    clinic = getattr(request, "clinic", None)
    return clinic.pk if clinic is not None else None


class DeviceTokenStrategy(SessionTokenStrategy):
    def create_session_token(self, request):
        request.session[CLINIC_KEY] = _clinic_id(request)
        return super().create_session_token(request)

    def get_session_token(self, request):
        token = super().get_session_token(request)
        if not token:
            return None
        session = self.lookup_session(token)
        if session is not None and session.get(CLINIC_KEY) != _clinic_id(request):
            # Another clinic's flow: here the app starts as nobody, as with no token.
            return None
        return token

    def create_access_token_payload(self, request):
        clinic = getattr(request, "clinic", None)
        if clinic is None or not request.user.is_authenticated:
            return None
        client_account_ensure(clinic=clinic, user=request.user)
        token, key = device_token_issue(
            clinic=clinic, user=request.user, name=_device_name(request)
        )
        return {
            "access_token": key,
            "expiry": token.expiry.isoformat() if token.expiry else None,
            "device": device_id(token),
        }
