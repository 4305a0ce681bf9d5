from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.authtoken.models import Token
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from branding.api.permissions import ClinicRequired
from branding.api.throttling import ClientAddressScopedRateThrottle
from people.api.accounts import client_account_here
from people.api.serializers import MeSerializer, TokenRequestSerializer, TokenSerializer
from people.services import client_account_ensure
from people.signin import password_sign_in_check


class TokenView(APIView):
    """Mobile apps sign in here and then send ``Authorization: Token <key>``. The same
    check as the portal's sign-in (``people.signin``): its failed sign-in limit per
    account and per client address, and a confirmed email; plus the "auth" throttle per
    client address."""

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
        token, _ = Token.objects.get_or_create(user=user)
        return Response({"token": token.key})

    @extend_schema(responses={204: None}, tags=["auth"])
    def delete(self, request):
        if request.user.is_authenticated:
            Token.objects.filter(user=request.user).delete()
        return Response(status=status.HTTP_204_NO_CONTENT)


class MeView(APIView):
    permission_classes = [IsAuthenticated, ClinicRequired]

    @extend_schema(responses=MeSerializer, tags=["account"])
    def get(self, request):
        return Response(MeSerializer(client_account_here(request)).data)
