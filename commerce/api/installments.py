"""Buying a package in installments from the apps: the options come with each plan
(``installment_options``), the purchase charges the first installment on a saved card
at once, the worker the rest monthly."""

from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.response import Response
from rest_framework.views import APIView

from commerce.api.installment_serializers import InstallmentBuySerializer
from commerce.api.serializers import PurchaseSerializer
from commerce.api.views import PACKAGES
from commerce.installments.services import package_buy_in_installments
from people.services import client_account_ensure


class InstallmentBuyView(APIView):
    """Buy a package in installments on a saved card: the first is charged now (a
    decline is `402 card_declined` naming `card`, and nothing is bought), the others
    monthly."""

    permission_classes = PACKAGES

    @extend_schema(
        tags=["shop"], request=InstallmentBuySerializer, responses={201: PurchaseSerializer}
    )
    def post(self, request, pk):
        body = InstallmentBuySerializer(data=request.data)
        body.is_valid(raise_exception=True)
        client = client_account_ensure(clinic=request.clinic, user=request.user)
        purchase = package_buy_in_installments(
            clinic=request.clinic,
            client=client,
            plan_id=pk,
            count=body.validated_data["installments"],
            card_id=body.validated_data["card"],
        )
        return Response(PurchaseSerializer(purchase).data, status=status.HTTP_201_CREATED)
