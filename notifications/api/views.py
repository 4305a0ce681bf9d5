from drf_spectacular.utils import extend_schema, extend_schema_view, inline_serializer
from rest_framework import generics, serializers
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from branding.api.permissions import ClinicRequired, require_feature
from notifications.api.serializers import MarkReadSerializer, NotificationSerializer
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
