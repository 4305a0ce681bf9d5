"""Forms and medical history for the patient apps: the clinic's forms with the person's
standing, one form's questions, signing it, the signed PDF, and the medical history.
Another person's signed form, or another clinic's form, answers 404."""

from django.http import Http404, HttpResponse
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from branding.api.pagination import ApiPagination, paginated_response
from branding.api.permissions import ClinicRequired
from people.selectors import client_account_for_user
from people.services import client_account_ensure
from records.documents.selectors import (
    form_template_for_signing,
    forms_for_client,
    signed_form_for_client,
)
from records.documents.services import signed_form_create
from records.medical.selectors import medical_history_current, medical_history_pet
from records.medical.services import medical_history_update
from records.models import MEDICAL_FIELDS
from records.models.forms import FormKind


class QuestionSerializer(serializers.Serializer):
    key = serializers.CharField()
    type = serializers.ChoiceField(choices=["text", "long_text", "yes_no", "choice", "date"])
    label = serializers.CharField()
    help_text = serializers.CharField()
    required = serializers.BooleanField()
    choices = serializers.ListField(child=serializers.CharField())


class SignedSummarySerializer(serializers.Serializer):
    id = serializers.IntegerField()
    signed_at = serializers.DateTimeField()
    expires_at = serializers.DateTimeField(allow_null=True)


class FormStandingSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="template.pk")
    title = serializers.CharField(source="template.title")
    kind = serializers.ChoiceField(choices=FormKind.choices, source="template.kind")
    status = serializers.ChoiceField(choices=["signed", "renewal_due", "expired", "pending"])
    latest = SignedSummarySerializer(allow_null=True)


class FormDetailSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    title = serializers.CharField()
    kind = serializers.ChoiceField(choices=FormKind.choices)
    intro = serializers.CharField()
    valid_for_months = serializers.IntegerField()
    questions = QuestionSerializer(many=True)


class SignSerializer(serializers.Serializer):
    answers = serializers.DictField(help_text="Question key → answer ('yes'/'no', ISO date…).")
    typed_name = serializers.CharField(max_length=150)
    signature = serializers.CharField(
        required=False,
        allow_blank=True,
        help_text="A drawn signature as a PNG data URL; empty: the typed name is the signature.",
    )


class MedicalHistorySerializer(serializers.Serializer):
    pet = serializers.IntegerField(
        read_only=True,
        allow_null=True,
        help_text="The pet whose history this is (vet practices); null: the person's own.",
    )
    allergies = serializers.CharField(allow_blank=True, required=False, max_length=2000)
    medications = serializers.CharField(allow_blank=True, required=False, max_length=2000)
    conditions = serializers.CharField(allow_blank=True, required=False, max_length=2000)
    notes = serializers.CharField(allow_blank=True, required=False, max_length=2000)
    updated_at = serializers.DateTimeField(read_only=True, allow_null=True)


def _template(request, form_id):
    template = form_template_for_signing(request.clinic, form_id)
    if template is None:
        raise Http404("No such form.")
    return template


class FormsView(APIView):
    permission_classes = [IsAuthenticated, ClinicRequired]
    pagination_class = ApiPagination

    @extend_schema(responses=FormStandingSerializer(many=True), tags=["forms"])
    def get(self, request):
        client = client_account_for_user(request.clinic, request.user)
        standing = forms_for_client(request.clinic, client)
        return paginated_response(self, request, standing, FormStandingSerializer)


class FormView(APIView):
    permission_classes = [IsAuthenticated, ClinicRequired]

    @extend_schema(responses=FormDetailSerializer, tags=["forms"])
    def get(self, request, form_id):
        template = _template(request, form_id)
        detail = {
            "pk": template.pk,
            "title": template.title,
            "kind": template.kind,
            "intro": template.intro,
            "valid_for_months": template.valid_for_months,
            "questions": template.questions(),
        }
        return Response(FormDetailSerializer(detail).data)


class FormSignView(APIView):
    permission_classes = [IsAuthenticated, ClinicRequired]

    @extend_schema(request=SignSerializer, responses={201: SignedSummarySerializer}, tags=["forms"])
    def post(self, request, form_id):
        template = _template(request, form_id)
        payload = SignSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        signed = signed_form_create(
            clinic=request.clinic,
            client=client_account_ensure(clinic=request.clinic, user=request.user),
            template=template,
            answers=payload.validated_data["answers"],
            typed_name=payload.validated_data["typed_name"],
            signature=payload.validated_data.get("signature", ""),
            request=request,
        )
        return Response(SignedSummarySerializer(signed).data, status=status.HTTP_201_CREATED)


class SignedFormPdfView(APIView):
    permission_classes = [IsAuthenticated, ClinicRequired]

    @extend_schema(
        responses={(200, "application/pdf"): OpenApiResponse(description="The signed PDF.")},
        tags=["forms"],
    )
    def get(self, request, signed_id):
        client = client_account_for_user(request.clinic, request.user)
        signed = signed_form_for_client(request.clinic, client, signed_id)
        if signed is None:
            raise Http404("No such document.")
        response = HttpResponse(bytes(signed.pdf), content_type="application/pdf")
        response["Content-Disposition"] = f'attachment; filename="signed-form-{signed.pk}.pdf"'
        response["Cache-Control"] = "private, no-store"
        return response


PET_PARAMETER = OpenApiParameter(
    "pet",
    int,
    description="At a vet practice (pets on), required: the id of one of your active pets, "
    "whose history this is (400 `pet_required` without it, 404 `pet_unknown` for any other). "
    "Elsewhere ignored: the history is your own.",
)


class MedicalHistoryView(APIView):
    permission_classes = [IsAuthenticated, ClinicRequired]

    def _body(self, version, pet):
        data = version.as_dict() if version else dict.fromkeys(MEDICAL_FIELDS, "")
        data["updated_at"] = version.created_at if version else None
        data["pet"] = pet.pk if pet else None
        return MedicalHistorySerializer(data).data

    @extend_schema(parameters=[PET_PARAMETER], responses=MedicalHistorySerializer, tags=["forms"])
    def get(self, request):
        client = client_account_for_user(request.clinic, request.user)
        pet = medical_history_pet(request.clinic, client, request.query_params.get("pet"))
        return Response(self._body(medical_history_current(request.clinic, client, pet), pet))

    @extend_schema(
        parameters=[PET_PARAMETER],
        request=MedicalHistorySerializer,
        responses=MedicalHistorySerializer,
        tags=["forms"],
    )
    def put(self, request):
        client = client_account_for_user(request.clinic, request.user)
        pet = medical_history_pet(request.clinic, client, request.query_params.get("pet"))
        payload = MedicalHistorySerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        version = medical_history_update(
            clinic=request.clinic,
            client=client or client_account_ensure(clinic=request.clinic, user=request.user),
            author=request.user,
            pet=pet,
            **payload.validated_data,
        )
        return Response(self._body(version, pet))
