from django.db import transaction
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.exceptions import NotFound
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from branding.api.pagination import ApiPagination, paginated_response
from branding.api.permissions import ClinicRequired
from branding.api.throttling import ClientAddressScopedRateThrottle
from people.api.accounts import client_account_here
from people.api.serializers import (
    DeviceSerializer,
    MeSerializer,
    MeUpdateSerializer,
    TokenRequestSerializer,
    TokenSerializer,
    device_id,
)
from people.models import DeviceToken
from people.selectors import devices_for
from people.services import (
    client_account_ensure,
    client_contact_update,
    device_token_issue,
    device_token_revoke,
    device_tokens_revoke_here,
)
from people.signin import password_sign_in_check


class TokenView(APIView):
    """Mobile apps sign in here and then send ``Authorization: Token <key>``. The same
    check as the portal's sign-in (``people.signin``): its failed sign-in limit per
    account and per client address, and a confirmed email; plus the "auth" throttle per
    client address. Each sign-in is a new device token, for this clinic only."""

    permission_classes = [AllowAny, ClinicRequired]
    throttle_classes = [ClientAddressScopedRateThrottle]
    throttle_scope = "auth"

    @extend_schema(request=TokenRequestSerializer, responses=TokenSerializer, tags=["auth"])
    def post(self, request):
        payload = TokenRequestSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        user = password_sign_in_check(
            request,
            email=payload.validated_data["email"],
            password=payload.validated_data["password"],
        )
        client_account_ensure(clinic=request.clinic, user=user)
        token, key = device_token_issue(
            clinic=request.clinic, user=user, name=payload.validated_data.get("device", "")
        )
        return Response({"token": key, "expiry": token.expiry, "device": device_id(token)})

    @extend_schema(responses={204: None}, tags=["auth"])
    def delete(self, request):
        """Sign this device out: its token stops working (the person's other devices
        stay signed in)."""
        if isinstance(request.auth, DeviceToken):
            request.auth.delete()
        return Response(status=status.HTTP_204_NO_CONTENT)


class DevicesView(APIView):
    """The person's devices signed in at this clinic; ``DELETE`` signs them all out."""

    permission_classes = [IsAuthenticated, ClinicRequired]
    pagination_class = ApiPagination

    @extend_schema(responses=DeviceSerializer(many=True), tags=["auth"])
    def get(self, request):
        devices = devices_for(request.clinic, request.user)
        return paginated_response(
            self, request, devices, DeviceSerializer, context={"request": request}
        )

    @extend_schema(operation_id="auth_devices_sign_out_all", responses={204: None}, tags=["auth"])
    def delete(self, request):
        device_tokens_revoke_here(clinic=request.clinic, user=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


class DeviceView(APIView):
    permission_classes = [IsAuthenticated, ClinicRequired]

    @extend_schema(operation_id="auth_device_sign_out", responses={204: None}, tags=["auth"])
    def delete(self, request, device):
        """Sign one device out; someone else's (or an unknown id) is 404."""
        if len(device) != 16 or not device_token_revoke(
            clinic=request.clinic, user=request.user, device_id=device
        ):
            raise NotFound(_("No such device."))
        return Response(status=status.HTTP_204_NO_CONTENT)


class MeView(APIView):
    permission_classes = [IsAuthenticated, ClinicRequired]

    @extend_schema(responses=MeSerializer, tags=["account"])
    def get(self, request):
        return Response(MeSerializer(client_account_here(request)).data)

    @extend_schema(request=MeUpdateSerializer, responses=MeSerializer, tags=["account"])
    def patch(self, request):
        """Change the name (shared by every clinic the person visits) and the phone at
        this clinic, as the portal's profile does. A bad value is 400 naming the field
        (``code`` ``required``, ``name_invalid``, ``phone_invalid``); nothing is saved."""
        account = client_account_here(request)
        payload = MeUpdateSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        current = {
            "first_name": request.user.first_name,
            "last_name": request.user.last_name,
            "phone": account.phone,
        }
        with transaction.atomic():
            account = client_contact_update(
                clinic=request.clinic, user=request.user, **{**current, **payload.validated_data}
            )
        return Response(MeSerializer(account).data)
