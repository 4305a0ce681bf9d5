from rest_framework import serializers


class TokenRequestSerializer(serializers.Serializer):
    email = serializers.EmailField()
    password = serializers.CharField(trim_whitespace=False, style={"input_type": "password"})


class TokenSerializer(serializers.Serializer):
    token = serializers.CharField()


class MeSerializer(serializers.Serializer):
    """The signed-in person and their account at this clinic."""

    email = serializers.EmailField(source="user.email")
    first_name = serializers.CharField(source="user.first_name")
    last_name = serializers.CharField(source="user.last_name")
    phone = serializers.CharField()
    vip = serializers.BooleanField()
    client_since = serializers.DateTimeField(source="created_at")
    online_booking_blocked = serializers.BooleanField()
