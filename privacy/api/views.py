"""``/api/v1/privacy/…``: the patient's copy of their data (ask, see, download once),
their erasure request (issue 13's "account deletion request"), and their consents to
marketing and photo use (read, give, withdraw). Thin: the services decide."""

from django.http import HttpResponse
from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from branding.api.idempotency import idempotent
from branding.api.pagination import ApiPagination, paginated_response
from branding.api.permissions import ClinicRequired
from people.api.accounts import client_account_here
from privacy.models import ConsentKind, DataExport, ErasureRequest, ExportStatus
from privacy.selectors import (
    consent_wording,
    consents_current,
    latest_erasure_request,
    latest_export,
)
from privacy.services import (
    consent_set,
    erasure_request,
    export_claim,
    export_link_token,
    export_request,
)


class ExportSerializer(serializers.ModelSerializer):
    download_url = serializers.SerializerMethodField(
        help_text="While ready and unexpired: the single-use link (send this device's token)."
    )

    class Meta:
        model = DataExport
        fields = ["id", "status", "size", "created_at", "ready_at", "expires_at", "download_url"]

    def get_download_url(self, export) -> str | None:
        if export.status != ExportStatus.READY or export.link_expired:
            return None
        path = reverse("api:privacy-export-download", args=[export_link_token(export)])
        return self.context["request"].build_absolute_uri(path)


class ExportView(APIView):
    permission_classes = [IsAuthenticated, ClinicRequired]

    @extend_schema(responses={200: ExportSerializer, 204: None}, tags=["privacy"])
    def get(self, request):
        """The newest copy asked for; 204 when none was."""
        export = latest_export(request.clinic, client_account_here(request))
        if export is None:
            return Response(status=status.HTTP_204_NO_CONTENT)
        return Response(ExportSerializer(export, context={"request": request}).data)

    @extend_schema(request=None, responses={202: ExportSerializer}, tags=["privacy"])
    @idempotent
    def post(self, request):
        """Ask for a copy of everything the clinic holds about you: a zip the worker
        makes; you are notified when its link is ready (single use, 48 hours). 409
        ``export_pending`` while one is being prepared."""
        export = export_request(clinic=request.clinic, client=client_account_here(request))
        export.refresh_from_db()
        data = ExportSerializer(export, context={"request": request}).data
        return Response(data, status=status.HTTP_202_ACCEPTED)


class ExportDownloadView(APIView):
    permission_classes = [IsAuthenticated, ClinicRequired]

    @extend_schema(responses={(200, "application/zip"): OpenApiTypes.BINARY}, tags=["privacy"])
    def get(self, request, token):
        """The zip, once: this clinic's and this person's link only (404
        ``export_link_invalid``), 410 ``export_link_used`` or ``export_link_expired``."""
        export, content = export_claim(clinic=request.clinic, user=request.user, token=token)
        response = HttpResponse(content, content_type="application/zip")
        response["Content-Disposition"] = f'attachment; filename="my-data-{export.pk}.zip"'
        response["Cache-Control"] = "private, no-store"
        return response


class ErasureSerializer(serializers.ModelSerializer):
    class Meta:
        model = ErasureRequest
        fields = ["id", "status", "requested_at", "decided_at", "decline_reason"]


class ErasureView(APIView):
    permission_classes = [IsAuthenticated, ClinicRequired]

    @extend_schema(responses={200: ErasureSerializer, 204: None}, tags=["privacy"])
    def get(self, request):
        """Your newest erasure request here; 204 when you made none."""
        account = client_account_here(request)
        erasure = latest_erasure_request(request.clinic, account)
        if erasure is None:
            return Response(status=status.HTTP_204_NO_CONTENT)
        return Response(ErasureSerializer(erasure).data)

    @extend_schema(request=None, responses={201: ErasureSerializer}, tags=["privacy"])
    @idempotent
    def post(self, request):
        """Ask the clinic to erase you (delete your account). Staff decide; once
        approved you are anonymised and can no longer sign in here. 409
        ``erasure_pending`` while a request waits."""
        account = client_account_here(request)
        erasure = erasure_request(clinic=request.clinic, client=account, source="api")
        return Response(ErasureSerializer(erasure).data, status=status.HTTP_201_CREATED)


class ConsentSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=ConsentKind.choices)
    label = serializers.CharField()
    wording = serializers.CharField(help_text="The words to show before asking.")
    given = serializers.BooleanField(allow_null=True, help_text="null: never answered.")
    answered_at = serializers.DateTimeField(allow_null=True)


class ConsentInSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=ConsentKind.choices)
    given = serializers.BooleanField()


def _consents(clinic, account):
    current = consents_current(clinic, account)
    return [
        {
            "kind": kind,
            "label": str(label),
            "wording": consent_wording(kind, clinic),
            "given": current[kind].given if current[kind] else None,
            "answered_at": current[kind].created_at if current[kind] else None,
        }
        for kind, label in ConsentKind.choices
    ]


class ConsentsView(APIView):
    permission_classes = [IsAuthenticated, ClinicRequired]
    pagination_class = ApiPagination

    @extend_schema(responses=ConsentSerializer(many=True), tags=["privacy"])
    def get(self, request):
        """Your consents here, each with the wording to show."""
        account = client_account_here(request)
        return paginated_response(
            self, request, _consents(request.clinic, account), ConsentSerializer
        )

    @extend_schema(
        request=ConsentInSerializer, responses=ConsentSerializer(many=True), tags=["privacy"]
    )
    def post(self, request):
        """Give or withdraw one consent; the wording in this request's language is kept
        with the answer and the time. Withdrawing marketing turns offers off by email
        and text; withdrawing photo use takes your photos out of the slideshow."""
        account = client_account_here(request)
        body = ConsentInSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        consent_set(
            clinic=request.clinic,
            client=account,
            kind=body.validated_data["kind"],
            given=body.validated_data["given"],
            source="api",
        )
        return paginated_response(
            self, request, _consents(request.clinic, account), ConsentSerializer
        )
