"""The messages API for the patient apps: their threads with the clinic (with unread
counts), one thread with its messages (reading it marks the clinic's messages read),
and replies. Another person's thread answers 404."""

from django.http import Http404
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from branding.api.idempotency import idempotent
from branding.api.permissions import ClinicRequired
from branding.api.throttling import with_action_limit
from people.selectors import client_account_for_user
from records.message_selectors import client_thread, threads_for_client
from records.message_services import MAX_BODY, client_reply, thread_read_by_client
from records.models import Message, MessageThread


class MessageSerializer(serializers.ModelSerializer):
    class Meta:
        model = Message
        fields = ["id", "sender", "body", "created_at", "read_at"]


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


class ReplySerializer(serializers.Serializer):
    thread = serializers.IntegerField(help_text="The thread to reply in.")
    body = serializers.CharField(max_length=MAX_BODY)


def _own_thread(request, thread_id):
    client = client_account_for_user(request.clinic, request.user)
    thread = client_thread(request.clinic, client, thread_id)
    if thread is None:
        raise Http404("No such conversation.")
    return thread


class MessagesView(APIView):
    permission_classes = [IsAuthenticated, ClinicRequired]
    throttle_classes = with_action_limit()
    rate_limit_action = "message"
    rate_limit_methods = ("POST",)

    @extend_schema(responses=ThreadSerializer(many=True), tags=["messages"])
    def get(self, request):
        client = client_account_for_user(request.clinic, request.user)
        return Response(
            ThreadSerializer(threads_for_client(request.clinic, client), many=True).data
        )

    @extend_schema(request=ReplySerializer, responses={201: MessageSerializer}, tags=["messages"])
    @idempotent
    def post(self, request):
        payload = ReplySerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        thread = _own_thread(request, payload.validated_data["thread"])
        message = client_reply(
            thread=thread, author=request.user, body=payload.validated_data["body"]
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
