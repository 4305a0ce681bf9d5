"""Removing a pet with its appointments, for the apps (as the portal's
``/pets/<id>/remove/``): ``GET /api/v1/pets/<id>/remove`` lists the pet's upcoming
appointments with the clinic's cancellation quote for each; ``POST`` with ``cancel``
(the booking ids chosen) cancels those under the policy and takes the pet out of the
app, all or nothing. Lives here, not in people's pet API, because people is below the
bookings."""

from django.http import Http404
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from booking_api.api.serializers import BookingSerializer, QuoteSerializer
from booking_api.selectors import pet_upcoming_bookings
from booking_api.services.pet_removal import pet_remove_with_bookings
from branding.api.idempotency import idempotent
from branding.api.permissions import ClinicRequired, require_feature
from people.api.pets_photos import PetSerializer
from people.pet_selectors import client_pet
from people.selectors import client_account_for_user


class PetBookingSerializer(serializers.Serializer):
    booking = BookingSerializer()
    quote = QuoteSerializer()


class PetRemovalSerializer(serializers.Serializer):
    pet = PetSerializer()
    cancelled = BookingSerializer(many=True)
    upcoming = PetBookingSerializer(many=True)


class PetRemoveInSerializer(serializers.Serializer):
    cancel = serializers.ListField(child=serializers.IntegerField(), required=False, default=list)


class PetRemoveView(APIView):
    permission_classes = [IsAuthenticated, ClinicRequired, require_feature("pets")]

    def _pet(self, request, pet_id):
        client = client_account_for_user(request.clinic, request.user)
        pet = client_pet(request.clinic, client, pet_id)
        if pet is None or not pet.active:
            raise Http404("No such pet.")
        return pet

    def _answer(self, request, pet, cancelled):
        upcoming = [{"booking": i.booking, "quote": i.quote} for i in pet_upcoming_bookings(pet)]
        context = {"request": request}
        return Response(
            {
                "pet": PetSerializer(pet).data,
                "cancelled": BookingSerializer(cancelled, many=True, context=context).data,
                "upcoming": PetBookingSerializer(upcoming, many=True, context=context).data,
            }
        )

    @extend_schema(responses=PetRemovalSerializer, tags=["pets"])
    def get(self, request, pet_id):
        return self._answer(request, self._pet(request, pet_id), [])

    @extend_schema(request=PetRemoveInSerializer, responses=PetRemovalSerializer, tags=["pets"])
    @idempotent
    def post(self, request, pet_id):
        pet = self._pet(request, pet_id)
        payload = PetRemoveInSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        cancelled = pet_remove_with_bookings(
            pet=pet, actor=request.user, cancel=payload.validated_data["cancel"]
        )
        return self._answer(request, pet, cancelled)
