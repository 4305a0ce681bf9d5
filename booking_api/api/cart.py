"""The cart and the waitlist in the API: thin views over booking_api.services.cart and
booking_api.services.waitlist. Errors are DomainErrors, answered as JSON naming the field."""

from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from booking_api.api.serializers import BookingSerializer
from booking_api.cart_selectors import cart_items_for_client, waitlist_entries_for_client
from booking_api.models import BookingSource
from booking_api.selectors import service_by_ref, staff_by_ref
from booking_api.services.cart import cart_add, cart_book, cart_remove
from booking_api.services.waitlist import clinic_today, waitlist_join, waitlist_leave
from branding.api.idempotency import idempotent
from branding.api.pagination import ApiPagination, paginated_response
from branding.api.permissions import ClinicRequired, require_feature
from branding.validators import within_calendar
from people.selectors import client_account_for_user
from people.services import client_account_ensure

# --- serializers -------------------------------------------------------------------------


class CartServiceSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    key = serializers.CharField()
    name = serializers.CharField()
    duration_minutes = serializers.IntegerField()
    price = serializers.IntegerField(help_text="Minor units (pence, cents).")


class _StaffRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    key = serializers.CharField()
    name = serializers.CharField(source="display_name")


class CartItemSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    service = CartServiceSerializer()
    staff = _StaffRefSerializer(allow_null=True, help_text="Preferred staff; null: anyone.")
    added_at = serializers.DateTimeField()


class CartAddSerializer(serializers.Serializer):
    service = serializers.CharField(help_text="Service id or key.")
    staff = serializers.CharField(
        required=False, default="any", help_text="Preferred staff id or key, or 'any'."
    )


class CartBookSerializer(serializers.Serializer):
    start = serializers.DateTimeField(help_text="ISO 8601 with offset; an offered slot.")
    staff = serializers.CharField(
        required=False, help_text="Staff id, key or 'any'; default the item's."
    )


class WaitlistEntrySerializer(serializers.Serializer):
    id = serializers.IntegerField()
    service = CartServiceSerializer()
    staff = _StaffRefSerializer(allow_null=True, help_text="Only this staff; null: anyone.")
    date_from = serializers.DateField()
    date_to = serializers.DateField()
    created_at = serializers.DateTimeField()
    notified_at = serializers.DateTimeField(
        allow_null=True, help_text="When a freed slot was offered; null: still waiting."
    )


class WaitlistJoinSerializer(serializers.Serializer):
    service = serializers.CharField(help_text="Service id or key.")
    staff = serializers.CharField(
        required=False, default="any", help_text="Staff id or key, or 'any'."
    )
    date_from = serializers.DateField(required=False, help_text="Local date; default today.")
    date_to = serializers.DateField(
        required=False, help_text="Local date (inclusive); at most 62 days in all."
    )

    def _on_the_calendar(self, value):  # the waitlist job's engine would overflow past it
        if not within_calendar(value):
            raise serializers.ValidationError("Enter a date between 0002 and 9998.")
        return value

    validate_date_from = validate_date_to = _on_the_calendar


# --- views -------------------------------------------------------------------------------


def _source(request):
    # Token-authenticated calls come from the mobile apps; sessions from the portal.
    return BookingSource.APP if request.auth is not None else BookingSource.PORTAL


class _ClientView(APIView):
    def own_account(self):
        """The caller's account here, or None (reads need none)."""
        return client_account_for_user(self.request.clinic, self.request.user)

    def client_account(self):
        return client_account_ensure(clinic=self.request.clinic, user=self.request.user)


class CartView(_ClientView):
    """The signed-in client's cart: services saved to book later. Reserves nothing."""

    permission_classes = [IsAuthenticated, ClinicRequired, require_feature("cart")]
    pagination_class = ApiPagination

    @extend_schema(responses=CartItemSerializer(many=True), tags=["cart"])
    def get(self, request):
        items = cart_items_for_client(request.clinic, self.own_account())
        return paginated_response(self, request, items, CartItemSerializer)

    @extend_schema(
        request=CartAddSerializer,
        responses={201: CartItemSerializer, 200: CartItemSerializer},
        tags=["cart"],
    )
    def post(self, request):
        payload = CartAddSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data, clinic = payload.validated_data, request.clinic
        item, created = cart_add(
            clinic=clinic,
            client=self.client_account(),
            service=service_by_ref(clinic, data["service"]),
            staff=staff_by_ref(clinic, data["staff"]),
        )
        return Response(
            CartItemSerializer(item).data,
            status=status.HTTP_201_CREATED if created else status.HTTP_200_OK,
        )


class CartItemView(_ClientView):
    permission_classes = [IsAuthenticated, ClinicRequired, require_feature("cart")]

    @extend_schema(responses={204: None}, tags=["cart"])
    def delete(self, request, item_id):
        cart_remove(clinic=request.clinic, client=self.client_account(), item_id=item_id)
        return Response(status=status.HTTP_204_NO_CONTENT)


class CartBookView(_ClientView):
    """Book a saved service. The slot is checked again; on success it leaves the cart."""

    permission_classes = [IsAuthenticated, ClinicRequired, require_feature("cart")]

    @extend_schema(request=CartBookSerializer, responses={201: BookingSerializer}, tags=["cart"])
    @idempotent
    def post(self, request, item_id):
        payload = CartBookSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data, clinic = payload.validated_data, request.clinic
        extra = {"staff": staff_by_ref(clinic, data["staff"])} if "staff" in data else {}
        booking = cart_book(
            clinic=clinic,
            client=self.client_account(),
            item_id=item_id,
            start=data["start"],
            source=_source(request),
            actor=request.user,
            **extra,
        )
        return Response(
            BookingSerializer(booking, context={"request": request}).data,
            status=status.HTTP_201_CREATED,
        )


class WaitlistView(_ClientView):
    """The signed-in client's waitlist entries whose dates have not passed."""

    permission_classes = [IsAuthenticated, ClinicRequired, require_feature("online_booking")]
    pagination_class = ApiPagination

    @extend_schema(responses=WaitlistEntrySerializer(many=True), tags=["waitlist"])
    def get(self, request):
        entries = waitlist_entries_for_client(
            request.clinic, self.own_account(), today=clinic_today(request.clinic)
        )
        return paginated_response(self, request, entries, WaitlistEntrySerializer)

    @extend_schema(
        request=WaitlistJoinSerializer, responses={201: WaitlistEntrySerializer}, tags=["waitlist"]
    )
    def post(self, request):
        payload = WaitlistJoinSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data, clinic = payload.validated_data, request.clinic
        entry = waitlist_join(
            clinic=clinic,
            client=self.client_account(),
            service=service_by_ref(clinic, data["service"]),
            staff=staff_by_ref(clinic, data["staff"]),
            date_from=data.get("date_from"),
            date_to=data.get("date_to"),
        )
        return Response(WaitlistEntrySerializer(entry).data, status=status.HTTP_201_CREATED)


class WaitlistEntryView(_ClientView):
    permission_classes = [IsAuthenticated, ClinicRequired, require_feature("online_booking")]

    @extend_schema(responses={204: None}, tags=["waitlist"])
    def delete(self, request, entry_id):
        waitlist_leave(clinic=request.clinic, client=self.client_account(), entry_id=entry_id)
        return Response(status=status.HTTP_204_NO_CONTENT)
