"""Apps authenticate with ``Authorization: Token <key>``: a django-rest-knox token, one
per device and clinic (``people.DeviceToken``). Knox stores only a digest, lets a token
lapse (``REST_KNOX["TOKEN_TTL"]``) and renews it on use; we add that a token works only
at the clinic whose host issued it."""

from datetime import timedelta

from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.plumbing import build_bearer_security_scheme_object
from knox.auth import TokenAuthentication
from rest_framework import exceptions

LAST_USED_RESOLUTION = timedelta(hours=1)  # "last used" needs no more: one write an hour


class DeviceTokenAuthentication(TokenAuthentication):
    def validate_user(self, auth_token):
        clinic = getattr(self.request, "clinic", None)
        if clinic is None or auth_token.clinic_id != clinic.pk:
            # Valid elsewhere, but not here: as unknown as a made-up token at this host.
            raise exceptions.AuthenticationFailed(
                _("This token was issued at another clinic: sign in here.")
            )
        user, token = super().validate_user(auth_token)
        now = timezone.now()
        if token.last_used_at is None or now - token.last_used_at > LAST_USED_RESOLUTION:
            token.last_used_at = now
            type(token).objects.filter(pk=token.pk).update(last_used_at=now)
        return user, token

    def authenticate(self, request):
        self.request = request
        return super().authenticate(request)


class DeviceTokenScheme(OpenApiAuthenticationExtension):
    """The schema's ``tokenAuth``: ``Authorization: Token <key>`` (from POST /auth/token)."""

    target_class = DeviceTokenAuthentication
    name = "tokenAuth"

    def get_security_definition(self, auto_schema):
        return build_bearer_security_scheme_object(
            header_name="Authorization", token_prefix="Token"
        )
