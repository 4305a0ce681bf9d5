"""The booking API: thin views that validate input, call a selector or service, and
serialize the result. Errors are DomainErrors turned into JSON by the exception handler."""

from django.http import HttpResponse
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, status
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from booking_api.api.serializers import (
    AvailabilityQuerySerializer,
    AvailabilitySerializer,
    BookingCancelSerializer,
    BookingCreateSerializer,
    BookingListQuerySerializer,
    BookingRescheduleSerializer,
    BookingSerializer,
    QuoteSerializer,
    ServiceSerializer,
    StaffSerializer,
)
from booking_api.availability import find_slots
from booking_api.models import BookingSource
from booking_api.selectors import (
    booking_for_client,
    bookings_listed_for_client,
    location_by_ref,
    pet_for_booking,
    service_by_ref,
    services_for_clinic,
    staff_by_ref,
    staff_for_clinic,
)
from booking_api.services import (
    booking_cancel,
    booking_check_in,
    booking_create,
    booking_reschedule,
    client_cancellation_quote,
)
from branding.api.idempotency import idempotent
from branding.api.pagination import ApiPagination, paginated_response
from branding.api.permissions import ClinicRequired, require_feature
from branding.api.serializers import LocationSerializer
from branding.api.throttling import with_action_limit
from branding.selectors import clinic_locations
from people.api.accounts import client_account_here
from people.selectors import client_account_for_user
from people.services import client_account_ensure


def _source(request):
    # Token-authenticated calls come from the mobile apps; sessions from the portal.
    return BookingSource.APP if request.auth is not None else BookingSource.PORTAL


class ServiceListView(generics.ListAPIView):
    """Bookable services, ordered by category."""

    serializer_class = ServiceSerializer
    permission_classes = [AllowAny, ClinicRequired]

    @extend_schema(
        tags=["catalogue"],
        parameters=[
            OpenApiParameter("category", int, description="Only this category's services.")
        ],
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        category = self.request.query_params.get("category")
        return services_for_clinic(
            self.request.clinic, category_id=int(category) if str(category).isdigit() else None
        )


class StaffListView(generics.ListAPIView):
    serializer_class = StaffSerializer
    permission_classes = [AllowAny, ClinicRequired]

    @extend_schema(
        tags=["catalogue"],
        parameters=[
            OpenApiParameter("service", str, description="Only staff who perform this service.")
        ],
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        ref = self.request.query_params.get("service")
        service = service_by_ref(self.request.clinic, ref) if ref else None
        return staff_for_clinic(self.request.clinic, service=service)


class LocationListView(APIView):
    permission_classes = [AllowAny, ClinicRequired]
    pagination_class = ApiPagination

    @extend_schema(responses=LocationSerializer(many=True), tags=["catalogue"])
    def get(self, request):
        return paginated_response(
            self, request, clinic_locations(request.clinic), LocationSerializer
        )


class AvailabilityView(APIView):
    """Free slots, in the clinic's time zone. Public: no sign-in needed (limited per
    client address: the engine is the costliest read)."""

    permission_classes = [AllowAny, ClinicRequired, require_feature("online_booking")]
    throttle_classes = with_action_limit()
    rate_limit_action = "availability"

    @extend_schema(
        parameters=[AvailabilityQuerySerializer], responses=AvailabilitySerializer, tags=["booking"]
    )
    def get(self, request):
        query = AvailabilityQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        clinic = request.clinic
        service = service_by_ref(clinic, query.validated_data["service"])
        staff = staff_by_ref(clinic, query.validated_data["staff"])
        location = location_by_ref(clinic, query.validated_data.get("location"))
        slots = find_slots(
            clinic=clinic,
            service=service,
            date_from=query.validated_data["from"],
            date_to=query.validated_data["to"],
            staff_ids=[staff.pk] if staff else None,
            location_id=location.pk if location else None,
            # Signed in: the client's own horizon (a member may book further ahead).
            client=client_account_for_user(clinic, request.user),
        )
        return Response(AvailabilitySerializer({"timezone": clinic.timezone, "slots": slots}).data)


class ClientBookingMixin:
    permission_classes = [IsAuthenticated, ClinicRequired]

    def client_account(self):
        """For writes: booking here makes the person a client here."""
        return client_account_ensure(clinic=self.request.clinic, user=self.request.user)

    def own_booking(self, pk):
        return booking_for_client(self.request.clinic, client_account_here(self.request), pk)


class BookingListCreateView(ClientBookingMixin, APIView):
    pagination_class = ApiPagination

    @extend_schema(
        responses=BookingSerializer(many=True),
        tags=["booking"],
        parameters=[BookingListQuerySerializer],
    )
    def get(self, request):
        query = BookingListQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        bookings = bookings_listed_for_client(
            request.clinic, client_account_here(request), when=query.validated_data.get("when")
        )
        return paginated_response(
            self, request, bookings, BookingSerializer, context={"request": request}
        )

    @extend_schema(
        request=BookingCreateSerializer, responses={201: BookingSerializer}, tags=["booking"]
    )
    @idempotent
    def post(self, request):
        payload = BookingCreateSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = payload.validated_data
        clinic = request.clinic
        client = self.client_account()
        booking = booking_create(
            clinic=clinic,
            client=client,
            service=service_by_ref(clinic, data["service"]),
            staff=staff_by_ref(clinic, data["staff"]),
            location=location_by_ref(clinic, data.get("location")),
            start=data["start"],
            source=_source(request),
            client_notes=data["client_notes"],
            actor=request.user,
            pet=pet_for_booking(clinic, client, data["pet"]),
            package=data["package"],
        )
        return Response(
            BookingSerializer(booking, context={"request": request}).data,
            status=status.HTTP_201_CREATED,
        )


class BookingDetailView(ClientBookingMixin, APIView):
    @extend_schema(responses=BookingSerializer, tags=["booking"])
    def get(self, request, pk):
        return Response(BookingSerializer(self.own_booking(pk), context={"request": request}).data)


class BookingRescheduleView(ClientBookingMixin, APIView):
    @extend_schema(
        request=BookingRescheduleSerializer, responses=BookingSerializer, tags=["booking"]
    )
    def post(self, request, pk):
        booking = self.own_booking(pk)
        payload = BookingRescheduleSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        ref = payload.validated_data.get("staff")
        staff = staff_by_ref(request.clinic, ref) if ref else None
        booking = booking_reschedule(
            booking=booking,
            start=payload.validated_data["start"],
            staff=staff,
            actor=request.user,
            by_client=True,
        )
        return Response(BookingSerializer(booking, context={"request": request}).data)


class BookingCancelView(ClientBookingMixin, APIView):
    """GET the quote (what cancelling now would cost) first; POST to cancel."""

    @extend_schema(responses=QuoteSerializer, tags=["booking"])
    def get(self, request, pk):
        return Response(QuoteSerializer(client_cancellation_quote(self.own_booking(pk))).data)

    @extend_schema(request=BookingCancelSerializer, responses=BookingSerializer, tags=["booking"])
    def post(self, request, pk):
        booking = self.own_booking(pk)
        payload = BookingCancelSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        booking = booking_cancel(
            booking=booking,
            actor=request.user,
            by_client=True,
            reason=payload.validated_data["reason"],
        )
        return Response(BookingSerializer(booking, context={"request": request}).data)


class BookingCheckInView(ClientBookingMixin, APIView):
    """ "I'm here": the client checks in to their own booking, from an hour before its
    start to 30 minutes after it (`can_check_in` says when it is offered); 409
    `too_early` / `too_late` outside that window, 409 `invalid_transition` when the
    booking cannot be checked in (cancelled, already started…)."""

    @extend_schema(request=None, responses=BookingSerializer, tags=["booking"])
    def post(self, request, pk):
        booking = booking_check_in(
            booking=self.own_booking(pk),
            actor=request.user,
            by_client=True,
            via="app" if request.auth is not None else "portal",
        )
        return Response(BookingSerializer(booking, context={"request": request}).data)


class BookingCalendarView(ClientBookingMixin, APIView):
    """The booking as an iCalendar file, to add it to any calendar."""

    @extend_schema(responses={(200, "text/calendar"): bytes}, tags=["booking"])
    def get(self, request, pk):
        from booking_api.calendar_invites import booking_ics

        booking = self.own_booking(pk)
        response = HttpResponse(booking_ics(booking), content_type="text/calendar")
        response["Content-Disposition"] = f'attachment; filename="booking-{booking.pk}.ics"'
        return response
