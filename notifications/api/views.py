from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, extend_schema_view, inline_serializer
from rest_framework import generics, serializers, status
from rest_framework.exceptions import NotFound
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from branding.api.idempotency import idempotent
from branding.api.pagination import ApiPagination, paginated_response
from branding.api.permissions import ClinicRequired, require_feature
from notifications.api.serializers import (
    AppDeviceRegisterSerializer,
    AppDeviceSerializer,
    MarkReadSerializer,
    NotificationSerializer,
)
from notifications.app_push import app_device_register, app_device_unregister, app_devices_for
from notifications.selectors import notifications_for_user
from notifications.services import notifications_mark_read


@extend_schema_view(get=extend_schema(tags=["notifications"]))
class NotificationListView(generics.ListAPIView):
    """The signed-in person's notification centre at this clinic, newest first."""

    serializer_class = NotificationSerializer
    permission_classes = [IsAuthenticated, ClinicRequired, require_feature("notifications")]

    def get_queryset(self):
        return notifications_for_user(self.request.clinic, self.request.user)


class NotificationMarkReadView(APIView):
    """Mark the signed-in person's notifications read: the given ids, or all of them."""

    permission_classes = [IsAuthenticated, ClinicRequired, require_feature("notifications")]

    @extend_schema(
        request=MarkReadSerializer,
        responses=inline_serializer("MarkReadResult", {"marked": serializers.IntegerField()}),
        tags=["notifications"],
    )
    def post(self, request):
        payload = MarkReadSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        count = notifications_mark_read(
            clinic=request.clinic, user=request.user, ids=payload.validated_data.get("ids")
        )
        return Response({"marked": count})


def _signin(request) -> str:
    """The app sign-in making the request (a device token's digest), or "" for none (a
    browser's session)."""
    return getattr(request.auth, "digest", "") or ""


class AppDevicesView(APIView):
    """The person's phones registered here for native push; ``POST`` registers this one.

    Register after signing in, with the app's device token (``Authorization: Token``):
    the registration lasts as long as that sign-in and ends with it. Registering the
    same push token again updates it (200); a new one is 201. Pushes follow the person's
    "push notifications" preference, carry ``type``, ``id`` and ``path`` to route on,
    and set the badge to the unread notification count."""

    permission_classes = [IsAuthenticated, ClinicRequired]
    pagination_class = ApiPagination

    @extend_schema(responses=AppDeviceSerializer(many=True), tags=["push"])
    def get(self, request):
        devices = app_devices_for(request.clinic, request.user)
        context = {"signin": _signin(request)}
        return paginated_response(self, request, devices, AppDeviceSerializer, context=context)

    @extend_schema(
        request=AppDeviceRegisterSerializer,
        responses={200: AppDeviceSerializer, 201: AppDeviceSerializer},
        tags=["push"],
    )
    @idempotent
    def post(self, request):
        payload = AppDeviceRegisterSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        known = app_devices_for(request.clinic, request.user).filter(
            platform=payload.validated_data["platform"],
            push_token=payload.validated_data["push_token"],
        )
        existed = known.exists()
        device = app_device_register(
            clinic=request.clinic,
            user=request.user,
            signin=_signin(request),
            platform=payload.validated_data["platform"],
            push_token=payload.validated_data["push_token"],
            name=payload.validated_data.get("name", ""),
        )
        return Response(
            AppDeviceSerializer(device, context={"signin": _signin(request)}).data,
            status=status.HTTP_200_OK if existed else status.HTTP_201_CREATED,
        )


class AppDeviceView(APIView):
    permission_classes = [IsAuthenticated, ClinicRequired]

    @extend_schema(responses={204: None}, tags=["push"])
    def delete(self, request, device_id):
        """Stop pushing to this phone (the app turned notifications off). Another
        person's device, or an unknown id, is 404."""
        if not app_device_unregister(clinic=request.clinic, user=request.user, device_id=device_id):
            raise NotFound(_("No such push device."))
        return Response(status=status.HTTP_204_NO_CONTENT)
