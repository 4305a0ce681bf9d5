from rest_framework import serializers

from branding.models.settings import Font


class LocationSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    key = serializers.CharField()
    name = serializers.CharField()
    address = serializers.CharField()
    phone = serializers.CharField()
    is_main = serializers.BooleanField()


class IconSerializer(serializers.Serializer):
    size = serializers.IntegerField(help_text="Width and height in pixels.")
    url = serializers.URLField(help_text="A square PNG.")


class ClinicSerializer(serializers.Serializer):
    """The app's boot call: who this clinic is, its branding assets and what it offers."""

    name = serializers.CharField()
    slug = serializers.CharField()
    domain = serializers.CharField()
    timezone = serializers.CharField()
    currency = serializers.CharField()
    language = serializers.CharField()
    app_name = serializers.CharField()
    logo_url = serializers.CharField(allow_null=True)
    favicon_url = serializers.CharField(allow_null=True)
    primary_color = serializers.CharField(help_text="#rrggbb: buttons, links, headings.")
    on_primary_color = serializers.CharField(
        help_text="#rrggbb: text that is readable on the primary colour."
    )
    accent_color = serializers.CharField(help_text="#rrggbb: highlights and badges.")
    on_accent_color = serializers.CharField(
        help_text="#rrggbb: text that is readable on the accent colour."
    )
    font = serializers.ChoiceField(choices=Font.choices, help_text="The clinic's type style.")
    font_family = serializers.CharField(help_text="The font as a CSS font-family stack.")
    icons = IconSerializer(many=True, help_text="The app icon (square PNG) in each size.")
    features = serializers.DictField(child=serializers.BooleanField())
