from django.conf import settings
from django.contrib.auth import authenticate
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.authtoken.models import Token
from rest_framework.exceptions import AuthenticationFailed, PermissionDenied
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.throttling import ScopedRateThrottle
from rest_framework.views import APIView

from branding.api.permissions import ClinicRequired
from people.api.serializers import MeSerializer, TokenRequestSerializer, TokenSerializer
from people.services import client_account_ensure, email_is_verified


class TokenView(APIView):
    """Mobile apps sign in here and then send ``Authorization: Token <key>``."""

    permission_classes = [AllowAny, ClinicRequired]
    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "auth"

    @extend_schema(request=TokenRequestSerializer, responses=TokenSerializer, tags=["auth"])
    def post(self, request):
        payload = TokenRequestSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        user = authenticate(
            request,
            email=payload.validated_data["email"],
            password=payload.validated_data["password"],
        )
        if user is None or not user.is_active:
            raise AuthenticationFailed("That email and password do not match an account.")
        if settings.ACCOUNT_EMAIL_VERIFICATION == "mandatory" and not email_is_verified(user):
            # The same rule as the portal's sign-in: confirm the address first.
            raise PermissionDenied(
                "Please confirm your email address first: open the link we emailed you."
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
        account = client_account_ensure(clinic=request.clinic, user=request.user)
        return Response(MeSerializer(account).data)
