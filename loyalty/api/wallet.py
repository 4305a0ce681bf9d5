"""The signed-in client's membership card for phone wallets: the card's data with the
Apple pass URL and the Google save link, and the ``.pkpass`` itself. Behind the
``wallet_passes`` toggle (404 when off)."""

from django.http import HttpResponse
from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from branding.api.permissions import ClinicRequired, require_feature
from loyalty.wallet.selectors import apple_pass_for, wallet_offer
from people.api.accounts import client_account_here

PERMISSIONS = [IsAuthenticated, ClinicRequired, require_feature("wallet_passes")]


class WalletSerializer(serializers.Serializer):
    client_name = serializers.CharField()
    member_number = serializers.CharField()
    check_in_url = serializers.CharField(
        help_text="What the check-in QR code holds: the desk's check-in address for this "
        "member (staff who open it check today's booking in)."
    )
    balance = serializers.IntegerField()
    unit_name = serializers.CharField()
    tier = serializers.CharField(allow_blank=True)
    apple_pass_url = serializers.CharField(allow_null=True)
    google_save_url = serializers.CharField(allow_null=True)


class WalletView(APIView):
    permission_classes = PERMISSIONS

    @extend_schema(tags=["wallet"], responses=WalletSerializer)
    def get(self, request):
        client = client_account_here(request)
        logo = request.build_absolute_uri(reverse("portal:pwa_icon", args=[192]))
        offer = wallet_offer(request.clinic, client, logo_url=logo)
        card = offer.card
        data = {
            "client_name": card.client_name,
            "member_number": card.member_number,
            "check_in_url": card.check_in_url,
            "balance": card.balance,
            "unit_name": card.unit_name,
            "tier": card.tier,
            "apple_pass_url": request.build_absolute_uri(reverse("api:wallet-apple-pass"))
            if offer.apple_available
            else None,
            "google_save_url": offer.google_save_url or None,
        }
        return Response(WalletSerializer(data).data)


class ApplePassView(APIView):
    """The client's signed Apple Wallet pass (404 when Apple Wallet is not set up)."""

    permission_classes = PERMISSIONS

    @extend_schema(
        tags=["wallet"], responses={(200, "application/vnd.apple.pkpass"): OpenApiTypes.BINARY}
    )
    def get(self, request):
        client = client_account_here(request)
        response = HttpResponse(
            apple_pass_for(request.clinic, client), content_type="application/vnd.apple.pkpass"
        )
        response["Content-Disposition"] = (
            f'attachment; filename="{request.clinic.slug}-membership.pkpass"'
        )
        response["Cache-Control"] = "private, no-store"
        return response
