from rest_framework import serializers


class LocationSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    key = serializers.CharField()
    name = serializers.CharField()
    address = serializers.CharField()
    phone = serializers.CharField()
    is_main = serializers.BooleanField()


class ClinicSerializer(serializers.Serializer):
    """The app's boot call: who this clinic is and what it offers."""

    name = serializers.CharField()
    slug = serializers.CharField()
    domain = serializers.CharField()
    timezone = serializers.CharField()
    currency = serializers.CharField()
    language = serializers.CharField()
    app_name = serializers.CharField()
    logo_url = serializers.CharField(allow_null=True)
    favicon_url = serializers.CharField(allow_null=True)
    primary_color = serializers.CharField()
    accent_color = serializers.CharField()
    font = serializers.CharField()
    features = serializers.DictField(child=serializers.BooleanField())
