"""The signed-in client's own loyalty balance and history."""

from drf_spectacular.utils import extend_schema
from rest_framework import generics
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from branding.api.permissions import ClinicRequired, require_feature
from loyalty.api.serializers import LedgerEntrySerializer, LoyaltySummarySerializer
from loyalty.selectors import balance, history, programme_for
from people.freshness import last_synced, last_synced_header
from people.services import client_account_ensure

PERMISSIONS = [IsAuthenticated, ClinicRequired, require_feature("rewards")]


class LoyaltySummaryView(APIView):
    permission_classes = PERMISSIONS

    @extend_schema(tags=["loyalty"], responses=LoyaltySummarySerializer)
    def get(self, request):
        client = client_account_ensure(clinic=request.clinic, user=request.user)
        programme = programme_for(request.clinic)
        data = {
            "balance": balance(request.clinic, client),
            "unit": programme.unit,
            "unit_name": programme.unit_label,
            # Points from the practice system may lag by a sync (docs/sync.md).
            "last_synced": last_synced(request.clinic),
        }
        return last_synced_header(Response(LoyaltySummarySerializer(data).data), request.clinic)


class LoyaltyHistoryView(generics.ListAPIView):
    """The signed-in client's ledger entries, newest first, paged."""

    serializer_class = LedgerEntrySerializer
    permission_classes = PERMISSIONS

    @extend_schema(tags=["loyalty"])
    def get(self, request, *args, **kwargs):
        return last_synced_header(super().get(request, *args, **kwargs), request.clinic)

    def get_queryset(self):
        client = client_account_ensure(clinic=self.request.clinic, user=self.request.user)
        return history(self.request.clinic, client)
