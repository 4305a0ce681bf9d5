from rest_framework import serializers

from notifications.models import AppPlatform, Notification


class NotificationSerializer(serializers.ModelSerializer):
    read = serializers.SerializerMethodField()

    class Meta:
        model = Notification
        fields = ["id", "kind", "category", "title", "body", "url", "created_at", "read"]

    def get_read(self, obj) -> bool:
        return obj.read_at is not None


class MarkReadSerializer(serializers.Serializer):
    ids = serializers.ListField(
        child=serializers.IntegerField(),
        required=False,
        help_text="Omit to mark every notification read.",
    )


class AppDeviceSerializer(serializers.Serializer):
    """A phone registered for push here (the provider's token is not shown back)."""

    id = serializers.IntegerField(read_only=True)
    platform = serializers.ChoiceField(choices=AppPlatform.choices, read_only=True)
    name = serializers.CharField(read_only=True)
    created_at = serializers.DateTimeField(read_only=True)
    last_sent_at = serializers.DateTimeField(read_only=True, allow_null=True)
    current = serializers.SerializerMethodField(
        help_text="Registered with the sign-in making this request."
    )

    def get_current(self, obj) -> bool:
        return obj.signin == self.context.get("signin")


class AppDeviceRegisterSerializer(serializers.Serializer):
    platform = serializers.ChoiceField(
        choices=AppPlatform.choices,
        help_text="fcm (Android, Firebase Cloud Messaging) or apns (iOS).",
    )
    push_token = serializers.CharField(
        max_length=512,
        help_text="The provider's token for the app on this phone: FCM's registration "
        "token, or APNs' device token as hex.",
    )
    name = serializers.CharField(max_length=100, required=False, allow_blank=True)
