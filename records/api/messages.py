"""The messages API for the patient apps: their threads with the clinic (with unread
counts), one thread with its messages (reading it marks the clinic's messages read),
a new conversation and replies (JSON, or multipart with a file), and their own files.
Another person's thread or file answers 404."""

from django.http import Http404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import serializers, status
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from branding.api.idempotency import idempotent
from branding.api.pagination import ApiPagination, paginated_response
from branding.api.permissions import ClinicRequired
from branding.api.throttling import with_action_limit
from people.selectors import client_account_for_user
from people.services import client_account_ensure
from records.attachments import attachment_response
from records.message_selectors import client_attachment, client_thread, threads_for_client
from records.message_services import (
    MAX_BODY,
    client_reply,
    client_thread_start,
    thread_read_by_client,
)
from records.models import Message, MessageThread


class AttachmentSerializer(serializers.Serializer):
    name = serializers.CharField(source="attachment_name")
    content_type = serializers.CharField(source="attachment_type")
    size = serializers.IntegerField(source="attachment_size")
    url = serializers.SerializerMethodField(help_text="GET it with the same credentials.")

    def get_url(self, message) -> str:
        return f"/api/v1/messages/files/{message.pk}"


class MessageSerializer(serializers.ModelSerializer):
    attachment = serializers.SerializerMethodField()

    class Meta:
        model = Message
        fields = ["id", "sender", "body", "created_at", "read_at", "attachment"]

    @extend_schema_field(AttachmentSerializer(allow_null=True))
    def get_attachment(self, message):
        return AttachmentSerializer(message).data if message.attachment else None


class ThreadSerializer(serializers.ModelSerializer):
    unread = serializers.IntegerField(read_only=True)
    accepts_replies = serializers.BooleanField(read_only=True)

    class Meta:
        model = MessageThread
        fields = [
            "id",
            "kind",
            "subject",
            "created_at",
            "last_message_at",
            "unread",
            "accepts_replies",
        ]


class ThreadDetailSerializer(ThreadSerializer):
    messages = MessageSerializer(many=True, read_only=True)

    class Meta(ThreadSerializer.Meta):
        fields = [*ThreadSerializer.Meta.fields, "messages"]


# Files are FileFields: records.attachments checks the content and names the field.
ATTACHMENT_HELP = "Optional (multipart): a picture (JPEG, PNG, WebP) or a PDF."


class ReplySerializer(serializers.Serializer):
    thread = serializers.IntegerField(help_text="The thread to reply in.")
    body = serializers.CharField(max_length=MAX_BODY)
    attachment = serializers.FileField(required=False, help_text=ATTACHMENT_HELP)


class NewThreadSerializer(serializers.Serializer):
    subject = serializers.CharField(max_length=120)
    body = serializers.CharField(max_length=MAX_BODY)
    attachment = serializers.FileField(required=False, help_text=ATTACHMENT_HELP)


def _own_thread(request, thread_id):
    client = client_account_for_user(request.clinic, request.user)
    thread = client_thread(request.clinic, client, thread_id)
    if thread is None:
        raise Http404("No such conversation.")
    return thread


class MessagesView(APIView):
    permission_classes = [IsAuthenticated, ClinicRequired]
    pagination_class = ApiPagination
    throttle_classes = with_action_limit()
    rate_limit_action = "message"
    rate_limit_methods = ("POST",)
    parser_classes = [JSONParser, MultiPartParser, FormParser]

    @extend_schema(responses=ThreadSerializer(many=True), tags=["messages"])
    def get(self, request):
        client = client_account_for_user(request.clinic, request.user)
        return paginated_response(
            self, request, threads_for_client(request.clinic, client), ThreadSerializer
        )

    @extend_schema(request=ReplySerializer, responses={201: MessageSerializer}, tags=["messages"])
    @idempotent
    def post(self, request):
        payload = ReplySerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        thread = _own_thread(request, payload.validated_data["thread"])
        message = client_reply(
            thread=thread,
            author=request.user,
            body=payload.validated_data["body"],
            attachment=payload.validated_data.get("attachment"),
        )
        return Response(MessageSerializer(message).data, status=status.HTTP_201_CREATED)


class ThreadView(APIView):
    permission_classes = [IsAuthenticated, ClinicRequired]
    throttle_classes = with_action_limit()
    rate_limit_action = "message"
    rate_limit_methods = ("POST",)

    @extend_schema(responses=ThreadDetailSerializer, tags=["messages"])
    def get(self, request, thread_id):
        thread_read_by_client(thread=_own_thread(request, thread_id))
        thread = _own_thread(request, thread_id)  # again, with the read times just set
        thread.unread = 0
        return Response(ThreadDetailSerializer(thread).data)


class ThreadsView(APIView):
    """Start a conversation with the clinic: a subject, a message and, if wanted, a file
    (multipart). A refused file names ``attachment`` and nothing is written."""

    permission_classes = [IsAuthenticated, ClinicRequired]
    throttle_classes = with_action_limit()
    rate_limit_action = "message"
    rate_limit_methods = ("POST",)
    parser_classes = [JSONParser, MultiPartParser, FormParser]

    @extend_schema(
        request={
            "multipart/form-data": NewThreadSerializer,
            "application/json": NewThreadSerializer,
        },
        responses={201: ThreadDetailSerializer},
        tags=["messages"],
    )
    @idempotent
    def post(self, request):
        payload = NewThreadSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = payload.validated_data
        thread = client_thread_start(
            clinic=request.clinic,
            client=client_account_ensure(clinic=request.clinic, user=request.user),
            author=request.user,
            subject=data["subject"],
            body=data["body"],
            attachment=data.get("attachment"),
        )
        thread = _own_thread(request, thread.pk)
        thread.unread = 0
        return Response(ThreadDetailSerializer(thread).data, status=status.HTTP_201_CREATED)


class AttachmentView(APIView):
    """A file in one of my own threads, as a download."""

    permission_classes = [IsAuthenticated, ClinicRequired]

    @extend_schema(
        responses={(200, "application/octet-stream"): OpenApiTypes.BINARY}, tags=["messages"]
    )
    def get(self, request, message_id):
        client = client_account_for_user(request.clinic, request.user)
        message = client_attachment(request.clinic, client, message_id)
        if message is None:
            raise Http404("No such file.")
        return attachment_response(message)
