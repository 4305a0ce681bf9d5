"""The pets and photos API for the patient apps: the signed-in person's own pets (list,
add, edit) at clinics with the ``pets`` feature, and their photos (list, upload, file)
at clinics with ``selfies``. A pet's photo is set with ``POST /pets/<id>/photo`` at any
clinic with ``pets`` (whatever the selfies toggle), and its file is served there too.
Another person's pet or photo answers 404."""

from django.http import FileResponse, Http404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from branding.api.idempotency import idempotent
from branding.api.pagination import ApiPagination, paginated_response
from branding.api.permissions import ClinicRequired, require_feature
from branding.api.throttling import with_action_limit
from branding.selectors import clinic_features
from people.freshness import last_synced_header
from people.models import Pet, Photo, PhotoKind, Species
from people.pet_selectors import client_pet, pet_in_app, pets_in_app
from people.pet_services import pet_create, pet_deactivate, pet_update
from people.photo_selectors import client_photo, photo_for_viewer, photos_for_client
from people.photo_services import pet_photo_set, photo_delete, photo_share_set, photo_upload
from people.selectors import client_account_for_user
from people.services import client_account_ensure


class PetSerializer(serializers.ModelSerializer):
    class Meta:
        model = Pet
        fields = ["id", "name", "species", "breed", "date_of_birth", "notes", "active", "photo"]
        read_only_fields = ["id", "active", "photo"]


class PetInSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=80)
    species = serializers.ChoiceField(choices=Species.choices)
    breed = serializers.CharField(max_length=80, required=False, allow_blank=True, default="")
    date_of_birth = serializers.DateField(required=False, allow_null=True, default=None)
    notes = serializers.CharField(required=False, allow_blank=True, default="", max_length=2000)


class PhotoSerializer(serializers.ModelSerializer):
    class Meta:
        model = Photo
        fields = ["id", "kind", "pet", "caption", "shareable", "width", "height", "created_at"]


class PhotoInSerializer(serializers.Serializer):
    # A FileField: the service checks the content and names the field itself.
    image = serializers.FileField()
    pet = serializers.IntegerField(required=False, allow_null=True, default=None)
    caption = serializers.CharField(required=False, allow_blank=True, default="", max_length=200)
    shareable = serializers.BooleanField(required=False, default=False)


def _client(request):
    return client_account_for_user(request.clinic, request.user)


class PetsView(APIView):
    permission_classes = [IsAuthenticated, ClinicRequired, require_feature("pets")]
    pagination_class = ApiPagination
    throttle_classes = with_action_limit()
    rate_limit_action = "upload"
    rate_limit_methods = ("POST",)

    @extend_schema(responses=PetSerializer(many=True), tags=["pets"])
    def get(self, request):
        # Pets may lag the practice system by a sync: the answer says when it last ran.
        return last_synced_header(
            paginated_response(
                self, request, pets_in_app(request.clinic, _client(request)), PetSerializer
            ),
            request.clinic,
        )

    @extend_schema(request=PetInSerializer, responses={201: PetSerializer}, tags=["pets"])
    def post(self, request):
        payload = PetInSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        owner = client_account_ensure(clinic=request.clinic, user=request.user)
        pet = pet_create(clinic=request.clinic, owner=owner, **payload.validated_data)
        return Response(PetSerializer(pet).data, status=status.HTTP_201_CREATED)


class PetView(APIView):
    permission_classes = [IsAuthenticated, ClinicRequired, require_feature("pets")]
    throttle_classes = with_action_limit()
    rate_limit_action = "upload"
    rate_limit_methods = ("PATCH", "PUT", "POST")

    def _pet(self, request, pet_id):
        pet = client_pet(request.clinic, _client(request), pet_id)
        if pet is None:
            raise Http404("No such pet.")
        return pet

    @extend_schema(responses=PetSerializer, tags=["pets"])
    def get(self, request, pet_id):
        # A removed pet is gone from the app unless the clinic keeps a memorial page.
        pet = pet_in_app(request.clinic, _client(request), pet_id)
        if pet is None:
            raise Http404("No such pet.")
        return last_synced_header(Response(PetSerializer(pet).data), request.clinic)

    @extend_schema(request=PetInSerializer(partial=True), responses=PetSerializer, tags=["pets"])
    def patch(self, request, pet_id):
        pet = self._pet(request, pet_id)
        payload = PetInSerializer(data=request.data, partial=True)
        payload.is_valid(raise_exception=True)
        fields = {k: v for k, v in payload.validated_data.items() if k in request.data}
        return Response(PetSerializer(pet_update(pet=pet, **fields)).data)


class PetDeactivateView(PetView):
    """The owner takes a pet out of the app (no longer with them, rehomed): as the
    portal's "Remove from my pets". Its history stays with the clinic."""

    http_method_names = ["post", "options"]

    @extend_schema(request=None, responses=PetSerializer, tags=["pets"])
    @idempotent
    def post(self, request, pet_id):
        pet = pet_deactivate(pet=self._pet(request, pet_id))
        return Response(PetSerializer(pet).data)


class PetPhotoInSerializer(serializers.Serializer):
    # A FileField: the service checks the content and names the field itself.
    image = serializers.FileField()


class PetPhotoView(APIView):
    """Give one of my pets a new profile photo (multipart ``image``: JPEG, PNG or WebP,
    checked by content, metadata dropped). At clinics with ``pets``, whatever the
    ``selfies`` toggle. Another person's pet answers 404."""

    permission_classes = [IsAuthenticated, ClinicRequired, require_feature("pets")]
    throttle_classes = with_action_limit()
    rate_limit_action = "upload"
    parser_classes = [MultiPartParser, FormParser]

    @extend_schema(
        request={"multipart/form-data": PetPhotoInSerializer},
        responses={201: PetSerializer},
        tags=["pets"],
    )
    @idempotent
    def post(self, request, pet_id):
        client = _client(request)
        pet = client_pet(request.clinic, client, pet_id)
        if pet is None or not pet.active:
            raise Http404("No such pet.")
        payload = PetPhotoInSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        pet_photo_set(
            clinic=request.clinic, client=client, pet=pet, image=payload.validated_data["image"]
        )
        return Response(PetSerializer(pet).data, status=status.HTTP_201_CREATED)


class PhotosView(APIView):
    permission_classes = [IsAuthenticated, ClinicRequired, require_feature("selfies")]
    pagination_class = ApiPagination
    throttle_classes = with_action_limit()
    rate_limit_action = "upload"
    rate_limit_methods = ("POST",)
    parser_classes = [MultiPartParser, FormParser]

    @extend_schema(responses=PhotoSerializer(many=True), tags=["photos"])
    def get(self, request):
        return paginated_response(
            self, request, photos_for_client(request.clinic, _client(request)), PhotoSerializer
        )

    @extend_schema(
        request={"multipart/form-data": PhotoInSerializer},
        responses={201: PhotoSerializer},
        tags=["photos"],
    )
    def post(self, request):
        payload = PhotoInSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = payload.validated_data
        owner = client_account_ensure(clinic=request.clinic, user=request.user)
        photo = photo_upload(
            clinic=request.clinic,
            client=owner,
            image=data["image"],
            kind=PhotoKind.PET if data["pet"] else PhotoKind.SELFIE,
            pet_id=data["pet"],
            caption=data["caption"],
            shareable=data["shareable"],
        )
        return Response(PhotoSerializer(photo).data, status=status.HTTP_201_CREATED)


class PhotoFileView(APIView):
    """A photo's file: at clinics with ``selfies``, and pets' photos at clinics with
    ``pets`` (``photo_for_viewer`` decides)."""

    permission_classes = [IsAuthenticated, ClinicRequired]

    @extend_schema(responses={(200, "image/*"): OpenApiTypes.BINARY}, tags=["photos"])
    def get(self, request, photo_id):
        features = clinic_features(request.clinic)
        if not features["selfies"] and not features["pets"]:
            require_feature("selfies")().has_permission(request, self)  # 403, as before
        photo = photo_for_viewer(request.clinic, photo_id, client=_client(request))
        if photo is None:
            raise Http404("No such photo.")
        response = FileResponse(photo.image.open("rb"), content_type=photo.content_type)
        response["Cache-Control"] = "private, max-age=3600"
        return response


class PhotoShareSerializer(serializers.Serializer):
    shareable = serializers.BooleanField(help_text="May the clinic show it in its slideshow?")


class PhotoView(APIView):
    """One of the person's own photos: share it in the clinic's slideshow or not, or
    delete it (as the portal's photos page does). Someone else's is 404."""

    permission_classes = [IsAuthenticated, ClinicRequired, require_feature("selfies")]

    def _photo(self, request, photo_id):
        photo = client_photo(request.clinic, _client(request), photo_id)
        if photo is None:
            raise Http404("No such photo.")
        return photo

    @extend_schema(request=PhotoShareSerializer, responses=PhotoSerializer, tags=["photos"])
    def patch(self, request, photo_id):
        payload = PhotoShareSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        photo = photo_share_set(
            photo=self._photo(request, photo_id), shareable=payload.validated_data["shareable"]
        )
        return Response(PhotoSerializer(photo).data)

    @extend_schema(responses={204: None}, tags=["photos"])
    def delete(self, request, photo_id):
        photo_delete(photo=self._photo(request, photo_id))
        return Response(status=status.HTTP_204_NO_CONTENT)
