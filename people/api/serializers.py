from rest_framework import serializers


class TokenRequestSerializer(serializers.Serializer):
    email = serializers.EmailField()
    password = serializers.CharField(trim_whitespace=False, style={"input_type": "password"})
    device = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=100,
        help_text="The device's name for the person's list of signed-in devices.",
    )


class TokenSerializer(serializers.Serializer):
    token = serializers.CharField(help_text="Send as `Authorization: Token <token>`.")
    expiry = serializers.DateTimeField(
        help_text="When it lapses unless used before: each use renews it (up to a year)."
    )
    device = serializers.CharField(help_text="This device's id in `GET /auth/devices`.")


class DeviceSerializer(serializers.Serializer):
    """A device signed in to the person's account at this clinic."""

    id = serializers.SerializerMethodField()
    name = serializers.CharField()
    signed_in_at = serializers.DateTimeField(source="created")
    last_used_at = serializers.DateTimeField(allow_null=True)
    expiry = serializers.DateTimeField(allow_null=True)
    current = serializers.SerializerMethodField(help_text="The device asking.")

    def get_id(self, token) -> str:
        return device_id(token)

    def get_current(self, token) -> bool:
        return getattr(self.context.get("request"), "auth", None) == token


def device_id(token) -> str:
    """A device's public id: the start of its token's digest (never of the token)."""
    return token.digest[:16]


class MeSerializer(serializers.Serializer):
    """The signed-in person and their account at this clinic."""

    # null for a client known by phone only (added at the desk without an email).
    email = serializers.EmailField(source="user.email", allow_null=True)
    first_name = serializers.CharField(source="user.first_name")
    last_name = serializers.CharField(source="user.last_name")
    phone = serializers.CharField()
    vip = serializers.BooleanField()
    client_since = serializers.DateTimeField(source="created_at")
    online_booking_blocked = serializers.BooleanField()


class MeUpdateSerializer(serializers.Serializer):
    """``PATCH /me``: the fields sent change, the others stay."""

    first_name = serializers.CharField(required=False, allow_blank=True, max_length=80)
    last_name = serializers.CharField(required=False, allow_blank=True, max_length=80)
    phone = serializers.CharField(required=False, allow_blank=True, max_length=30)
